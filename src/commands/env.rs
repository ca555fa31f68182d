//! `gomod-diag env`: Go's effective configuration with sources, the configuration warnings,
//! and (with `--module`) the route cmd/go would take for a module. No network access.

use comfy_table::{presets, ContentArrangement, Table};
use serde::{Deserialize, Serialize};

use crate::commands::Ctx;
use crate::config::goenv::GoEnvComparison;
use crate::config::{warnings, ConfigWarning, GoConfig, GoToolCheck, ProxyChoice, Source};
use crate::exit;
use crate::plan::{route_module, ModuleRoute, ModuleTarget, StepAction, SumdbRoute};
use crate::redact::redact_text;

/// What `gomod-diag env --json` prints (everything redacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvReport {
    pub configuration: GoConfig,
    pub warnings: Vec<ConfigWarning>,
    /// One route per `--module`, in the order given.
    pub routes: Vec<ModuleRoute>,
    /// Shared keys where `go env -json` says something else than gomod-diag.
    pub go_env_disagreements: Vec<GoEnvComparison>,
}

/// Builds the report from a configuration and targets (pure).
pub fn build_env_report(config: &GoConfig, targets: &[ModuleTarget]) -> EnvReport {
    EnvReport {
        warnings: warnings::check(config),
        routes: targets.iter().map(|t| route_module(config, t)).collect(),
        go_env_disagreements: config
            .go_tool
            .disagreements()
            .into_iter()
            .cloned()
            .collect(),
        configuration: config.redacted(),
    }
}

pub fn run(ctx: &Ctx, args: &crate::cli::EnvArgs) -> anyhow::Result<u8> {
    let mut targets = Vec::new();
    for m in &args.modules {
        match ModuleTarget::parse(m) {
            Ok(t) => targets.push(t),
            Err(e) => {
                eprintln!("gomod-diag: error: --module: {}", redact_text(&e));
                return Ok(exit::USAGE);
            }
        }
    }
    let config = GoConfig::load_system();
    let report = build_env_report(&config, &targets);
    if ctx.global.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render_env_text(&report, ctx.color));
    }
    Ok(exit::SUCCESS)
}

/// A table in the house style: box drawing on a terminal, plain ASCII otherwise.
fn new_table(color: bool) -> Table {
    let mut t = Table::new();
    if color {
        t.load_style(presets::UTF8_FULL);
    } else {
        t.load_style(presets::ASCII_MARKDOWN);
    }
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t
}

fn bold(color: bool, s: &str) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn yellow(color: bool, s: &str) -> String {
    if color {
        format!("\x1b[33m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Where a value came from, for people.
pub fn describe_source(source: &Source) -> String {
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

/// The whole text output of `gomod-diag env` (already redacted).
pub fn render_env_text(report: &EnvReport, color: bool) -> String {
    let cfg = &report.configuration;
    let mut out = String::new();
    out.push_str(&bold(color, "Go configuration (as cmd/go reads it)"));
    out.push('\n');
    let mut table = new_table(color);
    table.set_header(vec!["Variable", "Value", "Source"]);
    for name in crate::config::variables() {
        let Some(v) = cfg.value(name) else { continue };
        if !show_variable(name, &v.value) {
            continue;
        }
        let mut source = describe_source(&v.source);
        for sh in &v.shadowed {
            source.push_str(&format!(
                "\noverrides {}={} from {}",
                v.name,
                redact_text(&sh.value),
                describe_source(&sh.source)
            ));
        }
        let value = if v.value.is_empty() {
            "(empty)".to_string()
        } else {
            redact_text(&v.value)
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
                let mut t = new_table(color);
                t.set_header(vec!["Variable", "gomod-diag", "go env"]);
                for c in bad {
                    t.add_row(vec![c.name.clone(), c.ours.clone(), c.go.clone()]);
                }
                s.push_str(&t.to_string());
                s.push('\n');
                s
            }
        }
    });

    out.push('\n');
    if report.warnings.is_empty() {
        out.push_str("Warnings: none\n");
    } else {
        out.push_str(&bold(
            color,
            &format!("Warnings ({})", report.warnings.len()),
        ));
        out.push('\n');
        for w in &report.warnings {
            out.push_str(&format!(
                "  {} {}{}\n",
                yellow(color, &format!("[{}]", w.id)),
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

    for route in &report.routes {
        out.push('\n');
        out.push_str(&render_route(cfg, route, color));
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
pub fn render_route(cfg: &GoConfig, route: &ModuleRoute, color: bool) -> String {
    let mut out = String::new();
    out.push_str(&bold(color, &format!("Route for {}", route.module)));
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
        let mut t = new_table(color);
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
                s.entry.clone(),
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
        out.push_str(&yellow(
            color,
            &format!(
                "  ! {} looks private ({reason}), yet Go sends its path to public services: {}.",
                route.module.path,
                route.public_services.join("; ")
            ),
        ));
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
pub fn suggested_goprivate(cfg: &GoConfig, module_path: &str) -> String {
    crate::plan::private::covering(cfg.get("GOPRIVATE"), module_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> GoConfig {
        crate::config::test_config(pairs, None)
    }

    #[test]
    fn text_shows_route_fallbacks_leak_and_fix_without_secrets() {
        let cfg = config(&[
            ("HOME", "/h"),
            (
                "GOPROXY",
                "https://goproxy.cn|https://proxy.golang.org,direct",
            ),
            ("GOPRIVATE", "github.com/acme, git.corp.example"),
            ("HTTP_PROXY", "http://u:secret@127.0.0.1:3128"),
        ]);
        let t = ModuleTarget::parse("git.corp.example/team/lib@v1.2.0").unwrap();
        let report = build_env_report(&cfg, &[t]);
        let text = render_env_text(&report, false);
        assert!(!text.contains("secret"), "{text}");
        for want in [
            "falls through on any error",
            "stops on any error but 404/410",
            "https://goproxy.cn/git.corp.example/team/lib/@v/list",
            "[config.pattern_whitespace]",
            "[config.http_proxy_only]",
            "looks private",
            "go env -w GOPRIVATE=github.com/acme,git.corp.example",
            "https://goproxy.cn/sumdb/sum.golang.org/supported",
            "$GOROOT/go.env (/usr/local/go/go.env)",
            "http://u:xxxxx@127.0.0.1:3128",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        let json = serde_json::to_string(&report).unwrap();
        assert!(!json.contains("secret"), "{json}");
        let back: EnvReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back.routes.len(), 1);
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
}
