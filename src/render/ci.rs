//! `--ci`: plain text, one summary line, and GitHub Actions annotations when
//! `GITHUB_ACTIONS=true`.

use crate::report::Report;

/// The one-line summary: `gomod-diag: FAIL <id>: <summary> | fix: <first command>`.
pub fn summary_line(r: &Report) -> String {
    let v = &r.verdict;
    let status = if v.go_will_succeed {
        "OK"
    } else if v.is_inconclusive() {
        "INCONCLUSIVE"
    } else {
        "FAIL"
    };
    let mut line = format!("gomod-diag: {status} {}: {}", v.cause.id, v.cause.summary);
    if let Some(cmd) = first_command(r) {
        line.push_str(&format!(" | fix: {cmd}"));
    }
    if !v.findings.is_empty() {
        let ids: Vec<&str> = v.findings.iter().map(|f| f.id.as_str()).collect();
        line.push_str(&format!(" | findings: {}", ids.join(", ")));
    }
    one_line(&line)
}

fn first_command(r: &Report) -> Option<String> {
    r.verdict
        .fixes
        .as_ref()?
        .steps
        .iter()
        .find_map(|s| s.command.clone())
        .map(|c| c.lines().next().unwrap_or("").to_string())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// GitHub Actions workflow commands: an error for the cause, a warning per finding.
pub fn github_annotations(r: &Report) -> Vec<String> {
    let v = &r.verdict;
    let mut out = vec![];
    // The summary line keeps its English keywords (log parsers grep them); the annotations
    // are read by people, in the report's language.
    let (would_print, fix) = if v.lang == crate::cli::Lang::Zh {
        ("Go 会输出：", "修复：")
    } else {
        ("Go would print: ", "Fix: ")
    };
    if !v.go_will_succeed {
        let mut msg = v.cause.summary.clone();
        if let Some(e) = &v.go_error {
            msg.push_str(&format!("\n{would_print}{e}"));
        }
        if let Some(cmd) = first_command(r) {
            msg.push_str(&format!("\n{fix}{cmd}"));
        }
        out.push(format!(
            "::error title={}::{}",
            escape_property(&format!("gomod-diag: {}", v.cause.id)),
            escape_data(&msg)
        ));
    }
    for f in &v.findings {
        out.push(format!(
            "::warning title={}::{}",
            escape_property(&format!("gomod-diag: {}", f.id)),
            escape_data(&format!("{}: {}", f.title, f.summary))
        ));
    }
    out
}

/// Escaping rules of GitHub's workflow commands for the message part.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Property values (title=...) also escape `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_commands() {
        assert_eq!(escape_data("a%b\nc\r"), "a%25b%0Ac%0D");
        assert_eq!(escape_property("gomod-diag: x,y"), "gomod-diag%3A x%2Cy");
    }

    #[test]
    fn one_line_collapses_whitespace() {
        assert_eq!(one_line("a\n\tb  c"), "a b c");
    }
}
