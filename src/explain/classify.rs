//! One record → its candidate causes. The ladder runs from the most specific context to the
//! least: Go's configuration errors, checksum-database integrity, the HTTP proxy, the checksum
//! database, HTTP statuses, what came back instead of a module, then the network layers
//! (`transport`). Fixed phrases are table rows ([`Rule`]); arms whose reason or cause depends
//! on the context stay code.

use super::entities::dial_target;
use super::records::own_words;
use super::rules::{
    first_match, hit, phrases, Hit, Rule,
    When::{All, Has, Test},
};
use super::transport::{classify_git, classify_tls, classify_transport, net_failure_words};
use crate::redact::mask_value;
use crate::vocab::CauseId as Id;

/// Classifies one record; the first arm that matches decides.
pub(super) fn classify_record(record: &str) -> Vec<Hit> {
    let own = own_words(record);
    // A proxy's or checksum database's 404 body pasted on its own (`not found: m@v: ...`)
    // describes the server's fetch, never this network.
    if own.trim_start().starts_with("not found: ") {
        return vec![hit(
            Id::GoproxyModuleNotFound,
            0.6,
            "a module proxy's or checksum database's answer: it could not fetch the version",
            "模块代理或校验和数据库的回应：它取不到该版本",
        )];
    }
    if let Some(hits) = proxy_variable_via_go_env(own) {
        return hits;
    }
    if let Some(hits) = first_match(CONFIG_AND_INTEGRITY, own) {
        return hits;
    }
    if let Some(i) = own.find("proxyconnect tcp:") {
        return proxyconnect(&own[i..]);
    }
    if let Some(i) = own.find("socks connect tcp") {
        return socks(&own[i..]);
    }
    if let Some(reason) = connect_reason_phrase(own) {
        return connect_refused(reason);
    }
    if own.contains("malformed HTTP response") || own.contains("malformed HTTP status code") {
        return not_http(own);
    }
    if is_sumdb(own) {
        if let Some(hits) = sumdb(own) {
            return hits;
        }
    }
    // HTTP statuses from the module proxy (or the ?go-get=1 page).
    if let Some((url, code, text)) = http_status(own) {
        return http_status_hits(&url, code, &text);
    }
    if let Some(hits) = first_match(NOT_A_MODULE, own) {
        return hits;
    }
    // git's own messages (inside `git ls-remote ... exit status 128:`).
    if let Some(hits) = classify_git(own) {
        return hits;
    }
    // A network error wrapped in "cannot find module providing package" is the real cause.
    let tls = classify_tls(own);
    if !tls.is_empty() {
        return tls;
    }
    let transport = classify_transport(own);
    if !transport.is_empty() {
        return transport;
    }
    first_match(NOT_FOUND, own).unwrap_or_default()
}

/// Phrases one of which is in every record this ladder classifies: the scan's pre-filter.
pub(super) fn triggers(out: &mut Vec<&'static str>) {
    for table in [CONFIG_AND_INTEGRITY, NOT_A_MODULE, NOT_FOUND] {
        phrases(table, out);
    }
    out.extend_from_slice(CONNECT_PHRASES);
    // The code arms below, and `json_syntax_error`; `: 4`/`: 5` start every error status.
    out.extend_from_slice(&[
        "not found: ",
        "unknown go command variable",
        "proxyconnect tcp:",
        "socks connect tcp",
        "malformed HTTP",
        "invalid character '",
        ": 4",
        ": 5",
    ]);
    super::transport::triggers(out);
}

