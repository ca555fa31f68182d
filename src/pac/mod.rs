//! Proxy auto-configuration (PAC): which proxy the OS's script picks for each URL on Go's
//! path, and the HTTPS_PROXY / NO_PROXY that make Go do the same. Pure: the script's text
//! and everything it may ask about the machine are given ([`PacEnv`]); fetching the script
//! and the bounded lookups are the I/O edge's (`probe::pac`).

pub mod answer;
pub mod engine;
pub mod helpers;
pub mod wpad;

use std::rc::Rc;

use serde::{Deserialize, Serialize};

pub use engine::{Limits, Pac, PacEnv, PacError, PacFailure};
pub use helpers::{CivilTime, PacClock};

/// Where the PAC URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PacOrigin {
    /// `--pac URL`.
    CommandLine,
    /// The OS proxy settings (WinINET AutoConfigURL, macOS, GNOME/KDE).
    Os,
    /// Found by WPAD (`http://wpad.<domain>/wpad.dat`): the OS detects its proxy
    /// automatically and names no script.
    Wpad,
}

/// The script's answer for one URL on Go's path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PacAnswer {
    /// The URL asked about (`scheme://host/`, as browsers pass https URLs), masked.
    #[serde(serialize_with = "crate::redact::serialize_masked")]
    pub url: String,
    pub host: String,
    /// What `FindProxyForURL` returned, as returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The proxy URL Go needs for it; None for DIRECT (or when the answer is unusable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// The script failed for this URL, or its answer has nothing Go can use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl PacAnswer {
    /// The script sends this URL direct.
    pub fn is_direct(&self) -> bool {
        self.error.is_none() && self.proxy.is_none()
    }
}

/// The PAC script and its answers, for the facts record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PacFacts {
    /// The script's URL (masked).
    #[serde(serialize_with = "crate::redact::serialize_masked")]
    pub url: String,
    pub origin: PacOrigin,
    /// The script could not be fetched or loaded: no answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub answers: Vec<PacAnswer>,
}

/// What the answers mean for Go's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacEnvironment {
    /// The proxy the script returns for the first URL it sends through a proxy (the
    /// GOPROXY entries come first: proxy.golang.org by default).
    pub https_proxy: Option<String>,
    /// The hosts the script sends DIRECT, comma-separated, when a proxy is set too.
    pub no_proxy: Option<String>,
    pub notes: Vec<String>,
}

impl PacFacts {
    /// HTTPS_PROXY and NO_PROXY from the answers; None when the script gave none.
    pub fn environment(&self) -> Option<PacEnvironment> {
        let proxied: Vec<&PacAnswer> = self.answers.iter().filter(|a| a.proxy.is_some()).collect();
        let first = proxied.first()?;
        let https_proxy = first.proxy.clone();
        let mut notes = Vec::new();
        for other in proxied.iter().filter(|a| a.proxy != https_proxy) {
            notes.push(format!(
                "the PAC picks {} for {}, but Go takes one HTTPS_PROXY for every host",
                other.proxy.as_deref().unwrap_or(""),
                other.host
            ));
        }
        let direct: Vec<&str> = self
            .answers
            .iter()
            .filter(|a| a.is_direct())
            .map(|a| a.host.as_str())
            .collect();
        Some(PacEnvironment {
            https_proxy,
            no_proxy: (!direct.is_empty()).then(|| direct.join(",")),
            notes,
        })
    }
}

/// The URLs Go's first request of each step goes to (module proxies, direct hosts, the
/// checksum database), as `scheme://host/` without credentials, each once.
pub fn go_path_urls(plan: &[crate::plan::ModuleRoute]) -> Vec<(String, String)> {
    use crate::plan::SumdbRoute;
    let mut raw: Vec<String> = Vec::new();
    for route in plan {
        raw.extend(
            route
                .steps
                .iter()
                .filter_map(|s| s.http_proxy_for_url.as_ref())
                .map(|u| u.expose().to_string()),
        );
        match &route.sumdb {
            SumdbRoute::Explicit { url, .. } => raw.push(url.expose().to_string()),
            SumdbRoute::ViaProxies { direct_url, .. } => raw.push(direct_url.clone()),
            _ => {}
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for u in raw {
        let Ok(parsed) = url::Url::parse(&u) else {
            continue;
        };
        let (Some(host), "http" | "https") = (parsed.host_str(), parsed.scheme()) else {
            continue;
        };
        let origin = match parsed.port() {
            Some(p) => format!("{}://{host}:{p}/", parsed.scheme()),
            None => format!("{}://{host}/", parsed.scheme()),
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if !out.iter().any(|(o, _)| *o == origin) {
            out.push((origin, host));
        }
    }
    out
}

/// Loads the script and asks it about every `(url, host)`; a script that does not load
/// gives the error and no answers.
pub fn evaluate(
    name: &str,
    source: &str,
    env: Rc<dyn PacEnv>,
    limits: Limits,
    targets: &[(String, String)],
) -> Result<Vec<PacAnswer>, PacError> {
    let mut pac = Pac::load(name, source, env, limits)?;
    Ok(targets
        .iter()
        .map(|(url, host)| answer_for(&mut pac, name, url, host))
        .collect())
}

/// The loaded script's answer for one URL, as the facts record it.
pub fn answer_for(pac: &mut Pac, name: &str, url: &str, host: &str) -> PacAnswer {
    let mut a = PacAnswer {
        url: url.to_string(),
        host: host.to_string(),
        answer: None,
        proxy: None,
        error: None,
        notes: Vec::new(),
    };
    match pac.find_proxy(url, host) {
        Ok(text) if text.len() > MAX_TEXT => {
            a.error = Some(format!(
                "PAC {name}: FindProxyForURL({url}) returned {} bytes; a proxy list is at most {MAX_TEXT}",
                text.len()
            ));
            a.answer = Some(clip(text));
        }
        Ok(text) => {
            match answer::go_choice(&text) {
                Ok(c) => {
                    a.proxy = c.proxy;
                    a.notes = c.notes;
                }
                Err(e) => a.error = Some(clip(format!("PAC {name}: {e}"))),
            }
            a.answer = Some(clip(text));
        }
        Err(e) => a.error = Some(clip(e.to_string())),
    }
    a
}

/// The most of a script's answer or error text kept (a script can return a string of
/// any length; a proxy list is a few dozen bytes).
pub const MAX_TEXT: usize = 1024;

/// `text`, cut to [`MAX_TEXT`] bytes at a character boundary, with "…" when cut.
pub fn clip(mut text: String) -> String {
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}
