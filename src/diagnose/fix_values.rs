//! The values the catalog's fix templates need (`{proxy}`, `{goproxy_new}`, ...), taken from
//! the facts behind the cause.

use super::*;

/// GOPROXY without `off` entries; the default when nothing is left.
pub(super) fn goproxy_without_off(goproxy: &str) -> String {
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

pub(super) const DEFAULT_GOPROXY: &str = "https://proxy.golang.org,direct";

/// A GOPROXY value that parses, repairing the usual mistakes entry by entry (keywords in
/// the wrong case, a missing scheme, unsupported schemes dropped); the default otherwise.
pub(super) fn repaired_goproxy(goproxy: &str, gonoproxy: &str) -> String {
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
pub(super) fn repaired_proxy_value(value: &str) -> String {
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
pub(super) fn password_hole(proxy: &str) -> String {
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
pub(super) fn human_skew(secs: f64) -> String {
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
pub(super) fn proxy_origin(proxy: &str) -> Option<(String, String)> {
    let u = url::Url::parse(proxy).ok()?;
    let host = u.host_str()?;
    let port = u.port_or_known_default()?;
    Some((u.scheme().to_string(), format!("{host}:{port}")))
}

/// The values the catalog's fix templates need, taken from the facts behind the cause.
pub(super) fn fill_fix_values(
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
    if let Some(tls) = endpoint
        .and_then(|e| e.target_tls())
        .filter(|_| cause == CauseId::TlsUntrustedInterception)
    {
        if let Some(anchor) = &tls.anchor {
            v.set("ca_name", anchor);
            if let Some(cn) = inspection::common_name(anchor) {
                v.set("ca_cn", cn);
            }
        }
        if let Some(p) = inspection::product_of(tls) {
            v.set("product", &p.name);
            v.set("ca_source", &p.ca);
        }
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
        v.set("port", e.port.to_string());
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
    // Else the mirror race's winner(s), when it ran (`run`, or a saved report that has it).
    if v.get("mirror").is_none() {
        if let Some(m) = input.facts.mirrors.as_ref().and_then(race_winner) {
            v.set("mirror", mask_value(&m));
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
        // The checksum database Go uses, as configured (the explanation names it).
        CauseId::SumdbBadSignature | CauseId::SumdbUnreachable => {
            let sumdb = cfg.get("GOSUMDB");
            v.set(
                "sumdb",
                if sumdb.is_empty() {
                    "sum.golang.org".to_string()
                } else {
                    mask_value(sumdb)
                },
            );
        }
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
        CauseId::GoproxyBadResponse => {
            // `|` lets Go fall through to the next entry; with no other entry there is
            // nothing to offer but another mirror (left to the reader).
            let goproxy = cfg.get("GOPROXY");
            if goproxy.contains(',') {
                v.set("goproxy_new", mask_value(&goproxy.replace(',', "|")));
            }
            if let Some(Fetch::NetError { go_error, .. }) =
                url.and_then(|u| input.facts.observations.http.get(u))
            {
                v.set("value", mask_value(go_error));
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
        CauseId::VcsSshBlocked => {
            v.set("host", host);
            // The rewrite actually configured (`url.ssh://git@host:2222/.insteadOf`).
            if let Some(key) = input
                .facts
                .observations
                .direct
                .get(&m.path)
                .and_then(|d| crate::modfetch::meta::rewrite_key_in(&d.detail))
            {
                v.set("instead_of", key);
            } else {
                // No rewrite seen: the common one for GitHub-style ssh remotes.
                v.set("instead_of", format!("url.git@{host}:.insteadOf"));
            }
        }
        c if c.area() == Area::Vcs => v.set("host", host),
        c if c.area() == Area::Proxy => {
            if let Some(p) = &route_proxy {
                fill_proxy_values(c, p, endpoint, v);
            }
        }
        _ => {}
    }
    if cause == CauseId::ProxyAuthUnsupported {
        platform::helper_values(input, route_proxy.as_deref(), d);
    }
}

/// `proxy` (the proxy to use, corrected when the scheme is wrong), `proxy_auth` (the URL
/// with credential holes) and `value` (the schemes a proxy offers).
pub(super) fn fill_proxy_values(
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
    // A SOCKS5 server that chose a method Go cannot do (GSSAPI is 1).
    if let Some(m) = pf
        .and_then(|p| p.socks.as_ref())
        .and_then(|s| s.method)
        .filter(|m| ![0, 2, 0xff].contains(m))
    {
        v.set("value", format!("SOCKS5 method {m}"));
    }
}

pub(super) fn remove_no_proxy_entry(no_proxy: &str, host: &str) -> String {
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

/// The mirror part of the race's advice (`https://a|https://b`), when a mirror works.
fn race_winner(race: &crate::mirrors::MirrorRace) -> Option<String> {
    use crate::mirrors::rank::{advise, rank};
    advise(race, &rank(race)).mirror
}
