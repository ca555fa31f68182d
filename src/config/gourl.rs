//! A port of the parts of Go's `net/url.Parse` that decide whether GOPROXY, GOSUMDB and proxy
//! variables are accepted, with Go's error texts (`parse "<url>": <reason>`).
//!
//! The `url` crate follows the WHATWG standard and accepts or rejects different inputs than
//! Go, so decisions that must match cmd/go are made here.

/// A URL split as Go's url.URL (escaped forms kept as written).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoUrl {
    /// Lower-cased scheme ("" when none).
    pub scheme: String,
    pub opaque: String,
    /// Unescaped username, when userinfo is present.
    pub username: Option<String>,
    /// Unescaped password, when userinfo has a `:`.
    pub password: Option<String>,
    /// host[:port], unescaped (IPv6 literals keep their brackets).
    pub host: String,
    /// The path as written (escaped form), e.g. `/a%20b`.
    pub raw_path: String,
    /// The unescaped path.
    pub path: String,
    pub raw_query: String,
    pub force_query: bool,
    pub fragment: String,
    /// `scheme:/path` with an empty authority (no `//`).
    pub omit_host: bool,
}

impl GoUrl {
    /// url.URL.Hostname: the host without port and brackets.
    pub fn hostname(&self) -> &str {
        split_host_port(&self.host).0
    }

    /// url.URL.Port: the port digits ("" when absent).
    pub fn port(&self) -> &str {
        split_host_port(&self.host).1
    }

    /// url.URL.Redacted: String() with the password replaced by `xxxxx` (and, unlike Go, a
    /// lone user too: it is a token).
    pub fn redacted(&self) -> String {
        self.to_string_with(true)
    }

    fn to_string_with(&self, redact: bool) -> String {
        let mut s = String::new();
        if !self.scheme.is_empty() {
            s.push_str(&self.scheme);
            s.push(':');
        }
        if !self.opaque.is_empty() {
            s.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.username.is_some() {
                if self.omit_host && self.host.is_empty() && self.username.is_none() {
                    // scheme:/path
                } else {
                    if !self.host.is_empty() || !self.raw_path.is_empty() || self.username.is_some()
                    {
                        s.push_str("//");
                    }
                    if let Some(user) = &self.username {
                        match &self.password {
                            Some(pw) => {
                                s.push_str(user);
                                s.push(':');
                                s.push_str(if redact { crate::redact::MASK } else { pw });
                            }
                            // Go keeps a lone user; it is a token, so we mask it.
                            None if redact => s.push_str(crate::redact::MASK),
                            None => s.push_str(user),
                        }
                        s.push('@');
                    }
                    s.push_str(&self.host);
                }
            }
            if !self.raw_path.is_empty() && !self.raw_path.starts_with('/') && !self.host.is_empty()
            {
                s.push('/');
            }
            s.push_str(&self.raw_path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            s.push('?');
            s.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            s.push('#');
            s.push_str(&self.fragment);
        }
        s
    }
}

impl std::fmt::Display for GoUrl {
    /// url.URL.String (the password is included: never print this for a user).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_string_with(false))
    }
}

/// Splits host[:port] like Go's url.splitHostPort.
fn split_host_port(host_port: &str) -> (&str, &str) {
    let (mut host, mut port) = (host_port, "");
    if let Some(colon) = host_port.rfind(':') {
        if host_port[colon..][1..].bytes().all(|b| b.is_ascii_digit()) {
            host = &host_port[..colon];
            port = &host_port[colon + 1..];
        }
    }
    if host.starts_with('[') && host.ends_with(']') && host.len() >= 2 {
        host = &host[1..host.len() - 1];
    }
    (host, port)
}

pub use crate::vocab::goerr::{go_quote, go_quote_bytes};

/// url.Parse; the error is Go's full text (`parse "<url>": <reason>`).
pub fn parse(raw: &str) -> Result<GoUrl, String> {
    let (u, frag) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    let mut url = parse_inner(u).map_err(|e| format!("parse {}: {e}", go_quote(u)))?;
    if let Some(frag) = frag.filter(|f| !f.is_empty()) {
        unescape(frag, Mode::Fragment).map_err(|e| format!("parse {}: {e}", go_quote(raw)))?;
        url.fragment = frag.to_string();
    }
    Ok(url)
}

