//! The text of `gomod-diag env`: Go's effective configuration with sources, the configuration
//! warnings, and the route cmd/go would take for each `--module`.

use comfy_table::{presets, ContentArrangement, Table};

use super::paint::Paint;
use crate::config::goenv::GoEnvComparison;
use crate::config::{ConfigWarning, GoConfig, GoToolCheck, ProxyChoice, Source};
use crate::plan::{ModuleRoute, StepAction, SumdbRoute};

/// A table in the house style: box drawing on a terminal, plain ASCII otherwise.
fn new_table(paint: Paint) -> Table {
    let mut t = Table::new();
    if paint.on {
        t.load_style(presets::UTF8_FULL);
    } else {
        t.load_style(presets::ASCII_MARKDOWN);
    }
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t
}

/// Where a value came from, for people.
pub(super) fn describe_source(source: &Source) -> String {
    match source {
        Source::OsEnv => "OS environment".into(),
        Source::EnvFile { path } => format!("go env file ({path})"),
        Source::GorootGoEnv { path } => format!("$GOROOT/go.env ({path})"),
        Source::Default => "default".into(),
        Source::Derived { from } => format!("default (from {from})"),
        Source::GoCommand => "go env GOROOT".into(),
        Source::Unset => "not set".into(),
    }
}

/// Proxy variables listed even when unset (their absence matters); the lower-case twins only
/// when set.
fn show_variable(name: &str, value: &str) -> bool {
    !value.is_empty()
        || !matches!(
            name,
            "http_proxy" | "https_proxy" | "no_proxy" | "REQUEST_METHOD"
        )
}

/// The whole text output of `gomod-diag env` (values redacted): the configuration `cfg`, its
/// warnings, and one route per `--module`.
pub fn text(
    cfg: &GoConfig,
    warnings: &[ConfigWarning],
    routes: &[ModuleRoute],
    paint: Paint,
) -> String {
    let mut out = String::new();
    out.push_str(&paint.bold("Go configuration (as cmd/go reads it)"));
    out.push('\n');
    let mut table = new_table(paint);
    table.set_header(vec!["Variable", "Value", "Source"]);
    for name in crate::config::variables() {
        let Some(v) = cfg.value(name) else { continue };
        if !show_variable(name, &v.value.masked()) {
            continue;
        }
        let mut source = describe_source(&v.source);
        for sh in &v.shadowed {
            source.push_str(&format!(
                "\noverrides {}={} from {}",
                v.name,
                sh.value,
                describe_source(&sh.source)
            ));
        }
        let value = if v.value.is_empty() {
            "(empty)".to_string()
        } else {
            v.value.to_string()
        };
        table.add_row(vec![name.to_string(), value, source]);
    }
    out.push_str(&table.to_string());
    out.push('\n');

    out.push_str(
        &match (cfg.env_file_path.is_empty(), cfg.env_file_present) {
            (true, _) => {
                "go env file: none (GOENV=off or no user configuration directory)\n".into()
            }
            (false, true) => format!("go env file: {}\n", cfg.env_file_path),
            (false, false) => format!("go env file: {} (does not exist)\n", cfg.env_file_path),
        },
    );
    if cfg.goroot_go_env_path.is_empty() {
        out.push_str(
            "$GOROOT/go.env: GOROOT unknown (no go on PATH, no $GOROOT): the standard defaults are assumed\n",
        );
    } else {
        out.push_str(&format!(
            "$GOROOT/go.env: {}{}\n",
            cfg.goroot_go_env_path,
            if cfg.goroot_go_env_present {
                ""
            } else {
                " (does not exist)"
            }
        ));
    }
    out.push_str(&match &cfg.go_tool {
        GoToolCheck::NotChecked => String::new(),
        GoToolCheck::Missing { reason } => {
            format!("go command: {reason}; values computed from the environment and the env file\n")
        }
        GoToolCheck::Failed { go_path, error } => {
            format!("go command: {go_path} could not report its configuration: {error}\n")
        }
        GoToolCheck::Ran {
            go_path,
            comparisons,
        } => {
            let bad: Vec<&GoEnvComparison> = comparisons.iter().filter(|c| !c.agrees).collect();
            if bad.is_empty() {
                format!(
                    "go command: {go_path}; `go env -json` agrees on all {} shared variables\n",
                    comparisons.len()
                )
            } else {
                let mut s = format!(
                    "go command: {go_path}; `go env -json` DISAGREES on {} variable(s):\n",
                    bad.len()
                );
                let mut t = new_table(paint);
                t.set_header(vec!["Variable", "gomod-diag", "go env"]);
                for c in bad {
                    t.add_row(vec![c.name.clone(), c.ours.to_string(), c.go.to_string()]);
                }
                s.push_str(&t.to_string());
                s.push('\n');
                s
            }
        }
    });

    out.push('\n');
    if warnings.is_empty() {
        out.push_str("Warnings: none\n");
    } else {
        out.push_str(&paint.bold(&format!("Warnings ({})", warnings.len())));
        out.push('\n');
        for w in warnings {
            out.push_str(&format!(
                "  {} {}{}\n",
                paint.yellow(&format!("[{}]", w.id)),
                if w.variable.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", w.variable)
                },
                w.message
            ));
            if let Some(e) = &w.go_error {
                out.push_str(&format!("      Go says: {}\n", e.replace('\n', "\n      ")));
            }
        }
    }

    for route in routes {
        out.push('\n');
        out.push_str(&route_text(cfg, route, paint));
    }
    out
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn describe_choice(c: &Option<ProxyChoice>) -> String {
    match c {
        None => "-".into(),
        Some(c) => c.describe(),
    }
}

