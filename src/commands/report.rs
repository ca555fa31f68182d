//! `gomod-diag report FILE`: re-render and re-diagnose a saved JSON report with today's rules.

use std::io::Read;

use anyhow::Context;

use crate::cli::ReportArgs;
use crate::commands::Ctx;
use crate::report::{rediagnose, Report, Style};

pub fn run(ctx: &Ctx, args: &ReportArgs) -> anyhow::Result<u8> {
    let (name, text) = if args.file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the report from standard input")?;
        ("standard input".to_string(), s)
    } else {
        let s = std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read the report {:?}", args.file))?;
        (format!("{:?}", args.file), s)
    };
    if text.trim().is_empty() {
        anyhow::bail!("{name} is empty: expected a report written by `gomod-diag --json`");
    }
    let report: Report = serde_json::from_str(&text).with_context(|| {
        format!("{name} is not a gomod-diag JSON report (written by `gomod-diag --json`)")
    })?;
    let catalog = super::catalog(ctx)?;
    let style = Style {
        catalog: &catalog,
        lang: ctx.lang,
        shell: ctx.shell,
    };
    let report = rediagnose(report, &style).map_err(anyhow::Error::msg)?;
    super::emit(ctx, &report, false)
}
