//! Proxies: a hand-written HTTP CONNECT (http:// and https:// proxies) and SOCKS5
//! (socks5://, socks5h://), reporting exactly what the proxy said, then TLS through the tunnel.
//!
//! Go sends the target's host name to a SOCKS5 proxy for both socks5:// and socks5h://
//! (net/http: "socks5" is treated the same as "socks5h"), so this probe does too.

use crate::vocab::goerr;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::tcp::TcpClass;
use super::tls::TlsClass;
use super::{bounded, join_host_port, ms, ProbeOptions};

use super::proxy_facts::Stream;
pub use super::proxy_facts::{ConnectReply, ProxyClass, ProxyFacts, ProxyTimings, SocksReply};

// ------------------------------------------------------------------ pure helpers

/// Classifies a CONNECT reply as Go would experience it.
pub fn classify_connect(reply: &ConnectReply, has_credentials: bool) -> ProxyClass {
    match reply.status {
        200 => ProxyClass::Ok,
        407 => {
            let go_can = reply
                .auth_schemes
                .iter()
                .any(|s| s.eq_ignore_ascii_case("basic"));
            if !go_can && !reply.auth_schemes.is_empty() {
                ProxyClass::AuthUnsupported
            } else if has_credentials {
                ProxyClass::AuthRejected
            } else {
                ProxyClass::AuthRequired
            }
        }
        // tinyproxy answers wrong BasicAuth credentials with 401, not 407; Go prints the
        // status text ("Unauthorized") either way.
        401 if has_credentials => ProxyClass::AuthRejected,
        401 => ProxyClass::AuthRequired,
        403 | 405 => ProxyClass::ConnectDenied,
        // 500: squid when its own DNS fails (ERR_DNS_FAIL), tinyproxy when it cannot connect.
        500 | 502..=504 => ProxyClass::UpstreamFailed,
        400 | 404 | 501 => ProxyClass::NotAProxy,
        _ => ProxyClass::Other,
    }
}

/// Parses a CONNECT response head. `Err` carries Go's text for an unparseable answer.
pub fn parse_connect_reply(buf: &[u8]) -> Result<Option<(ConnectReply, usize)>, String> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut resp = httparse::Response::new(&mut headers);
    match resp.parse(buf) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(n)) => {
            let status = resp.code.unwrap_or(0);
            let reason = resp.reason.unwrap_or("").to_string();
            let version = if resp.version == Some(0) {
                "HTTP/1.0"
            } else {
                "HTTP/1.1"
            };
            let mut r = ConnectReply {
                status,
                reason: reason.clone(),
                status_line: format!("{version} {status} {reason}")
                    .trim_end()
                    .to_string(),
                auth_schemes: Vec::new(),
                proxy_agent: None,
                via: None,
                server: None,
                body_preview: None,
            };
            for h in resp.headers.iter() {
                let v = String::from_utf8_lossy(h.value).trim().to_string();
                match h.name.to_ascii_lowercase().as_str() {
                    "proxy-authenticate" => {
                        // One header may hold several challenges; each starts with a scheme token.
                        for part in v.split(',') {
                            let tok = part.trim();
                            if let Some(scheme) = tok.split_whitespace().next() {
                                if !scheme.contains('=')
                                    && !r
                                        .auth_schemes
                                        .iter()
                                        .any(|s| s.eq_ignore_ascii_case(scheme))
                                {
                                    r.auth_schemes.push(scheme.to_string());
                                }
                            }
                        }
                    }
                    "proxy-agent" => r.proxy_agent = Some(v.into()),
                    "via" => r.via = Some(v.into()),
                    "server" => r.server = Some(v.into()),
                    _ => {}
                }
            }
            Ok(Some((r, n)))
        }
        Err(_) => Err(format!(
            "malformed HTTP response {:?}",
            String::from_utf8_lossy(&buf[..buf.len().min(40)])
        )),
    }
}

