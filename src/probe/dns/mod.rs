//! DNS probes: the system resolver as Go's pure resolver sees it (hosts file, then the
//! resolv.conf nameservers, or `--system-dns`), what the OS resolver (getaddrinfo) says,
//! public resolvers over UDP and TCP, and optionally DNS-over-HTTPS; then a comparison.
//!
//! Queries are sent by hand (hickory-proto messages over tokio sockets) so that every fact is
//! tied to one server, one transport, one rcode, and one timing.

use crate::vocab::{goerr, CauseId};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{bounded, ms, ProbeOptions};

/// What a resolver did with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct DnsRecord {
    pub addr: IpAddr,
    /// Time to live in seconds (absent for hosts-file and OS answers).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ttl: Option<u32>,
}

/// What one resolver said about one name (A and AAAA together).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
pub struct HostsPin {
    pub path: String,
    pub addrs: Vec<IpAddr>,
}

/// Everything the DNS probe learned about one name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

// ---------------------------------------------------------------- pure helpers

/// Why an address is not a plausible answer for a public name, if it is not.
pub fn bogon_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_unspecified() {
                Some("unspecified")
            } else if o[0] == 0 {
                Some("this_network")
            } else if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_private() {
                Some("private")
            } else if v4.is_link_local() {
                Some("link_local")
            } else if o[0] == 100 && (64..128).contains(&o[1]) {
                Some("cgnat")
            } else if v4.is_documentation() {
                Some("documentation")
            } else if o[0] == 198 && (o[1] == 18 || o[1] == 19) {
                Some("benchmarking")
            } else if v4.is_multicast() {
                Some("multicast")
            } else if v4.is_broadcast() {
                Some("broadcast")
            } else if o[0] >= 240 {
                Some("reserved")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            if let Some(v4) = v6.to_ipv4_mapped() {
                return bogon_kind(IpAddr::V4(v4));
            }
            if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_loopback() {
                Some("loopback")
            } else if (s[0] & 0xfe00) == 0xfc00 {
                Some("unique_local")
            } else if (s[0] & 0xffc0) == 0xfe80 {
                Some("link_local")
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                Some("documentation")
            } else if v6.is_multicast() {
                Some("multicast")
            } else {
                None
            }
        }
    }
}

/// Compares two address sets.
pub fn compare(system: &ResolverAnswer, public: Option<&ResolverAnswer>) -> DnsAgreement {
    let Some(public) = public else {
        return DnsAgreement::NotCompared;
    };
    match (system.class.answered(), public.class.answered()) {
        (false, false) => DnsAgreement::NoneAnswered,
        (true, false) => DnsAgreement::SystemOnly,
        (false, true) => DnsAgreement::PublicOnly,
        (true, true) => {
            let mut a = system.addrs();
            let mut b = public.addrs();
            a.sort();
            a.dedup();
            b.sort();
            b.dedup();
            if a == b {
                DnsAgreement::Same
            } else if a.iter().any(|x| b.contains(x)) {
                DnsAgreement::Overlap
            } else {
                DnsAgreement::Different
            }
        }
    }
}

