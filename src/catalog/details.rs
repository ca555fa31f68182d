//! Chinese for the findings' detail lines. The decision passes and the configuration
//! checks write a finding's detail in English with the real values in it (they are
//! language-neutral otherwise); this table gives each English sentence shape its Chinese,
//! and [`localize`] moves the values across. A detail no shape matches stays English — the
//! test over the golden scenarios (tests/it/ecosystem.rs) fails when one is left.
//!
//! Shapes: `{x}` is a value (anything, possibly empty); `{t}` is a phrase translated in
//! turn (e.g. why `go` could not be asked).

use crate::cli::Lang;

/// (English shape, Chinese shape), most specific first.
const SHAPES: &[(&str, &str)] = &[
    // diagnose/platform.rs and the inspection finding (diagnose/findings.rs)
    (
        "WSL {a} ({b} networking{c}): HTTPS_PROXY is not set in this shell; Windows uses the proxy {d}",
        "WSL {a}（{b} 网络{c}）：当前 shell 没有设置 HTTPS_PROXY；Windows 使用的代理是 {d}",
    ),
    (
        "WSL {a} ({b} networking{c}): HTTPS_PROXY is not set in this shell",
        "WSL {a}（{b} 网络{c}）：当前 shell 没有设置 HTTPS_PROXY",
    ),
    (
        "running in `{a}`: its CA store is the image's, and {b} is not in it",
        "运行在 `{a}` 中：它的 CA 信任库来自镜像，其中没有 {b}",
    ),
    (
        "WSL {a} has its own Linux CA store: {b}, which Windows may trust, is not in it",
        "WSL {a} 有自己的 Linux CA 信任库：Windows 可能信任的 {b} 不在其中",
    ),
    ("{a}: inspected by {b} ({c})", "{a}：经过 {b} 的 TLS 审查（{c}）"),
    // diagnose/findings.rs
    ("{a} cannot be reached from this network", "在这个网络里无法访问 {a}"),
    (
        "{a} took {b} ms for {c}; {d} answered the same request in {e} ms",
        "{a} 处理 {c} 用了 {b} ms；{d} 回答同一个请求只用了 {e} ms",
    ),
    (
        "{a} lists up to {b} for {c}, but {d} already has {e}",
        "{a} 上 {c} 的版本列表只到 {b}，而 {d} 已经有 {e}",
    ),
    ("local clock is {a} s off {b}", "本机时钟与 {b} 相差 {a} 秒"),
    (
        "a proxy is configured in {a} but Go does not read it",
        "{a} 里配置了代理，但 Go 不读取它",
    ),
    (
        "{a} is persisted in {b} but differs in this shell",
        "{a} 已保存在 {b} 中，但与当前 shell 里的值不同",
    ),
    // config/warnings.rs
    (
        "{a}={b} from the OS environment overrides {c}={d} set with `go env -w` in {e}; Go uses the OS value",
        "系统环境变量 {a}={b} 覆盖了在 {e} 里用 `go env -w` 设置的 {c}={d}；Go 使用系统环境变量的值",
    ),
    (
        "{a} is written in the go env file {b} but Go's HTTP client reads it only from the OS environment: it has no effect there",
        "{a} 写在了 go env 文件 {b} 里，但 Go 的 HTTP 客户端只从系统环境变量读取它：写在那里不起作用",
    ),
    (
        "{a} is set but HTTPS_PROXY is not: Go sends https:// requests (module proxies, checksum database, ?go-get=1) without a proxy",
        "设置了 {a}，但没有设置 HTTPS_PROXY：Go 发出的 https:// 请求（模块代理、校验和数据库、?go-get=1）都不经过代理",
    ),
    (
        "{a} does not parse, and Go silently ignores it (no proxy is used)",
        "{a} 无法解析，Go 会悄悄忽略它（不使用任何代理）",
    ),
    (
        "{a} does not name a proxy host (value {b}); Go still uses it, and every request through it fails",
        "{a} 没有写出代理主机（值为 {b}）；Go 仍然使用它，经过它的每个请求都会失败",
    ),
    (
        "{a} uses the scheme {b}; Go supports only http, https, socks5 and socks5h proxies",
        "{a} 使用了协议 {b}；Go 只支持 http、https、socks5 和 socks5h 代理",
    ),
    ("{a} has an invalid port", "{a} 的端口无效"),
    (
        "REQUEST_METHOD is set (a CGI environment): Go refuses HTTP_PROXY for http:// requests",
        "设置了 REQUEST_METHOD（CGI 环境）：Go 对 http:// 请求拒绝使用 HTTP_PROXY",
    ),
    (
        "{a} entry {b} contains whitespace; Go does not trim entries, so it never matches (write {c})",
        "{a} 的条目 {b} 含有空白字符；Go 不会去掉空白，所以它永远匹配不上（应写成 {c}）",
    ),
    (
        "{a} entry {b} is not a valid glob (syntax error in pattern); Go ignores it",
        "{a} 的条目 {b} 不是合法的通配模式（syntax error in pattern）；Go 会忽略它",
    ),
    (
        "GOPROXY is empty (not set anywhere): Go has no module proxy and no direct mode, every download fails",
        "GOPROXY 为空（哪里都没有设置）：Go 既没有模块代理也没有 direct 模式，每次下载都会失败",
    ),
    (
        "GOPROXY is empty (not set anywhere; {a} is missing (a broken or repackaged Go installation)): Go has no module proxy and no direct mode, every download fails",
        "GOPROXY 为空（哪里都没有设置；{a} 不存在，Go 的安装损坏或被重新打包过）：Go 既没有模块代理也没有 direct 模式，每次下载都会失败",
    ),
    (
        "GOPROXY={a} does not parse; every module download fails",
        "GOPROXY={a} 无法解析；每次模块下载都会失败",
    ),
    (
        "GOPROXY contains off: module lookups stop there with \"module lookup disabled by GOPROXY=off\"",
        "GOPROXY 里有 off：模块查询到这里就停止，报 \"module lookup disabled by GOPROXY=off\"",
    ),
    (
        "GOPROXY contains off: only modules matching GOPRIVATE/GONOPROXY ({a}) are fetched (directly); others fail",
        "GOPROXY 里有 off：只有匹配 GOPRIVATE/GONOPROXY（{a}）的模块会被（直接）拉取，其他模块都会失败",
    ),
    (
        "GOSUMDB={a} does not parse; every checksum lookup fails",
        "GOSUMDB={a} 无法解析；每次校验和查询都会失败",
    ),
    (
        "GOSUMDB=off: downloads of modules missing from go.sum are not verified against the checksum database",
        "GOSUMDB=off：go.sum 里没有的模块下载后不会经过校验和数据库验证",
    ),
    ("GOVCS={a} does not parse", "GOVCS={a} 无法解析"),
    (
        "GONOSUMDB (or GOPRIVATE) contains the broad pattern {a}: checksum verification is skipped for most or all modules",
        "GONOSUMDB（或 GOPRIVATE）包含过宽的模式 {a}：大部分甚至全部模块都跳过了校验和验证",
    ),
    (
        "GOINSECURE contains the broad pattern {a}: direct fetches may use plain HTTP and skip certificate checks for most or all modules",
        "GOINSECURE 包含过宽的模式 {a}：大部分甚至全部模块的直接拉取可能使用明文 HTTP 并跳过证书检查",
    ),
    (
        "GOFLAGS contains -insecure, which Go no longer supports: `go get` fails at once; use GOINSECURE for specific hosts",
        "GOFLAGS 里有 -insecure，而 Go 已不再支持它：`go get` 会立即失败；请改为对特定主机使用 GOINSECURE",
    ),
    (
        "{a} could not report its configuration ({b}); the effective configuration was computed from the environment and the env file",
        "{a} 无法报告它的配置（{b}）；有效配置是根据环境变量和 env 文件推算出来的",
    ),
    (
        "{t}: the effective configuration was computed from the environment and the env file",
        "{t}：有效配置是根据环境变量和 env 文件推算出来的",
    ),
    // Phrases inside the shapes above.
    ("no `go` executable on PATH", "PATH 中没有 `go` 可执行文件"),
    ("no go on PATH", "PATH 中没有 go"),
];

