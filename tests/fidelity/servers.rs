//! Binding adapters for the fidelity lab: the lab needs servers on FIXED addresses inside a
//! namespace (127.0.0.53:53, 127.0.1.1:443, ...), while tests/it/netlab binds fresh addresses on
//! its own runtime. So the sockets are bound here and the protocol work is netlab's (DNS
//! answers, the CONNECT proxy) or modlab's (the module proxy and checksum database behind a
//! TLS front). The raw TLS fault modes below mirror netlab's `TlsMode` because netlab does not
//! expose a per-connection entry point for them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::proto::op::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

use super::netlab;
use super::netlab::dns::DnsMode;

/// A DNS server on UDP and TCP `addr`, answering with netlab's DNS logic.
pub async fn dns_server(addr: SocketAddr, mode: DnsMode) {
    let udp = UdpSocket::bind(addr).await.expect("bind DNS/udp");
    let tcp = TcpListener::bind(addr).await.expect("bind DNS/tcp");
    let m = mode.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = tcp.accept().await {
            let m = m.clone();
            tokio::spawn(async move {
                loop {
                    let Ok(len) = s.read_u16().await else { return };
                    let mut q = vec![0u8; len as usize];
                    if s.read_exact(&mut q).await.is_err() {
                        return;
                    }
                    let reply = Message::from_vec(&q)
                        .ok()
                        .and_then(|q| netlab::dns::answer(&m, &q))
                        .and_then(|r| r.to_vec().ok());
                    let Some(r) = reply else {
                        // Silent: hold the connection open.
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    };
                    let mut out = (r.len() as u16).to_be_bytes().to_vec();
                    out.extend(r);
                    if s.write_all(&out).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let mut buf = [0u8; 4096];
    loop {
        let Ok((n, peer)) = udp.recv_from(&mut buf).await else {
            continue;
        };
        let reply = Message::from_vec(&buf[..n])
            .ok()
            .and_then(|q| netlab::dns::answer(&mode, &q))
            .and_then(|r| r.to_vec().ok());
        if let Some(r) = reply {
            let _ = udp.send_to(&r, peer).await;
        }
    }
}

/// What listens on a site's port 443.
#[derive(Clone)]
pub enum SiteMode {
    /// TLS with this configuration, then the bytes go to a plain-HTTP backend.
    Tls(Arc<rustls::ServerConfig>, SocketAddr),
    /// Reads the ClientHello, then resets the connection (RST).
    ResetAfterHello,
    /// Resets every connection right after accepting it.
    ResetOnAccept,
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
                SiteMode::ResetOnAccept => {
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

/// netlab's HTTP CONNECT proxy on a fixed listener; `None` = not a proxy (an SSH banner).
pub async fn connect_proxy(listener: TcpListener, mode: Option<netlab::proxy::ProxyMode>) {
    while let Ok((mut s, _)) = listener.accept().await {
        match mode.clone() {
            Some(m) => {
                tokio::spawn(netlab::proxy::handle(s, m));
            }
            None => {
                tokio::spawn(async move {
                    let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf).await;
                });
            }
        }
    }
}

/// A web server that answers every request with the PAC script `text` (as WPAD servers do).
pub async fn pac_server(listener: TcpListener, text: &'static str) {
    while let Ok((mut s, _)) = listener.accept().await {
        tokio::spawn(async move {
            if netlab::http::read_request(&mut s).await.is_some() {
                let r = netlab::http::Response::new(200, "OK", text)
                    .header("Content-Type", "application/x-ns-proxy-autoconfig");
                let _ = s.write_all(&r.to_bytes()).await;
            }
        });
    }
}
