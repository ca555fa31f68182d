//! What one request observed, in the form the simulation consumes. The probes fill it (from
//! any HTTP client); the simulation never does I/O.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocab::CauseId;

/// The outcome of one GET, as cmd/go's web package would see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fetch {
    /// An HTTP response (any status).
    Status {
        code: u16,
        /// The reason phrase Go would show after the code (`Not Found`).
        reason: String,
        content_type: String,
        /// The body (possibly cut at the probe's limit), base64 in JSON.
        #[serde(with = "b64_bytes")]
        #[cfg_attr(test, schemars(with = "String"))]
        body: Vec<u8>,
        /// Full body length when known; more than the body's length when it was cut at the
        /// limit (see [`Fetch::cut`]).
        size: u64,
        elapsed_ms: u64,
    },
    /// No HTTP response: Go's full error text (`Get "URL": dial tcp ...`) and the cause it
    /// points at (`tcp.refused`; `goproxy.bad_response` for an unusable HTTP answer).
    NetError {
        go_error: String,
        class: CauseId,
        elapsed_ms: u64,
    },
}

impl Fetch {
    /// The body was cut at the probe's limit: the response is longer, or never ends.
    pub fn cut(&self) -> bool {
        matches!(self, Fetch::Status { body, size, .. } if *size > body.len() as u64)
    }

    pub fn status(code: u16, content_type: &str, body: &[u8]) -> Fetch {
        Fetch::Status {
            code,
            reason: canonical_reason(code).to_string(),
            content_type: content_type.to_string(),
            body: body.to_vec(),
            size: body.len() as u64,
            elapsed_ms: 0,
        }
    }

    pub fn net_error(go_error: &str, class: CauseId) -> Fetch {
        Fetch::NetError {
            go_error: go_error.to_string(),
            class,
            elapsed_ms: 0,
        }
    }

    pub fn elapsed_ms(&self) -> u64 {
        match self {
            Fetch::Status { elapsed_ms, .. } | Fetch::NetError { elapsed_ms, .. } => *elapsed_ms,
        }
    }
}

impl From<&crate::probe::http::HttpFacts> for Fetch {
    /// Adapter from the HTTP probe's facts: its Go-format error text and root-cause id
    /// (falling back to its own stage class) for failures, the response otherwise.
    fn from(f: &crate::probe::http::HttpFacts) -> Fetch {
        let elapsed_ms = f.timings.total_ms.round() as u64;
        match &f.error {
            Some(e) => Fetch::NetError {
                go_error: e.go_error.clone(),
                class: e.cause,
                elapsed_ms,
            },
            None => {
                let code = f.status.unwrap_or(0);
                Fetch::Status {
                    code,
                    reason: f
                        .reason
                        .clone()
                        .unwrap_or_else(|| canonical_reason(code).to_string()),
                    content_type: f.content_type.clone().unwrap_or_default(),
                    body: f.body.clone(),
                    // A body cut at the limit: more than was kept (its length is unknown).
                    size: f.size + u64::from(f.truncated),
                    elapsed_ms,
                }
            }
        }
    }
}

/// What direct mode (VCS / `?go-get=1`) gave for a module, summarized by the direct probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct DirectOutcome {
    /// Direct mode would produce the module.
    pub ok: bool,
    /// Go's error text for the module (without the `go: M@V: ` prefix), when not ok.
    pub go_error: Option<String>,
    /// The error is a "not found" for TryProxies (e.g. `unrecognized import path`).
    pub not_found: bool,
    /// What decides the outcome (`vcs.meta_missing`, `vcs.git_missing`, ...), `ok` when fine.
    pub class: CauseId,
    /// false when the repository itself was not contacted (`--no-vcs`): ok is an assumption.
    pub verified: bool,
    /// The repository access that decides the outcome but was not checked (e.g. `git
    /// ls-remote -q --end-of-options URL` with `--no-vcs`): Go's outcome is unknown, not ok.
    #[serde(default)]
    pub unchecked: Option<String>,
    pub detail: Vec<String>,
}

