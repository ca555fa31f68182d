//! The HTTP client as cmd/go builds it (Go's trust, User-Agent, no automatic redirects), shared
//! by the GET probe and DNS-over-HTTPS. It sits below both, so the DNS probe does not reach up
//! into the GET probe and its chain; names are resolved by [`super::dns::system::go_resolver`].

use std::time::Duration;

/// Header lines hyper accepts in one response (its default, 100, is below what Go reads).
pub const MAX_HEADERS: usize = 4096;

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
    parts.join(": ")
}

/// [`error_chain`] of a reqwest error without the URL reqwest puts in its text (it may carry
/// credentials; Go's text names the URL once, in front).
pub fn reqwest_error_chain(e: reqwest::Error) -> String {
    error_chain(&e.without_url())
}

/// A reqwest builder with Go's trust, Go's User-Agent, no automatic redirects (they are
/// followed by [`super::http::HttpClient::fetch`] to apply Go's rules), and a connect timeout.
pub fn base_client_builder(connect_timeout: Duration) -> Result<reqwest::ClientBuilder, String> {
    let tls = super::tls::go_like_config(super::trust::trust().go.clone(), true);
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .user_agent(GO_USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        // Header lines Go's textproto accepts (`Name : v`, folded lines) and no cap on their
        // number below Go's, so hyper refuses fewer answers that Go reads.
        .http1_allow_spaces_after_header_name_in_responses(true)
        .http1_allow_obsolete_multiline_headers_in_responses(true)
        .http1_max_headers(MAX_HEADERS)
        .connect_timeout(connect_timeout))
}
