//! The fidelity lab: the real Go toolchain and gomod-diag side by side, in one network
//! namespace per scenario, each a small "internet" with one injected fault (see
//! tests/fidelity/scenarios.rs). Go is the oracle: gomod-diag must predict whether Go
//! succeeds, the essentials of Go's error, and name the injected cause.
//!
//! Needs root (namespaces), `ip`, `nft` and `go`; skips locally with a reason, never with
//! CI=true. Nothing leaves a namespace: each has only `lo`.
//!
//! Environment knobs for development: FIDELITY_ONLY=<substring> runs matching scenarios,
//! FIDELITY_JOBS=<n> sets the concurrency (default 12).

#[path = "fidelity/githttp.rs"]
mod githttp;
#[path = "fidelity/gorun.rs"]
mod gorun;
#[path = "fidelity/lab.rs"]
mod lab;
#[path = "it/modlab/mod.rs"]
mod modlab;
#[path = "it/netlab/mod.rs"]
mod netlab;
#[path = "fidelity/netns.rs"]
mod netns;
#[path = "fidelity/normalize.rs"]
mod normalize;
#[path = "fidelity/othervcs.rs"]
mod othervcs;
#[path = "fidelity/peers.rs"]
mod peers;
#[path = "fidelity/scenarios.rs"]
mod scenarios;
#[path = "fidelity/servers.rs"]
mod servers;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use normalize::key_of;
use scenarios::{GoExpect, Scenario};

/// What happened in one scenario.
struct Row {
    name: &'static str,
    expected_cause: &'static str,
    go_ok: bool,
    go_error: Option<String>,
    go_elapsed: Duration,
    /// The lab's own check: did real Go do what the scenario is built to make it do?
    lab_problem: Option<String>,
    predicted_ok: Option<bool>,
    predicted_error: Option<String>,
    /// gomod-diag's own run time (`facts.duration_ms`).
    diag_ms: Option<f64>,
    cause: Option<String>,
    diag_problem: Option<String>,
    /// Why gomod-diag disagrees with Go (empty = agreement).
    disagreements: Vec<String>,
}

