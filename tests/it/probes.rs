//! The probes against loopback fixture servers (tests/it/netlab): one test per classification,
//! each driving the real binary with `--json`. Nothing leaves the machine: the public
//! resolver is 127.0.0.1:9 or a fixture, and names resolve through a fixture DNS server.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::ResponseCode;
use serde_json::Value;

use crate::netlab::dns::DnsMode;
use crate::netlab::proxy::{targets, ProxyMode, SocksMode};
use crate::netlab::tls::TlsMode;
use crate::netlab::{self, Lab};

struct Out {
    code: i32,
    json: Value,
    stdout: String,
    stderr: String,
}

/// Runs `gomod-diag --json --timeout 2s ARGS` with the lab's environment plus `env`.
fn run(lab: &Lab, args: &[&str], env: &[(&str, String)]) -> Out {
    let mut c = lab.command();
    c.args(args).args(["--json", "--timeout", "2s"]);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("run gomod-diag");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    Out {
        code: o.status.code().unwrap_or(-1),
        json,
        stdout,
        stderr,
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// A lab where `name` resolves (through the fixture DNS) to the fixture at `addr`.
fn resolving(lab: &Lab, entries: &[(&str, SocketAddr)]) -> Vec<(&'static str, String)> {
    let zone: Vec<(&str, IpAddr)> = entries.iter().map(|(n, a)| (*n, a.ip())).collect();
    let dns = lab.dns(DnsMode::zone(&zone));
    vec![("GOMOD_DIAG_SYSTEM_DNS", dns.to_string())]
}

fn target(name: &str, a: SocketAddr) -> String {
    format!("{name}:{}", a.port())
}

// ------------------------------------------------------------------ DNS

fn dns_probe(
    lab: &Lab,
    name: &str,
    system: SocketAddr,
    public: SocketAddr,
    env: &[(&str, String)],
) -> Out {
    run(
        lab,
        &[
            "probe",
            "dns",
            name,
            "--system-dns",
            &system.to_string(),
            "--public-dns",
            &public.to_string(),
        ],
        env,
    )
}

#[test]
fn dns_answered_and_same_as_public() {
    let lab = Lab::new();
    let ip: IpAddr = "127.0.0.7".parse().unwrap();
    let sys = lab.dns(DnsMode::zone(&[("good.test", ip)]));
    let public = lab.dns(DnsMode::zone(&[("good.test", ip)]));
    let o = dns_probe(&lab, "good.test", sys, public, &[]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let j = &o.json;
    assert_eq!(s(&j["system"]["class"]), "answered");
    assert_eq!(s(&j["system"]["server"]), sys.to_string());
    assert_eq!(s(&j["system"]["answers"][0]["addr"]), "127.0.0.7");
    assert_eq!(j["system"]["answers"][0]["ttl"], 60);
    assert_eq!(s(&j["system"]["rcode"]), "NOERROR");
    assert_eq!(s(&j["agreement"]), "same");
    // Public resolver over UDP and TCP.
    let transports: Vec<&str> = j["public"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| s(&p["transport"]))
        .collect();
    assert_eq!(transports, ["udp", "tcp"]);
    assert!(j["public"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["class"] == "answered"));
    assert!(
        j.get("os").is_none(),
        "getaddrinfo is skipped with --system-dns"
    );
}

#[test]
fn dns_nxdomain_while_public_answers() {
    let lab = Lab::new();
    let sys = lab.dns(DnsMode::Rcode(ResponseCode::NXDomain));
    let public = lab.dns(DnsMode::zone(&[(
        "proxy.golang.org",
        "142.250.1.1".parse().unwrap(),
    )]));
    let o = dns_probe(&lab, "proxy.golang.org", sys, public, &[]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert_eq!(s(&o.json["system"]["class"]), "nxdomain");
    assert_eq!(
        s(&o.json["system"]["go_error"]),
        format!("lookup proxy.golang.org on {sys}: no such host")
    );
    assert_eq!(s(&o.json["agreement"]), "public_only");
    assert_eq!(
        o.json["hints"],
        serde_json::json!(["dns.nxdomain_filtered"])
    );
}

#[test]
fn dns_servfail() {
    let lab = Lab::new();
    let sys = lab.dns(DnsMode::Rcode(ResponseCode::ServFail));
    let o = dns_probe(&lab, "good.test", sys, "127.0.0.1:9".parse().unwrap(), &[]);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["system"]["class"]), "servfail");
    assert_eq!(s(&o.json["system"]["rcode"]), "SERVFAIL");
    assert_eq!(
        s(&o.json["system"]["go_error"]),
        format!("lookup good.test on {sys}: server misbehaving")
    );
}

#[test]
fn dns_refused() {
    let lab = Lab::new();
    let sys = lab.dns(DnsMode::Rcode(ResponseCode::Refused));
    let o = dns_probe(&lab, "good.test", sys, "127.0.0.1:9".parse().unwrap(), &[]);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["system"]["class"]), "refused");
    assert_eq!(s(&o.json["system"]["rcode"]), "REFUSED");
}

#[test]
fn dns_timeout_is_system_resolver_down_when_public_answers() {
    let lab = Lab::new();
    let sys = lab.dns(DnsMode::Silent);
    let public = lab.dns(DnsMode::zone(&[(
        "good.test",
        "142.250.1.1".parse().unwrap(),
    )]));
    let start = Instant::now();
    let o = dns_probe(&lab, "good.test", sys, public, &[]);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["system"]["class"]), "timeout");
    assert!(
        s(&o.json["system"]["go_error"]).ends_with("i/o timeout"),
        "{}",
        o.stdout
    );
    assert_eq!(
        o.json["hints"],
        serde_json::json!(["dns.system_resolver_down"])
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "bounded by --timeout"
    );
}

