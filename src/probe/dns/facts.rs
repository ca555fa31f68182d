//! What the DNS probe records: which resolver answered what, how, and the text Go prints for it.

use crate::vocab::{goerr, CauseId};
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// What a resolver did with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DnsClass {
    /// At least one address came back.
    Answered,
    /// The name exists but has no A/AAAA records (Go: "no such host").
    NoRecords,
    Nxdomain,
    Servfail,
    Refused,
    /// No answer within the timeout.
    Timeout,
    /// The server could not be reached (ICMP port/host unreachable, TCP refused, no route).
    Unreachable,
    /// Anything else (malformed answer, other rcode, OS resolver error).
    Error,
}

impl DnsClass {
    pub fn answered(self) -> bool {
        self == DnsClass::Answered
    }
    /// A failure to reach or hear from the server, as opposed to an answer.
    pub fn is_transport_failure(self) -> bool {
        matches!(self, DnsClass::Timeout | DnsClass::Unreachable)
    }
}

/// Which resolver answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResolverKind {
    /// Go's pure resolver: hosts file, then the nameservers of resolv.conf (or `--system-dns`).
    System,
    /// The OS resolver (getaddrinfo), used by cgo builds and by Go on macOS and Windows.
    Os,
    Public,
    Doh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DnsTransport {
    Udp,
    Tcp,
    Https,
    Hosts,
    Os,
}

/// One address in an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct DnsRecord {
    pub addr: IpAddr,
    /// Time to live in seconds (absent for hosts-file and OS answers).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ttl: Option<u32>,
}

/// What one resolver said about one name (A and AAAA together).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ResolverAnswer {
    pub resolver: ResolverKind,
    /// The server asked (`127.0.0.53:53`, a DoH URL, the hosts file path, `getaddrinfo`).
    pub server: String,
    pub transport: DnsTransport,
    pub class: DnsClass,
    /// The response code of the A query (`NOERROR`, `NXDOMAIN`, ...), when a response came.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rcode: Option<String>,
    #[serde(default)]
    pub answers: Vec<DnsRecord>,
    pub time_ms: f64,
    /// The low-level error, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// The error Go would print for this lookup (`lookup NAME on SERVER: no such host`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub go_error: Option<String>,
}

impl ResolverAnswer {
    pub fn addrs(&self) -> Vec<IpAddr> {
        self.answers.iter().map(|r| r.addr).collect()
    }
}

/// How the system resolver's addresses compare with the public resolvers'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DnsAgreement {
    Same,
    /// Some addresses in common (CDNs rotate answers: usually fine).
    Overlap,
    Different,
    SystemOnly,
    PublicOnly,
    NoneAnswered,
    /// No public resolver was asked.
    NotCompared,
}

/// An answer address that has no business answering for a public name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Bogon {
    pub resolver: ResolverKind,
    pub server: String,
    pub addr: IpAddr,
    /// loopback, private, unspecified, link_local, cgnat, documentation, benchmarking,
    /// multicast, reserved, broadcast, unique_local, this_network.
    pub kind: String,
}

/// The hosts file pins the name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HostsPin {
    pub path: String,
    pub addrs: Vec<IpAddr>,
}

/// Everything the DNS probe learned about one name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct DnsFacts {
    pub name: String,
    /// What Go's resolver gets (hosts file first, then the system nameservers).
    pub system: ResolverAnswer,
    /// What getaddrinfo says (not asked when `--system-dns` replaces the system resolver).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub os: Option<ResolverAnswer>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hosts: Option<HostsPin>,
    /// Each public resolver over UDP, then over TCP.
    #[serde(default)]
    pub public: Vec<ResolverAnswer>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub doh: Option<ResolverAnswer>,
    pub agreement: DnsAgreement,
    #[serde(default)]
    pub bogons: Vec<Bogon>,
    /// Root-cause identifiers these facts suggest (the decision tree has the final word).
    #[serde(default)]
    pub hints: Vec<CauseId>,
    pub time_ms: f64,
}

impl DnsFacts {
    /// The probe's own verdict: Go's resolver produced an address.
    pub fn ok(&self) -> bool {
        self.system.class.answered()
    }
}

/// The error Go's pure resolver prints for a failed lookup of `name` at `server`.
pub fn go_lookup_error(name: &str, server: &str, class: DnsClass, detail: &str) -> Option<String> {
    let why = match class {
        DnsClass::Answered => return None,
        DnsClass::Nxdomain | DnsClass::NoRecords => goerr::NO_SUCH_HOST,
        DnsClass::Servfail | DnsClass::Refused => goerr::SERVER_MISBEHAVING,
        DnsClass::Timeout | DnsClass::Unreachable | DnsClass::Error => detail,
    };
    Some(goerr::lookup(name, server, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_texts() {
        assert_eq!(
            go_lookup_error("proxy.golang.org", "127.0.0.53:53", DnsClass::Nxdomain, "").unwrap(),
            "lookup proxy.golang.org on 127.0.0.53:53: no such host"
        );
        assert_eq!(
            go_lookup_error("a.b", "1.2.3.4:53", DnsClass::Servfail, "").unwrap(),
            "lookup a.b on 1.2.3.4:53: server misbehaving"
        );
        assert!(go_lookup_error("a.b", "s", DnsClass::Answered, "").is_none());
    }
}
