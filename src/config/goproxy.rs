//! GOPROXY parsing exactly as cmd/go/internal/modfetch/proxy.go's proxyList.

use serde::{Deserialize, Serialize};

use super::gourl;
use crate::redact::Secret;

/// What happens after this entry fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FallbackMode {
    /// Followed by `,` (or last): only "not found" (404/410) errors go on to the next entry.
    OnNotFound,
    /// Followed by `|`: any error goes on to the next entry.
    OnAnyError,
}

impl FallbackMode {
    /// The separator as written in GOPROXY.
    pub fn separator(self) -> &'static str {
        match self {
            FallbackMode::OnNotFound => ",",
            FallbackMode::OnAnyError => "|",
        }
    }

    /// What the separator means, for people.
    pub fn describe(self) -> &'static str {
        match self {
            FallbackMode::OnNotFound => "stops on any error but 404/410",
            FallbackMode::OnAnyError => "falls through on any error",
        }
    }
}

/// One entry of the GOPROXY list, in cmd/go's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxyEntry {
    /// Internal entry added first when GONOPROXY is set and GOPROXY != "direct".
    Noproxy,
    /// A module proxy URL (scheme https, http or file) as cmd/go uses it (`https://` added
    /// where Go adds it). May hold credentials: shown and serialized masked.
    Url {
        url: Secret,
        fallback: FallbackMode,
    },
    Direct,
    Off,
}

impl ProxyEntry {
    /// The entry's fallback mode (the internal entries and keywords never fall back on errors).
    pub fn fallback(&self) -> FallbackMode {
        match self {
            ProxyEntry::Url { fallback, .. } => *fallback,
            _ => FallbackMode::OnNotFound,
        }
    }

    /// How cmd/go names the entry (`noproxy`, `direct`, `off`, or the URL), credentials
    /// included: compare with it, show it through [`Secret`]'s `Display`.
    pub fn name(&self) -> Secret {
        match self {
            ProxyEntry::Noproxy => "noproxy".into(),
            ProxyEntry::Direct => "direct".into(),
            ProxyEntry::Off => "off".into(),
            ProxyEntry::Url { url, .. } => url.clone(),
        }
    }

    /// How cmd/go names the entry, credentials masked.
    pub fn display(&self) -> String {
        self.name().masked()
    }
}

/// proxyList: `goproxy` is GOPROXY, `gonoproxy` the effective GONOPROXY (GOPRIVATE default).
/// Errors are cmd/go's texts (URLs in them masked as Go's `URL.Redacted` does; the copy of
/// the input that url.Parse's errors quote masked too).
pub fn proxy_list(goproxy: &str, gonoproxy: &str) -> Result<Vec<ProxyEntry>, String> {
    let mut list = Vec::new();
    if !gonoproxy.is_empty() && goproxy != "direct" {
        list.push(ProxyEntry::Noproxy);
    }
    let mut rest = goproxy;
    while !rest.is_empty() {
        let (raw, fallback) = match rest.find([',', '|']) {
            Some(i) => {
                let fb = if rest.as_bytes()[i] == b'|' {
                    FallbackMode::OnAnyError
                } else {
                    FallbackMode::OnNotFound
                };
                let raw = &rest[..i];
                rest = &rest[i + 1..];
                (raw, fb)
            }
            None => {
                let raw = rest;
                rest = "";
                (raw, FallbackMode::OnNotFound)
            }
        };
        let entry = raw.trim_matches(go_space);
        if entry.is_empty() {
            continue;
        }
        if entry == "off" {
            // "off" always fails hard: nothing after it is used.
            list.push(ProxyEntry::Off);
            break;
        }
        if entry == "direct" {
            // "direct" ends the list (later entries are ignored for forward compatibility).
            list.push(ProxyEntry::Direct);
            break;
        }
        // Single words are reserved for keywords; anything with ":/" or an absolute path must be
        // a complete URL; everything else with one of ".:/" gets "https://".
        let url = if entry.contains(['.', ':', '/']) && !entry.contains(":/") && !is_abs(entry) {
            format!("https://{entry}")
        } else {
            entry.to_string()
        };
        // Go splits at `,` and `|` before parsing, also inside a password: its error may
        // quote a piece of one, which the whole value shows.
        check_proxy_url(&url).map_err(|e| crate::redact::mask_quoted_fragments(&e, goproxy))?;
        list.push(ProxyEntry::Url {
            url: url.into(),
            fallback,
        });
    }
    if list.is_empty() || (list.len() == 1 && list[0] == ProxyEntry::Noproxy) {
        return Err("GOPROXY list is not the empty string, but contains no entries".into());
    }
    Ok(list)
}

/// strings.TrimSpace's notion of space (unicode.IsSpace).
fn go_space(c: char) -> bool {
    c.is_whitespace()
}

/// filepath.IsAbs || path.IsAbs. On Windows Go also accepts `C:\x` and `\\host\share`;
/// those contain ":" or no "." and are rejected later either way, except `C:\dir.x` —
/// accept the Windows forms on every OS so the result does not depend on where we run.
fn is_abs(p: &str) -> bool {
    p.starts_with('/')
        || p.starts_with("\\\\")
        || (p.len() >= 3
            && p.as_bytes()[0].is_ascii_alphabetic()
            && p.as_bytes()[1] == b':'
            && matches!(p.as_bytes()[2], b'\\' | b'/'))
}

