//! A module proxy that gives no usable HTTP answer, end to end: the real binary (`--json`)
//! against loopback servers that redirect in a loop, send more than 10 MB of headers, send
//! something that is not HTTP, or redirect from https to http. Each must end in the catalog
//! cause `goproxy.bad_response` with an explanation and a fix — never a raw class — and
//! predict, byte for byte, the error the real `go mod download -json` reports against the
//! same server (skipped with a printed reason when go is missing and CI is not "true").
//!
//! Nothing leaves loopback: GOPROXY is the fixture, GOSUMDB=off, the public resolver is
//! 127.0.0.1:9 (netlab's environment).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::modlab::ModuleStore;
use crate::netlab::{self, http::Response, Lab};

const MODULE: &str = "example.com/hello@v1.0.0";
const INFO: &str = "/example.com/hello/@v/v1.0.0.info";

/// A server that answers each connection's first request with `answer(target)`, raw, and
/// closes. Returns its address and the number of requests it has seen.
fn raw_server(
    lab: &Lab,
    answer: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let (l, addr) = lab.listener();
    let answer = Arc::new(answer);
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    lab.spawn(async move {
        let l = tokio::net::TcpListener::from_std(l).unwrap();
        while let Ok((mut s, _)) = l.accept().await {
            let (answer, seen) = (answer.clone(), seen.clone());
            tokio::spawn(async move {
                let Some(req) = netlab::http::read_request(&mut s).await else {
                    return;
                };
                seen.fetch_add(1, Ordering::SeqCst);
                // The client hangs up early on an oversized head: write errors are expected.
                let _ = s.write_all(&answer(&req.target)).await;
                let _ = s.shutdown().await;
            });
        }
    });
    (addr, hits)
}

