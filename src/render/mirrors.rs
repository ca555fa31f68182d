//! `gomod-diag mirrors` as text: the ranked table with reasons, then the commands for the
//! user's shell and why `,` / `|` and GOSUMDB are chosen.

use comfy_table::{presets, ContentArrangement, Table};

use super::Paint;
use crate::cli::Lang;
use crate::mirrors::rank::{Advice, Note, Ranked, Reason, Standing};
use crate::mirrors::{MirrorRace, SumdbSupport};
use crate::shell::{self, Shell};

/// The commands that apply the advice in `shell` (empty when no mirror works).
pub fn commands(advice: &Advice, sh: Shell) -> Vec<String> {
    let mut out = vec![];
    if let Some(v) = &advice.goproxy {
        out.push(shell::go_env_w(sh, "GOPROXY", v));
    }
    if let Some(v) = &advice.gosumdb {
        out.push(shell::go_env_w(sh, "GOSUMDB", v));
    }
    out
}

fn sumdb_cell(s: SumdbSupport, lang: Lang) -> &'static str {
    match (s, lang) {
        (SumdbSupport::Proxied, Lang::En) => "proxied",
        (SumdbSupport::Proxied, Lang::Zh) => "代理",
        (SumdbSupport::NotProxied, Lang::En) => "not proxied",
        (SumdbSupport::NotProxied, Lang::Zh) => "不代理",
        (SumdbSupport::Broken, Lang::En) => "broken",
        (SumdbSupport::Broken, Lang::Zh) => "损坏",
        (SumdbSupport::Unknown, _) => "-",
    }
}

/// A standing for people.
pub fn standing_label(s: Standing, lang: Lang) -> &'static str {
    match (s, lang) {
        (Standing::Works, Lang::En) => "works",
        (Standing::Works, Lang::Zh) => "可用",
        (Standing::Stale, Lang::En) => "works, stale",
        (Standing::Stale, Lang::Zh) => "可用，但滞后",
        (Standing::NeedsGosumdb, Lang::En) => "works with GOSUMDB",
        (Standing::NeedsGosumdb, Lang::Zh) => "需设置 GOSUMDB",
        (Standing::Fails, Lang::En) => "fails",
        (Standing::Fails, Lang::Zh) => "失败",
        (Standing::Tampered, Lang::En) => "WRONG CONTENT",
        (Standing::Tampered, Lang::Zh) => "内容错误",
        (Standing::Unreachable, Lang::En) => "unreachable",
        (Standing::Unreachable, Lang::Zh) => "无法访问",
    }
}

/// A reason for people.
pub fn reason_text(r: &Reason, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match r {
        Reason::Verified { module } if zh => format!("已按 Go 的方式下载并校验 {module}"),
        Reason::Verified { module } => format!("{module} fetched and verified as Go would"),
        Reason::Tampered { module } if zh => {
            format!("提供的 {module} 与校验和数据库的记录不符：不要使用")
        }
        Reason::Tampered { module } => format!(
            "serves {module} with content that does not match the checksum database: do not use it"
        ),
        Reason::NeedsGosumdb if zh => "模块内容正确，但不代理校验和数据库，而这里无法访问 sum.golang.org".into(),
        Reason::NeedsGosumdb => "serves correct modules but does not proxy the checksum database, which is unreachable here".into(),
        Reason::GoError { text } => text.clone(),
        Reason::Deadline if zh => "截止时间前未完成".into(),
        Reason::Deadline => "not finished before the deadline".into(),
        Reason::Stale { newest, elsewhere } if zh => {
            format!("版本列表滞后：最新为 {newest}，其他镜像已有 {elsewhere}")
        }
        Reason::Stale { newest, elsewhere } => {
            format!("version list lags: newest {newest} where another mirror has {elsewhere}")
        }
        Reason::SumdbProxied if zh => "代理校验和数据库".into(),
        Reason::SumdbProxied => "proxies the checksum database".into(),
        Reason::SumdbNotProxied if zh => "不代理校验和数据库".into(),
        Reason::SumdbNotProxied => "does not proxy the checksum database".into(),
        Reason::SumdbBroken if zh => "校验和数据库接口损坏（Go 会在此放弃）".into(),
        Reason::SumdbBroken => {
            "its checksum-database endpoint is broken (Go gives up there)".into()
        }
    }
}

