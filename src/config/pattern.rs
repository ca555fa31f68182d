//! module.MatchPrefixPatterns (golang.org/x/mod/module) and a port of Go's `path.Match`.
//!
//! Works on bytes like Go: `*` and `?` never cross `/`, classes `[...]` with ranges, `^`
//! negation and `\` escapes; a malformed pattern is an error (`path.ErrBadPattern`), which
//! MatchPrefixPatterns treats as "no match".

/// path.ErrBadPattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

impl std::fmt::Display for BadPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("syntax error in pattern")
    }
}

/// Reports whether any glob in the comma-separated `globs` matches a prefix of `target`
/// made of as many path elements as the glob has. No whitespace trimming (as in Go).
pub fn match_prefix_patterns(globs: &str, target: &str) -> bool {
    globs.split(',').any(|glob| {
        let glob = glob.strip_suffix('/').unwrap_or(glob);
        if glob.is_empty() {
            return false;
        }
        let mut slashes = glob.bytes().filter(|&b| b == b'/').count();
        let mut prefix = target;
        for (i, b) in target.bytes().enumerate() {
            if b == b'/' {
                if slashes == 0 {
                    prefix = &target[..i];
                    break;
                }
                slashes -= 1;
            }
        }
        // Fewer path elements in the target than in the glob: cannot match.
        slashes == 0 && path_match(glob, prefix) == Ok(true)
    })
}

/// The comma-separated entries that contain whitespace: Go does not trim them, so such an
/// entry can never match a module path (which has no spaces).
pub fn whitespace_entries(globs: &str) -> Vec<String> {
    globs
        .split(',')
        .filter(|g| g.chars().any(char::is_whitespace))
        .map(str::to_string)
        .collect()
}

/// The comma-separated entries that are malformed globs (path.ErrBadPattern): they never match.
pub fn bad_entries(globs: &str) -> Vec<String> {
    globs
        .split(',')
        .filter(|g| !g.is_empty() && path_match(g.strip_suffix('/').unwrap_or(g), "").is_err())
        .map(str::to_string)
        .collect()
}

/// path.Match: whether `name` matches the shell pattern `pattern`.
pub fn path_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // Trailing * matches the rest unless it holds a '/'.
            return Ok(!name.contains(&b'/'));
        }
        // Look for a match at the current position.
        let (t, ok, err) = match_chunk(chunk, name);
        // If we're the last chunk, make sure we've exhausted the name, otherwise we'll give a
        // false result even if we could still match using the star.
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if let Some(e) = err {
            return Err(e);
        }
        if star {
            // Look for a match skipping i+1 bytes; '*' cannot skip '/'.
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    // If we're the last chunk, make sure we exhausted the name.
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                if let Some(e) = err {
                    return Err(e);
                }
                i += 1;
            }
        }
        // Before returning false with no error, check that the remainder of the pattern is
        // syntactically valid.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            if let (_, _, Some(e)) = match_chunk(chunk, b"") {
                return Err(e);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off the leading stars and the chunk up to the next unbracketed star.
fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let [b'*', rest @ ..] = pattern {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            // Skip the escaped byte (a trailing '\\' is reported by match_chunk).
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => return (star, &pattern[..i], &pattern[i..]),
            _ => {}
        }
        i += 1;
    }
    (star, pattern, &[])
}

/// Decodes one rune like utf8.DecodeRune: invalid or truncated input gives (U+FFFD, 1).
fn decode_rune(s: &[u8]) -> (u32, usize) {
    let k = s.len().min(4);
    let valid = match std::str::from_utf8(&s[..k]) {
        Ok(v) => v,
        // The prefix before the error is valid UTF-8 by construction.
        Err(e) => std::str::from_utf8(&s[..e.valid_up_to()]).unwrap_or(""),
    };
    match valid.chars().next() {
        Some(c) => (c as u32, c.len_utf8()),
        None => (0xFFFD, 1),
    }
}

