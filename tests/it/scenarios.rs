//! Golden scenarios for the decision tree: each `fixtures/scenarios/*.json` is a recorded fact
//! set (configuration, what every request Go makes answered, the DNS / TCP / TLS / proxy
//! chains, the clock, the OS proxy and persisted environment) with the verdict expected for it.
//!
//! The harness does what `gomod-diag run` does after the probes: GoConfig from the
//! environment (+ env file), the plan, Facts, the simulation of cmd/go, then `report::build`
//! with the built-in catalog, once per shell the scenario checks. Pure and fast: no network.
//!
//! Every identifier in docs/ROOT_CAUSES.md (and in the catalog) must be the expected cause or an
//! expected finding of at least one scenario (`every_root_cause_is_covered`).

pub(crate) mod harness;

use std::collections::BTreeSet;

use gomod_diag::catalog::ALL_IDS;
use gomod_diag::report;
use gomod_diag::shell::Shell;

use harness::{load_all, run_scenario, Scenario};

fn scenarios() -> Vec<(String, Scenario)> {
    let all = load_all();
    assert!(
        all.len() >= 50,
        "only {} scenarios in fixtures/scenarios",
        all.len()
    );
    all
}

#[test]
fn golden_scenarios() {
    let mut failures = Vec::new();
    let mut checked = 0;
    // SCENARIO_SHOW=<file name part> prints those verdicts (cause, findings, fixes) in full.
    let show = std::env::var("SCENARIO_SHOW").unwrap_or_default();
    for (name, sc) in scenarios() {
        if !show.is_empty() && name.contains(&show) {
            for shell in [Shell::Bash, Shell::PowerShell, Shell::Cmd] {
                let r = harness::build_report(&sc, shell);
                eprintln!(
                    "== {name} ({shell:?})\n{}",
                    serde_json::to_string_pretty(&r.verdict).unwrap()
                );
            }
        }
        if let Err(e) = run_scenario(&sc) {
            failures.push(format!("{name}: {e}"));
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} scenarios failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The ids ROOT_CAUSES.md defines: the first backticked `area.name` (or `ok`) of each table row.
fn root_cause_ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| *id == "ok" || id.contains('.'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_root_cause_is_covered() {
    let mut ids: BTreeSet<String> = ALL_IDS.iter().map(|s| s.to_string()).collect();
    // The contract lives in the repository, so a missing file is a failure, never a skip.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ROOT_CAUSES.md");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let listed = root_cause_ids(&text);
    assert!(
        listed.len() > 50,
        "parsed only {} ids from {path}",
        listed.len()
    );
    let not_in_catalog: Vec<_> = listed
        .iter()
        .filter(|id| !ALL_IDS.contains(&id.as_str()))
        .collect();
    assert!(
        not_in_catalog.is_empty(),
        "ROOT_CAUSES.md ids missing from catalog::ALL_IDS: {not_in_catalog:?}"
    );
    ids.extend(listed);
    let mut covered = BTreeSet::new();
    for (_, sc) in scenarios() {
        covered.insert(sc.expected.cause.clone());
        covered.extend(sc.expected.findings.iter().cloned());
    }
    let uncovered: Vec<_> = ids.difference(&covered).collect();
    assert!(
        uncovered.is_empty(),
        "identifiers no scenario expects as cause or finding: {uncovered:?}"
    );
}

/// A saved report re-diagnosed later (helpdesk: `gomod-diag report FILE`) gives the same
/// verdict: the JSON carries everything the tree reads.
#[test]
fn reports_round_trip_through_json() {
    for (name, sc) in scenarios() {
        let built = harness::build_report(&sc, gomod_diag::shell::Shell::Bash);
        let json = serde_json::to_string(&built).unwrap();
        let back: report::Report = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{name}: the report does not parse back: {e}"));
        let catalog = gomod_diag::catalog::Catalog::builtin();
        let style = report::Style {
            catalog: &catalog,
            lang: gomod_diag::cli::Lang::En,
            shell: gomod_diag::shell::Shell::Bash,
        };
        let again = report::rediagnose(back, &style).unwrap();
        assert_eq!(again.verdict.cause.id, built.verdict.cause.id, "{name}");
        let ids = |r: &report::Report| -> Vec<String> {
            r.verdict
                .findings
                .iter()
                .map(|f| f.id.to_string())
                .collect()
        };
        assert_eq!(ids(&again), ids(&built), "{name}");
        assert_eq!(again.verdict.go_error, built.verdict.go_error, "{name}");
    }
}

#[test]
fn root_cause_parser_reads_table_rows() {
    let ids = root_cause_ids(
        "| id | meaning |\n|---|---|\n| `ok` | fine |\n| `tcp.reset` | reset (`x.y` inside) |\ntext `a.b`\n",
    );
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), vec!["ok", "tcp.reset"]);
}

/// The holes in `text`: a placeholder the run did not fill shows as `<label>` (the labels
/// of `catalog::PLACEHOLDERS`, both languages). Prose that writes a syntax with angle
/// brackets (`<key> [<url>]`, `<meta name="go-import" ...>`) is no hole.
fn holes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, en, zh) in gomod_diag::catalog::PLACEHOLDERS {
        for label in [en, zh] {
            let hole = format!("<{label}>");
            for _ in text.matches(&hole) {
                out.push(hole.clone());
            }
        }
    }
    out
}

#[test]
fn no_verdict_shows_a_hole() {
    // A verdict never shows a hole for a value the run knows; where it cannot know, the
    // sentence is written without it.
    let mut found = Vec::new();
    for (name, sc) in scenarios() {
        for shell in [Shell::Bash, Shell::PowerShell] {
            for lang in [gomod_diag::cli::Lang::En, gomod_diag::cli::Lang::Zh] {
                let r = harness::build_report_in(&sc, shell, lang);
                // The sentences of the verdict: the cause, its explanation, the findings.
                // (A fix command may still ask for a value only the user can choose.)
                let v = &r.verdict;
                let mut text = format!("{}\n{}\n", v.cause.summary, v.cause.explanation);
                for f in &v.findings {
                    text.push_str(&format!("{}: {}\n", f.title, f.summary));
                }
                // The mirror hole is the `mirrors` work's (a mirror measured here); it
                // leaves this list when that lands.
                let h: Vec<String> = holes(&text)
                    .into_iter()
                    .filter(|h| !h.contains("module mirror") && !h.contains("模块镜像"))
                    .collect();
                if !h.is_empty() {
                    found.push(format!("{name} ({shell:?}, {lang:?}): {h:?}"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} verdicts with holes:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_hole_finder_finds_holes() {
    assert_eq!(holes("a <CA name> b <key> [<url>] c"), vec!["<CA name>"]);
    assert_eq!(holes("x <可用的模块镜像>"), vec!["<可用的模块镜像>"]);
    assert!(holes("if a<b\nc>d <meta name=\"go-import\" ...>").is_empty());
}