#[test]
fn dns_unreachable_resolver_and_public_blocked() {
    let lab = Lab::new();
    let closed = lab.closed_port();
    let o = dns_probe(
        &lab,
        "good.test",
        closed,
        "127.0.0.1:9".parse().unwrap(),
        &[],
    );
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["system"]["class"]), "unreachable");
    for p in o.json["public"].as_array().unwrap() {
        assert_eq!(s(&p["class"]), "unreachable");
    }
    assert_eq!(
        o.json["hints"],
        serde_json::json!(["dns.no_resolution", "dns.public_resolver_blocked"])
    );
}

#[test]
fn dns_different_answers_with_bogon_is_hijack() {
    let lab = Lab::new();
    let sys = lab.dns(DnsMode::Hijack(vec!["10.10.10.10".parse().unwrap()]));
    let public = lab.dns(DnsMode::zone(&[(
        "proxy.golang.org",
        "142.250.1.1".parse().unwrap(),
    )]));
    let o = dns_probe(&lab, "proxy.golang.org", sys, public, &[]);
    assert_eq!(o.code, 0, "the system resolver did answer");
    assert_eq!(s(&o.json["agreement"]), "different");
    assert_eq!(s(&o.json["bogons"][0]["addr"]), "10.10.10.10");
    assert_eq!(s(&o.json["bogons"][0]["kind"]), "private");
    assert_eq!(o.json["hints"], serde_json::json!(["dns.hijacked"]));
}

#[test]
fn dns_hosts_file_override() {
    let lab = Lab::new();
    let sys = lab.dns(DnsMode::zone(&[(
        "proxy.golang.org",
        "142.250.1.1".parse().unwrap(),
    )]));
    let hosts = lab.hosts_file(&[("proxy.golang.org", "127.0.0.99".parse().unwrap())]);
    let o = dns_probe(
        &lab,
        "proxy.golang.org",
        sys,
        sys,
        &[("GOMOD_DIAG_HOSTS_FILE", hosts.display().to_string())],
    );
    assert_eq!(o.code, 0);
    assert_eq!(s(&o.json["system"]["transport"]), "hosts");
    assert_eq!(s(&o.json["hosts"]["addrs"][0]), "127.0.0.99");
    assert_eq!(s(&o.json["agreement"]), "different");
    assert_eq!(o.json["hints"], serde_json::json!(["dns.hosts_override"]));
}

#[test]
fn dns_over_https_is_asked_and_compared() {
    let lab = Lab::new();
    let leaf = lab.ca.issue(&["doh.test"]);
    let doh = lab.tls(TlsMode::serve(
        leaf,
        netlab::http::handler(|req| {
            let q = hickory_resolver::proto::op::Message::from_vec(&req.body).unwrap();
            let mode = DnsMode::zone(&[("good.test", "142.250.1.1".parse().unwrap())]);
            let a = netlab::dns::answer(&mode, &q).unwrap();
            netlab::http::Response::new(200, "OK", a.to_vec().unwrap())
                .header("Content-Type", "application/dns-message")
        }),
    ));
    let sys = lab.dns(DnsMode::zone(&[
        ("good.test", "142.250.1.1".parse().unwrap()),
        ("doh.test", doh.ip()),
    ]));
    let url = format!("https://doh.test:{}/dns-query", doh.port());
    let o = run(
        &lab,
        &[
            "probe",
            "dns",
            "good.test",
            "--system-dns",
            &sys.to_string(),
            "--public-dns",
            "127.0.0.1:9",
            "--doh",
            &url,
        ],
        &[],
    );
    assert_eq!(s(&o.json["doh"]["class"]), "answered", "{}", o.stdout);
    assert_eq!(s(&o.json["doh"]["answers"][0]["addr"]), "142.250.1.1");
    assert_eq!(s(&o.json["agreement"]), "same");
}

#[test]
fn offline_machine_public_resolver_unreachable_fast() {
    // The acceptance scenario: the public resolver cannot be reached; classified quickly.
    let lab = Lab::new();
    let sys = lab.dns(DnsMode::zone(&[(
        "proxy.golang.org",
        "142.250.1.1".parse().unwrap(),
    )]));
    let start = Instant::now();
    let o = dns_probe(
        &lab,
        "proxy.golang.org",
        sys,
        "127.0.0.1:9".parse().unwrap(),
        &[],
    );
    assert_eq!(o.code, 0);
    assert_eq!(s(&o.json["agreement"]), "system_only");
    assert_eq!(
        o.json["hints"],
        serde_json::json!(["dns.public_resolver_blocked"])
    );
    assert!(s(&o.json["public"][0]["go_error"]).contains("connection refused"));
    assert!(start.elapsed() < Duration::from_secs(10));
}

// ------------------------------------------------------------------ TCP

#[test]
fn tcp_connected() {
    let lab = Lab::new();
    let srv = lab.http(netlab::http::ok("hi"));
    let o = run(&lab, &["probe", "tcp", &srv.to_string()], &[]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_eq!(s(&o.json["class"]), "connected");
    assert_eq!(s(&o.json["attempts"][0]["family"]), "ipv4");
    assert!(o.json["attempts"][0]["time_ms"].as_f64().unwrap() >= 0.0);
}

#[test]
fn tcp_connected_by_name_through_system_dns() {
    let lab = Lab::new();
    let srv = lab.http(netlab::http::ok("hi"));
    let env = resolving(&lab, &[("web.test", srv)]);
    let o = run(&lab, &["probe", "tcp", &target("web.test", srv)], &env);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_eq!(s(&o.json["dns"]["class"]), "answered");
}

#[test]
fn tcp_refused() {
    let lab = Lab::new();
    let a = lab.closed_port();
    let o = run(&lab, &["probe", "tcp", &a.to_string()], &[]);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["class"]), "refused");
    assert_eq!(
        s(&o.json["go_error"]),
        format!("dial tcp {a}: connect: connection refused")
    );
}

