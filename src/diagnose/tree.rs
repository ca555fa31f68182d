//! The decision tree (pure): configuration + plan + facts + the simulation of cmd/go → one
//! primary cause, the findings, the evidence chain, and the values the fixes need.
//!
//! It follows the path Go takes: the cause is the first thing that breaks *on that path*
//! (the attempt whose error Go reports), refined with the facts around it — a DNS failure
//! becomes "filtered" or "resolver down" by comparing resolvers, a network failure on a
//! direct route becomes "HTTP_PROXY only" or "system proxy ignored" when the configuration
//! explains it. A red probe off Go's path (a blocked 8.8.8.8) is evidence or a finding, never
//! the cause.

use crate::vocab::{Area, CauseId};
use serde::{Deserialize, Serialize};

use crate::config::httpproxy::ProxyChoice;
use crate::config::warnings::ConfigWarning;
use crate::config::{FallbackMode, GoConfig, ProxyEntry, Source};
use crate::diagnose::fixes::FixValues;
use crate::facts::observed::Fetch;
use crate::facts::Facts;
use crate::plan::private;
use crate::probe::chain::EndpointFacts;
use crate::probe::dns::{DnsAgreement, DnsClass, DnsFacts};
use crate::redact::mask_value;
use crate::simulate::{Attempt, AttemptResult, ModulePrediction, Outcome, Prediction, StageName};

/// Everything the tree reads.
pub struct Inputs<'a> {
    pub config: &'a GoConfig,
    pub warnings: &'a [ConfigWarning],
    pub facts: &'a Facts,
    pub prediction: &'a Prediction,
    /// The OS proxy Go ignores, when one is configured and active: (description, the proxy
    /// URL to put in HTTPS_PROXY, the NO_PROXY value translated from the bypass list).
    pub system_proxy: Option<SystemProxyHint>,
    /// Variables whose persisted value (registry, shell profile) differs from this process.
    pub stale_env: Vec<StaleVar>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemProxyHint {
    /// Where it is configured (`Windows Internet Options`, `macOS network settings`, ...).
    pub source: String,
    /// The value for HTTPS_PROXY, when a concrete proxy is known (not PAC-only).
    pub https_proxy: Option<String>,
    pub no_proxy: Option<String>,
    pub pac_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaleVar {
    pub variable: String,
    /// Where the persisted value lives (`HKCU\Environment`, `~/.zshrc`).
    pub persisted_in: String,
    pub persisted: crate::redact::Secret,
    pub live: Option<crate::redact::Secret>,
}

/// One fact on the way to the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// What was looked at (`GOPROXY`, `GET https://...`, `dns proxy.golang.org`).
    pub fact: String,
    /// What it showed, credentials masked.
    pub observation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: CauseId,
    pub detail: String,
}

/// The verdict, language-neutral: identifiers, facts and fix values. Rendering adds titles,
/// explanations and fix commands from the catalog in the user's language and shell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// A ROOT_CAUSES.md identifier, or `ok`.
    pub cause: CauseId,
    /// One sentence with the real values, in English. The report prefers the catalog's
    /// `summary` in the user's language, filled from `fix_values`; this is its fallback.
    pub summary: String,
    /// The module the cause concerns.
    pub module: Option<String>,
    pub findings: Vec<Finding>,
    pub evidence: Vec<Evidence>,
    pub fix_values: FixValues,
    pub go_will_succeed: bool,
    pub inconclusive: bool,
    /// What Go would print.
    pub go_error: Option<String>,
}

