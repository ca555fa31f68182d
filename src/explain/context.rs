//! Causes, not symptoms: when the pasted text shows a configuration that explains the failure
//! (HTTP_PROXY set without HTTPS_PROXY beside a timeout; Go's warning that an OS variable
//! overrides `go env -w` beside a proxy error), the configuration comes first and the symptom
//! stays in the ranking as its evidence.

use super::explanation::Cause;
use crate::cli::Lang;
use crate::vocab::CauseId as Id;

/// What an https request that bypasses a proxy fails with.
const DIRECT_HTTPS_SYMPTOMS: &[Id] = &[
    Id::TcpTimeout,
    Id::TcpRefused,
    Id::TcpUnreachable,
    Id::TcpReset,
    Id::SumdbUnreachable,
    Id::DnsNxdomainFiltered,
    Id::DnsNoResolution,
    Id::DnsSystemResolverDown,
    Id::TlsHandshakeTimeout,
    Id::TlsResetDuringHandshake,
];

/// Puts a configuration cause the text shows ahead of the symptom it explains. `lines` are the
/// classified records and the context lines (prompts naming a proxy variable). `found` is
/// sorted, most likely first.
pub(super) fn promote(lines: &[&str], found: &mut Vec<Cause>, lang: Lang) {
    let Some(top) = found.first() else {
        return;
    };
    let (http, https) = proxy_variables(lines);
    if http && !https && DIRECT_HTTPS_SYMPTOMS.contains(&top.id) {
        let reason = if lang == Lang::Zh {
            format!(
                "只设置了 HTTP_PROXY，没有 HTTPS_PROXY：Go 的 https 请求不经过代理，于是{}",
                top.reason
            )
        } else {
            format!("HTTP_PROXY is set but HTTPS_PROXY is not: Go's https requests go around the proxy, so {}", top.reason)
        };
        let cause = Cause {
            id: Id::ConfigHttpProxyOnly,
            confidence: (top.confidence + 0.03).min(0.98),
            reason,
            matched: top.matched.clone(),
        };
        found.retain(|c| c.id != Id::ConfigHttpProxyOnly);
        found.insert(0, cause);
    }
    // Go's own warning: what `go env -w` set is not what Go uses.
    if let Some(i) = found
        .iter()
        .position(|c| c.id == Id::ConfigEnvOverridesGoenv)
    {
        if i > 0 {
            let mut cause = found.remove(i);
            cause.confidence = (found[0].confidence + 0.03).min(0.98);
            found.insert(0, cause);
        }
    }
}

/// Whether the text sets HTTP_PROXY, and whether it sets HTTPS_PROXY or ALL_PROXY (to a
/// non-empty value: `export https_proxy=` unsets it).
fn proxy_variables(lines: &[&str]) -> (bool, bool) {
    let (mut http, mut https) = (false, false);
    for word in lines.iter().flat_map(|l| l.split_whitespace()) {
        let Some((name, value)) = word.split_once('=') else {
            continue;
        };
        let name = name.trim_start_matches(['"', '\'']).to_ascii_uppercase();
        let name = name.trim_start_matches("$ENV:");
        let set = !value.trim_matches(['"', '\'', ';']).is_empty();
        match name {
            "HTTP_PROXY" => http |= set,
            "HTTPS_PROXY" | "ALL_PROXY" => https |= set,
            _ => {}
        }
    }
    (http, https)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause(id: Id, confidence: f64) -> Cause {
        Cause {
            id,
            confidence,
            reason: "r".into(),
            matched: "m".into(),
        }
    }

    #[test]
    fn http_proxy_alone_explains_a_direct_https_failure() {
        let mut found = vec![cause(Id::SumdbUnreachable, 0.9), cause(Id::TcpTimeout, 0.6)];
        promote(
            &["HTTP_PROXY=socks5://localhost:1086 go install x"],
            &mut found,
            Lang::En,
        );
        let ids: Vec<Id> = found.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            vec![
                Id::ConfigHttpProxyOnly,
                Id::SumdbUnreachable,
                Id::TcpTimeout
            ]
        );
        assert!(found[0].confidence > found[1].confidence);
        assert!(
            found[0].reason.contains("HTTPS_PROXY"),
            "{}",
            found[0].reason
        );

        // With HTTPS_PROXY set too (or a proxy error at the top), nothing changes.
        for (lines, top) in [
            (
                vec!["export HTTP_PROXY=http://p:1 HTTPS_PROXY=http://p:1"],
                Id::TcpTimeout,
            ),
            (vec!["export http_proxy=http://p:1"], Id::ProxyUnreachable),
        ] {
            let mut found = vec![cause(top, 0.9)];
            promote(&lines, &mut found, Lang::En);
            assert_eq!(found[0].id, top);
        }
    }

    #[test]
    fn the_go_env_warning_comes_before_the_error_beside_it() {
        let mut found = vec![
            cause(Id::ProxyUnreachable, 0.9),
            cause(Id::ConfigEnvOverridesGoenv, 0.9),
        ];
        promote(&[], &mut found, Lang::En);
        assert_eq!(found[0].id, Id::ConfigEnvOverridesGoenv);
        assert!(found[0].confidence > found[1].confidence);
    }
}