fn run_scenario(sc: &Scenario) -> Row {
    let tag: String = sc
        .name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    let lab = lab::Lab::start(&tag, sc.faults, sc.env);
    let work = lab.work_dir();
    // Both clients at once: the scenario takes as long as the slower one.
    let (go, diag) = std::thread::scope(|scope| {
        let diag = scope.spawn(|| {
            gorun::gomod_diag(
                &lab.ns,
                sc.module,
                &lab.env,
                &work,
                scenarios::diag_args(sc),
            )
        });
        let go = gorun::go_mod_download(&lab.ns, sc.module, &lab.env, &work);
        (go, diag.join().expect("gomod-diag runner"))
    });
    drop(lab);

    let go_key = go.error.as_deref().map(key_of);
    let lab_problem = match (sc.go, go.succeeded, &go_key) {
        (GoExpect::Ok, true, _) => None,
        (GoExpect::Ok, false, _) => Some("the lab meant Go to succeed".to_string()),
        (GoExpect::Fails(..), true, _) => Some("the lab meant Go to fail".to_string()),
        (GoExpect::Fails(class, host), false, Some(k)) => {
            let host_ok = host.is_empty() || k.host.as_deref() == Some(host);
            (k.class != class || !host_ok)
                .then(|| format!("the lab meant Go to fail with {class} @ {host}, got {k}"))
        }
        (GoExpect::Fails(..), false, None) => Some("Go failed without an error text".into()),
    };

    let mut row = Row {
        name: sc.name,
        expected_cause: sc.cause,
        go_ok: go.succeeded,
        go_error: go.error.clone(),
        go_elapsed: go.elapsed,
        lab_problem,
        predicted_ok: None,
        predicted_error: None,
        diag_ms: None,
        cause: None,
        diag_problem: None,
        disagreements: vec![],
    };
    match diag {
        Err(e) => {
            row.diag_problem = Some(e.clone());
            row.disagreements.push(e);
        }
        Ok((report, stderr)) => {
            // Secrets never leave the machine: no proxy password from the environment may
            // appear anywhere in the JSON report or on stderr.
            let text = format!("{report}\n{stderr}");
            // The lab's one password also sits in netrc files, proxy configurations and the
            // git server's credentials (netrc, git's credential store), also as the Basic
            // header git and Go send.
            let lab_pass = lab::PROXY_PASS.to_string();
            let basic = {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    lab::PROXY_USER,
                    lab::PROXY_PASS
                ))
            };
            for secret in passwords(sc.env).into_iter().chain([lab_pass, basic]) {
                if text.contains(&secret) {
                    row.disagreements
                        .push(format!("the report leaks the password {secret:?}"));
                }
            }
            let pred = &report["prediction"];
            row.predicted_ok = pred["go_will_succeed"].as_bool();
            row.predicted_error = pred["error_text"].as_str().map(str::to_string);
            row.diag_ms = report["facts"]["duration_ms"].as_f64();
            row.cause = report["verdict"]["cause"]["id"]
                .as_str()
                .map(str::to_string);
            match row.predicted_ok {
                None => row
                    .disagreements
                    .push("no prediction.go_will_succeed in the report".into()),
                Some(p) if p != go.succeeded => row.disagreements.push(format!(
                    "predicted go_will_succeed={p}, Go {}",
                    if go.succeeded { "succeeded" } else { "failed" }
                )),
                Some(_) => {}
            }
            if let (false, Some(k)) = (go.succeeded, &go_key) {
                match row.predicted_error.as_deref().map(key_of) {
                    None => row
                        .disagreements
                        .push("Go failed but no prediction.error_text".into()),
                    Some(pk) if &pk != k => row
                        .disagreements
                        .push(format!("predicted error {pk}, Go's error {k}")),
                    Some(_) => {}
                }
            }
            // Direct mode: git's and Go's words are predicted exactly (same GOMODCACHE, so the
            // same cache directory in the text); so are the texts of third-party peers.
            if sc.name.starts_with("vcs.")
                || sc.name.starts_with("novcs.")
                || scenarios::uses_peer(sc)
            {
                if let (Some(g), Some(p)) = (go.error.as_deref(), row.predicted_error.as_deref()) {
                    let p = p.strip_prefix("go: ").unwrap_or(p);
                    if g.trim() != p.trim() {
                        row.disagreements
                            .push(format!("predicted text {p:?}, Go's {g:?}"));
                    }
                }
            }
            // A success resting on what the probe could not see must say what it assumed.
            if sc.name.ends_with("_not_a_tip") {
                let stated = pred["modules"][0]["assumptions"]
                    .as_array()
                    .is_some_and(|a| {
                        a.iter().any(|x| {
                            x.as_str()
                                .is_some_and(|t| t.starts_with("direct mode: commit"))
                        })
                    });
                if !stated {
                    row.disagreements.push(
                        "the prediction does not state its assumption about the commit".into(),
                    );
                }
            }
            // A PAC scenario's fix sets exactly the proxy the script returns.
            if sc.faults.iter().any(|f| matches!(f, lab::Fault::Pac(_))) && sc.cause != "ok" {
                let want = scenarios::LAB_PAC_PROXY;
                let steps = report["verdict"]["fixes"]["steps"].as_array();
                let sets_it = steps.into_iter().flatten().any(|st| {
                    st["command"].as_str().is_some_and(|c| {
                        c.lines()
                            .any(|l| l.contains("HTTPS_PROXY") && l.contains(want))
                    })
                });
                if !sets_it {
                    row.disagreements
                        .push(format!("the fix does not set HTTPS_PROXY to {want}"));
                }
            }
            if row.cause.as_deref() != Some(sc.cause) {
                row.disagreements.push(format!(
                    "cause {} instead of {}",
                    row.cause.as_deref().unwrap_or("(none)"),
                    sc.cause
                ));
            }
        }
    }
    row
}

/// Passwords in `scheme://user:password@host` values of the scenario's environment.
struct ExplainCheck {
    summary: String,
    misses: Vec<String>,
}

/// Runs `gomod-diag explain --json` on each failing scenario's real Go error. A miss is an
/// error whose causes do not include the scenario's; the summary also counts how often the
/// scenario's cause is the top one (some causes — an incomplete chain, an HTTP_PROXY-only
/// setting — print the same text as another and are told apart only by the probes).
fn explain_lab_errors(rows: &[Row]) -> ExplainCheck {
    use std::io::Write;
    let mut misses = vec![];
    let mut ambiguous = vec![];
    let (mut total, mut top) = (0, 0);
    for r in rows.iter().filter(|r| !r.go_ok && r.lab_problem.is_none()) {
        let Some(text) = &r.go_error else { continue };
        total += 1;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gomod-diag"))
            .args(["explain", "--json", "-"])
            .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run gomod-diag explain");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("go: {text}\n").as_bytes())
            .expect("write the error");
        let out = child.wait_with_output().expect("explain output");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let ids: Vec<&str> = json["causes"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c["id"].as_str()).collect())
            .unwrap_or_default();
        if ids.first() == Some(&r.expected_cause) {
            top += 1;
        } else if ids.contains(&r.expected_cause) {
        } else if same_text_other_cause(rows, r, ids.first().copied()) {
            // The lab itself shows this text arising from the cause explain names: only the
            // probes (DNS answers, the environment) tell the two apart.
            ambiguous.push(format!("{} → {}", r.name, ids.first().unwrap_or(&"-")));
        } else {
            misses.push(format!(
                "{}: want {}, explain says {ids:?}\n    Go: {text}",
                r.name, r.expected_cause
            ));
        }
    }
    ExplainCheck {
        summary: format!(
            "explain on the lab's {total} real Go errors: the scenario's cause first in {top}, among the causes in {}; {} text(s) the lab shows from another cause too ({})",
            total - misses.len() - ambiguous.len(),
            ambiguous.len(),
            ambiguous.join(", ")
        ),
        misses,
    }
}

