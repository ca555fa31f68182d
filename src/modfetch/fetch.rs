//! The live side: GETs made the way cmd/go makes them (Go's User-Agent, the HTTP proxy Go
//! would choose from the environment, Basic auth from URL userinfo, no credentials over
//! plain http), turned into [`Fetch`] outcomes; and the loop that runs the simulation,
//! fetches what it says is missing, and runs it again.

use crate::config::goauth::Credentials;
use crate::redact::Secret;
use crate::vocab::CauseId;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::config::{ProxyChoice, ProxyEnv};
use crate::facts::observed::{canonical_reason, Fetch};
use crate::facts::Observations;
use crate::plan::ModuleRoute;
use crate::redact::{go_error_url, mask_url};
use crate::simulate::{simulate, Missing, Prediction, SimOptions};

/// cmd/go's User-Agent for module fetches.
pub const GO_USER_AGENT: &str = "GoCommand/1 (+https://go.dev/cmd/go)";

/// A Go-like HTTP getter with one client per HTTP proxy.
pub struct Fetcher {
    proxy_env: Option<ProxyEnv>,
    /// Per-request limit (Go itself has none: a stalled server hangs it).
    pub timeout: Duration,
    clients: tokio::sync::Mutex<HashMap<String, reqwest::Client>>,
    /// When set, GETs go through the HTTP probe (Go's trust store and resolver, Go-format
    /// TLS/DNS/proxy error texts, chain probes that explain failures).
    probe: Option<ProbeBackend>,
    /// GOAUTH's credentials, added to https GETs by URL prefix as cmd/go adds them.
    credentials: Credentials,
}

struct ProbeBackend {
    opts: crate::probe::ProbeOptions,
    cache: std::sync::Arc<crate::probe::chain::ChainCache>,
    clients: tokio::sync::Mutex<HashMap<String, crate::probe::http::HttpClient>>,
    /// The local clock against the `Date` of the first https answer Go's requests got: the
    /// clock check costs no request of its own.
    clock: std::sync::Mutex<Option<crate::probe::clock::ClockFacts>>,
}

impl Fetcher {
    /// `proxy_env` None: no HTTP proxy (tests); else the proxy Go would use per URL.
    pub fn new(proxy_env: Option<ProxyEnv>, timeout: Duration) -> Fetcher {
        Fetcher {
            proxy_env,
            timeout,
            clients: tokio::sync::Mutex::new(HashMap::new()),
            probe: None,
            credentials: Credentials::default(),
        }
    }

    /// Adds GOAUTH's credentials (see [`crate::config::goauth`]).
    pub fn with_credentials(mut self, credentials: Credentials) -> Fetcher {
        self.credentials = credentials;
        self
    }

    /// A fetcher whose GETs are made by the HTTP probe (`crate::probe::http`), with the
    /// probe's options (timeouts, resolver choice, deadline).
    pub fn with_probe(proxy_env: Option<ProxyEnv>, opts: &crate::probe::ProbeOptions) -> Fetcher {
        Fetcher {
            proxy_env,
            timeout: opts.per_probe_timeout,
            clients: tokio::sync::Mutex::new(HashMap::new()),
            probe: Some(ProbeBackend {
                opts: opts.clone(),
                cache: std::sync::Arc::new(crate::probe::chain::ChainCache::new()),
                clients: tokio::sync::Mutex::new(HashMap::new()),
                clock: std::sync::Mutex::new(None),
            }),
            credentials: Credentials::default(),
        }
    }

    /// The chain cache the probe-backed GETs share (None for a plain fetcher).
    pub fn chain_cache(&self) -> Option<std::sync::Arc<crate::probe::chain::ChainCache>> {
        self.probe.as_ref().map(|b| b.cache.clone())
    }

    /// The local clock against the first https server that answered a probe-backed GET.
    pub fn clock(&self) -> Option<crate::probe::clock::ClockFacts> {
        let backend = self.probe.as_ref()?;
        let clock = backend.clock.lock().unwrap_or_else(|p| p.into_inner());
        clock.clone()
    }

    /// Whether the run deadline has passed: a failure seen now may be the deadline's doing.
    pub fn past_deadline(&self) -> bool {
        self.probe
            .as_ref()
            .is_some_and(|b| b.opts.pace.past_deadline())
    }

