//! The HTTP GET probe, as Go's HTTP client sends it (User-Agent of cmd/go, the proxy set
//! explicitly or none, Go's trust, at most 10 redirects and never https → http), with the
//! precise error class and Go's full error text taken from the endpoint's chain probe.

use crate::vocab::CauseId;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::chain::{ChainCache, EndpointFacts, Stage};
use super::client::{base_client_builder, reqwest_error_chain};
use super::dns::system::go_resolver;
use super::{bounded, ms, ProbeOptions, Route};
use crate::redact::{go_error_url, Secret};

/// cmd/go follows at most this many redirects.
pub const MAX_REDIRECTS: usize = 10;
/// After this long without response headers, the chain probe starts alongside the GET.
pub const EXPLAIN_AFTER: Duration = Duration::from_millis(500);
/// Characters of body kept in the serialized preview.
pub const PREVIEW_CHARS: usize = 512;

/// The headers kept in the facts.
pub const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "date",
    "location",
    "server",
    "via",
    "www-authenticate",
    "proxy-agent",
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HttpTimings {
    /// From sending the request to the response headers (over the whole redirect chain).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub first_byte_ms: Option<f64>,
    pub total_ms: f64,
}

/// Why a GET failed, with the text Go would print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HttpError {
    pub stage: Stage,
    /// The stage's classification (`nxdomain`, `refused`, `untrusted`, `auth_required`,
    /// `timeout`, `redirect`, ...).
    pub class: String,
    /// The root-cause identifier this points at: the chain's, or for an HTTP-level failure
    /// `goproxy.slow` (a server that never answers) or `goproxy.bad_response`.
    pub cause: CauseId,
    /// The full text: `Get "URL": ...` (a password in URL as net/http prints it: `***`).
    pub go_error: String,
    /// The HTTP library's own description (without the URL).
    pub detail: String,
}

/// One GET (following redirects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HttpFacts {
    /// The URL asked (shown masked).
    pub url: Secret,
    /// `direct` or the proxy URL (shown masked).
    pub route: Secret,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub content_type: Option<String>,
    /// What the server sent (shown masked: a `Location` may carry userinfo).
    #[serde(default, serialize_with = "crate::redact::serialize_masked_values")]
    pub headers: BTreeMap<String, String>,
    /// Bytes of body read (at most the caller's limit).
    #[serde(default)]
    pub size: u64,
    /// The body was longer than the limit.
    #[serde(default)]
    pub truncated: bool,
    /// The body bytes (up to the limit); not serialized.
    #[serde(skip)]
    pub body: Vec<u8>,
    /// The start of the body as text (shown masked).
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        serialize_with = "crate::redact::serialize_masked_opt"
    )]
    pub body_preview: Option<String>,
    /// Each redirect target, in order (shown masked).
    #[serde(default)]
    pub redirects: Vec<Secret>,
    pub final_url: Secret,
    #[serde(default)]
    pub timings: HttpTimings,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<HttpError>,
    /// The local clock against the response's `Date` header.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub clock: Option<super::clock::ClockFacts>,
    /// The chain probe that explains a failure (probed only when the GET failed).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub chain: Option<EndpointFacts>,
}

impl HttpFacts {
    /// A response came back with status 200.
    pub fn ok(&self) -> bool {
        self.error.is_none() && self.status == Some(200)
    }
    /// `reading URL: 404 Not Found`-style status text (`404 Not Found`).
    pub fn status_text(&self) -> Option<String> {
        self.status.map(|s| {
            format!("{s} {}", self.reason.clone().unwrap_or_default())
                .trim_end()
                .to_string()
        })
    }
}

/// A reusable client for one route; failures are explained by chain probes shared through
/// the cache.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    route: Route,
    cache: Arc<ChainCache>,
    opts: ProbeOptions,
}

impl HttpClient {
    /// A client that sends every request along `route`. Errors name what is wrong (for
    /// example a proxy scheme the HTTP client cannot use).
    pub fn new(
        route: Route,
        cache: Arc<ChainCache>,
        opts: &ProbeOptions,
    ) -> Result<HttpClient, String> {
        let mut b = base_client_builder(opts.per_probe_timeout)?.dns_resolver(go_resolver(opts));
        b = match &route {
            Route::Direct => b.no_proxy(),
            Route::Proxy(p) => {
                // Go's SOCKS dialer (x/net/internal/socks) sends the host name to the proxy for
                // socks5:// as for socks5h://: the proxy resolves. reqwest resolves locally for
                // socks5://, so it is given socks5h:// to do what Go does.
                let mut p = p.clone();
                if p.scheme() == "socks5" {
                    let _ = p.set_scheme("socks5h");
                }
                let proxy = reqwest::Proxy::all(p.as_str()).map_err(|e| {
                    format!(
                        "invalid proxy URL {}: {}",
                        route.display(),
                        reqwest_error_chain(e)
                    )
                })?;
                b.proxy(proxy)
            }
        };
        let client = b.build().map_err(reqwest_error_chain)?;
        Ok(HttpClient {
            client,
            route,
            cache,
            opts: opts.clone(),
        })
    }