/// The root-cause identifiers a set of DNS facts points at.
pub fn hints(f: &DnsFacts) -> Vec<CauseId> {
    let mut out = Vec::new();
    let public_answer = f
        .public
        .iter()
        .chain(f.doh.iter())
        .find(|a| a.class.answered());
    let public_asked = !f.public.is_empty() || f.doh.is_some();
    let all_public_unreachable = public_asked
        && f.public
            .iter()
            .chain(f.doh.iter())
            .all(|a| a.class.is_transport_failure());
    let sys = f.system.class;
    if f.hosts.is_some() {
        if matches!(f.agreement, DnsAgreement::Different) {
            out.push(CauseId::DnsHostsOverride);
        }
    } else if !sys.answered() && public_answer.is_none() {
        out.push(CauseId::DnsNoResolution);
    } else if sys.is_transport_failure() && public_answer.is_some() {
        out.push(CauseId::DnsSystemResolverDown);
    } else if matches!(sys, DnsClass::Nxdomain | DnsClass::NoRecords) && public_answer.is_some() {
        out.push(CauseId::DnsNxdomainFiltered);
    } else if matches!(f.agreement, DnsAgreement::Different)
        || (sys.answered()
            && f.bogons.iter().any(|b| b.resolver == ResolverKind::System)
            && public_answer.is_some_and(|p| p.addrs().iter().all(|a| bogon_kind(*a).is_none())))
    {
        out.push(CauseId::DnsHijacked);
    }
    if all_public_unreachable {
        out.push(CauseId::DnsPublicResolverBlocked);
    }
    out
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

fn rcode_class(rc: ResponseCode) -> DnsClass {
    match rc {
        ResponseCode::NoError => DnsClass::NoRecords,
        ResponseCode::NXDomain => DnsClass::Nxdomain,
        ResponseCode::ServFail => DnsClass::Servfail,
        ResponseCode::Refused => DnsClass::Refused,
        _ => DnsClass::Error,
    }
}

fn rcode_text(rc: ResponseCode) -> String {
    match rc {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::Refused => "REFUSED".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        other => format!("{other:?}").to_ascii_uppercase(),
    }
}

/// Builds a recursive query for `name` (made absolute) and `rtype`.
pub fn build_query(name: &str, rtype: RecordType) -> Result<Message, String> {
    let mut fq = name.trim_end_matches('.').to_string();
    fq.push('.');
    let n = Name::from_ascii(&fq).map_err(|e| format!("invalid DNS name {name:?}: {e}"))?;
    let mut m = Message::new(rand_id(), MessageType::Query, OpCode::Query);
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(n, rtype));
    Ok(m)
}

fn rand_id() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() as u16
}