    async fn get_via_probe(
        &self,
        backend: &ProbeBackend,
        url: &url::Url,
        keep: usize,
        auth: Option<(&str, &Secret)>,
    ) -> Fetch {
        let route = match &self.proxy_env {
            Some(env) => match env.proxy_for(url) {
                ProxyChoice::Direct => crate::probe::Route::Direct,
                ProxyChoice::Via { proxy } => match crate::probe::Route::from_proxy_url(&proxy) {
                    Ok(r) => r,
                    Err(e) => {
                        return Fetch::net_error(
                            &format!("invalid proxy URL {}: {e}", proxy.redacted()),
                            CauseId::ConfigProxyValueInvalid,
                        )
                    }
                },
                ProxyChoice::Error { message } => {
                    let shown = go_error_url(url.as_str());
                    return Fetch::net_error(
                        &format!("Get {shown:?}: {message}"),
                        CauseId::ConfigProxyValueInvalid,
                    );
                }
            },
            None => crate::probe::Route::Direct,
        };
        let key = match &route {
            crate::probe::Route::Direct => "direct".to_string(),
            crate::probe::Route::Proxy(u) => u.to_string(),
        };
        let client = {
            let mut clients = backend.clients.lock().await;
            match clients.get(&key) {
                Some(c) => c.clone(),
                None => match crate::probe::http::HttpClient::new(
                    route,
                    backend.cache.clone(),
                    &backend.opts,
                ) {
                    Ok(c) => {
                        clients.insert(key, c.clone());
                        c
                    }
                    Err(e) => {
                        let shown = go_error_url(url.as_str());
                        return Fetch::net_error(
                            &format!("Get {shown:?}: {e}"),
                            CauseId::ConfigProxyValueInvalid,
                        );
                    }
                },
            }
        };
        let facts = client.fetch_with_auth(url, keep, auth).await;
        if url.scheme() == "https" {
            if let Some(c) = &facts.clock {
                let mut clock = backend.clock.lock().unwrap_or_else(|p| p.into_inner());
                clock.get_or_insert_with(|| c.clone());
            }
        }
        Fetch::from(&facts)
    }

