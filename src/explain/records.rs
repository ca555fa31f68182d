//! Splitting a pasted text or a `go ... -x` log into records, and the excerpt a cause quotes.

use crate::redact::redact_text;

/// Groups lines into records: a line plus its tab-indented continuation lines (git's
/// `\tfatal: ...`, Go's `\tserver response: ...`).
pub(super) fn records(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        // Shell prompts (`$ export ...`) are context, not errors.
        if line.starts_with("$ ") || line.starts_with("> ") || line.starts_with("PS ") {
            continue;
        }
        let continuation = line.starts_with('\t') || line.starts_with("    ");
        match out.last_mut() {
            Some(last) if continuation => {
                last.push('\n');
                last.push_str(line);
            }
            _ => out.push(line.to_string()),
        }
    }
    out
}

/// The first line of a record, redacted and cut to a readable length.
pub(super) fn excerpt(record: &str) -> String {
    let first = record.lines().next().unwrap_or("").trim();
    let red = redact_text(first);
    if red.chars().count() > 240 {
        let cut: String = red.chars().take(237).collect();
        format!("{cut}...")
    } else {
        red
    }
}