/// What both gomod-diag and go get: nothing inherited but PATH, a private HOME and module
/// cache, the lab's trust and resolver, GOPROXY = the fixture, no checksum database.
fn env(lab: &Lab, home: &Path, goproxy: &str) -> Vec<(String, String)> {
    let home = home.to_str().unwrap();
    let mut v: Vec<(String, String)> = [
        ("HOME", home.to_string()),
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("GOPATH", format!("{home}/gopath")),
        ("GOMODCACHE", format!("{home}/modcache")),
        ("GOFLAGS", "-modcacherw".into()),
        ("GOTOOLCHAIN", "local".into()),
        ("GOTELEMETRY", "off".into()),
        ("GOENV", "off".into()),
        ("GOPROXY", goproxy.into()),
        ("GOSUMDB", "off".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    v.extend(lab.env());
    v
}

fn run(program: &str, args: &[&str], env: &[(String, String)], dir: &Path) -> std::process::Output {
    let mut c = std::process::Command::new(program);
    c.args(args)
        .env_clear()
        .envs(env.iter().cloned())
        .current_dir(dir);
    c.output()
        .unwrap_or_else(|e| panic!("{program} does not run: {e}"))
}

fn show(o: &std::process::Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `gomod-diag --json --module MODULE` against `goproxy`: the report.
fn diagnose(lab: &Lab, goproxy: &str) -> Value {
    let home = tempfile::tempdir().unwrap();
    let o = run(
        env!("CARGO_BIN_EXE_gomod-diag"),
        &["--json", "--timeout", "10s", "--module", MODULE],
        &env(lab, home.path(), goproxy),
        home.path(),
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", show(&o)))
}

/// The real `go mod download -json MODULE` against `goproxy`: (success, its `Error`). None,
/// with a printed reason, when go is missing and CI is not "true".
fn real_go(lab: &Lab, goproxy: &str) -> Option<(bool, String)> {
    if !crate::go_or_skip("the comparison with go") {
        return None;
    }
    let home = tempfile::tempdir().unwrap();
    let o = run(
        "go",
        &["mod", "download", "-json", MODULE],
        &env(lab, home.path(), goproxy),
        home.path(),
    );
    let j: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("go -json printed no JSON ({e}):\n{}", show(&o)));
    let error = j["Error"].as_str().unwrap_or_default().to_string();
    eprintln!("go mod download -json {MODULE} with GOPROXY={goproxy}: Error {error:?}");
    Some((o.status.success(), error))
}

/// The verdict is `goproxy.bad_response` with Go's text `Get ...` in the prediction, the
/// explanation and the evidence, and a fix to run; the real go prints the same text.
fn assert_bad_response(lab: &Lab, goproxy: &str, go_text: &str) -> Value {
    let r = diagnose(lab, goproxy);
    let v = &r["verdict"];
    let ctx = || serde_json::to_string_pretty(v).unwrap();
    assert_eq!(v["cause"]["id"], "goproxy.bad_response", "{}", ctx());
    assert_eq!(v["go_will_succeed"], false, "{}", ctx());
    let predicted = format!("go: {MODULE}: {go_text}");
    assert_eq!(
        v["go_error"].as_str(),
        Some(predicted.as_str()),
        "{}",
        ctx()
    );
    assert_eq!(
        r["prediction"]["error_text"].as_str(),
        Some(predicted.as_str())
    );
    let explanation = v["cause"]["explanation"].as_str().unwrap_or_default();
    assert!(
        explanation.contains(go_text),
        "the explanation does not quote Go's error:\n{explanation}"
    );
    assert!(
        !explanation.contains('<') && !explanation.contains('{'),
        "unfilled placeholder in the explanation:\n{explanation}"
    );
    assert!(
        v["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["observation"] == go_text),
        "{}",
        ctx()
    );
    let steps = v["fixes"]["steps"].as_array().cloned().unwrap_or_default();
    let origin = goproxy
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    assert!(
        steps.iter().any(|s| s["command"]
            .as_str()
            .is_some_and(|c| c.starts_with("curl ") && c.contains(origin))),
        "no fix step that looks at the server: {}",
        ctx()
    );
    if let Some((ok, error)) = real_go(lab, goproxy) {
        assert!(!ok, "go succeeded");
        assert_eq!(
            format!("go: {error}"),
            predicted,
            "the real go's error vs the prediction"
        );
    }
    r
}

fn redirect(to: &str) -> Vec<u8> {
    Response::new(302, "Found", "")
        .header("Location", to)
        .to_bytes()
}

/// Every hop redirects to the next (`?hop=N`, a reference relative to the host): Go follows
/// nine, refuses the 10th and names its Location as sent.
#[test]
fn redirect_loop() {
    let lab = Lab::new();
    let (addr, hits) = raw_server(&lab, |target| {
        let n: usize = target
            .split_once("?hop=")
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or(0);
        redirect(&format!("{INFO}?hop={}", n + 1))
    });
    let goproxy = format!("http://{addr}");
    assert_bad_response(
        &lab,
        &goproxy,
        &format!("Get \"{INFO}?hop=10\": stopped after 10 redirects"),
    );
    // gomod-diag's own GETs, then the real go's (if it ran): ten requests each.
    let n = hits.load(Ordering::SeqCst);
    assert!(n == 10 || n == 20, "{n} requests");
}

/// Headers past net/http's client limit (10 << 20 bytes).
#[test]
fn oversized_headers() {
    let lab = Lab::new();
    let (addr, _) = raw_server(&lab, |_| {
        let mut head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".to_vec();
        let pad = "a".repeat(1000);
        for i in 0..11 * 1024 {
            head.extend_from_slice(format!("X-Pad-{i}: {pad}\r\n").as_bytes());
        }
        head.extend_from_slice(b"Content-Length: 0\r\n\r\n");
        head
    });
    let goproxy = format!("http://{addr}");
    assert_bad_response(
        &lab,
        &goproxy,
        &format!(
            "Get \"{goproxy}{INFO}\": net/http: HTTP/1.x transport connection broken: net/http: server response headers exceeded 10485760 bytes; aborted"
        ),
    );
}

/// Answers that are not HTTP: a garbage status line, another protocol's banner, a header line
/// without a colon.
#[test]
fn malformed_responses() {
    let lab = Lab::new();
    for (raw, go) in [
        (
            "HELLO THERE\r\n\r\n",
            "malformed HTTP status code \"THERE\"",
        ),
        (
            "SSH-2.0-OpenSSH_9.6\r\n",
            "malformed HTTP response \"SSH-2.0-OpenSSH_9.6\"",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nnot a header\r\n\r\n",
            "malformed MIME header: missing colon: \"not a header\"",
        ),
    ] {
        let (addr, _) = raw_server(&lab, move |_| raw.as_bytes().to_vec());
        let goproxy = format!("http://{addr}");
        assert_bad_response(
            &lab,
            &goproxy,
            &format!(
                "Get \"{goproxy}{INFO}\": net/http: HTTP/1.x transport connection broken: {go}"
            ),
        );
    }
}

/// cmd/go refuses to follow a redirect from https to plain http.
#[test]
fn redirect_from_https_to_http() {
    let lab = Lab::new();
    let plain = lab.http(netlab::http::ok("{}"));
    let ip = lab.ip();
    let to = format!("http://{plain}{INFO}");
    let location = to.clone();
    // A certificate for the address itself: go resolves no test names.
    let tls = netlab::tls::start_at(
        &lab,
        Some(SocketAddr::new(ip, 0)),
        netlab::tls::TlsMode::serve(
            lab.ca.issue(&[ip.to_string().as_str()]),
            netlab::http::handler(move |_| {
                Response::new(302, "Found", "").header("Location", &location)
            }),
        ),
    );
    let goproxy = format!("https://{tls}");
    assert_bad_response(
        &lab,
        &goproxy,
        &format!("Get \"{to}\": redirected from secure URL {goproxy}{INFO} to insecure URL {to}"),
    );
}

/// An answer hyper refuses but Go reads (5 MB of headers, under Go's 10 MB): no
/// `goproxy.bad_response` and no invented Go error — the outcome is not known.
#[test]
fn answer_go_reads_is_not_called_bad() {
    let lab = Lab::new();
    let store = ModuleStore::fixtures();
    let m = store.get("example.com/hello", "v1.0.0").unwrap().clone();
    let (addr, _) = raw_server(&lab, move |target| {
        let (ct, body): (&str, Vec<u8>) = if target.ends_with(".info") {
            (
                "application/json",
                br#"{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}"#.to_vec(),
            )
        } else if target.ends_with(".mod") {
            ("text/plain", m.go_mod.clone())
        } else {
            ("application/zip", m.zip.clone())
        };
        let mut r = format!("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: {ct}\r\n");
        if target.ends_with(".info") {
            let pad = "a".repeat(1000);
            for i in 0..5 * 1024 {
                r.push_str(&format!("X-Pad-{i}: {pad}\r\n"));
            }
        }
        r.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut out = r.into_bytes();
        out.extend_from_slice(&body);
        out
    });
    let goproxy = format!("http://{addr}");
    let r = diagnose(&lab, &goproxy);
    let v = &r["verdict"];
    assert_ne!(v["cause"]["id"], "goproxy.bad_response", "{v:#}");
    let cause = v["cause"]["id"].as_str().unwrap();
    assert!(cause == "inconclusive" || cause == "ok", "{v:#}");
    if let Some((ok, error)) = real_go(&lab, &goproxy) {
        assert!(ok, "go failed: {error}");
    }
}
