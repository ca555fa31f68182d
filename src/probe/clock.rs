//! Clock skew: the local clock compared with the `Date` header of HTTP servers that answered.

use crate::vocab::CauseId;
use serde::{Deserialize, Serialize};

/// Beyond this, certificate validity checks start to fail for fresh certificates, and the
/// skew is worth reporting as `local.clock_skew`.
pub const SIGNIFICANT_SKEW_SECS: f64 = 300.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ClockFacts {
    /// Where the reference time came from (a URL; shown masked).
    pub source: crate::redact::Secret,
    pub server_date: String,
    pub local_time: String,
    /// Local minus server, in seconds: positive means the local clock is ahead.
    pub skew_secs: f64,
    pub significant: bool,
}

/// Compares an HTTP `Date` header with the local time at which the response arrived.
pub fn skew_from_date(
    source: &str,
    date_header: &str,
    local: std::time::SystemTime,
) -> Option<ClockFacts> {
    let server = httpdate::parse_http_date(date_header.trim()).ok()?;
    let skew_secs = match local.duration_since(server) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    };
    // The Date header has one-second resolution.
    let skew_secs = (skew_secs * 10.0).round() / 10.0;
    Some(ClockFacts {
        source: source.into(),
        server_date: date_header.trim().to_string(),
        local_time: httpdate::fmt_http_date(local),
        skew_secs,
        significant: skew_secs.abs() > SIGNIFICANT_SKEW_SECS,
    })
}

/// The root-cause identifier when the skew is large.
pub fn cause(f: &ClockFacts) -> Option<CauseId> {
    f.significant.then_some(CauseId::LocalClockSkew)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn skew() {
        let server = "Sun, 06 Nov 1994 08:49:37 GMT";
        let base = httpdate::parse_http_date(server).unwrap();
        let f = skew_from_date("https://x", server, base + Duration::from_secs(3600)).unwrap();
        assert_eq!(f.skew_secs, 3600.0);
        assert!(f.significant);
        assert_eq!(cause(&f), Some(CauseId::LocalClockSkew));
        let f = skew_from_date("https://x", server, base - Duration::from_secs(2)).unwrap();
        assert_eq!(f.skew_secs, -2.0);
        assert!(!f.significant);
        assert!(skew_from_date("x", "yesterday", UNIX_EPOCH).is_none());
    }
}