/// Configuration (decided before any network access), then checksum-database integrity.
#[rustfmt::skip]
const CONFIG_AND_INTEGRITY: &[Rule] = &[
    Rule::new(&[Has("-insecure flag is no longer supported")], Id::ConfigInsecureSettings, 0.9, "-insecure was removed from go get; GOINSECURE (narrowly) replaces it", "go get 已移除 -insecure；应改用（范围尽量小的）GOINSECURE"),
    Rule::new(&[Has("module lookup disabled by GOPROXY=off")], Id::ConfigGoproxyOff, 0.95, "GOPROXY=off: Go is not allowed to download modules", "GOPROXY=off：Go 不允许下载模块"),
    Rule::new(&[Has("invalid proxy URL"), Has("GOPROXY list is not the empty string")], Id::ConfigGoproxyInvalid, 0.95, "Go cannot parse GOPROXY", "Go 无法解析 GOPROXY"),
    Rule::new(&[Has("invalid GOSUMDB"), Has("missing GOSUMDB")], Id::ConfigGosumdbInvalid, 0.95, "Go cannot parse GOSUMDB", "Go 无法解析 GOSUMDB"),
    Rule::new(&[Has("does not override conflicting OS environment variable")], Id::ConfigEnvOverridesGoenv, 0.9, "an OS environment variable overrides the value set with `go env -w`", "系统环境变量覆盖了用 `go env -w` 设置的值"),
    Rule::new(&[Has("checksum database disabled by GOSUMDB=off")], Id::ConfigInsecureSettings, 0.9, "GOSUMDB=off: Go cannot verify what it must verify (toolchain downloads need the checksum database)", "GOSUMDB=off：Go 无法完成必需的校验（下载工具链需要校验和数据库）"),
    Rule::new(&[Has("GOVCS disallows")], Id::VcsGovcsDenied, 0.95, "GOVCS does not allow the version control tool this module needs", "GOVCS 不允许使用该模块所需的版本控制工具"),
    Rule::new(&[All(&["executable file not found", "\"git\""]), Has("missing Git command"), All(&["executable file not found", "\"hg\""]), All(&["executable file not found", "\"fossil\""])], Id::VcsGitMissing, 0.95, "direct mode runs the repository's VCS (git, hg, ...), and it is not on PATH", "直连模式需要运行仓库的版本控制工具（git、hg 等），但 PATH 中没有它"),
    Rule::new(&[Has("checksum mismatch")], Id::SumdbChecksumMismatch, 0.95, "the downloaded content does not match the recorded checksum", "下载的内容与记录的校验和不一致"),
    Rule::new(&[Has("server misbehavior detected"), Has("note has no verifiable signatures"), Has("malformed note"), Has("verifier name or hash doesn't match signature"), Has("cannot authenticate record data"), Has("invalid signature for key"), All(&["unknown key", "verifying"])], Id::SumdbBadSignature, 0.9, "the checksum database's signed tree head does not verify", "校验和数据库的签名树头验证失败"),
];

/// What came back where Go expected a module's metadata.
#[rustfmt::skip]
const NOT_A_MODULE: &[Rule] = &[
    Rule::new(&[Has("invalid character '<' looking for beginning of value")], Id::GoproxyCaptivePortal, 0.85, "an HTML page came back where Go expected JSON", "Go 期望 JSON，返回的却是 HTML 页面"),
    Rule::new(&[Has("proxy returned info for version"), Has("invalid response from proxy"), Has("unexpected end of JSON input"), Test(json_syntax_error)], Id::GoproxyInvalidInfo, 0.8, "the module proxy's answer is not the JSON version description Go asked for", "模块代理返回的不是 Go 请求的 JSON 版本描述"),
    Rule::new(&[Has("zip: not a valid zip file")], Id::GoproxyCaptivePortal, 0.7, "the .zip Go downloaded is not a zip file (often an HTML page)", "Go 下载的 .zip 不是 zip 文件（通常是一个 HTML 页面）"),
    Rule::new(&[Has("no go-import meta tags"), Has("invalid repo root"), Has("invalid subdirectory"), Has("unknown vcs \"")], Id::VcsMetaMissing, 0.9, "the ?go-get=1 page has no go-import meta tag", "?go-get=1 页面里没有 go-import meta 标签"),
];