/// newProxyRepo's checks on a proxy base URL.
pub fn check_proxy_url(url: &str) -> Result<gourl::GoUrl, String> {
    let base = gourl::parse_masked(url)?;
    match base.scheme.as_str() {
        "http" | "https" => Ok(base),
        "file" => {
            let only_path = base.opaque.is_empty()
                && base.username.is_none()
                && base.host.is_empty()
                && !base.omit_host
                && !base.force_query
                && base.raw_query.is_empty()
                && base.fragment.is_empty();
            if only_path {
                Ok(base)
            } else {
                Err(format!(
                    "invalid file:// proxy URL with non-path elements: {}",
                    base.redacted()
                ))
            }
        }
        "" => Err(format!(
            "invalid proxy URL missing scheme: {}",
            base.redacted()
        )),
        _ => Err(format!(
            "invalid proxy URL scheme (must be https, http, file): {}",
            base.redacted()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FallbackMode::*;

    fn url(u: &str, f: FallbackMode) -> ProxyEntry {
        ProxyEntry::Url {
            url: u.into(),
            fallback: f,
        }
    }

    #[test]
    fn parses_lists_like_proxy_list() {
        let cases: Vec<(&str, &str, Vec<ProxyEntry>)> = vec![
            (
                "https://proxy.golang.org,direct",
                "",
                vec![
                    url("https://proxy.golang.org", OnNotFound),
                    ProxyEntry::Direct,
                ],
            ),
            (
                "https://goproxy.cn|https://proxy.golang.org,direct",
                "",
                vec![
                    url("https://goproxy.cn", OnAnyError),
                    url("https://proxy.golang.org", OnNotFound),
                    ProxyEntry::Direct,
                ],
            ),
            (
                " https://a.example , ,|https://b.example| ",
                "",
                // The empty entry between ", ," is skipped; its separator is lost with it.
                vec![
                    url("https://a.example", OnNotFound),
                    url("https://b.example", OnAnyError),
                ],
            ),
            ("direct", "corp.com", vec![ProxyEntry::Direct]),
            (
                "off",
                "corp.com",
                vec![ProxyEntry::Noproxy, ProxyEntry::Off],
            ),
            (
                "https://a.example,off,https://b.example",
                "",
                vec![url("https://a.example", OnNotFound), ProxyEntry::Off],
            ),
            ("direct,https://after.example", "", vec![ProxyEntry::Direct]),
            (
                "goproxy.io",
                "",
                vec![url("https://goproxy.io", OnNotFound)],
            ),
            (
                "localhost:3000",
                "",
                vec![url("https://localhost:3000", OnNotFound)],
            ),
            (
                "file:///tmp/proxy",
                "",
                vec![url("file:///tmp/proxy", OnNotFound)],
            ),
            (
                "http://10.0.0.1:8080/goproxy/",
                "x",
                vec![
                    ProxyEntry::Noproxy,
                    url("http://10.0.0.1:8080/goproxy/", OnNotFound),
                ],
            ),
        ];
        for (goproxy, nop, want) in cases {
            assert_eq!(proxy_list(goproxy, nop), Ok(want), "GOPROXY={goproxy:?}");
        }
    }

    #[test]
    fn error_texts_match_go() {
        let cases = [
            ("Direct", "invalid proxy URL missing scheme: Direct"),
            ("localhost", "invalid proxy URL missing scheme: localhost"),
            ("/abs/path", "invalid proxy URL missing scheme: /abs/path"),
            (
                "socks5://127.0.0.1:1080",
                "invalid proxy URL scheme (must be https, http, file): socks5://127.0.0.1:1080",
            ),
            (
                "git://example.com",
                "invalid proxy URL scheme (must be https, http, file): git://example.com",
            ),
            (
                "file://host/tmp",
                "invalid file:// proxy URL with non-path elements: file://host/tmp",
            ),
            (
                "file:///tmp?x=1",
                "invalid file:// proxy URL with non-path elements: file:///tmp?x=1",
            ),
            (
                "https://u:secret@a.example,https://b b",
                "parse \"https://b b\": invalid character \" \" in host name",
            ),
            (
                "ftp://u:secret@x.example",
                "invalid proxy URL scheme (must be https, http, file): ftp://u:xxxxx@x.example",
            ),
            (
                "https://x:abc",
                "parse \"https://x:abc\": invalid port \":abc\" after host",
            ),
            (
                ",",
                "GOPROXY list is not the empty string, but contains no entries",
            ),
            (
                " ",
                "GOPROXY list is not the empty string, but contains no entries",
            ),
            (
                "",
                "GOPROXY list is not the empty string, but contains no entries",
            ),
        ];
        for (goproxy, want) in cases {
            assert_eq!(
                proxy_list(goproxy, ""),
                Err(want.to_string()),
                "GOPROXY={goproxy:?}"
            );
        }
        // Only noproxy: still "no entries".
        assert_eq!(
            proxy_list("|", "corp.com"),
            Err("GOPROXY list is not the empty string, but contains no entries".into())
        );
    }

    #[test]
    fn joins_module_urls() {
        assert_eq!(
            FallbackMode::OnAnyError.describe(),
            "falls through on any error"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}", t in "[a-z:/.,| ]{0,30}") {
            let _ = proxy_list(&s, "");
            let _ = proxy_list(&t, "x");
        }
    }
}
