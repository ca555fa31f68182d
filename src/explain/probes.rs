//! Which probes would confirm the causes of an explanation (`explain --probe`).

use super::explanation::Explanation;
use crate::vocab::{Area, CauseId};

/// A probe that would confirm or refute the causes (run by `explain --probe`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub enum ProbeRequest {
    /// Resolve a name with the system and the public resolvers.
    Dns(String),
    /// TCP connect to `host:port`.
    Tcp(#[serde(serialize_with = "crate::redact::serialize_masked")] String),
    /// TLS handshake with host, port.
    Tls(String, u16),
    /// GET a URL the way Go would (through Go's proxy); credentials as the text gives them.
    Http(#[serde(serialize_with = "crate::redact::serialize_masked")] String),
    /// CONNECT through a proxy (URL or host:port), credentials as the text gives them.
    Proxy(#[serde(serialize_with = "crate::redact::serialize_masked")] String),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::explain;

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
}