/// The last resort: Go says the module or version is not there.
#[rustfmt::skip]
const NOT_FOUND: &[Rule] = &[
    Rule::new(&[Has("unknown revision"), Has("no matching versions for query"), Has("abort: HTTP Error 404"), Has("cannot find module providing package")], Id::GoproxyModuleNotFound, 0.75, "the version or module does not exist", "该版本或模块不存在"),
];

/// encoding/json's syntax errors on a body that is not JSON (`'<'`, an HTML page, has its own row).
fn json_syntax_error(s: &str) -> bool {
    s.contains("invalid character '")
        && (s.contains("looking for beginning of value") || s.contains("in literal"))
}

/// `go env -w HTTPS_PROXY=...`: Go refuses, the variable belongs to the OS environment.
fn proxy_variable_via_go_env(own: &str) -> Option<Vec<Hit>> {
    let var = own.split("unknown go command variable").nth(1)?.trim();
    var.to_ascii_uppercase().ends_with("_PROXY").then(|| {
        vec![hit(
            Id::ConfigProxyViaGoEnv,
            0.95,
            format!("`go env -w` cannot set {var}: it is an OS environment variable"),
            format!("`go env -w` 不能设置 {var}：它是系统环境变量"),
        )]
    })
}

/// The HTTP proxy's own failures: `after` starts at `proxyconnect tcp:`.
fn proxyconnect(after: &str) -> Vec<Hit> {
    let proxy = dial_target(after).unwrap_or_else(|| "the proxy".to_string());
    if after.contains("first record does not look like a TLS handshake")
        || after.contains("server gave HTTP response to HTTPS client")
        || after.contains("TLS handshake timeout")
    {
        return vec![hit(
            Id::ProxySchemeMismatch,
            0.9,
            "Go speaks TLS to the proxy (https:// proxy URL) but the proxy speaks plain HTTP",
            "Go 用 TLS 连接代理（代理 URL 是 https://），但代理说的是明文 HTTP",
        )];
    }
    // No dial error: the connection to the proxy opened, then the TLS handshake that an
    // https:// proxy URL asks for failed.
    let bare_eof = after["proxyconnect tcp:".len()..]
        .trim_start()
        .strip_prefix("EOF")
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()));
    if !after.contains("dial tcp") && (bare_eof || after.contains("connection reset by peer")) {
        return vec![hit(
            Id::ProxySchemeMismatch,
            0.75,
            "the TLS handshake with the proxy fails: an https:// proxy URL for a plain-HTTP proxy?",
            "与代理的 TLS 握手失败：是不是给明文 HTTP 代理写了 https:// 的代理 URL？",
        )];
    }
    if after.contains("x509:") || after.contains("tls:") {
        let mut hits = classify_tls(after);
        for h in &mut hits {
            h.confidence *= 0.8;
            h.en = format!("{} (the proxy's own certificate)", h.en);
            h.zh = format!("{}（代理自身的证书）", h.zh);
        }
        if !hits.is_empty() {
            return hits;
        }
    }
    vec![hit(
        Id::ProxyUnreachable,
        0.9,
        format!(
            "Go cannot connect to the proxy {}: {}",
            mask_value(&proxy),
            net_failure_words(after).0
        ),
        format!(
            "Go 连不上代理 {}：{}",
            mask_value(&proxy),
            net_failure_words(after).1
        ),
    )]
}