/// Public Go infrastructure: these names certainly exist, so an NXDOMAIN for them is a
/// filter, not a typo.
const WELL_KNOWN_PUBLIC_HOSTS: &[&str] = &[
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

pub fn diagnose(input: &Inputs) -> Diagnosis {
    let mut d = Diagnosis {
        cause: CauseId::Ok,
        summary: String::new(),
        module: None,
        findings: vec![],
        evidence: vec![],
        fix_values: FixValues::new(),
        go_will_succeed: input.prediction.go_will_succeed,
        inconclusive: input.prediction.inconclusive,
        go_error: input.prediction.error_text.clone(),
    };
    let failed = input
        .prediction
        .modules
        .iter()
        .find(|m| m.outcome == Outcome::Failed);
    match failed {
        Some(m) => diagnose_failure(input, m, &mut d),
        None if input.prediction.inconclusive => {
            d.cause = CauseId::Inconclusive;
            let unchecked_git = input
                .prediction
                .missing
                .iter()
                .any(|m| m.expose().starts_with(crate::simulate::UNCHECKED_PREFIX));
            // What was not observed, language-neutral, for the catalog's summary.
            let not_observed: Vec<String> = input
                .prediction
                .missing
                .iter()
                .map(
                    |m| match m.expose().strip_prefix(crate::simulate::UNCHECKED_PREFIX) {
                        Some(what) => what
                            .strip_suffix(" (run with --vcs to check git access)")
                            .unwrap_or(what)
                            .to_string(),
                        None => format!("GET {}", m.expose()),
                    },
                )
                .collect();
            d.fix_values.set("detail", not_observed.join("; "));
            if let Some(m) = input
                .prediction
                .modules
                .iter()
                .find(|m| m.outcome == Outcome::Unknown)
            {
                d.fix_values.set("module", module_label(m));
            }
            d.summary = if unchecked_git {
                "Go's outcome depends on git access that was not checked: run with --vcs to check git access.".into()
            } else {
                "Some requests on Go's path did not finish before the deadline; no prediction is possible.".into()
            };
            for m in input
                .prediction
                .modules
                .iter()
                .filter(|m| m.outcome == Outcome::Unknown)
            {
                d.evidence.push(Evidence {
                    fact: module_label(m),
                    observation: "outcome unknown: a request on Go's path was not observed".into(),
                });
            }
            for missing in &input.prediction.missing {
                let (fact, observation) = match missing
                    .expose()
                    .strip_prefix(crate::simulate::UNCHECKED_PREFIX)
                {
                    Some(what) => (mask_value(what), "not checked (needs --vcs)".to_string()),
                    None => (format!("GET {missing}"), "not observed".to_string()),
                };
                d.evidence.push(Evidence { fact, observation });
            }
        }
        None => {
            d.cause = CauseId::Ok;
            let served: Vec<(String, String)> = input
                .prediction
                .modules
                .iter()
                .map(|m| {
                    let source = winning_entry(m).unwrap_or_else(|| "cache/direct".into());
                    (module_label(m), source)
                })
                .collect();
            let detail = served
                .iter()
                .map(|(m, s)| format!("{m} via {s}"))
                .collect::<Vec<_>>()
                .join("; ");
            let mut sources: Vec<&str> = Vec::new();
            for (_, s) in &served {
                if !sources.contains(&s.as_str()) {
                    sources.push(s);
                }
            }
            let modules: Vec<&str> = served.iter().map(|(m, _)| m.as_str()).collect();
            d.fix_values.set("module", modules.join(", "));
            d.fix_values.set("source", sources.join(", "));
            d.fix_values.set("detail", &detail);
            d.summary = format!("Go will succeed: {detail}.");
        }
    }
    collect_findings(input, &mut d);
    d
}

fn module_label(m: &ModulePrediction) -> String {
    match m.resolved_version.as_ref().or(m.version.as_ref()) {
        Some(v) => format!("{}@{}", m.path, v),
        None => m.path.clone(),
    }
}

/// Which entry served the module's first stage, for the summary.
fn winning_entry(m: &ModulePrediction) -> Option<String> {
    m.stages
        .iter()
        .flat_map(|s| s.attempts.iter())
        .find(|a| a.result == AttemptResult::Ok)
        .map(|a| a.entry.to_string())
}

/// The attempt whose error Go reports for the module: the failed stage's attempt carrying the
/// stage's error (Go's ranking already chose it), else that stage's last error.
fn deciding_attempt(m: &ModulePrediction) -> Option<&Attempt> {
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

fn diagnose_failure(input: &Inputs, m: &ModulePrediction, d: &mut Diagnosis) {
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
                None => format!("{} ({})", a.entry, module),
            },
            observation: a
                .error
                .clone()
                .unwrap_or_else(|| a.result.as_str().to_string()),
        });
        if !a.why.is_empty() {
            d.evidence.push(Evidence {
                fact: format!("GOPROXY entry {}", a.entry),
                observation: a.why.clone(),
            });
        }
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
    if cause == "inconclusive" && d.fix_values.get("detail").is_none() {
        d.fix_values.set("detail", &module);
    }
    d.summary = summary_for(cause, &module, host.as_deref(), d);
    d.cause = cause;
}

/// The stage of the module's download that failed (`info`, `list`, `mod`, `sumdb`, `zip`).
fn failed_stage(m: &ModulePrediction) -> Option<&str> {
    m.stages
        .iter()
        .find(|s| s.outcome == Outcome::Failed)
        .map(|s| s.stage.as_str())
}

/// Causes that facts beside Go's own path settle: the clock behind a certificate "expiry",
/// what an error page really is, and a checksum database that cannot be reached.
fn refine_by_evidence(
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
                fact: format!("clock compared with {}", c.source),
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

/// The entry (URL base) of a GOPROXY request URL: the part before `/<escaped module>/@`.
fn split_proxy_url<'u>(url: &'u str, module_path: &str) -> Option<(&'u str, &'u str)> {
    let esc = crate::vocab::module::escape_path(module_path).ok()?;
    let needle = format!("/{esc}/@");
    let i = url.find(&needle)?;
    Some((&url[..i], &url[i..]))
}

