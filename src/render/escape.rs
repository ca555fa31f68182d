//! The one escaping helper for everything printed: a peer's text (an HTTP body preview, a
//! reason phrase, a certificate subject, an error Go would echo) never reaches the terminal
//! as control characters, so a hostile server cannot retitle, clear or rewrite the user's
//! terminal, nor hide text behind bidirectional overrides.
//!
//! Escapes are written `\u001b` (JSON's form): readable in text, and still valid JSON with
//! the same value where a raw control survived serialization (serde_json leaves DEL, C1 and
//! the bidi controls raw).

use std::borrow::Cow;

/// The SGR sequences [`super::Paint`] writes: the only escapes kept in the output.
const PAINT: [&str; 6] = [
    "\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m",
];

/// A character a terminal acts on instead of showing: C0 (but newline and tab), DEL, C1,
/// and the bidirectional embeddings, overrides and isolates.
pub fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape(s: &str, keep_paint: bool) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if keep_paint && c == '\x1b' {
            if let Some(p) = PAINT.iter().find(|p| rest.starts_with(**p)) {
                out.push_str(p);
                rest = &rest[p.len()..];
                continue;
            }
        }
        if is_hostile(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// `s` with every control character escaped: for one value (a peer's text) inside a line.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// A whole output on its way to standard output. Without colour (a pipe, a file, `--no-color`,
/// JSON, CI) every control character is escaped, so nothing but text reaches the reader. With
/// colour the six SGR sequences of [`super::Paint`] are kept: a peer's text could bring those
/// too, but they only colour, bold or dim text — they cannot move the cursor, retitle, clear or
/// conceal. JSON stays valid and keeps its values.
pub fn output(s: &str, colour: bool) -> Cow<'_, str> {
    escape(s, colour)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(
            text("a\x1b]0;pwned\x07b\x1b[2J\r\u{9b}c\u{202e}d\x7f"),
            "a\\u001b]0;pwned\\u0007b\\u001b[2J\\u000d\\u009bc\\u202ed\\u007f"
        );
        assert_eq!(text("plain\n\tü ✓"), "plain\n\tü ✓");
        assert!(matches!(text("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn output_keeps_only_its_own_colours() {
        assert_eq!(
            output("\x1b[31m✗\x1b[0m \x1b[38;5;1mx\x1b[2J", true),
            "\x1b[31m✗\x1b[0m \\u001b[38;5;1mx\\u001b[2J"
        );
        // Without colour not even those survive: a peer cannot paint a piped report.
        assert_eq!(
            output("\x1b[32mok\x1b[0m", false),
            "\\u001b[32mok\\u001b[0m"
        );
        // A painted value cannot carry its own escapes; paint nests.
        let p = super::super::Paint { on: true };
        assert_eq!(p.red("\x1b[2J"), "\x1b[31m\\u001b[2J\x1b[0m");
        assert_eq!(p.bold(&p.red("x")), "\x1b[1m\x1b[31mx\x1b[0m\x1b[0m");
    }

    #[test]
    fn json_stays_valid_with_the_same_value() {
        let v = serde_json::json!({"body": "x\u{9b}2J\x7f\u{202e}\x1b"});
        let json = serde_json::to_string(&v).unwrap();
        let escaped = output(&json, false);
        assert!(!escaped.chars().any(is_hostile), "{escaped}");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, v);
    }
}
