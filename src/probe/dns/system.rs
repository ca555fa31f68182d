//! The system resolver as Go's pure resolver sees it: an IP literal, the hosts file, then the
//! resolv.conf nameservers (or `--system-dns`); what the OS resolver (getaddrinfo) says; and
//! the same resolver handed to reqwest, so GETs and DoH resolve as Go would.

use crate::vocab::goerr;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::facts::{
    go_lookup_error, DnsClass, DnsRecord, DnsTransport, HostsPin, ResolverAnswer, ResolverKind,
};
use super::transport::ask_server;
use crate::probe::{hosts, ms, ProbeOptions};

/// The nameservers Go's pure resolver would ask, and where that list came from.
pub fn system_nameservers(opts: &ProbeOptions) -> (Vec<SocketAddr>, String) {
    if let Some(s) = opts.system_dns {
        return (vec![s], "--system-dns".to_string());
    }
    // Go on macOS (and iOS) resolves through the OS (cgo / libSystem) by default.
    #[cfg(all(unix, not(target_vendor = "apple")))]
    {
        let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
        let servers = parse_resolv_conf_nameservers(&text);
        if servers.is_empty() {
            // Go's default when resolv.conf lists none.
            return (
                vec!["127.0.0.1:53".parse().unwrap(), "[::1]:53".parse().unwrap()],
                "default (no nameserver in /etc/resolv.conf)".to_string(),
            );
        }
        (servers, "/etc/resolv.conf".to_string())
    }
    #[cfg(not(all(unix, not(target_vendor = "apple"))))]
    {
        (Vec::new(), "the OS resolver".to_string())
    }
}

/// The `nameserver` lines of resolv.conf (at most 3, like the C library and Go).
pub fn parse_resolv_conf_nameservers(text: &str) -> Vec<SocketAddr> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            (f.next()? == "nameserver").then_some(())?;
            let ip = f.next()?;
            let ip = ip.split('%').next()?;
            ip.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, 53))
        })
        .take(3)
        .collect()
}

/// Resolves `name` the way Go's pure resolver does: an IP literal as itself, then the hosts
/// file, then each system nameserver in turn (A and AAAA) until one gives an answer or says
/// the name does not exist. On systems without resolv.conf, the OS resolver. Once per name
/// per run (the run's [`super::cache::DnsCache`]).
pub async fn resolve_system(name: &str, opts: &ProbeOptions) -> (ResolverAnswer, Option<HostsPin>) {
    opts.dns_cache.clone().resolve(name, opts).await
}

/// [`resolve_system`] without the cache.
pub async fn resolve_uncached(
    name: &str,
    opts: &ProbeOptions,
) -> (ResolverAnswer, Option<HostsPin>) {
    let start = Instant::now();
    if let Ok(ip) = name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return (
            ResolverAnswer {
                resolver: ResolverKind::System,
                server: "literal".into(),
                transport: DnsTransport::Hosts,
                class: DnsClass::Answered,
                rcode: None,
                answers: vec![DnsRecord {
                    addr: ip,
                    ttl: None,
                }],
                time_ms: 0.0,
                error: None,
                go_error: None,
            },
            None,
        );
    }
    let path = opts.hosts_file.clone().unwrap_or_else(hosts::default_path);
    let pinned = hosts::lookup(&hosts::read(&path), name);
    if !pinned.is_empty() {
        let pin = HostsPin {
            path: path.display().to_string(),
            addrs: pinned.clone(),
        };
        return (
            ResolverAnswer {
                resolver: ResolverKind::System,
                server: path.display().to_string(),
                transport: DnsTransport::Hosts,
                class: DnsClass::Answered,
                rcode: None,
                answers: pinned
                    .into_iter()
                    .map(|addr| DnsRecord { addr, ttl: None })
                    .collect(),
                time_ms: ms(start.elapsed()),
                error: None,
                go_error: None,
            },
            Some(pin),
        );
    }
    let (servers, _source) = system_nameservers(opts);
    if servers.is_empty() {
        let mut a = lookup_os(name, opts.budget()).await;
        a.resolver = ResolverKind::System;
        return (a, None);
    }
    let mut last: Option<ResolverAnswer> = None;
    for s in servers {
        let budget = opts.budget();
        if budget.is_zero() {
            break;
        }
        let mut ans = ask_server(ResolverKind::System, s, name, false, budget).await;
        ans.time_ms = ms(start.elapsed());
        let done = matches!(
            ans.class,
            DnsClass::Answered | DnsClass::Nxdomain | DnsClass::NoRecords
        );
        last = Some(ans);
        if done {
            break;
        }
    }
    let ans = last.unwrap_or_else(|| ResolverAnswer {
        resolver: ResolverKind::System,
        server: String::new(),
        transport: DnsTransport::Udp,
        class: DnsClass::Timeout,
        rcode: None,
        answers: Vec::new(),
        time_ms: ms(start.elapsed()),
        error: Some("the run deadline passed before the lookup".into()),
        go_error: Some(goerr::lookup(name, "", goerr::IO_TIMEOUT)),
    });
    (ans, None)
}

