//! Hostile peers: servers, proxies, resolvers and checksum databases that try to hang,
//! exhaust or confuse gomod-diag. Every case runs the real binary (`--json`) against a
//! loopback peer and asserts the same four things:
//!
//! - the deadline holds: the run ends within `--timeout` + 0.5 s (the contract; the check
//!   below allows [`HANG_GUARD`] more, because a shared 2-core CI machine can stall a debug
//!   build — it catches hangs, not milliseconds; each run's time is printed);
//! - memory stays bounded: peak RSS (the child's `VmHWM`) <= 64 MB;
//! - the verdict is a cause from the catalog;
//! - no panic (exit 101 or a `panicked` on stderr).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::os::unix::process::CommandExt as _;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::modlab::{LabServer, ModuleStore, SumDb};
use crate::netlab::dns::DnsMode;
use crate::netlab::Lab;

/// The run deadline every case uses.
const TIMEOUT: Duration = Duration::from_secs(4);
/// Slack over the `--timeout` + 0.5 s contract before a run counts as hung: generous, for a
/// debug build on a loaded 2-core machine; a peer that is not cut off runs for a minute.
const HANG_GUARD: Duration = Duration::from_secs(10);
const MAX_RSS_KB: i64 = 64 * 1024;
const MODULE: &str = "example.com/hello@v1.0.0";

struct Outcome {
    cause: String,
    json: Value,
}

/// Runs `gomod-diag --json --timeout 4s ARGS` with `env`, and checks the four properties.
fn contained(what: &str, lab: &Lab, env: &[(&str, String)], args: &[&str]) -> Outcome {
    contained_within(what, lab, env, args, TIMEOUT)
}

/// [`contained`] with a run deadline of `timeout`.
fn contained_within(
    what: &str,
    lab: &Lab,
    env: &[(&str, String)],
    args: &[&str],
    timeout: Duration,
) -> Outcome {
    // One hostile run at a time: they measure themselves, not each other.
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    let mut c = lab.command();
    c.current_dir(dir.path())
        .env("HOME", dir.path())
        .env("GOSUMDB", "off")
        .env("GOMOD_DIAG_SYSTEM_DNS", "127.0.0.1:9")
        .env("GOFLAGS", "-modcacherw")
        .args(args)
        .args(["--json", "--timeout", &format!("{}s", timeout.as_secs())])
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    for (k, v) in env {
        c.env(k, v);
    }
    // Its own process group: nothing it leaves behind outlives the case.
    c.process_group(0);
    let start = Instant::now();
    // Reaped below with waitpid (after its VmHWM is read); the handle is only for its pid.
    let pid = c.spawn().unwrap().id() as libc::pid_t;
    // Peak RSS: the child's VmHWM, sampled until it exits (a high-water mark, so a sample
    // after a spike still sees it). Not wait4's ru_maxrss: a child forked from this test
    // process carries the test's own pages in it until exec.
    let mut hwm_kb: i64 = 0;
    let mut status = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
            {
                hwm_kb = hwm_kb.max(kb);
            }
        }
        // SAFETY: waitpid on our own child, without blocking.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(r >= 0, "{what}: waitpid");
        if r == pid {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = start.elapsed();
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    if std::env::var_os("HOSTILE_SHOW").is_some() {
        let shown: Value = serde_json::from_str(&stdout).unwrap_or_default();
        eprintln!(
            "{what}: facts.duration_ms {} expired {} http {:.600}",
            shown["facts"]["duration_ms"],
            shown["facts"]["deadline_expired"],
            shown["facts"]["observations"]["http"].to_string()
        );
    }
    let signalled = libc::WIFSIGNALED(status);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    eprintln!(
        "{what}: {:.2} s (deadline {} s), peak RSS {} KB, exit {code:?}",
        wall.as_secs_f64(),
        timeout.as_secs(),
        hwm_kb
    );
    assert!(
        !signalled && code != Some(101) && !stderr.contains("panicked"),
        "{what}: no panic (exit {code:?}, signalled {signalled}): {stderr}"
    );
    let contract = timeout + Duration::from_millis(500);
    assert!(
        wall <= contract + HANG_GUARD,
        "{what}: the deadline does not hold: {:.2} s for --timeout {} s",
        wall.as_secs_f64(),
        timeout.as_secs()
    );
    assert!(
        hwm_kb > 0 && hwm_kb <= MAX_RSS_KB,
        "{what}: peak RSS {hwm_kb} KB, not within 64 MB"
    );
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{what}: no JSON report ({e}): {stdout}\n{stderr}"));
    let cause = json["verdict"]["cause"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        gomod_diag::catalog::ALL_IDS.contains(&cause.as_str()),
        "{what}: verdict {cause:?} is not a catalog cause"
    );
    Outcome { cause, json }
}