/// The addresses of a response, for the asked type.
fn records_of(m: &Message, rtype: RecordType) -> Vec<DnsRecord> {
    m.answers
        .iter()
        .filter_map(|r| match (&r.data, rtype) {
            (RData::A(a), RecordType::A) => Some(DnsRecord {
                addr: IpAddr::V4(a.0),
                ttl: Some(r.ttl),
            }),
            (RData::AAAA(a), RecordType::AAAA) => Some(DnsRecord {
                addr: IpAddr::V6(a.0),
                ttl: Some(r.ttl),
            }),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- one exchange

/// The result of one query to one server.
#[derive(Debug, Clone)]
struct Exchange {
    class: DnsClass,
    rcode: Option<ResponseCode>,
    records: Vec<DnsRecord>,
    error: Option<String>,
    /// Go's text for the socket-level failure (`read udp L->S: i/o timeout`).
    go_detail: String,
    truncated: bool,
}

impl Exchange {
    fn failed(class: DnsClass, error: String, go_detail: String) -> Exchange {
        Exchange {
            class,
            rcode: None,
            records: Vec::new(),
            error: Some(error),
            go_detail,
            truncated: false,
        }
    }
    fn from_message(m: &Message, rtype: RecordType) -> Exchange {
        let rc = m.metadata.response_code;
        let records = records_of(m, rtype);
        let class = if !records.is_empty() {
            DnsClass::Answered
        } else {
            rcode_class(rc)
        };
        Exchange {
            class,
            rcode: Some(rc),
            records,
            error: None,
            go_detail: String::new(),
            truncated: m.metadata.truncation,
        }
    }
}

fn io_class(e: &std::io::Error) -> DnsClass {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused | ConnectionReset | HostUnreachable | NetworkUnreachable
        | AddrNotAvailable => DnsClass::Unreachable,
        TimedOut => DnsClass::Timeout,
        _ => DnsClass::Error,
    }
}

async fn exchange_udp(
    server: SocketAddr,
    query: &Message,
    rtype: RecordType,
    budget: Duration,
) -> Exchange {
    let bind: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0".parse().unwrap()
    } else {
        "[::]:0".parse().unwrap()
    };
    let sock = match tokio::net::UdpSocket::bind(bind).await {
        Ok(s) => s,
        Err(e) => {
            return Exchange::failed(
                io_class(&e),
                e.to_string(),
                goerr::dial("udp", server, goerr::os_error_text(&e)),
            )
        }
    };
    if let Err(e) = sock.connect(server).await {
        return Exchange::failed(
            io_class(&e),
            e.to_string(),
            goerr::dial("udp", server, goerr::connect_text(&e)),
        );
    }
    let local = sock.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let Ok(bytes) = query.to_vec() else {
        return Exchange::failed(
            DnsClass::Error,
            "cannot encode query".into(),
            "cannot marshal DNS message".into(),
        );
    };
    let id = query.metadata.id;
    let work = async {
        sock.send(&bytes).await?;
        let mut buf = vec![0u8; 4096];
        loop {
            let n = sock.recv(&mut buf).await?;
            // Ignore stray datagrams with another id, as resolvers do.
            if let Ok(m) = Message::from_vec(&buf[..n]) {
                if m.metadata.id == id {
                    return Ok::<Message, std::io::Error>(m);
                }
            }
        }
    };
    match bounded(budget, work).await {
        None => Exchange::failed(
            DnsClass::Timeout,
            format!("no answer within {budget:?}"),
            goerr::read("udp", &local, server, goerr::IO_TIMEOUT),
        ),
        Some(Err(e)) => Exchange::failed(
            io_class(&e),
            e.to_string(),
            goerr::read("udp", &local, server, goerr::read_text(&e)),
        ),
        Some(Ok(m)) => Exchange::from_message(&m, rtype),
    }
}

async fn exchange_tcp(
    server: SocketAddr,
    query: &Message,
    rtype: RecordType,
    budget: Duration,
) -> Exchange {
    let Ok(bytes) = query.to_vec() else {
        return Exchange::failed(
            DnsClass::Error,
            "cannot encode query".into(),
            "cannot marshal DNS message".into(),
        );
    };
    let start = tokio::time::Instant::now();
    let stream = match bounded(budget, tokio::net::TcpStream::connect(server)).await {
        None => {
            return Exchange::failed(
                DnsClass::Timeout,
                format!("connect timed out after {budget:?}"),
                goerr::dial("tcp", server, goerr::IO_TIMEOUT),
            )
        }
        Some(Err(e)) => {
            return Exchange::failed(
                io_class(&e),
                e.to_string(),
                goerr::dial("tcp", server, goerr::connect_text(&e)),
            )
        }
        Some(Ok(s)) => s,
    };
    let local = stream
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let rest = budget.saturating_sub(start.elapsed());
    let mut stream = stream;
    let work = async {
        let mut framed = Vec::with_capacity(bytes.len() + 2);
        framed.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
        framed.extend_from_slice(&bytes);
        stream.write_all(&framed).await?;
        let len = stream.read_u16().await? as usize;
        let mut buf = vec![0u8; len];
        stream.read_exact(&mut buf).await?;
        Message::from_vec(&buf)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
    };
    match bounded(rest, work).await {
        None => Exchange::failed(
            DnsClass::Timeout,
            format!("no answer within {budget:?}"),
            goerr::read("tcp", &local, server, goerr::IO_TIMEOUT),
        ),
        Some(Err(e)) => Exchange::failed(
            io_class(&e),
            e.to_string(),
            goerr::read("tcp", &local, server, goerr::os_error_text(&e)),
        ),
        Some(Ok(m)) => Exchange::from_message(&m, rtype),
    }
}

/// One query over UDP (retried over TCP when truncated, as Go does) or over TCP.
async fn exchange(
    server: SocketAddr,
    name: &str,
    rtype: RecordType,
    tcp: bool,
    budget: Duration,
) -> Exchange {
    let query = match build_query(name, rtype) {
        Ok(q) => q,
        Err(e) => return Exchange::failed(DnsClass::Error, e.clone(), e),
    };
    let start = tokio::time::Instant::now();
    if tcp {
        return exchange_tcp(server, &query, rtype, budget).await;
    }
    let r = exchange_udp(server, &query, rtype, budget).await;
    if r.truncated {
        return exchange_tcp(
            server,
            &query,
            rtype,
            budget.saturating_sub(start.elapsed()),
        )
        .await;
    }
    r
}

/// Merges the A and AAAA exchanges into one answer.
fn merge(
    resolver: ResolverKind,
    server: String,
    transport: DnsTransport,
    name: &str,
    a: Exchange,
    aaaa: Exchange,
    elapsed: Duration,
) -> ResolverAnswer {
    let mut answers = a.records.clone();
    answers.extend(aaaa.records.iter().cloned());
    let class = if !answers.is_empty() {
        DnsClass::Answered
    } else if a.class == DnsClass::Nxdomain || aaaa.class == DnsClass::Nxdomain {
        DnsClass::Nxdomain
    } else if a.class == DnsClass::NoRecords && aaaa.class == DnsClass::NoRecords {
        DnsClass::NoRecords
    } else if a.class != DnsClass::NoRecords {
        a.class
    } else {
        aaaa.class
    };
    let primary = if a.class == class || aaaa.class != class {
        &a
    } else {
        &aaaa
    };
    let go_server = server.clone();
    ResolverAnswer {
        resolver,
        server,
        transport,
        class,
        rcode: a.rcode.or(aaaa.rcode).map(rcode_text),
        answers,
        time_ms: ms(elapsed),
        error: if class.answered() {
            None
        } else {
            primary.error.clone()
        },
        go_error: go_lookup_error(name, &go_server, class, &primary.go_detail),
    }
}

/// Asks one server for A and AAAA (concurrently), over UDP or TCP.
pub async fn ask_server(
    resolver: ResolverKind,
    server: SocketAddr,
    name: &str,
    tcp: bool,
    budget: Duration,
) -> ResolverAnswer {
    let start = Instant::now();
    let (a, aaaa) = tokio::join!(
        exchange(server, name, RecordType::A, tcp, budget),
        exchange(server, name, RecordType::AAAA, tcp, budget)
    );
    let transport = if tcp {
        DnsTransport::Tcp
    } else {
        DnsTransport::Udp
    };
    merge(
        resolver,
        server.to_string(),
        transport,
        name,
        a,
        aaaa,
        start.elapsed(),
    )
}

// ---------------------------------------------------------------- the system resolver

/// The nameservers Go's pure resolver would ask, and where that list came from.
pub fn system_nameservers(opts: &ProbeOptions) -> (Vec<SocketAddr>, String) {
    if let Some(s) = opts.system_dns {
        return (vec![s], "--system-dns".to_string());
    }
    // Go on macOS (and iOS) resolves through the OS (cgo / libSystem) by default.
    #[cfg(all(unix, not(target_vendor = "apple")))]
    {
        let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
        let servers = parse_resolv_conf_nameservers(&text);
        if servers.is_empty() {
            // Go's default when resolv.conf lists none.
            return (
                vec!["127.0.0.1:53".parse().unwrap(), "[::1]:53".parse().unwrap()],
                "default (no nameserver in /etc/resolv.conf)".to_string(),
            );
        }
        (servers, "/etc/resolv.conf".to_string())
    }
    #[cfg(not(all(unix, not(target_vendor = "apple"))))]
    {
        (Vec::new(), "the OS resolver".to_string())
    }
}

/// The `nameserver` lines of resolv.conf (at most 3, like the C library and Go).
pub fn parse_resolv_conf_nameservers(text: &str) -> Vec<SocketAddr> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            (f.next()? == "nameserver").then_some(())?;
            let ip = f.next()?;
            let ip = ip.split('%').next()?;
            ip.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, 53))
        })
        .take(3)
        .collect()
}