/// Everything observed, keyed by URL (credentials included; masked when serialized, and a
/// report read back is simulated on its masked configuration, which builds the same masked
/// URLs); direct-mode outcomes by module path;
/// zip hashes (h1) by the zip's URL when a zip was downloaded and hashed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Observations {
    #[serde(serialize_with = "crate::redact::serialize_masked_keys")]
    pub http: BTreeMap<String, Fetch>,
    pub direct: BTreeMap<String, DirectOutcome>,
    /// The `h1:` of each zip that was downloaded whole, by the zip's URL.
    #[serde(serialize_with = "crate::redact::serialize_masked_keys")]
    pub zip_h1: BTreeMap<String, String>,
    /// GOAUTH entries whose credentials gomod-diag did not obtain (`git DIR`, commands: it
    /// runs neither), in plain words: a 401/403 may be what Go would answer with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goauth_not_run: Vec<String>,
}

/// The reason phrase net/http prints for a status code (http.StatusText).
pub fn canonical_reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        511 => "Network Authentication Required",
        _ => "",
    }
}

/// The error text of cmd/go's web.HTTPError for a non-200 response: `reading URL: STATUS`
/// plus, for a text/plain UTF-8 body, `\n\tserver response: ...` (up to the first blank
/// line, at most 8 lines / 648 bytes).
pub fn http_error_text(
    url: &str,
    code: u16,
    reason: &str,
    content_type: &str,
    body: &[u8],
) -> String {
    let status = if reason.is_empty() {
        code.to_string()
    } else {
        format!("{code} {reason}")
    };
    // cmd/go's HTTPError names url.Redacted().
    let url = crate::redact::mask_url(url);
    let detail = error_detail(content_type, body);
    if detail.is_empty() {
        format!("reading {url}: {status}")
    } else {
        let sep = if detail.contains('\n') { "\n\t" } else { " " };
        format!("reading {url}: {status}\n\tserver response:{sep}{detail}")
    }
}

fn error_detail(content_type: &str, body: &[u8]) -> String {
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    if media != "text/plain" {
        return String::new();
    }
    let charset = parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase())
        .unwrap_or_default();
    if !matches!(charset.as_str(), "" | "us-ascii" | "utf-8") {
        return String::new();
    }
    let Ok(s) = std::str::from_utf8(body) else {
        return String::new();
    };
    if s.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return String::new();
    }
    let mut out = String::new();
    for (i, line) in s.split('\n').enumerate() {
        if line.trim().is_empty() {
            break;
        }
        if i > 0 {
            out.push_str("\n\t");
        }
        if i >= 8 {
            out.push_str("[Truncated: too many lines.]");
            break;
        }
        if out.len() + line.len() > 8 * 81 {
            out.push_str("[Truncated: too long.]");
            break;
        }
        out.push_str(line);
    }
    out
}

/// Go's encoding/json error for a body that is not a JSON object, or None when it is one.
pub fn go_json_error(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(_)) => None,
        Ok(serde_json::Value::Null) => None,
        Ok(v) => {
            let kind = match v {
                serde_json::Value::Array(_) => "array",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Number(_) => "number",
                _ => "bool",
            };
            Some(format!(
                "json: cannot unmarshal {kind} into Go value of type modfetch.RevInfo"
            ))
        }
        Err(e) => {
            let first = body.iter().find(|b| !b" \t\r\n".contains(b));
            match first {
                None => Some("unexpected end of JSON input".into()),
                Some(&c) if !b"{[\"-0123456789tfn".contains(&c) => {
                    let shown = match c {
                        b'\'' => "'\\''".to_string(),
                        b'"' => "'\"'".to_string(),
                        c if c.is_ascii_graphic() => format!("'{}'", c as char),
                        c => format!("'\\x{c:02x}'"),
                    };
                    Some(format!(
                        "invalid character {shown} looking for beginning of value"
                    ))
                }
                Some(_) if e.is_eof() => Some("unexpected end of JSON input".into()),
                Some(_) => Some(format!("invalid JSON ({e})")),
            }
        }
    }
}