/// A raw TCP peer: each connection is handed to `serve` on its own thread.
fn peer(lab: &Lab, serve: impl Fn(TcpStream) + Send + Sync + Clone + 'static) -> SocketAddr {
    let (l, addr) = lab.listener();
    l.set_nonblocking(false).unwrap();
    std::thread::spawn(move || {
        for s in l.incoming().take(64) {
            let Ok(s) = s else { return };
            let serve = serve.clone();
            std::thread::spawn(move || serve(s));
        }
    });
    addr
}

/// Reads one request head (up to the blank line, at most 64 KiB).
fn read_head(s: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut b = [0u8; 1024];
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match s.read(&mut b) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&b[..n]),
        }
    }
    head
}

/// Writes `bytes` one per `every`, until the client goes away (or the case ends).
fn trickle(s: &mut TcpStream, bytes: &[u8], every: Duration) {
    for b in bytes.iter().cycle().take(60) {
        if s.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(every);
    }
}

/// Writes `chunk` forever (until the client goes away).
fn endless(s: &mut TcpStream, chunk: &[u8]) {
    for _ in 0..1_000_000 {
        if s.write_all(chunk).is_err() {
            return;
        }
    }
}

fn goproxy(addr: SocketAddr) -> Vec<(&'static str, String)> {
    vec![("GOPROXY", format!("http://{addr}"))]
}

const JSON_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

