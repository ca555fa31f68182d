//! The HTTP client as cmd/go builds it (Go's trust, User-Agent, no automatic redirects, names
//! resolved as Go's resolver does), shared by the GET probe and DNS-over-HTTPS. It sits below
//! both, so the DNS probe does not reach up into the GET probe and its chain.

use crate::vocab::goerr;
use std::sync::Arc;
use std::time::Duration;

use super::ProbeOptions;

/// cmd/go's User-Agent.
pub const GO_USER_AGENT: &str = "GoCommand/1 (+https://go.dev/cmd/go)";

/// The causes chain of an error as one line (reqwest's Display hides the inner errors).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = s.source();
    }
    crate::redact::redact_text(&parts.join(": "))
}

/// A reqwest builder with Go's trust, Go's User-Agent, no automatic redirects (they are
/// followed by [`super::http::HttpClient::fetch`] to apply Go's rules), and a connect timeout.
pub fn base_client_builder(connect_timeout: Duration) -> Result<reqwest::ClientBuilder, String> {
    let tls = super::tls::go_like_config(super::trust::trust().go.clone(), true);
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .user_agent(GO_USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout))
}

/// Resolves names for reqwest with the system resolver as Go sees it (so `--system-dns` and
/// the hosts file apply to GETs too).
struct GoResolver {
    opts: ProbeOptions,
}

impl reqwest::dns::Resolve for GoResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let opts = self.opts.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let (a, _) = super::dns::system::resolve_system(&host, &opts).await;
            let addrs: Vec<std::net::SocketAddr> = a
                .addrs()
                .into_iter()
                .map(|ip| std::net::SocketAddr::new(ip, 0))
                .collect();
            if addrs.is_empty() {
                return Err(a
                    .go_error
                    .unwrap_or_else(|| goerr::lookup(&host, "", goerr::NO_SUCH_HOST))
                    .into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A resolver for reqwest that resolves as Go does (hosts file, system nameservers or
/// `--system-dns`).
pub fn go_resolver(opts: &ProbeOptions) -> Arc<dyn reqwest::dns::Resolve> {
    Arc::new(GoResolver { opts: opts.clone() })
}
