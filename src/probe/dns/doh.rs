//! DNS-over-HTTPS (RFC 8484, POST), with the HTTP client cmd/go would build.

use std::time::Instant;

use hickory_resolver::proto::op::Message;
use hickory_resolver::proto::rr::RecordType;

use super::facts::{DnsClass, DnsTransport, ResolverAnswer, ResolverKind};
use super::wire::{build_query, merge, Exchange};
use crate::probe::{bounded, client, ProbeOptions};

/// Asks a DNS-over-HTTPS resolver (RFC 8484, POST) for A and AAAA.
pub async fn ask_doh(url: &url::Url, name: &str, opts: &ProbeOptions) -> ResolverAnswer {
    let budget = opts.budget();
    let start = Instant::now();
    let client = match client::base_client_builder(budget).and_then(|b| {
        b.no_proxy()
            .dns_resolver(super::system::go_resolver(opts))
            .build()
            .map_err(|e| e.to_string())
    }) {
        Ok(c) => c,
        Err(e) => {
            return ResolverAnswer {
                resolver: ResolverKind::Doh,
                server: url.to_string(),
                transport: DnsTransport::Https,
                class: DnsClass::Error,
                rcode: None,
                answers: Vec::new(),
                time_ms: 0.0,
                error: Some(e),
                go_error: None,
            }
        }
    };
    let one = |rtype: RecordType| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let q = match build_query(name, rtype)
                .and_then(|q| q.to_vec().map_err(|e| e.to_string()))
            {
                Ok(q) => q,
                Err(e) => return Exchange::failed(DnsClass::Error, e.clone(), e),
            };
            let resp = client
                .post(url)
                .header("content-type", "application/dns-message")
                .header("accept", "application/dns-message")
                .body(q)
                .send()
                .await;
            match resp {
                Err(e) => {
                    let class = if e.is_timeout() {
                        DnsClass::Timeout
                    } else {
                        DnsClass::Unreachable
                    };
                    let t = client::error_chain(&e);
                    Exchange::failed(class, t.clone(), t)
                }
                Ok(r) if !r.status().is_success() => {
                    let t = format!("HTTP {}", r.status());
                    Exchange::failed(DnsClass::Error, t.clone(), t)
                }
                Ok(r) => match r.bytes().await {
                    Ok(b) => match Message::from_vec(&b) {
                        Ok(m) => Exchange::from_message(&m, rtype),
                        Err(e) => Exchange::failed(DnsClass::Error, e.to_string(), e.to_string()),
                    },
                    Err(e) => Exchange::failed(DnsClass::Error, e.to_string(), e.to_string()),
                },
            }
        }
    };
    let work = async { tokio::join!(one(RecordType::A), one(RecordType::AAAA)) };
    let (a, aaaa) = match bounded(budget, work).await {
        Some(x) => x,
        None => {
            let t = format!("no answer within {budget:?}");
            (
                Exchange::failed(DnsClass::Timeout, t.clone(), t.clone()),
                Exchange::failed(DnsClass::Timeout, t.clone(), t),
            )
        }
    };
    merge(
        ResolverKind::Doh,
        url.to_string(),
        DnsTransport::Https,
        name,
        a,
        aaaa,
        start.elapsed(),
    )
}