#[test]
fn tcp_timeout() {
    let lab = Lab::new();
    let a = lab.blackhole();
    let o = run(&lab, &["probe", "tcp", &a.to_string()], &[]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert_eq!(s(&o.json["class"]), "timeout");
    assert_eq!(s(&o.json["go_error"]), format!("dial tcp {a}: i/o timeout"));
}

#[test]
fn tcp_reset() {
    let lab = Lab::new();
    let a = lab.reset_on_accept();
    let o = run(&lab, &["probe", "tcp", &a.to_string()], &[]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert_eq!(s(&o.json["class"]), "reset");
    assert!(
        s(&o.json["attempts"][0]["go_error"]).contains("connection reset by peer"),
        "{}",
        o.stdout
    );
}

#[test]
fn tcp_unreachable() {
    // Linux refuses a TCP connect to a multicast address with ENETUNREACH before sending anything.
    let lab = Lab::new();
    let o = run(&lab, &["probe", "tcp", "224.0.0.1:443"], &[]);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["class"]), "unreachable", "{}", o.stdout);
    assert_eq!(
        s(&o.json["go_error"]),
        "dial tcp 224.0.0.1:443: connect: network is unreachable"
    );
}

#[test]
fn tcp_bad_input_is_exit_2_with_the_accepted_form() {
    let lab = Lab::new();
    let o = run(&lab, &["probe", "tcp", "nohostport"], &[]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("nohostport") && o.stderr.contains("HOST:PORT"),
        "{}",
        o.stderr
    );
}

// ------------------------------------------------------------------ TLS

fn tls_probe(lab: &Lab, name: &str, srv: SocketAddr) -> Out {
    let env = resolving(lab, &[(name, srv)]);
    run(lab, &["probe", "tls", &target(name, srv)], &env)
}

#[test]
fn tls_trusted_by_go_not_mozilla_is_interception_trusted() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.ca.issue(&["good.test"]),
        netlab::http::ok("hi"),
    ));
    let o = tls_probe(&lab, "good.test", srv);
    assert_eq!(o.code, 0, "{}", o.stdout);
    let t = &o.json["tls"];
    assert_eq!(s(&t["class"]), "interception_trusted");
    assert_eq!(t["go_trust"]["trusted"], true);
    assert_eq!(t["mozilla_trust"]["trusted"], false);
    assert_eq!(
        o.json["findings"],
        serde_json::json!(["tls.interception_trusted"])
    );
    assert_eq!(s(&t["alpn"]), "http/1.1");
    assert_eq!(t["alpn_offered"], serde_json::json!(["h2", "http/1.1"]));
    assert_eq!(
        s(&t["key_exchange"]),
        "X25519MLKEM768",
        "Go's post-quantum hybrid first"
    );
    assert!(
        s(&t["go_roots"]).contains("SSL_CERT_FILE"),
        "{}",
        t["go_roots"]
    );
}

#[test]
fn tls_without_ssl_cert_file_the_test_ca_is_not_trusted() {
    // Proves the trust store really comes from SSL_CERT_FILE / SSL_CERT_DIR.
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.ca.issue(&["good.test"]),
        netlab::http::ok("hi"),
    ));
    let other = lab.dir.path().join("other-ca.pem");
    std::fs::write(&other, lab.interception_ca.cert_pem()).unwrap();
    let mut env = resolving(&lab, &[("good.test", srv)]);
    env.push(("SSL_CERT_FILE", other.display().to_string()));
    let o = run(&lab, &["probe", "tls", &target("good.test", srv)], &env);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["tls"]["class"]), "untrusted");
}

#[test]
fn tls_untrusted_interception_names_the_anchor() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.interception_ca.issue(&["proxy.golang.org"]),
        netlab::http::ok("hi"),
    ));
    let o = tls_probe(&lab, "proxy.golang.org", srv);
    assert_eq!(o.code, 1);
    let t = &o.json["tls"];
    assert_eq!(s(&t["class"]), "untrusted");
    assert_eq!(s(&t["anchor"]), "Corp Inspection CA, O=ACME");
    assert_eq!(
        s(&t["go_error"]),
        "tls: failed to verify certificate: x509: certificate signed by unknown authority"
    );
    assert_eq!(s(&o.json["failure"]["cause"]), "tls.untrusted_interception");
    assert_eq!(
        s(&t["chain"][0]["dns_names"][0]),
        "proxy.golang.org",
        "the chain is captured although verification failed"
    );
}

#[test]
fn tls_hostname_mismatch_lists_the_names() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.ca.issue(&["captive.portal.test", "login.test"]),
        netlab::http::ok("hi"),
    ));
    let o = tls_probe(&lab, "proxy.golang.org", srv);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["tls"]["class"]), "hostname_mismatch");
    assert_eq!(
        s(&o.json["tls"]["go_error"]),
        "tls: failed to verify certificate: x509: certificate is valid for captive.portal.test, login.test, not proxy.golang.org"
    );
}

#[test]
fn tls_expired() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.ca
            .issue_with(&["old.test"], netlab::ca::Validity::Expired),
        netlab::http::ok("hi"),
    ));
    let o = tls_probe(&lab, "old.test", srv);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["tls"]["class"]), "expired");
    let e = s(&o.json["tls"]["go_error"]);
    assert!(e.starts_with("tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time "), "{e}");
    assert!(e.ends_with(" is after 2021-01-01T00:00:00Z"), "{e}");
    assert_eq!(
        s(&o.json["tls"]["chain"][0]["not_after"]),
        "2021-01-01T00:00:00Z"
    );
}

#[test]
fn tls_not_yet_valid() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.ca
            .issue_with(&["new.test"], netlab::ca::Validity::NotYetValid),
        netlab::http::ok("hi"),
    ));
    let o = tls_probe(&lab, "new.test", srv);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["tls"]["class"]), "not_yet_valid");
    assert!(s(&o.json["tls"]["go_error"]).ends_with(" is before 2090-01-01T00:00:00Z"));
}

#[test]
fn tls_reset_after_client_hello() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::ResetAfterHello);
    let o = tls_probe(&lab, "blocked.test", srv);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["tls"]["class"]), "reset", "{}", o.stdout);
    assert_eq!(s(&o.json["failure"]["cause"]), "tls.reset_during_handshake");
    let e = s(&o.json["tls"]["go_error"]);
    assert!(
        e.starts_with("read tcp ") && e.ends_with(": read: connection reset by peer"),
        "{e}"
    );
}

