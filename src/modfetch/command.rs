//! `gomod-diag probe goproxy|sumdb`: ask every GOPROXY entry (and the checksum database) for a
//! module the way cmd/go would, and say what `go mod download M@V` will do.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::direct::{probe_direct, DirectOptions};
use super::fetch::{observe, Fetcher};
use crate::cli::ProbeKind;
use crate::commands::Ctx;
use crate::config::GoConfig;
use crate::exit;
use crate::facts::Observations;
use crate::plan::{route_module, ModuleRoute, ModuleTarget};
use crate::simulate::{AttemptResult, Outcome, Prediction, SimOptions, StageName};
use crate::vocab::CauseId;

/// The JSON document of `probe goproxy|sumdb --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeReport {
    pub probe: String,
    /// The routes Go takes (the plan), which the prediction walked.
    pub plan: Vec<ModuleRoute>,
    pub prediction: Prediction,
    pub observations: Observations,
}

/// Options for [`predict`].
#[derive(Debug, Clone)]
pub struct PredictOptions {
    pub timeout: Duration,
    /// Also walk (and download) the `.zip`.
    pub zip: bool,
    /// Run `git ls-remote` for directly fetched modules.
    pub vcs: bool,
    /// Make the GETs with the HTTP probe (Go's trust and resolver, Go-format errors); None:
    /// a plain Go-like reqwest client.
    pub probe: Option<crate::probe::ProbeOptions>,
}

/// Probes and simulates `go mod download` for the targets: the engine behind `probe
/// goproxy|sumdb`, reusable by `run`.
pub async fn predict(
    cfg: &GoConfig,
    targets: &[ModuleTarget],
    opts: &PredictOptions,
) -> (Vec<ModuleRoute>, Prediction, Observations) {
    let routes: Vec<ModuleRoute> = targets.iter().map(|t| route_module(cfg, t)).collect();
    let sim = SimOptions {
        check_zip: opts.zip,
    };
    let fetcher = match &opts.probe {
        Some(p) => Fetcher::with_probe(Some(cfg.proxy_env()), p),
        None => Fetcher::new(Some(cfg.proxy_env()), opts.timeout),
    };
    let dopts = DirectOptions {
        gonoproxy_private: false,
        goprivate: cfg.get("GOPRIVATE").to_string(),
        govcs: cfg.govcs().ok(),
        ls_remote: opts.vcs,
        timeout: opts.timeout,
    };
    let (pred, obs) = observe(
        cfg,
        &routes,
        &sim,
        &fetcher,
        Observations::default(),
        12,
        |p| {
            let (f, d) = (&fetcher, &dopts);
            async move { probe_direct(&p, f, d).await }
        },
    )
    .await;
    (routes, pred, obs)
}

pub async fn run_probe(ctx: &Ctx, kind: &ProbeKind) -> anyhow::Result<u8> {
    let (name, module, zip) = match kind {
        ProbeKind::Goproxy { module, zip } => ("goproxy", module, *zip),
        ProbeKind::Sumdb { module } => ("sumdb", module, false),
        _ => return Ok(exit::USAGE),
    };
    let target = match super::targets::parse_target(module) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gomod-diag: error: {e}");
            return Ok(exit::USAGE);
        }
    };
    if name == "sumdb" && target.version.is_none() {
        eprintln!(
            "gomod-diag: error: invalid module {module:?}: `probe sumdb` needs an exact version, e.g. golang.org/x/text@v0.14.0"
        );
        return Ok(exit::USAGE);
    }
    let cfg = GoConfig::load_system();
    let timeout = ctx.global.timeout.min(Duration::from_secs(10));
    let mut probe = crate::probe::ProbeOptions::with_hooks(ctx.global.timeout, &ctx.probe_hooks);
    probe.per_probe_timeout = probe.per_probe_timeout.min(timeout);
    let opts = PredictOptions {
        timeout,
        zip,
        vcs: false,
        probe: Some(probe),
    };
    let (plan, prediction, observations) =
        predict(&cfg, std::slice::from_ref(&target), &opts).await;
    let code = exit_code(name, &prediction);
    if ctx.global.json {
        let report = ProbeReport {
            probe: name.into(),
            plan: plan.clone(),
            prediction,
            observations,
        };
        println!(
            "{}",
            crate::redact::redact_text(&serde_json::to_string_pretty(&report)?)
        );
    } else {
        print!(
            "{}",
            crate::redact::redact_text(&render_text(name, &plan, &prediction, &observations))
        );
    }
    Ok(code)
}

