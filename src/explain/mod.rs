//! `gomod-diag explain`: classifies a pasted Go error (or a whole `go ... -x` log) into ranked
//! cause identifiers, using the error texts cmd/go, net, net/http, crypto/tls and crypto/x509
//! print (reference §7), and pulls out the hosts, URLs, addresses, proxies and modules it
//! names. Pure: text in, [`Explanation`] out. Every string in the result is redacted.
//!
//! Context decides between look-alike errors: a dial error inside `proxyconnect tcp:` is the
//! proxy's (`proxy.unreachable`), not the target's; a transport error on the way to the
//! checksum database (`verifying module:`, `/sumdb/`, `sum.golang.org`) is `sumdb.unreachable`
//! with the transport class as a secondary cause; text after `server response:` is the remote
//! server's own message and never classifies the local network.

use crate::cli::Lang;
use crate::redact::{redact_text, redact_url};
use crate::vocab::{Area, CauseId};

/// One candidate cause.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cause {
    pub id: CauseId,
    /// 0.0 ..= 1.0; the ranking key.
    pub confidence: f64,
    /// One line: why this id, in terms of the text.
    pub reason: String,
    /// The (redacted) line of the input that matched.
    pub matched: String,
}

/// What the text names. Every value is redacted.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entities {
    /// Host names (not IP literals) from URLs, lookups and git messages.
    pub hosts: Vec<String>,
    /// URLs (module proxy, checksum database, `?go-get=1`, git remotes).
    pub urls: Vec<String>,
    /// `ip:port` / `host:port` addresses Go dialled or read from.
    pub addrs: Vec<String>,
    /// HTTP/SOCKS proxies the text shows in use (URL or `host:port`).
    pub proxies: Vec<String>,
    /// `path@version` of the modules involved.
    pub modules: Vec<String>,
    /// DNS servers named by `lookup X on S:53`.
    pub dns_servers: Vec<String>,
}

/// The result of classifying a text.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Explanation {
    /// Most likely first; empty when nothing in the text is a known Go network error.
    pub causes: Vec<Cause>,
    pub entities: Entities,
}

impl Explanation {
    pub fn top(&self) -> Option<&Cause> {
        self.causes.first()
    }
}

/// A probe that would confirm or refute the causes (run by `explain --probe`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ProbeRequest {
    /// Resolve a name with the system and the public resolvers.
    Dns(String),
    /// TCP connect to `host:port`.
    Tcp(String),
    /// TLS handshake with host, port.
    Tls(String, u16),
    /// GET a URL the way Go would (through Go's proxy).
    Http(String),
    /// CONNECT through a proxy (URL or host:port).
    Proxy(String),
}

/// Classifies `text`: ranked causes (reasons in English) and the entities it names.
pub fn explain(text: &str) -> Explanation {
    explain_in(text, Lang::En)
}

/// Like [`explain`], with the reasons in `lang`.
pub fn explain_in(text: &str, lang: Lang) -> Explanation {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut found: Vec<Cause> = Vec::new();
    for record in records(&text) {
        let weight = if record.trim_start().starts_with("# get ") {
            0.85
        } else {
            1.0
        };
        for h in classify_record(&record) {
            let id = h.id;
            let reason = if lang == Lang::Zh { h.zh } else { h.en };
            let matched = excerpt(&record);
            let confidence = round2(h.confidence * weight);
            match found.iter_mut().find(|c| c.id == id) {
                Some(c) if c.confidence >= confidence => {}
                Some(c) => {
                    c.confidence = confidence;
                    c.reason = reason;
                    c.matched = matched;
                }
                None => found.push(Cause {
                    id,
                    confidence,
                    reason,
                    matched,
                }),
            }
        }
    }
    // Whole-text messages that span lines.
    if text.contains("SECURITY ERROR\nThis download does NOT match") {
        let reason = if lang == Lang::Zh {
            "Go 报 SECURITY ERROR：下载内容与记录的校验和不一致"
        } else {
            "Go's SECURITY ERROR: the download does not match the recorded checksum"
        };
        upsert(
            &mut found,
            CauseId::SumdbChecksumMismatch,
            0.95,
            reason,
            "SECURITY ERROR",
        );
    }
    // Stable sort: equal confidence keeps the order of appearance.
    found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    Explanation {
        causes: found,
        entities: extract_entities(&text),
    }
}