    pub fn route(&self) -> &Route {
        &self.route
    }

    /// GETs `url` as cmd/go would, keeping at most `body_limit` bytes of the body.
    pub async fn fetch(&self, url: &url::Url, body_limit: usize) -> HttpFacts {
        self.fetch_with_auth(url, body_limit, None).await
    }

    /// Like [`HttpClient::fetch`], with Basic credentials (GOAUTH's) sent as net/http sends
    /// an Authorization header: to `url`'s host, and on redirects only to that host or its
    /// subdomains (shouldCopyHeaderOnRedirect).
    pub async fn fetch_with_auth(
        &self,
        url: &url::Url,
        body_limit: usize,
        auth: Option<(&str, &crate::redact::Secret)>,
    ) -> HttpFacts {
        let start = Instant::now();
        // As net/http names the URL in its errors.
        let shown = go_error_url(url.as_str());
        let mut f = unsent(url, &self.route, None, None);
        let mut current = url.clone();
        let resp = loop {
            let same_site = |u: &url::Url| match (u.host_str(), url.host_str()) {
                (Some(h), Some(first)) => h == first || h.ends_with(&format!(".{first}")),
                _ => false,
            };
            let hop_auth = auth.filter(|_| same_site(&current));
            let (sent, chain) = self.send(&current, hop_auth).await;
            match sent {
                None => {
                    let budget = self.opts.per_probe_timeout;
                    f.error = Some(self.explain(
                        &current,
                        chain.as_deref(),
                        "timeout",
                        format!("no response within {budget:?}"),
                    ));
                    f.chain = chain.filter(|c| !c.ok()).map(|c| (*c).clone());
                    break None;
                }
                Some(Err(e)) => {
                    let class = if e.is_timeout() { "timeout" } else { "error" };
                    let refused = refused_answer(&e);
                    let detail = reqwest_error_chain(e);
                    let mut err = self.explain(&current, chain.as_deref(), class, detail);
                    if err.stage == Stage::Http && refused {
                        self.judge_as_go(&current, chain.as_deref(), &mut err).await;
                    }
                    f.error = Some(err);
                    f.chain = chain.filter(|c| !c.ok()).map(|c| (*c).clone());
                    break None;
                }
                Some(Ok(r)) => {
                    // net/http follows these codes only (redirectBehavior).
                    let redirect = matches!(r.status().as_u16(), 301 | 302 | 303 | 307 | 308)
                        && r.headers().contains_key("location");
                    if !redirect {
                        break Some(r);
                    }
                    let loc = r
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    let next = match current.join(loc) {
                        Ok(n) => n,
                        Err(e) => {
                            f.error = Some(http_error(
                                "bad_redirect",
                                CauseId::GoproxyBadResponse,
                                format!(
                                    "Get \"{shown}\": failed to parse Location header {loc:?}: {e}"
                                ),
                                e.to_string(),
                            ));
                            break None;
                        }
                    };
                    f.redirects.push(next.as_str().into());
                    if let Some((class, text)) =
                        go_redirect_error(url, &current, &next, f.redirects.len())
                    {
                        // net/http names the Location header as sent, not the resolved URL
                        // (a server may put userinfo in it: masked).
                        let loc = crate::vocab::goerr::go_quote(&crate::redact::mask_url(loc));
                        f.error = Some(http_error(
                            class,
                            CauseId::GoproxyBadResponse,
                            format!("Get {loc}: {text}"),
                            text,
                        ));
                        break None;
                    }
                    current = next;
                }
            }
        };
        f.final_url = current.as_str().into();
        if let Some(mut r) = resp {
            f.timings.first_byte_ms = Some(ms(start.elapsed()));
            f.status = Some(r.status().as_u16());
            f.reason = r.status().canonical_reason().map(str::to_string);
            for (k, v) in r.headers() {
                let k = k.as_str().to_ascii_lowercase();
                if KEPT_HEADERS.contains(&k.as_str()) {
                    f.headers
                        .insert(k, String::from_utf8_lossy(v.as_bytes()).into_owned());
                }
            }
            f.content_type = f.headers.get("content-type").cloned();
            if let Some(d) = f.headers.get("date") {
                f.clock = super::clock::skew_from_date(
                    f.final_url.expose(),
                    d,
                    std::time::SystemTime::now(),
                );
            }
            let read = async {
                let mut body = Vec::new();
                let mut truncated = false;
                loop {
                    match r.chunk().await {
                        Ok(Some(c)) => {
                            let room = body_limit.saturating_sub(body.len());
                            body.extend_from_slice(&c[..c.len().min(room)]);
                            if c.len() > room {
                                truncated = true;
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) => return (body, truncated, Some(reqwest_error_chain(e))),
                    }
                }
                (body, truncated, None)
            };
            let budget = self.opts.budget();
            match bounded(budget, read).await {
                Some((body, truncated, err)) => {
                    f.size = body.len() as u64;
                    f.truncated = truncated;
                    if !body.is_empty() {
                        let text: String = String::from_utf8_lossy(&body)
                            .chars()
                            .take(PREVIEW_CHARS)
                            .collect();
                        f.body_preview = Some(text);
                    }
                    f.body = body;
                    if let Some(e) = err {
                        f.error = Some(http_error(
                            "body",
                            CauseId::GoproxyBadResponse,
                            format!("Get \"{shown}\": {e}"),
                            e,
                        ));
                    }
                }
                None => {
                    f.error = Some(http_error("body_timeout", CauseId::GoproxySlow, format!("Get \"{shown}\": reading the body took longer than {budget:?} (Go would keep waiting)"), "body timeout".into()));
                }
            }
        }
        f.timings.total_ms = ms(start.elapsed());
        f
    }

    /// Sends one GET. When it fails, or has not answered after [`EXPLAIN_AFTER`], the
    /// endpoint's chain probe runs (alongside, in the slow case), so a hanging request and its
    /// explanation end together: never the sum of two timeouts.
    async fn send(
        &self,
        url: &url::Url,
        auth: Option<(&str, &crate::redact::Secret)>,
    ) -> (
        Option<reqwest::Result<reqwest::Response>>,
        Option<Arc<EndpointFacts>>,
    ) {
        // The endpoint's chain starts beside the first GET to it (the cache runs it once):
        // the evidence is gathered while Go's request is in flight, not after it.
        {
            let (cache, url, route, opts) = (
                self.cache.clone(),
                url.clone(),
                self.route.clone(),
                self.opts.clone(),
            );
            let pace = opts.pace.clone();
            tokio::spawn(super::pace::scope(pace, async move {
                cache.probe(&url, &route, &opts).await;
            }));
        }
        let mut req = self.client.get(url.clone());
        if let Some((login, pass)) = auth {
            req = req.basic_auth(login, Some(pass.expose()));
        }
        let get = bounded(self.opts.budget(), req.send());
        tokio::pin!(get);
        let early = tokio::time::sleep(EXPLAIN_AFTER);
        tokio::pin!(early);
        tokio::select! {
            r = &mut get => {
                let chain = match &r {
                    Some(Ok(_)) => None,
                    _ => Some(self.cache.probe(url, &self.route, &self.opts).await),
                };
                return (r, chain);
            }
            _ = &mut early => {}
        }
        let chain = self.cache.probe(url, &self.route, &self.opts);
        tokio::pin!(chain);
        tokio::select! {
            r = &mut get => {
                let chain = match &r {
                    Some(Ok(_)) => None,
                    _ => Some(chain.await),
                };
                (r, chain)
            }
            c = &mut chain => {
                if c.ok() {
                    // The path works: the answer is the server's, wait for it.
                    let r = get.await;
                    let chain = match &r {
                        Some(Ok(_)) => None,
                        _ => Some(c),
                    };
                    (r, chain)
                } else {
                    // The chain failed where this GET must pass: Go's request fails the same
                    // way, no need to wait for it.
                    (None, Some(c))
                }
            }
        }
    }

    /// Explains a failed request with the endpoint's chain probe.
    fn explain(
        &self,
        url: &url::Url,
        chain: Option<&EndpointFacts>,
        class: &str,
        detail: String,
    ) -> HttpError {
        let shown_url = go_error_url(url.as_str());
        match chain.and_then(|c| c.failure.as_ref().map(|fl| (c, fl))) {
            Some((chain, fl)) => HttpError {
                stage: fl.stage,
                class: fl.class.clone(),
                cause: fl.cause.unwrap_or(CauseId::GoproxyBadResponse),
                go_error: chain.go_error(url.as_str()).unwrap_or_default(),
                detail,
            },
            None => {
                // Connected, but no usable answer: a server that never sends its headers
                // stalls Go (it has no timeout here); anything else is a broken answer.
                let (go, cause) = if class == "timeout" {
                    (format!("Get \"{shown_url}\": no response headers within the probe timeout (Go has no timeout here and would keep waiting)"), CauseId::GoproxySlow)
                } else {
                    (
                        format!("Get \"{shown_url}\": {detail}"),
                        CauseId::GoproxyBadResponse,
                    )
                };
                HttpError {
                    stage: Stage::Http,
                    class: class.to_string(),
                    cause,
                    go_error: go,
                    detail,
                }
            }
        }
    }
}

/// cmd/go's CheckRedirect (web/http.go) for the `redirects`-th redirect of a GET of `first`
/// from `last` to `next`: never away from https when the first request was https, and at most
/// net/http's 10 (the 10th redirect is refused).
fn go_redirect_error(
    first: &url::Url,
    last: &url::Url,
    next: &url::Url,
    redirects: usize,
) -> Option<(&'static str, String)> {
    if first.scheme() == "https" && next.scheme() != "https" {
        let text = format!(
            "redirected from secure URL {} to insecure URL {}",
            crate::redact::mask_url(last.as_str()),
            crate::redact::mask_url(next.as_str())
        );
        return Some(("insecure_redirect", text));
    }
    (redirects >= MAX_REDIRECTS).then(|| {
        (
            "redirect",
            format!("stopped after {MAX_REDIRECTS} redirects"),
        )
    })
}

/// hyper refused the answer itself (not the connection): a malformed or oversized head, or a
/// close before the head ended.
fn refused_answer(e: &reqwest::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = cur {
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            return h.is_parse() || h.is_incomplete_message();
        }
        cur = s.source();
    }
    false
}