/// A peer that resets every connection (not only after a ClientHello) is `tcp.reset`, although
/// Go prints the same text for both: the chain tells them apart with a silent connection.
#[test]
fn https_to_a_peer_that_resets_every_connection_is_tcp_reset() {
    let lab = Lab::new();
    let a = lab.reset_on_accept();
    let o = run(
        &lab,
        &["--json", "probe", "http", &format!("https://{a}/x")],
        &[],
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert_eq!(
        s(&o.json["chain"]["failure"]["cause"]),
        "tcp.reset",
        "{}",
        o.stdout
    );
    // On loopback the reset lands during connect() or on the first read; either way Go's text
    // names the peer (it is not lost once the socket is reset).
    let e = s(&o.json["chain"]["failure"]["go_error"]);
    assert!(
        e.contains("connection reset by peer") && e.contains(&a.to_string()),
        "{e}"
    );
}

#[test]
fn tls_closed_after_client_hello_is_eof() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::CloseAfterHello);
    let o = tls_probe(&lab, "blocked.test", srv);
    assert_eq!(s(&o.json["tls"]["class"]), "reset");
    assert_eq!(s(&o.json["tls"]["go_error"]), "EOF");
}

#[test]
fn tls_not_tls_shows_the_http_status_line() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::PlainHttp);
    let o = tls_probe(&lab, "plain.test", srv);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["tls"]["class"]), "not_tls");
    assert_eq!(
        s(&o.json["tls"]["peer_response"]),
        "HTTP/1.1 400 Bad Request"
    );
    assert_eq!(
        s(&o.json["tls"]["go_error"]),
        "http: server gave HTTP response to HTTPS client"
    );
}

#[test]
fn tls_handshake_timeout() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::Silent);
    let o = tls_probe(&lab, "silent.test", srv);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["tls"]["class"]), "timeout");
    assert_eq!(
        s(&o.json["tls"]["go_error"]),
        "net/http: TLS handshake timeout"
    );
    assert_eq!(s(&o.json["failure"]["cause"]), "tls.handshake_timeout");
}

#[test]
fn tls_alert_handshake_failure() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::Alert);
    let o = tls_probe(&lab, "alert.test", srv);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["tls"]["class"]), "alert");
    assert_eq!(
        s(&o.json["tls"]["go_error"]),
        "remote error: tls: handshake failure"
    );
    assert_eq!(s(&o.json["failure"]["cause"]), "tls.handshake_failure");
}

// ------------------------------------------------------------------ proxies

fn proxy_probe(lab: &Lab, tgt: &str, proxy: &str, env: &[(&str, String)]) -> Out {
    run(lab, &["probe", "proxy", tgt, "--proxy", proxy], env)
}

/// A TLS target and the DNS that names it.
fn tls_target(lab: &Lab) -> (SocketAddr, Vec<(&'static str, String)>) {
    let srv = lab.tls(TlsMode::serve(
        lab.ca.issue(&["good.test"]),
        netlab::http::ok("hi"),
    ));
    let env = resolving(lab, &[("good.test", srv)]);
    (srv, env)
}

#[test]
fn proxy_open_tunnel_then_tls() {
    let lab = Lab::new();
    let (srv, env) = tls_target(&lab);
    let p = lab.proxy(ProxyMode::open(targets(&[(
        &target("good.test", srv),
        srv,
    )])));
    let o = proxy_probe(
        &lab,
        &target("good.test", srv),
        &format!("http://{p}"),
        &env,
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_eq!(s(&o.json["class"]), "ok");
    assert_eq!(o.json["connect"]["status"], 200);
    assert_eq!(s(&o.json["tunnel_tls"]["class"]), "interception_trusted");
    assert!(o.json["timings"]["tunnel_ms"].as_f64().is_some());
}

#[test]
fn proxy_https_proxy_url_with_tls_to_the_proxy() {
    let lab = Lab::new();
    let (srv, mut env) = tls_target(&lab);
    let leaf = lab.ca.issue(&["proxy.test"]);
    let p = netlab::proxy::start_tls(
        &lab,
        leaf,
        ProxyMode::open(targets(&[(&target("good.test", srv), srv)])),
    );
    let dns = lab.dns(DnsMode::zone(&[
        ("good.test", srv.ip()),
        ("proxy.test", p.ip()),
    ]));
    env[0].1 = dns.to_string();
    let o = proxy_probe(
        &lab,
        &target("good.test", srv),
        &format!("https://proxy.test:{}", p.port()),
        &env,
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_eq!(s(&o.json["proxy_tls"]["class"]), "interception_trusted");
    assert_eq!(s(&o.json["class"]), "ok");
}

#[test]
fn proxy_unreachable_refused() {
    let lab = Lab::new();
    let p = lab.closed_port();
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{p}"), &[]);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["class"]), "unreachable");
    assert_eq!(
        s(&o.json["go_error"]),
        format!("proxyconnect tcp: dial tcp {p}: connect: connection refused")
    );
}

#[test]
fn proxy_unreachable_name_does_not_resolve() {
    let lab = Lab::new();
    let dns = lab.dns(DnsMode::zone(&[]));
    let o = proxy_probe(
        &lab,
        "good.test:443",
        "http://proxy.corp.test:3128",
        &[("GOMOD_DIAG_SYSTEM_DNS", dns.to_string())],
    );
    assert_eq!(s(&o.json["class"]), "unreachable");
    assert_eq!(
        s(&o.json["go_error"]),
        format!("proxyconnect tcp: dial tcp: lookup proxy.corp.test on {dns}: no such host")
    );
}

#[test]
fn proxy_auth_required_basic_without_credentials() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::Basic {
        user: "u".into(),
        pass: "right".into(),
        targets: targets(&[]),
    });
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{p}"), &[]);
    assert_eq!(o.code, 1);
    assert_eq!(s(&o.json["class"]), "auth_required");
    assert_eq!(
        o.json["connect"]["auth_schemes"],
        serde_json::json!(["Basic"])
    );
    assert_eq!(s(&o.json["connect"]["proxy_agent"]), "netlab-proxy/1");
    assert_eq!(s(&o.json["go_error"]), "Proxy Authentication Required");
}

#[test]
fn proxy_auth_rejected_and_the_password_never_shows() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::Basic {
        user: "alice".into(),
        pass: "right".into(),
        targets: targets(&[]),
    });
    let url = format!("http://alice:hunter2secret@{p}");
    let o = proxy_probe(&lab, "good.test:443", &url, &[]);
    assert_eq!(s(&o.json["class"]), "auth_rejected");
    assert_eq!(o.json["credentials"], true);
    assert!(
        !o.stdout.contains("hunter2secret") && !o.stderr.contains("hunter2secret"),
        "{}",
        o.stdout
    );
    // Text output too.
    let mut c = lab.command();
    let t = c
        .args([
            "probe",
            "proxy",
            "good.test:443",
            "--proxy",
            &url,
            "--timeout",
            "2s",
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&t.stdout).contains("hunter2secret"));
    assert!(String::from_utf8_lossy(&t.stdout).contains("alice:xxxxx@"));
}

