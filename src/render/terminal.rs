//! The terminal report: a compact table of the probes, then the verdict — the cause in one
//! sentence, the evidence, the fix commands, what Go would print, and the findings.

use crate::cli::Lang;
use std::fmt::Write as _;

use comfy_table::{presets, ContentArrangement, Table};

use super::paint::Paint;
use crate::facts::observed::Fetch;
use crate::redact::mask_value;
use crate::report::Report;

/// Output settings for the text report.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub paint: Paint,
    /// `-v`: every fact, not only the table.
    pub verbose: u8,
}

/// The whole text report.
pub fn render(r: &Report, style: TextStyle) -> String {
    let p = style.paint;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.bold(&format!(
            "gomod-diag {} — {}",
            r.tool.version, r.prediction.command
        ))
    );
    let lang = r.verdict.lang;
    for t in &r.facts.targets {
        let why = crate::catalog::details::localize_list(&t.why, lang);
        let _ = writeln!(out, "{}", p.dim(&format!("  {}: {why}", t.module)));
    }
    out.push('\n');
    // Nothing probed (e.g. GOPROXY=off): no empty table.
    let table = probe_table(r, p.on);
    if table.row_count() > 0 {
        out.push_str(&table.to_string());
        out.push_str("\n\n");
    }
    out.push_str(&verdict_text(r, p));
    if style.verbose > 0 {
        let _ = writeln!(out, "\n{}", p.bold("All facts:"));
        let facts = serde_json::to_string_pretty(&r.facts).unwrap_or_default();
        out.push_str(&facts);
        out.push('\n');
    }
    out
}

/// One row per probe: target, stage, result, time.
pub fn probe_table(r: &Report, color: bool) -> Table {
    let mut t = Table::new();
    t.load_style(if color {
        presets::UTF8_FULL_CONDENSED
    } else {
        presets::ASCII_FULL_CONDENSED
    })
    .set_content_arrangement(ContentArrangement::Dynamic)
    .set_header(if r.verdict.lang == crate::cli::Lang::Zh {
        vec!["目标", "阶段", "结果", "耗时"]
    } else {
        vec!["target", "stage", "result", "time"]
    });
    for d in &r.facts.dns {
        let mut result = format!("system {}: {}", d.system.server, answer_text(&d.system));
        for p in &d.public {
            result.push_str(
                &format!(
                    "\npublic {} ({:?}): {}",
                    p.server,
                    p.transport,
                    answer_text(p)
                )
                .to_lowercase(),
            );
        }
        if let Some(h) = &d.hosts {
            result.push_str(&format!(
                "\nhosts file pins {}",
                super::cut_list(h.addrs.iter().map(|a| a.to_string()), ", ")
            ));
        }
        t.add_row(vec![
            d.name.clone(),
            "dns".into(),
            result,
            ms(d.system.time_ms),
        ]);
    }
    for e in &r.facts.endpoints {
        let target = if e.route.expose() == "direct" {
            format!("{}:{}", e.host, e.port)
        } else {
            format!("{}:{}\nvia {}", e.host, e.port, e.route)
        };
        let (stage, result) = match &e.failure {
            Some(f) => (
                format!("{:?}", f.stage).to_lowercase(),
                format!(
                    "{} — {}",
                    f.cause.map_or(f.class.clone(), |c| c.to_string()),
                    f.go_error
                ),
            ),
            None => (
                "tls".into(),
                if e.findings.is_empty() {
                    "ok".into()
                } else {
                    format!("ok ({})", crate::vocab::cause::join(&e.findings))
                },
            ),
        };
        t.add_row(vec![target, stage, result, ms(e.time_ms)]);
    }
    for (url, f) in &r.facts.observations.http {
        let result = match f {
            Fetch::Status {
                code,
                reason,
                content_type,
                size,
                ..
            } => {
                format!(
                    "{code} {reason}{}",
                    if content_type.is_empty() {
                        String::new()
                    } else {
                        format!(" ({content_type}, {size} B)")
                    }
                )
            }
            Fetch::NetError { class, .. } => class.to_string(),
        };
        t.add_row(vec![
            mask_value(url),
            "http".into(),
            result,
            format!("{} ms", f.elapsed_ms()),
        ]);
    }
    for (module, d) in &r.facts.observations.direct {
        t.add_row(vec![
            module.clone(),
            "direct".into(),
            d.class.to_string(),
            String::new(),
        ]);
    }
    t
}

