//! netlab: in-process loopback fixture servers for tests that drive gomod-diag.
//!
//! Everything binds a distinct loopback address (127.0.0.x, see [`Lab::ip`]) and an ephemeral
//! port, so tests run in parallel without clashing; nothing ever leaves the machine.
//!
//! ```ignore
//! mod netlab; // tests/it/main.rs; other binaries: #[path = "it/netlab/mod.rs"]
//! let lab = netlab::Lab::new();
//! let dns = lab.dns(netlab::dns::DnsMode::zone(&[("good.test", ip)]));   // SocketAddr
//! let leaf = lab.ca.issue(&["good.test"]);                                 // from the test CA
//! let tls = lab.tls(netlab::tls::TlsMode::serve(leaf, netlab::http::ok("hello")));
//! let proxy = lab.proxy(netlab::proxy::ProxyMode::open());
//! let mut cmd = lab.command(); // the binary, with SSL_CERT_FILE = the test CA, proxies unset,
//!                              // GOMOD_DIAG_PUBLIC_DNS = 127.0.0.1:9
//! ```
//!
//! Pieces: [`ca`] (test CA and certificate issuance), [`dns`] (DNS server: zone / hijack /
//! NXDOMAIN / SERVFAIL / REFUSED / silent), [`http`] (a tiny HTTP/1.1 server with handler
//! closures, plain or over TLS), [`tls`] (TLS servers, including misbehaving ones: reset after
//! ClientHello, plain HTTP, silent, alert), [`proxy`] (HTTP CONNECT proxy in many moods, and
//! SOCKS5), plus raw TCP helpers ([`Lab::closed_port`], [`Lab::blackhole`], [`Lab::reset_on_accept`]).
//!
//! The servers run on the lab's own tokio runtime and stop when the [`Lab`] is dropped.
//! Every `start` has a `start_at(lab, Some(addr), ..)` twin that binds a given address — for
//! network-namespace labs: sockets are created on the calling thread, so call it from a thread
//! that has entered the namespace (outgoing connections a fixture makes itself, such as the
//! proxy's upstream connects, happen on the runtime's threads and their namespace).
#![allow(dead_code)]

pub mod ca;
pub mod dns;
pub mod http;
pub mod proxy;
pub mod tls;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// Connections a fixture keeps open on purpose (silent peers, a filled accept queue).
type Held = Arc<Mutex<Vec<Box<dyn std::any::Any + Send>>>>;

pub struct Lab {
    rt: tokio::runtime::Runtime,
    /// A temporary directory for CA bundles, hosts files, ...
    pub dir: tempfile::TempDir,
    /// The CA the binary trusts (via SSL_CERT_FILE; SSL_CERT_DIR points at an empty directory).
    pub ca: ca::TestCa,
    /// A CA nobody trusts: "Corp Inspection CA, O=ACME" (TLS interception).
    pub interception_ca: ca::TestCa,
    held: Held,
}

static NEXT_IP: AtomicU32 = AtomicU32::new(0);

impl Lab {
    pub fn new() -> Lab {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let ca = ca::TestCa::new("gomod-diag Test Root CA", "gomod-diag tests");
        let interception_ca = ca::TestCa::new("Corp Inspection CA", "ACME");
        std::fs::write(dir.path().join("test-ca.pem"), ca.cert_pem()).unwrap();
        std::fs::create_dir_all(dir.path().join("empty-cert-dir")).unwrap();
        Lab {
            rt,
            dir,
            ca,
            interception_ca,
            held: Arc::default(),
        }
    }

    /// A fresh loopback address 127.0.x.y (never 127.0.0.1), distinct within this process.
    pub fn ip(&self) -> IpAddr {
        let n = NEXT_IP.fetch_add(1, Ordering::Relaxed);
        // Spread processes apart too, so parallel test binaries rarely share an address.
        let base = (std::process::id() % 200) * 250;
        let k = (base + n) % 60_000;
        IpAddr::V4(Ipv4Addr::new(
            127,
            1 + (k / 250 / 250) as u8,
            ((k / 250) % 250) as u8,
            (k % 250 + 2) as u8,
        ))
    }

