//! Facts beside Go's own path that settle a cause (the clock behind an "expired"
//! certificate, an error page, an unreachable checksum database), and the evidence lines
//! the network chain and the resolvers give.

use super::*;

/// Causes that facts beside Go's own path settle: the clock behind a certificate "expiry",
/// what an error page really is, and a checksum database that cannot be reached.
pub(super) fn refine_by_evidence(
    input: &Inputs,
    m: &ModulePrediction,
    cause: CauseId,
    endpoint: Option<&EndpointFacts>,
    url: Option<&str>,
    d: &mut Diagnosis,
) -> CauseId {
    // A certificate is "expired" (or "not yet valid") because the local clock is off: the
    // clock is what to fix, not the server.
    if matches!(cause, CauseId::TlsExpired | CauseId::TlsNotYetValid) {
        let ahead = cause == CauseId::TlsExpired;
        if let Some(c) = input
            .facts
            .clock
            .iter()
            .find(|c| c.significant && (c.skew_secs > 0.0) == ahead)
        {
            d.evidence.push(Evidence {
                fact: format!("clock compared with {}", c.source.masked()),
                observation: format!(
                    "local time {} vs server time {}: {:+.0} s",
                    c.local_time, c.server_date, c.skew_secs
                ),
            });
            d.fix_values.set("value", human_skew(c.skew_secs));
            d.fix_values
                .set("skew_secs", format!("{:+.0}", c.skew_secs));
            return CauseId::LocalClockSkew;
        }
    }
    // An HTML body on a 5xx/429 is a server's error page, not a login page.
    if cause == CauseId::GoproxyCaptivePortal {
        if let Some(Fetch::Status { code, .. }) =
            url.and_then(|u| input.facts.observations.http.get(u))
        {
            if *code == 429 || *code >= 500 {
                return CauseId::GoproxyHttpError;
            }
        }
    }
    // The route to the checksum database fails at the network level: the fix is another
    // route to the same database (GOSUMDB mirror, a proxy that serves /sumdb), whatever the
    // transport detail (kept in the evidence).
    let transport = cause.area() == Area::Tcp
        || matches!(
            cause,
            CauseId::TlsResetDuringHandshake
                | CauseId::TlsHandshakeTimeout
                | CauseId::DnsNoResolution
                | CauseId::DnsNxdomainFiltered
        );
    if failed_stage(m) == Some("sumdb") && transport && endpoint.is_none_or(|e| e.proxy.is_none()) {
        return CauseId::SumdbUnreachable;
    }
    cause
}

pub(super) fn add_endpoint_evidence(e: &EndpointFacts, d: &mut Diagnosis) {
    let route = if e.route == "direct" {
        "direct".to_string()
    } else {
        format!("via {}", e.route.masked())
    };
    let observation = match &e.failure {
        // Go's text as Go prints it: only the stage's name is lower-cased.
        Some(f) => format!(
            "{} failed ({}): {}",
            format!("{:?}", f.stage).to_lowercase(),
            f.class,
            mask_value(&f.go_error)
        ),
        None => format!("reachable in {:.0} ms", e.time_ms),
    };
    d.evidence.push(Evidence {
        fact: format!("{}:{} {}", e.host, e.port, route),
        observation,
    });
    // What the proxy itself answered to CONNECT (the schemes it offers decide the fix).
    if let Some(c) = e.proxy.as_ref().and_then(|p| p.connect.as_ref()) {
        let mut observation = c.status_line.clone();
        if !c.auth_schemes.is_empty() {
            observation.push_str(&format!(
                "; Proxy-Authenticate: {}",
                c.auth_schemes.join(", ")
            ));
        }
        d.evidence.push(Evidence {
            fact: format!("CONNECT {}:{} via {}", e.host, e.port, e.route.masked()),
            observation: mask_value(&observation),
        });
    }
    if let Some(t) = e.target_tls() {
        if let Some(m) = &t.missing_issuer {
            d.evidence.push(Evidence {
                fact: format!("certificate chain from {}", e.host),
                observation: mask_value(&format!(
                    "{}, not its issuer {}, which its CA publishes at {} (browsers download it, Go does not)",
                    match t.chain.len() {
                        1 => "only the server's own certificate was sent".to_string(),
                        n => format!("{n} certificates were sent"),
                    },
                    m.name,
                    m.ca_issuers.join(", ")
                )),
            });
        }
    }
}

pub(super) fn add_dns_evidence(dns: &DnsFacts, d: &mut Diagnosis) {
    let describe = |a: &crate::probe::dns::ResolverAnswer| -> String {
        if a.class.answered() {
            let addrs: Vec<String> = a.addrs().iter().map(|ip| ip.to_string()).collect();
            format!("{} ({:.0} ms)", addrs.join(", "), a.time_ms)
        } else {
            format!("{:?} ({:.0} ms)", a.class, a.time_ms).to_lowercase()
        }
    };
    d.evidence.push(Evidence {
        fact: format!("system resolver {} for {}", dns.system.server, dns.name),
        observation: describe(&dns.system),
    });
    if let Some(h) = &dns.hosts {
        let addrs: Vec<String> = h.addrs.iter().map(|ip| ip.to_string()).collect();
        d.evidence.push(Evidence {
            fact: format!("hosts file {}", h.path),
            observation: format!("pins {} to {}", dns.name, addrs.join(", ")),
        });
    }
    for p in &dns.public {
        d.evidence.push(Evidence {
            fact: format!(
                "public resolver {} ({}) for {}",
                p.server,
                format!("{:?}", p.transport).to_lowercase(),
                dns.name
            ),
            observation: describe(p),
        });
    }
}
