//! Module path and version escaping for proxy URLs and cache paths (golang.org/x/mod/module):
//! every upper-case ASCII letter becomes `!` followed by its lower-case form, so that
//! case-insensitive file systems and URLs keep distinct modules apart.

use super::goerr::{go_quote, go_quote_rune};

/// module.CheckPath: whether Go accepts `path` as a module path. The error is Go's whole
/// text (`malformed module path "MOD.TEST/M": invalid char 'M' in first path element`).
pub fn check_path(path: &str) -> Result<(), String> {
    check_path_reason(path)
        .map_err(|why| format!("malformed module path {}: {why}", go_quote(path)))
}

fn check_path_reason(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty string".into());
    }
    if path.starts_with('-') {
        return Err("leading dash".into());
    }
    if path.contains("//") {
        return Err("double slash".into());
    }
    if path.ends_with('/') {
        return Err("trailing slash".into());
    }
    for elem in path.split('/') {
        check_elem(elem)?;
    }
    let first = path.split('/').next().unwrap_or("");
    if first.is_empty() {
        return Err("leading slash".into());
    }
    if !first.contains('.') {
        return Err("missing dot in first path element".into());
    }
    if let Some(c) = first
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.')))
    {
        return Err(format!(
            "invalid char {} in first path element",
            go_quote_rune(c)
        ));
    }
    if !path_major_ok(path) {
        return Err("invalid version".into());
    }
    Ok(())
}

/// Windows device names, refused as the part of an element before its first dot.
const BAD_WINDOWS_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// module.checkElem for module paths.
fn check_elem(elem: &str) -> Result<(), String> {
    if elem.is_empty() {
        return Err("empty path element".into());
    }
    if elem.chars().all(|c| c == '.') {
        return Err(format!("invalid path element {}", go_quote(elem)));
    }
    if elem.starts_with('.') {
        return Err("leading dot in path element".into());
    }
    if elem.ends_with('.') {
        return Err("trailing dot in path element".into());
    }
    if let Some(c) = elem
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')))
    {
        return Err(format!("invalid char {}", go_quote_rune(c)));
    }
    let short = elem.split('.').next().unwrap_or(elem);
    if BAD_WINDOWS_NAMES
        .iter()
        .any(|b| b.eq_ignore_ascii_case(short))
    {
        return Err(format!(
            "{} disallowed as path element component on Windows",
            go_quote(short)
        ));
    }
    if let Some((_, digits)) = short.rsplit_once('~') {
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("trailing tilde and digits in path element".into());
        }
    }
    Ok(())
}

/// module.SplitPathVersion's `ok`: a `/vN` suffix must be N ≥ 2 without a leading zero, and
/// a gopkg.in path must end in `.vN` (`.v0` allowed, `-unstable` after it).
fn path_major_ok(path: &str) -> bool {
    let b = path.as_bytes();
    if path.starts_with("gopkg.in/") {
        let mut i = b.len();
        if path.ends_with("-unstable") {
            i -= "-unstable".len();
        }
        while i > 0 && b[i - 1].is_ascii_digit() {
            i -= 1;
        }
        if i <= 1 || b[i - 1] != b'v' || b[i - 2] != b'.' {
            return false;
        }
        let major = &path[i - 2..];
        return !(major.len() <= 2 || (major.as_bytes()[2] == b'0' && major != ".v0"));
    }
    let mut i = b.len();
    let mut dot = false;
    while i > 0 && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.') {
        dot |= b[i - 1] == b'.';
        i -= 1;
    }
    if i <= 1 || i == b.len() || b[i - 1] != b'v' || b[i - 2] != b'/' {
        return true;
    }
    let major = &path[i - 2..];
    !(dot || major.len() <= 2 || major.as_bytes()[2] == b'0' || major == "/v1")
}

