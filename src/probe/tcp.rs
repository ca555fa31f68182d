//! TCP connects: to each resolved address (IPv4 and IPv6 separately) and to proxies.

use crate::vocab::{goerr, CauseId};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;

use super::dns::ResolverAnswer;
use super::{bounded, ms, Family, ProbeOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TcpClass {
    Connected,
    /// RST in answer to SYN: nothing listens, or a firewall rejects.
    Refused,
    /// No answer to SYN: packets dropped.
    Timeout,
    /// No route / network unreachable.
    Unreachable,
    /// Accepted, then reset.
    Reset,
    Other,
}

impl TcpClass {
    /// The root-cause identifier of a failure.
    pub fn cause_id(self) -> Option<CauseId> {
        match self {
            TcpClass::Connected => None,
            TcpClass::Refused => Some(CauseId::TcpRefused),
            TcpClass::Timeout => Some(CauseId::TcpTimeout),
            TcpClass::Unreachable => Some(CauseId::TcpUnreachable),
            TcpClass::Reset => Some(CauseId::TcpReset),
            TcpClass::Other => Some(CauseId::TcpUnreachable),
        }
    }
}

/// One connect to one address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TcpAttempt {
    pub addr: SocketAddr,
    pub family: Family,
    pub class: TcpClass,
    pub time_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// `dial tcp 1.2.3.4:443: connect: connection refused`
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub go_error: Option<String>,
}

/// The TCP probe of `HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TcpFacts {
    pub host: String,
    pub port: u16,
    /// How the host was resolved (absent for IP literals).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dns: Option<ResolverAnswer>,
    #[serde(default)]
    pub attempts: Vec<TcpAttempt>,
    /// Connected if any address connected; otherwise the class of the first attempt.
    pub class: TcpClass,
    /// IPv6 addresses exist and all fail while an IPv4 address connects (`tcp.ipv6_broken`).
    #[serde(default)]
    pub ipv6_broken: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub go_error: Option<String>,
    pub time_ms: f64,
}

impl TcpFacts {
    pub fn ok(&self) -> bool {
        self.class == TcpClass::Connected
    }
}

pub fn io_class(e: &std::io::Error) -> TcpClass {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => TcpClass::Refused,
        TimedOut => TcpClass::Timeout,
        HostUnreachable | NetworkUnreachable | AddrNotAvailable => TcpClass::Unreachable,
        ConnectionReset | ConnectionAborted | UnexpectedEof | BrokenPipe => TcpClass::Reset,
        _ => TcpClass::Other,
    }
}

/// Connects to one address within `budget` (a non-blocking socket2 socket handed to tokio,
/// so the connect is cancellable). Returns the facts and, on success, the stream.
pub async fn connect(addr: SocketAddr, budget: Duration) -> (TcpAttempt, Option<TcpStream>) {
    let start = Instant::now();
    let result = async {
        let domain = socket2::Domain::for_address(addr);
        let sock =
            socket2::Socket::new(domain, socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
        sock.set_nonblocking(true)?;
        sock.set_tcp_nodelay(true)?;
        let std_stream: std::net::TcpStream = sock.into();
        let tsock = tokio::net::TcpSocket::from_std_stream(std_stream);
        tsock.connect(addr).await
    };
    let (class, stream, error, go_error) = match bounded(budget, result).await {
        None => (
            TcpClass::Timeout,
            None,
            Some(format!("no answer to SYN within {budget:?}")),
            Some(goerr::dial("tcp", addr, goerr::IO_TIMEOUT)),
        ),
        Some(Err(e)) => (
            io_class(&e),
            None,
            Some(e.to_string()),
            Some(goerr::dial("tcp", addr, goerr::connect_text(&e))),
        ),
        Some(Ok(s)) => (TcpClass::Connected, Some(s), None, None),
    };
    (
        TcpAttempt {
            addr,
            family: Family::of(&addr.ip()),
            class,
            time_ms: ms(start.elapsed()),
            error,
            go_error,
        },
        stream,
    )
}

/// After a connect, watches the connection briefly: a peer (or middlebox) that resets or
/// closes right away is `Reset`. Silence or data means the connection stands.
async fn watch_after_connect(stream: &mut TcpStream, window: Duration) -> Option<std::io::Error> {
    let mut buf = [0u8; 1];
    match bounded(window, stream.peek(&mut buf)).await {
        Some(Ok(0)) => Some(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            goerr::EOF,
        )),
        Some(Err(e)) => Some(e),
        _ => None,
    }
}

