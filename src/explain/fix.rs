//! Placeholder values for the fix of the top cause, from what the text names.

use super::explanation::Explanation;
use crate::vocab::CauseId;

/// `http://<user>:<password>@host:port` from a proxy address without credentials.
pub fn with_credential_holes(proxy: &str) -> String {
    let (scheme, rest) = proxy.split_once("://").unwrap_or(("http", proxy));
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://<user>:<password>@{host}")
}

/// Placeholder values for the fix of the top cause, from what the text names.
/// `goprivate` is the user's current GOPRIVATE, extended with the module's pattern.
pub fn fix_values(ex: &Explanation, goprivate: &str) -> crate::catalog::FixValues {
    let e = &ex.entities;
    let mut v = crate::catalog::FixValues::new();
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
    // The port dialed (`dial tcp A:P`), else the first URL's (443 for https).
    let port = e
        .addrs
        .first()
        .and_then(|a| a.rsplit_once(':').map(|(_, p)| p.to_string()))
        .or_else(|| {
            e.urls
                .iter()
                .filter_map(|u| url::Url::parse(u).ok())
                .find_map(|u| u.port_or_known_default().map(|p| p.to_string()))
        });
    if let Some(p) = port {
        v.set("port", p);
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
    use crate::explain::explain;

    #[test]
    fn the_port_comes_from_the_dial_or_the_url() {
        let ex = explain("go: m.example/x@v1.0.0: Get \"https://proxy.golang.org/x\": dial tcp 127.0.1.1:8443: connect: connection refused");
        assert_eq!(fix_values(&ex, "").get("port"), Some("8443"));
        let ex = explain("go: m.example/x@v1.0.0: Get \"https://proxy.golang.org/x\": dial tcp: lookup proxy.golang.org: i/o timeout");
        assert_eq!(fix_values(&ex, "").get("port"), Some("443"));
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