    async fn client(&self, url: &url::Url, insecure: bool) -> Result<reqwest::Client, String> {
        let choice = match &self.proxy_env {
            Some(env) => env.proxy_for(url),
            None => ProxyChoice::Direct,
        };
        let (key, proxy) = match &choice {
            ProxyChoice::Direct => ("direct".to_string(), None),
            ProxyChoice::Via { proxy } => {
                (proxy.full_url().expose().to_string(), Some(proxy.clone()))
            }
            ProxyChoice::Error { message } => return Err(message.clone()),
        };
        let key = if insecure {
            format!("insecure {key}")
        } else {
            key
        };
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let mut b = reqwest::Client::builder()
            .user_agent(GO_USER_AGENT)
            .no_proxy()
            // Shorter than the request limit, so a connect that hangs is reported as the
            // dial timeout Go would also hit, and a server that accepts but never answers as
            // a stall (Go has no response timeout and would wait).
            .connect_timeout(self.timeout * 3 / 4)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                // net/http stops after 10 redirects; cmd/go refuses https → http.
                // cmd/go checks the scheme first, against the first request, and names
                // both ends (web/http.go).
                let first_https = attempt.previous().first().map(|u| u.scheme()) == Some("https");
                if first_https && attempt.url().scheme() != "https" {
                    let text = format!(
                        "redirected from secure URL {} to insecure URL {}",
                        mask_url(attempt.previous().last().map_or("", |u| u.as_str())),
                        mask_url(attempt.url().as_str())
                    );
                    attempt.error(text)
                } else if attempt.previous().len() >= 10 {
                    attempt.error("stopped after 10 redirects")
                } else {
                    attempt.follow()
                }
            }));
        if insecure {
            // Go's impatientInsecureHTTPClient: InsecureSkipVerify, the resolver as usual.
            b = b.tls_danger_accept_invalid_certs(true);
            if let Some(backend) = &self.probe {
                b = b.dns_resolver(crate::probe::dns::system::go_resolver(&backend.opts));
            }
        }
        if let Some(p) = proxy {
            let rp = reqwest::Proxy::all(p.full_url().expose()).map_err(|e| {
                format!(
                    "invalid proxy URL {}: {}",
                    p.redacted(),
                    crate::probe::client::reqwest_error_chain(e)
                )
            })?;
            b = b.proxy(rp);
        }
        let c = b
            .build()
            .map_err(crate::probe::client::reqwest_error_chain)?;
        clients.insert(key, c.clone());
        Ok(c)
    }

    /// GET `url` (which may carry userinfo: it is sent, as Go sends it); keeps at most
    /// `keep` body bytes.
    pub async fn get(&self, url: &str, keep: usize) -> Fetch {
        self.get_as(url, keep, true).await
    }

    /// GET `url` without GOAUTH's credentials (git's anonymous first request).
    pub async fn get_anonymous(&self, url: &str, keep: usize) -> Fetch {
        self.get_as(url, keep, false).await
    }

    /// web.Get with GOINSECURE (web.Insecure) for a scheme-less URL such as the `?go-get=1`
    /// one: https without certificate checks (Go's impatientInsecureHTTPClient, 5 s), and
    /// after a failure there plain http. Returns the URL that answered (or failed last).
    pub async fn get_insecure(&self, https_url: &str, keep: usize) -> (String, Fetch) {
        let f = self.get_with(https_url, keep, true, true).await;
        if matches!(f, Fetch::Status { .. }) {
            return (https_url.to_string(), f);
        }
        let http = https_url.replacen("https://", "http://", 1);
        let f = self.get(&http, keep).await;
        (http, f)
    }

    async fn get_as(&self, url: &str, keep: usize, with_goauth: bool) -> Fetch {
        self.get_with(url, keep, with_goauth, false).await
    }

    async fn get_with(&self, url: &str, keep: usize, with_goauth: bool, insecure: bool) -> Fetch {
        let start = Instant::now();
        // As net/http names the URL in its errors.
        let shown = go_error_url(url);
        let elapsed = |s: Instant| s.elapsed().as_millis() as u64;
        let parsed = match url::Url::parse(url) {
            Ok(u) => u,
            Err(e) => {
                return Fetch::NetError {
                    go_error: format!("parse {:?}: {e}", mask_url(url)),
                    class: CauseId::ConfigGoproxyInvalid,
                    elapsed_ms: 0,
                }
            }
        };
        let mut plain = parsed.clone();
        let user = parsed.username().to_string();
        let pass = parsed.password().map(str::to_string);
        let has_auth = !user.is_empty() || pass.is_some();
        if has_auth {
            if parsed.scheme() == "http" {
                // cmd/go's own check (web/http.go), with the URL Redacted.
                return Fetch::NetError {
                    go_error: format!(
                        "refusing to pass credentials to insecure URL: {}",
                        mask_url(url)
                    ),
                    class: CauseId::ConfigGoproxyInvalid,
                    elapsed_ms: 0,
                };
            }
            let _ = plain.set_username("");
            let _ = plain.set_password(None);
        }
        // cmd/go adds GOAUTH's credentials to https requests; URL userinfo goes instead.
        let goauth = (!has_auth && with_goauth)
            .then(|| self.credentials.lookup(plain.as_str()))
            .flatten();
        if let Some(backend) = self.probe.as_ref().filter(|_| !insecure) {
            // reqwest sends URL userinfo as Basic auth, as Go does.
            return self.get_via_probe(backend, &parsed, keep, goauth).await;
        }
        let limit = if insecure {
            self.timeout.min(Duration::from_secs(5))
        } else {
            self.timeout
        };
        let client = match self.client(&parsed, insecure).await {
            Ok(c) => c,
            Err(msg) => {
                return Fetch::NetError {
                    go_error: format!("Get {shown:?}: {msg}"),
                    class: CauseId::ConfigProxyValueInvalid,
                    elapsed_ms: 0,
                }
            }
        };
        let mut req = client.get(plain.as_str());
        if has_auth {
            req = req.basic_auth(percent_decode(&user), pass.as_deref().map(percent_decode));
        } else if let Some((login, pass)) = goauth {
            req = req.basic_auth(login, Some(pass.expose()));
        }
        let resp = match tokio::time::timeout(limit, req.send()).await {
            Err(_) => {
                return Fetch::NetError {
                    go_error: format!(
                        "Get {shown:?}: no response within {:?} (Go itself has no timeout and would keep waiting)",
                        self.timeout
                    ),
                    class: CauseId::GoproxySlow,
                    elapsed_ms: elapsed(start),
                }
            }
            Ok(Err(e)) => {
                let (go_error, class) = go_net_error(&shown, &parsed, &e.without_url());
                return Fetch::NetError {
                    go_error,
                    class,
                    elapsed_ms: elapsed(start),
                };
            }
            Ok(Ok(r)) => r,
        };
        let code = resp.status().as_u16();
        let reason = resp
            .status()
            .canonical_reason()
            .unwrap_or(canonical_reason(code))
            .to_string();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let mut body = Vec::new();
        let mut size = 0u64;
        let mut resp = resp;
        loop {
            let remaining = self.timeout.saturating_sub(start.elapsed());
            match tokio::time::timeout(remaining, resp.chunk()).await {
                Ok(Ok(Some(chunk))) => {
                    size += chunk.len() as u64;
                    let room = keep.saturating_sub(body.len());
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(Ok(None)) => break,
                Ok(Err(e)) => {
                    return Fetch::NetError {
                        go_error: format!("Get {shown:?}: reading body: {}", e.without_url()),
                        class: CauseId::TcpReset,
                        elapsed_ms: elapsed(start),
                    }
                }
                Err(_) => {
                    return Fetch::NetError {
                        go_error: format!(
                        "Get {shown:?}: body stalled after {size} bytes (Go would keep waiting)"
                    ),
                        class: CauseId::GoproxySlow,
                        elapsed_ms: elapsed(start),
                    }
                }
            }
        }
        Fetch::Status {
            code,
            reason,
            content_type,
            body,
            size,
            elapsed_ms: elapsed(start),
        }
    }
}

