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
        let conf = read_resolv_conf();
        if !conf.servers_listed {
            return (
                conf.servers,
                "default (no nameserver in /etc/resolv.conf)".to_string(),
            );
        }
        (conf.servers, "/etc/resolv.conf".to_string())
    }
    #[cfg(not(all(unix, not(target_vendor = "apple"))))]
    {
        (Vec::new(), "the OS resolver".to_string())
    }
}

/// Go's default when resolv.conf lists no nameserver (net.defaultNS).
fn default_nameservers() -> Vec<SocketAddr> {
    vec![
        SocketAddr::from(([127, 0, 0, 1], 53)),
        SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 53)),
    ]
}

/// resolv.conf as Go's pure resolver reads it (net/dnsconfig_unix.go, dnsReadConfig): its
/// nameservers, search list and the options that decide how long Go waits for a silent one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvConf {
    /// At most 3 (Go's and the C library's limit); Go's defaults when none is listed.
    pub servers: Vec<SocketAddr>,
    /// Whether the file listed any (false: [`ResolvConf::servers`] are Go's defaults).
    pub servers_listed: bool,
    /// `search` / `domain`, rooted (`corp.example.`); empty when the file sets none.
    pub search: Vec<String>,
    /// `options ndots:n` (default 1, clamped to 0..=15).
    pub ndots: u32,
    /// `options timeout:n` (default 5 s, at least 1 s): one exchange with one server.
    pub timeout: Duration,
    /// `options attempts:n` (default 2, at least 1): rounds over the server list.
    pub attempts: u32,
    /// `options rotate`: the first server asked moves on with every query.
    pub rotate: bool,
    /// `options single-request` / `single-request-reopen`: A, then AAAA.
    pub single_request: bool,
    /// `options use-vc` / `usevc` / `tcp`: every query over TCP.
    pub use_tcp: bool,
}

impl Default for ResolvConf {
    fn default() -> ResolvConf {
        ResolvConf {
            servers: default_nameservers(),
            servers_listed: false,
            search: Vec::new(),
            ndots: 1,
            timeout: crate::probe::pace::GO_DNS_TIMEOUT,
            attempts: crate::probe::pace::GO_DNS_ATTEMPTS,
            rotate: false,
            single_request: false,
            use_tcp: false,
        }
    }
}

/// Go's dtoi: the leading decimal digits (0 when there are none), capped at 0xFFFFFF.
fn go_dtoi(s: &str) -> u32 {
    let mut n: u32 = 0;
    for b in s.bytes().take_while(u8::is_ascii_digit) {
        n = n * 10 + u32::from(b - b'0');
        if n >= 0xFF_FFFF {
            return 0xFF_FFFF;
        }
    }
    n
}

