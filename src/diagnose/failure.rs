//! The cause on Go's path: the attempt whose error Go reports, then the refinements in order
//! (network facts, configuration, route, evidence) and the values its fix needs.

use super::*;

/// The attempt whose error Go reports for the module: the failed stage's attempt carrying the
/// stage's error (Go's ranking already chose it), else that stage's last error.
pub(super) fn deciding_attempt(m: &ModulePrediction) -> Option<&Attempt> {
    let stage = m.stages.iter().find(|s| s.outcome == Outcome::Failed)?;
    let by_error = stage.error.as_ref().and_then(|e| {
        stage.attempts.iter().find(|a| {
            a.error
                .as_ref()
                .is_some_and(|ae| e.contains(ae.as_str()) || ae.contains(e.as_str()))
        })
    });
    by_error.or_else(|| {
        stage
            .attempts
            .iter()
            .rev()
            .find(|a| a.result != AttemptResult::Ok)
    })
}

pub(super) fn diagnose_failure(input: &Inputs, m: &ModulePrediction, d: &mut Diagnosis) {
    let cfg = input.config;
    let module = module_label(m);
    d.module = Some(module.clone());
    d.fix_values.set("module", &module);
    d.fix_values.set("module_path", &m.path);
    d.fix_values
        .set("pattern", private::suggested_pattern(&m.path));
    d.fix_values.set(
        "goprivate_new",
        private::covering(cfg.get("GOPRIVATE"), &m.path),
    );
    d.fix_values.set(
        "gonosumdb_new",
        private::covering(cfg.get("GONOSUMDB"), &m.path),
    );

    let attempt = deciding_attempt(m);
    let mut cause = m
        .cause
        .or_else(|| attempt.map(|a| a.class))
        .unwrap_or(CauseId::Inconclusive);
    // A server that accepts the connection but never sends a response: Go has no timeout
    // there and hangs. On the way to the checksum database that is an unreachable database;
    // anywhere else a stalled module proxy (the probes' class for such a server).
    if cause == CauseId::GoproxySlow {
        let stalled_at_sumdb = m
            .stages
            .iter()
            .any(|s| s.outcome == Outcome::Failed && s.stage == StageName::Sumdb);
        cause = if stalled_at_sumdb {
            CauseId::SumdbUnreachable
        } else {
            CauseId::GoproxySlow
        };
        d.evidence.push(Evidence {
            fact: "response".into(),
            observation: "the server accepted the connection but sent no response headers; Go has no timeout here and would wait indefinitely".into(),
        });
    }
    if let Some(a) = attempt {
        d.evidence.push(Evidence {
            fact: match &a.url {
                Some(u) => format!("GET {u}"),
                None => format!("{} ({})", a.entry.masked(), module),
            },
            observation: mask_value(a.error.as_deref().unwrap_or(a.result.as_str())),
        });
        if !a.why.is_empty() {
            d.evidence.push(Evidence {
                fact: format!("GOPROXY entry {}", a.entry.masked()),
                observation: a.why.clone(),
            });
        }
    }
    // Direct mode ran ssh in batch mode: whether a passphrase question was skipped.
    if let Some(note) = input
        .facts
        .observations
        .direct
        .get(&m.path)
        .and_then(|o| crate::modfetch::sshkeys::note_in(&o.detail))
    {
        d.evidence.push(Evidence {
            fact: "ssh key".into(),
            observation: mask_value(note),
        });
    }

    // The network chain behind the failing URL, and what the resolvers said of its host.
    let url = attempt
        .and_then(|a| a.url.as_ref())
        .map(|u| u.expose().to_string());
    let endpoint = url.as_deref().and_then(|u| input.facts.endpoint_for(u));
    let host = url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_string));
    if let Some(h) = &host {
        d.fix_values.set("host", h);
    }
    if let Some(e) = endpoint {
        add_endpoint_evidence(e, d);
        if let Some(c) = e.failure.as_ref().and_then(|f| f.cause) {
            cause = c;
        }
    }
    let dns = host.as_deref().and_then(|h| input.facts.dns_for(h));
    if let Some(dns) = dns {
        add_dns_evidence(dns, d);
    }
    if is_network_cause(cause) {
        cause = refine_network(cause, endpoint, dns, host.as_deref(), d);
        cause = explain_by_configuration(input, cause, url.as_deref(), endpoint, d);
    }
    cause = refine_by_route(input, m, cause, d);
    cause = refine_by_evidence(input, m, cause, endpoint, url.as_deref(), d);
    fill_fix_values(input, m, cause, endpoint, dns, url.as_deref(), d);
    if cause.area() == Area::Proxy {
        if let Some(given) = proxy_as_given(d) {
            d.fix_values.set("proxy_given", given);
        }
    }
    if cause == CauseId::Inconclusive && d.fix_values.get("detail").is_none() {
        d.fix_values.set("detail", &module);
    }
    d.summary = summary_for(cause, &module, host.as_deref(), d);
    d.cause = cause;
}

/// The stage of the module's download that failed (`info`, `list`, `mod`, `sumdb`, `zip`).
pub(super) fn failed_stage(m: &ModulePrediction) -> Option<&str> {
    m.stages
        .iter()
        .find(|s| s.outcome == Outcome::Failed)
        .map(|s| s.stage.as_str())
}

pub(super) fn is_network_cause(id: CauseId) -> bool {
    matches!(id.area(), Area::Dns | Area::Tcp | Area::Tls | Area::Proxy)
}

pub(super) fn first_set(cfg: &GoConfig, names: &[&str]) -> Option<String> {
    names
        .iter()
        .map(|n| cfg.get(n))
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

pub(super) fn is_proxy_var(name: &str) -> bool {
    matches!(
        name.to_ascii_uppercase().as_str(),
        "HTTPS_PROXY" | "HTTP_PROXY"
    )
}

pub(super) fn is_loopback_host(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
