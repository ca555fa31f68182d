//! The JSON report: `schema_version`, tool, timestamps, the effective configuration
//! (credentials masked), the plan, every probe's facts, the prediction and the verdict.
//!
//! A saved report is re-diagnosed from its configuration and facts alone
//! ([`rediagnose`]): the simulation and the decision tree are pure, so a helpdesk running a
//! newer gomod-diag gets today's rules on yesterday's facts.

use serde::{Deserialize, Serialize};

use crate::catalog::{fill_summary, Catalog};
use crate::catalog::{fixes_for, RenderedFixes};
use crate::cli::Lang;
use crate::config::warnings::{self, ConfigWarning};
use crate::config::GoConfig;
use crate::diagnose::{self, Diagnosis, Evidence, Inputs};
use crate::facts::Facts;
use crate::plan::{route_module, ModuleRoute, ModuleTarget};
use crate::shell::Shell;
use crate::simulate::{simulate, Prediction, SimOptions, StageName};
use crate::vocab::CauseId;

/// Bumped on every incompatible change of the report's shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// RFC 3339, UTC.
    pub generated_at: String,
    /// `linux`, `windows`, `macos` ... of the machine that ran the probes.
    pub os: String,
    /// Go's effective configuration with sources (credentials masked when serialized; a
    /// report read back holds the masked values, and is re-diagnosed on them).
    pub config: GoConfig,
    pub warnings: Vec<ConfigWarning>,
    /// How Go routes each target module.
    pub plan: Vec<ModuleRoute>,
    pub facts: Facts,
    pub prediction: Prediction,
    pub verdict: Verdict,
}

/// A cause or finding, with its catalog text in the report's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct VerdictItem {
    pub id: CauseId,
    pub title: String,
    /// The cause: one sentence with the real values. A finding: its detail.
    pub summary: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Verdict {
    pub go_will_succeed: bool,
    pub inconclusive: bool,
    pub cause: VerdictItem,
    pub module: Option<String>,
    pub findings: Vec<VerdictItem>,
    /// The facts that led to the cause, in order.
    pub evidence: Vec<Evidence>,
    /// Fix steps for the cause, in `shell` syntax.
    pub fixes: Option<RenderedFixes>,
    /// What Go would print.
    pub go_error: Option<String>,
    pub lang: Lang,
    pub shell: Shell,
}

impl Verdict {
    /// The verdict is "inconclusive": what Go will do was not observed. Every renderer's
    /// headline asks this one question.
    pub fn is_inconclusive(&self) -> bool {
        self.cause.id == CauseId::Inconclusive
    }
}

/// The settings that shape the rendered text of a verdict.
#[derive(Debug, Clone)]
pub struct Style<'a> {
    pub catalog: &'a Catalog,
    pub lang: Lang,
    pub shell: Shell,
}

