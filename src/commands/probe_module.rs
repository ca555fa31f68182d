//! `gomod-diag probe goproxy|sumdb`: ask every GOPROXY entry (and the checksum database) for a
//! module the way cmd/go would, and say what `go mod download M@V` will do.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cli::ProbeKind;
use crate::commands::Ctx;
use crate::config::GoConfig;
use crate::exit;
use crate::facts::Observations;
use crate::modfetch::direct::{probe_direct, DirectOptions};
use crate::modfetch::fetch::{observe, Fetcher};
use crate::plan::{route_module, ModuleRoute, ModuleTarget};
use crate::simulate::{Outcome, Prediction, SimOptions, StageName};

/// The JSON document of `probe goproxy|sumdb --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
    let credentials = super::credentials(cfg);
    let known = Observations {
        goauth_not_run: credentials.not_observed.clone(),
        ..Observations::default()
    };
    let fetcher = match &opts.probe {
        Some(p) => Fetcher::with_probe(Some(cfg.proxy_env()), p),
        None => Fetcher::new(Some(cfg.proxy_env()), opts.timeout),
    }
    .with_credentials(credentials);
    let dopts = DirectOptions {
        gonoproxy_private: false,
        goprivate: cfg.get("GOPRIVATE").to_string(),
        govcs: cfg.govcs().ok(),
        goinsecure: cfg.get("GOINSECURE").to_string(),
        ls_remote: opts.vcs,
        version: None,
        timeout: opts.timeout,
        dns: opts.probe.clone(),
    };
    let (pred, obs) = observe(&routes, &sim, &fetcher, known, 12, |p| {
        let (f, d) = (&fetcher, &dopts);
        async move { probe_direct(&p, f, d).await }
    })
    .await;
    (routes, pred, obs)
}

pub async fn run_probe(ctx: &Ctx, kind: &ProbeKind) -> anyhow::Result<u8> {
    let (name, module, zip) = match kind {
        ProbeKind::Goproxy { module, zip } => ("goproxy", module, *zip),
        ProbeKind::Sumdb { module } => ("sumdb", module, false),
        _ => return Ok(exit::USAGE),
    };
    let target = match crate::modfetch::targets::parse_target(module) {
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
        super::out(&format!(
            "{}\n",
            crate::redact::mask_text(&serde_json::to_string_pretty(&report)?)
        ))?;
    } else {
        super::out(&crate::redact::mask_text(&crate::render::prediction::text(
            name,
            &plan,
            &prediction,
            &observations,
            ctx.lang,
        )))?;
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
