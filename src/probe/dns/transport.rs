//! Asking one server: a query over UDP (retried over TCP when truncated, as Go does) or over
//! TCP, each failure worded as Go words it.

use crate::vocab::goerr;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::Message;
use hickory_resolver::proto::rr::RecordType;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::facts::{DnsClass, DnsTransport, ResolverAnswer, ResolverKind};
use super::wire::{build_query, merge, Exchange};
use crate::probe::pace::{self, Step};

fn io_class(e: &std::io::Error) -> DnsClass {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused | ConnectionReset | HostUnreachable | NetworkUnreachable
        | AddrNotAvailable => DnsClass::Unreachable,
        TimedOut => DnsClass::Timeout,
        _ => DnsClass::Error,
    }
}

async fn exchange_udp(
    label: &str,
    server: SocketAddr,
    query: &Message,
    rtype: RecordType,
    budget: Duration,
) -> Exchange {
    let bind: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0".parse().unwrap()
    } else {
        "[::]:0".parse().unwrap()
    };
    let sock = match tokio::net::UdpSocket::bind(bind).await {
        Ok(s) => s,
        Err(e) => {
            return Exchange::failed(
                io_class(&e),
                e.to_string(),
                goerr::dial("udp", server, goerr::os_error_text(&e)),
            )
        }
    };
    if let Err(e) = sock.connect(server).await {
        return Exchange::failed(
            io_class(&e),
            e.to_string(),
            goerr::dial("udp", server, goerr::connect_text(&e)),
        );
    }
    let local = sock.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let Ok(bytes) = query.to_vec() else {
        return Exchange::failed(
            DnsClass::Error,
            "cannot encode query".into(),
            "cannot marshal DNS message".into(),
        );
    };
    let id = query.metadata.id;
    let work = async {
        sock.send(&bytes).await?;
        let mut buf = vec![0u8; 4096];
        loop {
            let n = sock.recv(&mut buf).await?;
            // Ignore stray datagrams with another id, as resolvers do.
            if let Ok(m) = Message::from_vec(&buf[..n]) {
                if m.metadata.id == id {
                    return Ok::<Message, std::io::Error>(m);
                }
            }
        }
    };
    let asked = tokio::time::Instant::now();
    let r = pace::bounded(Step::Dns, || format!("{label} {server}"), budget, work).await;
    if let Some(Ok(_)) = &r {
        pace::answered(|| format!("{label} {server}"), asked.elapsed());
    }
    match r {
        None => Exchange::failed(
            DnsClass::Timeout,
            format!("no answer within {:?}", asked.elapsed()),
            goerr::read("udp", &local, server, goerr::IO_TIMEOUT),
        ),
        Some(Err(e)) => Exchange::failed(
            io_class(&e),
            e.to_string(),
            goerr::read("udp", &local, server, goerr::read_text(&e)),
        ),
        Some(Ok(m)) => Exchange::from_message(&m, rtype),
    }
}

async fn exchange_tcp(
    label: &str,
    server: SocketAddr,
    query: &Message,
    rtype: RecordType,
    budget: Duration,
) -> Exchange {
    let Ok(bytes) = query.to_vec() else {
        return Exchange::failed(
            DnsClass::Error,
            "cannot encode query".into(),
            "cannot marshal DNS message".into(),
        );
    };
    let start = tokio::time::Instant::now();
    let connect = tokio::net::TcpStream::connect(server);
    let what = || format!("{label} {server} (TCP)");
    let stream = match pace::bounded(Step::Dial, what, budget, connect).await {
        None => {
            return Exchange::failed(
                DnsClass::Timeout,
                format!("connect timed out after {:?}", start.elapsed()),
                goerr::dial("tcp", server, goerr::IO_TIMEOUT),
            )
        }
        Some(Err(e)) => {
            return Exchange::failed(
                io_class(&e),
                e.to_string(),
                goerr::dial("tcp", server, goerr::connect_text(&e)),
            )
        }
        Some(Ok(s)) => s,
    };
    let local = stream
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let rest = budget.saturating_sub(start.elapsed());
    let mut stream = stream;
    let work = async {
        let mut framed = Vec::with_capacity(bytes.len() + 2);
        framed.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
        framed.extend_from_slice(&bytes);
        stream.write_all(&framed).await?;
        let len = stream.read_u16().await? as usize;
        let mut buf = vec![0u8; len];
        stream.read_exact(&mut buf).await?;
        Message::from_vec(&buf)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
    };
    let asked = tokio::time::Instant::now();
    let r = pace::bounded(Step::Dns, || format!("{label} {server} (TCP)"), rest, work).await;
    if let Some(Ok(_)) = &r {
        pace::answered(|| format!("{label} {server}"), asked.elapsed());
    }
    match r {
        None => Exchange::failed(
            DnsClass::Timeout,
            format!("no answer within {:?}", asked.elapsed()),
            goerr::read("tcp", &local, server, goerr::IO_TIMEOUT),
        ),
        Some(Err(e)) => Exchange::failed(
            io_class(&e),
            e.to_string(),
            goerr::read("tcp", &local, server, goerr::os_error_text(&e)),
        ),
        Some(Ok(m)) => Exchange::from_message(&m, rtype),
    }
}

/// One query over UDP (retried over TCP when truncated, as Go does) or over TCP.
async fn exchange(
    label: &str,
    server: SocketAddr,
    name: &str,
    rtype: RecordType,
    tcp: bool,
    budget: Duration,
) -> Exchange {
    let query = match build_query(name, rtype) {
        Ok(q) => q,
        Err(e) => return Exchange::failed(DnsClass::Error, e.clone(), e),
    };
    let start = tokio::time::Instant::now();
    if tcp {
        return exchange_tcp(label, server, &query, rtype, budget).await;
    }
    let r = exchange_udp(label, server, &query, rtype, budget).await;
    if r.truncated {
        return exchange_tcp(
            label,
            server,
            &query,
            rtype,
            budget.saturating_sub(start.elapsed()),
        )
        .await;
    }
    r
}

/// Asks one server for A and AAAA (concurrently), over UDP or TCP.
pub async fn ask_server(
    resolver: ResolverKind,
    server: SocketAddr,
    name: &str,
    tcp: bool,
    budget: Duration,
) -> ResolverAnswer {
    let start = Instant::now();
    let label = match resolver {
        ResolverKind::System => "the system resolver",
        ResolverKind::Public => "the public resolver",
        _ => "the resolver",
    };
    let (a, aaaa) = tokio::join!(
        exchange(label, server, name, RecordType::A, tcp, budget),
        exchange(label, server, name, RecordType::AAAA, tcp, budget)
    );
    let transport = if tcp {
        DnsTransport::Tcp
    } else {
        DnsTransport::Udp
    };
    merge(
        resolver,
        server.to_string(),
        transport,
        name,
        a,
        aaaa,
        start.elapsed(),
    )
}