/// Go's text for a non-200 CONNECT: the reason phrase (or the status text Go knows).
pub fn go_connect_error(reply: &ConnectReply) -> String {
    if !reply.reason.is_empty() {
        reply.reason.clone()
    } else {
        format!("{}", reply.status)
    }
}

fn basic_auth(user: &str, pass: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
}

/// Percent-decodes URL userinfo ('+' stays '+', unlike form decoding).
fn decode(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

/// Credentials in a proxy URL, percent-decoded.
pub fn credentials(u: &url::Url) -> Option<(String, String)> {
    if u.username().is_empty() && u.password().is_none() {
        return None;
    }
    Some((decode(u.username()), decode(u.password().unwrap_or(""))))
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        "socks5" | "socks5h" => Some(1080),
        _ => None,
    }
}

// ------------------------------------------------------------------ I/O

async fn read_head<S: AsyncRead + Unpin>(
    s: &mut S,
    budget: Duration,
) -> (Vec<u8>, Option<std::io::Error>, bool) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    let deadline = tokio::time::Instant::now() + budget;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match bounded(left, s.read(&mut chunk)).await {
            None => return (buf, None, true),
            Some(Ok(0)) => return (buf, None, false),
            Some(Ok(n)) => {
                buf.extend_from_slice(&chunk[..n]);
                if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > 16 * 1024 {
                    return (buf, None, false);
                }
                // A non-HTTP peer: stop early.
                if buf.len() >= 5 && !buf.starts_with(b"HTTP/") {
                    return (buf, None, false);
                }
            }
            Some(Err(e)) => return (buf, Some(e), false),
        }
    }
}

/// What listens at `addr`: asked when a proxy did not answer like the expected kind.
pub async fn sniff_listener(addr: SocketAddr, budget: Duration) -> String {
    // A short look (this runs only after a failure), long enough for a loaded machine.
    let budget = budget.min(Duration::from_secs(2));
    // 1. An HTTP request: proxies and web servers answer it.
    if let (_, Some(mut s)) = super::tcp::connect(addr, budget).await {
        let _ = s
            .write_all(b"CONNECT example.invalid:443 HTTP/1.1\r\nHost: example.invalid:443\r\n\r\n")
            .await;
        let (buf, _, _) = read_head(&mut s, budget).await;
        if buf.starts_with(b"HTTP/") {
            return match parse_connect_reply(&buf) {
                Ok(Some((r, _)))
                    if r.proxy_agent.is_some()
                        || r.via.is_some()
                        || matches!(r.status, 407 | 403 | 502 | 503 | 504 | 200) =>
                {
                    "http_proxy".into()
                }
                _ => "http_server".into(),
            };
        }
        if buf.len() >= 2 && buf[0] == 0x05 {
            return "socks5".into();
        }
        if buf.len() >= 2 && (0x14..=0x17).contains(&buf[0]) && buf[1] == 0x03 {
            return "tls".into();
        }
    }
    // 2. A SOCKS5 greeting.
    if let (_, Some(mut s)) = super::tcp::connect(addr, budget).await {
        let _ = s.write_all(&[5, 1, 0]).await;
        let mut b = [0u8; 2];
        if let Some(Ok(_)) = bounded(budget, s.read_exact(&mut b)).await {
            if b[0] == 5 {
                return "socks5".into();
            }
            if &b == b"HT" {
                return "http_proxy".into();
            }
        }
    }
    // 3. A TLS ClientHello.
    if let (_, Some(s)) = super::tcp::connect(addr, budget).await {
        let (t, _) = super::tls::handshake(s, "example.invalid", budget).await;
        return match t.class {
            TlsClass::Timeout => "silent".into(),
            TlsClass::NotTls => "unknown".into(),
            TlsClass::Reset => "closed".into(),
            _ => "tls".into(),
        };
    }
    "unknown".into()
}

