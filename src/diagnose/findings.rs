//! Everything true and worth telling that is not the cause: slow and stale mirrors, a
//! blocked public resolver, configuration warnings, a system proxy Go ignores.

use super::*;

/// The entry (URL base) of a GOPROXY request URL: the part before `/<escaped module>/@`.
pub(super) fn split_proxy_url<'u>(url: &'u str, module_path: &str) -> Option<(&'u str, &'u str)> {
    let esc = crate::vocab::module::escape_path(module_path).ok()?;
    let needle = format!("/{esc}/@");
    let i = url.find(&needle)?;
    Some((&url[..i], &url[i..]))
}

/// Another source observed answering the same module request with 200: (base, elapsed ms).
pub(super) fn observed_alternatives(
    input: &Inputs,
    url: &str,
    module_path: &str,
) -> Vec<(String, u64)> {
    let Some((base, suffix)) = split_proxy_url(url, module_path) else {
        return vec![];
    };
    input
        .facts
        .observations
        .http
        .iter()
        .filter(|(u, _)| u.ends_with(suffix) && u.len() > suffix.len())
        .filter_map(|(u, f)| {
            let other = &u[..u.len() - suffix.len()];
            match f {
                Fetch::Status {
                    code: 200,
                    elapsed_ms,
                    ..
                } if other != base => Some((other.to_string(), *elapsed_ms)),
                _ => None,
            }
        })
        .collect()
}

/// A served request much slower than the same request at another source that works.
pub(super) fn slow_mirror(input: &Inputs, m: &ModulePrediction) -> Option<String> {
    m.stages
        .iter()
        .flat_map(|s| s.attempts.iter())
        .find_map(|a| {
            let url = a
                .url
                .as_ref()
                .map(|u| u.expose())
                .filter(|_| a.result == AttemptResult::Ok)?;
            let took = input.facts.observations.http.get(url)?.elapsed_ms();
            let (alt, alt_ms) = observed_alternatives(input, url, &m.path)
                .into_iter()
                .min_by_key(|(_, ms)| *ms)?;
            (took >= SLOW_MS && took >= 5 * alt_ms.max(1)).then(|| {
                format!(
                    "{} took {took} ms for {}; {} answered the same request in {alt_ms} ms",
                    a.entry.masked(),
                    url.rsplit('/').next().unwrap_or(url),
                    mask_value(&alt)
                )
            })
        })
}

/// Beyond this a module request is slow enough to be worth a finding (when another source
/// is at least five times faster).
pub(super) const SLOW_MS: u64 = 2000;

/// The version list Go used lacks the newest version another source lists.
pub(super) fn stale_mirror(input: &Inputs, m: &ModulePrediction) -> Option<String> {
    let stage = m.stages.iter().find(|s| s.stage == StageName::List)?;
    let a = stage
        .attempts
        .iter()
        .find(|a| a.result == AttemptResult::Ok)?;
    let url = a.url.as_ref()?.expose();
    let list_of = |u: &str| match input.facts.observations.http.get(u) {
        Some(Fetch::Status {
            code: 200, body, ..
        }) => Some(String::from_utf8_lossy(body).to_string()),
        _ => None,
    };
    let served = list_of(url)?;
    let (base, suffix) = split_proxy_url(url, &m.path)?;
    input.facts.observations.http.keys().find_map(|u| {
        let other = u.strip_suffix(suffix).filter(|o| *o != base)?;
        let newest = crate::vocab::module::latest_from_list(&list_of(u)?)?;
        let has = served
            .lines()
            .any(|l| l.split_whitespace().next() == Some(&newest));
        (!has).then(|| {
            format!(
                "{} lists up to {} for {}, but {} already has {newest}",
                a.entry.masked(),
                crate::vocab::module::latest_from_list(&served).unwrap_or_default(),
                m.path,
                mask_value(other)
            )
        })
    })
}

/// Everything true and worth telling that is not the cause.
pub(super) fn collect_findings(input: &Inputs, d: &mut Diagnosis) {
    let mut add = |id: CauseId, detail: String| {
        if id != d.cause && !d.findings.iter().any(|f| f.id == id && f.detail == detail) {
            d.findings.push(Finding {
                id,
                detail: mask_value(&detail),
            });
        }
    };
    for w in input.warnings {
        add(w.id, w.message.clone());
    }
    for e in &input.facts.endpoints {
        for f in &e.findings {
            let product = e
                .target_tls()
                .filter(|_| *f == CauseId::TlsInterceptionTrusted)
                .and_then(|t| Some((inspection::product_of(t)?, t.anchor.clone()?)));
            add(
                *f,
                match product {
                    Some((p, anchor)) => {
                        format!("{}:{}: inspected by {} ({anchor})", e.host, e.port, p.name)
                    }
                    None => format!("{}:{}", e.host, e.port),
                },
            );
        }
    }
    for dns in &input.facts.dns {
        let public_failed =
            !dns.public.is_empty() && dns.public.iter().all(|p| p.class.is_transport_failure());
        if public_failed && dns.system.class.answered() {
            let servers: Vec<&str> = dns.public.iter().map(|p| p.server.as_str()).collect();
            add(
                CauseId::DnsPublicResolverBlocked,
                format!("{} cannot be reached from this network", servers.join(", ")),
            );
        }
    }
    for m in &input.prediction.modules {
        if let Some(detail) = slow_mirror(input, m) {
            add(CauseId::GoproxySlow, detail);
        }
        if let Some(detail) = stale_mirror(input, m) {
            add(CauseId::GoproxyStaleMirror, detail);
        }
    }
    if let Some(race) = &input.facts.mirrors {
        let configured: Vec<String> = input
            .config
            .proxy_list()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| match e {
                crate::config::ProxyEntry::Url { url, .. } => Some(url.expose().to_string()),
                _ => None,
            })
            .collect();
        for (id, detail) in crate::mirrors::rank::findings(race, &configured) {
            add(id, detail);
        }
    }
    for c in &input.facts.clock {
        if c.significant {
            add(
                CauseId::LocalClockSkew,
                format!("local clock is {:+.0} s off {}", c.skew_secs, c.source),
            );
        }
    }
    if let Some(sys) = &input.system_proxy {
        if d.cause != CauseId::ConfigSystemProxyIgnored
            && first_set(input.config, &["HTTPS_PROXY", "https_proxy"]).is_none()
        {
            add(
                CauseId::ConfigSystemProxyIgnored,
                format!(
                    "a proxy is configured in {} but Go does not read it",
                    sys.source
                ),
            );
        }
    }
    let platform = platform::platform_findings(input, d);
    let mut add = |id: CauseId, detail: String| {
        if id != d.cause && !d.findings.iter().any(|f| f.id == id && f.detail == detail) {
            d.findings.push(Finding {
                id,
                detail: mask_value(&detail),
            });
        }
    };
    for (id, detail) in platform {
        add(id, detail);
    }
    for s in &input.stale_env {
        add(
            CauseId::ConfigStaleShellEnv,
            format!(
                "{} is persisted in {} but differs in this shell",
                s.variable, s.persisted_in
            ),
        );
    }
}
