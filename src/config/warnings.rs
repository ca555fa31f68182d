//! Configuration warnings, by identifier from ROOT_CAUSES.md: things that are true about the
//! configuration alone (no network) and that a user needs to know.

use crate::vocab::CauseId;
use serde::{Deserialize, Serialize};

use super::{pattern, GoConfig, GoToolCheck, Source};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ConfigWarning {
    /// A ROOT_CAUSES.md identifier, e.g. `config.http_proxy_only`.
    pub id: CauseId,
    /// The variable concerned (e.g. `GOPRIVATE`), "" when none.
    pub variable: String,
    /// A one-line explanation (values shown masked).
    pub message: String,
    /// Go's own error text when Go would print one (credentials masked).
    pub go_error: Option<String>,
}

fn warn(id: CauseId, variable: &str, message: String, go_error: Option<String>) -> ConfigWarning {
    ConfigWarning {
        id,
        variable: variable.to_string(),
        message,
        go_error,
    }
}

/// The first pattern of a GONOSUMDB/GOINSECURE-style list that covers (nearly) every host:
/// its first element starts with a wildcard and names at most a top-level domain (`*`,
/// `*.com`, `*/*`); `*.corp.example` is specific and not broad.
fn is_broad(globs: &str) -> Option<String> {
    globs
        .split(',')
        .find(|g| {
            let first = g.split('/').next().unwrap_or("");
            first.starts_with('*') && first[1..].matches('.').count() <= 1
        })
        .map(str::to_string)
}