/// Escapes a module path (`github.com/Azure/x` → `github.com/!azure/x`).
/// Errors, like Go's, when the path is empty or holds `!` or non-ASCII characters.
pub fn escape_path(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Err("malformed module path \"\": empty string".to_string());
    }
    if path.starts_with('/') || path.ends_with('/') || path.contains("//") {
        return Err(format!(
            "malformed module path {path:?}: leading, trailing or double slash"
        ));
    }
    escape_string(path).ok_or_else(|| {
        format!("malformed module path {path:?}: invalid char (only ASCII letters, digits and -._~/ are allowed)")
    })
}

/// Escapes a version (`v1.0.0-RC1` → `v1.0.0-!r!c1`).
pub fn escape_version(version: &str) -> Result<String, String> {
    if version.is_empty()
        || version.contains('/')
        || version.contains(['\\', ' ', '\t', '\n'])
        || version == "."
        || version == ".."
    {
        return Err(format!("disallowed version string {version:?}"));
    }
    escape_string(version).ok_or_else(|| format!("disallowed version string {version:?}"))
}

fn escape_string(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if c == '!' || !c.is_ascii() || c.is_ascii_control() {
            return None;
        }
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Reverses [`escape_path`] / [`escape_version`]: `!x` → `X`. None when the text is not a
/// valid escaped form (an upper-case letter, or `!` not followed by a lower-case letter).
pub fn unescape(escaped: &str) -> Option<String> {
    let mut out = String::with_capacity(escaped.len());
    let mut bang = false;
    for c in escaped.chars() {
        if bang {
            if !c.is_ascii_lowercase() {
                return None;
            }
            out.push(c.to_ascii_uppercase());
            bang = false;
        } else if c == '!' {
            bang = true;
        } else if c.is_ascii_uppercase() {
            return None;
        } else {
            out.push(c);
        }
    }
    (!bang).then_some(out)
}

/// The part of `path@version` split like Go's command line: version may be absent.
pub fn split_path_version(target: &str) -> (&str, Option<&str>) {
    match target.split_once('@') {
        Some((p, v)) => (p, Some(v)),
        None => (target, None),
    }
}

/// The URL of `rest` (`<escaped module>/@v/list`, `sumdb/<name>/supported`) at a GOPROXY
/// entry or checksum database, as cmd/go builds it (newProxyRepo + web.Join): the base's
/// trailing slashes collapsed, the path escaped as net/url writes it (so `!` in an escaped
/// module path is sent and printed as `%21`), and the base's query kept at the end.
pub fn join_url(base: &str, rest: &str) -> String {
    let (path, query) = match base.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (base, None),
    };
    let mut url = format!(
        "{}/{}",
        path.trim_end_matches('/'),
        go_escape_path(rest.trim_start_matches('/'))
    );
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// net/url's path escaping (shouldEscape with encodePath).
pub fn go_escape_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-_.~$&+,/:;=@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The highest release version in a `@v/list` body (pre-releases only when no release).
pub fn latest_from_list(list: &str) -> Option<String> {
    let versions: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|v| parse_semver(v).is_some())
        .collect();
    let releases: Vec<&str> = versions
        .iter()
        .copied()
        .filter(|v| !v.contains('-'))
        .collect();
    let pool = if releases.is_empty() {
        &versions
    } else {
        &releases
    };
    pool.iter()
        .max_by(|a, b| cmp_semver(a, b))
        .map(|v| v.to_string())
}

fn parse_semver(v: &str) -> Option<(u64, u64, u64, String)> {
    let rest = v.strip_prefix('v')?;
    let (core, pre) = match rest.split_once(['-', '+']) {
        Some((c, p)) => (c, p.to_string()),
        None => (rest, String::new()),
    };
    let mut it = core.split('.');
    let a = it.next()?.parse().ok()?;
    let b = it.next()?.parse().ok()?;
    let c = it.next()?.parse().ok()?;
    it.next().is_none().then_some((a, b, c, pre))
}