/// URL userinfo as Go sends it in `Authorization: Basic` (percent-decoded; `+` stays `+`).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Go's text for a transport failure (`Get "URL": dial tcp ADDR: connect: connection
/// refused`) and its class, reconstructed from the error chain.
fn go_net_error(shown: &str, url: &url::Url, e: &reqwest::Error) -> (String, CauseId) {
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_matches(|c| c == '[' || c == ']');
    let port = url.port_or_known_default().unwrap_or(443);
    let addr = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut chain = vec![];
    let mut io_kind = None;
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        chain.push(s.to_string());
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        src = s.source();
    }
    let all = chain.join(": ").to_ascii_lowercase();
    use std::io::ErrorKind as K;
    let (inner, class) =
        if matches!(io_kind, Some(K::ConnectionRefused)) || all.contains("connection refused") {
            (
                format!("dial tcp {addr}: connect: connection refused"),
                CauseId::TcpRefused,
            )
        } else if all.contains("dns error")
            || all.contains("failed to lookup")
            || all.contains("name or service not known")
        {
            (
                format!("dial tcp: lookup {host}: no such host"),
                CauseId::DnsNoResolution,
            )
        } else if matches!(io_kind, Some(K::TimedOut)) || all.contains("timed out") {
            (format!("dial tcp {addr}: i/o timeout"), CauseId::TcpTimeout)
        } else if all.contains("network is unreachable") {
            (
                format!("dial tcp {addr}: connect: network is unreachable"),
                CauseId::TcpUnreachable,
            )
        } else if all.contains("no route to host") {
            (
                format!("dial tcp {addr}: connect: no route to host"),
                CauseId::TcpUnreachable,
            )
        } else if all.contains("connection closed before message completed")
            || all.contains("incomplete message")
        {
            ("EOF".to_string(), CauseId::TcpReset)
        } else if matches!(io_kind, Some(K::ConnectionReset)) || all.contains("connection reset") {
            (
                "read: connection reset by peer".to_string(),
                CauseId::TcpReset,
            )
        } else if all.contains("certificate") || all.contains("tls") {
            (
                chain.last().cloned().unwrap_or_default(),
                CauseId::TlsHandshakeFailure,
            )
        } else {
            // Connected, but the answer is not usable HTTP (malformed, oversized headers).
            (
                chain.last().cloned().unwrap_or_default(),
                CauseId::GoproxyBadResponse,
            )
        };
    (format!("Get {shown:?}: {inner}"), class)
}

