//! The facts: one serializable record of everything the probes observed. Everything after
//! this seam (simulation, diagnosis, rendering) is a pure function of it, so a saved report
//! can be re-diagnosed later with newer rules.

use serde::{Deserialize, Serialize};

pub mod observed;

use crate::probe::chain::EndpointFacts;
use crate::probe::clock::ClockFacts;
use crate::probe::dns::DnsFacts;
pub use observed::{DirectOutcome, Fetch, Observations};

/// A module that was probed, and why it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TargetChoice {
    /// `path@version` (or `path` for `@latest`).
    pub module: String,
    pub why: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Facts {
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: f64,
    /// The run deadline (`--timeout`) and whether it cut probes short.
    pub deadline_ms: u64,
    pub deadline_expired: bool,
    /// What the run assumed instead of waiting as long as Go would (a peer called silent
    /// while others answered), or what the deadline left unobserved, in plain words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    pub targets: Vec<TargetChoice>,
    /// Every module-protocol request (GOPROXY, checksum database, `?go-get=1`) by URL, and
    /// direct-mode outcomes by module: what the simulation of cmd/go replays.
    pub observations: Observations,
    /// The DNS → TCP → TLS / proxy chain of every endpoint on Go's path.
    pub endpoints: Vec<EndpointFacts>,
    /// System resolver versus public resolvers, for every host on Go's path.
    pub dns: Vec<DnsFacts>,
    /// Local clock versus the `Date` of servers that answered.
    pub clock: Vec<ClockFacts>,
    /// OS-level inputs Go does not read but users set (system proxy, persisted environment).
    #[serde(default)]
    pub system: Option<crate::platform::SystemFacts>,
    /// The mirror race, when the fix needed a mirror (`report FILE` re-uses it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirrors: Option<crate::mirrors::MirrorRace>,
}

impl Facts {
    /// The endpoint chain that served `url` (same scheme, host and port).
    pub fn endpoint_for(&self, url: &str) -> Option<&EndpointFacts> {
        let u = url::Url::parse(url).ok()?;
        let host = u.host_str()?;
        let port = u.port_or_known_default()?;
        self.endpoints
            .iter()
            .find(|e| e.host.eq_ignore_ascii_case(host) && e.port == port && e.scheme == u.scheme())
    }

    /// The DNS comparison for a host name.
    pub fn dns_for(&self, host: &str) -> Option<&DnsFacts> {
        self.dns.iter().find(|d| d.name.eq_ignore_ascii_case(host))
    }
}

/// Formats a time as RFC 3339 in UTC, second precision.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}