/// url.Parse with the error's copies of the credentials masked: Go's text quotes the raw URL
/// (and pieces of it), password included; ours never shows them.
pub fn parse_masked(raw: &str) -> Result<GoUrl, String> {
    parse(raw).map_err(|e| crate::redact::mask_quoted_fragments(&e, raw))
}

/// The part of url.Parse after the fragment is cut: the bare reason on error.
fn parse_inner(raw: &str) -> Result<GoUrl, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = GoUrl::default();
    if raw == "*" {
        url.path = "*".into();
        url.raw_path = "*".into();
        return Ok(url);
    }
    let (scheme, rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest;
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        rest = r;
        url.raw_query = q.to_string();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            // Rootless paths are opaque (RFC 3986).
            url.opaque = rest.to_string();
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority_and_path = &rest[2..];
        let (authority, path) = match authority_and_path.find('/') {
            Some(i) => (&authority_and_path[..i], &authority_and_path[i..]),
            None => (authority_and_path, ""),
        };
        parse_authority(&url.scheme.clone(), authority, &mut url)?;
        rest = path;
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    url.path = unescape(rest, Mode::Path)?;
    url.raw_path = rest.to_string();
    Ok(url)
}

fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok(("", raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".into());
                }
                return Ok((&raw[..i], &raw[i + 1..]));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

fn parse_authority(scheme: &str, authority: &str, url: &mut GoUrl) -> Result<(), String> {
    let at = authority.rfind('@');
    let host_part = match at {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    url.host = parse_host(scheme, host_part)?;
    let Some(i) = at else {
        return Ok(());
    };
    let userinfo = &authority[..i];
    if !valid_userinfo(userinfo) {
        return Err("net/url: invalid userinfo".into());
    }
    match userinfo.split_once(':') {
        None => url.username = Some(unescape(userinfo, Mode::UserPassword)?),
        Some((user, pw)) => {
            url.username = Some(unescape(user, Mode::UserPassword)?);
            url.password = Some(unescape(pw, Mode::UserPassword)?);
        }
    }
    Ok(())
}

fn valid_userinfo(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    })
}

fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || (port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit()))
}

fn parse_host(scheme: &str, host: &str) -> Result<String, String> {
    match host.rfind('[') {
        Some(open) if open > 0 => return Err("invalid IP-literal".into()),
        Some(_) => {
            let Some(close) = host.rfind(']') else {
                return Err("missing ']' in host".into());
            };
            let colon_port = &host[close + 1..];
            if !valid_optional_port(colon_port) {
                return Err(format!("invalid port {} after host", go_quote(colon_port)));
            }
            let colon_port = unescape(colon_port, Mode::Host)?;
            let hostname = &host[1..close.max(1)];
            let unescaped = match hostname.find("%25") {
                Some(z) => {
                    unescape(&hostname[..z], Mode::Host)? + &unescape(&hostname[z..], Mode::Zone)?
                }
                None => unescape(hostname, Mode::Host)?,
            };
            // Only IPv6 addresses may be bracketed (a zone is allowed).
            let addr_part = unescaped.split('%').next().unwrap_or("");
            match addr_part.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V6(_)) => {}
                Ok(std::net::IpAddr::V4(_)) => return Err("invalid IP-literal".into()),
                Err(_) => {
                    return Err(format!(
                        "invalid host: ParseAddr({}): unable to parse IP",
                        go_quote(&unescaped)
                    ))
                }
            }
            return Ok(format!("[{unescaped}]{colon_port}"));
        }
        None => {}
    }
    if let Some(first) = host.find(':') {
        let last = host.rfind(':').unwrap_or(first);
        // Go 1.27 (urlstrictcolons=1): http/https hosts may hold only one colon.
        let i = if last != first && scheme != "http" && scheme != "https" {
            last
        } else {
            first
        };
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host, Mode::Host)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
}

/// Characters that may appear unescaped in a host (shouldEscape(c, encodeHost) == false).
fn host_char_ok(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
                | b'-'
                | b'_'
                | b'.'
                | b'~'
        )
}

