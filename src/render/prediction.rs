//! The text of `gomod-diag probe goproxy|sumdb`: the simulated walk of cmd/go (stages,
//! attempts, timings) and the prediction.

use crate::catalog::details::localize;
use crate::cli::Lang;
use crate::facts::{Fetch, Observations};
use crate::plan::ModuleRoute;
use crate::simulate::{AttemptResult, Outcome, Prediction, StageName};
use crate::vocab::CauseId;

/// The text of `probe goproxy|sumdb`: each stage, each entry tried and why, then the prediction.
///
/// `name` is the probe (`goproxy` or `sumdb`); for `sumdb`, stages before the checksum
/// database that went well are left out. `plan` is the route of each module, in order.
pub fn text(
    name: &str,
    plan: &[ModuleRoute],
    p: &Prediction,
    obs: &Observations,
    lang: Lang,
) -> String {
    let zh = lang == Lang::Zh;
    let pick = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let mut s = String::new();
    let steps = plan.first().map_or(&[][..], |r| &r.steps[..]);
    let entries: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let sep = if i + 1 < steps.len() {
                st.fallback.separator()
            } else {
                ""
            };
            format!("{}{sep}", st.entry)
        })
        .collect();
    s.push_str(&if zh {
        format!("预测 `{}`（probe {name}）\n", p.command)
    } else {
        format!("Predicting `{}` (probe {name})\n", p.command)
    });
    s.push_str(&format!(
        "  {} {}\n",
        pick(
            "GOPROXY entries in Go's order:",
            "GOPROXY 条目（按 Go 的顺序）："
        ),
        entries.join("")
    ));
    if let Some(e) = plan.first().and_then(|r| r.goproxy_error.as_ref()) {
        s.push_str(&format!(
            "  {} {e}\n",
            pick("GOPROXY does not parse:", "GOPROXY 无法解析：")
        ));
    }
    for m in &p.modules {
        s.push_str(&format!(
            "\n{}@{}\n",
            m.path,
            m.resolved_version
                .as_deref()
                .or(m.version.as_deref())
                .unwrap_or("latest")
        ));
        for st in &m.stages {
            if name == "sumdb" && st.stage != StageName::Sumdb && st.outcome == Outcome::Ok {
                continue;
            }
            for a in &st.attempts {
                let timing = a
                    .url
                    .as_ref()
                    .and_then(|u| obs.http.get(u.expose()))
                    .map(|f| {
                        let mut t = format!(" ({} ms", f.elapsed_ms());
                        if let Fetch::Status { size, .. } = f {
                            t.push_str(&format!(", {size} {}", pick("bytes", "字节")));
                            if st.stage == StageName::Zip && a.result == AttemptResult::Ok {
                                // Whole milliseconds: a loopback zip can take "0 ms".
                                let secs = f.elapsed_ms().max(1) as f64 / 1000.0;
                                t.push_str(&format!(", {:.1} MB/s", *size as f64 / 1e6 / secs));
                            }
                        }
                        t.push(')');
                        t
                    })
                    .unwrap_or_default();
                s.push_str(&format!(
                    "  {:<5} {:<9} {}{timing}\n",
                    st.stage,
                    a.result,
                    a.url.as_ref().unwrap_or(&a.entry)
                ));
                if let Some(e) = &a.error {
                    s.push_str(&format!("        {}\n", e.replace('\n', "\n        ")));
                }
                s.push_str(&format!(
                    "        → {} [{}]\n",
                    localize(&a.why, lang),
                    a.class
                ));
            }
        }
        s.push_str(&format!(
            "  {} {}\n",
            pick("checksum database:", "校验和数据库："),
            localize(&m.sumdb_route, lang)
        ));
        for a in &m.assumptions {
            s.push_str(&format!(
                "  {} {}\n",
                pick("assumption:", "假设："),
                localize(a, lang)
            ));
        }
    }
    s.push('\n');
    if p.inconclusive {
        s.push_str(pick(
            "Prediction: inconclusive — some steps on Go's path could not be observed:\n",
            "预测：无法确定——Go 路径上有些步骤没能观测到：\n",
        ));
        for u in &p.missing {
            s.push_str(&format!("  {}\n", localize(&u.to_string(), lang)));
        }
    } else if p.go_will_succeed {
        s.push_str(pick(
            "Prediction: Go will succeed.\n",
            "预测：Go 会成功。\n",
        ));
    } else {
        let m = p.modules.iter().find(|m| m.outcome == Outcome::Failed);
        let cause = m.and_then(|m| m.cause).map_or("", CauseId::as_str);
        let approx = m.is_some_and(|m| !m.error_text_exact);
        s.push_str(&match (zh, approx) {
            (false, a) => format!(
                "Prediction: Go will fail ({cause}). It will print{}:\n",
                if a { " (approximately)" } else { "" }
            ),
            (true, a) => format!(
                "预测：Go 会失败（{cause}）。它会输出{}：\n",
                if a { "（大致如此）" } else { "" }
            ),
        });
        if let Some(t) = &p.error_text {
            s.push_str(&format!("  {}\n", t.replace('\n', "\n  ")));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{route_module, ModuleTarget};
    use crate::simulate::{simulate, SimOptions};

    #[test]
    fn nothing_observed_is_inconclusive_and_lists_what_to_fetch() {
        let cfg = crate::config::test_config(
            &[("GOPROXY", "https://a.example|https://b.example,direct")],
            None,
        );
        let target = ModuleTarget::parse("golang.org/x/text@v0.14.0").unwrap();
        let plan = vec![route_module(&cfg, &target)];
        let obs = Observations::default();
        let p = simulate(&plan, &obs, &SimOptions { check_zip: false });
        let out = text("goproxy", &plan, &p, &obs, Lang::En);
        assert!(
            out.starts_with(
                "Predicting `go mod download golang.org/x/text@v0.14.0` (probe goproxy)\n  GOPROXY entries in Go's order: https://a.example|https://b.example,direct\n"
            ),
            "{out}"
        );
        assert!(out.contains("\ngolang.org/x/text@v0.14.0\n"), "{out}");
        assert!(
            out.contains("Prediction: inconclusive — some steps on Go's path could not be observed:\n  https://a.example/golang.org/x/text/@v/v0.14.0.info\n"),
            "{out}"
        );
        // The same walk in Chinese: the labels change, the URLs and entries do not.
        let zh = text("goproxy", &plan, &p, &obs, Lang::Zh);
        assert!(zh.starts_with("预测 `go mod download golang.org/x/text@v0.14.0`（probe goproxy）\n  GOPROXY 条目（按 Go 的顺序）： https://a.example|https://b.example,direct\n"), "{zh}");
        assert!(zh.contains("预测：无法确定——Go 路径上有些步骤没能观测到：\n  https://a.example/golang.org/x/text/@v/v0.14.0.info\n"), "{zh}");
        assert!(
            !zh.contains("Prediction") && !zh.contains("Predicting"),
            "{zh}"
        );
    }
}