#[test]
fn endless_bodies_and_headers() {
    let lab = Lab::new();
    let body = peer(&lab, |mut s| {
        read_head(&mut s);
        let _ = s.write_all(JSON_HEAD);
        let _ = s.write_all(b"\r\n{\"Version\":\"v1.0.0\",\"x\":\"");
        endless(&mut s, &[b'a'; 16384]);
    });
    contained("endless body", &lab, &goproxy(body), &["--module", MODULE]);
    let header = peer(&lab, |mut s| {
        read_head(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nX-Endless: ");
        endless(&mut s, &[b'a'; 16384]);
    });
    contained(
        "endless header",
        &lab,
        &goproxy(header),
        &["--module", MODULE],
    );
    let many = peer(&lab, |mut s| {
        read_head(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\n");
        endless(&mut s, b"X-A: b\r\nX-B: c\r\nX-C: d\r\nX-D: e\r\n");
    });
    contained(
        "numerous headers",
        &lab,
        &goproxy(many),
        &["--module", MODULE],
    );
    let huge = peer(&lab, |mut s| {
        read_head(&mut s);
        let mut h = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
        h.resize(h.len() + (2 << 20), b'h');
        h.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
        let _ = s.write_all(&h);
    });
    contained("a 2 MB header", &lab, &goproxy(huge), &["--module", MODULE]);
}

#[test]
fn one_byte_a_second() {
    let lab = Lab::new();
    let head = peer(&lab, |mut s| {
        read_head(&mut s);
        trickle(
            &mut s,
            b"HTTP/1.1 200 OK\r\nX-Slow: yes\r\n",
            Duration::from_secs(1),
        );
    });
    contained(
        "1 byte/s headers",
        &lab,
        &goproxy(head),
        &["--module", MODULE],
    );
    let body = peer(&lab, |mut s| {
        read_head(&mut s);
        let _ = s.write_all(JSON_HEAD);
        let _ = s.write_all(b"Content-Length: 1000\r\n\r\n");
        trickle(&mut s, b"{\"Version\":", Duration::from_secs(1));
    });
    contained("1 byte/s body", &lab, &goproxy(body), &["--module", MODULE]);
}

#[test]
fn redirect_loops() {
    let lab = Lab::new();
    let to_self = peer(&lab, |mut s| {
        let head = read_head(&mut s);
        let target = String::from_utf8_lossy(&head)
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let _ = write!(
            s,
            "HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n"
        );
    });
    let o = contained(
        "redirect to itself",
        &lab,
        &goproxy(to_self),
        &["--module", MODULE],
    );
    assert_ne!(o.cause, "ok");
    let growing = peer(&lab, |mut s| {
        let head = read_head(&mut s);
        let target = String::from_utf8_lossy(&head)
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let _ = write!(
            s,
            "HTTP/1.1 301 Moved\r\nLocation: {target}/again\r\nContent-Length: 0\r\n\r\n"
        );
    });
    contained(
        "ever longer redirects",
        &lab,
        &goproxy(growing),
        &["--module", MODULE],
    );
}

/// `n` bytes of zeros, gzipped (by the system's gzip: every Debian has it).
fn gzip_zeros(n: usize) -> Option<Vec<u8>> {
    let mut child = std::process::Command::new("gzip")
        .args(["-c", "-1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let w = std::thread::spawn(move || {
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..n >> 20 {
            if stdin.write_all(&zeros).is_err() {
                return;
            }
        }
    });
    let out = child.wait_with_output().ok()?;
    w.join().ok()?;
    Some(out.stdout)
}

#[test]
fn gzip_bombs() {
    let Some(bomb) = gzip_zeros(1 << 30) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no gzip"
        );
        eprintln!("skipping: no gzip on PATH");
        return;
    };
    let bomb = std::sync::Arc::new(bomb);
    let lab = Lab::new();
    // 1 GiB of zeros in ~1 MB, as the body's Content-Encoding and as a "zip".
    let b = bomb.clone();
    let encoded = peer(&lab, move |mut s| {
        read_head(&mut s);
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            b.len()
        );
        let _ = s.write_all(&b);
    });
    contained("gzip bomb", &lab, &goproxy(encoded), &["--module", MODULE]);
}

// ------------------------------------------------------------------ DNS

/// A UDP + TCP DNS peer on one address: `answer(query)` gives the raw reply (None: silence).
fn dns_peer(lab: &Lab, answer: fn(&[u8], bool) -> Option<Vec<u8>>) -> SocketAddr {
    let (l, addr) = lab.listener();
    l.set_nonblocking(false).unwrap();
    let udp = UdpSocket::bind(addr).unwrap();
    std::thread::spawn(move || {
        let mut b = [0u8; 1500];
        for _ in 0..256 {
            let Ok((n, from)) = udp.recv_from(&mut b) else {
                return;
            };
            if let Some(r) = answer(&b[..n], false) {
                let _ = udp.send_to(&r, from);
            }
        }
    });
    std::thread::spawn(move || {
        for s in l.incoming().take(64) {
            let Ok(mut s) = s else { return };
            std::thread::spawn(move || {
                let mut len = [0u8; 2];
                if s.read_exact(&mut len).is_err() {
                    return;
                }
                let mut q = vec![0u8; u16::from_be_bytes(len) as usize];
                if s.read_exact(&mut q).is_err() {
                    return;
                }
                if let Some(r) = answer(&q, true) {
                    let _ = s.write_all(&(r.len().min(65535) as u16).to_be_bytes());
                    let _ = s.write_all(&r);
                }
            });
        }
    });
    addr
}

