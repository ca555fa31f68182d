//! Issue 12's behaviours end to end, with no timing asserted: the walk follows Go through a
//! long GOPROXY list, a step cut by `--timeout` is inconclusive (exit 3) and says what was
//! not observed, and a silent peer is called silent with the assumption stated.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

use crate::modlab::{LabServer, ModuleStore, SumDb};
use crate::netlab::dns::DnsMode;
use crate::netlab::Lab;

const MODULE: &str = "example.com/hello@v1.0.0";

fn run(home: &Path, vars: &[(&str, String)], args: &[&str]) -> Output {
    let home_s = home.to_str().unwrap();
    let mut c = Command::cargo_bin("gomod-diag").unwrap();
    c.env_clear().current_dir(home);
    for (k, v) in [
        ("HOME", home_s.to_string()),
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9".to_string()),
        ("GOTOOLCHAIN", "local".to_string()),
        ("GOTELEMETRY", "off".to_string()),
        ("GOPATH", format!("{home_s}/gopath")),
        ("GOMODCACHE", format!("{home_s}/modcache")),
    ] {
        c.env(k, v);
    }
    for (k, v) in vars {
        c.env(k, v);
    }
    c.args(args).output().unwrap()
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", show(o)))
}

#[test]
fn the_walk_falls_through_a_five_entry_goproxy_to_the_last() {
    // Four mirrors without the module (404: Go moves on at `,`), the fifth has it.
    let empty: Vec<LabServer> = (41..45)
        .map(|i| LabServer::start(&format!("127.0.0.{i}"), ModuleStore::default(), None))
        .collect();
    let store = ModuleStore::fixtures();
    let db = SumDb::new("sum.lab.test", &store);
    let good = LabServer::start("127.0.0.45", store, Some(db));
    let goproxy: Vec<String> = empty
        .iter()
        .map(LabServer::url)
        .chain([good.url()])
        .collect();
    let vars = [
        ("GOPROXY", goproxy.join(",")),
        ("GOSUMDB", format!("{} {}", good.sumdb_key(), good.url())),
    ];
    let home = tempfile::tempdir().unwrap();
    let o = run(
        home.path(),
        &vars,
        &["--module", MODULE, "--json", "--timeout", "20s"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let r = json(&o);
    assert_eq!(r["verdict"]["go_will_succeed"], true, "{}", show(&o));
    assert_eq!(r["prediction"]["inconclusive"], false);
    // Every mirror was asked, the last one for every stage.
    for e in &empty {
        assert!(!e.requests().is_empty(), "{} never asked", e.url());
    }
    let asked = good.requests();
    for stage in [".info", ".mod", "/lookup/"] {
        assert!(
            asked.iter().any(|u| u.contains(stage)),
            "{stage}: {asked:?}"
        );
    }
}

#[test]
fn a_step_cut_by_the_deadline_is_inconclusive_and_named() {
    // The system resolver never answers and nothing else on the network does: only the run
    // deadline ends the wait, so nothing about Go's failure is known.
    let lab = Lab::new();
    let dns = crate::netlab::dns::start(&lab, DnsMode::Silent);
    let server = LabServer::start("127.0.0.46", ModuleStore::fixtures(), None);
    let port = server.url().rsplit(':').next().unwrap().to_string();
    let vars = [
        ("GOPROXY", format!("http://mirror.lab.test:{port}")),
        ("GOSUMDB", "off".to_string()),
        ("GOMOD_DIAG_SYSTEM_DNS", dns.to_string()),
    ];
    let home = tempfile::tempdir().unwrap();
    let o = run(
        home.path(),
        &vars,
        &["--module", MODULE, "--json", "--timeout", "2s"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", show(&o));
    let r = json(&o);
    assert_eq!(r["verdict"]["cause"]["id"], "inconclusive", "{}", show(&o));
    assert_eq!(r["facts"]["deadline_expired"], true);
    let assumptions = r["facts"]["assumptions"].to_string();
    assert!(
        assumptions.contains("not observed, the run deadline"),
        "{assumptions}"
    );
    // The text names what was not observed.
    let text = run(home.path(), &vars, &["--module", MODULE, "--timeout", "2s"]);
    assert_eq!(text.status.code(), Some(3), "{}", show(&text));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("not observed"), "{out}");
    assert!(out.contains("mirror.lab.test"), "{out}");
}

#[test]
fn a_silent_resolver_is_called_silent_when_another_answered() {
    // The "public" resolver answers; the system resolver is silent: the verdict comes
    // without Go's 2 × 5 s wait, and says what it assumed.
    let lab = Lab::new();
    let silent = crate::netlab::dns::start(&lab, DnsMode::Silent);
    let public = crate::netlab::dns::start(
        &lab,
        DnsMode::zone(&[("mirror.lab.test", "127.0.0.47".parse().unwrap())]),
    );
    let server = LabServer::start("127.0.0.47", ModuleStore::fixtures(), None);
    let port = server.url().rsplit(':').next().unwrap().to_string();
    let vars = [
        ("GOPROXY", format!("http://mirror.lab.test:{port}")),
        ("GOSUMDB", "off".to_string()),
        ("GOMOD_DIAG_SYSTEM_DNS", silent.to_string()),
        ("GOMOD_DIAG_PUBLIC_DNS", public.to_string()),
    ];
    let home = tempfile::tempdir().unwrap();
    let o = run(
        home.path(),
        &vars,
        &[
            "--module",
            MODULE,
            "--json",
            "--public-dns",
            &public.to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let r = json(&o);
    assert_eq!(r["verdict"]["go_will_succeed"], false);
    assert_eq!(r["facts"]["deadline_expired"], false, "{}", show(&o));
    let a = r["facts"]["assumptions"].to_string();
    assert!(a.contains(&format!("the system resolver {silent}")), "{a}");
    assert!(a.contains("no answer within"), "{a}");
    assert!(a.contains("Go waits 2 × 5 s"), "{a}");
    let text = run(
        home.path(),
        &vars,
        &["--module", MODULE, "--public-dns", &public.to_string()],
    );
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("Assumed: the system resolver"), "{out}");
    assert!(out.contains("--patient"), "{out}");
}
