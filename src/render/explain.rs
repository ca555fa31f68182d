//! The text of `gomod-diag explain`: the ranked causes, what the text names, the fix for the
//! top cause, and the `--probe` verdict. Pure: the command reads the input, runs the probes and
//! prints what these functions return (through the free-text net).

use std::fmt::Write as _;

use crate::catalog::FixValues;
use crate::catalog::{fill_text, render_fix, Catalog};
use crate::cli::Lang;
use crate::explain::Explanation;
use crate::shell::Shell;
use crate::vocab::CauseId;

/// Labels of the text output.
struct Labels {
    causes: &'static str,
    none: &'static str,
    confidence: &'static str,
    found: &'static str,
    hosts: &'static str,
    urls: &'static str,
    addrs: &'static str,
    proxies: &'static str,
    modules: &'static str,
    dns: &'static str,
    fix: &'static str,
    docs: &'static str,
    warning: &'static str,
    probe_hint: &'static str,
}

const EN: Labels = Labels {
    causes: "Likely causes (most likely first):",
    none: "No known Go network error in this text. Paste the full output of the failing command (add -x for every request), or run `gomod-diag` to check the network directly.",
    confidence: "confidence",
    found: "The text names:",
    hosts: "hosts",
    urls: "URLs",
    addrs: "addresses",
    proxies: "proxies",
    modules: "modules",
    dns: "DNS servers",
    fix: "Fix",
    docs: "Docs",
    warning: "Warning",
    probe_hint: "To confirm on this network: gomod-diag (full diagnosis) or gomod-diag probe ...",
};

const ZH: Labels = Labels {
    causes: "可能的原因（按可能性排序）：",
    none: "这段文本里没有可识别的 Go 网络错误。请粘贴失败命令的完整输出（加 -x 可以看到每个请求），或者直接运行 `gomod-diag` 检查网络。",
    confidence: "置信度",
    found: "文本中提到：",
    hosts: "主机",
    urls: "URL",
    addrs: "地址",
    proxies: "代理",
    modules: "模块",
    dns: "DNS 服务器",
    fix: "修复方法",
    docs: "文档",
    warning: "警告",
    probe_hint: "要在本机网络上确认：运行 gomod-diag（完整诊断）或 gomod-diag probe ...",
};