fn unhex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

/// url.unescape for the modes used here; errors are Go's texts.
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    while i < b.len() {
        match b[i] {
            b'%' => {
                if i + 2 >= b.len()
                    || !b[i + 1].is_ascii_hexdigit()
                    || !b[i + 2].is_ascii_hexdigit()
                {
                    let end = (i + 3).min(b.len());
                    return Err(format!("invalid URL escape {}", go_quote_bytes(&b[i..end])));
                }
                let v = unhex(b[i + 1]) << 4 | unhex(b[i + 2]);
                let esc = &s[i..i + 3];
                if mode == Mode::Host && unhex(b[i + 1]) < 8 && esc != "%25" {
                    return Err(format!("invalid URL escape {}", go_quote(esc)));
                }
                if mode == Mode::Zone && esc != "%25" && v != b' ' && !host_char_ok(v) {
                    return Err(format!("invalid URL escape {}", go_quote(esc)));
                }
                out.push(v);
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && !host_char_ok(c) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&(c as char).to_string())
                    ));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_go() {
        let u = parse("https://u:p%40ss@proxy.example:3128/a/b?x=1#f").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.username.as_deref(), Some("u"));
        assert_eq!(u.password.as_deref(), Some("p@ss"));
        assert_eq!(u.host, "proxy.example:3128");
        assert_eq!(u.hostname(), "proxy.example");
        assert_eq!(u.port(), "3128");
        assert_eq!(u.path, "/a/b");
        assert_eq!(u.raw_query, "x=1");
        assert_eq!(u.fragment, "f");
        assert_eq!(u.redacted(), "https://u:xxxxx@proxy.example:3128/a/b?x=1#f");
        // Go's error quotes the raw URL and the bad escape, password included; ours masks
        // them.
        let e = parse_masked("https://u:p%zz@host/x#f").unwrap_err();
        assert_eq!(
            e,
            r#"parse "https://u:xxxxx@host/x": invalid URL escape "xxxxx""#
        );
        let v6 = parse("http://[::1]:8080").unwrap();
        assert_eq!(v6.hostname(), "::1");
        assert_eq!(v6.port(), "8080");
        let opaque = parse("proxy.example:3128").unwrap();
        assert_eq!(opaque.scheme, "proxy.example");
        assert_eq!(opaque.opaque, "3128");
        assert!(parse("file:/tmp/x").unwrap().omit_host);
        assert_eq!(parse("HTTP://X").unwrap().scheme, "http");
    }

    #[test]
    fn go_error_texts() {
        let cases = [
            (":foo", "parse \":foo\": missing protocol scheme"),
            (
                "1.2.3.4:8080",
                "parse \"1.2.3.4:8080\": first path segment in URL cannot contain colon",
            ),
            (
                "http://a b.com/",
                "parse \"http://a b.com/\": invalid character \" \" in host name",
            ),
            (
                "http://x:abc",
                "parse \"http://x:abc\": invalid port \":abc\" after host",
            ),
            (
                "http://a:1:2",
                "parse \"http://a:1:2\": invalid port \":1:2\" after host",
            ),
            (
                "http://x/%zz",
                "parse \"http://x/%zz\": invalid URL escape \"%zz\"",
            ),
            (
                "http://x\n",
                "parse \"http://x\\n\": net/url: invalid control character in URL",
            ),
            ("http://[::1", "parse \"http://[::1\": missing ']' in host"),
            (
                "http://a[::1]",
                "parse \"http://a[::1]\": invalid IP-literal",
            ),
            (
                "http://[1.2.3.4]",
                "parse \"http://[1.2.3.4]\": invalid IP-literal",
            ),
            (
                "http://u s@x",
                "parse \"http://u s@x\": net/url: invalid userinfo",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input).unwrap_err(), want, "{input}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,30}", t in "[a-z:/@\\[\\]%0-9.#?]{0,20}") {
            let _ = parse(&s).map(|u| (u.redacted(), u.hostname().to_string(), u.port().to_string()));
            let _ = parse(&t).map(|u| (u.redacted(), u.hostname().to_string(), u.port().to_string()));
        }
    }
}
