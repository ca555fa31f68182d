//! `gomod-diag mirrors` as text: the ranked table with reasons, then the commands for the
//! user's shell and why `,` / `|` and GOSUMDB are chosen.

use comfy_table::{presets, ContentArrangement, Table};

use super::Paint;
use crate::mirrors::rank::{Advice, Ranked, Standing};
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

fn sumdb_cell(s: SumdbSupport) -> &'static str {
    match s {
        SumdbSupport::Proxied => "proxied",
        SumdbSupport::NotProxied => "not proxied",
        SumdbSupport::Broken => "broken",
        SumdbSupport::Unknown => "-",
    }
}

/// The whole text output, ending with a newline.
pub fn text(
    race: &MirrorRace,
    ranked: &[Ranked],
    advice: &Advice,
    sh: Shell,
    paint: Paint,
) -> String {
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
        let result = match r.standing {
            Standing::Works => paint.green(r.standing.label()),
            Standing::Stale | Standing::NeedsGosumdb => paint.yellow(r.standing.label()),
            _ => paint.red(r.standing.label()),
        };
        t.add_row(vec![
            (i + 1).to_string(),
            r.url.clone(),
            result,
            r.median_ms.map_or("-".into(), |ms| format!("{ms} ms")),
            r.kib_per_s.map_or("-".into(), |k| format!("{k:.0} KiB/s")),
            r.newest.clone().unwrap_or_else(|| "-".into()),
            sumdb_cell(r.sumdb).into(),
            r.reasons.join("; "),
        ]);
    }
    let mut out = format!(
        "Module mirrors raced from here ({} mirrors, {:.1} s; reference modules {} and {}):\n{t}\n",
        race.mirrors.len(),
        race.duration_ms / 1000.0,
        race.reference.zip,
        race.reference.freshness,
    );
    for c in &race.checksum {
        let state = if c.ok {
            paint.green(&format!("reachable ({} ms)", c.ms))
        } else {
            paint.red(&format!(
                "unreachable: {}",
                c.go_error.as_deref().unwrap_or("no answer")
            ))
        };
        out.push_str(&format!("checksum database {}: {state}\n", c.url));
    }
    out.push('\n');
    let cmds = commands(advice, sh);
    if cmds.is_empty() {
        out.push_str(&paint.red("No mirror to recommend.\n"));
    } else {
        out.push_str(&paint.bold(&format!("Set it ({}):\n", sh.name())));
        for c in &cmds {
            out.push_str(&format!("    {c}\n"));
        }
    }
    for n in &advice.notes {
        out.push_str(&format!("{n}\n"));
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
}
