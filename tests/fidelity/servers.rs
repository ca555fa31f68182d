//! The lab's small network servers, run on a scenario's namespace runtime: a DNS server, TLS
//! "sites" (a TLS front that forwards to a plain-HTTP modlab backend, or a faulty endpoint),
//! and an HTTP CONNECT proxy whose upstream names come from a static map (getaddrinfo on a
//! namespace thread would read the host's resolv.conf: setns does not change the mount
//! namespace).
//!
//! Adapters only: the module protocol and the checksum database are tests/modlab's.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

/// What a DNS server says about one name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DnsAnswer {
    A(Ipv4Addr),
    NxDomain,
    ServFail,
}

/// A DNS server on UDP and TCP `addr`. `None` = bound but silent (a resolver that is down
/// but whose packets vanish). Unknown names are NXDOMAIN; AAAA questions get no records.
pub async fn dns_server(addr: SocketAddr, zone: Option<BTreeMap<String, DnsAnswer>>) {
    let udp = UdpSocket::bind(addr).await.expect("bind DNS/udp");
    let tcp = TcpListener::bind(addr).await.expect("bind DNS/tcp");
    let zone = Arc::new(zone);
    let z = zone.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = tcp.accept().await else {
                continue;
            };
            let z = z.clone();
            tokio::spawn(async move {
                loop {
                    let mut len = [0u8; 2];
                    if s.read_exact(&mut len).await.is_err() {
                        return;
                    }
                    let mut q = vec![0u8; u16::from_be_bytes(len) as usize];
                    if s.read_exact(&mut q).await.is_err() {
                        return;
                    }
                    let Some(zone) = z.as_ref() else {
                        // Silent: hold the connection open.
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    };
                    let Some(r) = dns_reply(&q, zone) else { return };
                    let mut out = (r.len() as u16).to_be_bytes().to_vec();
                    out.extend(r);
                    if s.write_all(&out).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let mut buf = [0u8; 1500];
    loop {
        let Ok((n, peer)) = udp.recv_from(&mut buf).await else {
            continue;
        };
        if let Some(zone) = zone.as_ref() {
            if let Some(r) = dns_reply(&buf[..n], zone) {
                let _ = udp.send_to(&r, peer).await;
            }
        }
    }
}

/// Builds the reply to one query (pure wire format: header, the question echoed, A records).
pub fn dns_reply(q: &[u8], zone: &BTreeMap<String, DnsAnswer>) -> Option<Vec<u8>> {
    if q.len() < 12 {
        return None;
    }
    let mut i = 12;
    let mut labels = vec![];
    loop {
        let len = *q.get(i)? as usize;
        i += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(q.get(i..i + len)?).to_ascii_lowercase());
        i += len;
    }
    let qtype = u16::from_be_bytes([*q.get(i)?, *q.get(i + 1)?]);
    let question = &q[12..i + 4];
    let name = labels.join(".");
    let (rcode, ip) = match zone.get(&name) {
        Some(DnsAnswer::A(ip)) => (0u8, (qtype == 1).then_some(*ip)),
        Some(DnsAnswer::ServFail) => (2, None),
        Some(DnsAnswer::NxDomain) | None => (3, None),
    };
    let mut r = Vec::with_capacity(64);
    r.extend_from_slice(&q[0..2]);
    // QR, opcode 0, RD copied, RA; rcode.
    r.push(0x80 | (q[2] & 0x01));
    r.push(0x80 | rcode);
    r.extend_from_slice(&[0, 1, 0, ip.is_some() as u8, 0, 0, 0, 0]);
    r.extend_from_slice(question);
    if let Some(ip) = ip {
        r.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        r.extend_from_slice(&ip.octets());
    }
    Some(r)
}

/// What listens on a site's port 443.
#[derive(Clone)]
pub enum SiteMode {
    /// TLS with this configuration, then the bytes go to a plain-HTTP backend.
    Tls(Arc<rustls::ServerConfig>, SocketAddr),
    /// Reads the ClientHello, then resets the connection (RST).
    ResetAfterHello,
    /// Answers in plain HTTP (a captive portal or a web server on the TLS port).
    PlainHttp,
    /// Accepts and never says anything.
    Silent,
    /// Answers the ClientHello with a fatal handshake_failure alert.
    Alert,
}

pub async fn site(listener: TcpListener, mode: SiteMode) {
    let acceptor = match &mode {
        SiteMode::Tls(cfg, _) => Some(tokio_rustls::TlsAcceptor::from(cfg.clone())),
        _ => None,
    };
    loop {
        let Ok((mut s, _)) = listener.accept().await else {
            continue;
        };
        let mode = mode.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match mode {
                SiteMode::Tls(_, backend) => {
                    let Ok(mut tls) = acceptor.expect("acceptor").accept(s).await else {
                        return;
                    };
                    let Ok(mut b) = TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut b).await;
                }
                SiteMode::ResetAfterHello => {
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf).await;
                    let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
                    drop(s);
                }
                SiteMode::PlainHttp => {
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf).await;
                    let _ = s
                        .write_all(
                            b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                }
                SiteMode::Silent => {
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = s.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                    }
                }
                SiteMode::Alert => {
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf).await;
                    // TLS record: alert, TLS 1.2, length 2: fatal(2) handshake_failure(40).
                    let _ = s
                        .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
                        .await;
                    let _ = s.shutdown().await;
                }
            }
        });
    }
}

