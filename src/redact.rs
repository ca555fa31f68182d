//! Secrets never leave the machine: every string that may carry credentials goes through
//! here before it is printed, logged or serialized.
//!
//! What counts as a secret: the userinfo of a URL (`user:password@`, or a lone token such as
//! `https://TOKEN@host`), and the value of `Authorization` / `Proxy-Authorization` headers.

/// What replaces a secret. Same spirit as Go's `url.URL.Redacted`, which prints `xxxxx`.
pub const MASK: &str = "xxxxx";

/// Redacts the userinfo of one URL-like value (with or without a scheme, as proxy variables
/// may be written `user:pass@proxy:3128`). A username alone is treated as a token and masked;
/// with a password, the username is kept and the password masked.
pub fn redact_url(value: &str) -> String {
    redact_text(value)
}

/// Redacts every credential found anywhere in free text: URLs with userinfo, scheme-less
/// `user:pass@host`, and authorization header values.
pub fn redact_text(text: &str) -> String {
    let text = redact_auth_headers(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('@') {
        // The token around '@' runs from the previous delimiter to the '@'.
        let before = &rest[..at];
        let start = before
            .rfind(|c: char| {
                c.is_whitespace()
                    || matches!(
                        c,
                        '"' | '\'' | '(' | '<' | '>' | ',' | '|' | '=' | ';' | '`'
                    )
            })
            .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        let token = &before[start..];
        out.push_str(&before[..start]);
        match split_userinfo(token) {
            Some((prefix, userinfo)) => {
                out.push_str(prefix);
                out.push_str(&mask_userinfo(userinfo));
            }
            None => out.push_str(token),
        }
        out.push('@');
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// Splits `scheme://userinfo` or a scheme-less `user:pass` token. Returns None when the token
/// does not look like URL userinfo (an e-mail address, `module@version`).
fn split_userinfo(token: &str) -> Option<(&str, &str)> {
    if let Some(i) = token.find("://") {
        let (prefix, userinfo) = token.split_at(i + 3);
        if userinfo.is_empty() || userinfo.contains('/') {
            return None;
        }
        return Some((prefix, userinfo));
    }
    // Without a scheme only `user:password@` is treated as credentials: `a@b.com` and
    // `example.com/mod@v1.2.3` are not secrets.
    if token.contains(':') && !token.contains('/') && !token.is_empty() {
        return Some(("", token));
    }
    None
}

fn mask_userinfo(userinfo: &str) -> String {
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{user}:{MASK}"),
        None => MASK.to_string(),
    }
}

/// Masks the value of `Authorization:` and `Proxy-Authorization:` headers (case-insensitive),
/// keeping the scheme word so a reader still sees "Basic" or "Bearer".
fn redact_auth_headers(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = lower[pos..].find("authorization:") {
        let value_start = pos + found + "authorization:".len();
        out.push_str(&text[pos..value_start]);
        let line_end = text[value_start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| value_start + i);
        let value = text[value_start..line_end].trim_start();
        let lead = &text[value_start..line_end - value.len()];
        out.push_str(lead);
        match value.split_once(' ') {
            Some((scheme, _)) => {
                out.push_str(scheme);
                out.push(' ');
                out.push_str(MASK);
            }
            None if value.is_empty() => {}
            None => out.push_str(MASK),
        }
        pos = line_end;
    }
    out.push_str(&text[pos..]);
    out
}

/// True when the text still holds the given secret: a test helper for "no secret in any output".
pub fn leaks(text: &str, secret: &str) -> bool {
    !secret.is_empty() && text.contains(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_password_keeps_user() {
        assert_eq!(
            redact_url("http://u:secret@127.0.0.1:3128"),
            "http://u:xxxxx@127.0.0.1:3128"
        );
    }

    #[test]
    fn masks_lone_token() {
        assert_eq!(
            redact_url("https://ghp_abc123@github.com/x/y"),
            "https://xxxxx@github.com/x/y"
        );
    }

    #[test]
    fn masks_schemeless_proxy_value() {
        assert_eq!(redact_url("u:pw@proxy:3128"), "u:xxxxx@proxy:3128");
    }

    #[test]
    fn keeps_module_versions_and_emails() {
        for s in [
            "golang.org/x/text@v0.3.0",
            "admin@example.com",
            "go: example.com/m@v1.0.0: not found",
        ] {
            assert_eq!(redact_text(s), s);
        }
    }

    #[test]
    fn masks_inside_free_text_and_lists() {
        let t = r#"Get "https://proxy.golang.org/x": proxyconnect tcp: dial http://bob:hunter2@10.0.0.1:8080, GOPROXY=https://a:tok@goproxy.example|direct"#;
        let r = redact_text(t);
        assert!(!r.contains("hunter2") && !r.contains("tok@"), "{r}");
        assert!(r.contains("http://bob:xxxxx@10.0.0.1:8080"));
        assert!(r.contains("https://a:xxxxx@goproxy.example|direct"));
    }

    #[test]
    fn masks_authorization_headers() {
        let t = "GET / HTTP/1.1\r\nProxy-Authorization: Basic dTpwdw==\r\nauthorization: Bearer abc.def\r\n";
        let r = redact_text(t);
        assert!(!r.contains("dTpwdw==") && !r.contains("abc.def"), "{r}");
        assert!(r.contains("Proxy-Authorization: Basic xxxxx"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "@",
            "@@",
            "://@",
            "a:@",
            "é@ü:",
            "authorization:",
            "x\u{2014}@y",
        ] {
            let _ = redact_text(s);
        }
    }
}
