//! One module per subcommand: each turns parsed arguments into work and output. This is the
//! edge: the output context ([`Ctx`]) is settled here from flags, environment and terminal,
//! the catalog is loaded with `--checks` here, and reports are printed here.

pub mod completions;
pub mod env;
pub mod explain;
pub mod fix;
pub mod man;
pub mod mirrors;
pub mod probe;
pub mod probe_module;
pub mod report;
pub mod run;

use std::io::IsTerminal;

use crate::catalog::Catalog;
use crate::cli::{GlobalArgs, Lang, OutputFormat};
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
    pub fn new(mut global: GlobalArgs) -> Ctx {
        // `--format json` is `--json` for every command that reads the flag.
        global.json = global.output_format() == OutputFormat::Json;
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let plain = global.output_format() != OutputFormat::Text || global.ci;
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

/// Prints a report the way the flags ask (JSON, Markdown, CI line, or the text report) and
/// returns the exit code (README, "Exit codes"). Under GitHub Actions, `--ci` also appends
/// the Markdown report to the job summary.
pub fn emit(ctx: &Ctx, report: &Report, fail_on_findings: bool) -> anyhow::Result<u8> {
    let format = ctx.global.output_format();
    let github_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    if ctx.global.ci && github_actions {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            let summary = crate::redact::mask_text(&render::report(report, ReportFormat::Markdown));
            if let Err(e) = append(std::path::Path::new(&path), &summary) {
                eprintln!(
                    "gomod-diag: warning: cannot append the job summary to GITHUB_STEP_SUMMARY ({}): {e}",
                    std::path::Path::new(&path).display()
                );
            }
        }
    }
    let format = if format == OutputFormat::Json {
        ReportFormat::Json
    } else if format == OutputFormat::Markdown {
        ReportFormat::Markdown
    } else if ctx.global.ci {
        ReportFormat::Ci { github_actions }
    } else {
        ReportFormat::Text(render::terminal::TextStyle {
            paint: Paint { on: ctx.color },
            verbose: ctx.global.verbose,
        })
    };
    // Credentials are masked by their types when the report is serialized or rendered; the
    // whole output also passes the free-text net on its way out.
    out_painted(
        &crate::redact::mask_text(&render::report(report, format)),
        ctx.color,
    )?;
    Ok(crate::report::exit_code(&report.verdict, fail_on_findings))
}

/// Writes a command's output to standard output (the caller has masked it). A reader that
/// went away (`gomod-diag | head -1`) is no error: the rest is dropped quietly and the exit
/// code still tells the verdict. Any other failure (a full disk) is an [`OutputError`].
pub fn out(text: &str) -> anyhow::Result<()> {
    out_painted(text, false)
}

/// [`out`] for a text that may hold gomod-diag's colours (`colour`: `Ctx::color`).
pub fn out_painted(text: &str, colour: bool) -> anyhow::Result<()> {
    use std::io::Write as _;
    // Every output passes the one escaping helper: no peer text reaches the terminal as
    // control characters (with colour on, only the colour codes of render::Paint pass).
    let text = render::escape::output(text, colour);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(OutputError(e).into()),
        _ => Ok(()),
    }
}

/// Appends to a file, creating it (GitHub's job summary file is appended to, step by step).
fn append(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")
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

/// The credentials cmd/go would add to its https requests (GOAUTH; the netrc file is read
/// here, at the edge: `$NETRC`, else `~/.netrc`, or `%USERPROFILE%\_netrc` on Windows when
/// it exists).
pub fn credentials(config: &crate::config::GoConfig) -> crate::config::goauth::Credentials {
    use crate::config::goauth::{parse_goauth, AuthMethod, Credentials};
    let methods = match parse_goauth(config.get("GOAUTH")) {
        Ok(m) => m,
        Err(e) => {
            let mut c = Credentials::default();
            c.not_observed.push(e);
            return c;
        }
    };
    let path = netrc_path();
    let text = methods
        .contains(&AuthMethod::Netrc)
        .then(|| path.as_ref().and_then(|p| std::fs::read_to_string(p).ok()))
        .flatten();
    let name = path.map(|p| p.display().to_string()).unwrap_or_default();
    Credentials::from_goauth(&methods, text.as_deref(), &name)
}

fn netrc_path() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("NETRC").filter(|p| !p.is_empty()) {
        return Some(p.into());
    }
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })?;
    let home = std::path::PathBuf::from(home);
    if cfg!(windows) && home.join("_netrc").exists() {
        return Some(home.join("_netrc"));
    }
    Some(home.join(".netrc"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_precedence() {
        let env = crate::test_support::env_of;
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
