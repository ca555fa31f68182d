//! Probe latency on loopback fixtures (`cargo bench --bench probes`). Reports numbers; asserts
//! nothing about timing. Scenarios:
//! - healthy: `probe http` to a fixture HTTPS server (DNS → TCP → TLS → GET), direct and
//!   through a CONNECT proxy;
//! - silent: every peer silent, with the default run timeout (15 s → 5 s per step);
//! - concurrency: 20 endpoint chains at once through the library (healthy, then silent with a
//!   2 s run timeout), to show a run costs the slowest chain, not the sum.

#[path = "../tests/it/netlab/mod.rs"]
mod netlab;

use std::time::{Duration, Instant};

use gomod_diag::probe::{chain, ProbeOptions, Route};
use netlab::dns::DnsMode;
use netlab::proxy::{targets, ProxyMode};
use netlab::tls::TlsMode;
use netlab::Lab;

fn time_cmd(
    lab: &Lab,
    args: &[&str],
    env: &[(&str, String)],
    runs: usize,
) -> (Duration, Duration, i32) {
    let mut times = Vec::new();
    let mut code = 0;
    for _ in 0..runs {
        let mut c = lab.command();
        c.args(args).arg("--json");
        for (k, v) in env {
            c.env(k, v);
        }
        let t = Instant::now();
        let o = c.output().expect("run");
        times.push(t.elapsed());
        code = o.status.code().unwrap_or(-1);
    }
    times.sort();
    (times[times.len() / 2], times[times.len() - 1], code)
}

fn report(name: &str, (median, max, code): (Duration, Duration, i32)) {
    println!(
        "{name:<58} median {:>8.1} ms   max {:>8.1} ms   exit {code}",
        median.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

fn main() {
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.ca.issue(&["mod.test"]),
        netlab::http::ok("v1.0.0\n"),
    ));
    let dns = lab.dns(DnsMode::zone(&[("mod.test", srv.ip())]));
    let env = vec![("GOMOD_DIAG_SYSTEM_DNS", dns.to_string())];
    let url = format!("https://mod.test:{}/example.com/m/@v/list", srv.port());
    let proxy = lab.proxy(ProxyMode::open(targets(&[(
        &format!("mod.test:{}", srv.port()),
        srv,
    )])));

    println!("gomod-diag probe benchmarks (loopback fixtures; process start included)");
    report(
        "healthy: probe http (DNS+TCP+TLS+GET), direct",
        time_cmd(&lab, &["probe", "http", &url], &env, 15),
    );
    report(
        "healthy: probe http through a CONNECT proxy",
        time_cmd(
            &lab,
            &["probe", "http", &url, "--proxy", &format!("http://{proxy}")],
            &env,
            15,
        ),
    );
    report(
        "healthy: probe dns (system + public, UDP+TCP)",
        time_cmd(
            &lab,
            &[
                "probe",
                "dns",
                "mod.test",
                "--system-dns",
                &dns.to_string(),
                "--public-dns",
                &dns.to_string(),
            ],
            &[],
            15,
        ),
    );

    let silent_dns = lab.dns(DnsMode::Silent);
    let silent_tls = lab.tls(TlsMode::Silent);
    let silent_proxy = lab.proxy(ProxyMode::Silent);
    let senv = vec![("GOMOD_DIAG_SYSTEM_DNS", silent_dns.to_string())];
    report(
        "silent (default --timeout 15s): probe dns, all resolvers",
        time_cmd(
            &lab,
            &[
                "probe",
                "dns",
                "mod.test",
                "--system-dns",
                &silent_dns.to_string(),
                "--public-dns",
                &silent_dns.to_string(),
            ],
            &[],
            1,
        ),
    );
    report(
        "silent (default timeout): probe http, DNS silent",
        time_cmd(&lab, &["probe", "http", "https://mod.test/x"], &senv, 1),
    );
    report(
        "silent (default timeout): probe tls, handshake silent",
        time_cmd(&lab, &["probe", "tls", &silent_tls.to_string()], &[], 1),
    );
    report(
        "silent (default timeout): probe proxy, proxy silent",
        time_cmd(
            &lab,
            &[
                "probe",
                "proxy",
                "mod.test:443",
                "--proxy",
                &format!("http://{silent_proxy}"),
            ],
            &senv,
            1,
        ),
    );

    // Library: 20 chains at once.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    // Each healthy endpoint has its own name, address and certificate; one DNS zone names them.
    let servers: Vec<(String, std::net::SocketAddr)> = (0..20)
        .map(|i| {
            let name = format!("m{i}.test");
            let srv = lab.tls(TlsMode::serve(
                lab.ca.issue(&[name.as_str()]),
                netlab::http::ok("x"),
            ));
            (name, srv)
        })
        .collect();
    let zone: Vec<(&str, std::net::IpAddr)> =
        servers.iter().map(|(n, a)| (n.as_str(), a.ip())).collect();
    let zone_dns = lab.dns(DnsMode::zone(&zone));
    let healthy: Vec<(url::Url, Route)> = servers
        .iter()
        .map(|(n, a)| {
            (
                url::Url::parse(&format!("https://{n}:{}/", a.port())).unwrap(),
                Route::Direct,
            )
        })
        .collect();
    let silent: Vec<(url::Url, Route)> = (0..20)
        .map(|_| {
            (
                url::Url::parse(&format!("https://{}/", lab.tls(TlsMode::Silent))).unwrap(),
                Route::Direct,
            )
        })
        .collect();
    // SAFETY of the environment: the trust store is read once per process, from SSL_CERT_FILE.
    std::env::set_var("SSL_CERT_FILE", lab.ca_file());
    std::env::set_var("SSL_CERT_DIR", lab.dir.path().join("empty-cert-dir"));
    for (name, eps, timeout) in [
        ("20 healthy chains concurrently (library)", healthy, 15),
        (
            "20 silent chains concurrently, --timeout 2s (library)",
            silent,
            2,
        ),
    ] {
        let mut opts = ProbeOptions::new(Duration::from_secs(timeout));
        opts.system_dns = Some(zone_dns);
        let t = Instant::now();
        let facts = rt.block_on(chain::probe_all(eps, &opts));
        let ok = facts.iter().filter(|f| f.ok()).count();
        println!(
            "{name:<58} total  {:>8.1} ms   ({ok}/20 ok)",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
}