#[test]
fn proxy_auth_with_the_right_credentials_opens_the_tunnel() {
    let lab = Lab::new();
    let (srv, env) = tls_target(&lab);
    let p = lab.proxy(ProxyMode::Basic {
        user: "alice".into(),
        pass: "p@ss:w".into(),
        targets: targets(&[(&target("good.test", srv), srv)]),
    });
    let o = proxy_probe(
        &lab,
        &target("good.test", srv),
        &format!("http://alice:p%40ss%3Aw@{p}"),
        &env,
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
}

#[test]
fn proxy_auth_unsupported_ntlm_only() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::NtlmOnly);
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{p}"), &[]);
    assert_eq!(s(&o.json["class"]), "auth_unsupported");
    assert_eq!(
        o.json["connect"]["auth_schemes"],
        serde_json::json!(["NTLM", "Negotiate"])
    );
}

#[test]
fn proxy_connect_denied() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::status(403, "Forbidden"));
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{p}"), &[]);
    assert_eq!(s(&o.json["class"]), "connect_denied");
    assert_eq!(s(&o.json["go_error"]), "Forbidden");
    assert_eq!(s(&o.json["connect"]["via"]), "1.1 netlab-proxy");
    assert!(s(&o.json["connect"]["body_preview"]).contains("403"));
}

#[test]
fn proxy_upstream_failed() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::status(502, "Bad Gateway"));
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{p}"), &[]);
    assert_eq!(s(&o.json["class"]), "upstream_failed");
    assert_eq!(s(&o.json["go_error"]), "Bad Gateway");
}

#[test]
fn proxy_scheme_mismatch_https_url_for_plain_proxy() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::open(targets(&[])));
    let o = proxy_probe(&lab, "good.test:443", &format!("https://{p}"), &[]);
    assert_eq!(s(&o.json["class"]), "scheme_mismatch", "{}", o.stdout);
    assert_eq!(
        s(&o.json["go_error"]),
        "proxyconnect tcp: tls: first record does not look like a TLS handshake"
    );
}

/// A plain proxy that waits for a request line (tinyproxy) given an `https://` URL: Go's TLS
/// handshake times out; asked in plain HTTP, the proxy answers.
#[test]
fn proxy_scheme_mismatch_https_url_for_a_proxy_that_waits() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::WaitsForHead(targets(&[])));
    let o = run(
        &lab,
        &[
            "--timeout",
            "10s",
            "probe",
            "proxy",
            "good.test:443",
            "--proxy",
            &format!("https://{p}"),
        ],
        &[],
    );
    assert_eq!(s(&o.json["class"]), "scheme_mismatch", "{}", o.stdout);
    assert!(
        matches!(s(&o.json["listener"]), "http_proxy" | "http_server"),
        "{}",
        o.stdout
    );
    assert_eq!(
        s(&o.json["go_error"]),
        "proxyconnect tcp: net/http: TLS handshake timeout"
    );
}

#[test]
fn proxy_scheme_mismatch_http_url_for_socks() {
    let lab = Lab::new();
    let p = lab.socks5(SocksMode::Open(targets(&[])));
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{p}"), &[]);
    assert_eq!(s(&o.json["class"]), "scheme_mismatch", "{}", o.stdout);
    assert_eq!(s(&o.json["listener"]), "socks5");
}

#[test]
fn proxy_not_a_proxy_web_server() {
    let lab = Lab::new();
    let web = lab.http(netlab::http::handler(|_| {
        netlab::http::Response::new(404, "Not Found", "<html>nope</html>")
    }));
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{web}"), &[]);
    assert_eq!(s(&o.json["class"]), "not_a_proxy", "{}", o.stdout);
    assert_eq!(
        s(&o.json["connect"]["status_line"]),
        "HTTP/1.1 404 Not Found"
    );
}

#[test]
fn proxy_not_a_proxy_tls_server() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.ca.issue(&["x.test"]),
        netlab::http::ok("hi"),
    ));
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{srv}"), &[]);
    assert_eq!(s(&o.json["class"]), "not_a_proxy", "{}", o.stdout);
}

#[test]
fn proxy_silent_is_unreachable_within_the_deadline() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::Silent);
    let start = Instant::now();
    let o = proxy_probe(&lab, "good.test:443", &format!("http://{p}"), &[]);
    assert_eq!(s(&o.json["class"]), "unreachable");
    assert_eq!(s(&o.json["listener"]), "silent");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn socks5_open_sends_the_name_and_tunnels() {
    let lab = Lab::new();
    let (srv, env) = tls_target(&lab);
    let p = lab.socks5(SocksMode::Open(targets(&[(
        &target("good.test", srv),
        srv,
    )])));
    for scheme in ["socks5", "socks5h"] {
        let o = proxy_probe(
            &lab,
            &target("good.test", srv),
            &format!("{scheme}://{p}"),
            &env,
        );
        assert_eq!(o.code, 0, "{scheme}: {}", o.stdout);
        assert_eq!(o.json["socks"]["reply"], 0);
    }
}

