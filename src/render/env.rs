//! The text of `gomod-diag env`: Go's effective configuration with sources, the configuration
//! warnings, and the route cmd/go would take for each `--module`.

use comfy_table::{presets, ContentArrangement, Table};

use super::paint::Paint;
use crate::catalog::details::localize;
use crate::cli::Lang;
use crate::config::goenv::GoEnvComparison;
use crate::config::{ConfigWarning, FallbackMode, GoConfig, GoToolCheck, ProxyChoice, Source};
use crate::plan::{ModuleRoute, StepAction, SumdbRoute};

/// A table in the house style: box drawing on a terminal, plain ASCII otherwise.
fn new_table(paint: Paint) -> Table {
    let mut t = Table::new();
    if paint.on {
        t.load_style(presets::UTF8_FULL);
    } else {
        t.load_style(presets::ASCII_MARKDOWN);
    }
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t
}

/// The English text, or the Chinese under `--lang zh`.
fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

/// Where a value came from, for people.
pub(super) fn describe_source(source: &Source) -> String {
    match source {
        Source::OsEnv => "OS environment".into(),
        Source::EnvFile { path } => format!("go env file ({path})"),
        Source::GorootGoEnv { path } => format!("$GOROOT/go.env ({path})"),
        Source::Default => "default".into(),
        Source::Derived { from } => format!("default (from {from})"),
        Source::GoCommand => "go env GOROOT".into(),
        Source::Unset => "not set".into(),
    }
}

/// Proxy variables listed even when unset (their absence matters); the lower-case twins only
/// when set.
fn show_variable(name: &str, value: &str) -> bool {
    !value.is_empty()
        || !matches!(
            name,
            "http_proxy" | "https_proxy" | "no_proxy" | "REQUEST_METHOD"
        )
}

