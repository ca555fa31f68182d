//! Secrets stay whole inside the program and are masked only where they leave it.
//!
//! - [`Secret`] holds a value that may carry credentials (a URL, a GOPROXY list, a proxy
//!   variable). Its `Display`, `Debug` and `Serialize` print it masked; the real value is
//!   reachable only through [`Secret::expose`], where a request is built or Go's configuration
//!   is parsed. A report read back from JSON holds the masked values, and masking is stable
//!   under joining (`mask(base) + "/path" == mask(base + "/path")`), so a saved report is
//!   re-diagnosed on the same URLs it was written with.
//! - [`mask_url`] masks one URL's userinfo by parsing it as Go's `url.URL.Redacted` does: the
//!   authority ends at the first `/`, `?` or `#` after `scheme://`, the userinfo at the last `@`
//!   in it; the user is kept and the password becomes `xxxxx`. Unlike Go, a lone user (a token,
//!   `https://TOKEN@host`) is masked too.
//! - [`go_error_url`] is the URL as net/http prints it in its errors (`stripPassword`: the
//!   password becomes `***`), for predicting Go's text.
//! - Strings that hold real values inside the facts (observation keys, server headers, OS
//!   proxy settings, the URLs a pasted text names) serialize through `serialize_masked*`.
//! - [`mask_quoted_fragments`]: Go's parse errors quote the raw input and pieces of it; the
//!   pieces of a credential are masked in them.
//! - [`mask_text`] is the last-resort net for free text at the output edge (stdout, stderr):
//!   every URL authority in the text, scheme-less `user:password@host`, and the values of
//!   `Authorization` / `Proxy-Authorization` headers. It splits the text only where a URL
//!   authority cannot continue, so passwords with `= , ; ' ( @ %` are masked whole.

use serde::{Deserialize, Serialize};

/// What replaces a secret: Go's `url.URL.Redacted` writes `xxxxx`.
pub const MASK: &str = "xxxxx";
/// What net/http's errors print in place of a password (`stripPassword` in client.go).
pub const GO_ERROR_MASK: &str = "***";