/// The text of `gomod-diag explain`: the ranked causes, what the text names, and the fix for
/// the top cause (the steps for `shell`, filled with `values`).
pub fn render(
    ex: &Explanation,
    catalog: &Catalog,
    lang: Lang,
    shell: Shell,
    values: &FixValues,
) -> String {
    let l = if lang == Lang::Zh { &ZH } else { &EN };
    let mut out = String::new();
    if ex.causes.is_empty() {
        let _ = writeln!(out, "{}", l.none);
        return out;
    }
    let _ = writeln!(out, "{}", l.causes);
    for (i, c) in ex.causes.iter().enumerate() {
        let title = catalog
            .get(c.id.as_str(), lang)
            .map(|e| e.title)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}. {}  {}  ({} {:.2})",
            i + 1,
            c.id,
            title,
            l.confidence,
            c.confidence
        );
        let _ = writeln!(out, "     {}", c.reason);
        let _ = writeln!(out, "     > {}", c.matched);
    }
    let e = &ex.entities;
    let lists = [
        (l.modules, &e.modules),
        (l.hosts, &e.hosts),
        (l.addrs, &e.addrs),
        (l.proxies, &e.proxies),
        (l.dns, &e.dns_servers),
        (l.urls, &e.urls),
    ];
    if lists.iter().any(|(_, v)| !v.is_empty()) {
        let _ = writeln!(out, "\n{}", l.found);
        for (label, v) in lists {
            if !v.is_empty() {
                // The entities hold what the text names, credentials included.
                let shown: Vec<String> = v.iter().map(|x| crate::redact::mask_value(x)).collect();
                let _ = writeln!(out, "  {label}: {}", shown.join(", "));
            }
        }
    }
    let top = &ex.causes[0];
    if let Some(entry) = catalog.get(top.id.as_str(), lang) {
        let steps = render_fix(&entry, shell, values);
        let _ = writeln!(
            out,
            "\n{} ({}): {}",
            l.fix,
            shell.name(),
            fill_text(&entry.title, values, lang)
        );
        let _ = writeln!(
            out,
            "{}",
            indent(&fill_text(entry.explanation.trim(), values, lang), "  ")
        );
        if let Some(w) = &entry.warning {
            let _ = writeln!(out, "  {}: {w}", l.warning);
        }
        for (i, s) in steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, s.text);
            if let Some(cmd) = &s.command {
                let _ = writeln!(out, "{}", indent(cmd, "       "));
            }
        }
        if !entry.docs.is_empty() {
            let _ = writeln!(out, "  {}: {}", l.docs, entry.docs.join("  "));
        }
    }
    let _ = writeln!(out, "\n{}", l.probe_hint);
    out
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|line| format!("{prefix}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `--probe` verdict: each probe and the cause it shows (`ok` when it succeeds), then
/// whether this network confirms the cause the text suggested (`top`).
pub fn probe_verdict(
    probes: &[(&str, Option<CauseId>)],
    top: Option<CauseId>,
    confirmed: Option<CauseId>,
) -> String {
    let mut out = String::from("\nProbes on this network:\n");
    for (what, cause) in probes {
        let _ = writeln!(out, "  {}: {}", what, cause.unwrap_or(CauseId::Ok));
    }
    match (&confirmed, &top) {
        (Some(c), Some(t)) if c == t => {
            let _ = writeln!(out, "\nConfirmed here: {c}.");
        }
        (Some(c), _) => {
            let _ = writeln!(
                out,
                "\nThis network shows {c} (the text alone suggested {}).",
                top.map_or("nothing", CauseId::as_str)
            );
        }
        (None, _) => {
            let _ = writeln!(out, "\nEvery probe succeeds on this network now: the failure may have been elsewhere or transient.");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::{explain, explain_in, fix_values};

    const PROXY_DOWN: &str = "go: golang.org/x/text@v0.14.0: Get \"https://proxy.golang.org/golang.org/x/text/@v/v0.14.0.info\": proxyconnect tcp: dial tcp 127.0.0.1:7890: connect: connection refused";

    #[test]
    fn the_text_has_causes_then_names_then_the_fix_then_the_probe_hint() {
        let ex = explain(PROXY_DOWN);
        let c = Catalog::builtin();
        let s = render(&ex, &c, Lang::En, Shell::Bash, &fix_values(&ex, ""));
        let at = |needle: &str| {
            s.find(needle)
                .unwrap_or_else(|| panic!("{needle:?} in {s}"))
        };
        assert!(s.starts_with("Likely causes (most likely first):\n  1. proxy.unreachable  "));
        assert!(at("     > go: golang.org/x/text@v0.14.0: Get") > at("  1. proxy.unreachable"));
        assert!(at("\nThe text names:\n  modules: golang.org/x/text@v0.14.0\n") > at("     > "));
        assert!(at("  proxies: 127.0.0.1:7890\n") > at("  modules: "));
        assert!(at("\nFix (bash): ") > at("  proxies: "));
        assert!(s.ends_with(
            "\nTo confirm on this network: gomod-diag (full diagnosis) or gomod-diag probe ...\n"
        ));
        // The fix's commands are indented under their step, in the shell asked for.
        let zh = render(
            &explain_in(PROXY_DOWN, Lang::Zh),
            &c,
            Lang::Zh,
            Shell::PowerShell,
            &fix_values(&ex, ""),
        );
        assert!(zh.starts_with("可能的原因（按可能性排序）：\n"), "{zh}");
        assert!(zh.contains("\n修复方法 (powershell): "), "{zh}");
        assert!(zh.contains("\n       Remove-Item Env:HTTPS_PROXY"), "{zh}");
    }

    #[test]
    fn nothing_recognised_is_one_line() {
        let ex = explain("./main.go:3:1: syntax error");
        let s = render(
            &ex,
            &Catalog::builtin(),
            Lang::En,
            Shell::Bash,
            &FixValues::new(),
        );
        assert!(
            s.starts_with("No known Go network error in this text."),
            "{s}"
        );
        assert_eq!(s.lines().count(), 1);
    }

    #[test]
    fn the_probe_verdict_confirms_redirects_or_clears() {
        let probes = [
            ("tcp 127.0.0.1:9", Some(CauseId::TcpRefused)),
            ("dns a.example", None),
        ];
        let s = probe_verdict(
            &probes,
            Some(CauseId::TcpRefused),
            Some(CauseId::TcpRefused),
        );
        assert_eq!(
            s,
            "\nProbes on this network:\n  tcp 127.0.0.1:9: tcp.refused\n  dns a.example: ok\n\nConfirmed here: tcp.refused.\n"
        );
        let s = probe_verdict(
            &probes,
            Some(CauseId::TlsExpired),
            Some(CauseId::TcpRefused),
        );
        assert!(
            s.ends_with(
                "\nThis network shows tcp.refused (the text alone suggested tls.expired).\n"
            ),
            "{s}"
        );
        let s = probe_verdict(&probes[1..], None, None);
        assert!(s.ends_with("\nEvery probe succeeds on this network now: the failure may have been elsewhere or transient.\n"), "{s}");
    }
}
