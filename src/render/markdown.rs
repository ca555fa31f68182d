//! `--format markdown`: a report to paste into a ticket (Jira, GitHub and GitLab issues) or a
//! GitHub Actions job summary. The verdict, the fix in the user's shell, the evidence, the
//! probes with their timings, the configuration (credentials masked), and the whole JSON
//! report in a collapsed block, so that a helpdesk re-diagnoses it with `gomod-diag report`
//! (which reads this Markdown too: [`extract_json`]).

use std::fmt::Write as _;

use crate::cli::Lang;
use crate::redact::mask_value;
use crate::report::Report;

/// The fixed words, in the report's language.
struct Labels {
    fail: &'static str,
    succeed: &'static str,
    inconclusive: &'static str,
    fix: &'static str,
    go_prints: &'static str,
    evidence: &'static str,
    fact: &'static str,
    observation: &'static str,
    probes: &'static str,
    timing: &'static str,
    deadline_hit: &'static str,
    findings: &'static str,
    config: &'static str,
    variable: &'static str,
    value: &'static str,
    source: &'static str,
    json: &'static str,
    see: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::Zh => Labels {
            fail: "Go 会失败",
            succeed: "Go 会成功",
            inconclusive: "无法判断",
            fix: "修复",
            go_prints: "Go 会输出",
            evidence: "依据",
            fact: "检查项",
            observation: "观察结果",
            probes: "探测与耗时",
            timing: "总耗时 {total} ms（时限 {deadline} ms），开始于 {started}",
            deadline_hit: "时限已到，部分探测被中断。",
            findings: "其他发现",
            config: "Go 的配置（凭据已隐藏）",
            variable: "变量",
            value: "值",
            source: "来源",
            json: "JSON 报告（帮助台可用 `gomod-diag report FILE` 重新诊断）",
            see: "参见",
        },
        Lang::En => Labels {
            fail: "Go will fail",
            succeed: "Go will succeed",
            inconclusive: "Inconclusive",
            fix: "Fix",
            go_prints: "Go would print",
            evidence: "Evidence",
            fact: "fact",
            observation: "observation",
            probes: "Probes and timings",
            timing: "{total} ms in all (deadline {deadline} ms), started {started}",
            deadline_hit: "The deadline was reached: some probes were cut short.",
            findings: "Findings",
            config: "Go's configuration (credentials masked)",
            variable: "variable",
            value: "value",
            source: "source",
            json: "JSON report (re-diagnose with `gomod-diag report FILE`)",
            see: "see",
        },
    }
}

/// The whole Markdown report, ending with a newline.
pub fn render(r: &Report) -> String {
    let v = &r.verdict;
    let l = labels(v.lang);
    let mut out = String::new();
    let head = if v.go_will_succeed {
        format!("✅ {} — {}", l.succeed, v.cause.title)
    } else if v.is_inconclusive() {
        format!("❔ {} — {}", l.inconclusive, v.cause.title)
    } else {
        format!("❌ {} — {}", l.fail, v.cause.title)
    };
    let _ = writeln!(
        out,
        "## gomod-diag: {} (`{}`)\n",
        one_line(&head),
        v.cause.id
    );
    let _ = writeln!(out, "{}\n", one_line(&v.cause.summary));
    if !v.go_will_succeed && !v.cause.explanation.trim().is_empty() {
        for line in v.cause.explanation.trim().lines() {
            let _ = writeln!(out, "> {}", prose(line.trim_end()));
        }
        out.push('\n');
    }
    fixes(&mut out, r, &l);
    if let Some(e) = &v.go_error {
        let _ = writeln!(
            out,
            "### {} (`{}`)\n\n{}",
            l.go_prints,
            r.prediction.command,
            fence("text", e)
        );
    }
    if !v.evidence.is_empty() {
        let _ = writeln!(out, "### {}\n", l.evidence);
        let rows: Vec<Vec<String>> = v
            .evidence
            .iter()
            .enumerate()
            .map(|(i, e)| vec![(i + 1).to_string(), e.fact.clone(), e.observation.clone()])
            .collect();
        table(&mut out, &["#", l.fact, l.observation], &rows);
    }
    probes(&mut out, r, &l);
    if !v.findings.is_empty() {
        let _ = writeln!(out, "### {}\n", l.findings);
        let rows: Vec<Vec<String>> = v
            .findings
            .iter()
            .map(|f| vec![format!("`{}`", f.id), f.title.clone(), f.summary.clone()])
            .collect();
        table(&mut out, &["id", "", ""], &rows);
    }
    configuration(&mut out, r, &l);
    let json = serde_json::to_string_pretty(r)
        .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialize the report: {e}\"}}"));
    let _ = writeln!(
        out,
        "<details>\n<summary>{}</summary>\n\n{}\n</details>",
        l.json,
        fence("json", &json)
    );
    out
}