    /// Runs a future on the lab's runtime (to start a server).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    pub fn spawn<F: std::future::Future<Output = ()> + Send + 'static>(&self, f: F) {
        self.rt.spawn(f);
    }

    pub(crate) fn hold(&self, thing: Box<dyn std::any::Any + Send>) {
        self.held.lock().unwrap().push(thing);
    }

    /// The test CA bundle (PEM) the binary is told to trust.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("test-ca.pem")
    }

    /// Environment for the binary: trust only the test CA, no proxies from the outside, a
    /// public resolver that refuses at once (never 8.8.8.8).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("SSL_CERT_FILE".into(), self.ca_file().display().to_string()),
            (
                "SSL_CERT_DIR".into(),
                self.dir.path().join("empty-cert-dir").display().to_string(),
            ),
            ("GOMOD_DIAG_PUBLIC_DNS".into(), "127.0.0.1:9".into()),
            // No race against the public mirrors (tests that race set GOMOD_DIAG_MIRRORS).
            ("GOMOD_DIAG_NO_MIRRORS".into(), "1".into()),
            ("NO_COLOR".into(), "1".into()),
        ]
    }

    /// The gomod-diag binary with [`Lab::env`] applied and proxy variables removed.
    pub fn command(&self) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_gomod-diag"));
        for v in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "NO_PROXY",
            "no_proxy",
            "ALL_PROXY",
            "all_proxy",
            "REQUEST_METHOD",
            "GOMOD_DIAG_SYSTEM_DNS",
            "GOMOD_DIAG_HOSTS_FILE",
        ] {
            c.env_remove(v);
        }
        for (k, v) in self.env() {
            c.env(k, v);
        }
        c
    }

    /// Writes a hosts file with these entries and returns its path.
    pub fn hosts_file(&self, entries: &[(&str, IpAddr)]) -> PathBuf {
        let p = self
            .dir
            .path()
            .join(format!("hosts-{}", NEXT_IP.fetch_add(1, Ordering::Relaxed)));
        let text: String = entries
            .iter()
            .map(|(n, ip)| format!("{ip} {n}\n"))
            .collect();
        std::fs::write(&p, text).unwrap();
        p
    }

    // ------------------------------------------------------------ servers

    pub fn dns(&self, mode: dns::DnsMode) -> SocketAddr {
        dns::start(self, mode)
    }

    pub fn tls(&self, mode: tls::TlsMode) -> SocketAddr {
        tls::start(self, mode)
    }

    /// A plain HTTP/1.1 server.
    pub fn http(&self, handler: http::Handler) -> SocketAddr {
        http::start_plain(self, handler)
    }

    pub fn proxy(&self, mode: proxy::ProxyMode) -> SocketAddr {
        proxy::start(self, mode)
    }

    pub fn socks5(&self, mode: proxy::SocksMode) -> SocketAddr {
        proxy::start_socks5(self, mode)
    }

    /// An address where nothing listens (connections are refused).
    pub fn closed_port(&self) -> SocketAddr {
        let l = std::net::TcpListener::bind(SocketAddr::new(self.ip(), 0)).unwrap();
        let a = l.local_addr().unwrap();
        drop(l);
        a
    }

    /// A listener whose accept queue is full: new connects get no SYN-ACK and time out
    /// (a firewall that drops packets, simulated without leaving loopback).
    pub fn blackhole(&self) -> SocketAddr {
        let addr = SocketAddr::new(self.ip(), 0);
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        s.bind(&addr.into()).unwrap();
        s.listen(0).unwrap();
        let addr = s.local_addr().unwrap().as_socket().unwrap();
        // Fill the queue (backlog 0 still admits one or two), never accept.
        for _ in 0..3 {
            let c =
                socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            c.set_nonblocking(true).unwrap();
            let _ = c.connect(&addr.into());
            self.hold(Box::new(c));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        self.hold(Box::new(s));
        addr
    }

    /// Accepts, then resets at once (SO_LINGER 0).
    pub fn reset_on_accept(&self) -> SocketAddr {
        let l = std::net::TcpListener::bind(SocketAddr::new(self.ip(), 0)).unwrap();
        let a = l.local_addr().unwrap();
        l.set_nonblocking(true).unwrap();
        self.spawn(async move {
            let l = tokio::net::TcpListener::from_std(l).unwrap();
            while let Ok((s, _)) = l.accept().await {
                let _ = socket2::SockRef::from(&s).set_linger(Some(std::time::Duration::ZERO));
                drop(s);
            }
        });
        a
    }

    /// A TCP listener bound on a fresh loopback address, for servers of your own.
    pub fn listener(&self) -> (std::net::TcpListener, SocketAddr) {
        self.listener_at(None)
    }

    /// A TCP listener bound at `at`, or on a fresh loopback address.
    pub fn listener_at(&self, at: Option<SocketAddr>) -> (std::net::TcpListener, SocketAddr) {
        let l = std::net::TcpListener::bind(at.unwrap_or_else(|| SocketAddr::new(self.ip(), 0)))
            .unwrap();
        let a = l.local_addr().unwrap();
        l.set_nonblocking(true).unwrap();
        (l, a)
    }
}

impl Default for Lab {
    fn default() -> Self {
        Lab::new()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.held.lock().map(|mut h| h.clear()).ok();
    }
}
