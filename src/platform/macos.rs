//! macOS: `scutil --proxy` (System Settings > Network > Details > Proxies, as the system
//! configuration daemon holds it). Parsed on any OS; run only on macOS.

use std::collections::BTreeMap;

use super::proxy::{ProxySource, SystemProxy};
use super::run::lines;

/// The top-level scalar keys and the `ExceptionsList` array of `scutil --proxy`. The layout:
/// `<dictionary> {`, two-space indented `Key : value` lines, nested `<array> {` /
/// `<dictionary> {` blocks closed by `}`. Nested dictionaries (`__SCOPED__`, per interface)
/// repeat the global settings and are skipped.
fn parse_scutil_dictionary(text: &str) -> Option<(BTreeMap<String, String>, Vec<String>)> {
    let mut scalars = BTreeMap::new();
    let mut exceptions = Vec::new();
    let mut depth = 0usize;
    let mut in_exceptions = false;
    let mut seen_root = false;
    for line in lines(text) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t == "}" {
            if depth == 2 {
                in_exceptions = false;
            }
            depth = depth.saturating_sub(1);
            continue;
        }
        if t.ends_with('{') {
            if depth == 0 {
                seen_root = t.starts_with("<dictionary>");
            } else if depth == 1 {
                in_exceptions = t.starts_with("ExceptionsList :");
            }
            depth += 1;
            continue;
        }
        let Some((key, value)) = t.split_once(" : ") else {
            continue;
        };
        match depth {
            1 => {
                scalars.insert(key.trim().to_string(), value.trim().to_string());
            }
            2 if in_exceptions => exceptions.push(value.trim().to_string()),
            _ => {}
        }
    }
    seen_root.then_some((scalars, exceptions))
}