fn fixes(out: &mut String, r: &Report, l: &Labels) {
    let v = &r.verdict;
    let Some(fixes) = &v.fixes else { return };
    let (lang, name) = shell_fence(v.shell);
    let _ = writeln!(out, "### {} ({})\n", l.fix, name);
    if fixes.weakens_security {
        if let Some(w) = &fixes.warning {
            let _ = writeln!(out, "> ⚠️ {}\n", one_line(w));
        }
    }
    for (i, s) in fixes.steps.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, one_line(&s.text));
        if let Some(c) = &s.command {
            let _ = writeln!(out, "\n{}", indent(&fence(lang, c), "   "));
        }
    }
    if !fixes.docs.is_empty() {
        let docs: Vec<String> = fixes.docs.iter().map(|d| code_or_link(d)).collect();
        let _ = writeln!(out, "\n{}: {}", l.see, docs.join(" · "));
    }
    out.push('\n');
}

/// The code-fence language GitHub and GitLab highlight, and the shell's name.
fn shell_fence(s: crate::shell::Shell) -> (&'static str, &'static str) {
    use crate::shell::Shell::*;
    match s {
        Bash => ("bash", "bash"),
        Zsh => ("zsh", "zsh"),
        Fish => ("fish", "fish"),
        PowerShell => ("powershell", "PowerShell"),
        Cmd => ("bat", "cmd"),
    }
}

fn probes(out: &mut String, r: &Report, l: &Labels) {
    let t = super::terminal::probe_table(r, false);
    let header: Vec<String> = t
        .header()
        .map(|h| h.cell_iter().map(|c| c.content()).collect())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = t
        .row_iter()
        .map(|row| row.cell_iter().map(|c| c.content()).collect())
        .collect();
    let _ = writeln!(out, "### {}\n", l.probes);
    let f = &r.facts;
    let _ = writeln!(
        out,
        "{}\n",
        l.timing
            .replace("{total}", &format!("{:.0}", f.duration_ms))
            .replace("{deadline}", &f.deadline_ms.to_string())
            .replace("{started}", &f.started_at)
    );
    if f.deadline_expired {
        let _ = writeln!(out, "{}\n", l.deadline_hit);
    }
    if !rows.is_empty() {
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        table(out, &header, &rows);
    }
}

