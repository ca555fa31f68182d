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
    let what = || format!("the connect to {addr}");
    let r = super::pace::bounded(super::pace::Step::Dial, what, budget, result).await;
    // A SYN-ACK or an RST: either way the peer answered.
    let answered = match &r {
        Some(Ok(_)) => true,
        Some(Err(e)) => e.kind() == std::io::ErrorKind::ConnectionRefused,
        None => false,
    };
    if answered {
        super::pace::answered(|| format!("{addr} (TCP)"), start.elapsed());
    }
    let (class, stream, error, go_error) = match r {
        None => (
            TcpClass::Timeout,
            None,
            Some(format!("no answer to SYN within {:?}", start.elapsed())),
            Some(goerr::dial("tcp", addr, goerr::IO_TIMEOUT)),
        ),
        // Out of file descriptors is this process's limit, never what Go would print.
        Some(Err(e)) if matches!(e.raw_os_error(), Some(23 | 24)) => (
            TcpClass::Other,
            None,
            Some(format!(
                "this process ran out of file descriptors ({e}); not a network answer"
            )),
            None,
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

/// Go's Happy Eyeballs fallback delay (net.Dialer.FallbackDelay's default): the second
/// family starts this long after the first, or as soon as the first has failed.
pub const FALLBACK_GRACE: Duration = Duration::from_millis(300);

/// Go's smallest per-address share of the dial timeout (net.partialDeadline's saneMinimum).
pub const SANE_MINIMUM: Duration = Duration::from_secs(2);

/// At most this many connects of the standalone probe are in flight at once.
pub const MAX_PARALLEL_CONNECTS: usize = 8;

/// The share of `remaining` one of `addrs_left` addresses gets, as net.partialDeadline.
pub fn partial_timeout(remaining: Duration, addrs_left: usize) -> Duration {
    let share = remaining / addrs_left.max(1) as u32;
    if share >= SANE_MINIMUM {
        share
    } else if remaining < SANE_MINIMUM {
        remaining
    } else {
        SANE_MINIMUM
    }
}

/// Go's order of dialing: the family of the first address first ("primaries"), the other
/// family as the fallback (net.partition).
pub fn partition(addrs: &[SocketAddr]) -> (Vec<SocketAddr>, Vec<SocketAddr>) {
    let Some(first) = addrs.first() else {
        return (vec![], vec![]);
    };
    addrs.iter().partition(|a| a.is_ipv4() == first.is_ipv4())
}

/// Counts the sockets a dial holds open at once.
#[derive(Debug, Default)]
pub struct Gauge {
    now: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

struct Held<'a>(&'a Gauge);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Gauge {
    fn hold(&self) -> Held<'_> {
        use std::sync::atomic::Ordering::SeqCst;
        let n = self.now.fetch_add(1, SeqCst) + 1;
        self.peak.fetch_max(n, SeqCst);
        Held(self)
    }

    /// The most sockets open at one time.
    pub fn peak(&self) -> usize {
        self.peak.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// One family's addresses, one after another (net.dialSerial); what was tried so far stays
/// readable when the dial is cancelled because the other family connected.
#[derive(Default)]
struct Serial {
    attempts: std::sync::Mutex<Vec<TcpAttempt>>,
    inflight: std::sync::Mutex<Option<(SocketAddr, Instant)>>,
}

impl Serial {
    async fn dial(
        &self,
        addrs: &[SocketAddr],
        deadline: tokio::time::Instant,
        gauge: &Gauge,
    ) -> Option<TcpStream> {
        for (i, a) in addrs.iter().enumerate() {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if remaining.is_zero() {
                break;
            }
            *lock(&self.inflight) = Some((*a, Instant::now()));
            let held = gauge.hold();
            let (att, stream) = connect(*a, partial_timeout(remaining, addrs.len() - i)).await;
            drop(held);
            *lock(&self.inflight) = None;
            lock(&self.attempts).push(att);
            if stream.is_some() {
                return stream;
            }
        }
        None
    }

    /// The attempts, with the one still connecting when the dial ended.
    fn finish(self) -> Vec<TcpAttempt> {
        let mut out = self
            .attempts
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((addr, t)) = self
            .inflight
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
        {
            out.push(TcpAttempt {
                addr,
                family: Family::of(&addr.ip()),
                class: TcpClass::Timeout,
                time_ms: ms(t.elapsed()),
                error: Some("still connecting when another address had connected".into()),
                go_error: None,
            });
        }
        out
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A dial as Go makes it: each family's addresses one after another, each address its share
/// of the time left ([`partial_timeout`]); with two families, the second starts after
/// [`FALLBACK_GRACE`] or when the first has failed (Happy Eyeballs, net.dialParallel). At most
/// two sockets are open at once, however many addresses the name has.
pub async fn dial(
    addrs: &[SocketAddr],
    budget: Duration,
    gauge: &Gauge,
) -> (Vec<TcpAttempt>, Option<TcpStream>) {
    let deadline = tokio::time::Instant::now() + budget;
    let (primaries, fallbacks) = partition(addrs);
    let (first, second) = (Serial::default(), Serial::default());
    let stream = {
        let primary = first.dial(&primaries, deadline, gauge);
        tokio::pin!(primary);
        if fallbacks.is_empty() {
            primary.await
        } else {
            let early = tokio::select! {
                s = &mut primary => Some(s),
                _ = tokio::time::sleep(FALLBACK_GRACE) => None,
            };
            match early {
                Some(Some(s)) => Some(s),
                Some(None) => second.dial(&fallbacks, deadline, gauge).await,
                None => {
                    let fallback = second.dial(&fallbacks, deadline, gauge);
                    tokio::pin!(fallback);
                    tokio::select! {
                        s = &mut primary => match s {
                            Some(s) => Some(s),
                            None => fallback.await,
                        },
                        s = &mut fallback => match s {
                            Some(s) => Some(s),
                            None => primary.await,
                        },
                    }
                }
            }
        }
    };
    let mut attempts = first.finish();
    attempts.extend(second.finish());
    (attempts, stream)
}

/// [`dial`] without counting sockets.
pub async fn connect_first(
    addrs: &[SocketAddr],
    budget: Duration,
) -> (Vec<TcpAttempt>, Option<TcpStream>) {
    dial(addrs, budget, &Gauge::default()).await
}

/// Connects to every address (at most [`MAX_PARALLEL_CONNECTS`] at once) and picks the class
/// Go would see.
pub async fn connect_all(addrs: &[SocketAddr], budget: Duration, watch: bool) -> Vec<TcpAttempt> {
    let slots = tokio::sync::Semaphore::new(MAX_PARALLEL_CONNECTS);
    let deadline = tokio::time::Instant::now() + budget;
    let futs = addrs.iter().map(|a| {
        let a = *a;
        let slots = &slots;
        async move {
            let _slot = slots.acquire().await.ok();
            let budget = deadline.saturating_duration_since(tokio::time::Instant::now());
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
    super::join_all(futs.collect()).await
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

    /// A listener with a full accept queue drops SYNs: connects to it hang.
    fn black_hole() -> (socket2::Socket, Vec<socket2::Socket>, SocketAddr) {
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
        (hole, fillers, hole_addr)
    }

    #[tokio::test]
    async fn one_family_is_dialed_in_order_and_a_silent_address_is_cut() {
        let (_hole, _fillers, hole_addr) = black_hole();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let good = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let good_addr = good.local_addr().unwrap();
        // Another peer answered on this network: the hole is silent after the floor.
        let pace = super::super::pace::Pace::new(false);
        pace.record("a peer".into(), Duration::from_millis(1));
        let (attempts, stream) = super::super::pace::scope(
            pace.clone(),
            connect_first(&[hole_addr, good_addr], Duration::from_secs(5)),
        )
        .await;
        assert_eq!(stream.unwrap().peer_addr().unwrap(), good_addr);
        assert_eq!(attempts.len(), 2, "{attempts:?}");
        assert_eq!(attempts[0].class, TcpClass::Timeout);
        assert_eq!(attempts[1].class, TcpClass::Connected);
        let notes = pace.notes();
        assert!(
            notes
                .iter()
                .any(|n| n.contains(&format!("the connect to {hole_addr}"))
                    && n.contains("Go waits 30 s")),
            "{notes:?}"
        );
    }

    #[test]
    fn go_splits_the_dial_timeout_between_addresses() {
        let s = Duration::from_secs;
        assert_eq!(partial_timeout(s(30), 3), s(10));
        assert_eq!(partial_timeout(s(30), 4000), SANE_MINIMUM);
        assert_eq!(
            partial_timeout(Duration::from_millis(1500), 9),
            Duration::from_millis(1500)
        );
        let v4: SocketAddr = "192.0.2.1:443".parse().unwrap();
        let v6: SocketAddr = "[2001:db8::1]:443".parse().unwrap();
        let v4b: SocketAddr = "192.0.2.2:443".parse().unwrap();
        assert_eq!(partition(&[v6, v4, v4b]), (vec![v6], vec![v4, v4b]));
        assert_eq!(partition(&[v4, v6, v4b]), (vec![v4, v4b], vec![v6]));
    }

    #[tokio::test]
    async fn thousands_of_addresses_hold_at_most_two_sockets() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        // 4,000 addresses of two families where nothing listens.
        let mut addrs: Vec<SocketAddr> = (0..3000u32)
            .map(|i| SocketAddr::from(([127, 1, (i / 250) as u8, (i % 250) as u8 + 1], port)))
            .collect();
        addrs.extend((0..1000).map(|_| SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port))));
        let gauge = Gauge::default();
        let (attempts, stream) = dial(&addrs, Duration::from_secs(20), &gauge).await;
        assert!(stream.is_none());
        assert!(gauge.peak() <= 2, "peak {} sockets", gauge.peak());
        assert!(gauge.peak() >= 1);
        assert!(!attempts.is_empty());
        // Go reports the first address's error.
        assert_eq!(attempts[0].addr, addrs[0]);
        assert!(attempts.iter().all(|a| a.class != TcpClass::Connected));
        // The standalone probe bounds its sockets too.
        let all = connect_all(&addrs[..100], Duration::from_secs(5), false).await;
        assert_eq!(all.len(), 100);
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
