//! DNS probes: the system resolver as Go's pure resolver sees it (hosts file, then the
//! resolv.conf nameservers, or `--system-dns`), what the OS resolver (getaddrinfo) says,
//! public resolvers over UDP and TCP, and optionally DNS-over-HTTPS; then a comparison.
//!
//! Queries are sent by hand (hickory-proto messages over tokio sockets) so that every fact is
//! tied to one server, one transport, one rcode, and one timing.
//!
//! One job per file: [`facts`] (what is recorded), [`mod@compare`] (system against public,
//! hints), [`wire`] (queries and responses), [`transport`] (UDP and TCP), [`system`] (hosts
//! file, resolv.conf, getaddrinfo), [`doh`]; this file runs them together for one name.

pub mod cache;
pub mod compare;
pub mod doh;
pub mod facts;
pub mod system;
pub mod transport;
pub mod wire;

use std::time::Instant;

pub use compare::{bogon_kind, compare, hints};
pub use doh::ask_doh;
pub use facts::*;
pub use system::{lookup_os, parse_resolv_conf_nameservers, resolve_system, system_nameservers};
pub use transport::ask_server;
pub use wire::build_query;

use super::{ms, ProbeOptions};

/// The full DNS probe for one name: every resolver at once, then the comparison.
pub async fn probe_dns(name: &str, opts: &ProbeOptions) -> DnsFacts {
    let start = Instant::now();
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let budget = opts.budget();
    let system = resolve_system(&name, opts);
    let os = async {
        if opts.system_dns.is_some() {
            None
        } else {
            Some(lookup_os(&name, budget).await)
        }
    };
    let public = crate::join::join_all(
        opts.public_dns
            .iter()
            .flat_map(|s| [(*s, false), (*s, true)])
            .map(|(s, tcp)| {
                let name = name.clone();
                async move { ask_server(ResolverKind::Public, s, &name, tcp, budget).await }
            })
            .collect(),
    );
    let doh = async {
        match &opts.doh {
            Some(u) => Some(ask_doh(u, &name, opts).await),
            None => None,
        }
    };
    let ((system, hosts), os, public, doh) = tokio::join!(system, os, public, doh);
    let reference = public
        .iter()
        .chain(doh.iter())
        .find(|a| a.class.answered())
        .or(public.first());
    let agreement = compare(&system, reference);
    let mut bogons = Vec::new();
    // Bogons matter for names answered by DNS; hosts-file pins are reported as such, and
    // local names are expected to be local.
    let local_name = name == "localhost" || name.ends_with(".localhost");
    let dns_answers = std::iter::once(&system)
        .chain(os.iter())
        .filter(|a| a.transport != DnsTransport::Hosts && hosts.is_none() && !local_name);
    for a in dns_answers {
        for r in &a.answers {
            if let Some(kind) = bogon_kind(r.addr) {
                bogons.push(Bogon {
                    resolver: a.resolver,
                    server: a.server.clone(),
                    addr: r.addr,
                    kind: kind.into(),
                });
            }
        }
    }
    let mut facts = DnsFacts {
        name,
        system,
        os,
        hosts,
        public,
        doh,
        agreement,
        bogons,
        hints: Vec::new(),
        time_ms: 0.0,
    };
    facts.hints = hints(&facts);
    facts.time_ms = ms(start.elapsed());
    facts
}
