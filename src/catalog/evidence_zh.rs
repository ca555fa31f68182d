//! Chinese for the evidence lines (src/diagnose): the shapes of the tool's own sentences,
//! in the format of [`super::details`]. Go's texts and what peers sent are facts as observed
//! and stay as they are; where a shape carries one, the Chinese puts it in a code span.

/// (English shape, Chinese shape), most specific first.
pub(super) const SHAPES: &[(&str, &str)] = &[
    // diagnose/evidence.rs: the network chain of an endpoint
    ("{a} failed ({b}): {c}", "{a} 失败（{b}）：`{c}`"),
    ("reachable in {a} ms", "可以连通（{a} ms）"),
    ("CONNECT {a} via {b}", "经 {b} CONNECT {a}"),
    ("certificate chain from {a}", "{a} 发来的证书链"),
    (
        "only the server's own certificate was sent, not its issuer {a}, which its CA publishes at {b} (browsers download it, Go does not)",
        "服务器只发送了自己的证书，没有发送签发它的 {a}（它的 CA 在 {b} 公布了这张证书；浏览器会自动下载，Go 不会）",
    ),
    (
        "{a} certificates were sent, not its issuer {b}, which its CA publishes at {c} (browsers download it, Go does not)",
        "服务器发送了 {a} 张证书，但没有签发者 {b}（它的 CA 在 {c} 公布了这张证书；浏览器会自动下载，Go 不会）",
    ),
    ("clock compared with {a}", "与 {a} 对比时钟"),
    (
        "local time {a} vs server time {b}: {c} s",
        "本机时间 {a}，服务器时间 {b}：相差 {c} 秒",
    ),
    // diagnose/evidence.rs: the resolvers
    ("system resolver {a} for {b}", "系统 DNS 解析器 {a}（查询 {b}）"),
    (
        "public resolver {a} ({b}) for {c}",
        "公共 DNS 解析器 {a}（{b}，查询 {c}）",
    ),
    ("hosts file {a}", "hosts 文件 {a}"),
    ("pins {a} to {b}", "把 {a} 固定解析为 {b}"),
    ("timeout ({a} ms)", "超时（{a} ms）"),
    ("nxdomain ({a} ms)", "NXDOMAIN：名字不存在（{a} ms）"),
    ("no_records ({a} ms)", "名字存在但没有地址记录（{a} ms）"),
    ("servfail ({a} ms)", "SERVFAIL：服务器出错（{a} ms）"),
    ("refused ({a} ms)", "REFUSED：服务器拒绝查询（{a} ms）"),
    ("unreachable ({a} ms)", "无法访问（{a} ms）"),
    ("error ({a} ms)", "出错（{a} ms）"),
    // diagnose/network.rs
    (
        "a public Go service: it exists, so the negative answer is a filter",
        "这是 Go 的公共服务，它确实存在，所以否定的回答来自过滤",
    ),
    // simulate: why Go goes on or stops at a GOPROXY entry
    ("GOPROXY entry {a}", "GOPROXY 条目 {a}"),
    ("GOPROXY later entry {a}", "GOPROXY 后面的条目 {a}"),
    ("success: Go stops here", "成功：Go 到此为止"),
    (
        "\"not found\" (404/410 or Go's internal not-found): Go tries the next entry",
        "“not found”（404/410 或 Go 内部的 not-found）：Go 会尝试下一个条目",
    ),
    (
        "error, but the entry is followed by `|`: Go tries the next entry",
        "出错，但这个条目后面是 `|`：Go 会尝试下一个条目",
    ),
    (
        "error that is not \"not found\" and the entry is not followed by `|`: Go stops here",
        "错误不是 “not found”，而且这个条目后面不是 `|`：Go 到此为止",
    ),
    (
        "the checksum database has no fallback",
        "校验和数据库没有后备",
    ),
    (
        "serves the module, but Go never reaches it: the entry before it is followed by `,`",
        "它有这个模块，但 Go 永远到不了它：它前面的条目后面是 `,`",
    ),
    // diagnose/failure.rs
    ("response", "响应"),
    (
        "the server accepted the connection but sent no response headers; Go has no timeout here and would wait indefinitely",
        "服务器接受了连接，但没有发送响应头；Go 在这里没有超时，会一直等下去",
    ),
    // diagnose/configuration.rs
    (
        "{a} is set, but Go's route to the host is direct: Go could not parse the value and ignores it",
        "设置了 {a}，但 Go 到这个主机走的是直连：Go 无法解析这个值，忽略了它",
    ),
    ("{a} exempts {b} from HTTPS_PROXY={c}", "{a} 让 {b} 绕过了 HTTPS_PROXY={c}"),
    (
        "HTTP_PROXY={a} is set, HTTPS_PROXY is not: https requests go direct",
        "设置了 HTTP_PROXY={a}，但没有设置 HTTPS_PROXY：https 请求直连",
    ),
    ("go env file {a}", "go env 文件 {a}"),
    (
        "sets {a}, which Go reads only from the OS environment: no proxy is used",
        "设置了 {a}，而 Go 只从系统环境变量读取它：不会使用任何代理",
    ),
    ("system proxy ({t})", "系统代理（{t}）"),
    (
        "a PAC script {a} is configured in the OS, which Go does not read",
        "系统里配置了 PAC 脚本 {a}，但 Go 不读取它",
    ),
    (
        "a proxy is configured in the OS, which Go does not read",
        "系统里配置了代理，但 Go 不读取它",
    ),
    (
        "{a} is configured in the OS, which Go does not read",
        "系统里配置了 {a}，但 Go 不读取它",
    ),
    (
        "persisted as {a} but not set in this shell",
        "保存的值是 {a}，但当前 shell 里没有设置",
    ),
    // diagnose/route.rs
    (
        "{a}: an entry with a space matches {b} once trimmed, but Go does not trim",
        "{a}：带空格的条目去掉空格后能匹配 {b}，但 Go 不会去掉空格",
    ),
    (
        "{a} matches none of them (GOPRIVATE={b}), so Go asks the public proxy and checksum database",
        "{a} 不匹配其中任何一个（GOPRIVATE={b}），所以 Go 会去问公共代理和校验和数据库",
    ),
    (
        "the OS environment sets {a}, overriding {b} from `go env -w`",
        "系统环境变量设置为 {a}，覆盖了 `go env -w` 设置的 {b}",
    ),
    // diagnose/platform.rs
    ("local proxy helper {a}", "本地代理助手 {a}"),
    (
        "listening; a CONNECT through it works",
        "正在监听；通过它的 CONNECT 可用",
    ),
    (
        "listening, but a CONNECT through it fails: {a}",
        "正在监听，但通过它的 CONNECT 失败：`{a}`",
    ),
    // diagnose/mod.rs: what was not observed
    (
        "outcome unknown: a request on Go's path was not observed",
        "结果未知：Go 路径上有一个请求没有观察到",
    ),
    ("not checked (--no-vcs)", "未检查（--no-vcs）"),
    ("not observed", "未观察到"),
    (
        "{a} (run without --no-vcs to check git access)",
        "{a}（去掉 --no-vcs 运行即可检查 git 访问）",
    ),
    ("direct mode for {a}", "{a} 的直接模式"),
    ("direct ({a})", "直连（{a}）"),
    // config/goauth.rs and simulate: GOAUTH entries gomod-diag does not run
    (
        "{t} (Go would add their credentials to {a})",
        "{t}（Go 会把它们给出的凭据加到 {a} 的请求上）",
    ),
    ("GOAUTH command {a}: not run", "GOAUTH 命令 {a}：未运行"),
    (
        "GOAUTH=git {a}: git credential fill was not run",
        "GOAUTH=git {a}：未运行 git credential fill",
    ),
    (
        "Go's outcome depends on credentials from GOAUTH that gomod-diag did not obtain (it runs no GOAUTH command).",
        "Go 的结果取决于 GOAUTH 提供的凭据，而 gomod-diag 没有拿到（它不运行任何 GOAUTH 命令）。",
    ),
    // simulate/sumdb.rs: how the checksum database is reached
    ("invalid GOSUMDB", "GOSUMDB 无效"),
    ("not consulted: {a}", "不查询：{a}"),
    (
        "unavailable: the `supported` walk failed",
        "不可用：`supported` 探测失败",
    ),
    // Endpoint routes: `host:port direct`, `host:port via proxy`.
    ("{a} via {b}", "{a} 经 {b}"),
    ("{a} direct", "{a} 直连"),
    // modfetch/targets.rs: why each module is probed (one part of a `; ` list each)
    ("given with --module", "由 --module 指定"),
    (
        "no go.mod here or in a parent directory: probing the public module {a}",
        "这里和上级目录都没有 go.mod：改为探测公共模块 {a}",
    ),
    ("{a}: excluded in go.mod, skipped", "{a}：在 go.mod 中被 exclude，已跳过"),
    (
        "{a}: replaced by the directory {b}, nothing to fetch",
        "{a}：被替换为目录 {b}，无需下载",
    ),
    (
        "matches GOPRIVATE/GONOPROXY/GONOSUMDB, probed on its own route",
        "匹配 GOPRIVATE/GONOPROXY/GONOSUMDB，按它自己的路线单独探测",
    ),
    (
        "… and {a} more excluded requirements skipped",
        "… 另有 {a} 个被 exclude 的依赖已跳过",
    ),
    (
        "{a}: {b} public requirement(s) share one route",
        "{a}：{b} 个公共依赖走同一条路线",
    ),
    ("probing {a} for them", "用 {a} 代表它们探测"),
    (
        "{a} requires nothing to fetch: probing the public module {b}",
        "{a} 没有需要下载的依赖：改为探测公共模块 {b}",
    ),
    // render/env.rs describe_source: where a setting comes from
    ("OS environment", "系统环境变量"),
    ("go env file ({a})", "go env 文件（{a}）"),
    ("default", "默认值"),
    ("default (from {a})", "默认值（由 {a} 推出）"),
    ("not set", "未设置"),
    // Phrases inside the shapes above (platform/proxy.rs source_label).
    (
        "Windows Internet Options (WinINET)",
        "Windows 的 Internet 选项（WinINET）",
    ),
    ("macOS network proxy settings", "macOS 网络代理设置"),
    ("GNOME proxy settings", "GNOME 代理设置"),
    ("KDE proxy settings", "KDE 代理设置"),
    // ---- `gomod-diag env`, `probe` and `fix` (render/env.rs, probe.rs, fix.rs) ----
    // plan/mod.rs, plan/private.rs: why a module looks private, where its path goes
    (
        "it matches GOPRIVATE, but GONOPROXY or GONOSUMDB is set to a value that does not cover it",
        "它匹配 GOPRIVATE，但 GONOPROXY 或 GONOSUMDB 被设成了不覆盖它的值",
    ),
    (
        "{a} has the entry {b}, which would match it without the whitespace",
        "{a} 里有条目 {b}，去掉空白后就能匹配它",
    ),
    ("its host {a} is an IP address", "它的主机 {a} 是 IP 地址"),
    (
        "its host {a} ends in .{b}, which is not a public domain",
        "它的主机 {a} 以 .{b} 结尾，这不是公共域名",
    ),
    (
        "its host {a} has the label {b}, which names an internal network",
        "它的主机 {a} 含有标签 {b}，这是内部网络的名字",
    ),
    (
        "its host {a} looks like a company's own code server",
        "它的主机 {a} 看起来是公司自己的代码服务器",
    ),
    (
        "it matches GOINSECURE (a host you reach without TLS checks)",
        "它匹配 GOINSECURE（访问这个主机时不做 TLS 检查）",
    ),
    ("the module matches {a}", "模块匹配 {a}"),
    (
        "checksum database {a} (through {b}, else {c})",
        "校验和数据库 {a}（经 {b}，否则直连 {c}）",
    ),
    ("checksum database {a} at {b}", "校验和数据库 {a}（{b}）"),
    // probe/trust.rs: the roots Go verifies with
    ("{t} ({a} roots)", "{t}（{a} 个根证书）"),
    ("no roots found", "没有找到根证书"),
    (
        "the OS certificate store (unavailable: {a})",
        "系统证书库（不可用：`{a}`）",
    ),
    ("the OS certificate store", "系统证书库"),
    // catalog/apply.rs: why `fix` refuses a step
    (
        "the catalog marks this step as weakening verification",
        "目录把这一步标记为会削弱验证",
    ),
    (
        "GOINSECURE lets Go fetch these modules over plain HTTP or with any certificate",
        "GOINSECURE 让 Go 可以用明文 HTTP 或任意证书拉取这些模块",
    ),
    (
        "GOSUMDB=off turns off the checksum database for every module",
        "GOSUMDB=off 会对所有模块关闭校验和数据库",
    ),
    (
        "-insecure in GOFLAGS allows plain HTTP and unverified certificates",
        "GOFLAGS 里的 -insecure 允许明文 HTTP 和未经验证的证书",
    ),
    (
        "a plain-http GOPROXY entry can be tampered with on the way",
        "明文 http 的 GOPROXY 条目在传输途中可能被篡改",
    ),
    (
        "GOVCS=*:all lets any module use any version control system",
        "GOVCS=*:all 允许任何模块使用任何版本控制系统",
    ),
    (
        "{a} pattern {b} skips the checksum database for public modules too",
        "{a} 的模式 {b} 让公共模块也跳过了校验和数据库",
    ),
    ("the value of {a} is not known", "{a} 的值未知"),
    (
        "the value holds a masked credential (a saved report keeps only the masked value)",
        "这个值里有被遮盖的凭据（保存的报告只保留遮盖后的值）",
    ),
    // probe/mod.rs: what `probe` says of a bad target or --proxy
    (
        "invalid target {a}: {t}; expected HOST[:PORT], e.g. {b} or {c} or {d}",
        "无效的目标 {a}：{t}；应为 HOST[:PORT]，例如 {b}、{c} 或 {d}",
    ),
    (
        "invalid target {a}: {t}; expected HOST:PORT, e.g. {b} or {c} or {d}",
        "无效的目标 {a}：{t}；应为 HOST:PORT，例如 {b}、{c} 或 {d}",
    ),
    (
        "invalid target {a}: {b}; expected HOST[:PORT]",
        "无效的目标 {a}：`{b}`；应为 HOST[:PORT]",
    ),
    ("empty", "为空"),
    ("a URL or path is not a host", "URL 或路径不是主机"),
    ("missing ']'", "缺少 ']'"),
    ("unexpected text after ']'", "']' 后面有多余的内容"),
    ("too many ':'", "':' 太多"),
    ("missing host", "缺少主机"),
    ("missing port", "缺少端口"),
    ("the host contains whitespace", "主机名里有空白字符"),
    ("port {a} is not a number from 1 to 65535", "端口 {a} 不是 1 到 65535 之间的数字"),
    (
        "invalid --proxy: {t}; expected a proxy URL such as {a}, {b}, {c}",
        "无效的 --proxy：{t}；应为代理 URL，例如 {a}、{b}、{c}",
    ),
    (
        "empty --proxy; expected a proxy URL such as {a}, {b}, {c}",
        "--proxy 为空；应为代理 URL，例如 {a}、{b}、{c}",
    ),
    (
        "proxy {a}: scheme {b} is not one Go supports (http, https, socks5, socks5h)",
        "代理 {a}：协议 {b} 不是 Go 支持的（http、https、socks5、socks5h）",
    ),
    ("proxy {a}: missing host or port", "代理 {a}：缺少主机或端口"),
    // plan/mod.rs: a bad --module (Go's reason as it is)
    (
        "invalid module {a}: {b}; expected PATH[@VERSION], e.g. {c}",
        "无效的模块 {a}：`{b}`；应为 PATH[@VERSION]，例如 {c}",
    ),
];
