//! Rendering: every text output as a string, pure (no I/O, no environment; the caller in
//! `commands/` settles the options and prints). The terminal report (probe table and
//! verdict), the CI line with GitHub Actions annotations, and the other subcommands' text.
//! JSON is the report itself (`crate::report`), serialized by serde.

pub mod ci;
pub mod env;
pub mod explain;
pub mod prediction;
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

use crate::report::Report;

/// How a run report is printed, settled at the edge from the flags and the environment.
#[derive(Debug, Clone, Copy)]
pub enum ReportFormat {
    /// The report itself, serialized (and redacted).
    Json,
    /// The CI line, after GitHub Actions annotations when running under Actions.
    Ci {
        github_actions: bool,
    },
    Text(terminal::TextStyle),
}

/// The whole output for a report in `format`, ending with a newline.
pub fn report(report: &Report, format: ReportFormat) -> String {
    match format {
        ReportFormat::Json => {
            let json = serde_json::to_string_pretty(report)
                .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialize the report: {e}\"}}"));
            format!("{}\n", crate::redact::redact_text(&json))
        }
        ReportFormat::Ci { github_actions } => {
            let mut out = String::new();
            if github_actions {
                for a in ci::github_annotations(report) {
                    out.push_str(&a);
                    out.push('\n');
                }
            }
            out.push_str(&ci::summary_line(report));
            out.push('\n');
            out
        }
        ReportFormat::Text(style) => terminal::render(report, style),
    }
}