/// Another source observed answering the same module request with 200: (base, elapsed ms).
fn observed_alternatives(input: &Inputs, url: &str, module_path: &str) -> Vec<(String, u64)> {
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

/// GOPROXY without `off` entries; the default when nothing is left.
fn goproxy_without_off(goproxy: &str) -> String {
    let kept: Vec<&str> = goproxy
        .split([',', '|'])
        .map(str::trim)
        .filter(|e| !e.is_empty() && *e != "off")
        .collect();
    if kept.is_empty() {
        DEFAULT_GOPROXY.into()
    } else {
        kept.join(",")
    }
}

const DEFAULT_GOPROXY: &str = "https://proxy.golang.org,direct";

/// A GOPROXY value that parses, repairing the usual mistakes entry by entry (keywords in
/// the wrong case, a missing scheme, unsupported schemes dropped); the default otherwise.
fn repaired_goproxy(goproxy: &str, gonoproxy: &str) -> String {
    let entries: Vec<String> = goproxy
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .filter_map(|e| {
            let lower = e.to_ascii_lowercase();
            if lower == "direct" || lower == "off" {
                Some(lower)
            } else if lower.starts_with("https://") || lower.starts_with("http://") {
                Some(e.to_string())
            } else if e.contains("://") {
                None
            } else {
                Some(format!("https://{e}"))
            }
        })
        .collect();
    let candidate = entries.join(",");
    if !candidate.is_empty() && crate::config::goproxy::proxy_list(&candidate, gonoproxy).is_ok() {
        candidate
    } else {
        DEFAULT_GOPROXY.into()
    }
}

/// A proxy variable's value made parseable: surrounding quotes and spaces removed, a bare `%`
/// in the credentials percent-encoded.
fn repaired_proxy_value(value: &str) -> String {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    let mut out = String::with_capacity(v.len());
    let b = v.as_bytes();
    for (i, c) in v.char_indices() {
        let hex2 = b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
        if c == '%' && !hex2 {
            out.push_str("%25");
        } else {
            out.push(c);
        }
    }
    out
}

/// A proxy URL to show in a fix: a password (masked in the report anyway) becomes a
/// `<password>` hole for the user to fill in, percent-encoded.
fn password_hole(proxy: &str) -> String {
    match url::Url::parse(proxy) {
        Ok(u) if u.password().is_some() => match proxy_origin(proxy) {
            Some((scheme, hostport)) => {
                format!("{scheme}://{}:<password>@{hostport}", u.username())
            }
            None => mask_value(proxy),
        },
        _ => mask_value(proxy),
    }
}

/// A clock offset for people: `3.0 years ahead`, `7 minutes behind`.
fn human_skew(secs: f64) -> String {
    let dir = if secs >= 0.0 { "ahead" } else { "behind" };
    let a = secs.abs();
    let (n, unit) = if a >= 2.0 * 365.0 * 86400.0 {
        (a / (365.0 * 86400.0), "years")
    } else if a >= 2.0 * 86400.0 {
        (a / 86400.0, "days")
    } else if a >= 2.0 * 3600.0 {
        (a / 3600.0, "hours")
    } else if a >= 120.0 {
        (a / 60.0, "minutes")
    } else {
        (a, "seconds")
    };
    format!("{n:.0} {unit} {dir}")
}

/// `scheme://host:port` of a proxy URL (no credentials, no path).
fn proxy_origin(proxy: &str) -> Option<(String, String)> {
    let u = url::Url::parse(proxy).ok()?;
    let host = u.host_str()?;
    let port = u.port_or_known_default()?;
    Some((u.scheme().to_string(), format!("{host}:{port}")))
}

/// The values the catalog's fix templates need, taken from the facts behind the cause.
fn fill_fix_values(
    input: &Inputs,
    m: &ModulePrediction,
    cause: CauseId,
    endpoint: Option<&EndpointFacts>,
    dns: Option<&DnsFacts>,
    url: Option<&str>,
    d: &mut Diagnosis,
) {
    let cfg = input.config;
    let v = &mut d.fix_values;
    // The request to show: the failing one, else the failed stage's last (a lookup whose
    // signature does not verify failed after a 200).
    let stage_url = m
        .stages
        .iter()
        .find(|s| s.outcome == Outcome::Failed)
        .and_then(|s| {
            s.attempts
                .iter()
                .rev()
                .find_map(|a| a.url.as_ref().map(|u| u.expose().to_string()))
        });
    if let Some(u) = url.map(str::to_string).or(stage_url) {
        v.set("url", mask_value(&u));
    }
    if let Some(anchor) = endpoint
        .and_then(|e| e.target_tls())
        .and_then(|t| t.anchor.clone())
        .filter(|_| cause == CauseId::TlsUntrustedInterception)
    {
        v.set("ca_name", anchor);
    }
    // The intermediate the server did not send, and where its CA publishes it.
    if let Some(m) = endpoint
        .and_then(|e| e.target_tls())
        .and_then(|t| t.missing_issuer.as_ref())
        .filter(|_| cause == CauseId::TlsIncompleteChain)
    {
        v.set("ca_name", &m.name);
        if let Some(u) = m.ca_issuers.first() {
            v.set("value", mask_value(u));
        }
    }
    if let Some(e) = endpoint {
        let addr = e
            .tcp
            .iter()
            .find(|t| t.class == crate::probe::tcp::TcpClass::Connected)
            .or(e.tcp.first())
            .map(|t| t.addr.to_string())
            .unwrap_or_else(|| format!("{}:{}", e.host, e.port));
        v.set("addr", addr);
    }
    if v.get("mirror").is_none() {
        if let Some((base, _)) = url
            .map(|u| observed_alternatives(input, u, &m.path))
            .unwrap_or_default()
            .into_iter()
            .min_by_key(|(_, ms)| *ms)
        {
            v.set("mirror", mask_value(&base));
        }
    }
    let host = m.path.split('/').next().unwrap_or("");
    // The proxy on Go's route, as the user wrote it.
    let route_proxy = endpoint
        .and_then(|e| e.proxy.as_ref())
        .map(|p| p.proxy.expose().to_string())
        .or_else(|| first_set(cfg, &["HTTPS_PROXY", "https_proxy"]));
    match cause {
        CauseId::ConfigGoproxyOff => v.set("goproxy_new", goproxy_without_off(cfg.get("GOPROXY"))),
        CauseId::ConfigGoproxyInvalid => v.set(
            "goproxy_new",
            mask_value(&repaired_goproxy(
                cfg.get("GOPROXY"),
                cfg.effective_gonoproxy(),
            )),
        ),
        CauseId::ConfigGosumdbInvalid => v.set("sumdb", "sum.golang.org"),
        CauseId::GoproxyHttpError => {
            v.set(
                "goproxy_new",
                mask_value(&cfg.get("GOPROXY").replace(',', "|")),
            );
            if let Some(Fetch::Status { code, reason, .. }) =
                url.and_then(|u| input.facts.observations.http.get(u))
            {
                v.set("value", format!("{code} {reason}"));
            }
        }
        CauseId::TlsNotTls => {
            if let Some((base, _)) = url.and_then(|u| split_proxy_url(u, &m.path)) {
                if let Some(rest) = base.strip_prefix("https://") {
                    let plain = format!("http://{rest}");
                    v.set(
                        "goproxy_new",
                        mask_value(&cfg.get("GOPROXY").replace(base, &plain)),
                    );
                }
            }
        }
        CauseId::DnsHijacked | CauseId::DnsHostsOverride => {
            if let Some(dns) = dns {
                let addrs: Vec<String> = dns.system.addrs().iter().map(|a| a.to_string()).collect();
                v.set("value", addrs.join(", "));
            }
        }
        CauseId::VcsGovcsDenied => {
            let err = m.error_text.clone().unwrap_or_default();
            let vcs = err
                .split("disallows using ")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .unwrap_or("");
            v.set("vcs", vcs);
            let rule = format!("{}:{vcs}", private::suggested_pattern(&m.path));
            let current = cfg.get("GOVCS");
            v.set(
                "govcs_new",
                if current.is_empty() {
                    rule
                } else {
                    format!("{rule},{current}")
                },
            );
        }
        c if c.area() == Area::Vcs => v.set("host", host),
        c if c.area() == Area::Proxy => {
            if let Some(p) = &route_proxy {
                fill_proxy_values(c, p, endpoint, v);
            }
        }
        _ => {}
    }
}

/// `proxy` (the proxy to use, corrected when the scheme is wrong), `proxy_auth` (the URL
/// with credential holes) and `value` (the schemes a proxy offers).
fn fill_proxy_values(
    cause: CauseId,
    proxy: &str,
    endpoint: Option<&EndpointFacts>,
    v: &mut FixValues,
) {
    let pf = endpoint.and_then(|e| e.proxy.as_ref());
    let Some((scheme, hostport)) = proxy_origin(proxy) else {
        v.set("proxy", mask_value(proxy));
        return;
    };
    let corrected = match (cause, pf.and_then(|p| p.listener.as_deref())) {
        (CauseId::ProxySchemeMismatch, Some("socks5")) => format!("socks5://{hostport}"),
        (CauseId::ProxySchemeMismatch, _) if scheme != "http" => format!("http://{hostport}"),
        _ => mask_value(proxy),
    };
    v.set("proxy", corrected);
    // The user name stays in the fix; a lone user is a token and becomes a hole too.
    let user = url::Url::parse(proxy)
        .ok()
        .filter(|u| u.password().is_some())
        .map(|u| u.username().to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "<user>".into());
    v.set(
        "proxy_auth",
        format!("{scheme}://{user}:<password>@{hostport}"),
    );
    if let Some(c) = pf.and_then(|p| p.connect.as_ref()) {
        if !c.auth_schemes.is_empty() {
            v.set("value", c.auth_schemes.join(", "));
        }
    }
}

fn is_network_cause(id: CauseId) -> bool {
    matches!(id.area(), Area::Dns | Area::Tcp | Area::Tls | Area::Proxy)
}

fn add_endpoint_evidence(e: &EndpointFacts, d: &mut Diagnosis) {
    let route = if e.route.expose() == "direct" {
        "direct".to_string()
    } else {
        format!("via {}", e.route)
    };
    let observation = match &e.failure {
        Some(f) => format!(
            "{:?} failed ({}): {}",
            f.stage,
            f.class,
            mask_value(&f.go_error)
        )
        .to_lowercase(),
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
            fact: format!("CONNECT {}:{} via {}", e.host, e.port, e.route),
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

fn add_dns_evidence(dns: &DnsFacts, d: &mut Diagnosis) {
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

fn public_answered(dns: &DnsFacts) -> bool {
    dns.public.iter().any(|p| p.class.answered())
        || dns.doh.as_ref().is_some_and(|p| p.class.answered())
}

fn public_says_nxdomain(dns: &DnsFacts) -> bool {
    dns.public.iter().any(|p| p.class == DnsClass::Nxdomain)
}

/// Names the DNS-level cause behind a failing chain by comparing resolvers.
fn refine_network(
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

/// A network failure that the configuration explains (and fixes) is a configuration cause.
fn explain_by_configuration(
    input: &Inputs,
    cause: CauseId,
    url: Option<&str>,
    endpoint: Option<&EndpointFacts>,
    d: &mut Diagnosis,
) -> CauseId {
    let cfg = input.config;
    let direct_route = endpoint.is_none_or(|e| e.proxy.is_none());
    // What the server's own certificate says does not change with the route to it.
    let transport_failure = cause.area() != Area::Proxy
        && cause != CauseId::TlsHostnameMismatch
        && cause != CauseId::TlsExpired
        && cause != CauseId::TlsIncompleteChain;
    let https_proxy = first_set(cfg, &["HTTPS_PROXY", "https_proxy"]);
    let http_proxy = first_set(cfg, &["HTTP_PROXY", "http_proxy"]);
    let is_https = url.is_some_and(|u| u.starts_with("https://"));
    if direct_route && transport_failure && is_https {
        // HTTPS_PROXY is set but does not parse: Go silently ignores it and goes direct.
        if let Some(w) = input.warnings.iter().find(|w| {
            w.id == CauseId::ConfigProxyValueInvalid
                && w.variable.eq_ignore_ascii_case("HTTPS_PROXY")
                && !cfg.get(&w.variable).is_empty()
        }) {
            d.evidence.push(Evidence {
                fact: w.variable.clone(),
                observation: w.message.clone(),
            });
            d.fix_values.set("var", w.variable.to_ascii_uppercase());
            d.fix_values.set(
                "proxy",
                password_hole(&repaired_proxy_value(cfg.get(&w.variable))),
            );
            return CauseId::ConfigProxyValueInvalid;
        }
        // The probe reached the host directly although HTTPS_PROXY is set and NO_PROXY does
        // not exempt it: Go's parser rejected the real value (a configuration read back from a
        // report is masked, so its own parse may succeed).
        let proxy_parses = cfg.proxy_env().https_proxy_url().is_some();
        let go_ignored_proxy = endpoint.is_some_and(|e| e.proxy.is_none() && e.route == "direct")
            && proxy_parses
            && url
                .and_then(|u| url::Url::parse(u).ok())
                .is_some_and(|u| !matches!(cfg.proxy_env().proxy_for(&u), ProxyChoice::Direct));
        if let (true, Some(proxy)) = (go_ignored_proxy, &https_proxy) {
            let var = cfg.proxy_env().https_proxy_var;
            d.evidence.push(Evidence {
                fact: var.clone(),
                observation: format!(
                    "{} is set, but Go's route to the host is direct: Go could not parse the value and ignores it",
                    mask_value(proxy)
                ),
            });
            d.fix_values.set("var", var.to_ascii_uppercase());
            d.fix_values
                .set("proxy", password_hole(&repaired_proxy_value(proxy)));
            return CauseId::ConfigProxyValueInvalid;
        }
        // NO_PROXY sent a host around the configured (and valid) proxy.
        if let (Some(proxy), Some(u), true) = (
            &https_proxy,
            url.and_then(|u| url::Url::parse(u).ok()),
            proxy_parses,
        ) {
            if matches!(cfg.proxy_env().proxy_for(&u), ProxyChoice::Direct) && !is_loopback_host(&u)
            {
                let no_proxy = first_set(cfg, &["NO_PROXY", "no_proxy"]).unwrap_or_default();
                d.evidence.push(Evidence {
                    fact: "NO_PROXY".into(),
                    observation: format!(
                        "{no_proxy:?} exempts {} from HTTPS_PROXY={}",
                        u.host_str().unwrap_or(""),
                        mask_value(proxy)
                    ),
                });
                d.fix_values.set("proxy", mask_value(proxy));
                d.fix_values.set(
                    "noproxy_new",
                    remove_no_proxy_entry(&no_proxy, u.host_str().unwrap_or("")),
                );
                return CauseId::ConfigNoProxyBypass;
            }
        }
        if https_proxy.is_none() {
            if let Some(proxy) = &http_proxy {
                d.evidence.push(Evidence {
                    fact: "HTTP_PROXY / HTTPS_PROXY".into(),
                    observation: format!(
                        "HTTP_PROXY={} is set, HTTPS_PROXY is not: https requests go direct",
                        mask_value(proxy)
                    ),
                });
                d.fix_values.set("proxy", mask_value(proxy));
                return CauseId::ConfigHttpProxyOnly;
            }
            // HTTPS_PROXY written into the go env file: Go reads it only from the OS.
            if let Some(key) = cfg.env_file_ignored_keys.iter().find(|k| is_proxy_var(k)) {
                d.evidence.push(Evidence {
                    fact: format!("go env file {}", cfg.env_file_path),
                    observation: format!(
                        "sets {key}, which Go reads only from the OS environment: no proxy is used"
                    ),
                });
                return CauseId::ConfigProxyViaGoEnv;
            }
            if let Some(sys) = &input.system_proxy {
                d.evidence.push(Evidence {
                    fact: format!("system proxy ({})", sys.source),
                    observation: match (&sys.https_proxy, &sys.pac_url) {
                        (Some(p), _) => format!(
                            "{} is configured in the OS, which Go does not read",
                            mask_value(p)
                        ),
                        (None, Some(pac)) => format!(
                            "a PAC script {} is configured in the OS, which Go does not read",
                            mask_value(pac)
                        ),
                        _ => "a proxy is configured in the OS, which Go does not read".into(),
                    },
                });
                if let Some(p) = &sys.https_proxy {
                    d.fix_values.set("proxy", mask_value(p));
                }
                if let Some(n) = &sys.no_proxy {
                    d.fix_values.set("noproxy_new", n);
                }
                return CauseId::ConfigSystemProxyIgnored;
            }
        }
    }
    // A terminal older than the environment: the persisted proxy would have been used.
    if let Some(stale) = input
        .stale_env
        .iter()
        .find(|s| is_proxy_var(&s.variable) && s.live.is_none())
    {
        if direct_route && transport_failure {
            d.evidence.push(Evidence {
                fact: format!("{} ({})", stale.variable, stale.persisted_in),
                observation: format!("persisted as {} but not set in this shell", stale.persisted),
            });
            d.fix_values.set("var", stale.variable.to_ascii_uppercase());
            d.fix_values.set("value", stale.persisted.masked());
            d.fix_values.set("proxy", stale.persisted.masked());
            return CauseId::ConfigStaleShellEnv;
        }
    }
    cause
}

fn is_proxy_var(name: &str) -> bool {
    matches!(
        name.to_ascii_uppercase().as_str(),
        "HTTPS_PROXY" | "HTTP_PROXY"
    )
}

fn is_loopback_host(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn first_set(cfg: &GoConfig, names: &[&str]) -> Option<String> {
    names
        .iter()
        .map(|n| cfg.get(n))
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

/// Causes that only the route (GOPROXY list, GOPRIVATE) explains.
fn refine_by_route(
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
fn is_not_found(cause: CauseId) -> bool {
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
fn decides_failure(name: &str, m: &ModulePrediction) -> bool {
    let sumdb = failed_stage(m) == Some("sumdb");
    match name {
        "GOPROXY" => !sumdb,
        "GOSUMDB" => sumdb,
        _ => true,
    }
}

/// A GOPRIVATE/GONOPROXY/GONOSUMDB entry with whitespace that would match `path` once
/// trimmed: (variable, the list rewritten without the whitespace).
fn whitespace_entry_for(cfg: &GoConfig, path: &str) -> Option<(String, String)> {
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
fn comma_blocked_by(input: &Inputs, m: &ModulePrediction, cause: CauseId) -> Option<String> {
    if matches!(
        cause,
        CauseId::GoproxyModuleNotFound | CauseId::SumdbNotFound
    ) {
        return None;
    }
    let stage = m.stages.iter().find(|s| s.outcome == Outcome::Failed)?;
    let last = stage.attempts.last()?;
    let entries = input.config.proxy_list().ok()?;
    let idx = entries.iter().position(|e| match e {
        ProxyEntry::Url { url, fallback } => {
            *fallback == FallbackMode::OnNotFound && *url == last.entry
        }
        _ => false,
    })?;
    // Which later entry answers the same request (same path under another base)?
    let failing_url = last.url.as_ref()?.expose();
    let base = match &entries[idx] {
        ProxyEntry::Url { url, .. } => url.expose().trim_end_matches('/'),
        _ => return None,
    };
    let suffix = failing_url.strip_prefix(base)?;
    entries[idx + 1..].iter().find_map(|e| match e {
        ProxyEntry::Url { url, .. } => {
            let candidate = format!("{}{}", url.expose().trim_end_matches('/'), suffix);
            match input.facts.observations.http.get(&candidate) {
                Some(Fetch::Status { code: 200, .. }) => Some(url.expose().to_string()),
                _ => None,
            }
        }
        _ => None,
    })
}

/// "The module is private": the public services say not found, direct mode needs
/// credentials, or its host is internal.
fn looks_private(input: &Inputs, m: &ModulePrediction, cause: CauseId) -> bool {
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
        input
            .config
            .proxy_list()
            .unwrap_or_default()
            .iter()
            .any(|e| match e {
                ProxyEntry::Url { url, .. } => url::Url::parse(url.expose())
                    .ok()
                    .and_then(|u| u.host_str().and_then(domain))
                    .is_some_and(|d| d == dom),
                _ => false,
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
const PUBLIC_CANNOT_REACH: &[&str] = &[
    "unrecognized import path",
    "no such host",
    "could not read Username",
    "terminal prompts disabled",
    "Repository not found",
];

fn remove_no_proxy_entry(no_proxy: &str, host: &str) -> String {
    let host = host.to_ascii_lowercase();
    no_proxy
        .split(',')
        .map(str::trim)
        .filter(|e| {
            let e = e.to_ascii_lowercase();
            let bare = e.trim_start_matches("*.").trim_start_matches('.');
            !(e == "*" || host == bare || host.ends_with(&format!(".{bare}")))
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn summary_for(cause: CauseId, module: &str, host: Option<&str>, d: &Diagnosis) -> String {
    let host = host.unwrap_or("the server");
    let v = |k: &str| d.fix_values.get(k).unwrap_or("").to_string();
    match cause {
        CauseId::DnsNxdomainFiltered => format!("The system resolver says {host} does not exist, so Go cannot fetch {module}."),
        CauseId::DnsNoResolution => format!("{host} cannot be resolved: no resolver answers, so Go cannot fetch {module}."),
        CauseId::DnsSystemResolverDown => format!("The system resolver does not answer for {host} while a public resolver does."),
        CauseId::DnsHijacked => format!("The system resolver's answer for {host} leads to the wrong server."),
        CauseId::DnsHostsOverride => format!("The hosts file pins {host} to an address that does not serve it."),
        CauseId::TcpRefused => format!("Connections to {host} are refused."),
        CauseId::TcpTimeout => format!("Connections to {host} time out: packets are dropped."),
        CauseId::TcpUnreachable => format!("{host} is unreachable: no route."),
        CauseId::TcpReset => format!("Connections to {host} are reset."),
        CauseId::TlsUntrustedInterception => format!("The TLS certificate for {host} is issued by {}, which Go does not trust: the connection is intercepted.", if v("ca_name").is_empty() { "an unknown CA".into() } else { v("ca_name") }),
        CauseId::TlsHostnameMismatch => format!("The server at {host} presents a certificate for another name."),
        CauseId::TlsIncompleteChain => format!("{host} sends its certificate without the intermediate certificate ({}) that links it to a trusted root, and Go does not download missing intermediates.", if v("ca_name").is_empty() { "its issuer".into() } else { v("ca_name") }),
        CauseId::TlsExpired => format!("The certificate of {host} has expired."),
        CauseId::TlsNotYetValid => format!("The certificate of {host} is not valid yet."),
        CauseId::TlsResetDuringHandshake => format!("The connection to {host} is cut right after the TLS ClientHello (name-based blocking)."),
        CauseId::TlsNotTls => format!("{host} does not speak TLS on that port."),
        CauseId::TlsHandshakeTimeout => format!("The TLS handshake with {host} never completes."),
        CauseId::TlsHandshakeFailure => format!("{host} aborts the TLS handshake."),
        CauseId::ConfigHttpProxyOnly => format!("HTTP_PROXY is set but HTTPS_PROXY is not, so Go reaches {host} without the proxy and fails."),
        CauseId::ConfigSystemProxyIgnored => format!("A proxy is configured in the OS, but Go reads only HTTPS_PROXY, so it reaches {host} directly and fails."),
        CauseId::ConfigStaleShellEnv => format!("{} is saved in your environment but this terminal was opened before: Go runs without it.", v("var")),
        CauseId::ConfigNoProxyBypass => format!("NO_PROXY exempts {host} from the proxy, and it is not reachable directly."),
        CauseId::ConfigCommaBlocksFallback => format!("GOPROXY's first entry fails with a network error and the `,` after it stops Go, although {} works.", v("mirror")),
        CauseId::ConfigPrivateNotExcluded => format!("{module} is private, but GOPRIVATE does not cover it: Go asks the public proxy and checksum database."),
        CauseId::ConfigEnvOverridesGoenv => format!("The OS environment's {} overrides the value you set with `go env -w`.", v("var")),
        CauseId::ConfigGoproxyOff => format!("GOPROXY=off and {module} is not exempted by GOPRIVATE/GONOPROXY."),
        CauseId::ConfigGoproxyInvalid => "GOPROXY does not parse: Go refuses to run with it.".into(),
        CauseId::ConfigGosumdbInvalid => "GOSUMDB is malformed: Go cannot verify modules.".into(),
        other if other.area() == Area::Proxy => proxy_summary(other, host, d),
        CauseId::GoproxyHttpError => format!("{host} answers {} for {module}, and Go does not try the next GOPROXY entry after that error.", if v("value").is_empty() { "an error".into() } else { v("value") }),
        CauseId::GoproxyForbidden => format!("{host} refuses the request for {module} (401/403): it wants credentials."),
        CauseId::GoproxyCaptivePortal => format!("A web page (a login or portal page) comes back from {host} instead of module data."),
        CauseId::GoproxyModuleNotFound => format!("No source has {module}: every GOPROXY entry (and direct mode) says it does not exist."),
        CauseId::SumdbProxyRouteBroken => format!("{host}'s checksum-database endpoint fails, so Go cannot verify {module}."),
        CauseId::SumdbBadSignature => "The checksum database's signed tree head does not verify with the configured key.".into(),
        CauseId::SumdbChecksumMismatch => format!("What was downloaded for {module} does not match the checksum database's record."),
        CauseId::VcsGitMissing => format!("Direct mode needs git for {module}, and git is not installed."),
        CauseId::VcsMetaMissing => format!("{} serves no go-import meta tag for {} (a login page, or not a Go host).", v("host"), v("module_path")),
        CauseId::VcsAuthRequired => format!("git needs credentials for {} and Go disables the prompt.", v("host")),
        CauseId::VcsSshBlocked => format!("git reaches {} over ssh (an insteadOf rewrite or an ssh remote), and that port is blocked.", v("host")),
        CauseId::VcsGovcsDenied => format!("GOVCS does not allow {} for {}.", v("vcs"), v("module_path")),
        CauseId::LocalClockSkew => format!("The local clock is {}, so the certificate of {host} looks invalid.", v("value")),
        CauseId::SumdbUnreachable => format!("The checksum database cannot be reached ({host}), so Go cannot verify {module}."),
        CauseId::SumdbNotFound => format!("The checksum database has no record of {module}: it is private, but GONOSUMDB/GOPRIVATE do not cover it."),
        CauseId::ConfigPatternWhitespace => format!("{} has an entry with a space, so it does not cover {module}.", v("var")),
        CauseId::ConfigProxyValueInvalid => format!("{} does not parse, so Go ignores it and reaches {host} directly, which fails.", v("var")),
        CauseId::ConfigProxyViaGoEnv => format!("HTTPS_PROXY is in the go env file, where Go does not read it: Go reaches {host} directly and fails."),
        other if other.area() == Area::Goproxy => format!("The module proxy fails for {module} ({other})."),
        other if other.area() == Area::Sumdb => format!("The checksum database fails for {module} ({other})."),
        other if other.area() == Area::Vcs => format!("Fetching {module} directly fails ({other})."),
        other => format!("Go fails for {module} ({other})."),
    }
}

/// The proxy on Go's route as configured (credentials masked), from the evidence chain.
fn proxy_as_given(d: &Diagnosis) -> Option<String> {
    d.evidence
        .iter()
        .find_map(|e| e.fact.split_once(" via ").map(|(_, p)| p.to_string()))
}

/// One sentence for a proxy cause, naming the proxy.
fn proxy_summary(cause: CauseId, host: &str, d: &Diagnosis) -> String {
    let given = proxy_as_given(d).unwrap_or_else(|| "the HTTP proxy".into());
    let schemes = d.fix_values.get("value").unwrap_or("other schemes");
    match cause {
        CauseId::ProxyUnreachable => {
            format!("The proxy {given} cannot be reached (is the proxy client running?).")
        }
        CauseId::ProxyAuthRequired => format!(
            "The proxy {given} requires a user name and password (407), and HTTPS_PROXY has none."
        ),
        CauseId::ProxyAuthRejected => {
            format!("The proxy {given} rejects the credentials in HTTPS_PROXY (407).")
        }
        CauseId::ProxyAuthUnsupported => {
            format!("The proxy {given} accepts only {schemes}, which Go cannot do.")
        }
        CauseId::ProxyConnectDenied => format!("The proxy {given} refuses to connect to {host}."),
        CauseId::ProxyUpstreamFailed => format!("The proxy {given} cannot reach {host} itself."),
        CauseId::ProxySchemeMismatch => {
            format!("HTTPS_PROXY={given} uses the wrong scheme for what listens there.")
        }
        CauseId::ProxyNotAProxy => {
            format!("What answers at {given} is not an HTTP or SOCKS proxy.")
        }
        other => format!("The HTTP proxy {given} fails ({other}) on the way to {host}."),
    }
}

/// A served request much slower than the same request at another source that works.
fn slow_mirror(input: &Inputs, m: &ModulePrediction) -> Option<String> {
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
                    a.entry,
                    url.rsplit('/').next().unwrap_or(url),
                    mask_value(&alt)
                )
            })
        })
}

/// Beyond this a module request is slow enough to be worth a finding (when another source
/// is at least five times faster).
const SLOW_MS: u64 = 2000;

/// The version list Go used lacks the newest version another source lists.
fn stale_mirror(input: &Inputs, m: &ModulePrediction) -> Option<String> {
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
                a.entry,
                crate::vocab::module::latest_from_list(&served).unwrap_or_default(),
                m.path,
                mask_value(other)
            )
        })
    })
}

/// Everything true and worth telling that is not the cause.
fn collect_findings(input: &Inputs, d: &mut Diagnosis) {
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
            add(*f, format!("{}:{}", e.host, e.port));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goproxy_repairs() {
        for (given, want) in [
            ("https://goproxy.cn,Direct", "https://goproxy.cn,direct"),
            ("goproxy.io,direct", "https://goproxy.io,direct"),
            ("socks5://127.0.0.1:1080,direct", "direct"),
            ("", DEFAULT_GOPROXY),
        ] {
            assert_eq!(repaired_goproxy(given, ""), want, "{given:?}");
        }
        assert_eq!(goproxy_without_off("off"), DEFAULT_GOPROXY);
        assert_eq!(
            goproxy_without_off("https://goproxy.cn,off"),
            "https://goproxy.cn"
        );
    }

    #[test]
    fn proxy_value_repairs() {
        for (given, want) in [
            (
                "http://proxy.corp.example:8080\r",
                "http://proxy.corp.example:8080",
            ),
            (
                "\"http://proxy.corp.example:8080\"",
                "http://proxy.corp.example:8080",
            ),
            ("http://u:50%off@p:1", "http://u:50%25off@p:1"),
            ("http://u:a%40b@p:1", "http://u:a%40b@p:1"),
        ] {
            assert_eq!(repaired_proxy_value(given), want, "{given:?}");
        }
    }

    #[test]
    fn fix_value_helpers() {
        assert_eq!(
            password_hole("http://alice:s3cret@proxy.corp.example:8080"),
            "http://alice:<password>@proxy.corp.example:8080"
        );
        assert_eq!(password_hole("http://p:3128"), "http://p:3128");
        assert_eq!(human_skew(94_608_003.0), "3 years ahead");
        assert_eq!(human_skew(-420.0), "7 minutes behind");
        assert_eq!(human_skew(30.0), "30 seconds ahead");
    }

    #[test]
    fn no_proxy_removal() {
        assert_eq!(
            remove_no_proxy_entry("localhost,.golang.org,10.0.0.0/8", "proxy.golang.org"),
            "localhost,10.0.0.0/8"
        );
        assert_eq!(remove_no_proxy_entry("*", "proxy.golang.org"), "");
    }
}