/// All warnings for a configuration, in a stable order.
pub fn check(config: &GoConfig) -> Vec<ConfigWarning> {
    let mut out = Vec::new();

    // go env -w values silently overridden by the OS environment.
    for v in &config.values {
        if v.source != Source::OsEnv {
            continue;
        }
        for sh in &v.shadowed {
            if let Source::EnvFile { path } = &sh.source {
                if sh.value != v.value {
                    out.push(warn(
                        CauseId::ConfigEnvOverridesGoenv,
                        &v.name,
                        format!(
                            "{name}={os} from the OS environment overrides {name}={file} set with `go env -w` in {path}; Go uses the OS value",
                            name = v.name,
                            os = v.value,
                            file = sh.value
                        ),
                        Some(format!(
                            "warning: go env -w {}=... does not override conflicting OS environment variable",
                            v.name
                        )),
                    ));
                }
            }
        }
    }
    // Proxy variables written into the env file by hand: net/http never reads them there
    // (and `go env -w HTTPS_PROXY=...` itself fails with Go's error below).
    for key in &config.env_file_ignored_keys {
        if key == "GOENV" {
            continue;
        }
        out.push(warn(
            CauseId::ConfigProxyViaGoEnv,
            key,
            format!(
                "{key} is written in the go env file {} but Go's HTTP client reads it only from the OS environment: it has no effect there",
                config.env_file_path
            ),
            Some(format!("go: unknown go command variable {key}")),
        ));
    }

    let proxy_env = config.proxy_env();
    let has_http = !proxy_env.http_proxy.is_empty();
    let has_https = !proxy_env.https_proxy.is_empty();
    if has_http && !has_https {
        out.push(warn(
            CauseId::ConfigHttpProxyOnly,
            &proxy_env.http_proxy_var,
            format!(
                "{} is set but HTTPS_PROXY is not: Go sends https:// requests (module proxies, checksum database, ?go-get=1) without a proxy",
                proxy_env.http_proxy_var
            ),
            None,
        ));
    }
    for bad in proxy_env.invalid_values() {
        out.push(warn(
            CauseId::ConfigProxyValueInvalid,
            &bad.variable,
            format!(
                "{}={} does not parse, and Go silently ignores it (no proxy is used)",
                bad.variable, bad.value
            ),
            Some(bad.error),
        ));
    }
    for (url, var) in [
        (proxy_env.http_proxy_url(), &proxy_env.http_proxy_var),
        (proxy_env.https_proxy_url(), &proxy_env.https_proxy_var),
    ] {
        if let Some(p) = url {
            if p.host.is_empty() {
                out.push(warn(
                    CauseId::ConfigProxyValueInvalid,
                    var,
                    format!(
                        "{var} does not name a proxy host (value {:?}); Go still uses it, and every request through it fails",
                        if var.eq_ignore_ascii_case("HTTPS_PROXY") { &proxy_env.https_proxy } else { &proxy_env.http_proxy }.masked()
                    ),
                    None,
                ));
            } else if !p.scheme_supported() {
                out.push(warn(
                    CauseId::ConfigProxyValueInvalid,
                    var,
                    format!(
                        "{var}={} uses the scheme {:?}; Go supports only http, https, socks5 and socks5h proxies",
                        p.redacted(),
                        p.scheme
                    ),
                    None,
                ));
            } else if p.port == 0 {
                out.push(warn(
                    CauseId::ConfigProxyValueInvalid,
                    var,
                    format!("{var}={} has an invalid port", p.redacted()),
                    None,
                ));
            }
        }
    }
    if proxy_env.cgi && has_http {
        out.push(warn(
            CauseId::ConfigProxyValueInvalid,
            "REQUEST_METHOD",
            "REQUEST_METHOD is set (a CGI environment): Go refuses HTTP_PROXY for http:// requests".into(),
            Some("refusing to use HTTP_PROXY value in CGI environment; see golang.org/s/cgihttpproxy".into()),
        ));
    }

    for var in ["GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOVCS"] {
        let value = config.get(var);
        // GONOPROXY/GONOSUMDB derived from GOPRIVATE repeat its problems: report once.
        if matches!(
            config.value(var).map(|v| &v.source),
            Some(Source::Derived { .. })
        ) {
            continue;
        }
        let entries = if var == "GOVCS" {
            value
                .split(',')
                .map(|r| r.rsplit_once(':').map_or(r, |(p, _)| p).to_string())
                .filter(|p| p.chars().any(char::is_whitespace))
                .collect::<Vec<_>>()
        } else {
            pattern::whitespace_entries(value)
        };
        for e in entries {
            out.push(warn(
                CauseId::ConfigPatternWhitespace,
                var,
                format!(
                    "{var} entry {e:?} contains whitespace; Go does not trim entries, so it never matches (write {:?})",
                    e.trim()
                ),
                None,
            ));
        }
        if var != "GOVCS" {
            for e in pattern::bad_entries(value) {
                out.push(warn(
                    CauseId::ConfigPatternWhitespace,
                    var,
                    format!("{var} entry {e:?} is not a valid glob (syntax error in pattern); Go ignores it"),
                    None,
                ));
            }
        }
    }

    if let Err(e) = config.proxy_list() {
        let message = if config.get("GOPROXY").is_empty() {
            format!(
                "GOPROXY is empty (not set anywhere{}): Go has no module proxy and no direct mode, every download fails",
                if config.goroot_go_env_present {
                    String::new()
                } else if config.goroot_go_env_path.is_empty() {
                    "; $GOROOT/go.env, which sets the defaults, was not found".to_string()
                } else {
                    format!(
                        "; {} is missing (a broken or repackaged Go installation)",
                        config.goroot_go_env_path
                    )
                }
            )
        } else {
            format!(
                "GOPROXY={} does not parse; every module download fails",
                config.shown("GOPROXY")
            )
        };
        out.push(warn(
            CauseId::ConfigGoproxyInvalid,
            "GOPROXY",
            message,
            Some(e),
        ));
    } else if config
        .proxy_list()
        .is_ok_and(|l| l.contains(&super::ProxyEntry::Off))
    {
        let exempt = config.effective_gonoproxy();
        out.push(warn(
            CauseId::ConfigGoproxyOff,
            "GOPROXY",
            if exempt.is_empty() {
                "GOPROXY contains off: module lookups stop there with \"module lookup disabled by GOPROXY=off\"".to_string()
            } else {
                format!("GOPROXY contains off: only modules matching GOPRIVATE/GONOPROXY ({exempt}) are fetched (directly); others fail")
            },
            Some("module lookup disabled by GOPROXY=off".into()),
        ));
    }
    match config.sumdb() {
        Err(e) => out.push(warn(
            CauseId::ConfigGosumdbInvalid,
            "GOSUMDB",
            format!("GOSUMDB={} does not parse; every checksum lookup fails", config.shown("GOSUMDB")),
            Some(format!("verifying module: {e}")),
        )),
        Ok(super::SumdbConfig::Off) => out.push(warn(
            CauseId::ConfigInsecureSettings,
            "GOSUMDB",
            "GOSUMDB=off: downloads of modules missing from go.sum are not verified against the checksum database".into(),
            None,
        )),
        Ok(_) => {}
    }
    if let Err(e) = config.govcs() {
        out.push(warn(
            CauseId::ConfigGoproxyInvalid,
            "GOVCS",
            format!("GOVCS={} does not parse", config.shown("GOVCS")),
            Some(format!("go: {e}")),
        ));
    }
    if let Some(b) = is_broad(config.effective_gonosumdb()) {
        out.push(warn(
            CauseId::ConfigInsecureSettings,
            "GONOSUMDB",
            format!("GONOSUMDB (or GOPRIVATE) contains the broad pattern {b:?}: checksum verification is skipped for most or all modules"),
            None,
        ));
    }
    if let Some(b) = is_broad(config.get("GOINSECURE")) {
        out.push(warn(
            CauseId::ConfigInsecureSettings,
            "GOINSECURE",
            format!("GOINSECURE contains the broad pattern {b:?}: direct fetches may use plain HTTP and skip certificate checks for most or all modules"),
            None,
        ));
    }
    let goflags = config.get("GOFLAGS");
    if goflags.split_whitespace().any(|f| {
        f == "-insecure"
            || f == "--insecure"
            || f.starts_with("-insecure=")
            || f.starts_with("--insecure=")
    }) {
        out.push(warn(
            CauseId::ConfigInsecureSettings,
            "GOFLAGS",
            "GOFLAGS contains -insecure, which Go no longer supports: `go get` fails at once; use GOINSECURE for specific hosts".into(),
            Some("go: -insecure flag is no longer supported; use GOINSECURE instead".into()),
        ));
    }
    match &config.go_tool {
        GoToolCheck::Missing { reason } => out.push(warn(
            CauseId::LocalGoMissing,
            "PATH",
            format!("{reason}: the effective configuration was computed from the environment and the env file"),
            None,
        )),
        GoToolCheck::Failed { go_path, error } => out.push(warn(
            CauseId::LocalGoMissing,
            "PATH",
            format!("{go_path} could not report its configuration ({error}); the effective configuration was computed from the environment and the env file"),
            None,
        )),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)], env_file: Option<&str>) -> GoConfig {
        crate::config::test_config(pairs, env_file)
    }

    fn ids(ws: &[ConfigWarning]) -> Vec<(CauseId, &str)> {
        ws.iter().map(|w| (w.id, w.variable.as_str())).collect()
    }

    #[test]
    fn clean_default_configuration_has_no_warnings() {
        assert_eq!(check(&config(&[("HOME", "/h")], None)), vec![]);
    }

    #[test]
    fn acceptance_configuration() {
        let ws = check(&config(
            &[
                (
                    "GOPROXY",
                    "https://goproxy.cn|https://proxy.golang.org,direct",
                ),
                ("GOPRIVATE", "github.com/acme, git.corp.example"),
                ("HTTP_PROXY", "http://u:secret@127.0.0.1:3128"),
            ],
            None,
        ));
        assert_eq!(
            ids(&ws),
            vec![
                (CauseId::ConfigHttpProxyOnly, "HTTP_PROXY"),
                (CauseId::ConfigPatternWhitespace, "GOPRIVATE")
            ]
        );
        assert!(
            ws[1].message.contains("\" git.corp.example\""),
            "{}",
            ws[1].message
        );
        let all = serde_json::to_string(&ws).unwrap();
        assert!(!all.contains("secret"));
    }

    #[test]
    fn env_overrides_goenv_and_ignored_file_keys() {
        let ws = check(&config(
            &[("GOPROXY", "https://os.example,direct"), ("GOSUMDB", "sum.golang.org")],
            Some("GOPROXY=https://file.example\nGOSUMDB=sum.golang.org\nHTTPS_PROXY=http://p:1\nGOENV=/x\n"),
        ));
        assert_eq!(
            ids(&ws),
            vec![
                (CauseId::ConfigEnvOverridesGoenv, "GOPROXY"),
                (CauseId::ConfigProxyViaGoEnv, "HTTPS_PROXY"),
            ]
        );
        assert_eq!(
            ws[0].go_error.as_deref(),
            Some("warning: go env -w GOPROXY=... does not override conflicting OS environment variable")
        );
        assert_eq!(
            ws[1].go_error.as_deref(),
            Some("go: unknown go command variable HTTPS_PROXY")
        );
    }

    #[test]
    fn invalid_values_carry_go_errors() {
        let ws = check(&config(
            &[
                ("GOPROXY", "goproxy.cn,Direct"),
                ("GOSUMDB", "sum.example.com"),
                ("HTTPS_PROXY", "http://pro\u{7f}xy:1"),
                ("REQUEST_METHOD", "GET"),
                ("HTTP_PROXY", "socks4://p:1"),
                ("GOVCS", "github.com"),
            ],
            None,
        ));
        let got = ids(&ws);
        for want in [
            (CauseId::ConfigProxyValueInvalid, "HTTPS_PROXY"),
            (CauseId::ConfigProxyValueInvalid, "HTTP_PROXY"),
            (CauseId::ConfigProxyValueInvalid, "REQUEST_METHOD"),
            (CauseId::ConfigGoproxyInvalid, "GOPROXY"),
            (CauseId::ConfigGosumdbInvalid, "GOSUMDB"),
            (CauseId::ConfigGoproxyInvalid, "GOVCS"),
        ] {
            assert!(got.contains(&want), "{want:?} not in {got:?}");
        }
        let blank = check(&config(&[("HTTPS_PROXY", " ")], None));
        assert_eq!(
            ids(&blank),
            vec![(CauseId::ConfigProxyValueInvalid, "HTTPS_PROXY")]
        );
        assert!(blank[0].message.contains("does not name a proxy host"));
        let gp = ws.iter().find(|w| w.variable == "GOPROXY").unwrap();
        assert_eq!(
            gp.go_error.as_deref(),
            Some("invalid proxy URL missing scheme: Direct")
        );
        let sd = ws.iter().find(|w| w.variable == "GOSUMDB").unwrap();
        assert_eq!(
            sd.go_error.as_deref(),
            Some("verifying module: invalid GOSUMDB: malformed verifier id")
        );
    }

    #[test]
    fn off_and_insecure_settings() {
        let ws = check(&config(
            &[
                ("GOPROXY", "off"),
                ("GOSUMDB", "off"),
                ("GONOSUMDB", "*"),
                ("GOINSECURE", "*.com"),
                ("GOFLAGS", "-mod=mod -insecure"),
            ],
            None,
        ));
        assert_eq!(
            ids(&ws),
            vec![
                (CauseId::ConfigGoproxyOff, "GOPROXY"),
                (CauseId::ConfigInsecureSettings, "GOSUMDB"),
                (CauseId::ConfigInsecureSettings, "GONOSUMDB"),
                (CauseId::ConfigInsecureSettings, "GOINSECURE"),
                (CauseId::ConfigInsecureSettings, "GOFLAGS"),
            ]
        );
        assert_eq!(
            ws[4].go_error.as_deref(),
            Some("go: -insecure flag is no longer supported; use GOINSECURE instead")
        );
        // "off" after "direct" is never reached: no warning.
        let ws = check(&config(&[("GOPROXY", "direct,off")], None));
        assert_eq!(ids(&ws), vec![]);
        // Specific patterns are not "broad".
        let ws = check(&config(
            &[
                ("GONOSUMDB", "*.corp.example"),
                ("GOINSECURE", "git.corp.example"),
            ],
            None,
        ));
        assert_eq!(ids(&ws), vec![]);
    }

    #[test]
    fn go_missing_and_missing_go_env() {
        let mut c = config(&[("HOME", "/h")], None);
        c.go_tool = GoToolCheck::Missing {
            reason: "no `go` executable on PATH".into(),
        };
        assert_eq!(ids(&check(&c)), vec![(CauseId::LocalGoMissing, "PATH")]);
        let mut no_go_env = config(&[("HOME", "/h")], None);
        no_go_env.goroot_go_env_present = false;
        for v in &mut no_go_env.values {
            if v.name == "GOPROXY" || v.name == "GOSUMDB" {
                v.value = Default::default();
                v.source = Source::Unset;
            }
        }
        let ws = check(&no_go_env);
        assert_eq!(
            ids(&ws),
            vec![
                (CauseId::ConfigGoproxyInvalid, "GOPROXY"),
                (CauseId::ConfigGosumdbInvalid, "GOSUMDB")
            ]
        );
        assert!(ws[0].message.contains("go.env"), "{}", ws[0].message);
    }
}
