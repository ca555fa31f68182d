//! The one pass over the input. A `go ... -x` log can be hundreds of megabytes of request
//! traces, of which a handful of lines say what failed: one Aho-Corasick automaton over every
//! phrase the classifiers look for finds those lines in a single linear scan, and only the
//! records that hold one are grouped, copied and classified. Successful traces
//! (`# get URL: 200 OK (0.1s)`) are never classified.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

/// The records worth classifying, and the shell-prompt lines that name a proxy variable
/// (`$ export HTTPS_PROXY=...`: context for the entities and for configuration causes).
pub(super) struct Scan {
    pub(super) records: Vec<String>,
    pub(super) context: Vec<String>,
}

/// One automaton over every trigger phrase (ASCII case-insensitive: a superset is harmless,
/// a record that matches no rule is simply dropped).
fn automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        let mut phrases = Vec::new();
        super::classify::triggers(&mut phrases);
        // Proxy assignments pasted with the error.
        phrases.push("_proxy=");
        phrases.sort_unstable();
        phrases.dedup();
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(phrases)
            .expect("the trigger phrases are plain literals")
    })
}

/// Groups lines into records exactly as `records::records` does (a line plus its tab- or
/// four-space-indented continuation lines; blank lines and shell prompts skipped), keeping only
/// the records that hold a trigger phrase.
pub(super) fn scan(text: &str) -> Scan {
    let mut hits = automaton().find_iter(text).map(|m| m.start()).peekable();
    let mut out = Scan {
        records: Vec::new(),
        context: Vec::new(),
    };
    // The open record: its lines, and whether one of them holds a trigger.
    let mut open: Vec<&str> = Vec::new();
    let mut open_hit = false;
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        // Does a trigger start inside this line? (Hits in earlier lines are passed over.)
        while hits.next_if(|&h| h < start).is_some() {}
        let has_hit = hits.peek().is_some_and(|&h| h < end);
        start = end + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with("$ ") || line.starts_with("> ") || line.starts_with("PS ") {
            if has_hit {
                out.context.push(line.to_string());
            }
            continue;
        }
        let continuation = line.starts_with('\t') || line.starts_with("    ");
        if continuation && !open.is_empty() {
            open.push(line);
            open_hit |= has_hit;
            continue;
        }
        close(&mut out.records, &mut open, open_hit);
        open.push(line);
        open_hit = has_hit && !success_trace(line);
    }
    close(&mut out.records, &mut open, open_hit);
    out
}

fn close(records: &mut Vec<String>, open: &mut Vec<&str>, keep: bool) {
    if keep {
        records.push(open.join("\n"));
    }
    open.clear();
}

/// `# get URL: 200 OK (0.012s)`: a request that worked (any status below 400).
fn success_trace(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix("# get ") else {
        return false;
    };
    let Some(end) = rest.find(' ') else {
        return false;
    };
    let status = &rest.as_bytes()[end + 1..];
    rest[..end].ends_with(':')
        && status.len() >= 4
        && status[..3].iter().all(u8::is_ascii_digit)
        && status[3] == b' '
        && status[0] < b'4'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_records_with_a_trigger_are_kept_and_successful_traces_never() {
        let log = "# get https://proxy.golang.org/m/@v/v1.0.0.info\n\
                   # get https://proxy.golang.org/m/@v/v1.0.0.info: 200 OK (0.012s)\n\
                   go: downloading m v1.0.0\n\
                   $ export HTTPS_PROXY=http://10.0.0.1:3128\n\
                   # get https://proxy.golang.org/x/@v/list: 404 Not Found (0.1s)\n\
                   go: m@v1.0.0: git ls-remote -q origin: exit status 128:\n\
                   \tfatal: could not read Username for 'https://x': terminal prompts disabled\n";
        let s = scan(log);
        assert_eq!(
            s.records,
            vec![
                "# get https://proxy.golang.org/x/@v/list: 404 Not Found (0.1s)",
                "go: m@v1.0.0: git ls-remote -q origin: exit status 128:\n\tfatal: could not read Username for 'https://x': terminal prompts disabled",
            ]
        );
        assert_eq!(s.context, vec!["$ export HTTPS_PROXY=http://10.0.0.1:3128"]);
        assert!(success_trace("# get https://a/b: 302 Found (0.1s)"));
        assert!(!success_trace("# get https://a/b: 404 Not Found (0.1s)"));
        assert!(!success_trace("# get https://a/b"));
    }
}