/// The window the standalone TCP probe waits for an immediate reset after connecting.
pub const RESET_WATCH: Duration = Duration::from_millis(150);

/// How long other addresses may keep trying once one has connected (Go's happy-eyeballs
/// fallback delay): enough to see a healthy second family, without waiting for a black hole.
pub const FALLBACK_GRACE: Duration = Duration::from_millis(300);

/// Connects to every address at once and returns the stream of the first address, in the
/// given (Go's) order, that connected. Once one has connected, the others get
/// [`FALLBACK_GRACE`] more; those still pending are recorded as `Timeout` without a Go error
/// (Go would not have waited for them either).
pub async fn connect_first(
    addrs: &[SocketAddr],
    budget: Duration,
) -> (Vec<TcpAttempt>, Option<TcpStream>) {
    let mut set = tokio::task::JoinSet::new();
    for (i, a) in addrs.iter().enumerate() {
        let a = *a;
        set.spawn(async move { (i, connect(a, budget).await) });
    }
    let start = Instant::now();
    let mut slots: Vec<Option<(TcpAttempt, Option<TcpStream>)>> =
        addrs.iter().map(|_| None).collect();
    let mut deadline = tokio::time::Instant::now() + budget + Duration::from_millis(50);
    while !set.is_empty() {
        match tokio::time::timeout_at(deadline, set.join_next()).await {
            Ok(Some(Ok((i, r)))) => {
                if r.1.is_some() {
                    deadline = deadline.min(tokio::time::Instant::now() + FALLBACK_GRACE);
                }
                slots[i] = Some(r);
            }
            Ok(Some(Err(_))) => {}
            Ok(None) | Err(_) => break,
        }
    }
    set.abort_all();
    let mut attempts = Vec::new();
    let mut stream = None;
    for (i, slot) in slots.into_iter().enumerate() {
        match slot {
            Some((att, s)) => {
                if stream.is_none() && s.is_some() {
                    stream = s;
                }
                attempts.push(att);
            }
            None => attempts.push(TcpAttempt {
                addr: addrs[i],
                family: Family::of(&addrs[i].ip()),
                class: TcpClass::Timeout,
                time_ms: ms(start.elapsed()),
                error: Some("still connecting when another address had connected".into()),
                go_error: None,
            }),
        }
    }
    (attempts, stream)
}

/// Connects to every address at once and picks the class Go would see.
pub async fn connect_all(addrs: &[SocketAddr], budget: Duration, watch: bool) -> Vec<TcpAttempt> {
    let futs = addrs.iter().map(|a| {
        let a = *a;
        async move {
            let (mut att, stream) = connect(a, budget).await;
            if let (true, Some(mut s)) = (watch, stream) {
                if let Some(e) = watch_after_connect(&mut s, RESET_WATCH).await {
                    att.class = TcpClass::Reset;
                    att.go_error = Some(if e.kind() == std::io::ErrorKind::UnexpectedEof {
                        goerr::EOF.to_string()
                    } else {
                        let local = s.local_addr().map(|l| l.to_string()).unwrap_or_default();
                        goerr::read("tcp", local, a, goerr::read_text(&e))
                    });
                    att.error = Some(e.to_string());
                }
            }
            att
        }
    });
    let mut out = Vec::new();
    let results = super::join_all(futs.collect()).await;
    out.extend(results);
    out
}

/// Summarises attempts: the overall class and whether IPv6 alone is broken.
pub fn summarize(attempts: &[TcpAttempt]) -> (TcpClass, bool, Option<String>) {
    let ok = |f: Family| {
        attempts
            .iter()
            .any(|a| a.family == f && a.class == TcpClass::Connected)
    };
    let has = |f: Family| attempts.iter().any(|a| a.family == f);
    let ipv6_broken = has(Family::Ipv6) && !ok(Family::Ipv6) && ok(Family::Ipv4);
    if attempts.iter().any(|a| a.class == TcpClass::Connected) {
        return (TcpClass::Connected, ipv6_broken, None);
    }
    match attempts.first() {
        Some(a) => (a.class, ipv6_broken, a.go_error.clone()),
        None => (TcpClass::Other, false, None),
    }
}

