//! Module path and version escaping for proxy URLs and cache paths (golang.org/x/mod/module):
//! every upper-case ASCII letter becomes `!` followed by its lower-case form, so that
//! case-insensitive file systems and URLs keep distinct modules apart.

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