/// Serde helper: bytes as standard base64 text.
pub mod b64_bytes {
    use base64::Engine;
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(v))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s: String = serde::Deserialize::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(serde::de::Error::custom)
    }
}

/// True when a body looks like an HTML page (captive portal, login wall).
pub fn looks_like_html(content_type: &str, body: &[u8]) -> bool {
    let ct = content_type.to_ascii_lowercase();
    if ct.contains("text/html") {
        return true;
    }
    let head: String = String::from_utf8_lossy(&body[..body.len().min(512)])
        .trim_start()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head")
}

/// True when bytes start like a zip archive (local file header or empty-archive end record).
pub fn looks_like_zip(body: &[u8]) -> bool {
    body.starts_with(b"PK\x03\x04") || body.starts_with(b"PK\x05\x06")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_error_texts_match_go() {
        // Observed from go 1.27 against a loopback server.
        assert_eq!(
            http_error_text(
                "http://h/404/example.com/m/@v/v1.2.3.info",
                404,
                "Not Found",
                "text/plain; charset=utf-8",
                b"not found: example.com/m@v1.2.3: invalid version: unknown revision v1.2.3\n"
            ),
            "reading http://h/404/example.com/m/@v/v1.2.3.info: 404 Not Found\n\tserver response: not found: example.com/m@v1.2.3: invalid version: unknown revision v1.2.3"
        );
        assert_eq!(
            http_error_text("u", 410, "Gone", "text/plain", b""),
            "reading u: 410 Gone"
        );
        assert_eq!(
            http_error_text("u", 500, "Internal Server Error", "text/html", b"<p>x</p>"),
            "reading u: 500 Internal Server Error"
        );
        assert_eq!(
            http_error_text("u", 403, "Forbidden", "text/plain", b"a\nb\n\nc"),
            "reading u: 403 Forbidden\n\tserver response:\n\ta\n\tb"
        );
    }

    #[test]
    fn json_errors_match_go() {
        assert_eq!(
            go_json_error(b"<html>").unwrap(),
            "invalid character '<' looking for beginning of value"
        );
        assert_eq!(go_json_error(b"").unwrap(), "unexpected end of JSON input");
        assert_eq!(
            go_json_error(b"{\"Version\":").unwrap(),
            "unexpected end of JSON input"
        );
        assert_eq!(go_json_error(br#"{"Version":"v1.0.0"}"#), None);
    }

    #[test]
    fn adapts_http_probe_facts() {
        let mut facts: crate::probe::http::HttpFacts = serde_json::from_value(serde_json::json!({
            "url": "http://h/x", "route": "direct", "status": 404, "reason": "Not Found",
            "content_type": "text/plain", "headers": {}, "size": 3, "truncated": false,
            "redirects": [], "final_url": "http://h/x", "timings": {"total_ms": 12.4}
        }))
        .unwrap();
        facts.body = b"no\n".to_vec();
        assert_eq!(
            Fetch::from(&facts),
            Fetch::Status {
                code: 404,
                reason: "Not Found".into(),
                content_type: "text/plain".into(),
                body: b"no\n".to_vec(),
                size: 3,
                elapsed_ms: 12
            }
        );
    }

    #[test]
    fn sniffers() {
        assert!(looks_like_html("text/html; charset=utf-8", b""));
        assert!(looks_like_html(
            "application/octet-stream",
            b"  <!DOCTYPE html>"
        ));
        assert!(!looks_like_html("application/json", b"{}"));
        assert!(looks_like_zip(b"PK\x03\x04rest"));
        assert!(!looks_like_zip(b"<html>"));
    }
}