#[test]
fn socks5_auth_rejected_and_denied() {
    let lab = Lab::new();
    let p = lab.socks5(SocksMode::UserPass {
        user: "u".into(),
        pass: "right".into(),
        targets: targets(&[]),
    });
    let o = proxy_probe(&lab, "good.test:443", &format!("socks5://u:wrong@{p}"), &[]);
    assert_eq!(s(&o.json["class"]), "auth_rejected");
    assert!(s(&o.json["go_error"]).ends_with("username/password authentication failed"));
    let o = proxy_probe(&lab, "good.test:443", &format!("socks5://{p}"), &[]);
    assert_eq!(s(&o.json["class"]), "auth_required");
    let d = lab.socks5(SocksMode::Reply(2));
    let o = proxy_probe(&lab, "good.test:443", &format!("socks5://{d}"), &[]);
    assert_eq!(s(&o.json["class"]), "connect_denied");
    assert_eq!(
        s(&o.json["go_error"]),
        format!(
            "socks connect tcp {d}->good.test:443: unknown error connection not allowed by ruleset"
        )
    );
}

#[test]
fn proxy_from_https_proxy_env_when_no_flag() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::status(403, "Forbidden"));
    let o = run(
        &lab,
        &["probe", "proxy", "good.test:443"],
        &[("HTTPS_PROXY", format!("{p}"))],
    );
    assert_eq!(
        s(&o.json["class"]),
        "connect_denied",
        "{}{}",
        o.stdout,
        o.stderr
    );
    // Without any proxy configured, there is nothing to probe: bad input.
    let o = run(&lab, &["probe", "proxy", "good.test:443"], &[]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--proxy"), "{}", o.stderr);
}

// ------------------------------------------------------------------ HTTP

#[test]
fn http_get_ok_with_headers_body_and_go_user_agent() {
    let lab = Lab::new();
    let leaf = lab.ca.issue(&["mod.test"]);
    let srv = lab.tls(TlsMode::serve(
        leaf,
        netlab::http::handler(|r| {
            netlab::http::Response::new(
                200,
                "OK",
                format!("ua={}", r.header("user-agent").unwrap_or("")),
            )
            .header("Server", "netlab")
        }),
    ));
    let env = resolving(&lab, &[("mod.test", srv)]);
    let url = format!("https://mod.test:{}/golang.org/x/text/@v/list", srv.port());
    let o = run(&lab, &["probe", "http", &url], &env);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_eq!(o.json["status"], 200);
    assert_eq!(s(&o.json["reason"]), "OK");
    assert_eq!(
        s(&o.json["body_preview"]),
        "ua=GoCommand/1 (+https://go.dev/cmd/go)"
    );
    assert_eq!(s(&o.json["headers"]["server"]), "netlab");
    assert!(o.json["timings"]["first_byte_ms"].as_f64().is_some());
    assert_eq!(o.json["clock"]["significant"], false);
    assert!(
        o.json.get("body").is_none(),
        "raw body bytes are not serialized"
    );
}

#[test]
fn http_redirect_chain_and_secure_to_insecure_refused() {
    let lab = Lab::new();
    let plain = lab.http(netlab::http::ok("insecure"));
    let leaf = lab.ca.issue(&["mod.test"]);
    let plain_url = format!("http://{plain}/x");
    let srv = lab.tls(TlsMode::serve(
        leaf,
        netlab::http::handler(move |r| match r.target.as_str() {
            "/a" => netlab::http::Response::new(302, "Found", "").header("Location", "/b"),
            "/b" => netlab::http::Response::new(200, "OK", "b"),
            _ => netlab::http::Response::new(302, "Found", "").header("Location", &plain_url),
        }),
    ));
    let env = resolving(&lab, &[("mod.test", srv)]);
    let o = run(
        &lab,
        &[
            "probe",
            "http",
            &format!("https://mod.test:{}/a", srv.port()),
        ],
        &env,
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_eq!(
        o.json["redirects"],
        serde_json::json!([format!("https://mod.test:{}/b", srv.port())])
    );
    let o = run(
        &lab,
        &[
            "probe",
            "http",
            &format!("https://mod.test:{}/c", srv.port()),
        ],
        &env,
    );
    assert_eq!(o.code, 1);
    assert_eq!(
        s(&o.json["error"]["go_error"]),
        format!("Get \"http://{plain}/x\": redirected from secure URL https://mod.test:{}/c to insecure URL http://{plain}/x", srv.port())
    );
}

#[test]
fn http_failure_gives_gos_full_text_dns() {
    let lab = Lab::new();
    let dns = lab.dns(DnsMode::zone(&[]));
    let o = run(
        &lab,
        &[
            "probe",
            "http",
            "https://proxy.golang.org/golang.org/x/text/@v/list",
        ],
        &[("GOMOD_DIAG_SYSTEM_DNS", dns.to_string())],
    );
    assert_eq!(o.code, 1);
    assert_eq!(
        s(&o.json["error"]["go_error"]),
        format!("Get \"https://proxy.golang.org/golang.org/x/text/@v/list\": dial tcp: lookup proxy.golang.org on {dns}: no such host")
    );
    assert_eq!(s(&o.json["error"]["stage"]), "dns");
}

#[test]
fn http_failure_gives_gos_full_text_tls() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.interception_ca.issue(&["mod.test"]),
        netlab::http::ok("hi"),
    ));
    let env = resolving(&lab, &[("mod.test", srv)]);
    let url = format!("https://mod.test:{}/x/@v/list", srv.port());
    let o = run(&lab, &["probe", "http", &url], &env);
    assert_eq!(s(&o.json["error"]["go_error"]), format!("Get \"{url}\": tls: failed to verify certificate: x509: certificate signed by unknown authority"));
    assert_eq!(s(&o.json["error"]["cause"]), "tls.untrusted_interception");
}

