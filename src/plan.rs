//! The plan (pure): the routes Go would take for a module.
//!
//! `route_module` mirrors cmd/go's modfetch.lookup over proxyList (see
//! reference/go-network-semantics.md §1–§3): for each GOPROXY entry, in order, what cmd/go
//! does for this module and how it falls through; then how the checksum database is reached.

use serde::{Deserialize, Serialize};

use crate::config::{FallbackMode, GoConfig, ProxyChoice};

/// A module to route, parsed from `PATH[@VERSION]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleTarget {
    pub path: String,
    pub version: Option<String>,
}

impl ModuleTarget {
    /// Parses `PATH[@VERSION]` with a clear error naming the input.
    pub fn parse(input: &str) -> Result<ModuleTarget, String> {
        let _ = input;
        Err("not implemented".into())
    }
}

impl std::str::FromStr for ModuleTarget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ModuleTarget::parse(s)
    }
}

/// What cmd/go does at one GOPROXY entry for this module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepAction {
    /// Ask this module proxy (first request: `list_url`).
    AskProxy {
        /// The proxy base URL (redacted).
        base: String,
        /// `<base>/<escaped module>/@v/list` (redacted).
        list_url: String,
    },
    /// Fetch directly from the origin (VCS / `?go-get=1`), under `direct` or `noproxy`.
    FetchDirect,
    /// A "not found" without touching the network: Go's own error text.
    Skip { go_error: String },
}

/// One GOPROXY entry and what happens there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteStep {
    /// `noproxy`, `direct`, `off`, or the proxy URL (redacted).
    pub entry: String,
    pub action: StepAction,
    /// How a failure here continues (`,` → only 404/410; `|` → any error).
    pub fallback: FallbackMode,
    /// The HTTP proxy the first request of this step goes through (None when no HTTP
    /// request is made by Go itself here, e.g. Skip; for FetchDirect: the `?go-get=1` URL).
    pub http_proxy: Option<ProxyChoice>,
    /// The URL `http_proxy` was computed for (redacted).
    pub http_proxy_for_url: Option<String>,
}

/// How the checksum database is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SumdbRoute {
    /// Not consulted; `reason` says why (GOSUMDB=off, GONOSUMDB/GOPRIVATE match, invalid).
    NotUsed { reason: String },
    /// Consulted at an explicit URL from GOSUMDB.
    Explicit {
        name: String,
        url: String,
        http_proxy: ProxyChoice,
    },
    /// Consulted by walking the GOPROXY list (`<proxy>/sumdb/<name>/supported`), else
    /// `https://<name>` directly.
    ViaProxies {
        name: String,
        /// Candidates in order, each with its `supported` URL and HTTP proxy.
        candidates: Vec<SumdbCandidate>,
        /// `https://<name>` used when no proxy supports it (or at direct/off).
        direct_url: String,
        direct_http_proxy: ProxyChoice,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SumdbCandidate {
    pub proxy: String,
    pub supported_url: String,
    pub fallback: FallbackMode,
    pub http_proxy: ProxyChoice,
}

/// The full route for one module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleRoute {
    pub module: ModuleTarget,
    /// Go's escaped module path (`!` + lower case for upper-case letters).
    pub escaped_path: String,
    pub matches_goprivate: bool,
    pub matches_gonoproxy: bool,
    pub matches_gonosumdb: bool,
    pub matches_goinsecure: bool,
    /// The GOPROXY list could not be parsed: Go fails with this error before any request.
    pub goproxy_error: Option<String>,
    pub steps: Vec<RouteStep>,
    /// Whether any step fetches directly (VCS / `?go-get=1`).
    pub fetches_direct: bool,
    pub sumdb: SumdbRoute,
    /// The public services (proxy URLs, checksum database) this module path is sent to while it
    /// matches no GOPRIVATE/GONOPROXY/GONOSUMDB pattern.
    pub sent_to: Vec<String>,
    /// The module looks private (its host is not a known public code host, or it matches
    /// nothing but has a corp-like host) and is nevertheless sent to public services.
    pub leaks_to_public: bool,
}

/// Go's module path escaping: each upper-case letter becomes `!` + lower case.
pub fn escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn route_module(config: &GoConfig, target: &ModuleTarget) -> ModuleRoute {
    let _ = (config, target);
    todo!("route_module")
}
