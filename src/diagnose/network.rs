//! A network failure named by comparing resolvers: filtered, hijacked, resolver down,
//! pinned by the hosts file.

use super::*;

/// Public Go infrastructure: these names certainly exist, so an NXDOMAIN for them is a
/// filter, not a typo.
pub(super) const WELL_KNOWN_PUBLIC_HOSTS: &[&str] = &[
    "proxy.golang.org",
    "sum.golang.org",
    "sum.golang.google.cn",
    "goproxy.cn",
    "goproxy.io",
    "mirrors.aliyun.com",
    "golang.org",
    "go.dev",
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "gopkg.in",
    "google.golang.org",
    "go.googlesource.com",
];

pub(super) fn public_answered(dns: &DnsFacts) -> bool {
    dns.public.iter().any(|p| p.class.answered())
        || dns.doh.as_ref().is_some_and(|p| p.class.answered())
}

pub(super) fn public_says_nxdomain(dns: &DnsFacts) -> bool {
    dns.public.iter().any(|p| p.class == DnsClass::Nxdomain)
}

/// Names the DNS-level cause behind a failing chain by comparing resolvers.
pub(super) fn refine_network(
    cause: CauseId,
    endpoint: Option<&EndpointFacts>,
    dns: Option<&DnsFacts>,
    host: Option<&str>,
    d: &mut Diagnosis,
) -> CauseId {
    // Proxy legs are the proxy's business: its DNS/TCP failures are proxy.unreachable.
    if endpoint.is_some_and(|e| e.proxy.is_some()) {
        return cause;
    }
    let Some(dns) = dns else {
        return cause;
    };
    let well_known = host.is_some_and(|h| {
        WELL_KNOWN_PUBLIC_HOSTS
            .iter()
            .any(|k| h.eq_ignore_ascii_case(k))
    });
    if cause.area() == Area::Dns {
        return match dns.system.class {
            DnsClass::Nxdomain | DnsClass::NoRecords if public_answered(dns) => {
                CauseId::DnsNxdomainFiltered
            }
            DnsClass::Nxdomain | DnsClass::NoRecords
                if well_known && !public_says_nxdomain(dns) =>
            {
                d.evidence.push(Evidence {
                    fact: dns.name.clone(),
                    observation:
                        "a public Go service: it exists, so the negative answer is a filter".into(),
                });
                CauseId::DnsNxdomainFiltered
            }
            DnsClass::Timeout
            | DnsClass::Unreachable
            | DnsClass::Servfail
            | DnsClass::Refused
            | DnsClass::Error
                if public_answered(dns) =>
            {
                CauseId::DnsSystemResolverDown
            }
            _ => CauseId::DnsNoResolution,
        };
    }
    // The name resolved, but the address led to the wrong server: which answer was wrong?
    let wrong_server = matches!(
        cause,
        CauseId::TlsHostnameMismatch
            | CauseId::TlsUntrustedInterception
            | CauseId::TcpRefused
            | CauseId::TcpTimeout
            | CauseId::TcpUnreachable
            | CauseId::TlsNotTls
    );
    if wrong_server && dns.system.class.answered() {
        if dns.hosts.is_some() {
            return CauseId::DnsHostsOverride;
        }
        let differs = dns.agreement == DnsAgreement::Different;
        let sinkhole = !public_answered(dns)
            && well_known
            && dns
                .system
                .addrs()
                .iter()
                .any(|ip| ip.is_unspecified() || ip.is_loopback());
        if differs || sinkhole {
            return CauseId::DnsHijacked;
        }
    }
    cause
}