fn answer_text(a: &crate::probe::dns::ResolverAnswer) -> String {
    if a.class.answered() {
        super::cut_list(a.addrs().iter().map(|ip| ip.to_string()), ", ")
    } else {
        format!("{:?}", a.class).to_lowercase()
    }
}

fn ms(v: f64) -> String {
    format!("{v:.0} ms")
}

/// The fixed words of the text report, in the report's language.
struct Labels {
    fail: &'static str,
    succeed: &'static str,
    inconclusive: &'static str,
    evidence: &'static str,
    fix: &'static str,
    go_prints: &'static str,
    findings: &'static str,
    see: &'static str,
}

fn labels(lang: Lang) -> Labels {
    if lang == Lang::Zh {
        Labels {
            fail: "Go 会失败",
            succeed: "Go 会成功",
            inconclusive: "无法判断：没有足够的事实做出预测",
            evidence: "依据：",
            fix: "修复",
            go_prints: "Go 会输出",
            findings: "其他发现：",
            see: "参见",
        }
    } else {
        Labels {
            fail: "Go will fail",
            succeed: "Go will succeed",
            inconclusive: "Inconclusive — no prediction possible",
            evidence: "Evidence:",
            fix: "Fix",
            go_prints: "Go would print",
            findings: "Findings:",
            see: "see",
        }
    }
}

/// The verdict block.
pub fn verdict_text(r: &Report, p: Paint) -> String {
    let v = &r.verdict;
    let l = labels(v.lang);
    let mut out = String::new();
    let head = if v.go_will_succeed {
        p.green(&format!("✓ {} — {}", l.succeed, v.cause.title))
    } else if v.is_inconclusive() {
        p.yellow(&format!("? {}", l.inconclusive))
    } else {
        p.red(&format!(
            "✗ {} — {} ({})",
            l.fail, v.cause.title, v.cause.id
        ))
    };
    let _ = writeln!(out, "{}", p.bold(&head));
    let _ = writeln!(out, "  {}", v.cause.summary);
    // What the run assumed instead of waiting as long as Go (probe::pace).
    for a in &r.facts.assumptions {
        let _ = writeln!(out, "  {}", p.yellow(&format!("Assumed: {a}")));
    }
    if r.facts.assumptions.iter().any(|a| a.contains(" Go waits ")) {
        let _ = writeln!(
            out,
            "  {}",
            p.dim("(--patient waits as long as Go would, to confirm)")
        );
    }
    if !v.go_will_succeed && !v.cause.explanation.is_empty() {
        for line in v.cause.explanation.trim().lines() {
            let _ = writeln!(out, "  {}", p.dim(line));
        }
    }
    if !v.evidence.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold(l.evidence));
        for (i, e) in v.evidence.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}: {}", i + 1, e.fact, e.observation);
        }
    }
    if let Some(fixes) = &v.fixes {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold(&format!("{} ({}):", l.fix, shell_name(v.shell)))
        );
        if fixes.weakens_security {
            if let Some(w) = &fixes.warning {
                let _ = writeln!(out, "  {}", p.yellow(&format!("⚠ {w}")));
            }
        }
        for (i, s) in fixes.steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, s.text);
            if let Some(c) = &s.command {
                for line in c.lines() {
                    let _ = writeln!(out, "       {}", p.bold(line));
                }
            }
        }
        for d in &fixes.docs {
            let _ = writeln!(out, "  {}", p.dim(&format!("{} {d}", l.see)));
        }
    }
    if let Some(e) = &v.go_error {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold(&format!("{} ({}):", l.go_prints, r.prediction.command))
        );
        for line in e.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !v.findings.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold(l.findings));
        for f in &v.findings {
            let _ = writeln!(out, "  - {} ({}): {}", f.title, f.id, f.summary);
        }
    }
    out
}

fn shell_name(s: crate::shell::Shell) -> &'static str {
    use crate::shell::Shell::*;
    match s {
        Bash => "bash",
        Zsh => "zsh",
        Fish => "fish",
        PowerShell => "PowerShell",
        Cmd => "cmd",
    }
}