/// Goes through `proxy` to `target_host:target_port`; with `tls_target`, shakes hands with the
/// target through the tunnel.
pub async fn probe_via(
    proxy: &url::Url,
    target_host: &str,
    target_port: u16,
    tls_target: bool,
    opts: &ProbeOptions,
) -> ProxyFacts {
    let start = Instant::now();
    let scheme = proxy.scheme().to_ascii_lowercase();
    let creds = credentials(proxy);
    let phost = proxy
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let pport = proxy.port().or_else(|| default_port(&scheme)).unwrap_or(0);
    let proxy_addr = join_host_port(&phost, pport);
    let target = join_host_port(target_host, target_port);
    let mut f = ProxyFacts {
        proxy: proxy.as_str().into(),
        scheme: scheme.clone(),
        proxy_addr: proxy_addr.clone(),
        target: target.clone(),
        credentials: creds.is_some(),
        dns: None,
        tcp: Vec::new(),
        proxy_tls: None,
        connect: None,
        socks: None,
        listener: None,
        tunnel_tls: None,
        class: ProxyClass::Other,
        go_error: None,
        timings: ProxyTimings::default(),
        time_ms: 0.0,
    };
    let done = |mut f: ProxyFacts| {
        f.time_ms = ms(start.elapsed());
        f
    };
    if default_port(&scheme).is_none() || phost.is_empty() {
        f.go_error = Some(goerr::proxyconnect(format!(
            "unsupported proxy scheme or missing host in {}",
            f.proxy
        )));
        return done(f);
    }
    // Resolve the proxy's name like Go (system resolver).
    let t = Instant::now();
    let (dns, _) = super::dns::resolve_system(&phost, opts).await;
    f.timings.resolve_ms = Some(ms(t.elapsed()));
    let literal = dns.server == "literal";
    let addrs: Vec<SocketAddr> = dns
        .addrs()
        .into_iter()
        .map(|ip| SocketAddr::new(ip, pport))
        .collect();
    let dns_err = dns.go_error.clone();
    if !literal {
        f.dns = Some(dns);
    }
    if addrs.is_empty() {
        f.class = ProxyClass::Unreachable;
        f.go_error = Some(goerr::proxyconnect(goerr::dial_unresolved(
            dns_err.unwrap_or_default(),
        )));
        return done(f);
    }
    // Every address at once; the first in Go's order that connects is used.
    let t = Instant::now();
    let (attempts, stream) = super::tcp::connect_first(&addrs, opts.budget()).await;
    f.tcp = attempts;
    f.timings.connect_ms = Some(ms(t.elapsed()));
    let Some(tcp) = stream else {
        f.class = ProxyClass::Unreachable;
        let first = f
            .tcp
            .first()
            .and_then(|a| a.go_error.clone())
            .unwrap_or_default();
        f.go_error = Some(goerr::proxyconnect(first));
        return done(f);
    };
    let peer = tcp.peer_addr().ok();
    let mut conn: Box<dyn Stream> = Box::new(tcp);
    if scheme == "https" {
        let t = Instant::now();
        let (tf, s) = super::tls::handshake(conn, &phost, opts.budget()).await;
        f.timings.proxy_tls_ms = Some(ms(t.elapsed()));
        let class = tf.class;
        let go = tf.go_error.clone();
        f.proxy_tls = Some(tf);
        match s {
            Some(s) => conn = Box::new(s),
            None => {
                f.class = match class {
                    TlsClass::NotTls => ProxyClass::SchemeMismatch,
                    TlsClass::Timeout => ProxyClass::Unreachable,
                    _ => ProxyClass::ProxyTlsFailed,
                };
                // A plain HTTP proxy (tinyproxy, squid's http_port) given an https:// URL
                // often just waits for a request line: Go's handshake times out. Ask it in
                // plain HTTP before calling it unreachable.
                if class == TlsClass::Timeout {
                    if let Some(p) = peer {
                        let l = sniff_listener(p, opts.budget()).await;
                        // Anything that answers plain HTTP there: the URL's scheme is wrong.
                        if l == "http_proxy" || l == "http_server" {
                            f.class = ProxyClass::SchemeMismatch;
                        }
                        f.listener = Some(l);
                    }
                }
                if class == TlsClass::NotTls {
                    f.listener = Some("http_proxy".into());
                    f.go_error = Some(goerr::proxyconnect(goerr::TLS_NOT_A_HANDSHAKE));
                } else {
                    f.go_error = Some(goerr::proxyconnect(go.unwrap_or_default()));
                }
                return done(f);
            }
        }
    }
    let t = Instant::now();
    let tunnel = if scheme.starts_with("socks5") {
        super::socks::socks5(
            &mut conn,
            &mut f,
            target_host,
            target_port,
            creds.as_ref(),
            opts,
        )
        .await
    } else {
        http_connect(&mut conn, &mut f, &target, creds.as_ref(), opts).await
    };
    f.timings.tunnel_ms = Some(ms(t.elapsed()));
    if !tunnel {
        // Not the kind of proxy the URL says? Look at what listens.
        if matches!(f.class, ProxyClass::NotAProxy | ProxyClass::Other) && scheme != "https" {
            if let Some(p) = peer {
                let l = sniff_listener(p, opts.budget()).await;
                let expected_http = !scheme.starts_with("socks5");
                f.class = match (expected_http, l.as_str()) {
                    (true, "socks5") | (false, "http_proxy") => ProxyClass::SchemeMismatch,
                    _ => ProxyClass::NotAProxy,
                };
                f.listener = Some(l);
            }
        }
        return done(f);
    }
    f.class = ProxyClass::Ok;
    if tls_target {
        let t = Instant::now();
        let (tf, _) = super::tls::handshake(conn, target_host, opts.budget()).await;
        f.timings.tls_ms = Some(ms(t.elapsed()));
        f.tunnel_tls = Some(tf);
    }
    done(f)
}

