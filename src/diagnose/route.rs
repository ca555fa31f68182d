//! Causes only the route explains: a private module sent to public services, a `,` that
//! stops Go before an entry that works, whitespace in a pattern list.

use super::*;

/// Causes that only the route (GOPROXY list, GOPRIVATE) explains.
pub(super) fn refine_by_route(
    input: &Inputs,
    m: &ModulePrediction,
    cause: CauseId,
    d: &mut Diagnosis,
) -> CauseId {
    let cfg = input.config;
    let error = m.error_text.clone().unwrap_or_default();
    if error.contains("module lookup disabled by GOPROXY=off") {
        return CauseId::ConfigGoproxyOff;
    }
    // GOPROXY itself (the warnings use the same id for a malformed GOVCS, which does not
    // stop the proxy path).
    if let Some(w) = input
        .warnings
        .iter()
        .find(|w| w.id == CauseId::ConfigGoproxyInvalid && w.variable == "GOPROXY")
    {
        d.evidence.push(Evidence {
            fact: "GOPROXY".into(),
            observation: w.message.clone(),
        });
        return CauseId::ConfigGoproxyInvalid;
    }
    if (error.contains("GOSUMDB") || cause == CauseId::ConfigGosumdbInvalid)
        && input
            .warnings
            .iter()
            .any(|w| w.id == CauseId::ConfigGosumdbInvalid)
    {
        return CauseId::ConfigGosumdbInvalid;
    }

    // `,` stopped Go at a network error although a later entry serves the module.
    if let Some(mirror) = comma_blocked_by(input, m, cause) {
        d.evidence.push(Evidence {
            fact: format!("GOPROXY later entry {}", mask_value(&mirror)),
            observation:
                "serves the module, but Go never reaches it: the entry before it is followed by `,`"
                    .into(),
        });
        d.fix_values.set("mirror", mask_value(&mirror));
        // The working mirror first; the others keep their order behind it.
        let rest: Vec<&str> = cfg
            .get("GOPROXY")
            .split([',', '|'])
            .map(str::trim)
            .filter(|e| !e.is_empty() && e.trim_end_matches('/') != mirror.trim_end_matches('/'))
            .collect();
        d.fix_values.set(
            "goproxy_new",
            mask_value(&format!("{mirror},{}", rest.join(","))),
        );
        return CauseId::ConfigCommaBlocksFallback;
    }

    // A private module sent to public services.
    let route_private =
        crate::config::pattern::match_prefix_patterns(cfg.effective_gonosumdb(), &m.path)
            || crate::config::pattern::match_prefix_patterns(cfg.effective_gonoproxy(), &m.path);
    // The user listed the module in a pattern variable, with a space that keeps Go from
    // matching: their intent is clear whatever the public services said.
    if !route_private && is_not_found(cause) {
        if let Some((var, fixed)) = whitespace_entry_for(cfg, &m.path) {
            d.evidence.push(Evidence {
                fact: var.clone(),
                observation: format!(
                    "{:?}: an entry with a space matches {} once trimmed, but Go does not trim",
                    cfg.get(&var),
                    m.path
                ),
            });
            d.fix_values.set("var", var);
            d.fix_values.set("value", fixed);
            return CauseId::ConfigPatternWhitespace;
        }
    }
    if !route_private && looks_private(input, m, cause) {
        d.evidence.push(Evidence {
            fact: "GOPRIVATE / GONOPROXY / GONOSUMDB".into(),
            observation: format!(
                "{} matches none of them (GOPRIVATE={:?}), so Go asks the public proxy and checksum database",
                m.path,
                cfg.get("GOPRIVATE")
            ),
        });
        return CauseId::ConfigPrivateNotExcluded;
    }

    // An OS variable overriding `go env -w` on the variable that decided the route.
    for name in [
        "GOPROXY",
        "GOSUMDB",
        "GOPRIVATE",
        "GONOPROXY",
        "GONOSUMDB",
        "GOFLAGS",
        "GOINSECURE",
    ] {
        let Some(v) = cfg.value(name) else { continue };
        if v.source != Source::OsEnv || !decides_failure(name, m) {
            continue;
        }
        if let Some(sh) = v
            .shadowed
            .iter()
            .find(|s| matches!(s.source, Source::EnvFile { .. }) && s.value != v.value)
        {
            d.evidence.push(Evidence {
                fact: name.to_string(),
                observation: format!(
                    "the OS environment sets {:?}, overriding {:?} from `go env -w`",
                    v.value.masked(),
                    sh.value.masked()
                ),
            });
            d.fix_values.set("var", name);
            d.fix_values.set("value", sh.value.masked());
            return CauseId::ConfigEnvOverridesGoenv;
        }
    }
    cause
}

/// Causes where a source said the module is unknown or unreachable for it (what a private
/// module looks like from outside).
pub(super) fn is_not_found(cause: CauseId) -> bool {
    matches!(
        cause,
        CauseId::SumdbNotFound
            | CauseId::GoproxyModuleNotFound
            | CauseId::VcsAuthRequired
            | CauseId::VcsMetaMissing
    )
}

/// Whether a variable decided the failing step: GOPROXY the module requests, GOSUMDB the
/// checksum database, the pattern variables which of them the module takes.
pub(super) fn decides_failure(name: &str, m: &ModulePrediction) -> bool {
    let sumdb = failed_stage(m) == Some("sumdb");
    match name {
        "GOPROXY" => !sumdb,
        "GOSUMDB" => sumdb,
        _ => true,
    }
}

