//! The system resolver held against the public ones: agreement, bogon answers, and the
//! root causes they point at. Pure.

use crate::vocab::CauseId;
use std::net::IpAddr;

use super::facts::{DnsAgreement, DnsClass, DnsFacts, ResolverAnswer, ResolverKind};

/// Why an address is not a plausible answer for a public name, if it is not.
pub fn bogon_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_unspecified() {
                Some("unspecified")
            } else if o[0] == 0 {
                Some("this_network")
            } else if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_private() {
                Some("private")
            } else if v4.is_link_local() {
                Some("link_local")
            } else if o[0] == 100 && (64..128).contains(&o[1]) {
                Some("cgnat")
            } else if v4.is_documentation() {
                Some("documentation")
            } else if o[0] == 198 && (o[1] == 18 || o[1] == 19) {
                Some("benchmarking")
            } else if v4.is_multicast() {
                Some("multicast")
            } else if v4.is_broadcast() {
                Some("broadcast")
            } else if o[0] >= 240 {
                Some("reserved")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            if let Some(v4) = v6.to_ipv4_mapped() {
                return bogon_kind(IpAddr::V4(v4));
            }
            if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_loopback() {
                Some("loopback")
            } else if (s[0] & 0xfe00) == 0xfc00 {
                Some("unique_local")
            } else if (s[0] & 0xffc0) == 0xfe80 {
                Some("link_local")
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                Some("documentation")
            } else if v6.is_multicast() {
                Some("multicast")
            } else {
                None
            }
        }
    }
}

/// Compares two address sets.
pub fn compare(system: &ResolverAnswer, public: Option<&ResolverAnswer>) -> DnsAgreement {
    let Some(public) = public else {
        return DnsAgreement::NotCompared;
    };
    match (system.class.answered(), public.class.answered()) {
        (false, false) => DnsAgreement::NoneAnswered,
        (true, false) => DnsAgreement::SystemOnly,
        (false, true) => DnsAgreement::PublicOnly,
        (true, true) => {
            let mut a = system.addrs();
            let mut b = public.addrs();
            a.sort();
            a.dedup();
            b.sort();
            b.dedup();
            if a == b {
                DnsAgreement::Same
            } else if a.iter().any(|x| b.contains(x)) {
                DnsAgreement::Overlap
            } else {
                DnsAgreement::Different
            }
        }
    }
}

/// The root-cause identifiers a set of DNS facts points at.
pub fn hints(f: &DnsFacts) -> Vec<CauseId> {
    let mut out = Vec::new();
    let public_answer = f
        .public
        .iter()
        .chain(f.doh.iter())
        .find(|a| a.class.answered());
    let public_asked = !f.public.is_empty() || f.doh.is_some();
    let all_public_unreachable = public_asked
        && f.public
            .iter()
            .chain(f.doh.iter())
            .all(|a| a.class.is_transport_failure());
    let sys = f.system.class;
    if f.hosts.is_some() {
        if matches!(f.agreement, DnsAgreement::Different) {
            out.push(CauseId::DnsHostsOverride);
        }
    } else if !sys.answered() && public_answer.is_none() {
        out.push(CauseId::DnsNoResolution);
    } else if sys.is_transport_failure() && public_answer.is_some() {
        out.push(CauseId::DnsSystemResolverDown);
    } else if matches!(sys, DnsClass::Nxdomain | DnsClass::NoRecords) && public_answer.is_some() {
        out.push(CauseId::DnsNxdomainFiltered);
    } else if matches!(f.agreement, DnsAgreement::Different)
        || (sys.answered()
            && f.bogons.iter().any(|b| b.resolver == ResolverKind::System)
            && public_answer.is_some_and(|p| p.addrs().iter().all(|a| bogon_kind(*a).is_none())))
    {
        out.push(CauseId::DnsHijacked);
    }
    if all_public_unreachable {
        out.push(CauseId::DnsPublicResolverBlocked);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::dns::facts::{DnsRecord, DnsTransport};

    #[test]
    fn bogons() {
        for (ip, kind) in [
            ("127.0.0.1", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("192.168.0.1", Some("private")),
            ("172.16.5.5", Some("private")),
            ("0.0.0.0", Some("unspecified")),
            ("100.64.1.1", Some("cgnat")),
            ("169.254.1.1", Some("link_local")),
            ("240.0.0.1", Some("reserved")),
            ("198.18.0.1", Some("benchmarking")),
            ("::", Some("unspecified")),
            ("::1", Some("loopback")),
            ("fd00::1", Some("unique_local")),
            ("::ffff:10.0.0.1", Some("private")),
            ("142.250.1.1", None),
            ("2607:f8b0::1", None),
        ] {
            assert_eq!(bogon_kind(ip.parse().unwrap()), kind, "{ip}");
        }
    }

    fn ans(class: DnsClass, addrs: &[&str]) -> ResolverAnswer {
        ResolverAnswer {
            resolver: ResolverKind::System,
            server: "s".into(),
            transport: DnsTransport::Udp,
            class,
            rcode: None,
            answers: addrs
                .iter()
                .map(|a| DnsRecord {
                    addr: a.parse().unwrap(),
                    ttl: None,
                })
                .collect(),
            time_ms: 0.0,
            error: None,
            go_error: None,
        }
    }

    #[test]
    fn comparisons() {
        use DnsClass::*;
        let a = ans(Answered, &["1.1.1.1", "2.2.2.2"]);
        assert_eq!(compare(&a, None), DnsAgreement::NotCompared);
        assert_eq!(
            compare(&a, Some(&ans(Answered, &["2.2.2.2", "1.1.1.1"]))),
            DnsAgreement::Same
        );
        assert_eq!(
            compare(&a, Some(&ans(Answered, &["2.2.2.2", "3.3.3.3"]))),
            DnsAgreement::Overlap
        );
        assert_eq!(
            compare(&a, Some(&ans(Answered, &["3.3.3.3"]))),
            DnsAgreement::Different
        );
        assert_eq!(
            compare(&a, Some(&ans(Timeout, &[]))),
            DnsAgreement::SystemOnly
        );
        assert_eq!(
            compare(&ans(Nxdomain, &[]), Some(&a)),
            DnsAgreement::PublicOnly
        );
        assert_eq!(
            compare(&ans(Nxdomain, &[]), Some(&ans(Timeout, &[]))),
            DnsAgreement::NoneAnswered
        );
    }

    #[test]
    fn hints_from_facts() {
        let mut f = DnsFacts {
            name: "x".into(),
            system: ans(DnsClass::Nxdomain, &[]),
            os: None,
            hosts: None,
            public: vec![ans(DnsClass::Answered, &["1.1.1.1"])],
            doh: None,
            agreement: DnsAgreement::PublicOnly,
            bogons: vec![],
            hints: vec![],
            time_ms: 0.0,
        };
        assert_eq!(hints(&f), vec![CauseId::DnsNxdomainFiltered]);
        f.system = ans(DnsClass::Timeout, &[]);
        assert_eq!(hints(&f), vec![CauseId::DnsSystemResolverDown]);
        f.public = vec![ans(DnsClass::Unreachable, &[])];
        assert_eq!(
            hints(&f),
            vec![CauseId::DnsNoResolution, CauseId::DnsPublicResolverBlocked]
        );
        f.system = ans(DnsClass::Answered, &["1.1.1.1"]);
        assert_eq!(hints(&f), vec![CauseId::DnsPublicResolverBlocked]);
    }
}
