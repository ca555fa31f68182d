//! Network probes: DNS, TCP, TLS, proxy CONNECT/SOCKS, HTTP; each independent, each with a timeout.
//!
//! Every probe returns serializable facts (with timings in milliseconds) and a classification
//! that uses Go's semantics, plus the error text Go would print. No probe panics or hangs:
//! every network step is bounded by [`ProbeOptions::budget`], the smaller of the per-probe
//! timeout and what is left of the run deadline.
//!
//! Dependent probes (DNS → TCP → TLS, or → proxy CONNECT → TLS) form a chain per endpoint
//! ([`chain::probe_endpoint`]); chains for different endpoints run concurrently.

pub mod chain;
pub mod client;
pub mod clock;
pub mod dns;
pub mod head;
pub mod hosts;
pub mod http;
pub mod local_helper;
pub mod pac;
pub mod pac_child;
pub mod pace;
pub mod progress;
pub mod proxy;
mod proxy_facts;
mod socks;
pub mod tcp;
pub mod tls;
pub mod tls_class;
pub mod trust;
pub mod x509;

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// aws-lc seeds its random generator once per process from CPU jitter entropy: tens of
/// milliseconds of CPU, under a lock every TLS handshake waits on. Left to the first handshake,
/// it stalls the run's task, and answers that arrive meanwhile are measured late (a slow
/// "round trip" that lengthens every silence cut, [`pace`]). Started when the process starts,
/// on a thread of its own; [`seed_rng`] waits for it before the probes start.
pub fn start_rng_seeding() {
    let _ = std::thread::Builder::new()
        .name("seed-rng".into())
        .spawn(seed_rng);
}

/// Seeds aws-lc's random generator, or waits until it is seeded.
pub fn seed_rng() {
    static SEEDED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    SEEDED.get_or_init(|| {
        let _ = aws_lc_rs::rand::fill(&mut [0u8; 16]);
    });
}

/// The default timeout of one probe step (a DNS exchange, a connect, a handshake).
pub const DEFAULT_PER_PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The probes' `GOMOD_DIAG_*` test hooks. They are read from the environment at the edge
/// ([`crate::commands::Ctx`]) and passed in; the probes themselves do not read the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbeHooks {
    /// `GOMOD_DIAG_HOSTS_FILE`: the hosts file the system resolver reads instead of the OS's.
    pub hosts_file: Option<std::path::PathBuf>,
    /// `GOMOD_DIAG_SYSTEM_DNS=IP[:PORT]` stands in for `--system-dns` (tests set it once for
    /// every subcommand).
    pub system_dns: Option<SocketAddr>,
}

impl ProbeHooks {
    /// The hooks as an environment lookup (`std::env::var_os` at the edge) gives them.
    pub fn from_lookup(var: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> ProbeHooks {
        ProbeHooks {
            hosts_file: var("GOMOD_DIAG_HOSTS_FILE").map(Into::into),
            system_dns: var("GOMOD_DIAG_SYSTEM_DNS")
                .and_then(|v| v.into_string().ok())
                .filter(|v| !v.trim().is_empty())
                .and_then(|v| crate::cli::parse_dns_server(&v).ok()),
        }
    }
}

/// Settings shared by all probes of one run.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Upper bound for one step (DNS exchange, TCP connect, TLS handshake, CONNECT, first byte).
    pub per_probe_timeout: Duration,
    /// The run deadline: no step waits past it.
    pub deadline: tokio::time::Instant,
    /// How long the whole run may take (what `deadline` was set from).
    pub run_timeout: Duration,
    /// Ask this server as "the system resolver" instead of the OS configuration.
    pub system_dns: Option<SocketAddr>,
    /// Public resolvers compared with the system resolver.
    pub public_dns: Vec<SocketAddr>,
    /// A DNS-over-HTTPS resolver URL, also compared.
    pub doh: Option<url::Url>,
    /// The hosts file the system resolver reads (default: the OS path; tests point it
    /// elsewhere through [`ProbeHooks`]).
    pub hosts_file: Option<std::path::PathBuf>,
    /// The answers seen in this run, which decide when a silent peer is called silent
    /// ([`pace`]); shared by every clone of these options.
    pub pace: std::sync::Arc<pace::Pace>,
    /// One system-resolver lookup per name per run, shared by every probe and GET.
    pub dns_cache: std::sync::Arc<dns::cache::DnsCache>,
}

impl ProbeOptions {
    /// Options for a run whose whole deadline is `run_timeout` from now. The per-probe
    /// timeout is [`DEFAULT_PER_PROBE_TIMEOUT`], or the run timeout when that is shorter.
    pub fn new(run_timeout: Duration) -> ProbeOptions {
        ProbeOptions {
            per_probe_timeout: DEFAULT_PER_PROBE_TIMEOUT.min(run_timeout),
            deadline: tokio::time::Instant::now() + run_timeout,
            run_timeout,
            system_dns: None,
            public_dns: Vec::new(),
            doh: None,
            hosts_file: None,
            pace: pace::Pace::new(false),
            dns_cache: Default::default(),
        }
    }