/// How the HTTP CONNECT proxy behaves.
#[derive(Debug, Clone, PartialEq)]
pub enum ProxyMode {
    Open,
    /// 407 with `Proxy-Authenticate: Basic` unless these credentials come.
    Basic {
        user: String,
        pass: String,
    },
    /// 407 offering only NTLM and Negotiate.
    NtlmOnly,
    /// Refuses every CONNECT with this status line.
    Status(u16, &'static str),
    /// Not a proxy at all: an SSH banner.
    SshBanner,
}

/// An HTTP CONNECT proxy; `upstream` maps host names to the addresses the proxy dials.
pub async fn connect_proxy(
    listener: TcpListener,
    mode: ProxyMode,
    upstream: Arc<BTreeMap<String, Ipv4Addr>>,
) {
    loop {
        let Ok((s, _)) = listener.accept().await else {
            continue;
        };
        let mode = mode.clone();
        let upstream = upstream.clone();
        tokio::spawn(async move {
            let _ = proxy_conn(s, mode, upstream).await;
        });
    }
}

async fn proxy_conn(
    mut s: TcpStream,
    mode: ProxyMode,
    upstream: Arc<BTreeMap<String, Ipv4Addr>>,
) -> std::io::Result<()> {
    if mode == ProxyMode::SshBanner {
        s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await?;
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf).await;
        return Ok(());
    }
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
        // A TLS ClientHello (https:// proxy URL for this plain proxy): answer like an HTTP
        // server would.
        if !head[0].is_ascii_alphabetic() {
            s.write_all(
                b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            )
            .await?;
            return Ok(());
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.split("\r\n");
    let request = lines.next().unwrap_or_default().to_string();
    let auth = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, v)| v.trim().to_string());
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let deny = |status: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n")
    };
    match &mode {
        ProxyMode::Basic { user, pass } => {
            use base64::Engine;
            let want = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
            );
            if auth.as_deref() != Some(want.as_str()) {
                let r = deny(
                    "407 Proxy Authentication Required",
                    "Proxy-Authenticate: Basic realm=\"lab\"\r\n",
                );
                return s.write_all(r.as_bytes()).await;
            }
        }
        ProxyMode::NtlmOnly => {
            let r = deny(
                "407 Proxy Authentication Required",
                "Proxy-Authenticate: NTLM\r\nProxy-Authenticate: Negotiate\r\n",
            );
            return s.write_all(r.as_bytes()).await;
        }
        ProxyMode::Status(code, reason) => {
            return s
                .write_all(deny(&format!("{code} {reason}"), "").as_bytes())
                .await;
        }
        ProxyMode::Open | ProxyMode::SshBanner => {}
    }
    if method != "CONNECT" {
        return s
            .write_all(deny("405 Method Not Allowed", "").as_bytes())
            .await;
    }
    let (host, port) = target.rsplit_once(':').unwrap_or((target, "443"));
    let Some(ip) = upstream.get(host) else {
        return s.write_all(deny("502 Bad Gateway", "").as_bytes()).await;
    };
    let port: u16 = port.parse().unwrap_or(443);
    let Ok(mut up) = TcpStream::connect((*ip, port)).await else {
        return s.write_all(deny("502 Bad Gateway", "").as_bytes()).await;
    };
    s.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    // Bytes after the head (a client that pipelines its ClientHello) go upstream first.
    let end = head
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head")
        + 4;
    up.write_all(&head[end..]).await?;
    tokio::io::copy_bidirectional(&mut s, &mut up).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &str, qtype: u16) -> Vec<u8> {
        let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for l in name.split('.') {
            q.push(l.len() as u8);
            q.extend_from_slice(l.as_bytes());
        }
        q.push(0);
        q.extend_from_slice(&qtype.to_be_bytes());
        q.extend_from_slice(&[0, 1]);
        q
    }

    #[test]
    fn dns_replies_a_nxdomain_servfail_and_empty_aaaa() {
        let mut zone = BTreeMap::new();
        zone.insert(
            "a.example".to_string(),
            DnsAnswer::A(Ipv4Addr::new(127, 0, 1, 1)),
        );
        zone.insert("s.example".to_string(), DnsAnswer::ServFail);
        let r = dns_reply(&query("A.example", 1), &zone).unwrap();
        assert_eq!(&r[0..2], &[0x12, 0x34]);
        assert_eq!(r[3] & 0x0f, 0);
        assert_eq!(&r[6..8], &[0, 1]);
        assert_eq!(&r[r.len() - 4..], &[127, 0, 1, 1]);
        let r = dns_reply(&query("a.example", 28), &zone).unwrap();
        assert_eq!((r[3] & 0x0f, r[7]), (0, 0));
        let r = dns_reply(&query("nope.example", 1), &zone).unwrap();
        assert_eq!(r[3] & 0x0f, 3);
        let r = dns_reply(&query("s.example", 1), &zone).unwrap();
        assert_eq!(r[3] & 0x0f, 2);
        assert_eq!(dns_reply(&[1, 2, 3], &zone), None);
    }
}