/// The detail in `lang`: Chinese when a shape matches, else as it is.
pub fn localize(detail: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return detail.to_string();
    }
    translate(detail).unwrap_or_else(|| detail.to_string())
}

/// A `; `-separated list of sentences (e.g. why a module is probed) in `lang`, each
/// sentence localized on its own.
pub fn localize_list(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    text.split("; ")
        .map(|part| localize(part, lang))
        .collect::<Vec<_>>()
        .join("；")
}

fn translate(detail: &str) -> Option<String> {
    SHAPES
        .iter()
        .chain(super::evidence_zh::SHAPES)
        .find_map(|(en, zh)| {
            let holes = matches(en, detail)?;
            let mut out = zh.to_string();
            for (name, value) in holes {
                let value = if name == "t" {
                    translate(value).unwrap_or_else(|| value.to_string())
                } else {
                    value.to_string()
                };
                out = out.replace(&format!("{{{name}}}"), &value);
            }
            Some(out)
        })
}

/// The hole values when `text` has the `shape`, holes taking as little as they can.
fn matches<'t>(shape: &str, text: &'t str) -> Option<Vec<(String, &'t str)>> {
    let mut parts = vec![];
    let mut rest = shape;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        parts.push((rest[..open].to_string(), rest[open + 1..close].to_string()));
        rest = &rest[close + 1..];
    }
    let tail = rest;
    let mut holes = vec![];
    fit(&parts, tail, text, &mut holes).then_some(holes)
}

