//! One module per subcommand: each turns parsed arguments into work and output. This is the
//! edge: the output context ([`Ctx`]) is settled here from flags, environment and terminal,
//! the catalog is loaded with `--checks` here, and reports are printed here.

pub mod completions;
pub mod env;
pub mod explain;
pub mod probe;
pub mod probe_module;
pub mod report;
pub mod run;

use std::io::IsTerminal;

use crate::catalog::Catalog;
use crate::cli::{GlobalArgs, Lang};
use crate::render::{self, Paint, ReportFormat};
use crate::report::Report;

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

/// Prints a report the way the flags ask (JSON, CI line, or the text report) and returns the
/// exit code (README, "Exit codes").
pub fn emit(ctx: &Ctx, report: &Report, fail_on_findings: bool) -> anyhow::Result<u8> {
    let format = if ctx.global.json {
        ReportFormat::Json
    } else if ctx.global.ci {
        ReportFormat::Ci {
            github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
        }
    } else {
        ReportFormat::Text(render::terminal::TextStyle {
            paint: Paint { on: ctx.color },
            verbose: ctx.global.verbose,
        })
    };
    // Credentials are masked by their types when the report is serialized or rendered; the
    // whole output also passes the free-text net on its way out.
    out(&crate::redact::mask_text(&render::report(report, format)))?;
    Ok(crate::report::exit_code(&report.verdict, fail_on_findings))
}

/// Writes a command's output to standard output (the caller has masked it). A reader that
/// went away (`gomod-diag | head -1`) is no error: the rest is dropped quietly and the exit
/// code still tells the verdict. Any other failure (a full disk) is an [`OutputError`].
pub fn out(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    // Every output passes the one escaping helper: no peer text reaches the terminal as
    // control characters.
    let text = render::escape::output(text);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(OutputError(e).into()),
        _ => Ok(()),
    }
}

/// Standard output could not be written.
#[derive(Debug)]
pub struct OutputError(pub std::io::Error);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write the output to standard output: {}", self.0)
    }
}

impl std::error::Error for OutputError {}

/// The built-in catalog, overlaid with `--checks DIR` when given.
pub fn catalog(ctx: &Ctx) -> anyhow::Result<Catalog> {
    match &ctx.global.checks {
        Some(dir) => Catalog::with_overlay(dir)
            .map_err(|e| anyhow::anyhow!("--checks {}: {e}", dir.display())),
        None => Ok(Catalog::builtin()),
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