/// A SOCKS proxy's failures: `after` starts at `socks connect tcp`.
fn socks(after: &str) -> Vec<Hit> {
    if after.contains("no acceptable authentication methods") {
        return vec![hit(
            Id::ProxyAuthRequired,
            0.85,
            "the SOCKS proxy requires a user name and password, and the proxy URL has none",
            "SOCKS 代理要求用户名和密码，而代理 URL 里没有",
        )];
    }
    if after.contains("authentication failed") {
        return vec![hit(
            Id::ProxyAuthRejected,
            0.85,
            "the SOCKS proxy rejects the user name and password",
            "SOCKS 代理拒绝了用户名和密码",
        )];
    }
    if after.contains(": dial tcp") {
        return vec![hit(
            Id::ProxyUnreachable,
            0.9,
            format!(
                "Go cannot connect to the SOCKS proxy: {}",
                net_failure_words(after).0
            ),
            format!("Go 连不上 SOCKS 代理：{}", net_failure_words(after).1),
        )];
    }
    if [
        "unreachable",
        "refused",
        "general SOCKS server failure",
        "TTL expired",
        "unknown error",
    ]
    .iter()
    .any(|w| after.contains(w))
    {
        return vec![hit(
            Id::ProxyUpstreamFailed,
            0.8,
            "the SOCKS proxy cannot reach the target",
            "SOCKS 代理连不上目标主机",
        )];
    }
    vec![hit(
        Id::ProxyNotAProxy,
        0.5,
        "the SOCKS handshake with the proxy fails",
        "与代理的 SOCKS 握手失败",
    )]
}

/// The proxy answered the CONNECT with an error status (its reason phrase).
fn connect_refused(reason: &'static str) -> Vec<Hit> {
    match reason {
        "Proxy Authentication Required" => vec![
            hit(
                Id::ProxyAuthRequired,
                0.85,
                "the proxy answers the CONNECT with 407 Proxy Authentication Required",
                "代理对 CONNECT 请求返回 407 Proxy Authentication Required",
            ),
            hit(
                Id::ProxyAuthUnsupported,
                0.4,
                "Go can only send Basic credentials; an NTLM/Kerberos proxy fails the same way",
                "Go 只能发送 Basic 凭据；NTLM/Kerberos 代理也会这样失败",
            ),
            hit(
                Id::ProxyAuthRejected,
                0.35,
                "if the proxy URL has credentials, the proxy rejects them",
                "如果代理 URL 里带了凭据，说明代理拒绝了它们",
            ),
        ],
        // tinyproxy and others answer a CONNECT with bad or missing credentials 401, not 407.
        "Unauthorized" => vec![
            hit(
                Id::ProxyAuthRejected,
                0.8,
                "the proxy answers the CONNECT with 401 Unauthorized: it rejects the credentials",
                "代理对 CONNECT 请求返回 401 Unauthorized：它拒绝了凭据",
            ),
            hit(
                Id::ProxyAuthRequired,
                0.55,
                "or the proxy wants credentials the proxy URL does not carry",
                "也可能代理需要凭据，而代理 URL 里没有",
            ),
        ],
        "Forbidden" | "Method Not Allowed" => vec![hit(
            Id::ProxyConnectDenied,
            0.85,
            format!("the proxy refuses the CONNECT: {reason}"),
            format!("代理拒绝了 CONNECT 请求：{reason}"),
        )],
        _ => vec![hit(
            Id::ProxyUpstreamFailed,
            0.85,
            format!("the proxy cannot reach the target: {reason}"),
            format!("代理连不上目标主机：{reason}"),
        )],
    }
}

/// Something that is not HTTP answered: a proxy address that points at another service.
fn not_http(own: &str) -> Vec<Hit> {
    let via_connect = own.contains("Get \"https://");
    vec![hit(
        Id::ProxyNotAProxy,
        if via_connect { 0.75 } else { 0.5 },
        "the answer to Go's request is not HTTP: the proxy address points at another service",
        "Go 收到的回应不是 HTTP：代理地址指向了别的服务",
    )]
}

/// The record is about the checksum database.
fn is_sumdb(own: &str) -> bool {
    [
        "verifying ",
        "/sumdb/",
        "//sum.golang.org",
        "//sum.golang.google.cn",
    ]
    .iter()
    .any(|w| own.contains(w))
}