/// The whole text output of `gomod-diag env` (values redacted): the configuration `cfg`, its
/// warnings, and one route per `--module`.
pub fn text(
    cfg: &GoConfig,
    warnings: &[ConfigWarning],
    routes: &[ModuleRoute],
    paint: Paint,
    lang: Lang,
) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    out.push_str(&paint.bold(pick(
        lang,
        "Go configuration (as cmd/go reads it)",
        "Go 的配置（按 cmd/go 的读法）",
    )));
    out.push('\n');
    let mut table = new_table(paint);
    table.set_header(if zh {
        vec!["变量", "值", "来源"]
    } else {
        vec!["Variable", "Value", "Source"]
    });
    for name in crate::config::variables() {
        let Some(v) = cfg.value(name) else { continue };
        if !show_variable(name, &v.value.masked()) {
            continue;
        }
        let mut source = localize(&describe_source(&v.source), lang);
        for sh in &v.shadowed {
            let from = localize(&describe_source(&sh.source), lang);
            source.push_str(&if zh {
                format!("\n覆盖了来自{from}的 {}={}", v.name, sh.value)
            } else {
                format!("\noverrides {}={} from {from}", v.name, sh.value)
            });
        }
        let value = if v.value.is_empty() {
            pick(lang, "(empty)", "（空）").to_string()
        } else {
            v.value.to_string()
        };
        table.add_row(vec![name.to_string(), value, source]);
    }
    out.push_str(&table.to_string());
    out.push('\n');

    out.push_str(&files_text(cfg, lang));
    out.push_str(&match &cfg.go_tool {
        GoToolCheck::NotChecked => String::new(),
        GoToolCheck::Missing { reason } if zh => format!(
            "go 命令：{}；各个值是根据环境变量和 env 文件推算出来的\n",
            localize(reason, lang)
        ),
        GoToolCheck::Missing { reason } => {
            format!("go command: {reason}; values computed from the environment and the env file\n")
        }
        GoToolCheck::Failed { go_path, error } if zh => {
            format!("go 命令：{go_path} 无法报告它的配置：`{error}`\n")
        }
        GoToolCheck::Failed { go_path, error } => {
            format!("go command: {go_path} could not report its configuration: {error}\n")
        }
        GoToolCheck::Ran {
            go_path,
            comparisons,
        } => {
            let bad: Vec<&GoEnvComparison> = comparisons.iter().filter(|c| !c.agrees).collect();
            if bad.is_empty() && zh {
                format!(
                    "go 命令：{go_path}；`go env -json` 在全部 {} 个共有变量上都一致\n",
                    comparisons.len()
                )
            } else if bad.is_empty() {
                format!(
                    "go command: {go_path}; `go env -json` agrees on all {} shared variables\n",
                    comparisons.len()
                )
            } else {
                let mut s = if zh {
                    format!(
                        "go 命令：{go_path}；`go env -json` 有 {} 个变量与之不一致：\n",
                        bad.len()
                    )
                } else {
                    format!(
                        "go command: {go_path}; `go env -json` DISAGREES on {} variable(s):\n",
                        bad.len()
                    )
                };
                let mut t = new_table(paint);
                t.set_header(vec![pick(lang, "Variable", "变量"), "gomod-diag", "go env"]);
                for c in bad {
                    t.add_row(vec![c.name.clone(), c.ours.to_string(), c.go.to_string()]);
                }
                s.push_str(&t.to_string());
                s.push('\n');
                s
            }
        }
    });

    out.push('\n');
    if warnings.is_empty() {
        out.push_str(pick(lang, "Warnings: none\n", "警告：无\n"));
    } else {
        out.push_str(&paint.bold(&if zh {
            format!("警告（{} 条）", warnings.len())
        } else {
            format!("Warnings ({})", warnings.len())
        }));
        out.push('\n');
        for w in warnings {
            out.push_str(&format!(
                "  {} {}{}\n",
                paint.yellow(&format!("[{}]", w.id)),
                if w.variable.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", w.variable)
                },
                localize(&w.message, lang)
            ));
            if let Some(e) = &w.go_error {
                if zh {
                    // Go's text as it is, each line a code span.
                    let lines: Vec<String> = e.lines().map(|l| format!("`{l}`")).collect();
                    out.push_str(&format!("      Go 报：{}\n", lines.join("\n      ")));
                } else {
                    out.push_str(&format!("      Go says: {}\n", e.replace('\n', "\n      ")));
                }
            }
        }
    }

    for route in routes {
        out.push('\n');
        out.push_str(&route_text(cfg, route, paint, lang));
    }
    out
}

/// Where Go's env file and `$GOROOT/go.env` are.
fn files_text(cfg: &GoConfig, lang: Lang) -> String {
    let mut out = String::new();
    let (path, goroot) = (&cfg.env_file_path, &cfg.goroot_go_env_path);
    out.push_str(&match (path.is_empty(), cfg.env_file_present, lang) {
        (true, _, Lang::Zh) => "go env 文件：无（GOENV=off 或没有用户配置目录）\n".into(),
        (true, _, Lang::En) => {
            "go env file: none (GOENV=off or no user configuration directory)\n".into()
        }
        (false, true, Lang::Zh) => format!("go env 文件：{path}\n"),
        (false, true, Lang::En) => format!("go env file: {path}\n"),
        (false, false, Lang::Zh) => format!("go env 文件：{path}（不存在）\n"),
        (false, false, Lang::En) => format!("go env file: {path} (does not exist)\n"),
    });
    if goroot.is_empty() {
        out.push_str(pick(
            lang,
            "$GOROOT/go.env: GOROOT unknown (no go on PATH, no $GOROOT): the standard defaults are assumed\n",
            "$GOROOT/go.env：GOROOT 未知（PATH 中没有 go，也没有 $GOROOT）：按标准默认值处理\n",
        ));
    } else {
        let missing = !cfg.goroot_go_env_present;
        out.push_str(&match lang {
            Lang::Zh => format!(
                "$GOROOT/go.env：{goroot}{}\n",
                if missing { "（不存在）" } else { "" }
            ),
            Lang::En => format!(
                "$GOROOT/go.env: {goroot}{}\n",
                if missing { " (does not exist)" } else { "" }
            ),
        });
    }
    out
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    match (b, lang) {
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
    }
}