/// The standalone TCP probe: resolve `host` with the system resolver, connect to each
/// address, and watch briefly for an immediate reset.
pub async fn probe_tcp(host: &str, port: u16, opts: &ProbeOptions) -> TcpFacts {
    let start = Instant::now();
    let (dns, _) = super::dns::resolve_system(host, opts).await;
    let literal = dns.server == "literal";
    let addrs: Vec<SocketAddr> = dns
        .addrs()
        .into_iter()
        .map(|ip| SocketAddr::new(ip, port))
        .collect();
    if addrs.is_empty() {
        let go_error = dns.go_error.as_ref().map(goerr::dial_unresolved);
        return TcpFacts {
            host: host.to_string(),
            port,
            dns: Some(dns),
            attempts: Vec::new(),
            class: TcpClass::Other,
            ipv6_broken: false,
            go_error,
            time_ms: ms(start.elapsed()),
        };
    }
    let attempts = connect_all(&addrs, opts.budget(), true).await;
    let (class, ipv6_broken, go_error) = summarize(&attempts);
    TcpFacts {
        host: host.to_string(),
        port,
        dns: (!literal).then_some(dns),
        attempts,
        class,
        ipv6_broken,
        go_error,
        time_ms: ms(start.elapsed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn att(addr: &str, class: TcpClass) -> TcpAttempt {
        let addr: SocketAddr = addr.parse().unwrap();
        TcpAttempt {
            addr,
            family: Family::of(&addr.ip()),
            class,
            time_ms: 1.0,
            error: None,
            go_error: Some(format!("{class:?}")),
        }
    }

    #[test]
    fn summary_picks_success_and_flags_ipv6() {
        let a = [
            att("[2001:db8::1]:443", TcpClass::Timeout),
            att("192.0.2.1:443", TcpClass::Connected),
        ];
        assert_eq!(summarize(&a).0, TcpClass::Connected);
        assert!(summarize(&a).1);
        let b = [
            att("192.0.2.1:443", TcpClass::Refused),
            att("192.0.2.2:443", TcpClass::Timeout),
        ];
        assert_eq!(summarize(&b).0, TcpClass::Refused);
        assert!(!summarize(&b).1);
    }

    #[test]
    fn error_kinds() {
        use std::io::{Error, ErrorKind};
        assert_eq!(
            io_class(&Error::from(ErrorKind::ConnectionRefused)),
            TcpClass::Refused
        );
        assert_eq!(
            io_class(&Error::from(ErrorKind::NetworkUnreachable)),
            TcpClass::Unreachable
        );
        assert_eq!(
            io_class(&Error::from(ErrorKind::ConnectionReset)),
            TcpClass::Reset
        );
    }

    #[tokio::test]
    async fn connect_first_does_not_wait_for_a_black_hole() {
        // A listener with a full accept queue drops SYNs: connects to it hang.
        let hole =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        hole.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        hole.listen(0).unwrap();
        let hole_addr = hole.local_addr().unwrap().as_socket().unwrap();
        let mut fillers = Vec::new();
        for _ in 0..3 {
            let c =
                socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            c.set_nonblocking(true).unwrap();
            let _ = c.connect(&hole_addr.into());
            fillers.push(c);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let good = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let good_addr = good.local_addr().unwrap();
        let start = std::time::Instant::now();
        let (attempts, stream) =
            connect_first(&[hole_addr, good_addr], Duration::from_secs(5)).await;
        assert!(stream.is_some());
        assert_eq!(stream.unwrap().peer_addr().unwrap(), good_addr);
        assert_eq!(attempts[0].class, TcpClass::Timeout);
        assert_eq!(attempts[1].class, TcpClass::Connected);
        // Bounded by the grace period, not by the 5 s budget (generous slack for slow CI).
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn refused_on_a_closed_loopback_port() {
        // Bind then drop: the port is closed now.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        drop(l);
        let (a, s) = connect(addr, Duration::from_secs(2)).await;
        assert_eq!(a.class, TcpClass::Refused, "{a:?}");
        assert!(s.is_none());
        assert_eq!(
            a.go_error.unwrap(),
            format!("dial tcp {addr}: connect: connection refused")
        );
    }
}
