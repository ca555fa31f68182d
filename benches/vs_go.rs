//! gomod-diag against the real Go, side by side in the fidelity lab's network namespaces
//! (`sudo -E cargo bench --bench vs_go`; root, `ip`, `nft` and `go` needed — without them it
//! says why and exits 0). Per case: the wall time of `go mod download -json MODULE`, of
//! `gomod-diag --json --module MODULE` (release build), their ratio, both verdicts and
//! gomod-diag's peak RSS (the kernel's, from `wait4`). Reports numbers; asserts nothing.
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

/// `gomod-diag --json --module M` inside the namespace, run as Go is run (no wrapper); the
/// peak RSS comes from the kernel's accounting of the child (`wait4`).
fn gomod_diag(lab: &lab::Lab) -> Diag {
    use std::os::unix::process::ExitStatusExt;
    let mut cmd = lab.ns.command(env!("CARGO_BIN_EXE_gomod-diag"));
    cmd.args(["--json", "--public-dns", "127.0.0.1:9", "--module", M])
        .current_dir(lab.work_dir())
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in &lab.env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    // Reaped by the wait4 below (which also gives the rusage), not by Child::wait.
    #[allow(clippy::zombie_processes)]
    let mut child = cmd.spawn().expect("run gomod-diag");
    // Drained on a thread: a report larger than the pipe must not stall the child.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut buf);
        buf
    });
    // `ip netns exec` execs the client in place: the pid waited for is the client's.
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: `pid` is our child, not yet waited for; both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    let stdout = reader.join().unwrap_or_default();
    let peak_rss_kb = (waited == pid).then_some(usage.ru_maxrss as u64);
    let out = std::process::Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout,
        stderr: Vec::new(),
    };
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
    // BENCH_HOLD=SECONDS keeps one healthy lab up that long and prints how to enter it (to
    // time or trace the two clients by hand: `ip netns exec NAME env $(cat ENVFILE) ...`).
    if let Some(secs) = std::env::var("BENCH_HOLD")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        let lab = lab::Lab::start("benchhold", &[], &[]);
        lab.ns
            .write_resolv_conf("nameserver 127.0.0.53\n")
            .expect("resolv.conf");
        let envfile = lab.work_dir().join("bench.env");
        let lines: Vec<String> = lab.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        std::fs::write(&envfile, lines.join("\n") + "\n").expect("env file");
        println!(
            "vs_go: holding netns {} for {secs} s; cwd {}; env in {}",
            lab.ns.name,
            lab.work_dir().display(),
            envfile.display()
        );
        std::thread::sleep(Duration::from_secs(secs));
        return;
    }
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let mut rows = vec![];
    for (i, c) in CASES.iter().enumerate() {
        if !c.name.contains(only.as_str()) {
            continue;
        }
        // A healthy run takes tens of milliseconds: one run is noise, the median of several
        // is the figure (BENCH_RUNS overrides; the black holes' seconds need one run).
        let runs: usize = std::env::var("BENCH_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(if c.name == "healthy" { 7 } else { 1 })
            .max(1);
        let mut samples = vec![];
        for r in 0..runs {
            // A fresh lab each run: Go starts with an empty module cache every time.
            let lab = lab::Lab::start(&format!("bench{i}r{r}"), c.faults, c.env);
            // Go's own resolver defaults (timeout:5 attempts:2), not the lab's shortened ones.
            lab.ns
                .write_resolv_conf("nameserver 127.0.0.53\n")
                .expect("resolv.conf");
            let go = gorun::go_mod_download(&lab.ns, M, &lab.env, &lab.work_dir());
            let diag = gomod_diag(&lab);
            drop(lab);
            samples.push((go, diag));
        }
        let median = |mut v: Vec<f64>| {
            v.sort_by(|a, b| a.total_cmp(b));
            v[v.len() / 2]
        };
        let go_s = median(
            samples
                .iter()
                .map(|(g, _)| g.elapsed.as_secs_f64())
                .collect(),
        );
        let diag_s = median(
            samples
                .iter()
                .map(|(_, d)| d.elapsed.as_secs_f64())
                .collect(),
        );
        let (go, diag) = samples.pop().expect("one run at least");
        let go_verdict = match &go.error {
            None if go.succeeded => "ok".to_string(),
            Some(e) => format!("fails: {}", normalize::key_of(e)),
            None => "fails".to_string(),
        };
        let secs = |s: f64| {
            if s < 1.0 {
                format!("{s:.3} s")
            } else {
                format!("{s:.2} s")
            }
        };
        let row = format!(
            "| {}{} | {} | {} | {:.2}× | {} | {} | {} |",
            c.name,
            if runs > 1 {
                format!(" (median of {runs})")
            } else {
                String::new()
            },
            secs(go_s),
            secs(diag_s),
            go_s / diag_s.max(1e-3),
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