/// Which HTTP proxy a request goes through ([`ProxyChoice::describe`] stays English for JSON).
fn describe_proxy(c: &ProxyChoice, lang: Lang) -> String {
    match (c, lang) {
        (_, Lang::En) => c.describe(),
        (ProxyChoice::Direct, Lang::Zh) => "直连（不经 HTTP 代理）".into(),
        (ProxyChoice::Via { proxy }, Lang::Zh) => {
            format!("经 {}（{}）", proxy.redacted(), proxy.variable)
        }
        (ProxyChoice::Error { message }, Lang::Zh) => format!("出错：`{message}`"),
    }
}

fn describe_choice(c: &Option<ProxyChoice>, lang: Lang) -> String {
    match c {
        None => "-".into(),
        Some(c) => describe_proxy(c, lang),
    }
}

/// What a GOPROXY separator means ([`FallbackMode::describe`] in English).
fn describe_fallback(f: FallbackMode, lang: Lang) -> &'static str {
    match (f, lang) {
        (_, Lang::En) => f.describe(),
        (FallbackMode::OnNotFound, Lang::Zh) => "除 404/410 外，任何错误都会停下",
        (FallbackMode::OnAnyError, Lang::Zh) => "任何错误都会转到下一个条目",
    }
}

/// The route for one module, as text.
pub fn route_text(cfg: &GoConfig, route: &ModuleRoute, paint: Paint, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    out.push_str(&paint.bold(&if zh {
        format!("{} 的路线", route.module)
    } else {
        format!("Route for {}", route.module)
    }));
    out.push('\n');
    let (sep, comma) = match lang {
        Lang::En => (": ", ", "),
        Lang::Zh => ("：", "，"),
    };
    let matched = [
        ("GOPRIVATE", route.matches_goprivate),
        ("GONOPROXY", route.matches_gonoproxy),
        ("GONOSUMDB", route.matches_gonosumdb),
        ("GOINSECURE", route.matches_goinsecure),
    ]
    .map(|(var, m)| format!("{var}{sep}{}", yes_no(m, lang)))
    .join(comma);
    out.push_str(&format!("  {} {matched}\n", pick(lang, "matches", "匹配")));
    if let Some(e) = &route.goproxy_error {
        out.push_str(&if zh {
            format!("  GOPROXY 无法解析；Go 在发出任何请求之前就停下，报：`{e}`\n")
        } else {
            format!("  GOPROXY does not parse; Go stops before any request with: {e}\n")
        });
    } else {
        let mut t = new_table(paint);
        t.set_header(if zh {
            vec!["#", "GOPROXY 条目", "Go 做什么", "失败时", "HTTP 代理"]
        } else {
            vec![
                "#",
                "GOPROXY entry",
                "What Go does",
                "If it fails",
                "HTTP proxy",
            ]
        });
        for (i, s) in route.steps.iter().enumerate() {
            let what = match (&s.action, lang) {
                (StepAction::AskProxy { list_url, .. }, Lang::En) => {
                    format!("asks the proxy: GET {list_url}")
                }
                (StepAction::AskProxy { list_url, .. }, Lang::Zh) => {
                    format!("向代理请求：GET {list_url}")
                }
                (StepAction::FetchDirect { meta_url }, Lang::En) => {
                    format!("fetches directly from the origin (VCS; first GET {meta_url} unless a known code host)")
                }
                (StepAction::FetchDirect { meta_url }, Lang::Zh) => {
                    format!("直接从源站拉取（VCS；除非是已知的代码托管站，先 GET {meta_url}）")
                }
                (StepAction::Skip { go_error, .. }, Lang::En) => format!("skipped: \"{go_error}\""),
                (StepAction::Skip { go_error, .. }, Lang::Zh) => format!("跳过：\"{go_error}\""),
            };
            let fails = match &s.action {
                StepAction::Skip { .. } => pick(
                    lang,
                    "counts as not found: next entry",
                    "算作 not found：转到下一个条目",
                )
                .to_string(),
                _ if i + 1 == route.steps.len() => pick(
                    lang,
                    "last entry: Go reports the error",
                    "最后一个条目：Go 报告这个错误",
                )
                .to_string(),
                _ => format!(
                    "'{}' {}",
                    s.fallback.separator(),
                    describe_fallback(s.fallback, lang)
                ),
            };
            t.add_row(vec![
                (i + 1).to_string(),
                s.entry.to_string(),
                what,
                fails,
                describe_choice(&s.http_proxy, lang),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    let insecure = route.fetches_direct && route.matches_goinsecure;
    out.push_str(&if zh {
        format!(
            "  这条路线上的直接（VCS）拉取：{}{}\n",
            yes_no(route.fetches_direct, lang),
            if insecure {
                "（GOINSECURE：允许明文 HTTP 和不验证的 TLS）"
            } else {
                ""
            }
        )
    } else {
        format!(
            "  Direct (VCS) fetch on this route: {}{}\n",
            yes_no(route.fetches_direct, lang),
            if insecure {
                " (GOINSECURE: plain HTTP and unverified TLS allowed)"
            } else {
                ""
            }
        )
    });
    out.push_str(pick(lang, "  Checksum database: ", "  校验和数据库："));
    out.push_str(&sumdb_text(&route.sumdb, lang));
    if route.leaks_to_public {
        let reason = localize(&route.looks_private.clone().unwrap_or_default(), lang);
        let services = route
            .public_services
            .iter()
            .map(|s| localize(&s.to_string(), lang))
            .collect::<Vec<_>>();
        let path = &route.module.path;
        out.push_str(&paint.yellow(&if zh {
            format!(
                "  ! {path} 看起来是私有模块（{reason}），但 Go 会把它的路径发给公共服务：{}。",
                services.join("；")
            )
        } else {
            format!(
                "  ! {path} looks private ({reason}), yet Go sends its path to public services: {}.",
                services.join("; ")
            )
        }));
        out.push('\n');
        let os_set = matches!(
            cfg.value("GOPRIVATE").map(|v| &v.source),
            Some(Source::OsEnv)
        );
        out.push_str(&format!(
            "    {}go env -w GOPRIVATE={}{}\n",
            pick(lang, "Fix: ", "修复："),
            suggested_goprivate(cfg, path),
            match (os_set, lang) {
                (false, _) => "",
                (true, Lang::En) => "   (GOPRIVATE is set in the OS environment, which overrides go env -w: change it there)",
                (true, Lang::Zh) => "   （GOPRIVATE 设置在系统环境变量里，它会覆盖 `go env -w`：请在那里修改）",
            }
        ));
    }
    out
}

/// How the checksum database is reached on a route, one line or a few.
fn sumdb_text(sumdb: &SumdbRoute, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match sumdb {
        SumdbRoute::NotUsed { reason } if zh => {
            format!("不查询（{}）\n", localize(reason, lang))
        }
        SumdbRoute::NotUsed { reason } => format!("not consulted ({reason})\n"),
        SumdbRoute::Invalid { go_error } if zh => {
            format!("会查询，但 GOSUMDB 无法解析；每次查询都会失败：`{go_error}`\n")
        }
        SumdbRoute::Invalid { go_error } => {
            format!("consulted, but GOSUMDB does not parse; every lookup fails: {go_error}\n")
        }
        SumdbRoute::Explicit {
            name,
            url,
            http_proxy,
            ..
        } if zh => format!(
            "查询 {name}，地址 {url}（由 GOSUMDB 指定，不经 GOPROXY）；HTTP 代理：{}\n",
            describe_proxy(http_proxy, lang)
        ),
        SumdbRoute::Explicit {
            name,
            url,
            http_proxy,
            ..
        } => format!(
            "consulted: {name} at {url} (given in GOSUMDB, bypasses GOPROXY); HTTP proxy: {}\n",
            http_proxy.describe()
        ),
        SumdbRoute::ViaProxies {
            name,
            candidates,
            direct_url,
            direct_http_proxy,
            ..
        } => {
            let mut s = if zh {
                format!("查询 {name}，在第一次查询时才按下面的顺序去连：\n")
            } else {
                format!("consulted: {name}, reached lazily on the first lookup:\n")
            };
            for c in candidates {
                if c.direct {
                    s.push_str(pick(
                        lang,
                        "    direct: Go goes to the database itself (a `direct` entry outranks the errors before it)\n",
                        "    direct：Go 自己去连数据库（`direct` 条目优先于它前面的错误）\n",
                    ));
                    continue;
                }
                let on_error = match (c.fallback, lang) {
                    (FallbackMode::OnAnyError, Lang::En) => {
                        "404/410 or any other error ('|'): next"
                    }
                    (FallbackMode::OnNotFound, Lang::En) => {
                        "404/410: next; any other error (','): database unavailable"
                    }
                    (FallbackMode::OnAnyError, Lang::Zh) => {
                        "404/410 或任何其他错误（'|'）：转到下一个"
                    }
                    (FallbackMode::OnNotFound, Lang::Zh) => {
                        "404/410：转到下一个；其他任何错误（','）：数据库不可用"
                    }
                };
                let proxy = describe_choice(&c.http_proxy, lang);
                s.push_str(&if zh {
                    format!(
                        "    GET {} → 200：只用这个代理；{on_error}  [HTTP 代理：{proxy}]\n",
                        c.supported_url
                    )
                } else {
                    format!(
                        "    GET {} → 200: use this proxy only; {on_error}  [HTTP proxy: {proxy}]\n",
                        c.supported_url
                    )
                });
            }
            let only_direct = candidates.iter().all(|c| c.direct);
            let proxy = describe_proxy(direct_http_proxy, lang);
            s.push_str(&match (only_direct, lang) {
                (true, Lang::En) => format!("    {direct_url} directly  [HTTP proxy: {proxy}]\n"),
                (false, Lang::En) => {
                    format!("    else {direct_url} directly  [HTTP proxy: {proxy}]\n")
                }
                (true, Lang::Zh) => format!("    直连 {direct_url}  [HTTP 代理：{proxy}]\n"),
                (false, Lang::Zh) => format!("    否则直连 {direct_url}  [HTTP 代理：{proxy}]\n"),
            });
            s
        }
    }
}

/// GOPRIVATE made to cover the module (entries trimmed, the organisation's pattern added).
fn suggested_goprivate(cfg: &GoConfig, module_path: &str) -> String {
    crate::plan::private::covering(cfg.get("GOPRIVATE"), module_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{route_module, ModuleTarget};

    fn config(pairs: &[(&str, &str)]) -> GoConfig {
        crate::config::test_config(pairs, None)
    }

    #[test]
    fn suggested_goprivate_adds_host() {
        let cfg = config(&[("GOPRIVATE", "a.example")]);
        assert_eq!(
            suggested_goprivate(&cfg, "b.example/x/y"),
            "a.example,b.example"
        );
        assert_eq!(suggested_goprivate(&cfg, "a.example/x"), "a.example");
    }

    #[test]
    fn colour_only_when_painting() {
        let cfg = config(&[("HOME", "/h"), ("GOPRIVATE", "git.corp.example")]);
        let route = route_module(
            &cfg,
            &ModuleTarget::parse("git.corp.example/team/lib@v1.2.0").unwrap(),
        );
        let plain = text(
            &cfg,
            &[],
            std::slice::from_ref(&route),
            Paint { on: false },
            Lang::En,
        );
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(
            plain.contains("Route for git.corp.example/team/lib@v1.2.0\n"),
            "{plain}"
        );
        assert!(plain.contains("Warnings: none\n"), "{plain}");
        let painted = route_text(&cfg, &route, Paint { on: true }, Lang::En);
        assert!(
            painted.starts_with("\x1b[1mRoute for git.corp.example/team/lib@v1.2.0\x1b[0m\n"),
            "{painted}"
        );
    }
}