impl HttpClient {
    /// Reads the refused answer again raw and puts in `err` what Go makes of it (see
    /// [`super::head`]). Direct routes only; through a proxy the text stays hyper's.
    async fn judge_as_go(
        &self,
        url: &url::Url,
        chain: Option<&EndpointFacts>,
        err: &mut HttpError,
    ) {
        let Route::Direct = self.route else { return };
        let Some(addr) = chain.and_then(|c| {
            c.tcp
                .iter()
                .find(|t| t.class == super::tcp::TcpClass::Connected)
                .map(|t| t.addr)
        }) else {
            return;
        };
        let budget = self.opts.budget();
        let Some((raw, ended)) =
            super::head::read_raw(url, addr, super::client::GO_USER_AGENT, budget).await
        else {
            return;
        };
        let shown = go_error_url(url.as_str());
        let (class, cause, text) = match super::head::judge(&raw, ended) {
            super::head::GoHead::Broken(t) => ("malformed", CauseId::GoproxyBadResponse, t),
            super::head::GoHead::Closed => ("closed", CauseId::TcpReset, "EOF".to_string()),
            // Go reads this answer; what it then does with it was not observed.
            super::head::GoHead::Readable => (
                "unreadable_here",
                CauseId::Inconclusive,
                format!(
                    "not observed: this tool's HTTP client refused the answer ({}) but Go reads it ({} bytes of head), so what Go does next is unknown",
                    err.detail.rsplit(": ").next().unwrap_or_default(),
                    raw.len()
                ),
            ),
        };
        err.class = class.to_string();
        err.cause = cause;
        err.go_error = format!("Get \"{shown}\": {text}");
    }
}

