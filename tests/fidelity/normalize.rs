//! Reduces a Go error text to its essentials — the host that failed and the class of the
//! failure — so the real error and gomod-diag's predicted text can be compared without
//! caring about ports, paths, timings or wrapping.

/// (host, class): host of the first URL in the text (or the name after `lookup`), and what
/// went wrong there. A failure through an HTTP proxy's dial/TLS gets the `proxy:` prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorKey {
    pub host: Option<String>,
    pub class: String,
}

impl std::fmt::Display for ErrorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} @ {}",
            self.class,
            self.host.as_deref().unwrap_or("-")
        )
    }
}

/// The first `http://` or `https://` URL's host.
fn first_url_host(text: &str) -> Option<String> {
    let start = ["https://", "http://"]
        .iter()
        .filter_map(|s| text.find(s).map(|i| i + s.len()))
        .min()?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c == '/' || c == '"' || c == ':' || c == '?' || c.is_whitespace())
        .unwrap_or(rest.len());
    // Strip userinfo if any (never expected: texts are redacted).
    let host = &rest[..end];
    Some(host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase())
}

/// The name in `lookup NAME on SERVER: ...` or `lookup NAME: ...` (not "module lookup disabled").
fn lookup_name(text: &str) -> Option<String> {
    text.match_indices("lookup ").find_map(|(i, _)| {
        let rest = &text[i + "lookup ".len()..];
        let end = rest.find(|c: char| c == ':' || c.is_whitespace())?;
        let after = &rest[end..];
        (after.starts_with(':') || after.starts_with(" on "))
            .then(|| rest[..end].trim_end_matches('.').to_ascii_lowercase())
    })
}

/// Classifies the network/TLS/HTTP failure in a Go error text.
pub fn class_of(text: &str) -> String {
    let t = text;
    let has = |s: &str| t.contains(s);
    let simple: &[(&str, &str)] = &[
        ("module lookup disabled by GOPROXY=off", "goproxy_off"),
        ("invalid proxy URL", "goproxy_invalid"),
        ("GOPROXY list is not the empty string", "goproxy_invalid"),
        ("invalid GOSUMDB", "gosumdb_invalid"),
        ("missing GOSUMDB", "gosumdb_invalid"),
        ("GOVCS disallows", "govcs_denied"),
        ("executable file not found", "git_missing"),
        ("no go-import meta tags", "meta_missing"),
        ("invalid repo root", "repo_root_invalid"),
        ("unknown vcs", "unknown_vcs"),
        ("no matching versions for query", "no_matching_versions"),
        ("abort: HTTP Error 404", "hg_not_found"),
        ("could not read Username", "git_auth"),
        ("terminal prompts disabled", "git_auth"),
        ("ssh: connect to host", "git_ssh"),
        ("Could not read from remote repository", "git_ssh"),
        ("checksum mismatch", "checksum_mismatch"),
        ("note has no verifiable signatures", "bad_signature"),
        ("malformed note", "bad_signature"),
        ("invalid signature", "bad_signature"),
        ("verifier name or hash doesn't match", "bad_signature"),
        ("unknown key", "bad_signature"),
        ("misbehavior detected", "bad_signature"),
        // x/net/internal/socks.
        (
            "no acceptable authentication methods",
            "socks_auth_required",
        ),
        (
            "username/password authentication failed",
            "socks_auth_failed",
        ),
        // The SOCKS server's own failure reply (RFC 1928 REP 1..8): "socks connect tcp
        // P->T: unknown error connection refused" (a dial to the proxy itself is
        // "proxyconnect tcp: dial tcp P: ...").
        ("socks connect tcp", "socks_upstream"),
    ];
    // Direct mode's own text (a proxy's 404 may quote one in its `server response:`).
    if has("unknown revision") && !has("server response") {
        return "unknown_revision".into();
    }
    for (needle, class) in simple {
        if has(needle) {
            return class.to_string();
        }
    }
    let prefix = if has("proxyconnect tcp:") {
        "proxy:"
    } else {
        ""
    };
    let net = if has("lookup ") && has("no such host") {
        Some("dns_nxdomain")
    } else if has("lookup ") && has("server misbehaving") {
        Some("dns_servfail")
    } else if has("lookup ") && (has("i/o timeout") || has("connection refused")) {
        Some("dns_unreachable")
    } else if has("certificate signed by unknown authority") {
        Some("tls_unknown_authority")
    } else if has("certificate is valid for") || has("certificate is not valid for any names") {
        Some("tls_hostname")
    } else if has("has expired or is not yet valid") && has(" is after ") {
        Some("tls_expired")
    } else if has("has expired or is not yet valid") {
        Some("tls_not_yet_valid")
    } else if has("TLS handshake timeout") {
        Some("tls_handshake_timeout")
    } else if has("first record does not look like a TLS handshake")
        || has("server gave HTTP response to HTTPS client")
    {
        Some("not_tls")
    } else if has("remote error: tls:") {
        Some("tls_alert")
    } else if has("connection refused") {
        Some("tcp_refused")
    } else if has("network is unreachable") || has("no route to host") {
        Some("tcp_unreachable")
    } else if has("connection reset by peer") {
        Some("reset")
    } else if has("i/o timeout") {
        Some("tcp_timeout")
    } else if has("malformed HTTP response") {
        Some("malformed_response")
    } else {
        None
    };
    if let Some(c) = net {
        return format!("{prefix}{c}");
    }
    // A refused CONNECT: net/http reports the status text after the URL.
    for (reason, class) in [
        ("Proxy Authentication Required", "connect_407"),
        ("Unauthorized", "connect_401"),
        ("Forbidden", "connect_403"),
        ("Bad Gateway", "connect_502"),
        ("Service Unavailable", "connect_503"),
        ("Internal Server Error", "connect_500"),
        // tinyproxy's 500 when it cannot connect.
        ("Unable to connect", "connect_500"),
    ] {
        if t.contains(&format!("\": {reason}")) {
            return class.to_string();
        }
    }
    // `reading <url>: 404 Not Found` and friends.
    if let Some(i) = t.find("reading http") {
        let rest = &t[i..];
        if let Some(j) = rest.find(": ") {
            let code: String = rest[j + 2..].chars().take(3).collect();
            if code.len() == 3 && code.chars().all(|c| c.is_ascii_digit()) {
                return format!("http_{code}");
            }
        }
    }
    if has("invalid character") || has("invalid response from proxy") {
        return "bad_response".into();
    }
    if t.trim_end().ends_with("EOF") {
        return format!("{prefix}eof");
    }
    "other".into()
}

