//! How Go's client reads a response head: net/http's `ReadResponse` (the status line,
//! textproto's header lines, the Transfer-Encoding and Content-Length checks) under the
//! Transport's limit of 10 MB of headers.
//!
//! Our HTTP client (hyper) rejects answers for its own reasons and with its own words
//! (`invalid HTTP version parsed`). When it does, the head is read again raw
//! ([`read_raw`]) and judged here ([`judge`]), so the report carries the error Go itself
//! prints — or says that Go would read the answer where hyper could not.

use crate::vocab::goerr::go_quote_bytes as go_quote;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// net/http Transport's default `MaxResponseHeaderBytes` (transport.go: `10 << 20`).
pub const GO_MAX_HEADER_BYTES: usize = 10 << 20;

/// The prefix net/http puts on every error of reading a response.
const BROKEN: &str = "net/http: HTTP/1.x transport connection broken: ";

/// How a raw read stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The head ended (a blank line).
    Head,
    /// The server closed the connection.
    Closed,
    /// More than [`GO_MAX_HEADER_BYTES`] arrived without the head ending.
    Limit,
}

/// What Go makes of a response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoHead {
    /// Go fails with this text (what follows `Get "URL": `).
    Broken(String),
    /// The server closed without sending a byte: Go prints `EOF`.
    Closed,
    /// Go reads this head without error (our client could not).
    Readable,
}

/// Judges the bytes a server sent, as Go's client would read them.
pub fn judge(raw: &[u8], ended: Ended) -> GoHead {
    if raw.is_empty() && ended == Ended::Closed {
        return GoHead::Closed;
    }
    let limit = ended == Ended::Limit || raw.len() > GO_MAX_HEADER_BYTES;
    let mut r = Lines {
        buf: &raw[..raw.len().min(GO_MAX_HEADER_BYTES)],
        pos: 0,
    };
    match read_response(&mut r) {
        Ok(()) => GoHead::Readable,
        // Go's Transport reports an exhausted limit instead of the error it caused.
        Err(Fail::Eof) if limit => GoHead::Broken(format!(
            "{BROKEN}net/http: server response headers exceeded {GO_MAX_HEADER_BYTES} bytes; aborted"
        )),
        Err(Fail::Eof) => GoHead::Broken(format!("{BROKEN}unexpected EOF")),
        Err(Fail::Text(t)) => GoHead::Broken(format!("{BROKEN}{t}")),
    }
}

enum Fail {
    /// The bytes ended (EOF, or the limit) inside the head.
    Eof,
    Text(String),
}

/// bufio.Reader.ReadLine over a byte slice: a line without its `\n` or `\r\n`; the last
/// line may lack its end; None at the end of the bytes.
struct Lines<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    fn line(&mut self) -> Option<&'a [u8]> {
        let rest = &self.buf[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let (line, used) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += used;
        Some(match (used > line.len(), line.last()) {
            (true, Some(b'\r')) => &line[..line.len() - 1],
            _ => line,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }
}

/// net/http ReadResponse, as far as it can fail on the head.
fn read_response(r: &mut Lines) -> Result<(), Fail> {
    let line = r.line().ok_or(Fail::Eof)?;
    let Some(sp) = line.iter().position(|&b| b == b' ') else {
        return Err(Fail::Text(format!(
            "malformed HTTP response {}",
            go_quote(line)
        )));
    };
    let proto = &line[..sp];
    let status = trim_left(&line[sp + 1..], b" ");
    let code = match status.iter().position(|&b| b == b' ') {
        Some(i) => &status[..i],
        None => status,
    };
    let bad_code = || Fail::Text(format!("malformed HTTP status code {}", go_quote(code)));
    if code.len() != 3 {
        return Err(bad_code());
    }
    // strconv.Atoi takes a sign: `+20` is 20, `-20` is refused as negative.
    let digits = code.strip_prefix(b"+").unwrap_or(code);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad_code());
    }
    let Some(minor11) = http_version(proto) else {
        return Err(Fail::Text(format!(
            "malformed HTTP version {}",
            go_quote(proto)
        )));
    };
    let headers = read_mime_header(r)?;
    check_transfer(&headers, minor11)
}

/// ParseHTTPVersion; Some(true) for HTTP/1.1 or later.
fn http_version(v: &[u8]) -> Option<bool> {
    match v {
        b"HTTP/1.1" => return Some(true),
        b"HTTP/1.0" => return Some(false),
        _ => {}
    }
    let rest = v.strip_prefix(b"HTTP/")?;
    match rest {
        [maj, b'.', min] if maj.is_ascii_digit() && min.is_ascii_digit() => {
            Some((*maj, *min) >= (b'1', b'1'))
        }
        _ => None,
    }
}