#[test]
fn http_through_a_proxy_that_wants_auth() {
    let lab = Lab::new();
    let p = lab.proxy(ProxyMode::Basic {
        user: "u".into(),
        pass: "p".into(),
        targets: targets(&[]),
    });
    let o = run(
        &lab,
        &[
            "probe",
            "http",
            "https://proxy.golang.org/x/@v/list",
            "--proxy",
            &format!("http://{p}"),
        ],
        &[],
    );
    assert_eq!(o.code, 1);
    assert_eq!(
        s(&o.json["error"]["go_error"]),
        "Get \"https://proxy.golang.org/x/@v/list\": Proxy Authentication Required"
    );
    assert_eq!(s(&o.json["error"]["cause"]), "proxy.auth_required");
}

#[test]
fn http_clock_skew_from_the_date_header() {
    let lab = Lab::new();
    let srv = lab.http(netlab::http::handler(|_| {
        netlab::http::Response::new(200, "OK", "x").header("Date", "Mon, 01 Jan 2001 00:00:00 GMT")
    }));
    let o = run(&lab, &["probe", "http", &format!("http://{srv}/")], &[]);
    assert_eq!(o.json["clock"]["significant"], true, "{}", o.stdout);
    assert!(o.json["clock"]["skew_secs"].as_f64().unwrap() > 86_400.0);
}

// ------------------------------------------------------------------ no hang

#[test]
fn every_peer_silent_still_ends_within_the_deadline() {
    let lab = Lab::new();
    let silent_dns = lab.dns(DnsMode::Silent);
    let silent_tls = lab.tls(TlsMode::Silent);
    let silent_proxy = lab.proxy(ProxyMode::Silent);
    let hole = lab.blackhole();
    let env = vec![("GOMOD_DIAG_SYSTEM_DNS", silent_dns.to_string())];
    let runs: Vec<Vec<String>> = vec![
        vec![
            "probe".into(),
            "dns".into(),
            "proxy.golang.org".into(),
            "--system-dns".into(),
            silent_dns.to_string(),
            "--public-dns".into(),
            silent_dns.to_string(),
        ],
        vec!["probe".into(), "tls".into(), silent_tls.to_string()],
        vec!["probe".into(), "tcp".into(), hole.to_string()],
        vec![
            "probe".into(),
            "http".into(),
            "https://proxy.golang.org/x/@v/list".into(),
        ],
        vec![
            "probe".into(),
            "http".into(),
            "https://proxy.golang.org/x/@v/list".into(),
            "--proxy".into(),
            format!("http://{silent_proxy}"),
        ],
        vec![
            "probe".into(),
            "proxy".into(),
            "proxy.golang.org:443".into(),
            "--proxy".into(),
            format!("http://{hole}"),
        ],
    ];
    let start = Instant::now();
    std::thread::scope(|sc| {
        for args in &runs {
            let lab = &lab;
            let env = &env;
            sc.spawn(move || {
                let t = Instant::now();
                let a: Vec<&str> = args.iter().map(String::as_str).collect();
                let o = run(lab, &a, env);
                assert_eq!(o.code, 1, "{args:?}: {}{}", o.stdout, o.stderr);
                // --timeout 2s: generous slack for a loaded machine, but no hang.
                assert!(
                    t.elapsed() < Duration::from_secs(8),
                    "{args:?} took {:?}",
                    t.elapsed()
                );
            });
        }
    });
    assert!(start.elapsed() < Duration::from_secs(10));
}

/// The whole `gomod-diag run` (configuration, Go's walk over every GOPROXY entry, the
/// evidence probes) with every peer silent still ends with a report, within its deadline.
#[test]
fn full_run_with_every_peer_silent_ends_with_a_verdict() {
    let lab = Lab::new();
    let silent_dns = lab.dns(DnsMode::Silent);
    let silent_tls = lab.tls(TlsMode::Silent);
    let hole = lab.blackhole();
    let env = vec![
        ("GOMOD_DIAG_SYSTEM_DNS", silent_dns.to_string()),
        ("GOENV", "off".to_string()),
        // `|` so Go walks every entry: a silent TLS server, a black hole, a name only a silent
        // resolver could answer, then direct mode for a name behind the same resolver.
        (
            "GOPROXY",
            format!("https://{silent_tls}|https://{hole}|https://proxy.golang.org,direct"),
        ),
    ];
    let t = Instant::now();
    let o = run(
        &lab,
        &[
            "run",
            "--module",
            "example.com/m@v1.0.0",
            "--public-dns",
            &silent_dns.to_string(),
        ],
        &env,
    );
    // Go will fail (1), or the deadline left a step unobserved (3): never a hang, never a crash.
    assert!(
        matches!(o.code, 1 | 3),
        "exit {}: {}{}",
        o.code,
        o.stdout,
        o.stderr
    );
    assert!(
        o.json["verdict"]["cause"]["id"].is_string(),
        "no verdict: {}",
        o.stdout
    );
    // --timeout 2s: generous slack for a loaded machine, but no hang.
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn http_through_socks_reports_the_chain() {
    // reqwest is built without SOCKS: the GET is not sent, the chain probe still explains.
    let lab = Lab::new();
    let d = lab.socks5(SocksMode::Reply(2));
    let o = run(
        &lab,
        &[
            "probe",
            "http",
            "https://proxy.golang.org/x/@v/list",
            "--proxy",
            &format!("socks5://{d}"),
        ],
        &[],
    );
    assert_eq!(o.code, 1);
    assert_eq!(
        s(&o.json["error"]["cause"]),
        "proxy.connect_denied",
        "{}",
        o.stdout
    );
    assert_eq!(
        s(&o.json["error"]["go_error"]),
        format!("Get \"https://proxy.golang.org/x/@v/list\": socks connect tcp {d}->proxy.golang.org:443: unknown error connection not allowed by ruleset")
    );
}

/// Facts are re-read later (saved reports): every probe's JSON deserializes into its type and
/// serializes back to the same JSON.
#[test]
fn facts_round_trip_through_json() {
    use gomod_diag::probe::{
        chain::EndpointFacts, dns::DnsFacts, http::HttpFacts, proxy::ProxyFacts, tcp::TcpFacts,
    };
    fn check<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) {
        let t: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"));
        assert_eq!(&serde_json::to_value(&t).unwrap(), v);
    }
    let lab = Lab::new();
    let (srv, env) = tls_target(&lab);
    let p = lab.proxy(ProxyMode::open(targets(&[(
        &target("good.test", srv),
        srv,
    )])));
    check::<EndpointFacts>(&run(&lab, &["probe", "tls", &target("good.test", srv)], &env).json);
    check::<ProxyFacts>(
        &proxy_probe(
            &lab,
            &target("good.test", srv),
            &format!("http://{p}"),
            &env,
        )
        .json,
    );
    check::<TcpFacts>(&run(&lab, &["probe", "tcp", &target("good.test", srv)], &env).json);
    check::<HttpFacts>(
        &run(
            &lab,
            &[
                "probe",
                "http",
                &format!("https://{}/", target("good.test", srv)),
            ],
            &env,
        )
        .json,
    );
    let sys = lab.dns(DnsMode::zone(&[("good.test", srv.ip())]));
    check::<DnsFacts>(&dns_probe(&lab, "good.test", sys, sys, &[]).json);
}