fn cmp_semver(a: &str, b: &str) -> std::cmp::Ordering {
    let (pa, pb) = (parse_semver(a).unwrap(), parse_semver(b).unwrap());
    (pa.0, pa.1, pa.2).cmp(&(pb.0, pb.1, pb.2)).then_with(|| {
        match (pa.3.is_empty(), pb.3.is_empty()) {
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            _ => pa.3.cmp(&pb.3),
        }
    })
}

#[cfg(test)]
mod tests {

    /// What `go mod download PATH@v1.0.0` printed (Go 1.27) after `malformed module path`.
    #[test]
    fn checks_paths_like_go() {
        for (path, want) in [
            ("MOD.TEST/M", "invalid char 'M' in first path element"),
            ("a.b/c/", "trailing slash"),
            ("a.b/.c", "leading dot in path element"),
            ("a.b/c.", "trailing dot in path element"),
            (
                "a.b/con/x",
                "\"con\" disallowed as path element component on Windows",
            ),
            ("a.b/x~1", "trailing tilde and digits in path element"),
            ("a.b/x/v1", "invalid version"),
            ("a.b/x/v0", "invalid version"),
            ("gopkg.in/yaml", "invalid version"),
            ("a.b/c..", "trailing dot in path element"),
            ("a_b.c/d", "invalid char '_' in first path element"),
            ("a.b/c d", "invalid char ' '"),
            ("a.b/../c", "invalid path element \"..\""),
            ("a.b//c", "double slash"),
            ("fmt", "missing dot in first path element"),
            ("", "empty string"),
        ] {
            assert_eq!(
                check_path(path).unwrap_err(),
                format!("malformed module path {}: {want}", go_quote(path)),
                "{path}"
            );
        }
        for ok in [
            "golang.org/x/text",
            "github.com/Azure/go-autorest",
            "gopkg.in/yaml.v3",
            "gopkg.in/check.v1",
            "gopkg.in/yaml.v0",
            "a.b/x/v2",
            "a.b/x~y",
            "a.b/conx/x~y1z",
        ] {
            assert_eq!(check_path(ok), Ok(()), "{ok}");
        }
    }

    use super::*;

    #[test]
    fn urls_are_joined_as_cmd_go_joins_them() {
        assert_eq!(
            join_url("https://p/", "/example.com/!upper/@v/list"),
            "https://p/example.com/%21upper/@v/list"
        );
        assert_eq!(
            join_url("https://p/x?token=1", "m/@v/list"),
            "https://p/x/m/@v/list?token=1"
        );
        assert_eq!(go_escape_path("a b?c"), "a%20b%3Fc");
    }

    #[test]
    fn escapes_like_go() {
        // Facts from x/mod/module's escape tests and the GOPROXY protocol documentation.
        for (path, want) in [
            (
                "github.com/Azure/azure-sdk-for-go",
                "github.com/!azure/azure-sdk-for-go",
            ),
            ("github.com/BurntSushi/toml", "github.com/!burnt!sushi/toml"),
            ("golang.org/x/text", "golang.org/x/text"),
            ("ÿ.com", ""),
            ("a!b", ""),
            ("", ""),
        ] {
            match escape_path(path) {
                Ok(e) => assert_eq!(e, want, "{path}"),
                Err(_) => assert!(want.is_empty(), "{path} should escape"),
            }
        }
        assert_eq!(escape_version("v1.0.0-RC1").unwrap(), "v1.0.0-!r!c1");
        assert!(escape_version("v1/2").is_err());
        assert!(escape_version("").is_err());
    }

    #[test]
    fn unescape_round_trips_and_rejects() {
        for s in ["github.com/Azure/X", "v1.0.0-RC1", "plain"] {
            let e = escape_path(s).unwrap();
            assert_eq!(unescape(&e).as_deref(), Some(s));
        }
        for bad in ["github.com/Azure", "a!", "a!1", "a!!b"] {
            assert_eq!(unescape(bad), None, "{bad}");
        }
    }
}