/// The query's header and question, turned into a response header with `an` answers.
fn reply_head(q: &[u8], flags: u16, an: u16) -> Vec<u8> {
    if q.len() < 12 {
        return vec![];
    }
    let mut r = q.to_vec();
    r[2..4].copy_from_slice(&flags.to_be_bytes());
    r[6..8].copy_from_slice(&an.to_be_bytes());
    r[8..12].fill(0);
    r
}

fn via_dns(addr: SocketAddr) -> Vec<(&'static str, String)> {
    vec![
        ("GOMOD_DIAG_SYSTEM_DNS", addr.to_string()),
        ("GOPROXY", "https://proxy.hostile.test".to_string()),
    ]
}

#[test]
fn hostile_dns_answers() {
    let lab = Lab::new();
    type Answer = fn(&[u8], bool) -> Option<Vec<u8>>;
    let cases: [(&str, Answer); 5] = [
        // Cut after a few bytes of the header.
        ("truncated answer", |q, _| {
            Some(q[..q.len().min(5)].to_vec())
        }),
        // The TC bit on UDP, then 64 KiB of A records over TCP.
        ("oversized answer", |q, tcp| {
            if !tcp {
                return Some(reply_head(q, 0x8380, 0));
            }
            let mut r = reply_head(q, 0x8180, 4000);
            for i in 0..4000u32 {
                r.extend_from_slice(&[0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0]);
                r.extend_from_slice(&(i as u16).to_be_bytes());
            }
            Some(r)
        }),
        // An answer whose name is a compression pointer to itself.
        ("compression loop", |q, _| {
            let mut r = reply_head(q, 0x8180, 1);
            let at = r.len() as u16;
            r.extend_from_slice(&(0xC000 | at).to_be_bytes());
            r.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
            Some(r)
        }),
        // The name is a CNAME of itself.
        ("CNAME loop", |q, _| {
            let mut r = reply_head(q, 0x8180, 1);
            r.extend_from_slice(&[0xC0, 0x0C, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 0x0C]);
            Some(r)
        }),
        // Garbage of the right length.
        ("garbage", |q, _| Some(vec![0xFF; q.len().max(12)])),
    ];
    for (what, answer) in cases {
        let dns = dns_peer(&lab, answer);
        let o = contained(what, &lab, &via_dns(dns), &["--module", MODULE]);
        assert_ne!(o.cause, "ok", "{what}");
    }
}

// ------------------------------------------------------------------ TLS

#[test]
fn tls_garbage() {
    let lab = Lab::new();
    let junk = peer(&lab, |mut s| {
        let mut b = [0u8; 512];
        let _ = s.read(&mut b);
        // A TLS record header that promises 16 KiB, then noise.
        let _ = s.write_all(&[0x16, 0x03, 0x03, 0x40, 0x00]);
        endless(&mut s, &[0x5A; 4096]);
    });
    let dns = lab.dns(DnsMode::zone(&[("proxy.hostile.test", junk.ip())]));
    let env = vec![
        ("GOMOD_DIAG_SYSTEM_DNS", dns.to_string()),
        (
            "GOPROXY",
            format!("https://proxy.hostile.test:{}", junk.port()),
        ),
    ];
    contained("TLS garbage", &lab, &env, &["--module", MODULE]);
    let slow = peer(&lab, |mut s| {
        let mut b = [0u8; 512];
        let _ = s.read(&mut b);
        trickle(
            &mut s,
            &[0x16, 0x03, 0x03, 0x00, 0x30],
            Duration::from_secs(1),
        );
    });
    let dns = lab.dns(DnsMode::zone(&[("proxy.hostile.test", slow.ip())]));
    let env = vec![
        ("GOMOD_DIAG_SYSTEM_DNS", dns.to_string()),
        (
            "GOPROXY",
            format!("https://proxy.hostile.test:{}", slow.port()),
        ),
    ];
    contained("TLS at 1 byte/s", &lab, &env, &["--module", MODULE]);
}

// ------------------------------------------------------------------ proxies