/// textproto.Reader.ReadMIMEHeader: (canonical key, value) in order.
/// The fields readTransfer needs (Transfer-Encoding, Content-Length), the rest validated.
fn read_mime_header(r: &mut Lines) -> Result<Vec<(String, String)>, Fail> {
    let mut out = Vec::new();
    if matches!(r.peek(), Some(b' ' | b'\t')) {
        let line = r.line().ok_or(Fail::Eof)?;
        if line.len() > 80 {
            return Err(Fail::Text("message too large".into()));
        }
        return Err(Fail::Text(format!(
            "malformed MIME header initial line: {}",
            go_quote(line)
        )));
    }
    loop {
        let line = r.line().ok_or(Fail::Eof)?;
        if line.is_empty() {
            return Ok(out);
        }
        if !line.contains(&b':') {
            return Err(Fail::Text(format!(
                "malformed MIME header: missing colon: {}",
                go_quote(line)
            )));
        }
        // Continuation lines (leading space or tab) join the field with one space.
        let mut kv = trim(line).to_vec();
        while matches!(r.peek(), Some(b' ' | b'\t')) {
            while matches!(r.peek(), Some(b' ' | b'\t')) {
                r.pos += 1;
            }
            kv.push(b' ');
            let more = r.line().ok_or(Fail::Eof)?;
            kv.extend_from_slice(trim(more));
        }
        let malformed = || Fail::Text(format!("malformed MIME header line: {}", go_quote(&kv)));
        let colon = kv.iter().position(|&b| b == b':').unwrap_or(kv.len());
        let (k, v) = (&kv[..colon], &kv[(colon + 1).min(kv.len())..]);
        let Some(key) = canonical_key(k) else {
            return Err(malformed());
        };
        if !v.iter().all(|&c| valid_value_byte(c)) {
            return Err(malformed());
        }
        // Only the fields readTransfer judges are kept: a head of a million fields (10 MB)
        // costs no more memory than its bytes.
        if key == "Transfer-Encoding" || key == "Content-Length" {
            let value = String::from_utf8_lossy(trim_left(v, b" \t")).into_owned();
            out.push((key, value));
        }
    }
}

/// readTransfer's checks: parseTransferEncoding, then fixLength's Content-Length rules.
fn check_transfer(headers: &[(String, String)], http11: bool) -> Result<(), Fail> {
    let values = |name: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let te = values("Transfer-Encoding");
    if !te.is_empty() && http11 {
        if te.len() != 1 {
            return Err(Fail::Text(format!(
                "too many transfer encodings: {}",
                go_quote_list(&te)
            )));
        }
        if !te[0].eq_ignore_ascii_case("chunked") {
            return Err(Fail::Text(format!(
                "unsupported transfer encoding: {}",
                go_quote(te[0].as_bytes())
            )));
        }
    }
    let cl = values("Content-Length");
    let Some(first) = cl.first().map(|v| trim_ascii_space(v)) else {
        return Ok(());
    };
    if cl.iter().any(|v| trim_ascii_space(v) != first) {
        return Err(Fail::Text(format!(
            "http: message cannot contain multiple Content-Length headers; got {}",
            go_quote_list(&cl)
        )));
    }
    if first.is_empty() {
        return Err(Fail::Text("invalid empty Content-Length \"\"".into()));
    }
    // strconv.ParseUint(cl, 10, 63).
    if !first.bytes().all(|b| b.is_ascii_digit())
        || first.parse::<u64>().map_or(true, |n| n > i64::MAX as u64)
    {
        return Err(Fail::Text(format!(
            "bad Content-Length {}",
            go_quote(first.as_bytes())
        )));
    }
    Ok(())
}

/// textproto's canonicalMIMEHeaderKey; None when Go refuses the name. A name with a space
/// is accepted as it is (go.dev/issue/34540).
fn canonical_key(k: &[u8]) -> Option<String> {
    if k.is_empty() {
        return None;
    }
    if k.iter().any(|&c| !valid_field_byte(c) && c != b' ') {
        return None;
    }
    if k.contains(&b' ') {
        return Some(String::from_utf8_lossy(k).into_owned());
    }
    let mut upper = true;
    Some(
        k.iter()
            .map(|&c| {
                let c = if upper {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                upper = c == b'-';
                c as char
            })
            .collect(),
    )
}

/// A token character (RFC 7230).
fn valid_field_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// VCHAR, SP, HTAB, or obs-text.
fn valid_value_byte(c: u8) -> bool {
    c >= 0x80 || c == b'\t' || (0x20..0x7f).contains(&c)
}

fn trim_left<'a>(s: &'a [u8], set: &[u8]) -> &'a [u8] {
    let i = s.iter().position(|c| !set.contains(c)).unwrap_or(s.len());
    &s[i..]
}

