//! An HTTP CONNECT proxy in several moods (open, Basic auth, NTLM-only, fixed status, silent),
//! optionally behind TLS (an https:// proxy), and a SOCKS5 server (RFC 1928 / RFC 1929).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::ca::Leaf;
use super::Lab;

/// Where the proxy sends a tunnel: `host:port` as asked → an address. Names not in the map
/// are parsed as socket addresses; anything else gets 502.
pub type Targets = Arc<HashMap<String, SocketAddr>>;

pub fn targets(entries: &[(&str, SocketAddr)]) -> Targets {
    Arc::new(entries.iter().map(|(k, v)| (k.to_string(), *v)).collect())
}

#[derive(Clone)]
pub enum ProxyMode {
    Open(Targets),
    /// 407 with `Proxy-Authenticate: Basic` unless the right credentials come; then open.
    Basic {
        user: String,
        pass: String,
        targets: Targets,
    },
    /// 407 offering only NTLM and Negotiate.
    NtlmOnly,
    /// Every CONNECT gets this status and reason (403 Forbidden, 502 Bad Gateway, ...).
    Status(u16, String),
    /// Accepts and never answers.
    Silent,
    /// Like tinyproxy: answers nothing until a whole request head has come, then tunnels
    /// as `Open`; bytes that never form one (a TLS ClientHello) wait forever.
    WaitsForHead(Targets),
}

impl ProxyMode {
    pub fn open(t: Targets) -> ProxyMode {
        ProxyMode::Open(t)
    }
    pub fn status(code: u16, reason: &str) -> ProxyMode {
        ProxyMode::Status(code, reason.to_string())
    }
}

fn resolve(t: &Targets, target: &str) -> Option<SocketAddr> {
    t.get(target).copied().or_else(|| target.parse().ok())
}

async fn tunnel<S: AsyncRead + AsyncWrite + Unpin>(mut client: S, to: SocketAddr) {
    if let Ok(Ok(mut up)) =
        tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(to)).await
    {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
    }
}

async fn reply<S: AsyncWrite + Unpin>(
    s: &mut S,
    status: u16,
    reason: &str,
    extra: &[(&str, &str)],
    body: &str,
) {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\nProxy-Agent: netlab-proxy/1\r\n");
    for (k, v) in extra {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    let _ = s.write_all(out.as_bytes()).await;
    let _ = s.flush().await;
}

/// Serves one client connection (plain or TLS).
pub async fn handle<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(mut s: S, mode: ProxyMode) {
    if let ProxyMode::WaitsForHead(t) = &mode {
        return waits_for_head(s, t.clone()).await;
    }
    let req = match super::http::read_request_or_garbage(&mut s).await {
        Ok(Some(r)) => r,
        Ok(None) => return,
        // Not HTTP (e.g. a TLS ClientHello to a plain proxy): 400, as squid and others do.
        Err(_) => {
            reply(&mut s, 400, "Bad Request", &[], "<h1>400 Bad Request</h1>").await;
            return;
        }
    };
    if req.method != "CONNECT" {
        reply(&mut s, 400, "Bad Request", &[], "only CONNECT").await;
        return;
    }
    let target = req.target.clone();
    match mode {
        ProxyMode::Open(t) => match resolve(&t, &target) {
            Some(to) => {
                let _ = s
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                tunnel(s, to).await;
            }
            None => {
                reply(
                    &mut s,
                    502,
                    "Bad Gateway",
                    &[],
                    "<h1>cannot reach upstream</h1>",
                )
                .await
            }
        },
        ProxyMode::Basic {
            user,
            pass,
            targets,
        } => {
            use base64::Engine;
            let want = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
            );
            if req.header("proxy-authorization") == Some(want.as_str()) {
                match resolve(&targets, &target) {
                    Some(to) => {
                        let _ = s
                            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                            .await;
                        tunnel(s, to).await;
                    }
                    None => reply(&mut s, 502, "Bad Gateway", &[], "no upstream").await,
                }
            } else {
                reply(
                    &mut s,
                    407,
                    "Proxy Authentication Required",
                    &[("Proxy-Authenticate", "Basic realm=\"netlab\"")],
                    "<h1>407</h1>",
                )
                .await;
            }
        }
        ProxyMode::NtlmOnly => {
            reply(
                &mut s,
                407,
                "Proxy Authentication Required",
                &[
                    ("Proxy-Authenticate", "NTLM"),
                    ("Proxy-Authenticate", "Negotiate"),
                ],
                "<h1>407 NTLM</h1>",
            )
            .await;
        }
        ProxyMode::Status(code, reason) => {
            reply(
                &mut s,
                code,
                &reason,
                &[("Via", "1.1 netlab-proxy")],
                &format!("<h1>{code} {reason}</h1>"),
            )
            .await;
        }
        ProxyMode::Silent => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        ProxyMode::WaitsForHead(_) => unreachable!("handled before the head is read"),
    }
}

async fn waits_for_head<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, t: Targets) {
    let mut head = Vec::new();
    let mut b = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match s.read(&mut b).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&b[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut words = text.split_whitespace();
    match (words.next(), words.next().and_then(|w| resolve(&t, w))) {
        (Some("CONNECT"), Some(to)) => {
            let _ = s
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await;
            tunnel(s, to).await;
        }
        _ => reply(&mut s, 400, "Bad Request", &[], "bad request").await,
    }
}

pub fn start(lab: &Lab, mode: ProxyMode) -> SocketAddr {
    start_at(lab, None, mode)
}

/// Like [`start`], bound at `at` (e.g. an address inside a network namespace; the socket
/// is created on the calling thread, so it belongs to that thread's namespace).
pub fn start_at(lab: &Lab, at: Option<SocketAddr>, mode: ProxyMode) -> SocketAddr {
    let (l, addr) = lab.listener_at(at);
    lab.spawn(async move {
        let l = tokio::net::TcpListener::from_std(l).unwrap();
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(handle(s, mode.clone()));
        }
    });
    addr
}