async fn lookup_host(target: String) -> std::io::Result<std::vec::IntoIter<SocketAddr>> {
    tokio::net::lookup_host(target)
        .await
        .map(|it| it.collect::<Vec<_>>().into_iter())
}

/// What the OS resolver (getaddrinfo) says.
pub async fn lookup_os(name: &str, budget: Duration) -> ResolverAnswer {
    let start = Instant::now();
    let target = format!("{}:0", name.trim_end_matches('.'));
    // Evidence beside Go's path (Go's pure resolver does not use it): paced like every wait,
    // stated nowhere.
    let step = crate::probe::pace::Step::Dns;
    let r = crate::probe::pace::bounded(step, String::new, budget, lookup_host(target)).await;
    let (class, answers, error) = match r {
        None => (
            DnsClass::Timeout,
            Vec::new(),
            Some(format!("no answer within {budget:?}")),
        ),
        Some(Ok(it)) => {
            let mut addrs: Vec<IpAddr> = Vec::new();
            for a in it {
                if !addrs.contains(&a.ip()) {
                    addrs.push(a.ip());
                }
            }
            let class = if addrs.is_empty() {
                DnsClass::NoRecords
            } else {
                DnsClass::Answered
            };
            (
                class,
                addrs
                    .into_iter()
                    .map(|addr| DnsRecord { addr, ttl: None })
                    .collect(),
                None,
            )
        }
        Some(Err(e)) => {
            let text = e.to_string();
            let lower = text.to_ascii_lowercase();
            let class = if lower.contains("not known")
                || lower.contains("no address")
                || lower.contains("no such host")
                || lower.contains("nodename nor servname")
            {
                DnsClass::Nxdomain
            } else if lower.contains("temporary failure") || lower.contains("try again") {
                DnsClass::Timeout
            } else {
                DnsClass::Error
            };
            (class, Vec::new(), Some(text))
        }
    };
    let detail = error.clone().unwrap_or_default();
    ResolverAnswer {
        resolver: ResolverKind::Os,
        server: "getaddrinfo".into(),
        transport: DnsTransport::Os,
        class,
        rcode: None,
        answers,
        time_ms: ms(start.elapsed()),
        error,
        go_error: go_lookup_error(name, "", class, &detail),
    }
}

/// Resolves names for reqwest with the system resolver as Go sees it (so `--system-dns` and
/// the hosts file apply to GETs too).
struct GoResolver {
    opts: ProbeOptions,
}

impl reqwest::dns::Resolve for GoResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let opts = self.opts.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            // reqwest may resolve on a task of its own: the run's pace goes along.
            let pace = opts.pace.clone();
            let (a, _) = crate::probe::pace::scope(pace, resolve_system(&host, &opts)).await;
            let addrs: Vec<std::net::SocketAddr> = a
                .addrs()
                .into_iter()
                .map(|ip| std::net::SocketAddr::new(ip, 0))
                .collect();
            if addrs.is_empty() {
                return Err(a
                    .go_error
                    .unwrap_or_else(|| goerr::lookup(&host, "", goerr::NO_SUCH_HOST))
                    .into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A resolver for reqwest that resolves as Go does (hosts file, system nameservers or
/// `--system-dns`).
pub fn go_resolver(opts: &ProbeOptions) -> Arc<dyn reqwest::dns::Resolve> {
    Arc::new(GoResolver { opts: opts.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolv_conf() {
        let t = "# x\nsearch corp\nnameserver 127.0.0.53\nnameserver fe80::1%eth0\noptions edns0\nnameserver 1.1.1.1\nnameserver 8.8.8.8\n";
        let s = parse_resolv_conf_nameservers(t);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0], "127.0.0.53:53".parse().unwrap());
        assert_eq!(s[1], "[fe80::1]:53".parse().unwrap());
    }
}
