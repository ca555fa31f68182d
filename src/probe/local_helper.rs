//! Local NTLM/Kerberos helper proxies (px, cntlm, alpaca — all default to port 3128): when
//! the configured proxy speaks only NTLM/Negotiate, is one already listening on loopback, and
//! does a CONNECT through it reach the target? Uses the proxy probe as it is; only loopback
//! addresses are dialed here (the helper itself goes on to the corporate proxy).

use serde::{Deserialize, Serialize};

use super::proxy::{probe_via, ProxyClass};
use super::ProbeOptions;

/// px, cntlm and alpaca listen on 3128 by default; 3129 is the usual second choice.
pub const HELPER_PORTS: &[u16] = &[3128, 3129];

/// One loopback port that was tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct LocalHelper {
    /// `127.0.0.1:3128`.
    pub addr: String,
    /// Something accepted the connection.
    pub listening: bool,
    /// A CONNECT through it opened the tunnel (and TLS with the target worked).
    pub works: bool,
    pub class: ProxyClass,
    /// Go's error through it, when it did not work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_error: Option<String>,
}

/// Tries every `port` on 127.0.0.1 as an HTTP proxy to `target_host:target_port` (TLS).
pub async fn probe_local_helpers(
    target_host: &str,
    target_port: u16,
    ports: &[u16],
    opts: &ProbeOptions,
) -> Vec<LocalHelper> {
    // In turn: a refused loopback port answers at once, and a listener is bounded by `opts`.
    let mut out = Vec::with_capacity(ports.len());
    for p in ports {
        let addr = format!("127.0.0.1:{p}");
        let url = url::Url::parse(&format!("http://{addr}")).expect("loopback URL");
        let f = probe_via(&url, target_host, target_port, true, opts).await;
        let listening = f
            .tcp
            .iter()
            .any(|t| t.class == super::tcp::TcpClass::Connected);
        out.push(LocalHelper {
            addr,
            listening,
            works: f.ok(),
            class: f.class,
            go_error: f.go_error.clone().filter(|_| !f.ok()),
        });
    }
    out
}

/// The ports to try: [`HELPER_PORTS`], or `GOMOD_DIAG_HELPER_PORTS` (comma-separated; tests
/// point it at their fixtures).
pub fn helper_ports(var: Option<&str>) -> Result<Vec<u16>, String> {
    let Some(v) = var.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(HELPER_PORTS.to_vec());
    };
    v.split(',')
        .map(|p| {
            p.trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| {
                    format!("GOMOD_DIAG_HELPER_PORTS={v:?}: expected comma-separated ports 1-65535")
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_from_the_variable() {
        assert_eq!(helper_ports(None).unwrap(), vec![3128, 3129]);
        assert_eq!(helper_ports(Some(" ")).unwrap(), vec![3128, 3129]);
        assert_eq!(helper_ports(Some("3128, 5865")).unwrap(), vec![3128, 5865]);
        let e = helper_ports(Some("3128,px")).unwrap_err();
        assert!(
            e.contains("GOMOD_DIAG_HELPER_PORTS") && e.contains("ports"),
            "{e}"
        );
        assert!(helper_ports(Some("0")).is_err());
    }
}
