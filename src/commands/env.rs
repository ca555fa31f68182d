//! `gomod-diag env`: Go's effective configuration with sources, the configuration warnings,
//! and (with `--module`) the route cmd/go would take for a module. No network access.

use serde::{Deserialize, Serialize};

use crate::commands::Ctx;
use crate::config::goenv::GoEnvComparison;
use crate::config::{warnings, ConfigWarning, GoConfig};
use crate::exit;
use crate::plan::{route_module, ModuleRoute, ModuleTarget};
use crate::redact::mask_text;
use crate::render::{self, Paint};

/// What `gomod-diag env --json` prints (credentials masked when serialized).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
        configuration: config.clone(),
    }
}

pub fn run(ctx: &Ctx, args: &crate::cli::EnvArgs) -> anyhow::Result<u8> {
    let mut targets = Vec::new();
    for m in &args.modules {
        match ModuleTarget::parse(m) {
            Ok(t) => targets.push(t),
            Err(e) => {
                eprintln!(
                    "gomod-diag: error: --module: {}",
                    mask_text(&crate::catalog::details::localize(&e, ctx.lang))
                );
                return Ok(exit::USAGE);
            }
        }
    }
    let config = GoConfig::load_system();
    let report = build_env_report(&config, &targets);
    if ctx.global.json {
        // The values are masked by their types; the net catches what free text may hold.
        super::out(&format!(
            "{}\n",
            mask_text(&serde_json::to_string_pretty(&report)?)
        ))?;
    } else {
        let paint = Paint { on: ctx.color };
        super::out_painted(
            &mask_text(&render::env::text(
                &report.configuration,
                &report.warnings,
                &report.routes,
                paint,
                ctx.lang,
            )),
            paint.on,
        )?;
    }
    Ok(exit::SUCCESS)
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
        let text = render::env::text(
            &report.configuration,
            &report.warnings,
            &report.routes,
            Paint { on: false },
            crate::cli::Lang::En,
        );
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
}
