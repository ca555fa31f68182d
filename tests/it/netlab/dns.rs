//! A DNS server on one loopback address, over UDP and TCP on the same port. It binds exactly
//! the address it is asked on (resolvers ignore UDP replies from another source address).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use hickory_resolver::proto::op::{Message, MessageType, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, AAAA};
use hickory_resolver::proto::rr::{RData, Record, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Lab;

#[derive(Clone, Debug)]
pub enum DnsMode {
    /// Answers names from the zone (lower case, no trailing dot); others are NXDOMAIN.
    Zone(Arc<HashMap<String, Vec<IpAddr>>>),
    /// Answers every name with these addresses (a hijacking resolver).
    Hijack(Vec<IpAddr>),
    /// Every answer carries this response code and no records (NXDomain, ServFail, Refused).
    Rcode(ResponseCode),
    /// Never answers.
    Silent,
}

impl DnsMode {
    pub fn zone(entries: &[(&str, IpAddr)]) -> DnsMode {
        let mut m: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (n, ip) in entries {
            m.entry(n.to_ascii_lowercase()).or_default().push(*ip);
        }
        DnsMode::Zone(Arc::new(m))
    }
}

/// The answer to one query message.
pub fn answer(mode: &DnsMode, query: &Message) -> Option<Message> {
    if matches!(mode, DnsMode::Silent) {
        return None;
    }
    let mut resp = Message::new(
        query.metadata.id,
        MessageType::Response,
        query.metadata.op_code,
    );
    resp.metadata.recursion_desired = query.metadata.recursion_desired;
    resp.metadata.recursion_available = true;
    let q = query.queries.first()?.clone();
    let name = q
        .name()
        .to_ascii()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    resp.add_query(q.clone());
    let addrs: Vec<IpAddr> = match mode {
        DnsMode::Zone(z) => match z.get(&name) {
            Some(a) => a.clone(),
            None => {
                resp.metadata.response_code = ResponseCode::NXDomain;
                return Some(resp);
            }
        },
        DnsMode::Hijack(a) => a.clone(),
        DnsMode::Rcode(rc) => {
            resp.metadata.response_code = *rc;
            return Some(resp);
        }
        DnsMode::Silent => return None,
    };
    for ip in addrs {
        let rdata = match (ip, q.query_type()) {
            (IpAddr::V4(v4), RecordType::A) => RData::A(A(v4)),
            (IpAddr::V6(v6), RecordType::AAAA) => RData::AAAA(AAAA(v6)),
            _ => continue,
        };
        resp.add_answer(Record::from_rdata(q.name().clone(), 60, rdata));
    }
    Some(resp)
}

/// Starts the server on a fresh loopback address; UDP and TCP share the port.
pub fn start(lab: &Lab, mode: DnsMode) -> SocketAddr {
    start_at(lab, None, mode)
}

/// Like [`start`], bound at `at` (port 0 = any; e.g. `10.0.0.53:53` inside a network
/// namespace: the sockets are created on the calling thread, in its namespace).
pub fn start_at(lab: &Lab, at: Option<SocketAddr>, mode: DnsMode) -> SocketAddr {
    let (udp, tcp) = loop {
        let u =
            std::net::UdpSocket::bind(at.unwrap_or_else(|| SocketAddr::new(lab.ip(), 0))).unwrap();
        let a = u.local_addr().unwrap();
        if let Ok(t) = std::net::TcpListener::bind(a) {
            break (u, t);
        }
    };
    let addr = udp.local_addr().unwrap();
    udp.set_nonblocking(true).unwrap();
    tcp.set_nonblocking(true).unwrap();
    let m = mode.clone();
    lab.spawn(async move {
        let sock = tokio::net::UdpSocket::from_std(udp).unwrap();
        let mut buf = vec![0u8; 4096];
        loop {
            let Ok((n, from)) = sock.recv_from(&mut buf).await else {
                continue;
            };
            let Ok(q) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            if let Some(r) = answer(&m, &q) {
                if let Ok(bytes) = r.to_vec() {
                    let _ = sock.send_to(&bytes, from).await;
                }
            }
        }
    });
    lab.spawn(async move {
        let l = tokio::net::TcpListener::from_std(tcp).unwrap();
        while let Ok((mut s, _)) = l.accept().await {
            let m = mode.clone();
            tokio::spawn(async move {
                loop {
                    let Ok(len) = s.read_u16().await else { return };
                    let mut b = vec![0u8; len as usize];
                    if s.read_exact(&mut b).await.is_err() {
                        return;
                    }
                    let Ok(q) = Message::from_vec(&b) else { return };
                    match answer(&m, &q).and_then(|r| r.to_vec().ok()) {
                        Some(bytes) => {
                            let mut out = (bytes.len() as u16).to_be_bytes().to_vec();
                            out.extend_from_slice(&bytes);
                            if s.write_all(&out).await.is_err() {
                                return;
                            }
                        }
                        // Silent: hold the connection open without answering.
                        None => {
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                            return;
                        }
                    }
                }
            });
        }
    });
    addr
}