/// A value that may carry credentials. Printing or serializing it masks them; only
/// [`Secret::expose`] gives the real value.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The real value, credentials included: for building requests and parsing Go's
    /// configuration, never for output.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value as it may be shown.
    pub fn masked(&self) -> String {
        mask_value(&self.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(v: String) -> Secret {
        Secret(v)
    }
}

impl From<&str> for Secret {
    fn from(v: &str) -> Secret {
        Secret(v.to_string())
    }
}

/// Comparisons look at the real value (nothing is printed).
impl PartialEq<str> for Secret {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Secret {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Secret {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({:?})", self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for Secret {
    /// A serialized secret is already masked: it is read back as it is.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// Masks a configuration value: one URL-like value (a scheme-less proxy variable such as
/// `user:pass@proxy:3128` included) by parsing it, anything else (GOPROXY lists, GOSUMDB's
/// `name URL`) with [`mask_text`].
pub fn mask_value(value: &str) -> String {
    if !value.contains("://") && !value.contains(char::is_whitespace) {
        mask_url(value)
    } else {
        mask_text(value)
    }
}

/// Masks the userinfo of one URL (with or without a scheme). The password becomes `xxxxx`
/// and the user is kept; a lone user (a token) becomes `xxxxx`. Values without userinfo,
/// and already masked ones, come back unchanged.
pub fn mask_url(value: &str) -> String {
    mask_token_words(&with_userinfo(value, MASK))
}

/// The URL as net/http prints it in an error (`Get "URL": ...`): the password replaced by
/// `***` (net/http's `stripPassword`). A lone user, which Go prints in clear, is masked.
pub fn go_error_url(value: &str) -> String {
    with_userinfo(value, GO_ERROR_MASK)
}

fn with_userinfo(value: &str, password_mask: &str) -> String {
    let start = value.find("://").map_or(0, |i| i + 3);
    let rest = &value[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..end].rfind('@') else {
        return value.to_string();
    };
    format!(
        "{}{}{}",
        &value[..start],
        mask_userinfo(
            &rest[..at],
            password_mask,
            lone_user_is_secret(&value[..start])
        ),
        &rest[at..]
    )
}

/// Whether a lone user after `prefix` (the text up to the authority) may be a token: in an
/// http(s) URL it can be (`https://TOKEN@github.com`); in an ssh one it is the account
/// (`ssh://git@host:2222/`), which ssh never takes a token for, and it names the rewrite.
fn lone_user_is_secret(prefix: &str) -> bool {
    // Only the tail is looked at: mask_text asks this for every run of a long text.
    let b = prefix.as_bytes();
    !b[b.len().saturating_sub(6)..].eq_ignore_ascii_case(b"ssh://")
}

/// `user:password` → `user:<mask>`; a lone user → `xxxxx` when `lone_is_secret`. For display
/// a password that is already a mask (`xxxxx`, or `***` in Go's own text) stays; for Go's
/// error text any password is `***`, so a masked configuration predicts the same text as
/// the real one.
fn mask_userinfo(userinfo: &str, password_mask: &str, lone_is_secret: bool) -> String {
    match userinfo.split_once(':') {
        Some((user, pw)) if password_mask == MASK && (pw == MASK || pw == GO_ERROR_MASK) => {
            format!("{user}:{pw}")
        }
        // `https://ghp_TOKEN:x-oauth-basic@github.com/`: the user is the secret there.
        Some((user, _)) if is_token(user) => format!("{MASK}:{password_mask}"),
        Some((user, _)) => format!("{user}:{password_mask}"),
        None if lone_is_secret && !userinfo.is_empty() => MASK.to_string(),
        None => userinfo.to_string(),
    }
}

/// Whether `c` can appear in a URL authority (RFC 3986 userinfo, host and port: unreserved,
/// percent escapes, sub-delims, `:`, `@`, IPv6 brackets). Non-ASCII counts too, so a
/// password Go would reject is still masked whole.
pub fn authority_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.'
                | '_'
                | '~'
                | '%'
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
                | ':'
                | '@'
                | '['
                | ']'
        )
        || !c.is_ascii()
}

/// The last-resort net for free text at the output edge: masks the userinfo of every URL
/// authority (`scheme://user:password@host`, `scheme://TOKEN@host`), every scheme-less
/// `user:password@host`, and `Authorization` / `Proxy-Authorization` header values. Module
/// versions (`example.com/m@v1.0.0`) and e-mail addresses are not credentials and stay.
pub fn mask_text(text: &str) -> String {
    let text = mask_token_words(&mask_auth_headers(text));
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let run_len = rest
            .find(|c: char| !authority_char(c))
            .unwrap_or(rest.len());
        if run_len == 0 {
            let c = rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[..c]);
            rest = &rest[c..];
            continue;
        }
        let run = &rest[..run_len];
        // After `//` the run is a URL authority: there a lone user is a token too.
        let after_slashes = out.ends_with("//") && lone_user_is_secret(&out);
        match run.rfind('@') {
            Some(at) => {
                out.push_str(&mask_userinfo(&run[..at], MASK, after_slashes));
                out.push_str(&run[at..]);
            }
            None => out.push_str(run),
        }
        rest = &rest[run_len..];
    }
    out
}

/// Where [`mask_text`] finds credentials in a text (URL userinfo; headers aside): the byte
/// ranges it replaces with `xxxxx`. For texts that Go cuts apart: a GOPROXY password with a
/// `,` is split by Go's own parser, whose error then quotes a piece of it.
pub fn credential_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        let run_len = rest
            .find(|c: char| !authority_char(c))
            .unwrap_or(rest.len());
        if run_len == 0 {
            pos += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let run = &rest[..run_len];
        let after_slashes = text[..pos].ends_with("//") && lone_user_is_secret(&text[..pos]);
        if let Some(at) = run.rfind('@') {
            let userinfo = &run[..at];
            match userinfo.split_once(':') {
                Some((user, pw)) if pw != MASK && pw != GO_ERROR_MASK => {
                    let start = pos + user.len() + 1;
                    spans.push(start..pos + at);
                }
                Some(_) => {}
                None if after_slashes && !userinfo.is_empty() && userinfo != MASK => {
                    spans.push(pos..pos + at);
                }
                None => {}
            }
        }
        pos += run_len;
    }
    spans
}

