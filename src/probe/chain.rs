//! The chain of dependent probes for one endpoint: DNS → TCP → TLS (direct), or
//! proxy (DNS → TCP → [TLS] → CONNECT/SOCKS) → TLS through the tunnel. Chains for different
//! endpoints run concurrently; [`ChainCache`] makes many URLs on one host probe it once.

use crate::vocab::{goerr, CauseId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::dns::ResolverAnswer;
use super::proxy::ProxyFacts;
use super::tcp::{TcpAttempt, TcpClass};
use super::tls::TlsFacts;
use super::{ms, ProbeOptions, Route};
use crate::redact::Secret;

/// Where along the chain something failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Input,
    Dns,
    Tcp,
    Proxy,
    Tls,
    Http,
}

/// The first failure along a chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Failure {
    pub stage: Stage,
    /// The stage's own classification (`nxdomain`, `refused`, `untrusted`, `auth_required`, ...).
    pub class: String,
    /// The root-cause identifier this failure points at on its own (the decision tree may
    /// refine it with other facts, e.g. the DNS comparison); none for a class of its own.
    #[serde(with = "crate::vocab::cause::empty_is_none", default)]
    #[cfg_attr(test, schemars(with = "crate::schema::CauseOrEmpty"))]
    pub cause: Option<CauseId>,
    /// The error Go prints after `Get "URL": `.
    pub go_error: String,
}

/// Milliseconds spent in each stage of a direct chain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct EndpointTimings {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resolve_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub connect_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tls_ms: Option<f64>,
}

/// Everything learned while reaching one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct EndpointFacts {
    /// The URL probed (shown masked).
    pub url: Secret,
    pub scheme: String,
    pub host: String,
    pub port: u16,
    /// `direct` or the proxy URL (shown masked).
    pub route: Secret,
    /// Resolution of the target host (direct routes).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dns: Option<ResolverAnswer>,
    /// Connects to the target's addresses (direct routes).
    #[serde(default)]
    pub tcp: Vec<TcpAttempt>,
    /// The proxy leg (proxy routes), including TLS through the tunnel.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub proxy: Option<ProxyFacts>,
    /// TLS with the target (direct https routes; for proxies see `proxy.tunnel_tls`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tls: Option<TlsFacts>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub failure: Option<Failure>,
    /// Per-stage timings of the direct route (the proxy leg has its own in `proxy.timings`).
    #[serde(default)]
    pub timings: EndpointTimings,
    /// A finding on success (e.g. `tls.interception_trusted`, `tcp.ipv6_broken`).
    #[serde(default)]
    pub findings: Vec<CauseId>,
    pub time_ms: f64,
}

impl EndpointFacts {
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }

    /// The TLS facts with the target, whichever route was taken.
    pub fn target_tls(&self) -> Option<&TlsFacts> {
        self.tls
            .as_ref()
            .or_else(|| self.proxy.as_ref().and_then(|p| p.tunnel_tls.as_ref()))
    }

    /// The full error Go would print for `GET url` over this chain, e.g.
    /// `Get "https://proxy.golang.org/x/@v/list": dial tcp: lookup proxy.golang.org on 127.0.0.53:53: no such host`
    /// (a password in `url` as net/http prints it: `***`).
    pub fn go_error(&self, url: &str) -> Option<String> {
        self.failure.as_ref().map(|f| {
            format!(
                "Get \"{}\": {}",
                crate::redact::go_error_url(url),
                f.go_error
            )
        })
    }
}

fn fail(
    stage: Stage,
    class: impl Into<String>,
    cause: Option<CauseId>,
    go_error: impl Into<String>,
) -> Option<Failure> {
    Some(Failure {
        stage,
        class: class.into(),
        cause,
        go_error: go_error.into(),
    })
}

fn snake<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Probes one URL's endpoint along `route`. Never panics; bounded by `opts`.
pub async fn probe_endpoint(url: &url::Url, route: &Route, opts: &ProbeOptions) -> EndpointFacts {
    let start = Instant::now();
    let scheme = url.scheme().to_ascii_lowercase();
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = url.port_or_known_default().unwrap_or(0);
    let mut f = EndpointFacts {
        url: url.as_str().into(),
        scheme: scheme.clone(),
        host: host.clone(),
        port,
        route: route.name(),
        dns: None,
        tcp: Vec::new(),
        proxy: None,
        tls: None,
        failure: None,
        timings: EndpointTimings::default(),
        findings: Vec::new(),
        time_ms: 0.0,
    };
    if host.is_empty() || port == 0 || !matches!(scheme.as_str(), "http" | "https") {
        f.failure = fail(
            Stage::Input,
            "unsupported_url",
            Some(CauseId::ConfigGoproxyInvalid),
            format!("unsupported protocol scheme \"{scheme}\""),
        );
        return f;
    }
    let tls = scheme == "https";
    match route {
        Route::Proxy(p) => {
            let pf = super::proxy::probe_via(p, &host, port, tls, opts).await;
            if pf.class != super::proxy::ProxyClass::Ok {
                f.failure = fail(
                    Stage::Proxy,
                    snake(&pf.class),
                    pf.class.cause_id(),
                    pf.go_error.clone().unwrap_or_default(),
                );
            } else if let Some(t) = &pf.tunnel_tls {
                if !t.class.ok() {
                    f.failure = fail(
                        Stage::Tls,
                        snake(&t.class),
                        t.class.cause_id(),
                        t.go_error.clone().unwrap_or_default(),
                    );
                } else if let Some(id) = t.class.cause_id() {
                    f.findings.push(id);
                }
            }
            f.proxy = Some(pf);
        }
        Route::Direct => direct(&mut f, &host, port, tls, opts).await,
    }
    f.time_ms = ms(start.elapsed());
    f
}

