//! `gomod-diag report FILE`: re-render and re-diagnose a saved JSON report with today's rules.

use std::io::Read;

use anyhow::Context;

use crate::cli::ReportArgs;
use crate::commands::Ctx;
use crate::report::{rediagnose, Report, Style};

pub fn run(ctx: &Ctx, args: &ReportArgs) -> anyhow::Result<u8> {
    let report = read(&args.file)?;
    let catalog = super::catalog(ctx)?;
    let style = Style {
        catalog: &catalog,
        lang: ctx.lang,
        shell: ctx.shell,
    };
    let report = rediagnose(report, &style).map_err(anyhow::Error::msg)?;
    super::emit(ctx, &report, false)
}

/// Reads a saved report: JSON, or Markdown holding it; `-` is standard input.
pub fn read(file: &str) -> anyhow::Result<Report> {
    let (name, text) = if file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the report from standard input")?;
        ("standard input".to_string(), s)
    } else {
        let s = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the report {file:?}"))?;
        (format!("{file:?}"), s)
    };
    if text.trim().is_empty() {
        anyhow::bail!("{name} is empty: expected a report written by `gomod-diag --json`");
    }
    // A Markdown report (`--format markdown`, pasted from a ticket) carries the JSON report
    // in a fenced block: read that.
    let json = if text.trim_start().starts_with('{') {
        text.as_str()
    } else {
        crate::render::markdown::extract_json(&text).with_context(|| {
            format!("{name} is neither a JSON report (`gomod-diag --json`) nor a Markdown report with its ```json block (`gomod-diag --format markdown`)")
        })?
    };
    serde_json::from_str(json).with_context(|| {
        format!("{name} is not a gomod-diag JSON report (written by `gomod-diag --json`)")
    })
}
