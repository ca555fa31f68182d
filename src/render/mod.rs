//! Rendering: every text output as a string, pure (no I/O, no environment; the caller in
//! `commands/` settles the options and prints). The terminal report (probe table and
//! verdict), the CI line with GitHub Actions annotations, and the other subcommands' text.
//! JSON is the report itself (`crate::report`), serialized by serde.

pub mod ci;
pub mod env;
pub mod escape;
pub mod explain;
pub mod fix;
pub mod markdown;
pub mod mirrors;
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
    /// A Markdown report for a ticket or a job summary.
    Markdown,
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
        ReportFormat::Markdown => markdown::render(report),
    }
}

/// How many addresses (or attempts) a list shows before it is cut.
pub const LIST_KEEP: usize = 10;

/// `items` joined by `sep`, the first [`LIST_KEEP`] shown and the rest counted
/// (`…, and 3,990 more`): a name with thousands of addresses stays readable.
pub fn cut_list<I: IntoIterator<Item = String>>(items: I, sep: &str) -> String {
    let mut shown = Vec::new();
    let mut rest = 0usize;
    for i in items {
        if shown.len() < LIST_KEEP {
            shown.push(i);
        } else {
            rest += 1;
        }
    }
    let mut s = shown.join(sep);
    if rest > 0 {
        s.push_str(&format!("{sep}… and {} more", thousands(rest)));
    }
    s
}

/// `3990` as `3,990`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut_and_counted() {
        let few = cut_list((1..=3).map(|i| i.to_string()), ", ");
        assert_eq!(few, "1, 2, 3");
        let many = cut_list(
            (1..=4000).map(|i| format!("10.0.{}.{}", i / 256, i % 256)),
            ", ",
        );
        assert!(many.ends_with(", … and 3,990 more"), "{many}");
        assert_eq!(many.matches("10.0.").count(), LIST_KEEP);
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