/// Whether another failing scenario, with `cause` as its cause, made Go print an error of the
/// same class as `r` (the host is incidental: a refused dial reads the same at any host).
fn same_text_other_cause(rows: &[Row], r: &Row, cause: Option<&str>) -> bool {
    let (Some(cause), Some(text)) = (cause, &r.go_error) else {
        return false;
    };
    let class = key_of(text).class;
    rows.iter().any(|o| {
        o.name != r.name
            && o.expected_cause == cause
            && o.lab_problem.is_none()
            && o.go_error.as_deref().map(|t| key_of(t).class) == Some(class.clone())
    })
}

fn passwords(env: &[(&str, &str)]) -> Vec<String> {
    env.iter()
        .filter_map(|(_, v)| {
            let rest = v.split_once("://")?.1;
            let userinfo = rest.rsplit_once('@')?.0;
            let pass = userinfo.split_once(':')?.1;
            (pass.len() >= 4).then(|| pass.to_string())
        })
        .collect()
}

fn cell(s: &str, width: usize) -> String {
    let s: String = s.chars().take(width).collect();
    format!("{s:<width$}")
}

fn table(rows: &[Row], wall: Duration) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{} | {} | {} | {} | {}\n",
        cell("scenario", 38),
        cell("real go", 52),
        cell("predicted", 46),
        cell("cause (expected)", 60),
        "agree"
    ));
    out.push_str(&format!("{}\n", "-".repeat(215)));
    for r in rows {
        let go = match &r.go_error {
            _ if r.go_ok => format!("ok ({:.1}s)", r.go_elapsed.as_secs_f64()),
            Some(e) => format!(
                "failed: {} ({:.1}s)",
                normalize::short(e),
                r.go_elapsed.as_secs_f64()
            ),
            None => "failed".into(),
        };
        let took = r
            .diag_ms
            .map(|ms| format!(" ({:.1}s)", ms / 1000.0))
            .unwrap_or_default();
        let pred = match (r.predicted_ok, &r.predicted_error) {
            (Some(true), _) => format!("ok{took}"),
            (Some(false), Some(e)) => format!("failed: {}", normalize::short(e)),
            (Some(false), None) => "failed".into(),
            (None, _) if r.diag_problem.is_some() => "no report".into(),
            (None, _) => "-".into(),
        };
        let cause = format!(
            "{} ({})",
            r.cause.as_deref().unwrap_or("-"),
            r.expected_cause
        );
        let agree = if r.disagreements.is_empty() {
            "yes"
        } else {
            "NO"
        };
        let lab = if r.lab_problem.is_some() {
            " [LAB]"
        } else {
            ""
        };
        out.push_str(&format!(
            "{} | {} | {} | {} | {agree}{lab}\n",
            cell(r.name, 38),
            cell(&go, 52),
            cell(&pred, 46),
            cell(&cause, 60)
        ));
    }
    let agreed = rows.iter().filter(|r| r.disagreements.is_empty()).count();
    out.push_str(&format!(
        "\nagreement: {agreed}/{} ({:.0}%), wall time {:.1}s\n",
        rows.len(),
        100.0 * agreed as f64 / rows.len().max(1) as f64,
        wall.as_secs_f64()
    ));
    out.push_str("\nGo's real error texts:\n");
    for r in rows {
        if let Some(e) = &r.go_error {
            out.push_str(&format!("  {}: {}\n", r.name, e.replace('\n', "\\n")));
        }
    }
    out
}

#[test]
fn passwords_are_found_in_proxy_urls() {
    assert_eq!(
        passwords(&[
            ("HTTPS_PROXY", "http://alice:s3cret@proxy:3128"),
            ("HTTP_PROXY", "http://proxy:3128"),
            ("GOPROXY", "https://u:tok3n@goproxy.example,direct"),
        ]),
        vec!["s3cret".to_string(), "tok3n".to_string()]
    );
}