/// Backtracking: each (literal, hole) pair in turn, then the tail literal.
fn fit<'t>(
    parts: &[(String, String)],
    tail: &str,
    text: &'t str,
    holes: &mut Vec<(String, &'t str)>,
) -> bool {
    let Some(((lit, name), more)) = parts.split_first() else {
        return text == tail;
    };
    let Some(after) = text.strip_prefix(lit.as_str()) else {
        return false;
    };
    let next_lit = more.first().map_or(tail, |(l, _)| l.as_str());
    for (i, _) in after.char_indices().chain([(after.len(), ' ')]) {
        if !after[i..].starts_with(next_lit) {
            continue;
        }
        holes.push((name.clone(), &after[..i]));
        if fit(more, tail, &after[i..], holes) {
            return true;
        }
        holes.pop();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_carry_the_values_across() {
        assert_eq!(
            localize(
                "8.8.8.8:53, 1.1.1.1:53 cannot be reached from this network",
                Lang::Zh
            ),
            "在这个网络里无法访问 8.8.8.8:53, 1.1.1.1:53"
        );
        assert_eq!(
            localize(
                "https://goproxy.io took 9400 ms for v0.14.0.info; https://goproxy.cn answered the same request in 60 ms",
                Lang::Zh
            ),
            "https://goproxy.io 处理 v0.14.0.info 用了 9400 ms；https://goproxy.cn 回答同一个请求只用了 60 ms"
        );
        assert_eq!(
            localize(
                "no `go` executable on PATH: the effective configuration was computed from the environment and the env file",
                Lang::Zh
            ),
            "PATH 中没有 `go` 可执行文件：有效配置是根据环境变量和 env 文件推算出来的"
        );
        // A value holding a shape's own words stays whole.
        assert_eq!(
            localize(
                "HTTPS_PROXY=http://x has an invalid port has an invalid port",
                Lang::Zh
            ),
            "HTTPS_PROXY=http://x has an invalid port 的端口无效"
        );
    }

    #[test]
    fn english_and_unknown_details_stay_as_they_are() {
        let d = "8.8.8.8:53 cannot be reached from this network";
        assert_eq!(localize(d, Lang::En), d);
        assert_eq!(
            localize("proxy.golang.org:443", Lang::Zh),
            "proxy.golang.org:443"
        );
        assert_eq!(
            localize("something new happened", Lang::Zh),
            "something new happened"
        );
    }

    #[test]
    fn every_shape_is_well_formed() {
        for (en, zh) in SHAPES.iter().chain(super::super::evidence_zh::SHAPES) {
            let names = |s: &str| -> Vec<String> {
                s.split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                    .collect()
            };
            let (mut a, mut b) = (names(en), names(zh));
            a.sort();
            b.sort();
            assert_eq!(a, b, "{en}");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
    }
}