pub fn key_of(text: &str) -> ErrorKey {
    ErrorKey {
        host: first_url_host(text).or_else(|| lookup_name(text)),
        class: class_of(text),
    }
}

/// A one-line summary of a Go error for the report table.
pub fn short(text: &str) -> String {
    let k = key_of(text);
    k.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_host_and_class_from_go_errors() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            // Go 1.27 in the lab: direct mode, and a proxy quoting the same words in its 404.
            (
                "github.com/lab/tool/sub@v0.2.0: invalid version: unknown revision sub/v0.2.0",
                None,
                "unknown_revision",
            ),
            (
                "example.com/hello@v9.9.9: reading https://goproxy.cn/example.com/hello/@v/v9.9.9.info: 404 Not Found\n\tserver response: not found: example.com/hello@v9.9.9: invalid version: unknown revision v9.9.9",
                Some("goproxy.cn"),
                "http_404",
            ),
            (
                "example.com/hello@v1.0.0: Get \"https://proxy.golang.org/example.com/hello/@v/v1.0.0.info\": dial tcp: lookup proxy.golang.org on 127.0.0.53:53: no such host",
                Some("proxy.golang.org"),
                "dns_nxdomain",
            ),
            (
                "dial tcp: lookup proxy.golang.org on 127.0.0.53:53: read udp 127.0.0.1:1->127.0.0.53:53: i/o timeout",
                Some("proxy.golang.org"),
                "dns_unreachable",
            ),
            (
                "Get \"https://proxy.golang.org/x/@v/list\": dial tcp 127.0.1.1:443: connect: connection refused",
                Some("proxy.golang.org"),
                "tcp_refused",
            ),
            (
                "Get \"https://proxy.golang.org/x/@v/list\": dial tcp 127.0.1.1:443: i/o timeout",
                Some("proxy.golang.org"),
                "tcp_timeout",
            ),
            (
                "Get \"https://Proxy.golang.org/x\": proxyconnect tcp: dial tcp 127.0.2.1:3128: connect: connection refused",
                Some("proxy.golang.org"),
                "proxy:tcp_refused",
            ),
            (
                "Get \"https://proxy.golang.org/x\": proxyconnect tcp: tls: first record does not look like a TLS handshake",
                Some("proxy.golang.org"),
                "proxy:not_tls",
            ),
            (
                "Get \"https://proxy.golang.org/x\": Proxy Authentication Required",
                Some("proxy.golang.org"),
                "connect_407",
            ),
            (
                "Get \"https://proxy.golang.org/x\": tls: failed to verify certificate: x509: certificate signed by unknown authority",
                Some("proxy.golang.org"),
                "tls_unknown_authority",
            ),
            (
                "x509: certificate has expired or is not yet valid: current time 2026-01-01T00:00:00Z is after 2021-01-01T00:00:00Z",
                None,
                "tls_expired",
            ),
            (
                "x509: certificate has expired or is not yet valid: current time 2026-01-01T00:00:00Z is before 2090-01-01T00:00:00Z",
                None,
                "tls_not_yet_valid",
            ),
            (
                "example.com/hello@v1.0.0: reading https://proxy.golang.org/example.com/hello/@v/v1.0.0.info: 403 Forbidden",
                Some("proxy.golang.org"),
                "http_403",
            ),
            (
                "verifying module: example.com/hello@v1.0.0: reading https://proxy.golang.org/sumdb/sum.golang.org/supported: 500 Internal Server Error",
                Some("proxy.golang.org"),
                "http_500",
            ),
            (
                "module lookup disabled by GOPROXY=off",
                None,
                "goproxy_off",
            ),
            ("something else entirely", None, "other"),
        ];
        for (text, host, class) in cases {
            let k = key_of(text);
            assert_eq!(k.host.as_deref(), *host, "{text}");
            assert_eq!(k.class, *class, "{text}");
        }
    }
}
