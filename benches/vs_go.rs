//! gomod-diag against the real Go, side by side in the fidelity lab's network namespaces
//! (`sudo -E cargo bench --bench vs_go`; root, `ip`, `nft` and `go` needed — without them it
//! says why and exits 0). Per case: the wall time of `go mod download -json MODULE`, of
//! `gomod-diag --json --module MODULE` (release build), their ratio, both verdicts and
//! gomod-diag's peak RSS (`/usr/bin/time -v`). Reports numbers; asserts nothing.
//!
//! The two clients run one after the other in the same lab (a fresh namespace per case), so
//! neither competes with the other for the CPU. BENCH_ONLY=<substring> picks cases.

#![allow(dead_code, unused_imports)]

#[path = "../tests/fidelity/githttp.rs"]
mod githttp;
#[path = "../tests/fidelity/gorun.rs"]
mod gorun;
#[path = "../tests/fidelity/lab.rs"]
mod lab;
#[path = "../tests/it/modlab/mod.rs"]
mod modlab;
#[path = "../tests/it/netlab/mod.rs"]
mod netlab;
#[path = "../tests/fidelity/netns.rs"]
mod netns;
#[path = "../tests/fidelity/normalize.rs"]
mod normalize;
#[path = "../tests/fidelity/othervcs.rs"]
mod othervcs;
#[path = "../tests/fidelity/peers.rs"]
mod peers;
#[path = "../tests/fidelity/servers.rs"]
mod servers;

use std::process::Stdio;
use std::time::{Duration, Instant};

use lab::{Fault, Fault::*, ProxyKind, TlsFault};

const M: &str = "example.com/hello@v1.0.0";
const PGO: &str = "proxy.golang.org";
const PROXY: &str = "http://proxy.corp.example:3128";

struct Case {
    name: &'static str,
    env: &'static [(&'static str, &'static str)],
    faults: &'static [Fault],
}

const CASES: &[Case] = &[
    Case {
        name: "healthy",
        env: &[],
        faults: &[],
    },
    Case {
        name: "system resolver silent",
        env: &[],
        faults: &[ResolverDown],
    },
    Case {
        name: "TLS peer silent",
        env: &[],
        faults: &[Tls(PGO, TlsFault::Silent)],
    },
    Case {
        name: "SYN to proxy.golang.org dropped",
        env: &[],
        faults: &[Dropped(PGO)],
    },
    Case {
        name: "HTTP_PROXY only, direct path firewalled",
        env: &[("HTTP_PROXY", PROXY)],
        faults: &[Dropped(PGO), Proxy(ProxyKind::Open)],
    },
    Case {
        name: "silent proxy",
        env: &[("HTTPS_PROXY", PROXY)],
        faults: &[DirectBlocked, Proxy(ProxyKind::Silent)],
    },
];

struct Diag {
    elapsed: Duration,
    verdict: String,
    peak_rss_kb: Option<u64>,
}

/// `gomod-diag --json --module M` under `/usr/bin/time -v` inside the namespace.
fn gomod_diag(lab: &lab::Lab) -> Diag {
    let mut cmd = lab.ns.command("/usr/bin/time");
    cmd.arg("-v")
        .arg(env!("CARGO_BIN_EXE_gomod-diag"))
        .args(["--json", "--public-dns", "127.0.0.1:9", "--module", M])
        .current_dir(lab.work_dir())
        .env_clear()
        .stdin(Stdio::null());
    for (k, v) in &lab.env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let out = cmd.output().expect("run gomod-diag");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak_rss_kb = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok());
    // BENCH_REPORTS=DIR keeps each JSON report (for looking at where the time went).
    if let Ok(dir) = std::env::var("BENCH_REPORTS") {
        let name: String = lab
            .ns
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let _ = std::fs::write(format!("{dir}/{name}.json"), &out.stdout);
    }
    let verdict = match serde_json::from_slice::<serde_json::Value>(&out.stdout) {
        Ok(r) => {
            let v = &r["verdict"];
            let ok = v["go_will_succeed"].as_bool().unwrap_or(false);
            let cause = v["cause"]["id"].as_str().unwrap_or("?");
            if ok {
                "ok".to_string()
            } else {
                format!("fails: {cause}")
            }
        }
        Err(_) => format!("no report (exit {:?})", out.status.code()),
    };
    Diag {
        elapsed,
        verdict,
        peak_rss_kb,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    if let Some(why) = netns::missing_prerequisite() {
        println!("vs_go: skipped ({why})");
        return;
    }
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    netns::remove_stale();
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let mut rows = vec![];
    for (i, c) in CASES.iter().enumerate() {
        if !c.name.contains(only.as_str()) {
            continue;
        }
        let lab = lab::Lab::start(&format!("bench{i}"), c.faults, c.env);
        // Go's own resolver defaults (timeout:5 attempts:2), not the lab's shortened ones.
        lab.ns
            .write_resolv_conf("nameserver 127.0.0.53\n")
            .expect("resolv.conf");
        let go = gorun::go_mod_download(&lab.ns, M, &lab.env, &lab.work_dir());
        let diag = gomod_diag(&lab);
        drop(lab);
        let go_verdict = match &go.error {
            None if go.succeeded => "ok".to_string(),
            Some(e) => format!("fails: {}", normalize::key_of(e)),
            None => "fails".to_string(),
        };
        let row = format!(
            "| {} | {:.2} s | {:.2} s | {:.1}× | {} | {} | {} |",
            c.name,
            go.elapsed.as_secs_f64(),
            diag.elapsed.as_secs_f64(),
            go.elapsed.as_secs_f64() / diag.elapsed.as_secs_f64().max(1e-3),
            go_verdict,
            diag.verdict,
            diag.peak_rss_kb
                .map(|k| format!("{:.1} MB", k as f64 / 1024.0))
                .unwrap_or_else(|| "?".into()),
        );
        eprintln!("{row}");
        rows.push(row);
    }
    println!("| case | Go | gomod-diag | Go ÷ gomod-diag | Go's result | gomod-diag's verdict | peak RSS |");
    println!("|---|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