    /// Waits as long as Go would (`--patient`): no step is cut before Go's own timeout.
    pub fn patient(mut self) -> ProbeOptions {
        self.pace = pace::Pace::new(true);
        self.per_probe_timeout = pace::GO_CONNECT_TIMEOUT.min(
            self.deadline
                .saturating_duration_since(tokio::time::Instant::now()),
        );
        self
    }

    /// [`ProbeOptions::new`] with the test hooks applied (what every subcommand starts from).
    pub fn with_hooks(run_timeout: Duration, hooks: &ProbeHooks) -> ProbeOptions {
        ProbeOptions {
            system_dns: hooks.system_dns,
            hosts_file: hooks.hosts_file.clone(),
            ..ProbeOptions::new(run_timeout)
        }
    }

    /// Options for probes that only resolve (`--system-dns`) and `--timeout`.
    pub fn with_system_dns(
        arg: &crate::cli::SystemDnsArg,
        run_timeout: Duration,
        hooks: &ProbeHooks,
    ) -> ProbeOptions {
        let mut o = ProbeOptions::with_hooks(run_timeout, hooks);
        if arg.system_dns.is_some() {
            o.system_dns = arg.system_dns;
        }
        o
    }

    /// Options from the command line's DNS flags and `--timeout`.
    pub fn from_args(
        dns: &crate::cli::DnsArgs,
        run_timeout: Duration,
        hooks: &ProbeHooks,
    ) -> Result<ProbeOptions, String> {
        let mut o = ProbeOptions::with_hooks(run_timeout, hooks);
        if dns.system.system_dns.is_some() {
            o.system_dns = dns.system.system_dns;
        }
        o.public_dns = dns.public_dns.clone();
        if let Some(d) = &dns.doh {
            let u = url::Url::parse(d).map_err(|e| {
                format!("invalid --doh URL {d:?} ({e}); expected e.g. https://dns.google/dns-query")
            })?;
            if u.scheme() != "https" {
                return Err(format!(
                    "invalid --doh URL {d:?}: must start with https://, e.g. https://dns.google/dns-query"
                ));
            }
            o.doh = Some(u);
        }
        Ok(o)
    }

    /// How long the next step may take: the per-probe timeout, cut by the run deadline.
    pub fn budget(&self) -> Duration {
        self.per_probe_timeout.min(
            self.deadline
                .saturating_duration_since(tokio::time::Instant::now()),
        )
    }
}

/// How a request reaches its target: directly, or through a proxy URL
/// (http://, https://, socks5://, socks5h://, with optional user:password).
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Route {
    Direct,
    Proxy(url::Url),
}

impl std::fmt::Debug for Route {
    /// Masked: the proxy URL may carry credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Route({})", self.display())
    }
}

impl Route {
    /// `direct` or the proxy URL, credentials included (shown masked), for the facts.
    pub fn name(&self) -> crate::redact::Secret {
        match self {
            Route::Direct => "direct".into(),
            Route::Proxy(u) => u.as_str().into(),
        }
    }

    /// The route as shown in reports, credentials masked.
    pub fn display(&self) -> String {
        self.name().masked()
    }
}

impl Route {
    /// The route for a proxy as the configuration model parsed it.
    pub fn from_proxy_url(p: &crate::config::ProxyUrl) -> Result<Route, String> {
        let shown = p.redacted();
        if !p.scheme_supported() {
            return Err(format!(
                "proxy {shown}: scheme {:?} is not one Go supports (http, https, socks5, socks5h)",
                p.scheme
            ));
        }
        if p.host.is_empty() || p.port == 0 {
            return Err(format!("proxy {shown}: missing host or port"));
        }
        let mut u = url::Url::parse(&format!("{}://{}", p.scheme, p.host_port()))
            .map_err(|e| format!("proxy {shown}: {e}"))?;
        if let Some(user) = &p.username {
            let _ = u.set_username(user);
            let _ = u.set_password(p.password.as_ref().map(crate::redact::Secret::expose));
        }
        Ok(Route::Proxy(u))
    }

    /// The route for a configuration-model choice (`Error` is Go's refusal, e.g. the CGI guard).
    pub fn from_choice(c: &crate::config::ProxyChoice) -> Result<Route, String> {
        match c {
            crate::config::ProxyChoice::Direct => Ok(Route::Direct),
            crate::config::ProxyChoice::Via { proxy } => Route::from_proxy_url(proxy),
            crate::config::ProxyChoice::Error { message } => Err(message.clone()),
        }
    }

    /// A `--proxy` value, read the way Go reads proxy variables (`host:port` means http://).
    pub fn parse_proxy_arg(value: &str) -> Result<Route, String> {
        let accepted = "expected a proxy URL such as http://proxy.corp:3128, https://proxy.corp:443, socks5://127.0.0.1:1080";
        match crate::config::httpproxy::parse_proxy(value.trim(), "--proxy") {
            Ok(Some(p)) => {
                Route::from_proxy_url(&p).map_err(|e| format!("invalid --proxy: {e}; {accepted}"))
            }
            Ok(None) => Err(format!("empty --proxy; {accepted}")),
            Err(e) => Err(format!("invalid --proxy: {e}; {accepted}")),
        }
    }