/// Resolves `name` the way Go's pure resolver does: an IP literal as itself, then the hosts
/// file, then each system nameserver in turn (A and AAAA) until one gives an answer or says
/// the name does not exist. On systems without resolv.conf, the OS resolver.
pub async fn resolve_system(name: &str, opts: &ProbeOptions) -> (ResolverAnswer, Option<HostsPin>) {
    let start = Instant::now();
    if let Ok(ip) = name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return (
            ResolverAnswer {
                resolver: ResolverKind::System,
                server: "literal".into(),
                transport: DnsTransport::Hosts,
                class: DnsClass::Answered,
                rcode: None,
                answers: vec![DnsRecord {
                    addr: ip,
                    ttl: None,
                }],
                time_ms: 0.0,
                error: None,
                go_error: None,
            },
            None,
        );
    }
    let path = opts
        .hosts_file
        .clone()
        .unwrap_or_else(super::hosts::default_path);
    let pinned = super::hosts::lookup(&super::hosts::read(&path), name);
    if !pinned.is_empty() {
        let pin = HostsPin {
            path: path.display().to_string(),
            addrs: pinned.clone(),
        };
        return (
            ResolverAnswer {
                resolver: ResolverKind::System,
                server: path.display().to_string(),
                transport: DnsTransport::Hosts,
                class: DnsClass::Answered,
                rcode: None,
                answers: pinned
                    .into_iter()
                    .map(|addr| DnsRecord { addr, ttl: None })
                    .collect(),
                time_ms: ms(start.elapsed()),
                error: None,
                go_error: None,
            },
            Some(pin),
        );
    }
    let (servers, _source) = system_nameservers(opts);
    if servers.is_empty() {
        let mut a = lookup_os(name, opts.budget()).await;
        a.resolver = ResolverKind::System;
        return (a, None);
    }
    let mut last: Option<ResolverAnswer> = None;
    for s in servers {
        let budget = opts.budget();
        if budget.is_zero() {
            break;
        }
        let mut ans = ask_server(ResolverKind::System, s, name, false, budget).await;
        ans.time_ms = ms(start.elapsed());
        let done = matches!(
            ans.class,
            DnsClass::Answered | DnsClass::Nxdomain | DnsClass::NoRecords
        );
        last = Some(ans);
        if done {
            break;
        }
    }
    let ans = last.unwrap_or_else(|| ResolverAnswer {
        resolver: ResolverKind::System,
        server: String::new(),
        transport: DnsTransport::Udp,
        class: DnsClass::Timeout,
        rcode: None,
        answers: Vec::new(),
        time_ms: ms(start.elapsed()),
        error: Some("the run deadline passed before the lookup".into()),
        go_error: Some(goerr::lookup(name, "", goerr::IO_TIMEOUT)),
    });
    (ans, None)
}