/// `host` + `port` → `host:port`, bracketing IPv6 literals.
fn host_port(host: &str, port: Option<&String>) -> String {
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    match port
        .map(|p| p.trim())
        .filter(|p| !p.is_empty() && *p != "0")
    {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

/// `scutil --proxy` → SystemProxy. Per scheme (HTTP, HTTPS, SOCKS, FTP) a server counts only
/// when its `...Enable : 1`; a disabled scheme's leftover host shows in `raw` only.
/// `ProxyAutoConfigEnable` + `ProxyAutoConfigURLString` give the PAC URL,
/// `ProxyAutoDiscoveryEnable` WPAD, `ExcludeSimpleHostnames` the `<local>` equivalent.
pub fn parse_scutil_proxy(text: &str) -> Option<SystemProxy> {
    let (scalars, exceptions) = parse_scutil_dictionary(text)?;
    let on = |k: &str| scalars.get(k).is_some_and(|v| v.trim() == "1");
    let mut p = SystemProxy::new(ProxySource::MacosScutil);
    for (prefix, scheme) in [
        ("HTTP", "http"),
        ("HTTPS", "https"),
        ("SOCKS", "socks"),
        ("FTP", "ftp"),
    ] {
        let host = scalars
            .get(&format!("{prefix}Proxy"))
            .map(|h| h.trim())
            .filter(|h| !h.is_empty());
        let enabled = on(&format!("{prefix}Enable"));
        if let Some(h) = host {
            let server = host_port(h, scalars.get(&format!("{prefix}Port")));
            p.raw.push(format!(
                "{prefix}Enable : {}  {prefix}Proxy : {server}",
                u8::from(enabled)
            ));
            if enabled {
                p.servers.insert(scheme.to_string(), server);
            }
        }
    }
    p.enabled = !p.servers.is_empty();
    if on("ProxyAutoConfigEnable") {
        p.pac_url = scalars
            .get("ProxyAutoConfigURLString")
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
            .map(str::to_string);
        p.raw.push(format!(
            "ProxyAutoConfigEnable : 1  ProxyAutoConfigURLString : {}",
            p.pac_url.as_deref().unwrap_or("")
        ));
    }
    p.auto_detect = on("ProxyAutoDiscoveryEnable");
    p.bypass_local = on("ExcludeSimpleHostnames");
    p.bypass = exceptions;
    Some(p)
}

#[cfg(target_os = "macos")]
pub fn query_system_proxy() -> Vec<SystemProxy> {
    use super::run::{decode_console, run_with_timeout, QUERY_TIMEOUT};
    run_with_timeout("scutil", &["--proxy"], QUERY_TIMEOUT)
        .and_then(|b| parse_scutil_proxy(&decode_console(&b)))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::proxy::{suggested_env, suggestion, ProxySuggestion};
    use super::*;

    fn fixture(name: &str) -> SystemProxy {
        let text = match name {
            "none" => include_str!("../../fixtures/platform/scutil-none.txt"),
            "https-enabled" => include_str!("../../fixtures/platform/scutil-https-enabled.txt"),
            "https-disabled" => include_str!("../../fixtures/platform/scutil-https-disabled.txt"),
            "http-only" => include_str!("../../fixtures/platform/scutil-http-only.txt"),
            "pac" => include_str!("../../fixtures/platform/scutil-pac.txt"),
            "socks" => include_str!("../../fixtures/platform/scutil-socks.txt"),
            _ => unreachable!(),
        };
        parse_scutil_proxy(text).unwrap()
    }

    #[test]
    fn no_proxy() {
        let p = fixture("none");
        assert!(!p.enabled && !p.is_active());
        assert_eq!(
            p.bypass,
            ["*.local", "169.254/16"],
            "scoped copies are skipped"
        );
        assert!(p.raw.is_empty());
    }

    #[test]
    fn https_enabled() {
        let p = fixture("https-enabled");
        assert!(p.enabled && p.is_active());
        assert_eq!(p.servers["https"], "proxy.corp.example:8443");
        assert_eq!(p.servers["http"], "proxy.corp.example:8080");
        assert!(p.bypass_local);
        assert_eq!(p.bypass.len(), 4);
        let env = suggested_env(&p).unwrap();
        assert_eq!(env.https_proxy, "http://proxy.corp.example:8443");
        assert_eq!(
            env.http_proxy.as_deref(),
            Some("http://proxy.corp.example:8080")
        );
        assert_eq!(
            env.no_proxy.as_deref(),
            Some(".local,169.254.0.0/16,.corp.example,10.0.0.0/8")
        );
        assert_eq!(env.dropped_bypass[0].entry, "<local>");
    }

    #[test]
    fn https_disabled_leaves_only_raw_evidence() {
        let p = fixture("https-disabled");
        assert!(!p.enabled && !p.is_active());
        assert!(p.servers.is_empty());
        assert_eq!(
            p.raw,
            [
                "HTTPEnable : 0  HTTPProxy : proxy.corp.example:8080",
                "HTTPSEnable : 0  HTTPSProxy : proxy.corp.example:8080"
            ]
        );
        assert_eq!(suggested_env(&p), None);
    }

    #[test]
    fn http_only_socks_and_pac() {
        let p = fixture("http-only");
        assert_eq!(p.server_for("https"), None, "macOS sends https direct then");
        assert_eq!(
            suggested_env(&p).unwrap().https_proxy,
            "http://10.1.2.3:3128"
        );

        let s = suggested_env(&fixture("socks")).unwrap();
        assert_eq!(s.https_proxy, "socks5://127.0.0.1:7891");
        assert!(s.notes.is_empty(), "macOS speaks SOCKS5 itself");
        assert_eq!(
            s.no_proxy.as_deref(),
            Some("127.0.0.1,localhost,192.168.0.0/16")
        );

        let p = fixture("pac");
        assert!(!p.enabled && p.is_active());
        assert!(matches!(
            suggestion(&p),
            Some(ProxySuggestion::ReadPac { pac_url, .. }) if pac_url == "http://wpad.corp.example/proxy.pac"
        ));
    }

    #[test]
    fn not_scutil_output() {
        assert_eq!(parse_scutil_proxy(""), None);
        assert_eq!(parse_scutil_proxy("No proxy configuration"), None);
    }

    #[test]
    fn ipv6_host_is_bracketed() {
        assert_eq!(host_port("::1", Some(&"8080".to_string())), "[::1]:8080");
        assert_eq!(host_port("h", Some(&"0".to_string())), "h");
    }
}