/// A line of the advice's reasoning for people.
pub fn note_text(n: &Note, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match n {
        Note::NoneWorks { deadline: true } if zh => "截止时间前没有任何镜像可用：每个镜像都无法访问或失败。请检查网络（或 Go 使用的代理），或者加大 --timeout。".into(),
        Note::NoneWorks { deadline: true } => "No mirror worked before the deadline: every mirror was unreachable or failed. Check the network (or the proxy Go uses), or try a longer --timeout.".into(),
        Note::NoneWorks { deadline: false } if zh => "这里没有任何镜像可用：每个镜像都无法访问或失败。请检查网络，或 Go 使用的代理。".into(),
        Note::NoneWorks { deadline: false } => "No mirror works from here: every mirror was unreachable or failed. Check the network, or the proxy Go uses.".into(),
        Note::Pipe { first, second } if zh => format!("{first} 和 {second} 之间用 `|`：第一个以任何方式失败（包括网络错误）时，Go 会尝试第二个（`,` 遇到网络错误就会停下）。"),
        Note::Pipe { first, second } => format!("`|` between {first} and {second}: when the first fails in any way, a network error included, Go tries the second (a `,` would stop at a network error)."),
        Note::CommaDirect if zh => "末尾的 `,direct`：只有镜像回答 404/410（找不到）时 Go 才回源；网络错误不会让它回源，因此不用等待一个被封锁的源站。".into(),
        Note::CommaDirect => "`,direct` at the end: Go fetches from the origin only when the mirrors answer 404/410 (not found); a network error does not send it there, so a blocked origin is not waited on.".into(),
        Note::SumdbThroughMirror { mirror } if zh => format!("这里无法访问 sum.golang.org，但 {mirror} 代理了校验和数据库：Go 会通过镜像、用 sum.golang.org 的公钥校验，无需其他设置。"),
        Note::SumdbThroughMirror { mirror } => format!("sum.golang.org is unreachable here, but {mirror} proxies the checksum database: Go verifies through the mirror with sum.golang.org's key, nothing else to set."),
        Note::SumdbChina { mirror: Some(m) } if zh => format!("{m} 不代理校验和数据库，而这里无法访问 sum.golang.org：GOSUMDB=sum.golang.google.cn 在中国大陆提供同一个数据库（公钥相同）。"),
        Note::SumdbChina { mirror: Some(m) } => format!("{m} does not proxy the checksum database and sum.golang.org is unreachable here: GOSUMDB=sum.golang.google.cn serves the same database (same key) from mainland China."),
        Note::SumdbChina { mirror: None } if zh => "这里无法访问 sum.golang.org：GOSUMDB=sum.golang.google.cn 提供同一个数据库（公钥相同）。".into(),
        Note::SumdbChina { mirror: None } => "sum.golang.org is unreachable here: GOSUMDB=sum.golang.google.cn serves the same database (same key).".into(),
    }
}

