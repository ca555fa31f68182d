//! The diagnosis (pure): configuration + plan + facts + the simulation of cmd/go → one
//! primary cause, the findings, the evidence chain, and the values the fixes need.
//!
//! It follows the path Go takes: the cause is the first thing that breaks *on that path*
//! (the attempt whose error Go reports), refined with the facts around it — a DNS failure
//! becomes "filtered" or "resolver down" by comparing resolvers, a network failure on a
//! direct route becomes "HTTP_PROXY only" or "system proxy ignored" when the configuration
//! explains it. A red probe off Go's path (a blocked 8.8.8.8) is evidence or a finding, never
//! the cause.

use crate::vocab::{Area, CauseId};
use serde::{Deserialize, Serialize};

use crate::catalog::FixValues;
use crate::config::httpproxy::ProxyChoice;
use crate::config::warnings::ConfigWarning;
use crate::config::{FallbackMode, GoConfig, Source};
use crate::facts::observed::Fetch;
use crate::facts::Facts;
use crate::plan::{private, ModuleRoute, StepAction};
use crate::probe::chain::EndpointFacts;
use crate::probe::dns::{DnsAgreement, DnsClass, DnsFacts};
use crate::redact::mask_value;
use crate::simulate::{
    Attempt, AttemptResult, Missing, ModulePrediction, Outcome, Prediction, StageName,
};

mod configuration;
mod evidence;
mod failure;
mod findings;
mod fix_values;
pub mod inspection;
mod network;
pub mod platform;
mod route;
mod summary;

use configuration::*;
use evidence::*;
use failure::*;
use findings::*;
use fix_values::*;
use network::*;
use route::*;
use summary::*;

/// Everything the tree reads.
pub struct Inputs<'a> {
    pub config: &'a GoConfig,
    /// The routes Go takes (the plan): the same model the simulation walked.
    pub routes: &'a [ModuleRoute],
    pub warnings: &'a [ConfigWarning],
    pub facts: &'a Facts,
    pub prediction: &'a Prediction,
    /// The OS proxy Go ignores, when one is configured and active: (description, the proxy
    /// URL to put in HTTPS_PROXY, the NO_PROXY value translated from the bypass list).
    pub system_proxy: Option<SystemProxyHint>,
    /// Variables whose persisted value (registry, shell profile) differs from this process.
    pub stale_env: Vec<StaleVar>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SystemProxyHint {
    /// Where it is configured (`Windows Internet Options`, `macOS network settings`, ...).
    pub source: String,
    /// The value for HTTPS_PROXY, when a concrete proxy is known (not PAC-only).
    pub https_proxy: Option<String>,
    pub no_proxy: Option<String>,
    pub pac_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct StaleVar {
    pub variable: String,
    /// Where the persisted value lives (`HKCU\Environment`, `~/.zshrc`).
    pub persisted_in: String,
    pub persisted: crate::redact::Secret,
    pub live: Option<crate::redact::Secret>,
}

/// One fact on the way to the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Evidence {
    /// What was looked at (`GOPROXY`, `GET https://...`, `dns proxy.golang.org`).
    pub fact: String,
    /// What it showed, credentials masked.
    pub observation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Finding {
    pub id: CauseId,
    pub detail: String,
}

/// The verdict, language-neutral: identifiers, facts and fix values. Rendering adds titles,
/// explanations and fix commands from the catalog in the user's language and shell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Diagnosis {
    /// A ROOT_CAUSES.md identifier, or `ok`.
    pub cause: CauseId,
    /// One sentence with the real values, in English. The report prefers the catalog's
    /// `summary` in the user's language, filled from `fix_values`; this is its fallback.
    pub summary: String,
    /// The module the cause concerns.
    pub module: Option<String>,
    pub findings: Vec<Finding>,
    pub evidence: Vec<Evidence>,
    pub fix_values: FixValues,
    pub go_will_succeed: bool,
    pub inconclusive: bool,
    /// What Go would print.
    pub go_error: Option<String>,
}