/// textproto's trim: spaces and tabs at both ends.
fn trim(s: &[u8]) -> &[u8] {
    let s = trim_left(s, b" \t");
    let n = s
        .iter()
        .rposition(|c| !b" \t".contains(c))
        .map_or(0, |i| i + 1);
    &s[..n]
}

/// textproto.TrimString: ASCII space, tab, CR, LF.
fn trim_ascii_space(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// Go's `%q` of a `[]string`: `["a" "b"]`.
fn go_quote_list(v: &[&str]) -> String {
    let items: Vec<String> = v.iter().map(|s| go_quote(s.as_bytes())).collect();
    format!("[{}]", items.join(" "))
}

/// The request Go's client sends for a GET of `url` over HTTP/1.1 (Basic auth from the URL's
/// userinfo, as cmd/go does).
pub fn go_request(url: &url::Url, user_agent: &str) -> Vec<u8> {
    let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
    let host = &url[url::Position::BeforeHost..url::Position::AfterPort];
    let mut req = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {user_agent}\r\n");
    if !url.username().is_empty() || url.password().is_some() {
        use base64::Engine;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let pair = format!(
            "{}:{}",
            decode(url.username()),
            decode(url.password().unwrap_or(""))
        );
        req.push_str(&format!(
            "Authorization: Basic {}\r\n",
            base64::engine::general_purpose::STANDARD.encode(pair)
        ));
    }
    req.push_str("Accept-Encoding: gzip\r\n\r\n");
    req.into_bytes()
}

/// Reads a response head from `stream` after sending `request`: up to the blank line, the
/// close, or one byte past Go's limit. None when the server stays silent past `budget`.
pub async fn read_head<S>(
    mut stream: S,
    request: &[u8],
    budget: Duration,
) -> Option<(Vec<u8>, Ended)>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let work = async {
        stream.write_all(request).await?;
        let mut buf = Vec::new();
        let mut chunk = vec![0u8; 16 << 10];
        loop {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>((buf, Ended::Closed));
            }
            // The blank line may straddle two reads.
            let from = buf.len().saturating_sub(2);
            buf.extend_from_slice(&chunk[..n]);
            let tail = &buf[from..];
            if tail.windows(2).any(|w| w == b"\n\n") || tail.windows(3).any(|w| w == b"\n\r\n") {
                return Ok((buf, Ended::Head));
            }
            if buf.len() > GO_MAX_HEADER_BYTES {
                return Ok((buf, Ended::Limit));
            }
        }
    };
    match super::bounded(budget, work).await {
        Some(Ok(r)) => Some(r),
        // A reset after some bytes: judge what came.
        Some(Err(_)) | None => None,
    }
}