async fn http_connect(
    conn: &mut Box<dyn Stream>,
    f: &mut ProxyFacts,
    target: &str,
    creds: Option<&(String, String)>,
    opts: &ProbeOptions,
) -> bool {
    let mut req = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: Go-http-client/1.1\r\n"
    );
    if let Some((u, p)) = creds {
        req.push_str(&format!(
            "Proxy-Authorization: Basic {}\r\n",
            basic_auth(u, p)
        ));
    }
    req.push_str("\r\n");
    // One step limit for the whole exchange: the write and the read share it.
    let budget = opts.budget();
    let step_end = tokio::time::Instant::now() + budget;
    if let Some(Err(e)) | Some(Ok(Err(e))) = bounded(budget, conn.write_all(req.as_bytes()))
        .await
        .map(Ok::<_, std::io::Error>)
    {
        f.class = ProxyClass::Unreachable;
        f.go_error = Some(goerr::proxyconnect(goerr::os_error_text(&e)));
        return false;
    }
    let budget = step_end.saturating_duration_since(tokio::time::Instant::now());
    let what = || format!("the proxy {}'s answer to CONNECT", f.proxy_addr);
    let answer = read_head(conn, budget);
    let step = super::pace::Step::ProxyAnswer;
    let (buf, err, timed_out) = super::pace::bounded(step, what, budget, answer)
        .await
        .unwrap_or((Vec::new(), None, true));
    // No whole answer by the step deadline (silent or trickling): Go's CONNECT read has only
    // the request's context (net/http dialConn) and returns that context's error as it is.
    if timed_out {
        f.class = ProxyClass::Unreachable;
        f.listener = Some(if buf.is_empty() { "silent" } else { "slow" }.into());
        f.go_error = Some(goerr::CONTEXT_DEADLINE.into());
        return false;
    }
    if buf.is_empty() {
        f.class = ProxyClass::NotAProxy;
        f.go_error = Some(match err {
            Some(e) => goerr::read_text(&e),
            None => goerr::EOF.into(),
        });
        return false;
    }
    match parse_connect_reply(&buf) {
        Ok(Some((mut reply, head_len))) => {
            if reply.status != 200 {
                let mut body = buf[head_len..].to_vec();
                if body.len() < 256 {
                    let mut more = [0u8; 512];
                    if let Some(Ok(n)) =
                        bounded(Duration::from_millis(100).min(budget), conn.read(&mut more)).await
                    {
                        body.extend_from_slice(&more[..n]);
                    }
                }
                if !body.is_empty() {
                    let text: String = String::from_utf8_lossy(&body).chars().take(256).collect();
                    reply.body_preview = Some(text.into());
                }
                f.go_error = Some(go_connect_error(&reply));
            }
            f.class = classify_connect(&reply, creds.is_some());
            f.connect = Some(reply);
            f.class == ProxyClass::Ok
        }
        Ok(None) => {
            f.class = ProxyClass::Other;
            f.go_error = Some(goerr::UNEXPECTED_EOF.into());
            false
        }
        Err(text) => {
            f.class = ProxyClass::NotAProxy;
            f.go_error = Some(text);
            false
        }
    }
}