/// Masks, in the quoted (`%q`) parts of an error about `source`, every piece of a credential
/// that [`credential_spans`] finds in `source`. Go's parse errors quote the raw input and
/// pieces of it (`invalid URL escape "%zz"`, `invalid port ":ab"` when a `,` in a GOPROXY
/// password splits the entry), password included; ours never show them.
pub fn mask_quoted_fragments(error: &str, source: &str) -> String {
    let secrets: Vec<&str> = credential_spans(source)
        .into_iter()
        .map(|r| &source[r])
        .filter(|s| !s.is_empty())
        .collect();
    if secrets.is_empty() {
        return error.to_string();
    }
    // Every range of the quoted text that holds a credential (or a piece of one) is found in
    // the text as it is, then each merged range is written once as MASK: masking never
    // rescans its own output (replacing "xx" by "xxxxx" again and again grows without end).
    let mask = |quoted: &str| -> String {
        let mut ranges: Vec<(usize, usize)> = vec![];
        for s in &secrets {
            // The whole credential, or the pieces Go's split left of it.
            for piece in std::iter::once(*s).chain(s.split([',', '|'])) {
                if piece.len() >= 2 {
                    ranges.extend(quoted.match_indices(piece).map(|(i, p)| (i, i + p.len())));
                }
            }
            // A quoted piece of the credential itself (`"%zz"`, `":ab"`).
            let inner = quoted.trim_start_matches(':');
            if inner.len() >= 2 && inner != MASK && s.contains(inner) {
                let start = quoted.len() - inner.len();
                ranges.push((start, quoted.len()));
            }
        }
        if ranges.is_empty() {
            return quoted.to_string();
        }
        ranges.sort_unstable();
        let mut out = String::with_capacity(quoted.len());
        let mut at = 0;
        for (start, end) in ranges {
            if end <= at {
                continue;
            }
            if start >= at {
                out.push_str(&quoted[at..start]);
                out.push_str(MASK);
            }
            at = end;
        }
        out.push_str(&quoted[at..]);
        out
    };
    let mut out = String::with_capacity(error.len());
    let mut rest = error;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let body = &rest[open + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            out.push_str(body);
            return out;
        };
        out.push_str(&mask(&body[..end]));
        out.push('"');
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Masks the value of `Authorization:` and `Proxy-Authorization:` headers (case-insensitive),
/// keeping the scheme word so a reader still sees "Basic" or "Bearer"; also as JSON writes
/// them (`"Authorization": "Bearer ..."`, and escaped inside a JSON string, as a server that
/// echoes its request in a body shows up in `probe http --json`).
fn mask_auth_headers(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = lower[pos..].find("authorization") {
        let after_name = pos + found + "authorization".len();
        let Some((sep_len, quote)) = auth_separator(&text[after_name..]) else {
            out.push_str(&text[pos..after_name]);
            pos = after_name;
            continue;
        };
        let value_start = after_name + sep_len;
        out.push_str(&text[pos..value_start]);
        let line_end = text[value_start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| value_start + i);
        let end = match quote {
            Some(q) => text[value_start..line_end]
                .find(q)
                .map_or(line_end, |i| value_start + i),
            None => line_end,
        };
        let value = text[value_start..end].trim_start();
        out.push_str(&text[value_start..end - value.len()]);
        match value.split_once(' ') {
            Some((scheme, _)) => {
                out.push_str(scheme);
                out.push(' ');
                out.push_str(MASK);
            }
            None if value.is_empty() => {}
            None => out.push_str(MASK),
        }
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

/// After a header name: the length up to its value and the quote that ends the value (a
/// header line: `:`; JSON: `": "`; JSON in a JSON string: `\": \"`).
fn auth_separator(rest: &str) -> Option<(usize, Option<&'static str>)> {
    if rest.starts_with(':') {
        return Some((1, None));
    }
    for (sep, q) in [("\":", "\""), ("\\\":", "\\\"")] {
        if let Some(after) = rest.strip_prefix(sep) {
            let ws = after.len() - after.trim_start_matches(' ').len();
            if after[ws..].starts_with(q) {
                return Some((sep.len() + ws + q.len(), Some(q)));
            }
        }
    }
    None
}

/// Prefixes of access tokens that are secrets wherever they appear (GitHub, GitLab, Slack,
/// npm, PyPI, AWS keys, Google OAuth).
const TOKEN_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "xoxb-",
    "xoxp-",
    "npm_",
    "pypi-",
    "AKIA",
    "ya29.",
];

/// Query and flag names whose value is a secret (`?token=`, `--password=`, `access_token=`).
const SECRET_KEYS: &[&str] = &[
    "token",
    "access_token",
    "private_token",
    "auth_token",
    "api_key",
    "apikey",
    "password",
    "passwd",
    "secret",
    "client_secret",
];

fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// A word that is an access token by its prefix (and long enough to be one).
fn is_token(word: &str) -> bool {
    TOKEN_PREFIXES
        .iter()
        .any(|p| word.len() >= p.len() + 6 && word.starts_with(p))
}

/// Masks tokens outside URL userinfo: words with a token prefix (in a URL path, a GOAUTH
/// command's arguments, anywhere) and the values of secret-named keys (`?token=...`,
/// `--password=...`, `access_token=...`).
fn mask_token_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(token_char) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !token_char(c))
            .map_or(rest.len() - start, |i| i);
        let word = &rest[start..start + word_len];
        let after = &rest[start + word_len..];
        if is_token(word) && word != MASK {
            out.push_str(MASK);
        } else {
            out.push_str(word);
        }
        rest = after;
        let key = word.trim_start_matches('-').to_ascii_lowercase();
        if let Some(v) = after
            .strip_prefix('=')
            .filter(|_| SECRET_KEYS.contains(&key.as_str()))
        {
            let end = v
                .find(['&', ' ', '"', '\'', ',', ';', '\n', '\r', '\\', '#'])
                .unwrap_or(v.len());
            out.push('=');
            if end > 0 && &v[..end] != MASK {
                out.push_str(MASK);
            } else {
                out.push_str(&v[..end]);
            }
            rest = &v[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Serializes a string that may hold real credentials (a URL or a text with URLs), masked.
pub fn serialize_masked<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&mask_value(v))
}

/// Serializes an optional string that may hold credentials, masked.
pub fn serialize_masked_opt<S: serde::Serializer>(
    v: &Option<String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    v.as_deref().map(mask_value).serialize(s)
}

/// Serializes a map whose values may hold credentials (headers), masked.
pub fn serialize_masked_values<S, K>(
    map: &std::collections::BTreeMap<K, String>,
    s: S,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    K: Serialize,
{
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        m.serialize_entry(k, &mask_value(v))?;
    }
    m.end()
}

/// Serializes a list of strings that may hold credentials, masked.
pub fn serialize_masked_list<S: serde::Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|x| mask_value(x)))
}

