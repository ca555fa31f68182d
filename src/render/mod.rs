//! Rendering: the terminal report (probe table and verdict), and the CI line with GitHub
//! Actions annotations. JSON is the report itself (`crate::report`), printed by serde.

pub mod ci;
pub mod explain;
pub mod probe;
pub mod terminal;

/// ANSI styling that collapses to plain text when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub on: bool,
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub fn red(self, s: &str) -> String {
        self.wrap("31", s)
    }
    pub fn green(self, s: &str) -> String {
        self.wrap("32", s)
    }
    pub fn yellow(self, s: &str) -> String {
        self.wrap("33", s)
    }
    pub fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
    pub fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }
}

use crate::app::Ctx;
use crate::report::Report;

/// Prints a report the way the flags ask (JSON, CI line, or the text report) and returns the
/// exit code (README, "Exit codes").
pub fn emit(ctx: &Ctx, report: &Report, fail_on_findings: bool) -> u8 {
    if ctx.global.json {
        let json = serde_json::to_string_pretty(report)
            .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialize the report: {e}\"}}"));
        println!("{}", crate::redact::redact_text(&json));
    } else if ctx.global.ci {
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            for a in ci::github_annotations(report) {
                println!("{a}");
            }
        }
        println!("{}", ci::summary_line(report));
    } else {
        let style = terminal::TextStyle {
            paint: Paint { on: ctx.color },
            verbose: ctx.global.verbose,
        };
        print!("{}", terminal::render(report, style));
    }
    crate::report::exit_code(&report.verdict, fail_on_findings)
}

/// The built-in catalog, overlaid with `--checks DIR` when given.
pub fn catalog(ctx: &Ctx) -> anyhow::Result<crate::catalog::Catalog> {
    use crate::catalog::Catalog;
    match &ctx.global.checks {
        Some(dir) => Catalog::with_overlay(dir)
            .map_err(|e| anyhow::anyhow!("--checks {}: {e}", dir.display())),
        None => Ok(Catalog::builtin()),
    }
}