/// Maps a failed TCP connect class to a proxy class (for callers summarising).
pub fn tcp_class_to_proxy(c: TcpClass) -> ProxyClass {
    match c {
        TcpClass::Connected => ProxyClass::Ok,
        _ => ProxyClass::Unreachable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(raw: &str) -> ConnectReply {
        parse_connect_reply(raw.as_bytes()).unwrap().unwrap().0
    }

    #[test]
    fn connect_replies() {
        let r = reply("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nProxy-Authenticate: Negotiate\r\nProxy-Agent: Squid/6\r\n\r\n");
        assert_eq!(r.auth_schemes, vec!["NTLM", "Negotiate"]);
        assert_eq!(classify_connect(&r, false), ProxyClass::AuthUnsupported);
        assert_eq!(go_connect_error(&r), "Proxy Authentication Required");
        let r = reply("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\", NTLM\r\n\r\n");
        assert_eq!(r.auth_schemes, vec!["Basic", "NTLM"]);
        assert_eq!(classify_connect(&r, false), ProxyClass::AuthRequired);
        assert_eq!(classify_connect(&r, true), ProxyClass::AuthRejected);
        let r = reply("HTTP/1.0 401 Unauthorized\r\nServer: tinyproxy/1.11.1\r\n\r\n");
        assert_eq!(classify_connect(&r, true), ProxyClass::AuthRejected);
        assert_eq!(classify_connect(&r, false), ProxyClass::AuthRequired);
        assert_eq!(
            classify_connect(&reply("HTTP/1.1 403 Forbidden\r\n\r\n"), false),
            ProxyClass::ConnectDenied
        );
        assert_eq!(
            classify_connect(
                &reply("HTTP/1.0 502 Bad Gateway\r\nVia: 1.1 p\r\n\r\n"),
                false
            ),
            ProxyClass::UpstreamFailed
        );
        // squid 5 behind a resolver that filters the name.
        let r = reply("HTTP/1.1 500 Internal Server Error\r\nServer: squid/5.7\r\nX-Squid-Error: ERR_DNS_FAIL 0\r\n\r\n");
        assert_eq!(classify_connect(&r, false), ProxyClass::UpstreamFailed);
        assert_eq!(go_connect_error(&r), "Internal Server Error");
        assert_eq!(
            classify_connect(&reply("HTTP/1.1 200 Connection established\r\n\r\n"), false),
            ProxyClass::Ok
        );
        assert!(parse_connect_reply(b"\x05\xff").is_err());
        assert!(parse_connect_reply(b"HTTP/1.1 200 OK\r\n")
            .unwrap()
            .is_none());
    }

    #[test]
    fn credentials_are_percent_decoded() {
        let u = url::Url::parse("http://us%40er:p%3Ass+w@proxy:3128").unwrap();
        assert_eq!(
            credentials(&u).unwrap(),
            ("us@er".to_string(), "p:ss+w".to_string())
        );
        assert!(credentials(&url::Url::parse("http://proxy:3128").unwrap()).is_none());
    }
}