fn upsert(found: &mut Vec<Cause>, id: CauseId, confidence: f64, reason: &str, matched: &str) {
    match found.iter_mut().find(|c| c.id == id) {
        Some(c) if c.confidence >= confidence => {}
        Some(c) => c.confidence = confidence,
        None => found.push(Cause {
            id,
            confidence,
            reason: reason.to_string(),
            matched: matched.to_string(),
        }),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Groups lines into records: a line plus its tab-indented continuation lines (git's
/// `\tfatal: ...`, Go's `\tserver response: ...`).
fn records(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        // Shell prompts (`$ export ...`) are context, not errors.
        if line.starts_with("$ ") || line.starts_with("> ") || line.starts_with("PS ") {
            continue;
        }
        let continuation = line.starts_with('\t') || line.starts_with("    ");
        match out.last_mut() {
            Some(last) if continuation => {
                last.push('\n');
                last.push_str(line);
            }
            _ => out.push(line.to_string()),
        }
    }
    out
}

/// The first line of a record, redacted and cut to a readable length.
fn excerpt(record: &str) -> String {
    let first = record.lines().next().unwrap_or("").trim();
    let red = redact_text(first);
    if red.chars().count() > 240 {
        let cut: String = red.chars().take(237).collect();
        format!("{cut}...")
    } else {
        red
    }
}

/// A candidate cause of one record, with its reason in both languages.
struct Hit {
    id: CauseId,
    confidence: f64,
    en: String,
    zh: String,
}

fn hit(id: CauseId, confidence: f64, en: impl Into<String>, zh: impl Into<String>) -> Hit {
    Hit {
        id,
        confidence,
        en: en.into(),
        zh: zh.into(),
    }
}

/// Classifies one record. Order matters: configuration errors, then the most specific
/// contexts (checksum mismatch, proxy, checksum database), then HTTP statuses, git, TLS,
/// DNS, and TCP.
fn classify_record(record: &str) -> Vec<Hit> {
    // The remote server's own words never describe the local network.
    let own = match record.find("server response:") {
        Some(i) => &record[..i],
        None => record,
    };
    let has = |s: &str| own.contains(s);

    // Configuration (decided before any network access).
    if has("unknown go command variable") {
        let var = own
            .split("unknown go command variable")
            .nth(1)
            .unwrap_or("")
            .trim();
        if var.to_ascii_uppercase().ends_with("_PROXY") {
            return vec![hit(
                CauseId::ConfigProxyViaGoEnv,
                0.95,
                format!("`go env -w` cannot set {var}: it is an OS environment variable"),
                format!("`go env -w` 不能设置 {var}：它是系统环境变量"),
            )];
        }
    }
    if has("-insecure flag is no longer supported") {
        return vec![hit(
            CauseId::ConfigInsecureSettings,
            0.9,
            "-insecure was removed from go get; GOINSECURE (narrowly) replaces it",
            "go get 已移除 -insecure；应改用（范围尽量小的）GOINSECURE",
        )];
    }
    if has("module lookup disabled by GOPROXY=off") {
        return vec![hit(
            CauseId::ConfigGoproxyOff,
            0.95,
            "GOPROXY=off: Go is not allowed to download modules",
            "GOPROXY=off：Go 不允许下载模块",
        )];
    }
    if has("invalid proxy URL") || has("GOPROXY list is not the empty string") {
        return vec![hit(
            CauseId::ConfigGoproxyInvalid,
            0.95,
            "Go cannot parse GOPROXY",
            "Go 无法解析 GOPROXY",
        )];
    }
    if has("invalid GOSUMDB") || has("missing GOSUMDB") {
        return vec![hit(
            CauseId::ConfigGosumdbInvalid,
            0.95,
            "Go cannot parse GOSUMDB",
            "Go 无法解析 GOSUMDB",
        )];
    }
    if has("GOVCS disallows") {
        return vec![hit(
            CauseId::VcsGovcsDenied,
            0.95,
            "GOVCS does not allow the version control tool this module needs",
            "GOVCS 不允许使用该模块所需的版本控制工具",
        )];
    }
    if (has("executable file not found") && has("\"git\"")) || has("missing Git command") {
        return vec![hit(
            CauseId::VcsGitMissing,
            0.95,
            "direct mode runs git, and git is not on PATH",
            "直连模式需要运行 git，但 PATH 中没有 git",
        )];
    }

    // Checksum database integrity.
    if has("checksum mismatch") {
        return vec![hit(
            CauseId::SumdbChecksumMismatch,
            0.95,
            "the downloaded content does not match the recorded checksum",
            "下载的内容与记录的校验和不一致",
        )];
    }
    if has("server misbehavior detected")
        || has("note has no verifiable signatures")
        || has("malformed note")
        || has("verifier name or hash doesn't match signature")
        || has("cannot authenticate record data")
        || (has("unknown key") && has("verifying"))
    {
        return vec![hit(
            CauseId::SumdbBadSignature,
            0.9,
            "the checksum database's signed tree head does not verify",
            "校验和数据库的签名树头验证失败",
        )];
    }

    // The HTTP proxy's own failures.
    if let Some(i) = own.find("proxyconnect tcp:") {
        let after = &own[i..];
        let proxy = dial_target(after).unwrap_or_else(|| "the proxy".to_string());
        if after.contains("first record does not look like a TLS handshake")
            || after.contains("server gave HTTP response to HTTPS client")
        {
            return vec![hit(
                CauseId::ProxySchemeMismatch,
                0.9,
                "Go speaks TLS to the proxy (https:// proxy URL) but the proxy speaks plain HTTP",
                "Go 用 TLS 连接代理（代理 URL 是 https://），但代理说的是明文 HTTP",
            )];
        }
        // No dial error: the connection to the proxy opened, then the TLS handshake that an
        // https:// proxy URL asks for failed.
        if !after.contains("dial tcp")
            && (after
                .lines()
                .next()
                .is_some_and(|l| l.trim_end().ends_with("EOF"))
                || after.contains("connection reset by peer"))
        {
            return vec![hit(
                CauseId::ProxySchemeMismatch,
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
        return vec![hit(
            CauseId::ProxyUnreachable,
            0.9,
            format!(
                "Go cannot connect to the proxy {}: {}",
                redact_text(&proxy),
                net_failure_words(after).0
            ),
            format!(
                "Go 连不上代理 {}：{}",
                redact_text(&proxy),
                net_failure_words(after).1
            ),
        )];
    }
    if let Some(i) = own.find("socks connect tcp") {
        let after = &own[i..];
        if after.contains("authentication failed") {
            return vec![hit(
                CauseId::ProxyAuthRejected,
                0.85,
                "the SOCKS proxy rejects the user name and password",
                "SOCKS 代理拒绝了用户名和密码",
            )];
        }
        if after.contains(": dial tcp") {
            return vec![hit(
                CauseId::ProxyUnreachable,
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
                CauseId::ProxyUpstreamFailed,
                0.8,
                "the SOCKS proxy cannot reach the target",
                "SOCKS 代理连不上目标主机",
            )];
        }
        return vec![hit(
            CauseId::ProxyNotAProxy,
            0.5,
            "the SOCKS handshake with the proxy fails",
            "与代理的 SOCKS 握手失败",
        )];
    }
    if let Some(reason) = connect_reason_phrase(own) {
        let hits = match reason {
            "Proxy Authentication Required" => vec![
                hit(
                    CauseId::ProxyAuthRequired,
                    0.85,
                    "the proxy answers the CONNECT with 407 Proxy Authentication Required",
                    "代理对 CONNECT 请求返回 407 Proxy Authentication Required",
                ),
                hit(
                    CauseId::ProxyAuthUnsupported,
                    0.4,
                    "Go can only send Basic credentials; an NTLM/Kerberos proxy fails the same way",
                    "Go 只能发送 Basic 凭据；NTLM/Kerberos 代理也会这样失败",
                ),
                hit(
                    CauseId::ProxyAuthRejected,
                    0.35,
                    "if the proxy URL has credentials, the proxy rejects them",
                    "如果代理 URL 里带了凭据，说明代理拒绝了它们",
                ),
            ],
            "Forbidden" | "Method Not Allowed" | "Unauthorized" => vec![hit(
                CauseId::ProxyConnectDenied,
                0.85,
                format!("the proxy refuses the CONNECT: {reason}"),
                format!("代理拒绝了 CONNECT 请求：{reason}"),
            )],
            _ => vec![hit(
                CauseId::ProxyUpstreamFailed,
                0.85,
                format!("the proxy cannot reach the target: {reason}"),
                format!("代理连不上目标主机：{reason}"),
            )],
        };
        return hits;
    }
    if has("malformed HTTP response") || has("malformed HTTP status code") {
        let via_connect = own.contains("Get \"https://");
        return vec![hit(
            CauseId::ProxyNotAProxy,
            if via_connect { 0.75 } else { 0.5 },
            "the answer to Go's request is not HTTP: the proxy address points at another service",
            "Go 收到的回应不是 HTTP：代理地址指向了别的服务",
        )];
    }

    // The checksum database.
    let sumdb = has("verifying ")
        || has("/sumdb/")
        || has("//sum.golang.org")
        || has("//sum.golang.google.cn");
    if sumdb {
        if let Some((url, code, text)) = http_status(own) {
            if url.ends_with("/supported") && code != 404 && code != 410 {
                return vec![hit(
                    CauseId::SumdbProxyRouteBroken,
                    0.9,
                    format!("the proxy's checksum-database endpoint answers {code} {text}"),
                    format!("代理的校验和数据库接口返回 {code} {text}"),
                )];
            }
            if code == 404 || code == 410 {
                let mut hits = vec![hit(
                    CauseId::SumdbNotFound,
                    0.9,
                    format!("the checksum database answers {code} {text}: it has no record of the module"), format!("校验和数据库返回 {code} {text}：没有该模块的记录")
                )];
                hits.push(hit(
                    CauseId::ConfigPrivateNotExcluded,
                    0.45,
                    "a module the checksum database cannot see is usually private: GOPRIVATE",
                    "校验和数据库看不到的模块通常是私有模块：需要 GOPRIVATE",
                ));
                return hits;
            }
            return vec![
                hit(
                    CauseId::SumdbUnreachable,
                    0.85,
                    format!("the checksum database route answers {code} {text}"),
                    format!("访问校验和数据库的路径返回 {code} {text}"),
                ),
                hit(
                    if code == 401 || code == 403 {
                        CauseId::GoproxyForbidden
                    } else {
                        CauseId::GoproxyHttpError
                    },
                    0.5,
                    format!("HTTP {code} {text}"),
                    format!("服务器返回 HTTP {code} {text}"),
                ),
            ];
        }
        let transport = classify_transport(own);
        if let Some(first) = transport.first() {
            let mut hits = vec![hit(
                CauseId::SumdbUnreachable,
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
            return hits;
        }
    }

    // HTTP statuses from the module proxy (or the ?go-get=1 page).
    if let Some((url, code, text)) = http_status(own) {
        let go_get = url.contains("?go-get=1");
        return match code {
            404 | 410 if go_get => vec![
                hit(
                    CauseId::GoproxyModuleNotFound,
                    0.65,
                    format!("the host answers {code} {text} for the module's ?go-get=1 page"),
                    format!("主机对该模块的 ?go-get=1 页面返回 {code} {text}"),
                ),
                hit(
                    CauseId::VcsMetaMissing,
                    0.45,
                    "a private host may return 404 to an anonymous ?go-get=1 request",
                    "私有主机可能对匿名的 ?go-get=1 请求返回 404",
                ),
            ],
            404 | 410 => {
                let mut hits = vec![hit(
                    CauseId::GoproxyModuleNotFound,
                    0.7,
                    format!("the module proxy answers {code} {text}"),
                    format!("模块代理返回 {code} {text}"),
                )];
                // A public proxy has never heard of it: a private module sent to the wrong place?
                if PUBLIC_PROXIES.iter().any(|p| url.contains(p)) {
                    hits.push(hit(
                        CauseId::ConfigPrivateNotExcluded,
                        0.4,
                        "if the module is private, GOPRIVATE keeps it away from public proxies",
                        "如果这是私有模块，需要用 GOPRIVATE 让它不经过公共代理",
                    ));
                }
                hits
            }
            401 | 403 => vec![hit(
                CauseId::GoproxyForbidden,
                0.85,
                format!("the module proxy answers {code} {text}"),
                format!("模块代理返回 {code} {text}"),
            )],
            407 => vec![hit(
                CauseId::ProxyAuthRequired,
                0.8,
                "the HTTP proxy answers 407 Proxy Authentication Required",
                "HTTP 代理返回 407 Proxy Authentication Required",
            )],
            429 | 500..=599 => vec![hit(
                CauseId::GoproxyHttpError,
                0.85,
                format!("the module proxy answers {code} {text}"),
                format!("模块代理返回 {code} {text}"),
            )],
            _ => vec![hit(
                CauseId::GoproxyHttpError,
                0.5,
                format!("the module proxy answers {code} {text}"),
                format!("模块代理返回 {code} {text}"),
            )],
        };
    }
    if has("invalid character '<' looking for beginning of value") {
        return vec![hit(
            CauseId::GoproxyCaptivePortal,
            0.85,
            "an HTML page came back where Go expected JSON",
            "Go 期望 JSON，返回的却是 HTML 页面",
        )];
    }
    if has("zip: not a valid zip file") {
        return vec![hit(
            CauseId::GoproxyCaptivePortal,
            0.7,
            "the .zip Go downloaded is not a zip file (often an HTML page)",
            "Go 下载的 .zip 不是 zip 文件（通常是一个 HTML 页面）",
        )];
    }
    if has("no go-import meta tags") {
        return vec![hit(
            CauseId::VcsMetaMissing,
            0.9,
            "the ?go-get=1 page has no go-import meta tag",
            "?go-get=1 页面里没有 go-import meta 标签",
        )];
    }

    // git's own messages (inside `git ls-remote ... exit status 128:`).
    if let Some(h) = classify_git(own) {
        return vec![h];
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
    if has("unknown revision")
        || has("no matching versions for query")
        || has("cannot find module providing package")
    {
        return vec![hit(
            CauseId::GoproxyModuleNotFound,
            0.75,
            "the version or module does not exist",
            "该版本或模块不存在",
        )];
    }
    Vec::new()
}

/// Public module proxies: a 404 there for a module is a hint that the module is private.
const PUBLIC_PROXIES: &[&str] = &[
    "//proxy.golang.org/",
    "//goproxy.cn/",
    "//goproxy.io/",
    "//mirrors.aliyun.com/goproxy/",
];

/// The reason phrase of a failed CONNECT: `Get "https://...": Forbidden` (the whole rest).
fn connect_reason_phrase(s: &str) -> Option<&'static str> {
    const PHRASES: &[&str] = &[
        "Proxy Authentication Required",
        "Forbidden",
        "Method Not Allowed",
        "Unauthorized",
        "Bad Gateway",
        "Service Unavailable",
        "Gateway Timeout",
    ];
    let start = s.find("Get \"")?;
    let rest = &s[start + 5..];
    let end = rest.find("\": ")?;
    let tail = rest[end + 3..].lines().next()?.trim();
    PHRASES.iter().find(|p| **p == tail).copied()
}

/// `reading URL: 404 Not Found` or a trace `# get URL: 404 Not Found (0.1s)`.
fn http_status(s: &str) -> Option<(String, u16, String)> {
    for line in s.lines() {
        let line = line.trim();
        let rest = if let Some(i) = line.find("reading http") {
            &line[i + "reading ".len()..]
        } else if let Some(r) = line.strip_prefix("# get ") {
            r
        } else {
            continue;
        };
        // The URL ends at ": " followed by a three-digit status.
        let mut search = 0;
        while let Some(j) = rest[search..].find(": ") {
            let at = search + j;
            let after = &rest[at + 2..];
            let digits: String = after.chars().take(3).collect();
            if digits.len() == 3
                && digits.chars().all(|c| c.is_ascii_digit())
                && after[3..].starts_with(' ')
            {
                let code: u16 = digits.parse().ok()?;
                let text = after[4..]
                    .split(" (")
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                return Some((rest[..at].to_string(), code, text));
            }
            search = at + 2;
        }
    }
    None
}

fn classify_git(s: &str) -> Option<Hit> {
    let git = s.contains("git ls-remote")
        || s.contains("git fetch")
        || s.contains("fatal:")
        || s.contains("unable to access '");
    if !git {
        return None;
    }
    let has = |w: &str| s.contains(w);
    if has("could not read Username")
        || has("could not read Password")
        || has("terminal prompts disabled")
        || has("Authentication failed")
        || has("Permission denied (publickey")
        || has("Repository not found")
    {
        return Some(hit(
            CauseId::VcsAuthRequired,
            0.9,
            "git needs credentials and cmd/go disables its prompts",
            "git 需要凭据，而 cmd/go 禁用了它的交互提示",
        ));
    }
    if (has("port 22") || has("port 9418")) && !has("port 443") {
        return Some(hit(
            CauseId::VcsSshBlocked,
            0.85,
            "git uses ssh (port 22) or git:// (port 9418), which this network blocks",
            "git 走 ssh（22 端口）或 git://（9418 端口），而这个网络封了这些端口",
        ));
    }
    if has("Could not resolve host") || has("Could not resolve proxy") {
        return Some(hit(
            CauseId::DnsNoResolution,
            0.7,
            "git cannot resolve the repository's host name",
            "git 无法解析仓库的主机名",
        ));
    }
    if has("SSL certificate problem") || has("server certificate verification failed") {
        if has("certificate has expired") {
            return Some(hit(
                CauseId::TlsExpired,
                0.75,
                "git: the server's certificate has expired",
                "git：服务器证书已过期",
            ));
        }
        return Some(hit(
            CauseId::TlsUntrustedInterception,
            0.8,
            "git does not trust the certificate chain (TLS inspection?)",
            "git 不信任证书链（TLS 审查？）",
        ));
    }
    if has("Received HTTP code 407") || has("Proxy CONNECT aborted") {
        return Some(hit(
            CauseId::ProxyAuthRequired,
            0.75,
            "git's proxy asks for authentication",
            "git 使用的代理要求认证",
        ));
    }
    if has("gnutls_handshake() failed")
        || has("SSL_ERROR_SYSCALL")
        || has("Connection was reset")
        || has("Recv failure")
    {
        return Some(hit(
            CauseId::TlsResetDuringHandshake,
            0.7,
            "git's TLS connection is cut during the handshake",
            "git 的 TLS 连接在握手时被切断",
        ));
    }
    if has("Failed to connect to") || has("Couldn't connect to server") {
        if has("Connection refused") {
            return Some(hit(
                CauseId::TcpRefused,
                0.75,
                "git: connection refused",
                "git：连接被拒绝",
            ));
        }
        if has("timed out") || has("Timed out") {
            return Some(hit(
                CauseId::TcpTimeout,
                0.75,
                "git: the connection times out",
                "git：连接超时",
            ));
        }
        return Some(hit(
            CauseId::TcpTimeout,
            0.5,
            "git cannot connect to the host",
            "git 连不上主机",
        ));
    }
    None
}

fn classify_tls(s: &str) -> Vec<Hit> {
    let has = |w: &str| s.contains(w);
    if has("certificate signed by unknown authority") || has("certificate is not trusted") {
        return vec![hit(
            CauseId::TlsUntrustedInterception,
            0.9,
            "the certificate chain ends in a CA Go does not trust (TLS inspection?)",
            "证书链的根 CA 不受 Go 信任（TLS 审查？）",
        )];
    }
    if has("x509: certificate is valid for")
        || has("certificate is not valid for any names")
        || has("x509: cannot validate certificate for")
    {
        return vec![hit(
            CauseId::TlsHostnameMismatch,
            0.9,
            "the certificate belongs to another name: the wrong server answered",
            "证书属于别的域名：应答的是错误的服务器",
        )];
    }
    if has("certificate has expired or is not yet valid") {
        let (id, what, what_zh) = if has(" is before ") {
            (CauseId::TlsNotYetValid, "is not valid yet", "尚未生效")
        } else {
            (CauseId::TlsExpired, "has expired", "已过期")
        };
        return vec![
            hit(
                id,
                0.85,
                format!("the server's certificate {what}"),
                format!("服务器证书{what_zh}"),
            ),
            hit(
                CauseId::LocalClockSkew,
                0.4,
                "or this machine's clock is wrong (compare the current time in the message)",
                "也可能是本机时钟不准（对比报错中的 current time）",
            ),
        ];
    }
    if has("first record does not look like a TLS handshake")
        || has("server gave HTTP response to HTTPS client")
    {
        return vec![hit(
            CauseId::TlsNotTls,
            0.85,
            "the server does not speak TLS on that port",
            "该端口上的服务不是 TLS",
        )];
    }
    if has("TLS handshake timeout") {
        return vec![hit(
            CauseId::TlsHandshakeTimeout,
            0.85,
            "TCP connects but the TLS handshake does not complete",
            "TCP 能连上，但 TLS 握手没有完成",
        )];
    }
    if has("remote error: tls:") || has("tls: no supported versions") || has("tls: no cipher suite")
    {
        return vec![hit(
            CauseId::TlsHandshakeFailure,
            0.85,
            "the server aborts the TLS handshake with an alert",
            "服务器用告警中止了 TLS 握手",
        )];
    }
    Vec::new()
}

/// DNS and TCP failures, in the words of net and net/http.
fn classify_transport(s: &str) -> Vec<Hit> {
    let has = |w: &str| s.contains(w);
    let lookup = has("lookup ") || has("getaddrinfow");
    if lookup {
        if has("no such host")
            || has("No such host is known")
            || has("no data of the requested type")
        {
            return vec![hit(
                CauseId::DnsNxdomainFiltered,
                0.7,
                format!(
                    "the system resolver says {} does not exist (compare with a public resolver: --probe)",
                    lookup_name(s).unwrap_or_else(|| "the name".into())
                ), format!("系统 DNS 说 {} 不存在（可用 --probe 与公共 DNS 对比）", lookup_name(s).unwrap_or_else(|| "该域名".into()))
            )];
        }
        if has("server misbehaving") {
            return vec![hit(
                CauseId::DnsSystemResolverDown,
                0.8,
                "the system resolver fails (SERVFAIL: server misbehaving)",
                "系统 DNS 出错（SERVFAIL：server misbehaving）",
            )];
        }
        if has("Temporary failure in name resolution")
            || has("temporary error during hostname resolution")
        {
            return vec![
                hit(
                    CauseId::DnsSystemResolverDown,
                    0.7,
                    "the system resolver does not answer",
                    "系统 DNS 没有应答",
                ),
                hit(
                    CauseId::DnsNoResolution,
                    0.4,
                    "or this machine is offline",
                    "也可能本机没有联网",
                ),
            ];
        }
        if (has(":53:") || has("dial udp")) && (has("network is unreachable") || has("refused")) {
            return vec![
                hit(
                    CauseId::DnsNoResolution,
                    0.75,
                    "the DNS server itself cannot be reached: offline?",
                    "连 DNS 服务器本身都访问不到：没有联网？",
                ),
                hit(
                    CauseId::DnsSystemResolverDown,
                    0.4,
                    "or the configured resolver is down",
                    "也可能是配置的 DNS 服务器宕了",
                ),
            ];
        }
        if has("i/o timeout") {
            return vec![
                hit(
                    CauseId::DnsSystemResolverDown,
                    0.75,
                    "the system resolver times out",
                    "系统 DNS 超时",
                ),
                hit(
                    CauseId::DnsNoResolution,
                    0.4,
                    "or DNS is blocked entirely",
                    "也可能 DNS 被整体屏蔽",
                ),
            ];
        }
    }
    let addr = dial_target(s).unwrap_or_else(|| "the server".to_string());
    let addr = redact_text(&addr);
    if has("connection refused") || has("actively refused") {
        return vec![hit(
            CauseId::TcpRefused,
            0.85,
            format!("{addr} refuses the connection: nothing listens, or a firewall rejects"),
            format!("{addr} 拒绝连接：没有服务在监听，或被防火墙拒绝"),
        )];
    }
    if (has("dial tcp") && has("i/o timeout"))
        || has("connection attempt failed because the connected party did not properly respond")
        || has("connect: connection timed out")
        || has("operation timed out")
    {
        return vec![hit(
            CauseId::TcpTimeout,
            0.85,
            format!("connecting to {addr} times out: packets are dropped"),
            format!("连接 {addr} 超时：数据包被丢弃"),
        )];
    }
    if has("network is unreachable")
        || has("no route to host")
        || has("unreachable network")
        || has("unreachable host")
    {
        let mut hits = vec![hit(
            CauseId::TcpUnreachable,
            0.85,
            format!("no route to {addr}"),
            format!("没有到 {addr} 的路由"),
        )];
        if addr.starts_with('[') {
            hits.push(hit(
                CauseId::TcpIpv6Broken,
                0.4,
                "the address is IPv6: this machine may lack IPv6 connectivity",
                "这是 IPv6 地址：本机可能没有 IPv6 网络",
            ));
        }
        return hits;
    }
    let https = has("Get \"https://");
    if has("connection reset by peer") || has("forcibly closed by the remote host") {
        if https {
            return vec![
                hit(
                    CauseId::TlsResetDuringHandshake,
                    0.7,
                    format!("the connection to {addr} is reset (on an https URL, typically right after the TLS ClientHello)"), format!("到 {addr} 的连接被重置（在 https URL 上，通常发生在 TLS ClientHello 之后）")
                ),
                hit(CauseId::TcpReset, 0.55, "the connection is reset", "连接被重置"),
            ];
        }
        return vec![hit(
            CauseId::TcpReset,
            0.8,
            format!("the connection to {addr} is reset"),
            format!("到 {addr} 的连接被重置"),
        )];
    }
    if https
        && s.lines()
            .next()
            .is_some_and(|l| l.trim_end().ends_with("\": EOF"))
    {
        return vec![
            hit(
                CauseId::TlsResetDuringHandshake,
                0.65,
                "the server closes the connection right after the TLS ClientHello (EOF)",
                "服务器在 TLS ClientHello 之后立即关闭了连接（EOF）",
            ),
            hit(
                CauseId::TcpReset,
                0.4,
                "the connection is closed",
                "连接被关闭",
            ),
        ];
    }
    if has("unexpected EOF") {
        return vec![hit(
            CauseId::TcpReset,
            0.5,
            "the connection breaks during the download",
            "下载过程中连接中断",
        )];
    }
    if has("i/o timeout") {
        return vec![hit(
            CauseId::TcpTimeout,
            0.5,
            "a network operation times out",
            "某个网络操作超时",
        )];
    }
    Vec::new()
}

/// A few words on how the connection failed, for reasons (en, zh).
fn net_failure_words(s: &str) -> (&'static str, &'static str) {
    if s.contains("no such host") || s.contains("No such host") {
        ("its name does not resolve", "它的域名解析不了")
    } else if s.contains("refused") {
        (
            "connection refused (is the proxy client running?)",
            "连接被拒绝（代理客户端在运行吗？）",
        )
    } else if s.contains("timeout") || s.contains("timed out") {
        ("the connection times out", "连接超时")
    } else if s.contains("unreachable") || s.contains("no route") {
        ("no route to it", "没有到它的路由")
    } else {
        ("the connection fails", "连接失败")
    }
}

/// The address after the first `dial tcp ` (None for `dial tcp: lookup ...`).
fn dial_target(s: &str) -> Option<String> {
    let i = s.find("dial tcp ")?;
    let rest = &s[i + "dial tcp ".len()..];
    let end = rest.find(": ").unwrap_or(rest.len());
    let addr = rest[..end].trim();
    (!addr.is_empty() && !addr.contains(' ')).then(|| addr.to_string())
}

/// The name in `lookup NAME on ...` / `lookup NAME: ...`.
fn lookup_name(s: &str) -> Option<String> {
    let i = s.find("lookup ")?;
    let rest = &s[i + "lookup ".len()..];
    let end = rest.find([' ', ':']).unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty()).then(|| name.to_string())
}

// ---------------------------------------------------------------------------------------
// Entities

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

fn is_ip_literal(host: &str) -> bool {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .is_ok()
}

/// Extracts the hosts, URLs, addresses, proxies, modules and DNS servers a text names.
pub fn extract_entities(text: &str) -> Entities {
    let mut e = Entities::default();
    // What the remote server says (`server response: ...`) names its hosts, not ours.
    let own: String = records(text)
        .iter()
        .map(|r| match r.find("server response:") {
            Some(i) => &r[..i],
            None => r.as_str(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let text_all = text;
    let text = own.as_str();
    // URLs.
    for url in find_urls(text) {
        let display = redact_url(&url);
        if let Ok(u) = url::Url::parse(&url) {
            if let Some(h) = u.host_str() {
                if !is_ip_literal(h) {
                    push_unique(&mut e.hosts, h.to_ascii_lowercase());
                }
            }
        }
        push_unique(&mut e.urls, display);
    }
    // Proxy assignments pasted with the error: HTTPS_PROXY=..., export https_proxy=...
    for word in text_all.split(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
        if let Some((name, value)) = word.split_once('=') {
            let upper = name.to_ascii_uppercase();
            let upper = upper.trim_start_matches("$ENV:");
            let value = value.trim_end_matches([';', ')', ',', '.']);
            if matches!(upper, "HTTPS_PROXY" | "HTTP_PROXY" | "ALL_PROXY") && !value.is_empty() {
                push_unique(&mut e.proxies, redact_url(value));
            }
        }
    }
    for line in text.lines() {
        // Proxies as Go reports them.
        if let Some(i) = line.find("proxyconnect tcp:") {
            let after = &line[i..];
            if let Some(addr) = dial_target(after) {
                push_unique(&mut e.proxies, redact_text(&addr));
            } else if let Some(name) = lookup_name(after) {
                push_unique(&mut e.proxies, redact_text(&name));
                push_unique(&mut e.hosts, name.to_ascii_lowercase());
            }
        }
        if let Some(i) = line.find("socks connect tcp ") {
            let rest = &line[i + "socks connect tcp ".len()..];
            if let Some(arrow) = rest.find("->") {
                let end = rest[arrow..].find(": ").map_or(rest.len(), |j| arrow + j);
                push_unique(
                    &mut e.proxies,
                    format!("socks5://{}", redact_text(&rest[..arrow])),
                );
                push_unique(&mut e.addrs, redact_text(&rest[arrow + 2..end]));
            }
        }
        // Addresses: dial tcp A, read/write tcp L->R.
        let mut rest = line;
        while let Some(i) = rest.find("dial tcp ") {
            let after = &rest[i + "dial tcp ".len()..];
            if let Some(end) = after.find(": ") {
                let a = &after[..end];
                if !a.contains(' ') && !a.is_empty() {
                    push_unique(&mut e.addrs, redact_text(a));
                }
            }
            rest = after;
        }
        for verb in ["read tcp ", "write tcp "] {
            if let Some(i) = line.find(verb) {
                let after = &line[i + verb.len()..];
                if let Some(arrow) = after.find("->") {
                    let r = &after[arrow + 2..];
                    let end = r.find(": ").unwrap_or(r.len());
                    push_unique(&mut e.addrs, redact_text(&r[..end]));
                }
            }
        }
        // DNS.
        if let Some(i) = line.find("lookup ") {
            let rest = &line[i + "lookup ".len()..];
            let end = rest.find([' ', ':']).unwrap_or(rest.len());
            let name = &rest[..end];
            if !name.is_empty() && !is_ip_literal(name) {
                push_unique(&mut e.hosts, name.to_ascii_lowercase());
            }
            if let Some(on) = rest[end..].strip_prefix(" on ") {
                let server = on.split(": ").next().unwrap_or("");
                push_unique(&mut e.dns_servers, server.to_string());
            }
        }
        // git / ssh / curl names.
        for marker in [
            "connect to host ",
            "Could not resolve host: ",
            "Failed to connect to ",
        ] {
            if let Some(i) = line.find(marker) {
                let rest = &line[i + marker.len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                    .collect();
                if name.contains('.') && !is_ip_literal(&name) {
                    push_unique(&mut e.hosts, name.to_ascii_lowercase());
                }
            }
        }
        // Modules: `go: downloading PATH VERSION` and `PATH@VERSION` words.
        if let Some(rest) = line.trim().strip_prefix("go: downloading ") {
            let mut parts = rest.split_whitespace();
            if let (Some(p), Some(v)) = (parts.next(), parts.next()) {
                if looks_like_module_path(p) {
                    push_unique(&mut e.modules, format!("{p}@{v}"));
                }
            }
        }
        for word in line.split(|c: char| c.is_whitespace() || c == '"') {
            if word.contains("://") {
                continue;
            }
            let word = word.trim_end_matches([':', ',', ';', '.', ')']);
            let word = word.strip_suffix("/go.mod").unwrap_or(word);
            if let Some((p, v)) = word.split_once('@') {
                if looks_like_module_path(p) && looks_like_version(v) {
                    push_unique(&mut e.modules, format!("{p}@{v}"));
                }
            }
        }
    }
    e
}

fn looks_like_module_path(p: &str) -> bool {
    let first = p.split('/').next().unwrap_or("");
    first.contains('.')
        && !first.starts_with('.')
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/+!".contains(c))
}

fn looks_like_version(v: &str) -> bool {
    (v.starts_with('v') && v[1..].starts_with(|c: char| c.is_ascii_digit()))
        || matches!(v, "latest" | "upgrade" | "patch" | "none")
}

/// Every `scheme://...` URL in the text, cut at quotes, whitespace and list separators.
fn find_urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for scheme in ["https://", "http://", "socks5://", "socks5h://"] {
        let mut rest = text;
        while let Some(i) = rest.find(scheme) {
            // Skip matches that are the tail of a longer word (`xhttps://`).
            let prev = rest[..i].chars().next_back();
            let tail = &rest[i..];
            let end = tail
                .find(|c: char| c.is_whitespace() || "\"'`<>,|)(".contains(c))
                .unwrap_or(tail.len());
            let url = tail[..end].trim_end_matches([':', '.', ';']);
            if !prev.is_some_and(|c| c.is_ascii_alphanumeric()) && url.len() > scheme.len() {
                push_unique(&mut out, url.to_string());
            }
            rest = &tail[end.max(1)..];
        }
    }
    out
}

/// The probes that would confirm the causes of an explanation, deduplicated, most useful first.
pub fn probe_requests(ex: &Explanation) -> Vec<ProbeRequest> {
    let mut out: Vec<ProbeRequest> = Vec::new();
    let mut add = |p: ProbeRequest| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    let e = &ex.entities;
    let https_hosts: Vec<(String, u16)> = e
        .urls
        .iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .filter(|u| u.scheme() == "https")
        .filter_map(|u| Some((u.host_str()?.to_string(), u.port_or_known_default()?)))
        .collect();
    for cause in ex.causes.iter().filter(|c| c.confidence >= 0.5) {
        match cause.id.area() {
            Area::Dns => e
                .hosts
                .iter()
                .for_each(|h| add(ProbeRequest::Dns(h.clone()))),
            Area::Tcp => {
                e.addrs
                    .iter()
                    .for_each(|a| add(ProbeRequest::Tcp(a.clone())));
                https_hosts
                    .iter()
                    .for_each(|(h, p)| add(ProbeRequest::Tcp(format!("{h}:{p}"))));
            }
            Area::Tls => https_hosts
                .iter()
                .for_each(|(h, p)| add(ProbeRequest::Tls(h.clone(), *p))),
            Area::Proxy => e
                .proxies
                .iter()
                .for_each(|p| add(ProbeRequest::Proxy(p.clone()))),
            Area::Goproxy | Area::Sumdb | Area::Config => e
                .urls
                .iter()
                .filter(|u| u.starts_with("http"))
                .for_each(|u| add(ProbeRequest::Http(u.clone()))),
            Area::Vcs if cause.id == CauseId::VcsSshBlocked => e
                .hosts
                .iter()
                .for_each(|h| add(ProbeRequest::Tcp(format!("{h}:22")))),
            Area::Vcs => e
                .urls
                .iter()
                .filter(|u| u.contains("?go-get=1"))
                .for_each(|u| add(ProbeRequest::Http(u.clone()))),
            _ => {}
        }
    }
    out
}

/// `http://<user>:<password>@host:port` from a proxy address without credentials.
pub fn with_credential_holes(proxy: &str) -> String {
    let (scheme, rest) = proxy.split_once("://").unwrap_or(("http", proxy));
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://<user>:<password>@{host}")
}

/// Placeholder values for the fix of the top cause, from what the text names.
/// `goprivate` is the user's current GOPRIVATE, extended with the module's pattern.
pub fn fix_values(ex: &Explanation, goprivate: &str) -> crate::diagnose::fixes::FixValues {
    let e = &ex.entities;
    let mut v = crate::diagnose::fixes::FixValues::new();
    if let Some(p) = e.proxies.first() {
        let top = ex.top().map(|c| c.id);
        // The usual scheme mistake is https:// for a plain-HTTP proxy: suggest http://.
        let proxy = match p.strip_prefix("https://") {
            Some(rest) if top == Some(CauseId::ProxySchemeMismatch) => format!("http://{rest}"),
            _ => p.clone(),
        };
        v.set("proxy_auth", with_credential_holes(&proxy));
        v.set("proxy", proxy);
    }
    // A host name if the text has one, else the host of the first URL (an IP literal).
    let url_host = e
        .urls
        .iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .find_map(|u| u.host_str().map(str::to_string));
    if let Some(h) = e.hosts.first().cloned().or(url_host) {
        v.set("host", h);
    }
    if let Some(a) = e.addrs.first() {
        v.set("addr", a.clone());
    } else if let Some(h) = e.hosts.first() {
        v.set("addr", format!("{h}:443"));
    }
    if let Some(u) = e.urls.first() {
        v.set("url", u.clone());
    }
    if let Some(m) = e.modules.first() {
        v.set("module", m.clone());
        let path = m.split('@').next().unwrap_or(m);
        v.set("module_path", path);
        v.set("pattern", crate::plan::private::suggested_pattern(path));
        let new = crate::plan::private::covering(goprivate, path);
        v.set("goprivate_new", new.clone());
        v.set("gonosumdb_new", new);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(text: &str) -> &'static str {
        explain(text).top().map_or("none", |c| c.id.as_str())
    }

    #[test]
    fn context_decides_look_alikes() {
        let cases = [
            ("go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": dial tcp 1.2.3.4:443: i/o timeout", Some(CauseId::TcpTimeout)),
            ("go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": proxyconnect tcp: dial tcp 10.0.0.1:3128: i/o timeout", Some(CauseId::ProxyUnreachable)),
            ("go: m@v1.0.0: Get \"https://proxy.golang.org/x\": proxyconnect tcp: dial tcp: lookup proxy.corp on 127.0.0.53:53: no such host", Some(CauseId::ProxyUnreachable)),
            ("go: m@v1.0.0: verifying module: m@v1.0.0: Get \"https://sum.golang.org/lookup/m@v1.0.0\": dial tcp 1.2.3.4:443: i/o timeout", Some(CauseId::SumdbUnreachable)),
            ("go: m@v1.0.0: reading https://proxy.golang.org/m/@v/v1.0.0.info: 404 Not Found", Some(CauseId::GoproxyModuleNotFound)),
            ("go: m@v1.0.0: verifying module: m@v1.0.0: reading https://sum.golang.org/lookup/m@v1.0.0: 404 Not Found", Some(CauseId::SumdbNotFound)),
            ("go: m@v1.0.0: Get \"https://proxy.golang.org/x\": Forbidden", Some(CauseId::ProxyConnectDenied)),
            ("go: m@v1.0.0: reading https://proxy.golang.org/x: 403 Forbidden", Some(CauseId::GoproxyForbidden)),
            ("./main.go:3:1: syntax error", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(top(text), want.map_or("none", CauseId::as_str), "{text}");
        }
    }

    #[test]
    fn reasons_come_in_both_languages() {
        let t = "go: m.example/x@v1.0.0: Get \"https://proxy.golang.org/x\": dial tcp 1.2.3.4:443: i/o timeout";
        let en = explain_in(t, Lang::En);
        let zh = explain_in(t, Lang::Zh);
        assert_eq!(en.causes[0].id, zh.causes[0].id);
        assert!(
            en.causes[0].reason.contains("times out"),
            "{:?}",
            en.causes[0]
        );
        assert_eq!(zh.causes[0].reason, "连接 1.2.3.4:443 超时：数据包被丢弃");
        // Every rule has a Chinese reason: classify the whole corpus in Chinese.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/explain");
        for f in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            for c in explain_in(&text, Lang::Zh).causes {
                assert!(
                    c.reason
                        .chars()
                        .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                    "no Chinese in the reason for {}: {}",
                    c.id,
                    c.reason
                );
            }
        }
    }

    #[test]
    fn sumdb_transport_error_keeps_the_transport_class_as_secondary() {
        let ex = explain("go: m@v1.0.0: verifying module: m@v1.0.0: Get \"https://sum.golang.org/lookup/m@v1.0.0\": dial tcp 1.2.3.4:443: i/o timeout");
        let ids: Vec<_> = ex.causes.iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![CauseId::SumdbUnreachable, CauseId::TcpTimeout]);
        assert!(ex.causes[0].confidence > ex.causes[1].confidence);
    }

    #[test]
    fn server_response_text_does_not_classify_the_local_network() {
        let t = "go: a.corp/x@v1.0.0: reading https://proxy.golang.org/a.corp/x/@v/v1.0.0.info: 404 Not Found\n\tserver response: not found: dial tcp: lookup a.corp on 8.8.8.8:53: no such host";
        let ex = explain(t);
        assert_eq!(ex.causes[0].id, CauseId::GoproxyModuleNotFound);
        assert!(
            !ex.causes.iter().any(|c| c.id.area() == Area::Dns),
            "{:?}",
            ex.causes
        );
        // A public proxy's 404 hints at a private module.
        assert!(ex
            .causes
            .iter()
            .any(|c| c.id == CauseId::ConfigPrivateNotExcluded));
    }

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
    fn entities_are_extracted() {
        let t = "go: downloading golang.org/x/text v0.14.0\n\
                 go: golang.org/x/text@v0.14.0: Get \"https://proxy.golang.org/golang.org/x/text/@v/v0.14.0.info\": proxyconnect tcp: dial tcp 10.0.0.1:3128: connect: connection refused\n\
                 go: example.com/m@v1.2.3/go.mod: dial tcp: lookup goproxy.cn on 127.0.0.53:53: no such host\n\
                 go: x: Get \"https://[2001:db8::1]:8443/x\": read tcp 10.0.0.5:51234->93.184.216.34:443: read: connection reset by peer";
        let e = extract_entities(t);
        assert_eq!(
            e.modules,
            vec!["golang.org/x/text@v0.14.0", "example.com/m@v1.2.3"]
        );
        assert_eq!(e.proxies, vec!["10.0.0.1:3128"]);
        assert!(e.addrs.contains(&"10.0.0.1:3128".to_string()));
        assert!(e.addrs.contains(&"93.184.216.34:443".to_string()));
        assert_eq!(e.hosts, vec!["proxy.golang.org", "goproxy.cn"]);
        assert_eq!(e.dns_servers, vec!["127.0.0.53:53"]);
        assert_eq!(
            e.urls,
            vec![
                "https://proxy.golang.org/golang.org/x/text/@v/v0.14.0.info",
                "https://[2001:db8::1]:8443/x"
            ]
        );
    }

    #[test]
    fn entities_skip_the_remote_servers_own_words() {
        let e = extract_entities("go: a.corp/x@v1.0.0: verifying module: a.corp/x@v1.0.0: reading https://sum.golang.org/lookup/a.corp/x@v1.0.0: 404 Not Found\n\tserver response: not found: unrecognized import path \"a.corp/x\": https fetch: Get \"https://a.corp/x?go-get=1\": dial tcp: lookup a.corp on 8.8.8.8:53: no such host");
        assert_eq!(e.hosts, vec!["sum.golang.org"]);
        assert!(e.dns_servers.is_empty(), "{e:?}");
        assert_eq!(e.urls.len(), 1);
    }

    #[test]
    fn probe_requests_follow_the_causes() {
        let ex = explain("go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": proxyconnect tcp: dial tcp 127.0.0.1:7890: connect: connection refused");
        assert_eq!(
            probe_requests(&ex),
            vec![ProbeRequest::Proxy("127.0.0.1:7890".into())]
        );
        let ex = explain("go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": dial tcp: lookup proxy.golang.org on 127.0.0.53:53: server misbehaving");
        assert_eq!(
            probe_requests(&ex),
            vec![ProbeRequest::Dns("proxy.golang.org".into())]
        );
        let ex = explain("go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": tls: failed to verify certificate: x509: certificate signed by unknown authority");
        assert_eq!(
            probe_requests(&ex),
            vec![ProbeRequest::Tls("proxy.golang.org".into(), 443)]
        );
    }

    #[test]
    fn fix_values_for_proxy_causes() {
        let ex = explain("$ export HTTPS_PROXY=https://127.0.0.1:7890\ngo: m.example/x@v1.0.0: Get \"https://proxy.golang.org/x\": proxyconnect tcp: tls: first record does not look like a TLS handshake");
        assert_eq!(ex.top().unwrap().id, CauseId::ProxySchemeMismatch);
        let v = fix_values(&ex, "");
        assert_eq!(v.get("proxy"), Some("http://127.0.0.1:7890"));
        assert_eq!(
            v.get("proxy_auth"),
            Some("http://<user>:<password>@127.0.0.1:7890")
        );
        assert_eq!(
            with_credential_holes("http://bob:xxxxx@10.0.0.1:3128"),
            "http://<user>:<password>@10.0.0.1:3128"
        );
        assert_eq!(
            with_credential_holes("10.0.0.1:3128"),
            "http://<user>:<password>@10.0.0.1:3128"
        );
    }

    #[test]
    fn fix_values_extend_goprivate() {
        let ex = explain("go: git.corp.example/team/lib@v1.2.3: verifying module: git.corp.example/team/lib@v1.2.3: reading https://sum.golang.org/lookup/git.corp.example/team/lib@v1.2.3: 404 Not Found");
        let v = fix_values(&ex, "*.internal.example");
        assert_eq!(v.get("pattern"), Some("git.corp.example"));
        assert_eq!(
            v.get("goprivate_new"),
            Some("*.internal.example,git.corp.example")
        );
        let v = fix_values(&ex, "git.corp.example");
        assert_eq!(v.get("goprivate_new"), Some("git.corp.example"));
    }
}
