//! What a text names: hosts, URLs, addresses, proxies, modules and DNS servers.

use super::explanation::Entities;
use super::records::{own_words, records};

/// The address after the first `dial tcp ` (None for `dial tcp: lookup ...`).
pub(super) fn dial_target(s: &str) -> Option<String> {
    let i = s.find("dial tcp ")?;
    let rest = &s[i + "dial tcp ".len()..];
    let end = rest.find(": ").unwrap_or(rest.len());
    let addr = rest[..end].trim();
    (!addr.is_empty() && !addr.contains(' ')).then(|| addr.to_string())
}

/// The name in `lookup NAME on ...` / `lookup NAME: ...`.
pub(super) fn lookup_name(s: &str) -> Option<String> {
    let i = s.find("lookup ")?;
    let rest = &s[i + "lookup ".len()..];
    let end = rest.find([' ', ':']).unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty()).then(|| name.to_string())
}

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
        .map(|r| own_words(r))
        .collect::<Vec<_>>()
        .join("\n");
    let text_all = text;
    let text = own.as_str();
    // URLs.
    for url in find_urls(text) {
        if let Ok(u) = url::Url::parse(&url) {
            if let Some(h) = u.host_str() {
                if !is_ip_literal(h) {
                    push_unique(&mut e.hosts, h.to_ascii_lowercase());
                }
            }
        }
        push_unique(&mut e.urls, url);
    }
    // Proxy assignments pasted with the error: HTTPS_PROXY=..., export https_proxy=...,
    // set "HTTPS_PROXY=...". Quotes around the assignment or its value go; quotes inside a
    // password stay.
    for word in text_all.split(char::is_whitespace) {
        if let Some((name, value)) = word.split_once('=') {
            let upper = name.trim_start_matches(['"', '\'']).to_ascii_uppercase();
            let upper = upper.trim_start_matches("$ENV:");
            let value = value
                .trim_end_matches([';', ')', ',', '.'])
                .trim_matches(['"', '\'']);
            if matches!(upper, "HTTPS_PROXY" | "HTTP_PROXY" | "ALL_PROXY") && !value.is_empty() {
                push_unique(&mut e.proxies, value.to_string());
            }
        }
    }
    for line in text.lines() {
        // Proxies as Go reports them.
        if let Some(i) = line.find("proxyconnect tcp:") {
            let after = &line[i..];
            if let Some(addr) = dial_target(after) {
                push_unique(&mut e.proxies, addr);
            } else if let Some(name) = lookup_name(after) {
                push_unique(&mut e.proxies, name.clone());
                push_unique(&mut e.hosts, name.to_ascii_lowercase());
            }
        }
        if let Some(i) = line.find("socks connect tcp ") {
            let rest = &line[i + "socks connect tcp ".len()..];
            if let Some(arrow) = rest.find("->") {
                let end = rest[arrow..].find(": ").map_or(rest.len(), |j| arrow + j);
                push_unique(&mut e.proxies, format!("socks5://{}", &rest[..arrow]));
                push_unique(&mut e.addrs, rest[arrow + 2..end].to_string());
            }
        }
        // Addresses: dial tcp A, read/write tcp L->R.
        let mut rest = line;
        while let Some(i) = rest.find("dial tcp ") {
            let after = &rest[i + "dial tcp ".len()..];
            if let Some(end) = after.find(": ") {
                let a = &after[..end];
                if !a.contains(' ') && !a.is_empty() {
                    push_unique(&mut e.addrs, a.to_string());
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
                    push_unique(&mut e.addrs, r[..end].to_string());
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
            // The userinfo as URL syntax has it (the authority ends at the last `@` before the
            // path: a password may hold `' , ; ( =`); from the host on, cut at quotes,
            // whitespace and list separators.
            let after = &tail[scheme.len()..];
            let authority = after
                .find(|c: char| !crate::redact::authority_char(c))
                .unwrap_or(after.len());
            let host_at = scheme.len() + after[..authority].rfind('@').map_or(0, |a| a + 1);
            let end = host_at
                + tail[host_at..]
                    .find(|c: char| c.is_whitespace() || "\"'`<>,|)(".contains(c))
                    .unwrap_or(tail.len() - host_at);
            let url = tail[..end].trim_end_matches([':', '.', ';']);
            if !prev.is_some_and(|c| c.is_ascii_alphanumeric()) && url.len() > scheme.len() {
                push_unique(&mut out, url.to_string());
            }
            rest = &tail[end.max(1)..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