/// Serializes a map keyed by real URLs with the keys masked.
pub fn serialize_masked_keys<S, V>(
    map: &std::collections::BTreeMap<String, V>,
    s: S,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    V: Serialize,
{
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        m.serialize_entry(&mask_value(k), v)?;
    }
    m.end()
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
            mask_url("http://u:secret@127.0.0.1:3128"),
            "http://u:xxxxx@127.0.0.1:3128"
        );
    }

    #[test]
    fn tokens_outside_userinfo() {
        assert_eq!(
            mask_url("https://ghp_abcdef123456:x-oauth-basic@github.com/"),
            "https://xxxxx:xxxxx@github.com/"
        );
        assert_eq!(
            mask_text("GOPROXY=https://p.corp/t/glpat-abcdef123456/mod?token=q123&x=1,direct"),
            "GOPROXY=https://p.corp/t/xxxxx/mod?token=xxxxx&x=1,direct"
        );
        assert_eq!(
            mask_text("GOAUTH=command /usr/bin/helper --password=s3cr3t ghp_abcdefghij"),
            "GOAUTH=command /usr/bin/helper --password=xxxxx xxxxx"
        );
        assert_eq!(
            mask_text(r#"{"body_preview":"{\"Authorization\": \"Bearer tok123\"}"}"#),
            r#"{"body_preview":"{\"Authorization\": \"Bearer xxxxx\"}"}"#
        );
        assert_eq!(
            mask_text(r#"{"Authorization": "Basic dXNlcjpwdw=="}"#),
            r#"{"Authorization": "Basic xxxxx"}"#
        );
        // Not secrets: prose about tokens, module paths, versions, hashes.
        for s in [
            "the token= flag",
            "golang.org/x/text@v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=",
            "Authorization header missing",
        ] {
            assert_eq!(mask_text(s), s);
        }
    }

    #[test]
    fn an_ssh_account_is_no_token() {
        assert_eq!(mask_url("ssh://git@h:2222/"), "ssh://git@h:2222/");
        assert_eq!(
            mask_text("url.ssh://git@h:2222/.insteadOf https://TOKEN@h/"),
            "url.ssh://git@h:2222/.insteadOf https://xxxxx@h/"
        );
        assert_eq!(mask_url("ssh://git:pw@h/"), "ssh://git:xxxxx@h/");
    }

    #[test]
    fn masks_lone_token() {
        assert_eq!(
            mask_url("https://ghp_abc123@github.com/x/y"),
            "https://xxxxx@github.com/x/y"
        );
    }

    #[test]
    fn masks_schemeless_proxy_value() {
        assert_eq!(mask_url("u:pw@proxy:3128"), "u:xxxxx@proxy:3128");
        assert_eq!(mask_value("u:p,w@proxy:3128"), "u:xxxxx@proxy:3128");
        assert_eq!(mask_value("TOKEN@proxy:3128"), "xxxxx@proxy:3128");
    }

    /// Every character a scanner might stop at, and base64 padding, is masked whole.
    #[test]
    fn passwords_with_delimiters_are_masked_whole() {
        for pw in [
            "dG9rZW4=",
            "ab,SECRET",
            "a;b",
            "it's",
            "p(w)",
            "p@ss@word",
            "50%25off",
            "50%off",
            "a=b,c;d'e(f@g%25h",
        ] {
            for url in [
                format!("https://guser:{pw}@host/p"),
                format!("http://u:{pw}@127.0.0.1:3128"),
                format!("u:{pw}@proxy:3128"),
            ] {
                let m = mask_url(&url);
                assert!(!m.contains(pw), "{url} -> {m}");
                assert!(m.contains(":xxxxx@"), "{url} -> {m}");
                let t = mask_text(&format!("Get \"{url}\": EOF, GOPROXY={url}|direct"));
                assert!(!t.contains(pw), "{url} -> {t}");
            }
            let token = format!("https://{pw}@host/p");
            assert_eq!(mask_url(&token), "https://xxxxx@host/p");
            assert!(!mask_text(&format!("x {token} y")).contains(pw));
        }
    }

    #[test]
    fn go_error_url_is_net_http_strip_password() {
        assert_eq!(
            go_error_url("https://guser:dG9rZW4=@host/p/m/@v/list"),
            "https://guser:***@host/p/m/@v/list"
        );
        assert_eq!(go_error_url("https://tok@host/p"), "https://xxxxx@host/p");
        // From a report's masked configuration: the same text as from the real one.
        assert_eq!(
            go_error_url("https://guser:xxxxx@host/p"),
            "https://guser:***@host/p"
        );
        assert_eq!(go_error_url("https://host/p"), "https://host/p");
    }

    #[test]
    fn masked_values_stay_as_they_are() {
        for v in [
            "https://u:xxxxx@h/p",
            "https://u:***@h/p",
            "https://xxxxx@h/p",
            "https://h/p",
        ] {
            assert_eq!(mask_url(v), v);
            assert_eq!(mask_text(v), v);
        }
    }

    /// A saved report is re-diagnosed with URLs joined from its masked configuration: masking
    /// the base then joining equals joining then masking.
    #[test]
    fn masking_commutes_with_joining_a_path() {
        for base in [
            "https://guser:dG9rZW4=@host/p",
            "https://u:a@b@host",
            "https://tok=@host:8443",
        ] {
            for path in ["/golang.org/x/text/@v/list", "/lookup/example.com/m@v1.0.0"] {
                assert_eq!(
                    mask_value(&format!("{base}{path}")),
                    format!("{}{path}", mask_value(base))
                );
            }
        }
    }

    #[test]
    fn lists_and_name_url_pairs() {
        assert_eq!(
            mask_value("https://u:ab,cd@host/p,https://tok=@h2,direct"),
            "https://u:xxxxx@host/p,https://xxxxx@h2,direct"
        );
        assert_eq!(
            mask_value("https://h1,https://u2:p@ss@h2"),
            "https://h1,https://u2:xxxxx@h2"
        );
        assert_eq!(
            mask_value("sum.golang.org https://s:c2Vj=@127.0.0.1:9"),
            "sum.golang.org https://s:xxxxx@127.0.0.1:9"
        );
    }

    #[test]
    fn keeps_module_versions_and_emails() {
        for s in [
            "golang.org/x/text@v0.3.0",
            "admin@example.com",
            "go: example.com/m@v1.0.0: not found",
            "git@github.com:org/repo.git",
        ] {
            assert_eq!(mask_text(s), s);
        }
    }

    #[test]
    fn masks_inside_free_text_and_lists() {
        let t = r#"Get "https://proxy.golang.org/x": proxyconnect tcp: dial http://bob:hunter2@10.0.0.1:8080, GOPROXY=https://a:tok@goproxy.example|direct"#;
        let r = mask_text(t);
        assert!(!r.contains("hunter2") && !r.contains("tok@"), "{r}");
        assert!(r.contains("http://bob:xxxxx@10.0.0.1:8080"));
        assert!(r.contains("https://a:xxxxx@goproxy.example|direct"));
        assert_eq!(
            mask_text("HTTPS_PROXY=u:p=w@proxy:3128"),
            "HTTPS_PROXY=u:xxxxx@proxy:3128"
        );
        // JSON escapes end the authority, as quotes do.
        assert_eq!(
            mask_text(r#"{"route":"http://u:p;w@h:1","x":"y"}"#),
            r#"{"route":"http://u:xxxxx@h:1","x":"y"}"#
        );
    }

    #[test]
    fn credential_spans_are_what_mask_text_replaces() {
        for t in [
            "https://guser:ab,SECRET@127.0.0.1:9/p,direct",
            "x https://tok=@h/p y u:p;w@proxy:3128 z",
            "https://u:xxxxx@h https://h2/p",
        ] {
            let mut out = t.to_string();
            for r in credential_spans(t).into_iter().rev() {
                out.replace_range(r, MASK);
            }
            assert_eq!(out, mask_text(t), "{t}");
        }
        assert_eq!(
            credential_spans("https://guser:ab,SECRET@127.0.0.1:9/p"),
            vec![14..23]
        );
    }

    #[test]
    fn go_parse_errors_lose_their_pieces_of_passwords() {
        let gp = "https://guser:ab,SECRET@127.0.0.1:9/p";
        assert_eq!(
            mask_quoted_fragments(
                r#"parse "https://guser:ab": invalid port ":ab" after host"#,
                gp
            ),
            r#"parse "https://guser:xxxxx": invalid port ":xxxxx" after host"#
        );
        let raw = "https://u:50%off@host/p";
        assert_eq!(
            mask_quoted_fragments(
                r#"parse "https://u:50%off@host/p": invalid URL escape "%of""#,
                raw
            ),
            r#"parse "https://u:xxxxx@host/p": invalid URL escape "xxxxx""#
        );
        // Nothing secret in the source: the text stays.
        let e = r#"parse "https://x:abc": invalid port ":abc" after host"#;
        assert_eq!(mask_quoted_fragments(e, "https://x:abc"), e);
    }

    /// Found by the goproxy fuzz target: pieces shorter than the mask ("xx") were replaced
    /// again inside earlier masks, so the text grew without end (2.8 GB).
    #[test]
    fn masking_quoted_fragments_never_grows_the_text_without_bound() {
        let source = "https://xx:xx@h/,https://x:xx@x//xx|".repeat(40);
        let error = format!("parse {:?}: invalid character {:?}", source, "xx@xx");
        let masked = mask_quoted_fragments(&error, &source);
        assert!(
            masked.len() <= error.len() * 3,
            "{} -> {}",
            error.len(),
            masked.len()
        );
        assert!(!masked.contains(":xx@"), "{masked}");
    }

    #[test]
    fn masks_authorization_headers() {
        let t = "GET / HTTP/1.1\r\nProxy-Authorization: Basic dTpwdw==\r\nauthorization: Bearer abc.def\r\n";
        let r = mask_text(t);
        assert!(!r.contains("dTpwdw==") && !r.contains("abc.def"), "{r}");
        assert!(r.contains("Proxy-Authorization: Basic xxxxx"));
    }

    #[test]
    fn secret_masks_when_printed_or_serialized() {
        let s = Secret::new("http://u:hunter2@proxy:3128");
        assert_eq!(s.to_string(), "http://u:xxxxx@proxy:3128");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            "\"http://u:xxxxx@proxy:3128\""
        );
        assert_eq!(s.expose(), "http://u:hunter2@proxy:3128");
        let back: Secret = serde_json::from_str("\"http://u:xxxxx@proxy:3128\"").unwrap();
        assert_eq!(back.expose(), "http://u:xxxxx@proxy:3128");
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
            "://",
            "//@/",
        ] {
            let _ = (mask_text(s), mask_url(s), go_error_url(s), mask_value(s));
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// No password survives either mask, whatever it is made of (Go's userinfo charset;
        /// the `Q` no other part of the URL holds).
        #[test]
        fn no_password_survives(pw in "Q[A-Za-z0-9=,;'()@%!$&*+._~-]{0,24}") {
            let url = format!("https://guser:{pw}@host.example/p/m/@v/list");
            prop_assert!(!mask_url(&url).contains(&pw));
            let text = format!("go: Get {url:?}: EOF");
            prop_assert!(!mask_text(&text).contains(&pw));
            prop_assert!(!go_error_url(&url).contains(&pw));
        }
    }
}