/// An https:// proxy: TLS with `leaf`, then CONNECT handling as in `mode`.
pub fn start_tls(lab: &Lab, leaf: Leaf, mode: ProxyMode) -> SocketAddr {
    start_tls_at(lab, None, leaf, mode)
}

/// Like [`start_tls`], bound at `at` (e.g. an address inside a network namespace; the socket
/// is created on the calling thread, so it belongs to that thread's namespace).
pub fn start_tls_at(lab: &Lab, at: Option<SocketAddr>, leaf: Leaf, mode: ProxyMode) -> SocketAddr {
    let (l, addr) = lab.listener_at(at);
    let acc = tokio_rustls::TlsAcceptor::from(super::tls::server_config(&leaf));
    lab.spawn(async move {
        let l = tokio::net::TcpListener::from_std(l).unwrap();
        while let Ok((s, _)) = l.accept().await {
            let acc = acc.clone();
            let mode = mode.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acc.accept(s).await {
                    handle(tls, mode).await;
                }
            });
        }
    });
    addr
}

#[derive(Clone)]
pub enum SocksMode {
    /// No authentication; tunnels to the requested target.
    Open(Targets),
    /// RFC 1929 username/password required.
    UserPass {
        user: String,
        pass: String,
        targets: Targets,
    },
    /// Answers every CONNECT request with this reply code (2 = not allowed, 5 = refused, ...).
    Reply(u8),
}

async fn socks_conn(mut s: tokio::net::TcpStream, mode: SocksMode) -> std::io::Result<()> {
    let mut h = [0u8; 2];
    s.read_exact(&mut h).await?;
    if h[0] != 5 {
        return Ok(()); // not SOCKS5: hang up
    }
    let mut methods = vec![0u8; h[1] as usize];
    s.read_exact(&mut methods).await?;
    let (need_auth, targets) = match &mode {
        SocksMode::UserPass { targets, .. } => (true, targets.clone()),
        SocksMode::Open(t) => (false, t.clone()),
        SocksMode::Reply(_) => (false, Arc::new(HashMap::new())),
    };
    let want = if need_auth { 2 } else { 0 };
    if !methods.contains(&want) {
        s.write_all(&[5, 0xff]).await?;
        return Ok(());
    }
    s.write_all(&[5, want]).await?;
    if let SocksMode::UserPass { user, pass, .. } = &mode {
        let mut v = [0u8; 2];
        s.read_exact(&mut v).await?;
        let mut u = vec![0u8; v[1] as usize];
        s.read_exact(&mut u).await?;
        let mut pl = [0u8; 1];
        s.read_exact(&mut pl).await?;
        let mut p = vec![0u8; pl[0] as usize];
        s.read_exact(&mut p).await?;
        let ok = u == user.as_bytes() && p == pass.as_bytes();
        s.write_all(&[1, if ok { 0 } else { 1 }]).await?;
        if !ok {
            return Ok(());
        }
    }
    let mut r = [0u8; 4];
    s.read_exact(&mut r).await?;
    let host = match r[3] {
        1 => {
            let mut a = [0u8; 4];
            s.read_exact(&mut a).await?;
            std::net::Ipv4Addr::from(a).to_string()
        }
        4 => {
            let mut a = [0u8; 16];
            s.read_exact(&mut a).await?;
            format!("[{}]", std::net::Ipv6Addr::from(a))
        }
        3 => {
            let mut l = [0u8; 1];
            s.read_exact(&mut l).await?;
            let mut n = vec![0u8; l[0] as usize];
            s.read_exact(&mut n).await?;
            String::from_utf8_lossy(&n).into_owned()
        }
        _ => return Ok(()),
    };
    let mut p = [0u8; 2];
    s.read_exact(&mut p).await?;
    let target = format!("{host}:{}", u16::from_be_bytes(p));
    let code = match &mode {
        SocksMode::Reply(c) => *c,
        _ => {
            if resolve(&targets, &target).is_some() {
                0
            } else {
                4
            }
        }
    };
    s.write_all(&[5, code, 0, 1, 127, 0, 0, 1, 0, 0]).await?;
    if code == 0 {
        if let Some(to) = resolve(&targets, &target) {
            tunnel(s, to).await;
        }
    }
    Ok(())
}

pub fn start_socks5(lab: &Lab, mode: SocksMode) -> SocketAddr {
    start_socks5_at(lab, None, mode)
}

/// Like [`start_socks5`], bound at `at` (e.g. an address inside a network namespace; the socket
/// is created on the calling thread, so it belongs to that thread's namespace).
pub fn start_socks5_at(lab: &Lab, at: Option<SocketAddr>, mode: SocksMode) -> SocketAddr {
    let (l, addr) = lab.listener_at(at);
    lab.spawn(async move {
        let l = tokio::net::TcpListener::from_std(l).unwrap();
        while let Ok((s, _)) = l.accept().await {
            let m = mode.clone();
            tokio::spawn(async move {
                let _ = socks_conn(s, m).await;
            });
        }
    });
    addr
}
