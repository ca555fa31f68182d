//! What WSL and containers change: the Windows proxy that WSL does not pass on, and the CA
//! store of a container or WSL distribution that lacks the host's CA. Both are findings whose
//! fix steps join the cause's ([`adds_fix`]).

use super::*;
use crate::platform::wsl::{Wsl, WslNetworking};

/// The findings whose fix steps the verdict shows after the cause's: they change how the
/// cause is fixed here.
pub fn adds_fix(id: CauseId) -> bool {
    matches!(
        id,
        CauseId::LocalWslProxyNotInherited | CauseId::LocalContainerCaMissing
    )
}

/// A direct path that fails the way a missing proxy makes it fail.
fn needs_a_proxy(cause: CauseId) -> bool {
    matches!(cause.area(), Area::Dns | Area::Tcp)
        || matches!(
            cause,
            CauseId::TlsHandshakeTimeout
                | CauseId::TlsResetDuringHandshake
                | CauseId::ConfigSystemProxyIgnored
        )
}

fn mode_label(w: &Wsl) -> &'static str {
    match w.networking {
        WslNetworking::Nat => "nat",
        WslNetworking::Mirrored => "mirrored",
        WslNetworking::Virtioproxy => "virtioproxy",
        WslNetworking::Shared => "WSL 1",
        WslNetworking::None => "none",
        WslNetworking::Unknown => "default",
    }
}

/// The WSL and container findings, with the fix values their steps name.
pub(super) fn platform_findings(input: &Inputs, d: &mut Diagnosis) -> Vec<(CauseId, String)> {
    let Some(sys) = input.facts.system.as_ref() else {
        return vec![];
    };
    let mut out = Vec::new();
    let https_proxy_set = first_set(input.config, &["HTTPS_PROXY", "https_proxy"]).is_some();
    if let Some(w) = &sys.wsl {
        d.fix_values.set("wsl_mode", mode_label(w));
        if !https_proxy_set && needs_a_proxy(d.cause) {
            let windows = sys.proxy_suggestion().and_then(|s| match s {
                crate::platform::ProxySuggestion::Env(e) => Some(e.https_proxy),
                _ => None,
            });
            let mut detail = format!(
                "WSL {} ({} networking{}): HTTPS_PROXY is not set in this shell",
                w.version,
                mode_label(w),
                w.distro
                    .as_deref()
                    .map(|x| format!(", {x}"))
                    .unwrap_or_default()
            );
            if let Some(p) = windows.as_deref() {
                detail.push_str(&format!("; Windows uses the proxy {}", mask_value(p)));
                if d.fix_values.get("proxy").is_none() {
                    d.fix_values.set("proxy", mask_value(p));
                }
                let loopback = url::Url::parse(p).ok().is_some_and(|u| {
                    matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
                });
                if loopback && w.networking != WslNetworking::Mirrored {
                    detail.push_str(
                        ", on Windows' loopback, which WSL reaches only with mirrored networking",
                    );
                }
            }
            out.push((CauseId::LocalWslProxyNotInherited, detail));
        }
    }
    if d.cause == CauseId::TlsUntrustedInterception {
        let ca = d
            .fix_values
            .get("ca_name")
            .unwrap_or("the inspecting CA")
            .to_string();
        if let Some(c) = &sys.container {
            let label = match &c.dev_environment {
                Some(dev) => format!("{dev} ({})", c.runtime),
                None => format!("{} container", c.runtime),
            };
            d.fix_values.set("container", &label);
            out.push((
                CauseId::LocalContainerCaMissing,
                format!("running in `{label}`: its CA store is the image's, and {ca} is not in it"),
            ));
        } else if let Some(w) = &sys.wsl {
            out.push((
                CauseId::LocalContainerCaMissing,
                format!(
                    "WSL {} has its own Linux CA store: {ca}, which Windows may trust, is not in it",
                    w.version
                ),
            ));
        }
    }
    out
}

/// For `proxy.auth_unsupported`: the proxy's host:port for a helper's configuration, the PAC
/// URL (alpaca reads it), and a local helper that already works — or, as evidence, one that
/// listens but does not.
pub(super) fn helper_values(input: &Inputs, proxy: Option<&str>, d: &mut Diagnosis) {
    if let Some((_, hostport)) = proxy.and_then(proxy_origin) {
        d.fix_values.set("proxy_hostport", hostport);
    }
    // The OS's PAC URL, even when HTTPS_PROXY is set (then no system-proxy hint is made).
    let pac = input
        .system_proxy
        .as_ref()
        .and_then(|s| s.pac_url.clone())
        .or_else(|| {
            let sys = input.facts.system.as_ref()?;
            sys.system_proxies.iter().find_map(|p| p.pac_url.clone())
        });
    if let Some(pac) = pac {
        d.fix_values.set("pac_url", mask_value(&pac));
    }
    let helpers = input
        .facts
        .system
        .as_ref()
        .map(|s| s.local_helpers.as_slice())
        .unwrap_or_default();
    if let Some(h) = helpers.iter().find(|h| h.works) {
        d.fix_values.set("helper", &h.addr);
    }
    for h in helpers.iter().filter(|h| h.listening) {
        d.evidence.push(Evidence {
            fact: format!("local proxy helper {}", h.addr),
            observation: if h.works {
                "listening; a CONNECT through it works".into()
            } else {
                format!(
                    "listening, but a CONNECT through it fails: {}",
                    mask_value(h.go_error.as_deref().unwrap_or("no tunnel"))
                )
            },
        });
    }
}