/// What the OS resolver (getaddrinfo) says.
pub async fn lookup_os(name: &str, budget: Duration) -> ResolverAnswer {
    let start = Instant::now();
    let target = format!("{}:0", name.trim_end_matches('.'));
    let r = bounded(budget, tokio::net::lookup_host(target)).await;
    let (class, answers, error) = match r {
        None => (
            DnsClass::Timeout,
            Vec::new(),
            Some(format!("no answer within {budget:?}")),
        ),
        Some(Ok(it)) => {
            let mut addrs: Vec<IpAddr> = Vec::new();
            for a in it {
                if !addrs.contains(&a.ip()) {
                    addrs.push(a.ip());
                }
            }
            let class = if addrs.is_empty() {
                DnsClass::NoRecords
            } else {
                DnsClass::Answered
            };
            (
                class,
                addrs
                    .into_iter()
                    .map(|addr| DnsRecord { addr, ttl: None })
                    .collect(),
                None,
            )
        }
        Some(Err(e)) => {
            let text = e.to_string();
            let lower = text.to_ascii_lowercase();
            let class = if lower.contains("not known")
                || lower.contains("no address")
                || lower.contains("no such host")
                || lower.contains("nodename nor servname")
            {
                DnsClass::Nxdomain
            } else if lower.contains("temporary failure") || lower.contains("try again") {
                DnsClass::Timeout
            } else {
                DnsClass::Error
            };
            (class, Vec::new(), Some(text))
        }
    };
    let detail = error.clone().unwrap_or_default();
    ResolverAnswer {
        resolver: ResolverKind::Os,
        server: "getaddrinfo".into(),
        transport: DnsTransport::Os,
        class,
        rcode: None,
        answers,
        time_ms: ms(start.elapsed()),
        error,
        go_error: go_lookup_error(name, "", class, &detail),
    }
}

