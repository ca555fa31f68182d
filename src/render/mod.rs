//! Rendering: every text output as a string, pure (no I/O, no environment; the caller in
//! `commands/` settles the options and prints). The terminal report (probe table and
//! verdict), the CI line with GitHub Actions annotations, and the other subcommands' text.
//! JSON is the report itself (`crate::report`), serialized by serde.

pub mod ci;
pub mod env;
pub mod escape;
pub mod explain;
mod paint;
pub mod prediction;
pub mod probe;
pub mod terminal;

use crate::report::Report;
pub use paint::Paint;

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
            format!("{json}\n")
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
