//! The result of `explain`: ranked causes and what the text names (the `--json` document).

use crate::vocab::CauseId;

/// One candidate cause.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Cause {
    pub id: CauseId,
    /// 0.0 ..= 1.0; the ranking key.
    pub confidence: f64,
    /// One line: why this id, in terms of the text.
    pub reason: String,
    /// The line of the input that matched (credentials masked).
    pub matched: String,
}

/// What the text names, as written: credentials included (they are probed as written), masked
/// when serialized or shown.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Entities {
    /// Host names (not IP literals) from URLs, lookups and git messages.
    pub hosts: Vec<String>,
    /// URLs (module proxy, checksum database, `?go-get=1`, git remotes).
    #[serde(serialize_with = "crate::redact::serialize_masked_list")]
    pub urls: Vec<String>,
    /// `ip:port` / `host:port` addresses Go dialled or read from.
    #[serde(serialize_with = "crate::redact::serialize_masked_list")]
    pub addrs: Vec<String>,
    /// HTTP/SOCKS proxies the text shows in use (URL or `host:port`).
    #[serde(serialize_with = "crate::redact::serialize_masked_list")]
    pub proxies: Vec<String>,
    /// `path@version` of the modules involved.
    pub modules: Vec<String>,
    /// DNS servers named by `lookup X on S:53`.
    pub dns_servers: Vec<String>,
}

/// The result of classifying a text.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Explanation {
    /// Most likely first; empty when nothing in the text is a known Go network error.
    pub causes: Vec<Cause>,
    pub entities: Entities,
}

impl Explanation {
    pub fn top(&self) -> Option<&Cause> {
        self.causes.first()
    }
}