/// A GOPRIVATE/GONOPROXY/GONOSUMDB entry with whitespace that would match `path` once
/// trimmed: (variable, the list rewritten without the whitespace).
pub(super) fn whitespace_entry_for(cfg: &GoConfig, path: &str) -> Option<(String, String)> {
    ["GOPRIVATE", "GONOPROXY", "GONOSUMDB"]
        .iter()
        .find_map(|var| {
            let value = cfg.get(var);
            let hit = crate::config::pattern::whitespace_entries(value)
                .iter()
                .any(|e| crate::config::pattern::match_prefix_patterns(e.trim(), path));
            hit.then(|| (var.to_string(), private::trimmed_list(value).join(",")))
        })
}

/// The later GOPROXY entry that served the module's failing stage, when Go stopped before it
/// because of a `,`.
pub(super) fn comma_blocked_by(
    input: &Inputs,
    m: &ModulePrediction,
    cause: CauseId,
) -> Option<String> {
    if matches!(
        cause,
        CauseId::GoproxyModuleNotFound | CauseId::SumdbNotFound
    ) {
        return None;
    }
    let stage = m.stages.iter().find(|s| s.outcome == Outcome::Failed)?;
    let last = stage.attempts.last()?;
    let entries = input.proxies_asked(&m.path);
    let idx = entries.iter().position(|(base, fallback)| {
        *fallback == FallbackMode::OnNotFound && last.entry == *base
    })?;
    // Which later entry answers the same request (same path under another base)?
    let failing_url = last.url.as_ref()?.expose();
    let suffix = failing_url.strip_prefix(entries[idx].0.trim_end_matches('/'))?;
    entries[idx + 1..].iter().find_map(|(url, _)| {
        let candidate = format!("{}{}", url.trim_end_matches('/'), suffix);
        match input.facts.observations.http.get(&candidate) {
            Some(Fetch::Status { code: 200, .. }) => Some(url.to_string()),
            _ => None,
        }
    })
}

/// "The module is private": the public services say not found, direct mode needs
/// credentials, or its host is internal.
pub(super) fn looks_private(input: &Inputs, m: &ModulePrediction, cause: CauseId) -> bool {
    let host = m.path.split('/').next().unwrap_or("");
    // An internal name (internal or reserved top-level domain, internal label, company
    // code server): plan/private.rs, the same rule `env` uses.
    let internal_tld = private::internal_host(host).is_some();
    let public_nx = input
        .facts
        .dns_for(host)
        .is_some_and(|dns| dns.system.class.answered() && public_says_nxdomain(dns));
    // What the public services said about the module: they could not reach its source.
    let public_says_unreachable = m
        .error_text
        .as_deref()
        .is_some_and(|e| PUBLIC_CANNOT_REACH.iter().any(|p| e.contains(p)))
        || input.facts.observations.http.iter().any(|(u, f)| {
            let public = u.starts_with("https://proxy.golang.org/")
                || u.starts_with("https://sum.golang.org/");
            let about_module = crate::vocab::module::escape_path(&m.path)
                .is_ok_and(|e| u.contains(&format!("/{e}/@")) || u.contains(&format!("/{e}@")));
            matches!(f, Fetch::Status { code: 404 | 410, body, .. }
                if public && about_module
                    && PUBLIC_CANNOT_REACH.iter().any(|p| String::from_utf8_lossy(body).contains(p)))
        });
    // Served by the company's own mirror in the same domain (athens.corp.example serving
    // git.corp.example/...): an internal module.
    let domain = |h: &str| {
        let labels: Vec<&str> = h.rsplit('.').take(2).collect();
        (labels.len() == 2).then(|| format!("{}.{}", labels[1], labels[0]).to_ascii_lowercase())
    };
    let same_domain_mirror = domain(host).is_some_and(|dom| {
        input.proxies_asked(&m.path).iter().any(|(base, _)| {
            url::Url::parse(base)
                .ok()
                .and_then(|u| u.host_str().and_then(domain))
                .is_some_and(|d| d == dom)
        })
    });
    match cause {
        CauseId::SumdbNotFound => {
            internal_tld || public_nx || public_says_unreachable || same_domain_mirror
        }
        // Only a module Go sent to a module proxy first can be "not excluded": with
        // GOPROXY=direct nothing public was asked.
        CauseId::GoproxyModuleNotFound | CauseId::VcsAuthRequired | CauseId::VcsMetaMissing
            if m.stages
                .iter()
                .flat_map(|s| &s.attempts)
                .any(|a| a.url.is_some()) =>
        {
            internal_tld
                || public_nx
                || input
                    .facts
                    .observations
                    .direct
                    .get(&m.path)
                    .is_some_and(|o| o.class == CauseId::VcsAuthRequired)
        }
        _ => false,
    }
}

/// Texts in a public proxy's or checksum database's "not found" that mean it could not
/// reach the module's source (private host or repository), not that the version is missing.
pub(super) const PUBLIC_CANNOT_REACH: &[&str] = &[
    "unrecognized import path",
    "no such host",
    "could not read Username",
    "terminal prompts disabled",
    "Repository not found",
];