#[test]
fn bad_inputs_name_the_accepted_form() {
    let lab = Lab::new();
    for (args, needle) in [
        (
            vec!["probe", "dns", "https://proxy.golang.org/"],
            "DNS name",
        ),
        (vec!["probe", "tls", "a.test:notaport"], "HOST[:PORT]"),
        (vec!["probe", "http", "proxy.golang.org/x"], "https://"),
        (
            vec!["probe", "proxy", "a.test", "--proxy", "ftp://p:21"],
            "proxy URL",
        ),
        (
            vec!["probe", "dns", "a.test", "--doh", "http://plain/dns-query"],
            "https://",
        ),
    ] {
        let o = run(&lab, &args, &[]);
        assert_eq!(o.code, 2, "{args:?}: {}{}", o.stdout, o.stderr);
        assert!(o.stderr.contains(needle), "{args:?}: {}", o.stderr);
    }
}

// ------------------------------------------------------------------ incomplete chain

/// A server that sends only its leaf, issued by an intermediate of the CA the binary trusts.
#[test]
fn tls_leaf_without_its_intermediate_is_an_incomplete_chain() {
    let lab = Lab::new();
    let inter = lab.ca.intermediate("Lab Issuing CA 1", "gomod-diag tests");
    let url = "http://ca.lab.test/issuing-ca-1.crt";
    let leaf_only = lab.tls(TlsMode::serve(
        inter.issue_leaf_only(&["site.test"], url),
        netlab::http::ok("hi"),
    ));
    let o = tls_probe(&lab, "site.test", leaf_only);
    assert_eq!(o.code, 1, "{}", o.stdout);
    let t = &o.json["tls"];
    assert_eq!(s(&t["class"]), "incomplete_chain", "{}", o.stdout);
    assert_eq!(
        s(&t["go_error"]),
        "tls: failed to verify certificate: x509: certificate signed by unknown authority",
        "Go's own text, the same as for an untrusted CA"
    );
    assert_eq!(s(&o.json["failure"]["cause"]), "tls.incomplete_chain");
    assert_eq!(
        s(&t["missing_issuer"]["name"]),
        "Lab Issuing CA 1, O=gomod-diag tests"
    );
    assert_eq!(s(&t["missing_issuer"]["ca_issuers"][0]), url);
    assert_eq!(t["chain"].as_array().map(Vec::len), Some(1));
    let mut text = lab.command();
    text.args([
        "probe",
        "tls",
        &target("site.test", leaf_only),
        "--timeout",
        "2s",
    ]);
    for (k, v) in resolving(&lab, &[("site.test", leaf_only)]) {
        text.env(k, v);
    }
    let text = String::from_utf8_lossy(&text.output().unwrap().stdout).into_owned();
    assert!(
        text.contains("not sent")
            && text.contains(&format!(
                "Lab Issuing CA 1, O=gomod-diag tests (published at {url})"
            )),
        "{text}"
    );

    // The same leaf with its intermediate is fine: the root is trusted, only the link lacked.
    let mut full = inter.issue_leaf_only(&["site.test"], url);
    full.chain.push(inter.cert_der());
    let complete = lab.tls(TlsMode::serve(full, netlab::http::ok("hi")));
    let o = tls_probe(&lab, "site.test", complete);
    assert_eq!(o.json["tls"]["go_trust"]["trusted"], true, "{}", o.stdout);

    // The client-side fix: Go reads the intermediate from SSL_CERT_DIR (the bundle stays).
    let dir = lab.dir.path().join("extra-certs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("issuing-ca-1.pem"), inter.cert_pem()).unwrap();
    let mut env = resolving(&lab, &[("site.test", leaf_only)]);
    env.push(("SSL_CERT_DIR", dir.display().to_string()));
    let o = run(
        &lab,
        &["probe", "tls", &target("site.test", leaf_only)],
        &env,
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_eq!(o.json["tls"]["go_trust"]["trusted"], true, "{}", o.stdout);
}

/// An intercepting CA's leaf sent alone (no published issuer) stays an untrusted CA.
#[test]
fn tls_interception_leaf_alone_stays_untrusted() {
    let lab = Lab::new();
    let mut leaf = lab.interception_ca.issue(&["proxy.golang.org"]);
    leaf.chain.truncate(1);
    let srv = lab.tls(TlsMode::serve(leaf, netlab::http::ok("hi")));
    let o = tls_probe(&lab, "proxy.golang.org", srv);
    let t = &o.json["tls"];
    assert_eq!(s(&t["class"]), "untrusted", "{}", o.stdout);
    assert!(t["missing_issuer"].is_null());
    assert_eq!(s(&o.json["failure"]["cause"]), "tls.untrusted_interception");
}