    /// The route Go would take for `url` with these proxy settings (the configuration's: one
    /// source of proxy settings per run).
    pub fn for_url(env: &crate::config::ProxyEnv, url: &url::Url) -> Result<Route, String> {
        Route::from_choice(&env.proxy_for(url))
    }
}

/// Milliseconds as f64, the unit of every timing in the facts.
pub fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// Runs `fut` for at most `budget`; `None` when the time ran out.
pub async fn bounded<F: std::future::Future>(budget: Duration, fut: F) -> Option<F::Output> {
    tokio::time::timeout(budget, fut).await.ok()
}

pub use crate::join::join_all;

/// The address family of an IP, as reported in facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn of(ip: &std::net::IpAddr) -> Family {
        if ip.is_ipv4() {
            Family::Ipv4
        } else {
            Family::Ipv6
        }
    }
}

/// Splits `HOST:PORT` / `[V6]:PORT` / `HOST` (with `default_port`). The error names the
/// accepted forms.
pub fn parse_host_port(input: &str, default_port: Option<u16>) -> Result<(String, u16), String> {
    let t = input.trim();
    let accepted = if default_port.is_some() {
        "HOST[:PORT], e.g. proxy.golang.org or proxy.golang.org:443 or [2001:db8::1]:443"
    } else {
        "HOST:PORT, e.g. proxy.golang.org:443 or 10.0.0.1:3128 or [2001:db8::1]:443"
    };
    let bad = |why: &str| format!("invalid target {input:?}: {why}; expected {accepted}");
    if t.is_empty() {
        return Err(bad("empty"));
    }
    if t.contains("://") || t.contains('/') {
        return Err(bad("a URL or path is not a host"));
    }
    let (host, port) = if let Some(rest) = t.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(|| bad("missing ']'"))?;
        match after.strip_prefix(':') {
            Some(p) => (h.to_string(), Some(p)),
            None if after.is_empty() => (h.to_string(), None),
            None => return Err(bad("unexpected text after ']'")),
        }
    } else if t.matches(':').count() > 1 {
        // A bare IPv6 address without a port.
        if t.parse::<std::net::Ipv6Addr>().is_ok() {
            (t.to_string(), None)
        } else {
            return Err(bad("too many ':'"));
        }
    } else {
        match t.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (t.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err(bad("missing host"));
    }
    if host.chars().any(|c| c.is_whitespace()) {
        return Err(bad("the host contains whitespace"));
    }
    let port = match port {
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(bad(&format!("port {p:?} is not a number from 1 to 65535"))),
        },
        None => default_port.ok_or_else(|| bad("missing port"))?,
    };
    Ok((host, port))
}

/// `host:port` with IPv6 hosts in brackets, as Go's net.JoinHostPort.
pub fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_forms() {
        let ok = [
            ("a.com:443", None, ("a.com", 443)),
            ("a.com", Some(443), ("a.com", 443)),
            ("[::1]:8443", None, ("::1", 8443)),
            ("::1", Some(443), ("::1", 443)),
            ("10.0.0.1:3128", None, ("10.0.0.1", 3128)),
        ];
        for (input, def, (h, p)) in ok {
            assert_eq!(
                parse_host_port(input, def).unwrap(),
                (h.to_string(), p),
                "{input}"
            );
        }
        for (input, def) in [
            ("nohostport", None),
            ("a.com:0", None),
            ("a.com:x", None),
            (":443", None),
            ("https://a.com", Some(443)),
            ("", Some(1)),
            ("[::1", None),
        ] {
            let e = parse_host_port(input, def).unwrap_err();
            assert!(e.contains("expected"), "{input}: {e}");
        }
    }

    #[test]
    fn hooks_come_from_the_lookup_given() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert_eq!(ProbeHooks::from_lookup(&env(&[])), ProbeHooks::default());
        let blank = ProbeHooks::from_lookup(&env(&[("GOMOD_DIAG_SYSTEM_DNS", " ")]));
        assert_eq!(blank.system_dns, None);
        let h = ProbeHooks::from_lookup(&env(&[
            ("GOMOD_DIAG_SYSTEM_DNS", "127.0.0.1"),
            ("GOMOD_DIAG_HOSTS_FILE", "/tmp/hosts"),
        ]));
        assert_eq!(h.system_dns, Some("127.0.0.1:53".parse().unwrap()));
        let o = ProbeOptions::with_hooks(Duration::from_secs(3), &h);
        assert_eq!(o.system_dns, h.system_dns);
        assert_eq!(o.hosts_file, Some("/tmp/hosts".into()));
        // Without hooks, nothing stands in for the system's resolver or hosts file.
        let plain = ProbeOptions::new(Duration::from_secs(3));
        assert_eq!((plain.system_dns, plain.hosts_file), (None, None));
    }

    #[test]
    fn joins_ipv6_in_brackets() {
        assert_eq!(join_host_port("::1", 443), "[::1]:443");
        assert_eq!(join_host_port("a.b", 80), "a.b:80");
    }
}