/// The whole text output, ending with a newline.
pub fn text(
    race: &MirrorRace,
    ranked: &[Ranked],
    advice: &Advice,
    sh: Shell,
    lang: Lang,
    paint: Paint,
) -> String {
    let zh = lang == Lang::Zh;
    let mut t = Table::new();
    t.load_style(if paint.on {
        presets::UTF8_FULL_CONDENSED
    } else {
        presets::ASCII_FULL_CONDENSED
    })
    .set_content_arrangement(ContentArrangement::Dynamic)
    .set_header(vec![
        "#",
        "mirror",
        "result",
        "median",
        "zip",
        "newest",
        "checksum db",
        "why",
    ]);
    for (i, r) in ranked.iter().enumerate() {
        let label = standing_label(r.standing, lang);
        let result = match r.standing {
            Standing::Works => paint.green(label),
            Standing::Stale | Standing::NeedsGosumdb => paint.yellow(label),
            _ => paint.red(label),
        };
        t.add_row(vec![
            (i + 1).to_string(),
            r.url.clone(),
            result,
            r.median_ms.map_or("-".into(), |ms| format!("{ms} ms")),
            r.kib_per_s.map_or("-".into(), |k| format!("{k:.0} KiB/s")),
            r.newest.clone().unwrap_or_else(|| "-".into()),
            sumdb_cell(r.sumdb, lang).into(),
            r.reasons
                .iter()
                .map(|x| reason_text(x, lang))
                .collect::<Vec<_>>()
                .join("; "),
        ]);
    }
    let mut out = if zh {
        format!(
            "从这里测试的模块镜像（{} 个，{:.1} 秒；参考模块 {} 和 {}）：\n{t}\n",
            race.mirrors.len(),
            race.duration_ms / 1000.0,
            race.reference.zip,
            race.reference.freshness,
        )
    } else {
        format!(
            "Module mirrors raced from here ({} mirrors, {:.1} s; reference modules {} and {}):\n{t}\n",
            race.mirrors.len(),
            race.duration_ms / 1000.0,
            race.reference.zip,
            race.reference.freshness,
        )
    };
    for c in &race.checksum {
        let state = match (c.ok, zh) {
            (true, false) => paint.green(&format!("reachable ({} ms)", c.ms)),
            (true, true) => paint.green(&format!("可访问（{} ms）", c.ms)),
            (false, _) => paint.red(&format!(
                "{}: {}",
                if zh { "无法访问" } else { "unreachable" },
                c.go_error.as_deref().unwrap_or("-")
            )),
        };
        let what = if zh {
            "校验和数据库"
        } else {
            "checksum database"
        };
        out.push_str(&format!("{what} {}: {state}\n", c.url));
    }
    out.push('\n');
    let cmds = commands(advice, sh);
    if cmds.is_empty() {
        out.push_str(&paint.red(if zh {
            "没有可推荐的镜像。\n"
        } else {
            "No mirror to recommend.\n"
        }));
    } else {
        out.push_str(&paint.bold(&if zh {
            format!("设置方法（{}）：\n", sh.name())
        } else {
            format!("Set it ({}):\n", sh.name())
        }));
        for c in &cmds {
            out.push_str(&format!("    {c}\n"));
        }
    }
    for n in &advice.notes {
        out.push_str(&note_text(n, lang));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_quoted_for_each_shell() {
        let a = Advice {
            goproxy: Some("https://goproxy.cn|https://goproxy.io,direct".into()),
            mirror: None,
            gosumdb: Some("sum.golang.google.cn".into()),
            notes: vec![],
        };
        let bash = commands(&a, Shell::Bash);
        assert_eq!(
            bash[0],
            "go env -w 'GOPROXY=https://goproxy.cn|https://goproxy.io,direct'"
        );
        assert_eq!(bash[1], "go env -w GOSUMDB=sum.golang.google.cn");
        for sh in Shell::ALL {
            let c = commands(&a, sh);
            assert!(
                c[0].contains("https://goproxy.cn|https://goproxy.io,direct"),
                "{sh:?}: {c:?}"
            );
            assert_ne!(
                c[0], "go env -w GOPROXY=https://goproxy.cn|https://goproxy.io,direct",
                "{sh:?} leaves | unquoted"
            );
        }
        assert!(commands(&Advice::default(), Shell::Bash).is_empty());
    }

    #[test]
    fn every_note_and_reason_reads_in_both_languages() {
        let notes = [
            Note::NoneWorks { deadline: true },
            Note::Pipe {
                first: "a".into(),
                second: "b".into(),
            },
            Note::CommaDirect,
            Note::SumdbChina { mirror: None },
        ];
        for n in &notes {
            let (en, zh) = (note_text(n, Lang::En), note_text(n, Lang::Zh));
            assert!(en.is_ascii() && !zh.is_ascii() && en != zh, "{n:?}");
        }
        assert!(note_text(&Note::CommaDirect, Lang::Zh).contains("404/410"));
        let r = Reason::Stale {
            newest: "v1".into(),
            elsewhere: "v2".into(),
        };
        assert!(
            reason_text(&r, Lang::Zh).contains("v1") && reason_text(&r, Lang::Zh).contains("v2")
        );
        assert_eq!(
            standing_label(Standing::Tampered, Lang::En),
            "WRONG CONTENT"
        );
    }
}