/// Titles, explanations and fixes from the catalog for a language-neutral diagnosis.
pub fn verdict(d: &Diagnosis, style: &Style) -> Verdict {
    // `detail` is the tree's (English) list of what was not observed: each part in the
    // report's language inside the catalog's sentences.
    let mut values = d.fix_values.clone();
    if let Some(detail) = d.fix_values.get("detail") {
        values.set(
            "detail",
            crate::catalog::details::localize_list(detail, style.lang),
        );
    }
    let item = |id: CauseId, summary: &str, with_explanation: bool| {
        let entry = style.catalog.get(id.as_str(), style.lang);
        // The cause's sentence from the catalog in the report's language; the tree's
        // (English) sentence when the entry has none or a value it names is unknown.
        let summary = entry
            .as_ref()
            .filter(|_| with_explanation)
            .and_then(|e| e.summary.as_deref())
            .and_then(|t| fill_summary(t, &values, style.lang))
            .unwrap_or_else(|| crate::catalog::details::localize(summary, style.lang));
        VerdictItem {
            id,
            title: entry
                .as_ref()
                .map(|e| e.title.clone())
                .unwrap_or_else(|| id.to_string()),
            summary,
            explanation: if with_explanation {
                entry
                    .map(|e| crate::catalog::fill_text(&e.explanation, &values, style.lang))
                    .unwrap_or_default()
            } else {
                String::new()
            },
        }
    };
    Verdict {
        go_will_succeed: d.go_will_succeed,
        inconclusive: d.inconclusive,
        cause: item(d.cause, &d.summary, true),
        module: d.module.clone(),
        findings: d
            .findings
            .iter()
            .map(|f| item(f.id, &f.detail, false))
            .collect(),
        evidence: d
            .evidence
            .iter()
            .map(|e| Evidence {
                fact: crate::catalog::details::localize(&e.fact, style.lang),
                observation: crate::catalog::details::localize(&e.observation, style.lang),
            })
            .collect(),
        fixes: if d.cause == CauseId::Ok {
            None
        } else {
            fixes_for(
                style.catalog,
                d.cause,
                style.lang,
                style.shell,
                &d.fix_values,
            )
            .map(|mut f| {
                crate::catalog::mirror_hole_to_finder(&mut f, style.lang);
                // WSL and containers change how the cause is fixed here: their steps follow.
                for extra in d
                    .findings
                    .iter()
                    .filter(|x| crate::diagnose::platform::adds_fix(x.id))
                    .filter_map(|x| {
                        fixes_for(style.catalog, x.id, style.lang, style.shell, &d.fix_values)
                    })
                {
                    f.steps.extend(extra.steps);
                }
                f
            })
        },
        go_error: d.go_error.clone(),
        lang: style.lang,
        shell: style.shell,
    }
}

/// Inputs of the tree that come from OS-level facts.
pub fn diagnose(
    config: &GoConfig,
    routes: &[ModuleRoute],
    warnings: &[ConfigWarning],
    facts: &Facts,
    prediction: &Prediction,
) -> Diagnosis {
    let (system_proxy, stale_env) = system_inputs(facts, config);
    diagnose::diagnose(&Inputs {
        config,
        routes,
        warnings,
        facts,
        prediction,
        system_proxy,
        stale_env,
    })
}

/// Builds a report from a finished run.
pub fn build(
    config: &GoConfig,
    plan: Vec<ModuleRoute>,
    facts: Facts,
    prediction: Prediction,
    style: &Style,
) -> Report {
    // The real values all the way: credentials are masked where the report is serialized or
    // rendered, never before the diagnosis.
    let warnings = warnings::check(config);
    let d = diagnose(config, &plan, &warnings, &facts, &prediction);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: crate::facts::rfc3339(std::time::SystemTime::now()),
        os: std::env::consts::OS.into(),
        verdict: verdict(&d, style),
        config: config.clone(),
        warnings,
        plan,
        facts,
        prediction,
    }
}

/// Re-runs the simulation and the decision tree on a saved report with today's rules.
pub fn rediagnose(mut report: Report, style: &Style) -> Result<Report, String> {
    if report.schema_version > SCHEMA_VERSION {
        return Err(format!(
            "the report has schema_version {}, newer than this gomod-diag understands ({SCHEMA_VERSION}): upgrade gomod-diag",
            report.schema_version
        ));
    }
    // Today's rules on the saved (masked) configuration, plus the saved warnings that only
    // the real values could show (a password Go cannot parse, a bare `%`, parses once masked).
    let mut warnings = warnings::check(&report.config);
    for saved in &report.warnings {
        if !warnings
            .iter()
            .any(|w| w.id == saved.id && w.variable == saved.variable)
        {
            warnings.push(saved.clone());
        }
    }
    report.warnings = warnings;
    let targets: Vec<ModuleTarget> = report.plan.iter().map(|r| r.module.clone()).collect();
    report.plan = targets
        .iter()
        .map(|t| route_module(&report.config, t))
        .collect();
    let check_zip = report
        .prediction
        .modules
        .iter()
        .any(|m| m.stages.iter().any(|s| s.stage == StageName::Zip));
    report.prediction = simulate(
        &report.plan,
        &report.facts.observations,
        &SimOptions { check_zip },
    );
    let d = diagnose(
        &report.config,
        &report.plan,
        &report.warnings,
        &report.facts,
        &report.prediction,
    );
    report.verdict = verdict(&d, style);
    Ok(report)
}