fn configuration(out: &mut String, r: &Report, l: &Labels) {
    let rows: Vec<Vec<String>> = r
        .config
        .values
        .iter()
        .filter(|v| !v.value.is_empty())
        .map(|v| {
            vec![
                format!("`{}`", v.name),
                code(&mask_value(&v.value.masked())),
                crate::catalog::details::localize(
                    &super::env::describe_source(&v.source),
                    r.verdict.lang,
                ),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {}\n", l.config);
    table(out, &[l.variable, l.value, l.source], &rows);
}

/// A Markdown table; cells are escaped (`|`, line breaks).
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let cell = |s: &str| {
        prose(s.trim())
            .replace('\\', "\\\\")
            .replace('|', "\\|")
            .replace("\r\n", "<br>")
            .replace('\n', "<br>")
    };
    let _ = writeln!(
        out,
        "| {} |",
        header
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(
            out,
            "| {} |",
            row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    out.push('\n');
}

/// A fenced code block whose fence is longer than any backtick run inside.
fn fence(lang: &str, body: &str) -> String {
    let longest = longest_run(body, '`');
    let f = "`".repeat(longest.max(2) + 1);
    format!("{f}{lang}\n{}\n{f}\n", body.trim_end_matches('\n'))
}

/// Inline code that survives backticks inside.
fn code(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let ticks = "`".repeat(longest_run(s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

fn code_or_link(d: &str) -> String {
    if d.starts_with("https://") || d.starts_with("http://") {
        format!("<{d}>")
    } else {
        code(d)
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        cur = if ch == c { cur + 1 } else { 0 };
        best = best.max(cur);
    }
    best
}

fn indent(s: &str, by: &str) -> String {
    s.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text outside code: one line, and a `<` that would open an HTML tag (`<new GOPRIVATE
/// value>`, a fix's hole) shown as itself.
fn one_line(s: &str) -> String {
    prose(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Escapes `&` and `<` outside inline code (inside it they show as they are).
fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut open: Option<usize> = None;
    while let Some(c) = chars.next() {
        if c == '`' {
            let mut n = 1;
            while chars.peek() == Some(&'`') {
                chars.next();
                n += 1;
            }
            open = match open {
                Some(m) if m == n => None,
                None => Some(n),
                other => other,
            };
            out.push_str(&"`".repeat(n));
            continue;
        }
        match (c, open) {
            ('&', None) => out.push_str("&amp;"),
            ('<', None) => out.push_str("&lt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The JSON report inside a Markdown report (the first fenced `json` block), for `report`.
/// None when the text has no such block.
pub fn extract_json(markdown: &str) -> Option<&str> {
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let t = line.trim();
        let ticks = longest_run(t, '`');
        if ticks >= 3 && t.starts_with(&"`".repeat(ticks)) && t[ticks..].trim() == "json" {
            let start = offset + line.len();
            let fence = "`".repeat(ticks);
            let mut pos = start;
            for inner in markdown[start..].split_inclusive('\n') {
                if inner.trim() == fence {
                    return Some(&markdown[start..pos]);
                }
                pos += inner.len();
            }
            return None;
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fence("text", "a"), "```text\na\n```\n");
        assert_eq!(fence("text", "x ```` y"), "`````text\nx ```` y\n`````\n");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }

    #[test]
    fn table_cells_are_escaped() {
        let mut out = String::new();
        table(&mut out, &["a", "b"], &[vec!["x|y".into(), "1\n2".into()]]);
        assert_eq!(out, "| a | b |\n|---|---|\n| x\\|y | 1<br>2 |\n\n");
        let mut out = String::new();
        table(&mut out, &["a"], &[vec!["<none> & more".into()]]);
        assert_eq!(out, "| a |\n|---|\n| &lt;none> &amp; more |\n\n");
        assert_eq!(prose("a<b `c<d` e&f"), "a&lt;b `c<d` e&amp;f");
    }

    #[test]
    fn extracts_the_json_block() {
        let md = "## t\n\n<details>\n\n```json\n{\"a\": 1}\n```\n</details>\n";
        assert_eq!(extract_json(md), Some("{\"a\": 1}\n"));
        let md = "````json\n{\"a\": \"```\"}\n````\n";
        assert_eq!(extract_json(md), Some("{\"a\": \"```\"}\n"));
        assert_eq!(extract_json("```text\nx\n```\n"), None);
        assert_eq!(extract_json("```json\n{ unterminated"), None);
        // Pasted back from a ticket with Windows line ends.
        assert_eq!(extract_json("```json\r\n{}\r\n```\r\n"), Some("{}\r\n"));
    }
}