/// The checksum database's failures: its HTTP status, or the transport error on the way.
fn sumdb(own: &str) -> Option<Vec<Hit>> {
    if let Some((url, code, text)) = http_status(own) {
        return Some(sumdb_status(&url, code, &text));
    }
    let transport = classify_transport(own);
    if via_proxy_route(own) && (!transport.is_empty() || own.contains("stream error")) {
        // The proxy answered Go's module requests, then failed on its checksum-database route.
        let mut hits = vec![
            hit(
                Id::SumdbProxyRouteBroken,
                0.85,
                "the module proxy's checksum-database route (/sumdb/) fails",
                "模块代理的校验和数据库接口（/sumdb/）出错",
            ),
            hit(
                Id::SumdbUnreachable,
                0.5,
                "the checksum database cannot be reached through the proxy",
                "无法通过代理访问校验和数据库",
            ),
        ];
        for t in transport {
            hits.push(Hit {
                confidence: (t.confidence * 0.5).min(0.45),
                ..t
            });
        }
        return Some(hits);
    }
    let first = transport.first()?;
    let mut hits = vec![hit(
        Id::SumdbUnreachable,
        0.9,
        format!("the checksum database cannot be reached: {}", first.en),
        format!("无法访问校验和数据库：{}", first.zh),
    )];
    for t in transport {
        hits.push(Hit {
            confidence: (t.confidence * 0.7).min(0.65),
            ..t
        });
    }
    Some(hits)
}

/// The checksum database reached through a module proxy (`<proxy>/sumdb/<db>/...`, or the
/// database's name as a path element), not at its own host.
fn via_proxy_route(s: &str) -> bool {
    s.contains("/sumdb/")
        || ["/sum.golang.org/", "/sum.golang.google.cn/"]
            .iter()
            .any(|db| {
                s.match_indices(db)
                    .any(|(i, _)| i > 0 && s.as_bytes()[i - 1] != b'/')
            })
}

/// The checksum database (or the proxy's route to it) answers an HTTP status.
fn sumdb_status(url: &str, code: u16, text: &str) -> Vec<Hit> {
    let gone = code == 404 || code == 410;
    // A tile always exists in the real database: a proxy that has none is broken.
    if via_proxy_route(url) && (!gone || url.contains("/tile/")) {
        let second = if gone {
            hit(
                Id::SumdbNotFound,
                0.5,
                format!("the proxy answers {code} {text} for the checksum database"),
                format!("代理对校验和数据库的请求返回 {code} {text}"),
            )
        } else {
            hit(
                Id::SumdbUnreachable,
                0.5,
                format!("the checksum database route answers {code} {text}"),
                format!("访问校验和数据库的路径返回 {code} {text}"),
            )
        };
        return vec![
            hit(
                Id::SumdbProxyRouteBroken,
                0.88,
                format!("the module proxy's checksum-database route answers {code} {text}"),
                format!("模块代理的校验和数据库接口返回 {code} {text}"),
            ),
            second,
        ];
    }
    if url.ends_with("/supported") && !gone {
        return vec![hit(
            Id::SumdbProxyRouteBroken,
            0.9,
            format!("the proxy's checksum-database endpoint answers {code} {text}"),
            format!("代理的校验和数据库接口返回 {code} {text}"),
        )];
    }
    if code == 404 || code == 410 {
        let mut hits = vec![hit(
            Id::SumdbNotFound,
            0.9,
            format!("the checksum database answers {code} {text}: it has no record of the module"),
            format!("校验和数据库返回 {code} {text}：没有该模块的记录"),
        )];
        hits.push(hit(
            Id::ConfigPrivateNotExcluded,
            0.45,
            "a module the checksum database cannot see is usually private: GOPRIVATE",
            "校验和数据库看不到的模块通常是私有模块：需要 GOPRIVATE",
        ));
        return hits;
    }
    vec![
        hit(
            Id::SumdbUnreachable,
            0.85,
            format!("the checksum database route answers {code} {text}"),
            format!("访问校验和数据库的路径返回 {code} {text}"),
        ),
        hit(
            if code == 401 || code == 403 {
                Id::GoproxyForbidden
            } else {
                Id::GoproxyHttpError
            },
            0.5,
            format!("HTTP {code} {text}"),
            format!("服务器返回 HTTP {code} {text}"),
        ),
    ]
}

