//! GOPROXY parsing exactly as cmd/go/internal/modfetch/proxy.go's proxyList.

use serde::{Deserialize, Serialize};

/// What happens after this entry fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FallbackMode {
    /// Followed by `,` (or last): only "not found" (404/410) errors go on to the next entry.
    OnNotFound,
    /// Followed by `|`: any error goes on to the next entry.
    OnAnyError,
}

/// One entry of the GOPROXY list, in cmd/go's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxyEntry {
    /// Internal entry added first when GONOPROXY is set and GOPROXY != "direct".
    Noproxy,
    /// A module proxy URL (scheme https, http or file), as cmd/go will use it.
    Url {
        url: String,
        fallback: FallbackMode,
    },
    Direct,
    Off,
}

impl ProxyEntry {
    /// The entry's fallback mode (`OnNotFound` for keywords: the last entry always is).
    pub fn fallback(&self) -> FallbackMode {
        match self {
            ProxyEntry::Url { fallback, .. } => *fallback,
            _ => FallbackMode::OnNotFound,
        }
    }
}

/// proxyList: `goproxy` is GOPROXY, `gonoproxy` the effective GONOPROXY (GOPRIVATE default).
pub fn proxy_list(goproxy: &str, gonoproxy: &str) -> Result<Vec<ProxyEntry>, String> {
    let _ = (goproxy, gonoproxy);
    Err("not implemented".into())
}