/// The route for one module, as text.
pub fn route_text(cfg: &GoConfig, route: &ModuleRoute, paint: Paint) -> String {
    let mut out = String::new();
    out.push_str(&paint.bold(&format!("Route for {}", route.module)));
    out.push('\n');
    out.push_str(&format!(
        "  matches GOPRIVATE: {}, GONOPROXY: {}, GONOSUMDB: {}, GOINSECURE: {}\n",
        yes_no(route.matches_goprivate),
        yes_no(route.matches_gonoproxy),
        yes_no(route.matches_gonosumdb),
        yes_no(route.matches_goinsecure)
    ));
    if let Some(e) = &route.goproxy_error {
        out.push_str(&format!(
            "  GOPROXY does not parse; Go stops before any request with: {e}\n"
        ));
    } else {
        let mut t = new_table(paint);
        t.set_header(vec![
            "#",
            "GOPROXY entry",
            "What Go does",
            "If it fails",
            "HTTP proxy",
        ]);
        for (i, s) in route.steps.iter().enumerate() {
            let what = match &s.action {
                StepAction::AskProxy { list_url, .. } => format!("asks the proxy: GET {list_url}"),
                StepAction::FetchDirect { meta_url } => {
                    format!("fetches directly from the origin (VCS; first GET {meta_url} unless a known code host)")
                }
                StepAction::Skip { go_error, .. } => format!("skipped: \"{go_error}\""),
            };
            let fails = match &s.action {
                StepAction::Skip { .. } => "counts as not found: next entry".to_string(),
                _ if i + 1 == route.steps.len() => "last entry: Go reports the error".to_string(),
                _ => format!("'{}' {}", s.fallback.separator(), s.fallback.describe()),
            };
            t.add_row(vec![
                (i + 1).to_string(),
                s.entry.to_string(),
                what,
                fails,
                describe_choice(&s.http_proxy),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out.push_str(&format!(
        "  Direct (VCS) fetch on this route: {}{}\n",
        yes_no(route.fetches_direct),
        if route.fetches_direct && route.matches_goinsecure {
            " (GOINSECURE: plain HTTP and unverified TLS allowed)"
        } else {
            ""
        }
    ));
    out.push_str("  Checksum database: ");
    out.push_str(&match &route.sumdb {
        SumdbRoute::NotUsed { reason } => format!("not consulted ({reason})\n"),
        SumdbRoute::Invalid { go_error } => {
            format!("consulted, but GOSUMDB does not parse; every lookup fails: {go_error}\n")
        }
        SumdbRoute::Explicit {
            name,
            url,
            http_proxy,
            ..
        } => format!(
            "consulted: {name} at {url} (given in GOSUMDB, bypasses GOPROXY); HTTP proxy: {}\n",
            http_proxy.describe()
        ),
        SumdbRoute::ViaProxies {
            name,
            candidates,
            direct_url,
            direct_http_proxy,
            ..
        } => {
            let mut s = format!("consulted: {name}, reached lazily on the first lookup:\n");
            for c in candidates {
                if c.direct {
                    s.push_str("    direct: Go goes to the database itself (a `direct` entry outranks the errors before it)\n");
                    continue;
                }
                let on_error = if c.fallback == crate::config::FallbackMode::OnAnyError {
                    "404/410 or any other error ('|'): next"
                } else {
                    "404/410: next; any other error (','): database unavailable"
                };
                s.push_str(&format!(
                    "    GET {} → 200: use this proxy only; {on_error}  [HTTP proxy: {}]\n",
                    c.supported_url,
                    describe_choice(&c.http_proxy)
                ));
            }
            s.push_str(&format!(
                "    {}{direct_url} directly  [HTTP proxy: {}]\n",
                if candidates.iter().all(|c| c.direct) { "" } else { "else " },
                direct_http_proxy.describe()
            ));
            s
        }
    });
    if route.leaks_to_public {
        let reason = route.looks_private.clone().unwrap_or_default();
        out.push_str(&paint.yellow(&format!(
            "  ! {} looks private ({reason}), yet Go sends its path to public services: {}.",
            route.module.path,
            route
                .public_services
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )));
        out.push('\n');
        out.push_str(&format!(
            "    Fix: go env -w GOPRIVATE={}{}\n",
            suggested_goprivate(cfg, &route.module.path),
            if matches!(
                cfg.value("GOPRIVATE").map(|v| &v.source),
                Some(Source::OsEnv)
            ) {
                "   (GOPRIVATE is set in the OS environment, which overrides go env -w: change it there)"
            } else {
                ""
            }
        ));
    }
    out
}

/// GOPRIVATE made to cover the module (entries trimmed, the organisation's pattern added).
fn suggested_goprivate(cfg: &GoConfig, module_path: &str) -> String {
    crate::plan::private::covering(cfg.get("GOPRIVATE"), module_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{route_module, ModuleTarget};

    fn config(pairs: &[(&str, &str)]) -> GoConfig {
        crate::config::test_config(pairs, None)
    }

    #[test]
    fn suggested_goprivate_adds_host() {
        let cfg = config(&[("GOPRIVATE", "a.example")]);
        assert_eq!(
            suggested_goprivate(&cfg, "b.example/x/y"),
            "a.example,b.example"
        );
        assert_eq!(suggested_goprivate(&cfg, "a.example/x"), "a.example");
    }

    #[test]
    fn colour_only_when_painting() {
        let cfg = config(&[("HOME", "/h"), ("GOPRIVATE", "git.corp.example")]);
        let route = route_module(
            &cfg,
            &ModuleTarget::parse("git.corp.example/team/lib@v1.2.0").unwrap(),
        );
        let plain = text(&cfg, &[], std::slice::from_ref(&route), Paint { on: false });
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(
            plain.contains("Route for git.corp.example/team/lib@v1.2.0\n"),
            "{plain}"
        );
        assert!(plain.contains("Warnings: none\n"), "{plain}");
        let painted = route_text(&cfg, &route, Paint { on: true });
        assert!(
            painted.starts_with("\x1b[1mRoute for git.corp.example/team/lib@v1.2.0\x1b[0m\n"),
            "{painted}"
        );
    }
}