/// The largest report `report FILE` reads: a real one is a few hundred KiB; the cap bounds
/// memory (the parsed report takes a few times its text).
pub const MAX_REPORT_BYTES: u64 = 16 << 20;

/// The text of a saved report from its bytes: UTF-8 (with or without a BOM), or UTF-16LE/BE
/// with a BOM — what Windows PowerShell 5.1 writes for `gomod-diag --json > report.json`.
/// The error says what was found and what is accepted.
pub fn decode_report_text(bytes: &[u8]) -> Result<String, String> {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16, name: &str| {
        if rest.len() % 2 != 0 {
            return Err(format!(
                "{name} text with an odd number of bytes (cut short?)"
            ));
        }
        let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| format!("invalid {name}: {e}"))
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => std::str::from_utf8(rest)
            .map(str::to_string)
            .map_err(|e| format!("invalid UTF-8 after the BOM: {e}")),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes, "UTF-16LE"),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes, "UTF-16BE"),
        _ => std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
            format!("not UTF-8 ({e}); accepted: UTF-8, or UTF-16 with a byte order mark")
        }),
    }
}

/// The exit code for a verdict (README, "Exit codes").
pub fn exit_code(v: &Verdict, fail_on_findings: bool) -> u8 {
    if v.inconclusive && !v.go_will_succeed && v.cause.id == CauseId::Inconclusive {
        crate::exit::INCONCLUSIVE
    } else if !v.go_will_succeed || (fail_on_findings && !v.findings.is_empty()) {
        crate::exit::GO_WILL_FAIL
    } else {
        crate::exit::SUCCESS
    }
}

/// The OS proxy and persisted-environment facts, as the tree reads them: the OS proxy only
/// when it is active and this process has no HTTPS_PROXY (otherwise Go already uses a proxy).
fn system_inputs(
    facts: &Facts,
    config: &GoConfig,
) -> (Option<diagnose::SystemProxyHint>, Vec<diagnose::StaleVar>) {
    use crate::platform::{proxy::source_label, ProxySuggestion};
    let Some(sys) = &facts.system else {
        return (None, Vec::new());
    };
    let env_has_https_proxy = ["HTTPS_PROXY", "https_proxy"]
        .iter()
        .any(|n| !config.get(n).is_empty());
    let mut hint = sys
        .active_proxy()
        .filter(|_| sys.system_proxy_ignored_candidate(env_has_https_proxy))
        .map(|p| {
            let mut hint = diagnose::SystemProxyHint {
                source: source_label(p.source).to_string(),
                https_proxy: None,
                no_proxy: None,
                pac_url: None,
            };
            match crate::platform::suggestion(p) {
                Some(ProxySuggestion::Env(e)) => {
                    hint.https_proxy = Some(e.https_proxy);
                    hint.no_proxy = e.no_proxy;
                }
                Some(ProxySuggestion::ReadPac { pac_url, .. }) => hint.pac_url = Some(pac_url),
                _ => {}
            }
            hint
        });
    // What the PAC script picks fills what the OS settings leave open (`--pac` without an
    // OS proxy makes the hint on its own).
    if let Some(pac) = sys.pac.as_ref().filter(|_| !env_has_https_proxy) {
        let h = hint.get_or_insert_with(|| diagnose::SystemProxyHint {
            source: "the PAC script given with --pac".into(),
            https_proxy: None,
            no_proxy: None,
            pac_url: None,
        });
        if h.https_proxy.is_none() || pac.origin == crate::pac::PacOrigin::CommandLine {
            h.pac_url = Some(pac.url.clone());
            if let Some(env) = pac.environment() {
                h.https_proxy = env.https_proxy;
                h.no_proxy = env.no_proxy;
            }
        }
    }
    let stale = sys
        .stale_env
        .iter()
        .map(|s| diagnose::StaleVar {
            variable: s.variable.clone(),
            persisted_in: s.source.clone(),
            persisted: s.persisted.clone(),
            live: s.live.clone(),
        })
        .collect();
    (hint, stale)
}
