//! How a TLS handshake ended, as a class with its cause (shared by the handshake in
//! [`super::tls`], Go's trust in [`super::trust`] and crypto/x509's model in [`super::x509`]),
//! and the time format of Go's certificate texts.

use crate::vocab::CauseId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TlsClass {
    Ok,
    /// Go trusts the chain, Mozilla does not: inspection that the OS was told to trust.
    InterceptionTrusted,
    /// Go does not trust the chain's anchor.
    Untrusted,
    /// Go does not trust the chain because the server left out an intermediate (see
    /// [`super::trust::missing_issuer`]); the error Go prints is the same as for `Untrusted`.
    IncompleteChain,
    HostnameMismatch,
    /// The chain breaks a rule of crypto/x509 other than trust, name and dates (key usage,
    /// name constraints, a non-CA intermediate, path length, a certificate Go cannot parse).
    CertificateInvalid,
    Expired,
    NotYetValid,
    /// Reset or closed right after ClientHello.
    Reset,
    /// The peer does not speak TLS (e.g. plain HTTP).
    NotTls,
    Timeout,
    /// The peer sent an alert (handshake_failure, protocol_version, ...).
    Alert,
    Other,
}

impl TlsClass {
    /// Go completes the handshake.
    pub fn ok(self) -> bool {
        matches!(self, TlsClass::Ok | TlsClass::InterceptionTrusted)
    }
    /// The root-cause (or finding) identifier.
    pub fn cause_id(self) -> Option<CauseId> {
        Some(match self {
            TlsClass::Ok => return None,
            TlsClass::InterceptionTrusted => CauseId::TlsInterceptionTrusted,
            TlsClass::Untrusted => CauseId::TlsUntrustedInterception,
            TlsClass::IncompleteChain => CauseId::TlsIncompleteChain,
            TlsClass::HostnameMismatch => CauseId::TlsHostnameMismatch,
            TlsClass::CertificateInvalid => CauseId::TlsCertificateInvalid,
            TlsClass::Expired => CauseId::TlsExpired,
            TlsClass::NotYetValid => CauseId::TlsNotYetValid,
            TlsClass::Reset => CauseId::TlsResetDuringHandshake,
            TlsClass::NotTls => CauseId::TlsNotTls,
            TlsClass::Timeout => CauseId::TlsHandshakeTimeout,
            TlsClass::Alert | TlsClass::Other => CauseId::TlsHandshakeFailure,
        })
    }
}

/// RFC 3339 in UTC for a Unix timestamp (as Go's time.RFC3339 prints UTC times).
pub fn rfc3339(secs: i64) -> String {
    // One civil-date conversion for the whole tool (the PAC helpers' calendar).
    let t = crate::pac::CivilTime::from_unix(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}
