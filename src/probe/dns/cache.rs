//! One system-resolver lookup per name per run: the GETs, the endpoint chains and the DNS
//! comparison all ask the same question, and a slow resolver must be waited for once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::facts::{HostsPin, ResolverAnswer};
use crate::probe::ProbeOptions;

type Lookup = (ResolverAnswer, Option<HostsPin>);

#[derive(Debug, Default)]
pub struct DnsCache {
    map: Mutex<HashMap<String, Arc<tokio::sync::OnceCell<Lookup>>>>,
}

impl DnsCache {
    /// The system resolver's answer for `name`, asked once; concurrent callers wait for the
    /// one lookup.
    pub async fn resolve(&self, name: &str, opts: &ProbeOptions) -> Lookup {
        let key = name.trim().trim_end_matches('.').to_ascii_lowercase();
        let cell = {
            let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
            m.entry(key).or_default().clone()
        };
        cell.get_or_init(|| super::system::resolve_uncached(name, opts))
            .await
            .clone()
    }

    /// How many names were looked up.
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One comparison of resolvers ([`super::probe_dns`]) per name per run: started early for
/// the names the plan already knows (the public resolvers' answers are the run's first
/// measure of the network), joined later by the names Go's walk reached.
#[derive(Debug, Default)]
pub struct ComparisonCache {
    map: Mutex<HashMap<String, Arc<tokio::sync::OnceCell<super::DnsFacts>>>>,
}

impl ComparisonCache {
    pub async fn probe(&self, name: &str, opts: &ProbeOptions) -> super::DnsFacts {
        let key = name.trim().trim_end_matches('.').to_ascii_lowercase();
        let cell = {
            let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
            m.entry(key).or_default().clone()
        };
        cell.get_or_init(|| super::probe_dns(name, opts))
            .await
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::proto::op::{Message, MessageType};
    use hickory_resolver::proto::rr::rdata::A;
    use hickory_resolver::proto::rr::{RData, Record, RecordType};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A resolver on loopback that counts the A queries it answers (every name: 127.0.0.7).
    async fn counting_resolver() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
        let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = sock.local_addr().unwrap();
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            while let Ok((n, from)) = sock.recv_from(&mut buf).await {
                let Ok(q) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let mut r = Message::new(q.metadata.id, MessageType::Response, q.metadata.op_code);
                let Some(query) = q.queries.first().cloned() else {
                    continue;
                };
                r.add_query(query.clone());
                if query.query_type() == RecordType::A {
                    c.fetch_add(1, Ordering::SeqCst);
                    let rdata = RData::A(A("127.0.0.7".parse().unwrap()));
                    r.add_answer(Record::from_rdata(query.name().clone(), 60, rdata));
                }
                let _ = sock.send_to(&r.to_vec().unwrap(), from).await;
            }
        });
        (addr, count)
    }

    #[tokio::test]
    async fn every_probe_of_a_run_shares_one_lookup_per_name() {
        let (server, count) = counting_resolver().await;
        let dir = tempfile::tempdir().unwrap();
        let hosts = dir.path().join("hosts");
        std::fs::write(&hosts, "127.0.0.1 localhost\n").unwrap();
        let mut opts = ProbeOptions::new(Duration::from_secs(5));
        opts.system_dns = Some(server);
        opts.hosts_file = Some(hosts);
        // The GET's resolver, the endpoint chain and the DNS comparison, concurrently and
        // again afterwards, for two names (one spelled with a trailing dot and capitals).
        let names = ["a.lab.test", "b.lab.test", "A.Lab.Test."];
        let lookups = names.iter().flat_map(|n| {
            let o = opts.clone();
            [n.to_string(), n.to_string()].into_iter().map(move |n| {
                let o = o.clone();
                async move { super::super::resolve_system(&n, &o).await }
            })
        });
        let results = crate::join::join_all(lookups.collect()).await;
        assert!(results
            .iter()
            .all(|(a, _)| a.addrs() == vec!["127.0.0.7".parse::<std::net::IpAddr>().unwrap()]));
        let facts = super::super::probe_dns("b.lab.test", &opts).await;
        assert_eq!(facts.system.addrs().len(), 1);
        assert_eq!(count.load(Ordering::SeqCst), 2, "one A query per name");
        assert_eq!(opts.dns_cache.len(), 2);
        // A new run (fresh options) asks again.
        let fresh = ProbeOptions {
            dns_cache: Default::default(),
            ..opts.clone()
        };
        super::super::resolve_system("a.lab.test", &fresh).await;
        assert_eq!(count.load(Ordering::SeqCst), 3);
    }
}