/// Connects to `addr` (TLS with Go's trust for https) and reads the head of Go's GET of
/// `url`. None when that is not possible (a failed connect or handshake, HTTP/2 chosen by
/// the server, silence).
pub async fn read_raw(
    url: &url::Url,
    addr: SocketAddr,
    user_agent: &str,
    budget: Duration,
) -> Option<(Vec<u8>, Ended)> {
    let (_, stream) = super::tcp::connect(addr, budget).await;
    let stream = stream?;
    let request = go_request(url, user_agent);
    if url.scheme() != "https" {
        return read_head(stream, &request, budget).await;
    }
    let host = url.host_str()?;
    let (facts, tls) = super::tls::handshake(stream, host, budget).await;
    if facts.alpn.as_deref() == Some("h2") {
        return None;
    }
    read_head(tls?, &request, budget).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(raw: &str) -> String {
        match judge(raw.as_bytes(), Ended::Closed) {
            GoHead::Broken(t) => t.strip_prefix(BROKEN).unwrap().to_string(),
            other => panic!("{raw:?}: {other:?}"),
        }
    }

    // Every expected text below is what Go 1.27's http.ReadResponse returns for the same bytes.
    #[test]
    fn status_lines_as_go_reads_them() {
        assert_eq!(
            broken("SSH-2.0-OpenSSH_9.6\r\n"),
            "malformed HTTP response \"SSH-2.0-OpenSSH_9.6\""
        );
        assert_eq!(
            broken("HELLO THERE\r\n\r\n"),
            "malformed HTTP status code \"THERE\""
        );
        assert_eq!(
            broken("HTTP/1.1 2000 OK\r\n\r\n"),
            "malformed HTTP status code \"2000\""
        );
        assert_eq!(
            broken("HTTP/1.1 -20 OK\r\n\r\n"),
            "malformed HTTP status code \"-20\""
        );
        assert_eq!(
            broken("HTTP/1.1  abc\r\n\r\n"),
            "malformed HTTP status code \"abc\""
        );
        assert_eq!(
            broken("HTTP/11 200 OK\r\n\r\n"),
            "malformed HTTP version \"HTTP/11\""
        );
        assert_eq!(
            broken("ICY 200 OK\r\n\r\n"),
            "malformed HTTP version \"ICY\""
        );
        assert_eq!(
            broken("\x16\x03\x01\x00 x\n"),
            "malformed HTTP status code \"x\""
        );
        assert_eq!(
            broken("\x16\x03\x01\x00\x02\n"),
            "malformed HTTP response \"\\x16\\x03\\x01\\x00\\x02\""
        );
        assert_eq!(broken("HTTP/1.1 200 OK\r\n"), "unexpected EOF");
        assert_eq!(judge(b"", Ended::Closed), GoHead::Closed);
        assert_eq!(
            judge(b"HTTP/1.1 +20 OK\r\n\r\n", Ended::Head),
            GoHead::Readable
        );
        assert_eq!(judge(b"HTTP/2.0 200 OK\n\n", Ended::Head), GoHead::Readable);
    }

    #[test]
    fn header_lines_as_go_reads_them() {
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nthis is not a header\r\n\r\n"),
            "malformed MIME header: missing colon: \"this is not a header\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n"),
            "malformed MIME header initial line: \" folded: x\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nX(y): 1\r\n\r\n"),
            "malformed MIME header line: \"X(y): 1\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\n: 1\r\n\r\n"),
            "malformed MIME header line: \": 1\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n"),
            "malformed MIME header line: \"X: a\\x01b\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nX: \u{a0}é\x7f\r\n\r\n"),
            "malformed MIME header line: \"X: \\u00a0é\\x7f\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nX-A: 1\r\n   \r\n"),
            "unexpected EOF"
        );
        assert_eq!(
            judge(b"HTTP/1.1 200 OK\r\nX-A: 1\r\n\t\r\n\r\n", Ended::Head),
            GoHead::Readable
        );
        // What Go accepts: a space before the colon, folded lines, obs-text, a bare `\n`.
        assert_eq!(
            judge(
                b"HTTP/1.1 200 OK\nContent-Type : x\nX-F: a\r\n  b\nX-O: \xff\n\n",
                Ended::Head
            ),
            GoHead::Readable
        );
    }

    #[test]
    fn transfer_checks() {
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n"),
            "bad Content-Length \"12abc\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n"),
            "bad Content-Length \"99999999999999999999\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
            "bad Content-Length \"-1\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n"),
            "invalid empty Content-Length \"\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\n"),
            "http: message cannot contain multiple Content-Length headers; got [\"1\" \"2\"]"
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
            "unsupported transfer encoding: \"gzip\""
        );
        assert_eq!(
            broken("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
            "too many transfer encodings: [\"chunked\" \"chunked\"]"
        );
        // HTTP/1.0 ignores Transfer-Encoding; equal duplicates of Content-Length are fine.
        assert_eq!(
            judge(b"HTTP/1.0 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\nContent-Length:  2\r\n\r\n", Ended::Head),
            GoHead::Readable
        );
    }

    #[test]
    fn the_header_limit() {
        let mut raw = b"HTTP/1.1 200 OK\r\n".to_vec();
        while raw.len() <= GO_MAX_HEADER_BYTES {
            raw.extend_from_slice(format!("X-Pad: {}\r\n", "a".repeat(1000)).as_bytes());
        }
        assert_eq!(
            judge(&raw, Ended::Limit),
            GoHead::Broken(format!(
                "{BROKEN}net/http: server response headers exceeded 10485760 bytes; aborted"
            ))
        );
        // Below the limit Go reads what hyper (about 400 KB) does not.
        raw.truncate(600 << 10);
        raw.extend_from_slice(b"\r\n\r\n");
        assert_eq!(judge(&raw, Ended::Head), GoHead::Readable);
    }

    #[test]
    fn quoting_like_go() {
        assert_eq!(go_quote("a\"b\\c".as_bytes()), r#""a\"b\\c""#);
        assert_eq!(go_quote("é\u{a0}\u{7f}".as_bytes()), "\"é\\u00a0\\x7f\"");
        assert_eq!(go_quote(b"\xff"), "\"\\xff\"");
    }

    #[test]
    fn the_request_go_sends() {
        let u = url::Url::parse("https://u%40x:p%3Dw@h.example:8443/a/@v/list?x=1").unwrap();
        let req = String::from_utf8(go_request(&u, "UA")).unwrap();
        assert!(
            req.starts_with(
                "GET /a/@v/list?x=1 HTTP/1.1\r\nHost: h.example:8443\r\nUser-Agent: UA\r\n"
            ),
            "{req}"
        );
        // base64("u@x:p=w")
        assert!(
            req.contains("Authorization: Basic dUB4OnA9dw==\r\n"),
            "{req}"
        );
    }
}