fn http_error(class: &str, cause: CauseId, go_error: String, detail: String) -> HttpError {
    HttpError {
        stage: Stage::Http,
        class: class.to_string(),
        cause,
        go_error,
        detail,
    }
}

/// One GET with a fresh client and cache: the `probe http` command.
pub async fn probe_http(
    url: &url::Url,
    route: &Route,
    body_limit: usize,
    opts: &ProbeOptions,
) -> HttpFacts {
    let cache = Arc::new(ChainCache::new());
    match HttpClient::new(route.clone(), cache.clone(), opts) {
        Ok(c) => c.fetch(url, body_limit).await,
        Err(e) => {
            // The GET itself cannot be sent (e.g. through SOCKS); the chain probe still tells
            // whether, and how, Go's request would fail on the way.
            let chain = cache.probe(url, route, opts).await;
            let error = match chain.failure.as_ref() {
                Some(fl) => HttpError {
                    stage: fl.stage,
                    class: fl.class.clone(),
                    cause: fl.cause.unwrap_or(CauseId::GoproxyBadResponse),
                    go_error: chain.go_error(url.as_str()).unwrap_or_default(),
                    detail: e,
                },
                None => http_error(
                    "unsupported",
                    CauseId::ConfigProxyValueInvalid,
                    e.clone(),
                    e,
                ),
            };
            unsent(url, route, Some(error), Some((*chain).clone()))
        }
    }
}

/// The facts of a GET before (or without) any response.
fn unsent(
    url: &url::Url,
    route: &Route,
    error: Option<HttpError>,
    chain: Option<EndpointFacts>,
) -> HttpFacts {
    HttpFacts {
        url: url.as_str().into(),
        route: route.name(),
        status: None,
        reason: None,
        content_type: None,
        headers: BTreeMap::new(),
        size: 0,
        truncated: false,
        body: Vec::new(),
        body_preview: None,
        redirects: Vec::new(),
        final_url: url.as_str().into(),
        timings: HttpTimings::default(),
        error,
        clock: None,
        chain,
    }
}