/// Asks a DNS-over-HTTPS resolver (RFC 8484, POST) for A and AAAA.
pub async fn ask_doh(url: &url::Url, name: &str, opts: &ProbeOptions) -> ResolverAnswer {
    let budget = opts.budget();
    let start = Instant::now();
    let client = match super::client::base_client_builder(budget).and_then(|b| {
        b.no_proxy()
            .dns_resolver(super::client::go_resolver(opts))
            .build()
            .map_err(|e| e.to_string())
    }) {
        Ok(c) => c,
        Err(e) => {
            return ResolverAnswer {
                resolver: ResolverKind::Doh,
                server: url.to_string(),
                transport: DnsTransport::Https,
                class: DnsClass::Error,
                rcode: None,
                answers: Vec::new(),
                time_ms: 0.0,
                error: Some(e),
                go_error: None,
            }
        }
    };
    let one = |rtype: RecordType| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let q = match build_query(name, rtype)
                .and_then(|q| q.to_vec().map_err(|e| e.to_string()))
            {
                Ok(q) => q,
                Err(e) => return Exchange::failed(DnsClass::Error, e.clone(), e),
            };
            let resp = client
                .post(url)
                .header("content-type", "application/dns-message")
                .header("accept", "application/dns-message")
                .body(q)
                .send()
                .await;
            match resp {
                Err(e) => {
                    let class = if e.is_timeout() {
                        DnsClass::Timeout
                    } else {
                        DnsClass::Unreachable
                    };
                    let t = super::client::error_chain(&e);
                    Exchange::failed(class, t.clone(), t)
                }
                Ok(r) if !r.status().is_success() => {
                    let t = format!("HTTP {}", r.status());
                    Exchange::failed(DnsClass::Error, t.clone(), t)
                }
                Ok(r) => match r.bytes().await {
                    Ok(b) => match Message::from_vec(&b) {
                        Ok(m) => Exchange::from_message(&m, rtype),
                        Err(e) => Exchange::failed(DnsClass::Error, e.to_string(), e.to_string()),
                    },
                    Err(e) => Exchange::failed(DnsClass::Error, e.to_string(), e.to_string()),
                },
            }
        }
    };
    let work = async { tokio::join!(one(RecordType::A), one(RecordType::AAAA)) };
    let (a, aaaa) = match bounded(budget, work).await {
        Some(x) => x,
        None => {
            let t = format!("no answer within {budget:?}");
            (
                Exchange::failed(DnsClass::Timeout, t.clone(), t.clone()),
                Exchange::failed(DnsClass::Timeout, t.clone(), t),
            )
        }
    };
    merge(
        ResolverKind::Doh,
        url.to_string(),
        DnsTransport::Https,
        name,
        a,
        aaaa,
        start.elapsed(),
    )
}