/// How much of a body to read: all of small protocol files, a zip up to the size whose
/// hash is computed.
pub fn keep_for(url: &str) -> usize {
    if url.ends_with(".zip") {
        crate::simulate::ZIP_HASH_LIMIT
    } else {
        4 << 20
    }
}

/// The part of a zip kept in the facts once it is hashed: enough to tell a zip from an
/// HTML page, small enough for a report.
const ZIP_KEPT: usize = 64 << 10;

/// A whole zip's `h1:` goes into the observations (keyed by its URL) and its body is cut to
/// its head, so a saved report stays small and `report` re-verifies from the hash.
fn record_zip(obs: &mut Observations, url: &str, f: &mut Fetch) {
    if let Fetch::Status {
        code: 200,
        body,
        size,
        ..
    } = f
    {
        if body.len() as u64 == *size {
            if let Ok(h) = crate::simulate::proto::dirhash::hash_zip(
                body,
                4 * crate::simulate::ZIP_HASH_LIMIT as u64,
            ) {
                obs.zip_h1.insert(url.to_string(), h);
            }
        }
        body.truncate(ZIP_KEPT);
    }
}

/// Runs the simulation, fetches every missing outcome concurrently, and repeats until the
/// prediction needs nothing more (at most `rounds` times). Direct-mode outcomes come from
/// `direct` (called with the module path).
pub async fn observe<F, Fut>(
    routes: &[ModuleRoute],
    sim: &SimOptions,
    fetcher: &Fetcher,
    mut obs: Observations,
    rounds: usize,
    direct: F,
) -> (Prediction, Observations)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = crate::facts::DirectOutcome>,
{
    let mut pred = simulate(routes, &obs, sim);
    for _ in 0..rounds {
        if pred.missing.is_empty() {
            break;
        }
        let mut http = vec![];
        let mut directs = vec![];
        // The URLs come from the configuration as it is, credentials included: each request
        // carries them as Go's would.
        for m in &pred.missing {
            match m {
                Missing::Direct(p) => directs.push(p.clone()),
                Missing::Request(u) => http.push(u.expose().to_string()),
                // Unchecked repository access (--no-vcs) is not something to fetch.
                Missing::Unchecked(_) => {}
            }
        }
        if http.is_empty() && directs.is_empty() {
            break;
        }
        let fetches = futures_join(http.iter().map(|u| fetcher.get(u, keep_for(u)))).await;
        // A network failure once the run deadline has passed may be the deadline's doing: not
        // observed (the prediction says inconclusive), never reported as Go's failure.
        let cut = fetcher.past_deadline();
        for (u, mut f) in http.into_iter().zip(fetches) {
            if cut && matches!(f, Fetch::NetError { .. }) {
                continue;
            }
            if u.ends_with(".zip") {
                record_zip(&mut obs, &u, &mut f);
            }
            obs.http.insert(u, f);
        }
        if cut {
            break;
        }
        for p in directs {
            let d = direct(p.clone()).await;
            obs.direct.insert(p, d);
        }
        pred = simulate(routes, &obs, sim);
    }
    (pred, obs)
}

/// Awaits all futures concurrently (tokio tasks are not needed: they borrow the fetcher).
async fn futures_join<I, Fut>(futs: I) -> Vec<Fut::Output>
where
    I: IntoIterator<Item = Fut>,
    Fut: std::future::Future,
{
    let futs: Vec<_> = futs.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<Fut::Output>> = futs.iter().map(|_| None).collect();
    let mut pending: Vec<(usize, std::pin::Pin<Box<Fut>>)> = futs.into_iter().enumerate().collect();
    std::future::poll_fn(|cx| {
        pending.retain_mut(|(i, f)| match f.as_mut().poll(cx) {
            std::task::Poll::Ready(v) => {
                outputs[*i] = Some(v);
                false
            }
            std::task::Poll::Pending => true,
        });
        if pending.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs
        .into_iter()
        .map(|o| o.expect("every future completed"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn userinfo_decoding_never_panics_and_keeps_plus() {
        assert_eq!(super::percent_decode("a%40b+c"), "a@b+c");
        // The old hand-rolled decoder sliced inside `é` here and panicked.
        assert_eq!(super::percent_decode("%aé%4"), "%aé%4");
    }
}