/// Matches one chunk against the start of `s`: (rest, ok, error). Like Go, it keeps
/// scanning the chunk after a mismatch so that a bad pattern is always reported.
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> (&'a [u8], bool, Option<BadPattern>) {
    let mut failed = false;
    while !chunk.is_empty() {
        failed = failed || s.is_empty();
        match chunk[0] {
            b'[' => {
                let mut r = 0u32;
                if !failed {
                    let (rr, n) = decode_rune(s);
                    r = rr;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = match get_esc(chunk) {
                        Ok(v) => v,
                        Err(e) => return (&[], false, Some(e)),
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        match get_esc(&chunk[1..]) {
                            Ok((h, rest)) => {
                                hi = h;
                                chunk = rest;
                            }
                            Err(e) => return (&[], false, Some(e)),
                        }
                    }
                    matched = matched || (lo <= r && r <= hi);
                    nrange += 1;
                }
                failed = failed || matched == negated;
            }
            b'?' => {
                if !failed {
                    failed = s[0] == b'/';
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let literal = if c == b'\\' {
                    chunk = &chunk[1..];
                    match chunk.first() {
                        Some(&b) => b,
                        None => return (&[], false, Some(BadPattern)),
                    }
                } else {
                    c
                };
                if !failed {
                    failed = literal != s[0];
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        (&[], false, None)
    } else {
        (s, true, None)
    }
}

/// One possibly escaped character of a class; the rest of the chunk must not be empty.
fn get_esc(chunk: &[u8]) -> Result<(u32, &[u8]), BadPattern> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-') | Some(b']') => return Err(BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        _ => {}
    }
    let (r, n) = decode_rune(chunk);
    let invalid = r == 0xFFFD && n == 1 && !chunk.starts_with("\u{FFFD}".as_bytes());
    let rest = &chunk[n..];
    if invalid || rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's path/match_test.go matchTests: (pattern, name, match, bad pattern).
    const PATH_MATCH_TESTS: &[(&str, &str, bool, bool)] = &[
        ("abc", "abc", true, false),
        ("*", "abc", true, false),
        ("*c", "abc", true, false),
        ("a*", "a", true, false),
        ("a*", "abc", true, false),
        ("a*", "ab/c", false, false),
        ("a*/b", "abc/b", true, false),
        ("a*/b", "a/c/b", false, false),
        ("a*b*c*d*e*/f", "axbxcxdxe/f", true, false),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false),
        ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false),
        ("a*b?c*x", "abxbbxdbxebxczzx", true, false),
        ("a*b?c*x", "abxbbxdbxebxczzy", false, false),
        ("ab[c]", "abc", true, false),
        ("ab[b-d]", "abc", true, false),
        ("ab[e-g]", "abc", false, false),
        ("ab[^c]", "abc", false, false),
        ("ab[^b-d]", "abc", false, false),
        ("ab[^e-g]", "abc", true, false),
        ("a\\*b", "a*b", true, false),
        ("a\\*b", "ab", false, false),
        ("a?b", "a☺b", true, false),
        ("a[^a]b", "a☺b", true, false),
        ("a???b", "a☺b", false, false),
        ("a[^a][^a][^a]b", "a☺b", false, false),
        ("[a-ζ]*", "α", true, false),
        ("*[a-ζ]", "A", false, false),
        ("a?b", "a/b", false, false),
        ("a*b", "a/b", false, false),
        ("[\\]a]", "]", true, false),
        ("[\\-]", "-", true, false),
        ("[x\\-]", "x", true, false),
        ("[x\\-]", "-", true, false),
        ("[x\\-]", "z", false, false),
        ("[\\-x]", "x", true, false),
        ("[\\-x]", "-", true, false),
        ("[\\-x]", "a", false, false),
        ("[]a]", "]", false, true),
        ("[-]", "-", false, true),
        ("[x-]", "x", false, true),
        ("[x-]", "-", false, true),
        ("[x-]", "z", false, true),
        ("[-x]", "x", false, true),
        ("[-x]", "-", false, true),
        ("[-x]", "a", false, true),
        ("\\", "a", false, true),
        ("[a-b-c]", "a", false, true),
        ("[", "a", false, true),
        ("[^", "a", false, true),
        ("[^bc", "a", false, true),
        ("a[", "a", false, true),
        ("a[", "ab", false, true),
        ("a[", "x", false, true),
        ("a/b[", "x", false, true),
        ("*x", "xxx", true, false),
    ];

    #[test]
    fn path_match_go_vectors() {
        for &(pattern, name, want, bad) in PATH_MATCH_TESTS {
            let got = path_match(pattern, name);
            if bad {
                assert_eq!(got, Err(BadPattern), "Match({pattern:?}, {name:?})");
            } else {
                assert_eq!(got, Ok(want), "Match({pattern:?}, {name:?})");
            }
        }
    }

    /// x/mod/module's TestMatchPrefixPatterns.
    const PREFIX_TESTS: &[(&str, &str, bool)] = &[
        ("", "rsc.io/quote", false),
        ("/", "rsc.io/quote", false),
        ("*/quote", "rsc.io/quote", true),
        ("*/quo", "rsc.io/quote", false),
        ("*/quo??", "rsc.io/quote", true),
        ("*/quo*", "rsc.io/quote", true),
        ("*quo*", "rsc.io/quote", false),
        ("rsc.io", "rsc.io/quote", true),
        ("*.io", "rsc.io/quote", true),
        ("rsc.io/", "rsc.io/quote", true),
        ("rsc", "rsc.io/quote", false),
        ("rsc*", "rsc.io/quote", true),
        ("rsc.io", "rsc.io/quote/v3", true),
        ("*/quote", "rsc.io/quote/v3", true),
        ("*/quote/", "rsc.io/quote/v3", true),
        ("*/quote/*", "rsc.io/quote/v3", true),
        ("*/quote/*/", "rsc.io/quote/v3", true),
        ("*/v3", "rsc.io/quote/v3", false),
        ("*/*/v3", "rsc.io/quote/v3", true),
        ("*/*/*", "rsc.io/quote/v3", true),
        ("*/*/*/", "rsc.io/quote/v3", true),
        ("*/*/*", "rsc.io/quote", false),
        ("*/*/*/", "rsc.io/quote", false),
        ("*/*/*,,", "rsc.io/quote", false),
        ("*/*/*,,*/quote", "rsc.io/quote", true),
        (",,*/quote", "rsc.io/quote", true),
        // The table of reference/go-network-semantics.md §2.
        ("*.corp.com", "git.corp.com/x/y", true),
        ("*.corp.com", "corp.com/x", false),
        ("corp.com", "corp.com/a/b", true),
        ("corp.com", "corp.company.com", false),
        ("github.com/org", "github.com/org", true),
        ("github.com/org", "github.com/org/r/v2", true),
        ("github.com/org", "github.com/org2/r", false),
        ("*", "anything/at/all", true),
        // No trimming: a space before an entry makes it useless.
        (
            "github.com/acme, git.corp.example",
            "git.corp.example/team/lib",
            false,
        ),
        (
            "github.com/acme,git.corp.example",
            "git.corp.example/team/lib",
            true,
        ),
        // Case-sensitive; bad glob never matches but others still do.
        ("Corp.com", "corp.com/x", false),
        ("[,corp.com", "corp.com/x", true),
        ("[", "corp.com/x", false),
    ];

    #[test]
    fn match_prefix_patterns_vectors() {
        for &(globs, target, want) in PREFIX_TESTS {
            assert_eq!(
                match_prefix_patterns(globs, target),
                want,
                "MatchPrefixPatterns({globs:?}, {target:?})"
            );
        }
    }

    #[test]
    fn whitespace_and_bad_entries() {
        assert_eq!(
            whitespace_entries("github.com/acme, git.corp.example,x.com "),
            vec![" git.corp.example".to_string(), "x.com ".to_string()]
        );
        assert!(whitespace_entries("a.com,b.com").is_empty());
        assert_eq!(bad_entries("a.com,[x,b.com/"), vec!["[x".to_string()]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(p in "\\PC{0,12}", n in "\\PC{0,12}", raw in proptest::collection::vec(proptest::num::u8::ANY, 0..12)) {
            let _ = path_match(&p, &n);
            let _ = match_prefix_patterns(&p, &n);
            let _ = whitespace_entries(&p);
            let _ = bad_entries(&p);
            let s = String::from_utf8_lossy(&raw);
            let _ = path_match(&s, &n);
            let _ = path_match("[*?\\]", &s);
        }

        #[test]
        fn pattern_chars_never_panic(p in "[\\[\\]\\\\*?^a-c/-]{0,10}", n in "[a-c/\\]\\-☺]{0,6}") {
            let _ = path_match(&p, &n);
        }
    }
}