#[test]
fn real_go_and_gomod_diag_agree_in_every_scenario() {
    if let Some(reason) = netns::missing_prerequisite() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true and the fidelity lab cannot run: {reason}");
        }
        eprintln!("skipping the fidelity lab: {reason}");
        return;
    }
    netns::remove_stale();
    let only = std::env::var("FIDELITY_ONLY").unwrap_or_default();
    let jobs: usize = std::env::var("FIDELITY_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(12);
    let mut all: Vec<Scenario> = scenarios::all()
        .into_iter()
        .filter(|s| only.is_empty() || s.name.contains(&only))
        .collect();
    assert!(!all.is_empty(), "no scenario matches FIDELITY_ONLY={only}");
    // Scenarios with a third-party peer (squid, dnsmasq) skip one by one when it is missing.
    all.retain(|sc| match scenarios::peer_missing(sc) {
        None => true,
        Some(reason) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true and scenario {} cannot run: {reason}", sc.name)
        }
        Some(reason) => {
            eprintln!("skipping scenario {}: {reason}", sc.name);
            false
        }
    });
    let order: Vec<&'static str> = all.iter().map(|s| s.name).collect();
    all.sort_by_key(scenarios::weight);

    let started = Instant::now();
    let queue = Arc::new(Mutex::new(all.into_iter().collect::<VecDeque<_>>()));
    let rows = Arc::new(Mutex::new(Vec::<Row>::new()));
    let workers: Vec<_> = (0..jobs)
        .map(|_| {
            let queue = queue.clone();
            let rows = rows.clone();
            std::thread::spawn(move || loop {
                let Some(sc) = queue.lock().unwrap().pop_front() else {
                    return;
                };
                let t = Instant::now();
                let row = std::panic::catch_unwind(|| run_scenario(&sc)).unwrap_or_else(|p| {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    Row {
                        name: sc.name,
                        expected_cause: sc.cause,
                        go_ok: false,
                        go_error: None,
                        go_elapsed: t.elapsed(),
                        lab_problem: Some(format!("the scenario panicked: {msg}")),
                        predicted_ok: None,
                        predicted_error: None,
                        diag_ms: None,
                        cause: None,
                        diag_problem: None,
                        disagreements: vec![format!("the scenario panicked: {msg}")],
                    }
                });
                eprintln!(
                    "[{:>5.1}s] {} done",
                    started.elapsed().as_secs_f64(),
                    sc.name
                );
                rows.lock().unwrap().push(row);
            })
        })
        .collect();
    for w in workers {
        w.join().expect("scenario worker");
    }
    let wall = started.elapsed();
    let mut rows = std::mem::take(&mut *rows.lock().unwrap());
    rows.sort_by_key(|r| order.iter().position(|n| *n == r.name));

    let report = table(&rows, wall);
    eprintln!("\n{report}");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fidelity-report.txt");
    let _ = std::fs::write(&path, &report);

    // First the lab itself: the Go side of every scenario must be what the scenario builds.
    let lab_problems: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            r.lab_problem.as_ref().map(|p| {
                format!(
                    "{}: {p}\n    Go's error: {}",
                    r.name,
                    r.go_error.as_deref().unwrap_or("(none)")
                )
            })
        })
        .collect();
    assert!(
        lab_problems.is_empty(),
        "the lab did not make real Go behave as the scenarios intend:\n{}",
        lab_problems.join("\n")
    );
    // explain learns from the lab: every real Go error the lab produced, pasted alone into
    // `gomod-diag explain`, must name the scenario's cause.
    let explain = explain_lab_errors(&rows);
    eprintln!("{}", explain.summary);
    assert!(
        explain.misses.is_empty(),
        "explain does not name the lab's cause for {} real Go error(s):\n{}",
        explain.misses.len(),
        explain.misses.join("\n")
    );
    // Then the product: gomod-diag must agree with Go everywhere.
    let disagreements: Vec<String> = rows
        .iter()
        .filter(|r| !r.disagreements.is_empty())
        .map(|r| {
            format!(
                "{}: {}\n    Go: {}\n    gomod-diag: go_will_succeed={:?} error_text={:?} cause={:?}",
                r.name,
                r.disagreements.join("; "),
                r.go_error.as_deref().unwrap_or("(succeeded)"),
                r.predicted_ok,
                r.predicted_error,
                r.cause
            )
        })
        .collect();
    assert!(
        disagreements.is_empty(),
        "gomod-diag disagrees with the real Go client in {} of {} scenarios (report: {}):\n{}",
        disagreements.len(),
        rows.len(),
        path.display(),
        disagreements.join("\n")
    );
}
