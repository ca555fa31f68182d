//! The text of `gomod-diag fix`: the env file's change as a diff and the plan's refusals,
//! credentials masked.

use crate::catalog::apply::{Change, Plan, Refusal};
use crate::catalog::details::localize;
use crate::cli::Lang;
use crate::redact::mask_text;

/// A line diff (longest common subsequence; env files are a few lines), credentials masked.
pub fn diff(path: &str, before: &str, after: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = format!("--- {path}\n+++ {path} (after)\n");
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        }
    }
    mask_text(&out)
}

/// The text `fix` prints for a plan (before any change is made), in `lang`: the refusals'
/// reasons through the catalog's sentence shapes, the by-hand steps as given.
pub fn describe(plan: &Plan, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    for c in &plan.already {
        let label = if zh {
            "已经生效："
        } else {
            "already in effect: "
        };
        out.push_str(&format!("{label}{}\n", mask_text(&command(c))));
    }
    for r in &plan.refused {
        let line = match (r, lang) {
            (Refusal::Insecure { change, why }, Lang::En) => format!(
                "refused (weakens security: {why}): {}\n  apply it anyway with `gomod-diag fix --allow-insecure`",
                command(change)
            ),
            (Refusal::Insecure { change, why }, Lang::Zh) => format!(
                "已拒绝（会削弱安全性：{}）：`{}`\n  如果仍要应用，请运行 `gomod-diag fix --allow-insecure`",
                localize(why, lang),
                command(change)
            ),
            (Refusal::OsOverride { var, os_value, unset }, Lang::En) => format!(
                "refused: the OS environment sets {var}={os_value}, which Go uses before its env file, so `go env -w`/`-u` would change nothing.\n  Unset it in this shell ({unset}) and where it is set persistently (shell profile, system environment), then run `gomod-diag fix` again"
            ),
            (Refusal::OsOverride { var, os_value, unset }, Lang::Zh) => format!(
                "已拒绝：系统环境变量设置了 {var}={os_value}，Go 会先用它而不是 env 文件里的值，所以 `go env -w`/`-u` 什么也改变不了。\n  请在当前 shell 里删除它（`{unset}`），也在持久设置它的地方（shell 配置文件、系统环境变量）删除，然后再运行 `gomod-diag fix`"
            ),
            (Refusal::Unknown { var, what }, Lang::En) => {
                format!("refused: {var}: {what}; run `gomod-diag` and apply this step by hand\n")
            }
            (Refusal::Unknown { var, what }, Lang::Zh) => format!(
                "已拒绝：{var}：{}；请运行 `gomod-diag`，手动完成这一步\n",
                localize(what, lang)
            ),
        };
        out.push_str(&mask_text(line.trim_end()));
        out.push('\n');
    }
    for s in &plan.by_hand {
        let label = if zh {
            "未应用（请手动完成）："
        } else {
            "not applied (do it by hand): "
        };
        out.push_str(&format!("{label}{}\n", mask_text(s)));
    }
    out
}

fn command(c: &Change) -> String {
    match c {
        Change::Set { var, value } => format!("go env -w {var}={value}"),
        Change::Unset { var } => format!("go env -u {var}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_shows_the_change_and_masks_credentials() {
        let d = diff(
            "/e",
            "A=1\nB=2\n",
            "A=1\nB=3\nHTTPS_PROXY=http://u:secret@p:3128\n",
        );
        assert_eq!(
            d,
            "--- /e\n+++ /e (after)\n  A=1\n- B=2\n+ B=3\n+ HTTPS_PROXY=http://u:xxxxx@p:3128\n"
        );
        assert!(!d.contains("secret"));
    }
}