fn exit_code(name: &str, p: &Prediction) -> u8 {
    if name == "sumdb" {
        let stage = p
            .modules
            .first()
            .and_then(|m| m.stages.iter().find(|s| s.stage == StageName::Sumdb));
        return match stage.map(|s| s.outcome) {
            Some(Outcome::Failed) => exit::GO_WILL_FAIL,
            Some(Outcome::Unknown) => exit::INCONCLUSIVE,
            Some(Outcome::Ok) => exit::SUCCESS,
            // The sumdb was not reached: because Go fails earlier, or it is not consulted.
            None if p.inconclusive => exit::INCONCLUSIVE,
            None if !p.go_will_succeed => exit::GO_WILL_FAIL,
            None => exit::SUCCESS,
        };
    }
    if p.inconclusive {
        exit::INCONCLUSIVE
    } else if p.go_will_succeed {
        exit::SUCCESS
    } else {
        exit::GO_WILL_FAIL
    }
}

/// Human-readable output: each stage, each entry tried and why, then the prediction.
pub fn render_text(name: &str, plan: &[ModuleRoute], p: &Prediction, obs: &Observations) -> String {
    let mut s = String::new();
    let steps = plan.first().map_or(&[][..], |r| &r.steps[..]);
    let entries: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let sep = if i + 1 < steps.len() {
                st.fallback.separator()
            } else {
                ""
            };
            format!("{}{sep}", st.entry)
        })
        .collect();
    s.push_str(&format!("Predicting `{}` (probe {name})\n", p.command));
    s.push_str(&format!(
        "  GOPROXY entries in Go's order: {}\n",
        entries.join("")
    ));
    if let Some(e) = plan.first().and_then(|r| r.goproxy_error.as_ref()) {
        s.push_str(&format!("  GOPROXY does not parse: {e}\n"));
    }
    for m in &p.modules {
        s.push_str(&format!(
            "\n{}@{}\n",
            m.path,
            m.resolved_version
                .as_deref()
                .or(m.version.as_deref())
                .unwrap_or("latest")
        ));
        for st in &m.stages {
            if name == "sumdb" && st.stage != StageName::Sumdb && st.outcome == Outcome::Ok {
                continue;
            }
            for a in &st.attempts {
                let timing = a
                    .url
                    .as_ref()
                    .and_then(|u| obs.http.get(u))
                    .map(|f| {
                        let mut t = format!(" ({} ms", f.elapsed_ms());
                        if let crate::facts::Fetch::Status { size, .. } = f {
                            t.push_str(&format!(", {size} bytes"));
                            if st.stage == StageName::Zip && a.result == AttemptResult::Ok {
                                // Whole milliseconds: a loopback zip can take "0 ms".
                                let secs = f.elapsed_ms().max(1) as f64 / 1000.0;
                                t.push_str(&format!(", {:.1} MB/s", *size as f64 / 1e6 / secs));
                            }
                        }
                        t.push(')');
                        t
                    })
                    .unwrap_or_default();
                s.push_str(&format!(
                    "  {:<5} {:<9} {}{timing}\n",
                    st.stage,
                    a.result,
                    a.url.clone().unwrap_or_else(|| a.entry.clone())
                ));
                if let Some(e) = &a.error {
                    s.push_str(&format!("        {}\n", e.replace('\n', "\n        ")));
                }
                s.push_str(&format!("        → {} [{}]\n", a.why, a.class));
            }
        }
        s.push_str(&format!("  checksum database: {}\n", m.sumdb_route));
        for a in &m.assumptions {
            s.push_str(&format!("  assumption: {a}\n"));
        }
    }
    s.push('\n');
    if p.inconclusive {
        s.push_str("Prediction: inconclusive — some steps on Go's path could not be observed:\n");
        for u in &p.missing {
            s.push_str(&format!("  {u}\n"));
        }
    } else if p.go_will_succeed {
        s.push_str("Prediction: Go will succeed.\n");
    } else {
        let m = p.modules.iter().find(|m| m.outcome == Outcome::Failed);
        s.push_str(&format!(
            "Prediction: Go will fail ({}). It will print{}:\n",
            m.and_then(|m| m.cause).map_or("", CauseId::as_str),
            if m.is_some_and(|m| !m.error_text_exact) {
                " (approximately)"
            } else {
                ""
            }
        ));
        if let Some(t) = &p.error_text {
            s.push_str(&format!("  {}\n", t.replace('\n', "\n  ")));
        }
    }
    s
}
