//! `gomod-diag report FILE`: re-render and re-diagnose a saved JSON report with today's rules.

use std::io::Read;

use anyhow::Context;

use crate::cli::ReportArgs;
use crate::commands::Ctx;
use crate::report::{decode_report_text, rediagnose, Report, Style, MAX_REPORT_BYTES};

pub fn run(ctx: &Ctx, args: &ReportArgs) -> anyhow::Result<u8> {
    let cap = MAX_REPORT_BYTES;
    let (name, bytes) = if args.file == "-" {
        let name = "standard input".to_string();
        let bytes = read_capped(std::io::stdin().lock(), cap)
            .with_context(|| format!("cannot read the report from {name}"))?;
        (name, bytes)
    } else {
        let name = format!("{:?}", args.file);
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot read the report {name}"))?;
        let bytes =
            read_capped(file, cap).with_context(|| format!("cannot read the report {name}"))?;
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

/// Up to `cap` bytes of `r`; `None` when there is more (memory stays bounded by the cap).
fn read_capped(r: impl Read, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    r.take(cap + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= cap).then_some(bytes))
}