/// An HTTP status from the module proxy (or the `?go-get=1` page).
fn http_status_hits(url: &str, code: u16, text: &str) -> Vec<Hit> {
    let go_get = url.contains("?go-get=1");
    match code {
        404 | 410 if go_get => vec![
            hit(
                Id::GoproxyModuleNotFound,
                0.65,
                format!("the host answers {code} {text} for the module's ?go-get=1 page"),
                format!("主机对该模块的 ?go-get=1 页面返回 {code} {text}"),
            ),
            hit(
                Id::VcsMetaMissing,
                0.45,
                "a private host may return 404 to an anonymous ?go-get=1 request",
                "私有主机可能对匿名的 ?go-get=1 请求返回 404",
            ),
        ],
        404 | 410 => {
            let mut hits = vec![hit(
                Id::GoproxyModuleNotFound,
                0.7,
                format!("the module proxy answers {code} {text}"),
                format!("模块代理返回 {code} {text}"),
            )];
            // A public proxy has never heard of it: a private module sent to the wrong place?
            if PUBLIC_PROXIES.iter().any(|p| url.contains(p)) {
                hits.push(hit(
                    Id::ConfigPrivateNotExcluded,
                    0.4,
                    "if the module is private, GOPRIVATE keeps it away from public proxies",
                    "如果这是私有模块，需要用 GOPRIVATE 让它不经过公共代理",
                ));
            }
            hits
        }
        // Public proxies never ask for credentials: a proxy on the way answered for them.
        401 if PUBLIC_PROXIES.iter().any(|p| url.contains(p)) => vec![
            hit(
                Id::ProxyAuthRequired,
                0.8,
                format!("a public module proxy never answers {code} {text}: a proxy on the way asks for a login"),
                format!("公共模块代理从不返回 {code} {text}：是途中的代理要求登录"),
            ),
            hit(
                Id::GoproxyForbidden,
                0.55,
                format!("the module proxy answers {code} {text}"),
                format!("模块代理返回 {code} {text}"),
            ),
        ],
        401 | 403 => vec![hit(
            Id::GoproxyForbidden,
            0.85,
            format!("the module proxy answers {code} {text}"),
            format!("模块代理返回 {code} {text}"),
        )],
        407 => vec![hit(
            Id::ProxyAuthRequired,
            0.8,
            "the HTTP proxy answers 407 Proxy Authentication Required",
            "HTTP 代理返回 407 Proxy Authentication Required",
        )],
        429 | 500..=599 => vec![hit(
            Id::GoproxyHttpError,
            0.85,
            format!("the module proxy answers {code} {text}"),
            format!("模块代理返回 {code} {text}"),
        )],
        _ => vec![hit(
            Id::GoproxyHttpError,
            0.5,
            format!("the module proxy answers {code} {text}"),
            format!("模块代理返回 {code} {text}"),
        )],
    }
}

/// Public module proxies: a 404 there for a module is a hint that the module is private.
const PUBLIC_PROXIES: &[&str] = &[
    "//proxy.golang.org/",
    "//goproxy.cn/",
    "//goproxy.io/",
    "//mirrors.aliyun.com/goproxy/",
];

/// The reason phrases a proxy's CONNECT answer can end Go's error with.
const CONNECT_PHRASES: &[&str] = &[
    "Proxy Authentication Required",
    "Forbidden",
    "Method Not Allowed",
    "Unauthorized",
    "Bad Gateway",
    "Service Unavailable",
    "Gateway Timeout",
    // squid when its own DNS fails (a module proxy's 500 reads `reading URL: 500 ...`).
    "Internal Server Error",
    // tinyproxy's reason phrase for its 500 when it cannot connect.
    "Unable to connect",
];