async fn direct(f: &mut EndpointFacts, host: &str, port: u16, tls: bool, opts: &ProbeOptions) {
    let t = Instant::now();
    let (dns, _) = super::dns::resolve_system(host, opts).await;
    f.timings.resolve_ms = Some(ms(t.elapsed()));
    let literal = dns.server == "literal";
    let addrs: Vec<SocketAddr> = dns
        .addrs()
        .into_iter()
        .map(|ip| SocketAddr::new(ip, port))
        .collect();
    if addrs.is_empty() {
        f.failure = fail(
            Stage::Dns,
            snake(&dns.class),
            Some(CauseId::DnsNoResolution),
            goerr::dial_unresolved(dns.go_error.clone().unwrap_or_default()),
        );
        f.dns = Some(dns);
        return;
    }
    if !literal {
        f.dns = Some(dns);
    }
    // Every address at once; the first in Go's order that connects is used.
    let t = Instant::now();
    let (attempts, stream) = super::tcp::connect_first(&addrs, opts.budget()).await;
    f.timings.connect_ms = Some(ms(t.elapsed()));
    f.tcp = attempts;
    let (class, ipv6_broken, go) = super::tcp::summarize(&f.tcp);
    if ipv6_broken {
        f.findings.push(CauseId::TcpIpv6Broken);
    }
    let Some(stream) = stream else {
        f.failure = fail(
            Stage::Tcp,
            snake(&class),
            class.cause_id().or(Some(CauseId::TcpUnreachable)),
            go.unwrap_or_default(),
        );
        return;
    };
    debug_assert_eq!(class, TcpClass::Connected);
    if !tls {
        return;
    }
    let local = stream
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    // The address dialed, not `peer_addr()`: after a reset the socket no longer knows it.
    let peer = f
        .tcp
        .iter()
        .find(|a| a.class == TcpClass::Connected)
        .map(|a| a.addr.to_string())
        .or_else(|| stream.peer_addr().ok().map(|a| a.to_string()))
        .unwrap_or_default();
    let (mut t, _) = super::tls::handshake(stream, host, opts.budget()).await;
    f.timings.tls_ms = Some(t.time_ms);
    if let Some(g) = &t.go_error {
        if goerr::is_bare_read(g) {
            t.go_error = Some(goerr::read("tcp", &local, &peer, g));
        }
    }
    if !t.class.ok() {
        // Go prints the same `read: connection reset by peer` whether the peer resets every
        // connection or only after seeing the ClientHello (name-based blocking). Tell them
        // apart: connect again and send nothing.
        let reset_without_hello =
            t.class == super::tls::TlsClass::Reset && reset_before_hello(&peer, opts).await;
        let (stage, class, cause) = if reset_without_hello {
            (Stage::Tcp, "reset".to_string(), Some(CauseId::TcpReset))
        } else {
            (Stage::Tls, snake(&t.class), t.class.cause_id())
        };
        f.failure = fail(stage, class, cause, t.go_error.clone().unwrap_or_default());
    } else if let Some(id) = t.class.cause_id() {
        f.findings.push(id);
    }
    f.tls = Some(t);
}

/// Whether `peer` resets a fresh connection on which nothing is sent.
async fn reset_before_hello(peer: &str, opts: &ProbeOptions) -> bool {
    let Ok(addr) = peer.parse::<SocketAddr>() else {
        return false;
    };
    let attempts = super::tcp::connect_all(&[addr], opts.budget(), true).await;
    attempts.iter().any(|a| a.class == TcpClass::Reset)
}

/// The key of a cached chain: scheme, host, port and route.
type Key = (String, String, u16, Route);

/// Probes each (scheme, host, port, route) once, however many URLs share it; concurrent
/// callers for the same key wait for the one probe.
#[derive(Debug, Default)]
pub struct ChainCache {
    map: Mutex<HashMap<Key, Arc<tokio::sync::OnceCell<Arc<EndpointFacts>>>>>,
}

impl ChainCache {
    pub fn new() -> ChainCache {
        ChainCache::default()
    }

    pub async fn probe(
        &self,
        url: &url::Url,
        route: &Route,
        opts: &ProbeOptions,
    ) -> Arc<EndpointFacts> {
        let key: Key = (
            url.scheme().to_string(),
            url.host_str().unwrap_or("").to_string(),
            url.port_or_known_default().unwrap_or(0),
            route.clone(),
        );
        let cell = {
            let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
            m.entry(key).or_default().clone()
        };
        cell.get_or_init(|| async { Arc::new(probe_endpoint(url, route, opts).await) })
            .await
            .clone()
    }

    /// Every chain probed so far.
    pub fn all(&self) -> Vec<Arc<EndpointFacts>> {
        let m = self.map.lock().unwrap_or_else(|p| p.into_inner());
        m.values().filter_map(|c| c.get().cloned()).collect()
    }
}

/// Probes many endpoints concurrently (for `gomod-diag run`); results in input order.
pub async fn probe_all(
    endpoints: Vec<(url::Url, Route)>,
    opts: &ProbeOptions,
) -> Vec<EndpointFacts> {
    let cache = Arc::new(ChainCache::new());
    let futs = endpoints.into_iter().map(|(u, r)| {
        let cache = cache.clone();
        let opts = opts.clone();
        async move { (*cache.probe(&u, &r, &opts).await).clone() }
    });
    crate::join::join_all(futs.collect()).await
}