/// The full DNS probe for one name: every resolver at once, then the comparison.
pub async fn probe_dns(name: &str, opts: &ProbeOptions) -> DnsFacts {
    let start = Instant::now();
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let budget = opts.budget();
    let system = resolve_system(&name, opts);
    let os = async {
        if opts.system_dns.is_some() {
            None
        } else {
            Some(lookup_os(&name, budget).await)
        }
    };
    let public = crate::join::join_all(
        opts.public_dns
            .iter()
            .flat_map(|s| [(*s, false), (*s, true)])
            .map(|(s, tcp)| {
                let name = name.clone();
                async move { ask_server(ResolverKind::Public, s, &name, tcp, budget).await }
            })
            .collect(),
    );
    let doh = async {
        match &opts.doh {
            Some(u) => Some(ask_doh(u, &name, opts).await),
            None => None,
        }
    };
    let ((system, hosts), os, public, doh) = tokio::join!(system, os, public, doh);
    let reference = public
        .iter()
        .chain(doh.iter())
        .find(|a| a.class.answered())
        .or(public.first());
    let agreement = compare(&system, reference);
    let mut bogons = Vec::new();
    // Bogons matter for names answered by DNS; hosts-file pins are reported as such, and
    // local names are expected to be local.
    let local_name = name == "localhost" || name.ends_with(".localhost");
    let dns_answers = std::iter::once(&system)
        .chain(os.iter())
        .filter(|a| a.transport != DnsTransport::Hosts && hosts.is_none() && !local_name);
    for a in dns_answers {
        for r in &a.answers {
            if let Some(kind) = bogon_kind(r.addr) {
                bogons.push(Bogon {
                    resolver: a.resolver,
                    server: a.server.clone(),
                    addr: r.addr,
                    kind: kind.into(),
                });
            }
        }
    }
    let mut facts = DnsFacts {
        name,
        system,
        os,
        hosts,
        public,
        doh,
        agreement,
        bogons,
        hints: Vec::new(),
        time_ms: 0.0,
    };
    facts.hints = hints(&facts);
    facts.time_ms = ms(start.elapsed());
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bogons() {
        for (ip, kind) in [
            ("127.0.0.1", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("192.168.0.1", Some("private")),
            ("172.16.5.5", Some("private")),
            ("0.0.0.0", Some("unspecified")),
            ("100.64.1.1", Some("cgnat")),
            ("169.254.1.1", Some("link_local")),
            ("240.0.0.1", Some("reserved")),
            ("198.18.0.1", Some("benchmarking")),
            ("::", Some("unspecified")),
            ("::1", Some("loopback")),
            ("fd00::1", Some("unique_local")),
            ("::ffff:10.0.0.1", Some("private")),
            ("142.250.1.1", None),
            ("2607:f8b0::1", None),
        ] {
            assert_eq!(bogon_kind(ip.parse().unwrap()), kind, "{ip}");
        }
    }

    fn ans(class: DnsClass, addrs: &[&str]) -> ResolverAnswer {
        ResolverAnswer {
            resolver: ResolverKind::System,
            server: "s".into(),
            transport: DnsTransport::Udp,
            class,
            rcode: None,
            answers: addrs
                .iter()
                .map(|a| DnsRecord {
                    addr: a.parse().unwrap(),
                    ttl: None,
                })
                .collect(),
            time_ms: 0.0,
            error: None,
            go_error: None,
        }
    }

    #[test]
    fn comparisons() {
        use DnsClass::*;
        let a = ans(Answered, &["1.1.1.1", "2.2.2.2"]);
        assert_eq!(compare(&a, None), DnsAgreement::NotCompared);
        assert_eq!(
            compare(&a, Some(&ans(Answered, &["2.2.2.2", "1.1.1.1"]))),
            DnsAgreement::Same
        );
        assert_eq!(
            compare(&a, Some(&ans(Answered, &["2.2.2.2", "3.3.3.3"]))),
            DnsAgreement::Overlap
        );
        assert_eq!(
            compare(&a, Some(&ans(Answered, &["3.3.3.3"]))),
            DnsAgreement::Different
        );
        assert_eq!(
            compare(&a, Some(&ans(Timeout, &[]))),
            DnsAgreement::SystemOnly
        );
        assert_eq!(
            compare(&ans(Nxdomain, &[]), Some(&a)),
            DnsAgreement::PublicOnly
        );
        assert_eq!(
            compare(&ans(Nxdomain, &[]), Some(&ans(Timeout, &[]))),
            DnsAgreement::NoneAnswered
        );
    }

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

    #[test]
    fn resolv_conf() {
        let t = "# x\nsearch corp\nnameserver 127.0.0.53\nnameserver fe80::1%eth0\noptions edns0\nnameserver 1.1.1.1\nnameserver 8.8.8.8\n";
        let s = parse_resolv_conf_nameservers(t);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0], "127.0.0.53:53".parse().unwrap());
        assert_eq!(s[1], "[fe80::1]:53".parse().unwrap());
    }

    #[test]
    fn hints_from_facts() {
        let mut f = DnsFacts {
            name: "x".into(),
            system: ans(DnsClass::Nxdomain, &[]),
            os: None,
            hosts: None,
            public: vec![ans(DnsClass::Answered, &["1.1.1.1"])],
            doh: None,
            agreement: DnsAgreement::PublicOnly,
            bogons: vec![],
            hints: vec![],
            time_ms: 0.0,
        };
        assert_eq!(hints(&f), vec![CauseId::DnsNxdomainFiltered]);
        f.system = ans(DnsClass::Timeout, &[]);
        assert_eq!(hints(&f), vec![CauseId::DnsSystemResolverDown]);
        f.public = vec![ans(DnsClass::Unreachable, &[])];
        assert_eq!(
            hints(&f),
            vec![CauseId::DnsNoResolution, CauseId::DnsPublicResolverBlocked]
        );
        f.system = ans(DnsClass::Answered, &["1.1.1.1"]);
        assert_eq!(hints(&f), vec![CauseId::DnsPublicResolverBlocked]);
    }
}