fn rooted(s: &str) -> String {
    if s.ends_with('.') {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// Parses resolv.conf text as Go does (a missing file reads as empty text: Go's defaults).
pub fn parse_resolv_conf(text: &str) -> ResolvConf {
    let mut c = ResolvConf {
        servers: Vec::new(),
        ..ResolvConf::default()
    };
    for line in text.lines() {
        if line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line
            .split([' ', '\t', '\r'])
            .filter(|w| !w.is_empty())
            .collect();
        match f.as_slice() {
            ["nameserver", ip, ..] if c.servers.len() < 3 => {
                // Go keeps a zone (fe80::1%eth0); the socket address here cannot.
                if let Ok(ip) = ip.split('%').next().unwrap_or_default().parse::<IpAddr>() {
                    c.servers.push(SocketAddr::new(ip, 53));
                }
            }
            ["domain", d, ..] => c.search = vec![rooted(d)],
            ["search", rest @ ..] => {
                c.search = rest
                    .iter()
                    .map(|d| rooted(d))
                    .filter(|d| d != ".")
                    .collect();
            }
            ["options", opts @ ..] => {
                for o in opts {
                    if let Some(n) = o.strip_prefix("ndots:") {
                        c.ndots = go_dtoi(n).min(15);
                    } else if let Some(n) = o.strip_prefix("timeout:") {
                        c.timeout = Duration::from_secs(u64::from(go_dtoi(n).max(1)));
                    } else if let Some(n) = o.strip_prefix("attempts:") {
                        c.attempts = go_dtoi(n).max(1);
                    } else if *o == "rotate" {
                        c.rotate = true;
                    } else if matches!(*o, "single-request" | "single-request-reopen") {
                        c.single_request = true;
                    } else if matches!(*o, "use-vc" | "usevc" | "tcp") {
                        c.use_tcp = true;
                    }
                }
            }
            _ => {}
        }
    }
    c.servers_listed = !c.servers.is_empty();
    if !c.servers_listed {
        c.servers = default_nameservers();
    }
    c
}

impl ResolvConf {
    /// How many names Go asks for `name` (net.dnsConfig.nameList): the name itself and one per
    /// search domain; a rooted name only itself.
    pub fn names_tried(&self, name: &str) -> u32 {
        if name.ends_with('.') {
            return 1;
        }
        1 + self.search.len() as u32
    }

    /// How long Go waits for one silent resolver: every attempt is one exchange of `timeout`.
    pub fn wait_per_server(&self) -> Duration {
        self.timeout.saturating_mul(self.attempts)
    }

    /// How long Go waits before a lookup of `name` fails when every nameserver is silent:
    /// names × attempts × servers × timeout, within the dialer's 30 s (the lookup is part of
    /// the dial).
    pub fn go_wait(&self, name: &str) -> Duration {
        let servers = self.servers.len().max(1) as u32;
        self.wait_per_server()
            .saturating_mul(servers)
            .saturating_mul(self.names_tried(name))
            .min(crate::probe::pace::GO_DIAL_TIMEOUT)
    }

    /// Go's wait in words, with the options it comes from (e.g. "Go waits 2 × 5 s per
    /// resolver (resolv.conf timeout:5 attempts:2), then fails").
    pub fn go_wait_text(&self) -> String {
        let mut s = format!(
            "Go waits {} × {} s per resolver (resolv.conf timeout:{} attempts:{}",
            self.attempts,
            self.timeout.as_secs(),
            self.timeout.as_secs(),
            self.attempts
        );
        let servers = self.servers.len();
        if servers > 1 {
            s.push_str(&format!(", {servers} nameservers"));
        }
        if !self.search.is_empty() {
            // Each search domain is one more name asked (net.dnsConfig.nameList).
            s.push_str(&format!(
                ", and {} more name(s) from `search`",
                self.search.len()
            ));
        }
        s.push(')');
        let total = self
            .wait_per_server()
            .saturating_mul(servers.max(1) as u32)
            .saturating_mul(1 + self.search.len() as u32);
        if total > crate::probe::pace::GO_DIAL_TIMEOUT {
            s.push_str(", up to its 30 s dial timeout");
        }
        s.push_str(", then fails");
        s
    }
}

/// /etc/resolv.conf as Go reads it (read once per process: Go also caches it, re-reading at
/// most every 5 s); without a file, Go's defaults.
#[cfg(all(unix, not(target_vendor = "apple")))]
pub fn read_resolv_conf() -> ResolvConf {
    static CONF: std::sync::OnceLock<ResolvConf> = std::sync::OnceLock::new();
    CONF.get_or_init(|| {
        let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
        let mut c = parse_resolv_conf(&text);
        if c.search.is_empty() {
            // Go's default search list: the host name's domain (dnsDefaultSearch).
            let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
            if let Some((_, domain)) = host.trim().split_once('.') {
                if !domain.is_empty() {
                    c.search = vec![rooted(domain)];
                }
            }
        }
        c
    })
    .clone()
}

/// Elsewhere Go asks the OS; its own defaults describe the wait.
#[cfg(not(all(unix, not(target_vendor = "apple"))))]
pub fn read_resolv_conf() -> ResolvConf {
    ResolvConf::default()
}

/// The `nameserver` lines of resolv.conf (at most 3, like the C library and Go).
pub fn parse_resolv_conf_nameservers(text: &str) -> Vec<SocketAddr> {
    let c = parse_resolv_conf(text);
    if c.servers_listed {
        c.servers
    } else {
        Vec::new()
    }
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
        assert!(parse_resolv_conf_nameservers("options ndots:2\n").is_empty());
    }

    fn fixture(name: &str) -> ResolvConf {
        let path = format!("{}/fixtures/resolv/{name}", env!("CARGO_MANIFEST_DIR"));
        parse_resolv_conf(&std::fs::read_to_string(&path).expect(&path))
    }

    #[test]
    fn go_defaults_without_options() {
        let c = fixture("systemd-resolved.conf");
        assert_eq!(
            c.servers,
            vec!["127.0.0.53:53".parse::<SocketAddr>().unwrap()]
        );
        assert!(c.servers_listed);
        // `search .` is Go's "no search domain".
        assert!(c.search.is_empty());
        assert_eq!(
            (c.ndots, c.timeout, c.attempts),
            (1, Duration::from_secs(5), 2)
        );
        assert_eq!(c.go_wait("proxy.golang.org"), Duration::from_secs(10));
        assert_eq!(
            c.go_wait_text(),
            "Go waits 2 × 5 s per resolver (resolv.conf timeout:5 attempts:2), then fails"
        );
        // No file at all: Go's default servers and options.
        let empty = parse_resolv_conf("");
        assert!(!empty.servers_listed);
        assert_eq!(empty.servers.len(), 2);
        assert_eq!(empty.wait_per_server(), Duration::from_secs(10));
    }

    #[test]
    fn search_domains_multiply_the_wait_up_to_the_dial_timeout() {
        let c = fixture("kubernetes.conf");
        assert_eq!(c.ndots, 5);
        assert_eq!(
            c.search,
            [
                "default.svc.cluster.local.",
                "svc.cluster.local.",
                "cluster.local."
            ]
        );
        assert_eq!(c.names_tried("proxy.golang.org"), 4);
        assert_eq!(c.names_tried("proxy.golang.org."), 1);
        // 4 names × 2 × 5 s, cut by the 30 s dial that contains the lookup.
        assert_eq!(c.go_wait("proxy.golang.org"), Duration::from_secs(30));
        assert_eq!(c.go_wait("proxy.golang.org."), Duration::from_secs(10));
        let t = c.go_wait_text();
        assert!(t.contains("3 more name(s) from `search`"), "{t}");
        assert!(
            t.ends_with("up to its 30 s dial timeout, then fails"),
            "{t}"
        );
    }

    #[test]
    fn tuned_timeout_attempts_and_rotate() {
        let c = fixture("aws-tuned.conf");
        assert_eq!(c.servers.len(), 2);
        assert_eq!((c.timeout, c.attempts), (Duration::from_secs(1), 3));
        assert!(c.rotate && c.single_request && !c.use_tcp);
        assert_eq!(c.wait_per_server(), Duration::from_secs(3));
        // 3 attempts × 2 servers × 1 s.
        assert_eq!(c.go_wait("sum.golang.org"), Duration::from_secs(6));
        assert_eq!(
            c.go_wait_text(),
            "Go waits 3 × 1 s per resolver (resolv.conf timeout:1 attempts:3, 2 nameservers), then fails"
        );
    }

    #[test]
    fn odd_values_are_read_as_go_reads_them() {
        let c = fixture("odd-values.conf");
        // Comments skipped, tabs and CR are separators, a zone is dropped, a host name is not
        // a nameserver, and the limit is 3.
        let want: Vec<SocketAddr> = ["192.0.2.1:53", "[fe80::1]:53", "192.0.2.3:53"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(c.servers, want);
        assert_eq!(c.search, ["corp.example."]);
        // timeout:0 → 1, attempts:x → 1, ndots:99 → 15; a later `options` line wins, and a
        // huge number is capped as Go's dtoi caps it.
        assert_eq!(c.attempts, 1);
        assert_eq!(c.ndots, 15);
        assert_eq!(c.timeout, Duration::from_secs(0xFF_FFFF));
        assert!(c.use_tcp);
        assert_eq!(c.go_wait("a.example"), crate::probe::pace::GO_DIAL_TIMEOUT);
        assert_eq!(
            parse_resolv_conf("options timeout:0\n").timeout,
            Duration::from_secs(1)
        );
    }
}
