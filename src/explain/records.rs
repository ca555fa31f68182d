//! Splitting a pasted text or a `go ... -x` log into records, and the excerpt a cause quotes.

use crate::redact::mask_text;

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

/// The part of a record before `server response:`: what follows is the remote server's own
/// message, which never describes the local network and names the server's hosts, not ours.
pub(super) fn own_words(record: &str) -> &str {
    match record.find("server response:") {
        Some(i) => &record[..i],
        None => record,
    }
}

/// The first line of a record, redacted and cut to a readable length.
pub(super) fn excerpt(record: &str) -> String {
    let first = record.lines().next().unwrap_or("").trim();
    // Masked before it is cut: a cut could leave half a URL the mask no longer recognises.
    let red = mask_text(first);
    if red.chars().count() > 240 {
        let cut: String = red.chars().take(237).collect();
        format!("{cut}...")
    } else {
        red
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_join_indented_lines_and_drop_prompts() {
        let t = "$ go get a.example/m\ngo: a.example/m: git ls-remote: exit status 128:\n\tfatal: could not read Username\n\n    remote: x\ngo: next\n> more\nPS C:\\> go env";
        assert_eq!(
            records(t),
            vec![
                "go: a.example/m: git ls-remote: exit status 128:\n\tfatal: could not read Username\n    remote: x",
                "go: next"
            ]
        );
        assert_eq!(own_words("a: 404\n\tserver response: b"), "a: 404\n\t");
        assert_eq!(own_words("no response"), "no response");
    }

    #[test]
    fn excerpts_are_the_first_line_cut_to_240_characters() {
        assert_eq!(excerpt("  first  \n\tsecond"), "first");
        let long = "é".repeat(300);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), 240);
        assert!(e.ends_with("..."));
    }
}
