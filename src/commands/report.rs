//! `gomod-diag report FILE`: re-render and re-diagnose a saved JSON report with today's rules.

use std::io::Read;

use anyhow::Context;

use crate::cli::ReportArgs;
use crate::commands::Ctx;
use crate::report::{decode_report_text, rediagnose, Report, Style, MAX_REPORT_BYTES};

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

/// Reads a saved report: JSON, or Markdown holding it; `-` is standard input. UTF-8 (with
/// or without a BOM) or UTF-16 with a BOM, at most [`MAX_REPORT_BYTES`].
pub fn read(file: &str) -> anyhow::Result<Report> {
    let cap = MAX_REPORT_BYTES;
    let (name, bytes) = if file == "-" {
        let name = "standard input".to_string();
        let bytes = read_capped(std::io::stdin().lock(), cap)
            .with_context(|| format!("cannot read the report from {name}"))?;
        (name, bytes)
    } else {
        let name = format!("{file:?}");
        let f =
            std::fs::File::open(file).with_context(|| format!("cannot read the report {name}"))?;
        let bytes =
            read_capped(f, cap).with_context(|| format!("cannot read the report {name}"))?;
        (name, bytes)
    };
    let Some(bytes) = bytes else {
        anyhow::bail!(
            "{name} is larger than {} MiB, the most `report` reads: expected a report written by `gomod-diag --json`",
            cap >> 20
        );
    };
    let text = decode_report_text(&bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    drop(bytes);
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

/// Up to `cap` bytes of `r`; `None` when there is more (memory stays bounded by the cap).
fn read_capped(r: impl Read, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    r.take(cap + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= cap).then_some(bytes))
}
