//! A network failure the configuration explains (and fixes): a proxy Go ignores, a proxy
//! variable it cannot parse, NO_PROXY, a system proxy, a stale shell.

use super::*;

/// A network failure that the configuration explains (and fixes) is a configuration cause.
pub(super) fn explain_by_configuration(
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
                        (Some(p), Some(pac)) => format!(
                            "the PAC script {} returns {} for Go's first URL; Go does not read it",
                            mask_value(pac),
                            mask_value(p)
                        ),
                        (Some(p), None) => format!(
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
                observation: format!(
                    "persisted as {} but not set in this shell",
                    stale.persisted.masked()
                ),
            });
            d.fix_values.set("var", stale.variable.to_ascii_uppercase());
            d.fix_values.set("value", stale.persisted.masked());
            d.fix_values.set("proxy", stale.persisted.masked());
            return CauseId::ConfigStaleShellEnv;
        }
    }
    cause
}
