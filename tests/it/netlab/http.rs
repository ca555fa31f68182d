//! A tiny HTTP/1.1 server driven by a handler closure, plain or over TLS. One request per
//! connection (`Connection: close`), bodies by Content-Length.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::Lab;

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target as sent (path and query).
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let n = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.as_str())
    }
}

/// A response to send.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, reason: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            reason: reason.into(),
            headers: Vec::new(),
            body: body.into(),
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason);
        let has = |k: &str| self.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(k));
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        if !has("date") {
            out.push_str(&format!(
                "Date: {}\r\n",
                httpdate::fmt_http_date(std::time::SystemTime::now())
            ));
        }
        if !has("content-type") {
            out.push_str("Content-Type: text/plain; charset=utf-8\r\n");
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut b = out.into_bytes();
        b.extend_from_slice(&self.body);
        b
    }
}

pub type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

/// A handler answering 200 with `body` for everything.
pub fn ok(body: &str) -> Handler {
    let body = body.to_string();
    Arc::new(move |_| Response::new(200, "OK", body.clone()))
}

/// A handler from a closure.
pub fn handler(f: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Handler {
    Arc::new(f)
}

/// Reads one request head (and body by Content-Length). None on EOF/garbage.
pub async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> Option<Request> {
    read_request_or_garbage(s).await.ok().flatten()
}

/// Like [`read_request`], but a peer that does not start with an HTTP method (a TLS
/// ClientHello, a SOCKS greeting) gives `Err(first bytes)` at once, so servers can answer
/// 400 the way real ones do.
pub async fn read_request_or_garbage<S: AsyncRead + Unpin>(
    s: &mut S,
) -> Result<Option<Request>, Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let Ok(n) = s.read(&mut chunk).await else {
            return Ok(None);
        };
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if !buf[0].is_ascii_uppercase() {
            return Err(buf);
        }
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 64 * 1024 {
            return Err(buf);
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split_whitespace();
    let (Some(method), Some(target)) = (first.next(), first.next()) else {
        return Err(buf);
    };
    let (method, target) = (method.to_string(), target.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(len);
    Ok(Some(Request {
        method,
        target,
        headers,
        body,
    }))
}

/// Serves one connection with the handler.
pub async fn serve_conn<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, h: Handler) {
    if let Some(req) = read_request(&mut s).await {
        let resp = h(&req);
        let _ = s.write_all(&resp.to_bytes()).await;
        let _ = s.flush().await;
        let _ = s.shutdown().await;
    }
}

pub fn start_plain(lab: &Lab, h: Handler) -> SocketAddr {
    start_plain_at(lab, None, h)
}

/// Like [`start_plain`], bound at `at` (e.g. an address inside a network namespace; the socket
/// is created on the calling thread, so it belongs to that thread's namespace).
pub fn start_plain_at(lab: &Lab, at: Option<SocketAddr>, h: Handler) -> SocketAddr {
    let (l, addr) = lab.listener_at(at);
    lab.spawn(async move {
        let l = tokio::net::TcpListener::from_std(l).unwrap();
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(serve_conn(s, h.clone()));
        }
    });
    addr
}
