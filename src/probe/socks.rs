//! The SOCKS5 exchange of the proxy probe (RFC 1928, RFC 1929 user/password), written and
//! judged as Go's x/net/internal/socks client does it: the greeting offers user/password
//! only when the URL has credentials, host names are sent to the proxy, and every failure
//! reads like Go's `socks connect tcp P->T: ...`.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::proxy_facts::{ProxyClass, ProxyFacts, SocksReply, Stream};
use super::{bounded, ProbeOptions};
use crate::vocab::goerr;

pub(super) async fn socks5(
    conn: &mut Box<dyn Stream>,
    f: &mut ProxyFacts,
    host: &str,
    port: u16,
    creds: Option<&(String, String)>,
    opts: &ProbeOptions,
) -> bool {
    let prefix = goerr::socks_connect(&f.proxy_addr, &f.target);
    let mut reply = SocksReply {
        method: None,
        auth_ok: None,
        reply: None,
        reply_text: None,
    };
    let budget = opts.budget();
    let r = bounded(budget, async {
        let greeting: Vec<u8> = if creds.is_some() {
            vec![5, 2, 0, 2]
        } else {
            vec![5, 1, 0]
        };
        conn.write_all(&greeting).await?;
        let mut b = [0u8; 2];
        conn.read_exact(&mut b).await?;
        Ok::<[u8; 2], std::io::Error>(b)
    })
    .await;
    let b = match r {
        None => {
            f.class = ProxyClass::Unreachable;
            f.listener = Some("silent".into());
            f.go_error = Some(format!("{prefix}: {}", goerr::IO_TIMEOUT));
            return false;
        }
        Some(Err(e)) => {
            f.class = ProxyClass::NotAProxy;
            f.go_error = Some(format!(
                "{prefix}: {}",
                if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    goerr::EOF.to_string()
                } else {
                    goerr::os_error_text(&e)
                }
            ));
            f.socks = Some(reply);
            return false;
        }
        Some(Ok(b)) => b,
    };
    if b[0] != 5 {
        f.class = if &b == b"HT" {
            ProxyClass::SchemeMismatch
        } else {
            ProxyClass::NotAProxy
        };
        if &b == b"HT" {
            f.listener = Some("http_proxy".into());
        }
        f.go_error = Some(format!("{prefix}: {}", goerr::socks_bad_version(b[0])));
        f.socks = Some(reply);
        return false;
    }
    reply.method = Some(b[1]);
    if b[1] == 0xff {
        f.class = if creds.is_some() {
            ProxyClass::AuthUnsupported
        } else {
            ProxyClass::AuthRequired
        };
        f.go_error = Some(format!("{prefix}: {}", goerr::SOCKS_NO_ACCEPTABLE_METHODS));
        f.socks = Some(reply);
        return false;
    }
    // Go authenticates only with credentials in the URL; without, it sends the request
    // whatever method was chosen (x/net/internal/socks: Authenticate is nil).
    let demanded = (creds.is_none() && b[1] != 0).then_some(b[1]);
    if let (2, Some((u, p))) = (b[1], creds) {
        let r = bounded(budget, async {
            let mut m = vec![1, u.len().min(255) as u8];
            m.extend_from_slice(&u.as_bytes()[..u.len().min(255)]);
            m.push(p.len().min(255) as u8);
            m.extend_from_slice(&p.as_bytes()[..p.len().min(255)]);
            conn.write_all(&m).await?;
            let mut b = [0u8; 2];
            conn.read_exact(&mut b).await?;
            Ok::<[u8; 2], std::io::Error>(b)
        })
        .await;
        let ok = matches!(r, Some(Ok(b)) if b[1] == 0);
        reply.auth_ok = Some(ok);
        if !ok {
            f.class = ProxyClass::AuthRejected;
            f.go_error = Some(format!("{prefix}: {}", goerr::SOCKS_AUTH_FAILED));
            f.socks = Some(reply);
            return false;
        }
    } else if b[1] != 0 && creds.is_some() {
        f.class = ProxyClass::AuthUnsupported;
        f.go_error = Some(format!(
            "{prefix}: {}",
            goerr::socks_unsupported_method(b[1])
        ));
        f.socks = Some(reply);
        return false;
    }
    let mut req = vec![5, 1, 0];
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => {
            req.push(1);
            req.extend_from_slice(&v4.octets());
        }
        Ok(std::net::IpAddr::V6(v6)) => {
            req.push(4);
            req.extend_from_slice(&v6.octets());
        }
        Err(_) => {
            req.push(3);
            req.push(host.len().min(255) as u8);
            req.extend_from_slice(&host.as_bytes()[..host.len().min(255)]);
        }
    }
    req.extend_from_slice(&port.to_be_bytes());
    let r = bounded(budget, async {
        conn.write_all(&req).await?;
        let mut h = [0u8; 4];
        conn.read_exact(&mut h).await?;
        let rest = match h[3] {
            1 => 4 + 2,
            4 => 16 + 2,
            3 => {
                let mut l = [0u8; 1];
                conn.read_exact(&mut l).await?;
                l[0] as usize + 2
            }
            _ => 0,
        };
        if h[1] == 0 {
            let mut skip = vec![0u8; rest];
            conn.read_exact(&mut skip).await?;
        }
        Ok::<[u8; 4], std::io::Error>(h)
    })
    .await;
    let ok = socks_request_outcome(f, r, reply, &prefix);
    if let Some(m) = demanded.filter(|_| !ok) {
        f.class = if m == 2 {
            ProxyClass::AuthRequired
        } else {
            ProxyClass::AuthUnsupported
        };
    }
    ok
}

/// Classifies the answer to the SOCKS5 CONNECT request.
fn socks_request_outcome(
    f: &mut ProxyFacts,
    r: Option<std::io::Result<[u8; 4]>>,
    mut reply: SocksReply,
    prefix: &str,
) -> bool {
    match r {
        None => {
            f.class = ProxyClass::Unreachable;
            f.go_error = Some(format!("{prefix}: {}", goerr::IO_TIMEOUT));
            f.socks = Some(reply);
            false
        }
        Some(Err(e)) => {
            f.class = ProxyClass::Other;
            let text = if e.kind() == std::io::ErrorKind::UnexpectedEof {
                goerr::EOF.to_string()
            } else {
                goerr::os_error_text(&e)
            };
            f.go_error = Some(format!("{prefix}: {text}"));
            f.socks = Some(reply);
            false
        }
        Some(Ok(h)) => {
            reply.reply = Some(h[1]);
            reply.reply_text = Some(goerr::socks_reply_text(h[1]));
            f.socks = Some(reply);
            if h[1] == 0 {
                return true;
            }
            f.class = match h[1] {
                2 => ProxyClass::ConnectDenied,
                3..=6 => ProxyClass::UpstreamFailed,
                _ => ProxyClass::Other,
            };
            f.go_error = Some(format!("{prefix}: {}", goerr::socks_reply_error(h[1])));
            false
        }
    }
}