impl Inputs<'_> {
    /// The route of a module Go fetched.
    fn route_for(&self, path: &str) -> Option<&ModuleRoute> {
        self.routes.iter().find(|r| r.module.path == path)
    }

    /// The module proxies the route asks, in Go's order: (base, its fallback).
    fn proxies_asked(&self, path: &str) -> Vec<(&str, FallbackMode)> {
        self.route_for(path)
            .map(|r| {
                r.steps
                    .iter()
                    .filter_map(|s| match &s.action {
                        StepAction::AskProxy { base, .. } => Some((base.expose(), s.fallback)),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub fn diagnose(input: &Inputs) -> Diagnosis {
    let mut d = Diagnosis {
        cause: CauseId::Ok,
        summary: String::new(),
        module: None,
        findings: vec![],
        evidence: vec![],
        fix_values: FixValues::new(),
        go_will_succeed: input.prediction.go_will_succeed,
        inconclusive: input.prediction.inconclusive,
        go_error: input.prediction.error_text.clone(),
    };
    let failed = input
        .prediction
        .modules
        .iter()
        .find(|m| m.outcome == Outcome::Failed);
    match failed {
        Some(m) => diagnose_failure(input, m, &mut d),
        None if input.prediction.inconclusive => {
            d.cause = CauseId::Inconclusive;
            let unchecked_git = input
                .prediction
                .missing
                .iter()
                .any(|m| matches!(m, Missing::Unchecked(w) if w.starts_with("git ")));
            // What was not observed, language-neutral, for the catalog's summary.
            let not_observed: Vec<String> = input
                .prediction
                .missing
                .iter()
                .map(|m| match m {
                    // With its advice (`run without --no-vcs ...`) where there is one.
                    Missing::Unchecked(_) => mask_value(&m.unchecked_text()),
                    Missing::Request(url) => format!("GET {url}"),
                    Missing::Direct(_) => mask_value(&m.to_string()),
                })
                .collect();
            d.fix_values.set("detail", not_observed.join("; "));
            if let Some(m) = input
                .prediction
                .modules
                .iter()
                .find(|m| m.outcome == Outcome::Unknown)
            {
                d.fix_values.set("module", module_label(m));
            }
            let unrun_goauth = input
                .prediction
                .missing
                .iter()
                .any(|m| matches!(m, Missing::Unchecked(w) if w.starts_with("GOAUTH")));
            d.summary = if unchecked_git {
                "Go's outcome depends on git access that was not checked: run without --no-vcs to check git access.".into()
            } else if unrun_goauth {
                "Go's outcome depends on credentials from GOAUTH that gomod-diag did not obtain (it runs no GOAUTH command).".into()
            } else {
                "Some requests on Go's path did not finish before the deadline; no prediction is possible.".into()
            };
            for m in input
                .prediction
                .modules
                .iter()
                .filter(|m| m.outcome == Outcome::Unknown)
            {
                d.evidence.push(Evidence {
                    fact: module_label(m),
                    observation: "outcome unknown: a request on Go's path was not observed".into(),
                });
            }
            for missing in &input.prediction.missing {
                let (fact, observation) = match missing {
                    Missing::Unchecked(what) if what.starts_with("git ") => (
                        mask_value(&missing.unchecked_text()),
                        "not checked (--no-vcs)".to_string(),
                    ),
                    Missing::Unchecked(_) => {
                        (mask_value(&missing.unchecked_text()), "not observed".into())
                    }
                    Missing::Request(url) => (format!("GET {url}"), "not observed".into()),
                    Missing::Direct(_) => (mask_value(&missing.to_string()), "not observed".into()),
                };
                d.evidence.push(Evidence { fact, observation });
            }
        }
        None => {
            d.cause = CauseId::Ok;
            let served: Vec<(String, String)> = input
                .prediction
                .modules
                .iter()
                .map(|m| {
                    let source = winning_entry(m).unwrap_or_else(|| "cache/direct".into());
                    (module_label(m), source)
                })
                .collect();
            let detail = served
                .iter()
                .map(|(m, s)| format!("{m} via {s}"))
                .collect::<Vec<_>>()
                .join("; ");
            let mut sources: Vec<&str> = Vec::new();
            for (_, s) in &served {
                if !sources.contains(&s.as_str()) {
                    sources.push(s);
                }
            }
            let modules: Vec<&str> = served.iter().map(|(m, _)| m.as_str()).collect();
            d.fix_values.set("module", modules.join(", "));
            d.fix_values.set("source", sources.join(", "));
            d.fix_values.set("detail", &detail);
            d.summary = format!("Go will succeed: {detail}.");
        }
    }
    collect_findings(input, &mut d);
    d
}

fn module_label(m: &ModulePrediction) -> String {
    match m.resolved_version.as_ref().or(m.version.as_ref()) {
        Some(v) => format!("{}@{}", m.path, v),
        None => m.path.clone(),
    }
}

/// Which entry served the module's first stage, for the summary.
fn winning_entry(m: &ModulePrediction) -> Option<String> {
    m.stages
        .iter()
        .flat_map(|s| s.attempts.iter())
        .find(|a| a.result == AttemptResult::Ok)
        .map(|a| a.entry.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goproxy_repairs() {
        for (given, want) in [
            ("https://goproxy.cn,Direct", "https://goproxy.cn,direct"),
            ("goproxy.io,direct", "https://goproxy.io,direct"),
            ("socks5://127.0.0.1:1080,direct", "direct"),
            ("", DEFAULT_GOPROXY),
        ] {
            assert_eq!(repaired_goproxy(given, ""), want, "{given:?}");
        }
        assert_eq!(goproxy_without_off("off"), DEFAULT_GOPROXY);
        assert_eq!(
            goproxy_without_off("https://goproxy.cn,off"),
            "https://goproxy.cn"
        );
    }

    #[test]
    fn proxy_value_repairs() {
        for (given, want) in [
            (
                "http://proxy.corp.example:8080\r",
                "http://proxy.corp.example:8080",
            ),
            (
                "\"http://proxy.corp.example:8080\"",
                "http://proxy.corp.example:8080",
            ),
            ("http://u:50%off@p:1", "http://u:50%25off@p:1"),
            ("http://u:a%40b@p:1", "http://u:a%40b@p:1"),
        ] {
            assert_eq!(repaired_proxy_value(given), want, "{given:?}");
        }
    }

    #[test]
    fn fix_value_helpers() {
        assert_eq!(
            password_hole("http://alice:s3cret@proxy.corp.example:8080"),
            "http://alice:<password>@proxy.corp.example:8080"
        );
        assert_eq!(password_hole("http://p:3128"), "http://p:3128");
        assert_eq!(human_skew(94_608_003.0), "3 years ahead");
        assert_eq!(human_skew(-420.0), "7 minutes behind");
        assert_eq!(human_skew(30.0), "30 seconds ahead");
    }

    #[test]
    fn no_proxy_removal() {
        assert_eq!(
            remove_no_proxy_entry("localhost,.golang.org,10.0.0.0/8", "proxy.golang.org"),
            "localhost,10.0.0.0/8"
        );
        assert_eq!(remove_no_proxy_entry("*", "proxy.golang.org"), "");
    }
}