fn via_proxy(lab: &Lab, proxy: &str) -> Vec<(&'static str, String)> {
    let dns = lab.dns(DnsMode::zone(&[("proxy.hostile.test", lab.ip())]));
    vec![
        ("GOMOD_DIAG_SYSTEM_DNS", dns.to_string()),
        ("GOPROXY", "https://proxy.hostile.test".to_string()),
        ("HTTPS_PROXY", proxy.to_string()),
    ]
}

/// The proxy endpoint's facts in a report.
fn proxy_failure(o: &Outcome) -> (String, String) {
    let e = o.json["facts"]["endpoints"]
        .as_array()
        .and_then(|a| a.iter().find(|e| !e["failure"].is_null()))
        .cloned()
        .unwrap_or(Value::Null);
    (
        e["failure"]["class"].as_str().unwrap_or("").to_string(),
        e["failure"]["go_error"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn connect_junk() {
    let lab = Lab::new();
    // `200 Connection established` at 1 byte/s: the step deadline ends it, with what Go's
    // transport returns when its context ends (no invented `unexpected EOF`).
    let trickling = peer(&lab, |mut s| {
        read_head(&mut s);
        trickle(
            &mut s,
            b"HTTP/1.1 200 Connection established\r\n\r\n",
            Duration::from_secs(1),
        );
    });
    // A run deadline past the 5 s step limit: the step limit decides.
    let o = contained_within(
        "CONNECT answer at 1 byte/s",
        &lab,
        &via_proxy(&lab, &format!("http://{trickling}")),
        &["--module", MODULE],
        Duration::from_secs(9),
    );
    assert_eq!(o.cause, "proxy.unreachable", "{}", o.json["verdict"]);
    let text = o.json.to_string();
    assert!(!text.contains("unexpected EOF"), "{}", o.json["verdict"]);
    assert!(
        text.contains("context deadline exceeded"),
        "{}",
        o.json["facts"]
    );
    for (what, bytes) in [
        ("CONNECT garbage", &b"\x00\xFF garbage \x1b[2J\r\n\r\n"[..]),
        ("CONNECT non-HTTP status", b"HTTP/1.1 999 ???\r\n\r\n"),
        ("CONNECT 200 then hang-up mid-head", b"HTTP/1.1 200 Conn"),
    ] {
        let bytes = bytes.to_vec();
        let junk = peer(&lab, move |mut s| {
            read_head(&mut s);
            let _ = s.write_all(&bytes);
        });
        contained(
            what,
            &lab,
            &via_proxy(&lab, &format!("http://{junk}")),
            &["--module", MODULE],
        );
    }
    let endless_head = peer(&lab, |mut s| {
        read_head(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 Connection established\r\n");
        endless(&mut s, b"X-Junk: 1\r\n");
    });
    contained(
        "CONNECT endless head",
        &lab,
        &via_proxy(&lab, &format!("http://{endless_head}")),
        &["--module", MODULE],
    );
}

#[test]
fn socks_junk() {
    let lab = Lab::new();
    // Selects method 5 (none Go offered): with credentials in the URL, Go's socks client
    // says so in its own words.
    let method5 = peer(&lab, |mut s| {
        let mut b = [0u8; 300];
        let _ = s.read(&mut b);
        let _ = s.write_all(&[5, 5]);
        // Whatever comes next is read, then the server hangs up (cleanly: nothing unread).
        let _ = s.read(&mut b);
    });
    let o = contained(
        "SOCKS method 5",
        &lab,
        &via_proxy(&lab, &format!("socks5://user:pw@{method5}")),
        &["--module", MODULE],
    );
    let (class, go_error) = proxy_failure(&o);
    assert_eq!(o.cause, "proxy.auth_unsupported", "{class} {go_error}");
    assert!(
        go_error.starts_with("socks connect tcp ")
            && go_error.ends_with(": unsupported authentication method 5"),
        "{go_error}"
    );
    let summary = o.json["verdict"]["cause"]["summary"].as_str().unwrap_or("");
    assert!(summary.contains("SOCKS5 method 5"), "{summary}");
    assert!(!summary.contains("NTLM"), "{summary}");
    // Without credentials Go sends its request anyway; the server hangs up.
    let o = contained(
        "SOCKS method 5 without credentials",
        &lab,
        &via_proxy(&lab, &format!("socks5://{method5}")),
        &["--module", MODULE],
    );
    let (_, go_error) = proxy_failure(&o);
    assert!(go_error.ends_with(": EOF"), "{go_error}");
    for (what, bytes) in [
        ("SOCKS version 4 reply", &[4u8, 0][..]),
        ("SOCKS garbage reply", b"HTTP/1.1 400 Bad\r\n\r\n"),
        ("SOCKS reply with a huge domain", &[5, 0][..]),
    ] {
        let bytes = bytes.to_vec();
        let junk = peer(&lab, move |mut s| {
            let mut b = [0u8; 300];
            let _ = s.read(&mut b);
            let _ = s.write_all(&bytes);
            if bytes == [5, 0] {
                let _ = s.read(&mut b);
                let _ = s.write_all(&[5, 0, 0, 3, 255]);
                trickle(&mut s, b"x", Duration::from_secs(1));
            }
        });
        contained(
            what,
            &lab,
            &via_proxy(&lab, &format!("socks5://{junk}")),
            &["--module", MODULE],
        );
    }
    let slow = peer(&lab, |mut s| {
        let mut b = [0u8; 16];
        let _ = s.read(&mut b);
        trickle(&mut s, &[5], Duration::from_secs(3));
    });
    contained(
        "SOCKS greeting at 1 byte/3 s",
        &lab,
        &via_proxy(&lab, &format!("socks5://{slow}")),
        &["--module", MODULE],
    );
}

// ------------------------------------------------------------------ checksum databases

#[test]
fn hostile_checksum_databases() {
    let lab = Lab::new();
    let store = ModuleStore::fixtures();
    let real = SumDb::new("sum.hostile.test", &store);
    let key = real.verifier_key();
    let proxy = LabServer::start(&lab.ip().to_string(), store, None);
    type Serve = fn(&mut TcpStream, &str);
    let cases: [(&str, Serve); 5] = [
        ("endless /lookup", |s, _| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
            endless(s, b"1\nexample.com/hello v1.0.0 h1:AAAA=\n");
        }),
        ("a tree of 2^62 records", |s, t| {
            let body = if t.contains("/latest") {
                "go.sum database tree\n4611686018427387904\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u{2014} sum.hostile.test AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".to_string()
            } else {
                "4611686018427387903\nexample.com/hello v1.0.0 h1:x=\nexample.com/hello v1.0.0/go.mod h1:y=\n\ngo.sum database tree\n4611686018427387904\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u{2014} sum.hostile.test AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".to_string()
            };
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }),
        ("tiles of garbage", |s, _| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 8192\r\n\r\n");
            let _ = s.write_all(&[0xAB; 8192]);
        }),
        ("signature lines without end", |s, _| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\n\r\ngo.sum database tree\n1\nAAAA\n\n");
            endless(s, "\u{2014} sum.hostile.test AAAA\n".as_bytes());
        }),
        ("1 byte/s note", |s, _| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n");
            trickle(s, b"go.sum database tree\n", Duration::from_secs(1));
        }),
    ];
    for (what, serve) in cases {
        let db = peer(&lab, move |mut s| {
            let head = read_head(&mut s);
            let target = String::from_utf8_lossy(&head)
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .to_string();
            serve(&mut s, &target);
        });
        let env = vec![
            ("GOPROXY", proxy.url()),
            ("GOSUMDB", format!("{key} http://{db}")),
        ];
        let o = contained(what, &lab, &env, &["--module", MODULE]);
        assert_ne!(o.cause, "ok", "{what}: a hostile database is never trusted");
    }
}
