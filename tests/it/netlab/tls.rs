//! TLS servers: proper ones (any certificate from [`super::ca`]) serving HTTP via a handler,
//! and misbehaving ones.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::ca::Leaf;
use super::http::Handler;
use super::Lab;

pub enum TlsMode {
    /// Completes the handshake with this certificate, then serves HTTP/1.1 with the handler.
    Serve(Leaf, Handler),
    /// Reads the ClientHello, then resets the connection (RST).
    ResetAfterHello,
    /// Reads the ClientHello, then closes cleanly (FIN): the client sees EOF.
    CloseAfterHello,
    /// Answers the ClientHello with a plain HTTP 400 response.
    PlainHttp,
    /// Accepts and never says anything.
    Silent,
    /// Answers the ClientHello with a fatal handshake_failure alert.
    Alert,
}

impl TlsMode {
    pub fn serve(leaf: Leaf, h: Handler) -> TlsMode {
        TlsMode::Serve(leaf, h)
    }
}

/// A rustls server config for a leaf, HTTP/1.1 only.
pub fn server_config(leaf: &Leaf) -> Arc<rustls::ServerConfig> {
    let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(leaf.chain.clone(), leaf.key())
    .unwrap();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(cfg)
}

/// Reads whatever the client sends first (its ClientHello), briefly.
async fn read_hello(s: &mut tokio::net::TcpStream) {
    let mut b = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(2), s.read(&mut b)).await;
}

pub fn start(lab: &Lab, mode: TlsMode) -> SocketAddr {
    start_at(lab, None, mode)
}

/// Like [`start`], bound at `at` (e.g. an address inside a network namespace; the socket
/// is created on the calling thread, so it belongs to that thread's namespace).
pub fn start_at(lab: &Lab, at: Option<SocketAddr>, mode: TlsMode) -> SocketAddr {
    let (l, addr) = lab.listener_at(at);
    let held = lab.held.clone();
    lab.spawn(async move {
        let l = tokio::net::TcpListener::from_std(l).unwrap();
        let acceptor = match &mode {
            TlsMode::Serve(leaf, _) => Some(tokio_rustls::TlsAcceptor::from(server_config(leaf))),
            _ => None,
        };
        let handler = match &mode {
            TlsMode::Serve(_, h) => Some(h.clone()),
            _ => None,
        };
        while let Ok((mut s, _)) = l.accept().await {
            match &mode {
                TlsMode::Serve(..) => {
                    let acc = acceptor.clone().unwrap();
                    let h = handler.clone().unwrap();
                    tokio::spawn(async move {
                        if let Ok(Ok(tls)) = tokio::time::timeout(Duration::from_secs(5), acc.accept(s)).await {
                            super::http::serve_conn(tls, h).await;
                        }
                    });
                }
                TlsMode::ResetAfterHello => {
                    tokio::spawn(async move {
                        read_hello(&mut s).await;
                        let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
                        drop(s);
                    });
                }
                TlsMode::CloseAfterHello => {
                    tokio::spawn(async move {
                        read_hello(&mut s).await;
                        let _ = s.shutdown().await;
                    });
                }
                TlsMode::PlainHttp => {
                    tokio::spawn(async move {
                        read_hello(&mut s).await;
                        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nbad request").await;
                        let _ = s.shutdown().await;
                    });
                }
                TlsMode::Silent => {
                    held.lock().unwrap().push(Box::new(s));
                }
                TlsMode::Alert => {
                    tokio::spawn(async move {
                        read_hello(&mut s).await;
                        // TLS record: alert, TLS 1.2, length 2, fatal(2) handshake_failure(40).
                        let _ = s.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]).await;
                        let _ = s.shutdown().await;
                    });
                }
            }
        }
    });
    addr
}
