//! The edge: parse the command line, settle the output context, dispatch, map to exit codes.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::{Command, GlobalArgs, Lang};
use crate::{commands, exit, redact};

/// How output is rendered, settled once from flags, environment and the terminal.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub global: GlobalArgs,
    /// Colour on stdout: a terminal, no `--no-color`, no `NO_COLOR`, not JSON, not CI.
    pub color: bool,
    /// Progress spinners on stderr: a terminal, not JSON, not CI.
    pub progress: bool,
    pub lang: Lang,
    pub shell: crate::shell::Shell,
    /// The probes' `GOMOD_DIAG_*` test hooks, read here once.
    pub probe_hooks: crate::probe::ProbeHooks,
}

impl Ctx {
    pub fn new(global: GlobalArgs) -> Ctx {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let plain = global.json || global.ci;
        let color = !plain && !global.no_color && !no_color_env && std::io::stdout().is_terminal();
        let progress = !plain && std::io::stderr().is_terminal();
        let lang = global
            .lang
            .unwrap_or_else(|| lang_from_locale(&|k| std::env::var(k).ok()));
        let shell = match global.shell {
            Some(arg) => crate::shell::Shell::from_arg(arg),
            None => crate::platform::shell::detect().shell,
        };
        let probe_hooks = crate::probe::ProbeHooks::from_lookup(&|k| std::env::var_os(k));
        Ctx {
            global,
            color,
            progress,
            lang,
            shell,
            probe_hooks,
        }
    }
}

/// The language from the POSIX locale variables, in their order of precedence.
pub fn lang_from_locale(var: &dyn Fn(&str) -> Option<String>) -> Lang {
    for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Some(v) = var(key).filter(|v| !v.is_empty()) {
            return if v.to_ascii_lowercase().starts_with("zh") {
                Lang::Zh
            } else {
                Lang::En
            };
        }
    }
    Lang::En
}

pub fn main() -> ExitCode {
    // One crypto provider for every rustls user in the process (reqwest, hickory, our probes).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();

    let cli = match crate::cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        // clap prints help/version (exit 0) or the usage error (exit 2) itself.
        Err(e) => e.exit(),
    };
    let ctx = Ctx::new(cli.global.clone());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gomod-diag: error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::INCONCLUSIVE);
        }
    };
    let result = runtime.block_on(dispatch(&ctx, cli.command, cli.run));
    // Probes may leave blocking lookups behind; never let them hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!(
                "gomod-diag: error: {}",
                redact::mask_text(&format!("{e:#}"))
            );
            ExitCode::from(exit::USAGE)
        }
    }
}

async fn dispatch(
    ctx: &Ctx,
    command: Option<Command>,
    run: crate::cli::RunArgs,
) -> anyhow::Result<u8> {
    match command {
        None => commands::run::run(ctx, &run).await,
        Some(Command::Run(args)) => commands::run::run(ctx, &args).await,
        Some(Command::Env(args)) => commands::env::run(ctx, &args),
        Some(Command::Probe(args)) => commands::probe::run(ctx, &args).await,
        Some(Command::Explain(args)) => commands::explain::run(ctx, &args).await,
        Some(Command::Report(args)) => commands::report::run(ctx, &args),
        Some(Command::Completions(args)) => commands::completions::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_precedence() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(lang_from_locale(&env(&[])), Lang::En);
        assert_eq!(lang_from_locale(&env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(
            lang_from_locale(&env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            lang_from_locale(&env(&[("LC_ALL", ""), ("LANG", "zh_TW")])),
            Lang::Zh
        );
    }
}