/// The reason phrase of a failed CONNECT: `Get "https://...": Forbidden` (the whole rest; Go
/// before 1.14 printed the URL unquoted, often inside `(https fetch: ...)`).
fn connect_reason_phrase(s: &str) -> Option<&'static str> {
    let mut rest = s;
    while let Some(start) = rest.find("Get ") {
        let after = &rest[start + 4..];
        let (url, quoted) = match after.strip_prefix('"') {
            Some(u) => (u, true),
            None => (after, false),
        };
        let end = if quoted {
            url.find("\": ")
        } else {
            url.find(": ")
        };
        if let Some(end) = end {
            let tail = &url[end + if quoted { 3 } else { 2 }..];
            let tail = tail.lines().next().unwrap_or("").trim();
            let tail = tail.trim_end_matches([')', '"']).trim_end();
            if let Some(p) = CONNECT_PHRASES.iter().find(|p| **p == tail) {
                return Some(p);
            }
        }
        rest = after;
    }
    None
}

/// An HTTP error status after a URL: `reading URL: 404 Not Found`, a trace `# get URL: 404 Not
/// Found (0.1s)`, Go before 1.13's `unexpected status (URL): 404 Not Found` and GOPATH-era
/// `package p: https://URL: 403 FORBIDDEN`. Statuses below 400 are not errors (`200 OK`).
fn http_status(s: &str) -> Option<(String, u16, String)> {
    for line in s.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("http") {
            let tail = &rest[i..];
            rest = &tail[4..];
            if !(tail.starts_with("http://") || tail.starts_with("https://")) {
                continue;
            }
            if let Some(found) = status_after_url(tail) {
                return Some(found);
            }
        }
    }
    None
}

/// `URL: NNN Text` (the URL may be closed by `)` or a quote): the URL, code and text, for
/// error codes only.
fn status_after_url(tail: &str) -> Option<(String, u16, String)> {
    // The URL ends at the first space; `: ` then a three-digit code may follow right after.
    let end = tail.find(' ')?;
    let url = tail[..end].strip_suffix(':')?;
    let url = url.trim_end_matches([')', '"']);
    let after = &tail[end + 1..];
    let digits = after.get(..3)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !after[3..].starts_with(' ') {
        return None;
    }
    let code: u16 = digits.parse().ok()?;
    if code < 400 {
        return None;
    }
    let text = after[4..].split(" (").next().unwrap_or("").trim();
    Some((url.to_string(), code, text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_status_parses_reading_and_trace_lines() {
        assert_eq!(
            http_status("go: m: reading https://p.example/m/@v/list: 410 Gone"),
            Some(("https://p.example/m/@v/list".into(), 410, "Gone".into()))
        );
        assert_eq!(
            http_status("# get https://p.example/m/@v/v1.info: 503 Service Unavailable (0.123s)"),
            Some((
                "https://p.example/m/@v/v1.info".into(),
                503,
                "Service Unavailable".into()
            ))
        );
        assert_eq!(http_status("# get https://p.example/m/@v/v1.info"), None);
        assert_eq!(
            http_status("# get https://p.example/x: Get \"https://p.example/x\": EOF"),
            None
        );
    }

    #[test]
    fn a_proxy_500_to_connect_is_the_proxy_failing_upstream() {
        // squid behind a filtering resolver, and tinyproxy that cannot connect (Go 1.27).
        for reason in ["Internal Server Error", "Unable to connect"] {
            let text = format!(
                "go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": {reason}"
            );
            assert_eq!(connect_reason_phrase(&text), Some(reason));
            assert_eq!(connect_refused(reason)[0].id, Id::ProxyUpstreamFailed);
        }
        // The module proxy's own 500 is not the HTTP proxy's.
        assert_eq!(
            connect_reason_phrase(
                "go: m: reading https://p.example/m/@v/list: 500 Internal Server Error"
            ),
            None
        );
    }
}
