//! `gomod-diag fix [--dry-run] [--undo] [--allow-insecure]`: applies the verdict's
//! `go env -w` / `go env -u` steps, and nothing else.
//!
//! - Only Go's own env file (`go env GOENV`) changes, and only through `go env -w` / `-u`:
//!   OS settings (shell profiles, the registry, system proxies) are printed, never touched.
//! - The change is shown first as a diff of that file (predicted the way cmd/go's
//!   `updateEnvFile` rewrites it); a backup is kept next to it (`<file>.gomod-diag-backup`),
//!   and `fix --undo` puts it back.
//! - A step that weakens verification is refused without `--allow-insecure`: a step the
//!   catalog marks so, GOINSECURE set to anything, GOSUMDB=off, `-insecure` in GOFLAGS, a
//!   plain-http GOPROXY entry, `GOVCS` allowing every VCS, and a GOPRIVATE (or GONOSUMDB)
//!   pattern broader than a private origin (`*`, a wildcard first element, a public code host
//!   with fewer than two path elements). A narrow GOPRIVATE pattern (`corp.example`,
//!   `github.com/acme`) only skips a checksum database that cannot know the module anyway,
//!   so it is applied.
//! - cmd/go reads the OS environment before the env file (`cfg.Getenv`: a non-empty OS value
//!   wins), so a change an OS variable would override is refused, naming the variable and the
//!   command that unsets it.

use std::path::{Path, PathBuf};

use crate::catalog::apply::{apply_to_file, changes_from_steps, plan, Change};
use crate::cli::{FixArgs, Lang};
use crate::commands::Ctx;
use crate::exit;
use crate::redact::mask_text;
use crate::render::fix::{describe, diff};

/// The English message, or the Chinese under `--lang zh`.
fn say(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// An I/O error and what was being done: anyhow's context in English; in Chinese one message
/// with the OS's own text (which stays English) in a code span.
fn io<T>(
    r: std::io::Result<T>,
    lang: Lang,
    en: impl FnOnce() -> String,
    zh: impl FnOnce() -> String,
) -> anyhow::Result<T> {
    r.map_err(|e| match lang {
        Lang::En => anyhow::Error::new(e).context(en()),
        Lang::Zh => anyhow::anyhow!("{}：`{e}`", zh()),
    })
}

fn backup_path(env_file: &Path) -> PathBuf {
    let mut name = env_file.as_os_str().to_os_string();
    name.push(".gomod-diag-backup");
    PathBuf::from(name)
}

/// Go's env file as `go env GOENV` names it.
fn go_env_file(lang: Lang) -> anyhow::Result<PathBuf> {
    let out = io(
        std::process::Command::new("go")
            .args(["env", "GOENV"])
            .output(),
        lang,
        || {
            "cannot run `go env GOENV`: `fix` applies changes with the go command, put it on PATH"
                .into()
        },
        || "无法运行 `go env GOENV`（`fix` 要用 go 命令来应用修改，请把它加到 PATH 中）".into(),
    )?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() {
        let err = mask_text(String::from_utf8_lossy(&out.stderr).trim());
        anyhow::bail!(say(
            lang,
            format!("`go env GOENV` failed: {err}"),
            format!("`go env GOENV` 失败：`{err}`")
        ));
    }
    if path.is_empty() || path == "off" {
        anyhow::bail!(say(
            lang,
            format!("GOENV is {path:?}: Go reads no env file, so there is nothing `go env -w` can change (set GOENV to a file, or unset it)"),
            format!("GOENV 为 {path:?}：Go 不读取任何 env 文件，所以 `go env -w` 没有可改的地方（请把 GOENV 设为一个文件，或者取消设置它）"),
        ));
    }
    Ok(PathBuf::from(path))
}

fn read_optional(path: &Path, lang: Lang) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => {
            let p = path.display();
            io(
                Err(e),
                lang,
                || format!("cannot read {p}"),
                || format!("无法读取 {p}"),
            )
        }
    }
}

pub async fn run(ctx: &Ctx, args: &FixArgs) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    if args.undo {
        return undo(lang);
    }
    let report = match &args.from_report {
        Some(file) => super::report::read(file)?,
        None => super::run::diagnose(ctx, &args.run).await?,
    };
    let d = crate::report::diagnose(
        &report.config,
        &report.plan,
        &report.warnings,
        &report.facts,
        &report.prediction,
    );
    let catalog = super::catalog(ctx)?;
    let steps = catalog
        .get(d.cause.as_str(), crate::cli::Lang::En)
        .map(|e| e.steps)
        .unwrap_or_default();
    let (changes, unknown, mut by_hand) = changes_from_steps(&steps, &d.fix_values);
    if lang == Lang::Zh {
        by_hand = by_hand
            .iter()
            .map(|s| zh_step(s, &steps, &d.fix_values))
            .collect();
    }
    let file = go_env_file(lang)?;
    let before = read_optional(&file, lang)?;
    let os_env = |k: &str| std::env::var(k).ok();
    let plan = plan(
        changes,
        unknown,
        by_hand,
        &before,
        &os_env,
        ctx.shell,
        args.allow_insecure,
    );
    let summary = match lang {
        Lang::En => d.summary.clone(),
        // The cause's sentence as the Chinese report gives it.
        Lang::Zh => catalog
            .get(d.cause.as_str(), Lang::Zh)
            .and_then(|e| e.summary)
            .and_then(|t| crate::catalog::fill_summary(&t, &d.fix_values, lang))
            .unwrap_or_else(|| crate::catalog::details::localize(&d.summary, lang)),
    };
    let mut out = match lang {
        Lang::En => format!("gomod-diag fix: {} ({})\n", d.cause, mask_text(&summary)),
        Lang::Zh => format!("gomod-diag fix: {}（{}）\n", d.cause, mask_text(&summary)),
    };
    out.push_str(&describe(&plan, lang));
    if plan.changes.is_empty() {
        out.push_str(&say(
            lang,
            "nothing to apply to Go's env file\n".into(),
            "Go 的 env 文件没有需要修改的地方\n".into(),
        ));
        super::out(&out)?;
        return Ok(if !plan.refused.is_empty() {
            exit::USAGE
        } else if d.go_will_succeed || !plan.already.is_empty() {
            exit::SUCCESS
        } else {
            exit::GO_WILL_FAIL
        });
    }
    if !plan.refused.is_empty() {
        out.push_str(&say(
            lang,
            "nothing applied: a fix is all or nothing — resolve the refusals above first\n".into(),
            "什么也没有应用：修复要么全部应用，要么都不应用——请先解决上面被拒绝的步骤\n".into(),
        ));
        super::out(&out)?;
        return Ok(exit::USAGE);
    }
    let after = apply_to_file(&before, &plan.changes);
    out.push_str(&diff(&file.display().to_string(), &before, &after));
    if args.dry_run {
        out.push_str(&say(
            lang,
            "dry run: nothing changed\n".into(),
            "演练（dry run）：没有做任何修改\n".into(),
        ));
        super::out(&out)?;
        return Ok(exit::SUCCESS);
    }
    let backup = backup_path(&file);
    if let Some(dir) = file.parent() {
        let d = dir.display();
        io(
            std::fs::create_dir_all(dir),
            lang,
            || format!("cannot create {d}"),
            || format!("无法创建 {d}"),
        )?;
    }
    let b = backup.display();
    io(
        std::fs::write(&backup, &before),
        lang,
        || format!("cannot write the backup {b}"),
        || format!("无法写入备份 {b}"),
    )?;
    apply_with_go(&plan.changes, lang)?;
    let written = read_optional(&file, lang)?;
    if written != after {
        out.push_str(&say(
            lang,
            "note: Go wrote the file differently from the preview:\n".into(),
            "注意：Go 写入的文件与预览不同：\n".into(),
        ));
        out.push_str(&diff(&file.display().to_string(), &after, &written));
    }
    let b = backup.display();
    out.push_str(&say(
        lang,
        format!(
            "applied; backup: {b} (undo: gomod-diag fix --undo). Run gomod-diag again to check.\n"
        ),
        format!(
            "已应用；备份：{b}（撤销：`gomod-diag fix --undo`）。请再运行一次 gomod-diag 检查。\n"
        ),
    ));
    super::out(&out)?;
    Ok(exit::SUCCESS)
}

/// Runs `go env -w` for the sets and `go env -u` for the unsets (Go validates the values).
fn apply_with_go(changes: &[Change], lang: Lang) -> anyhow::Result<()> {
    let sets: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Set { var, value } => Some(format!("{var}={value}")),
            Change::Unset { .. } => None,
        })
        .collect();
    let unsets: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Unset { var } => Some(var.as_str()),
            Change::Set { .. } => None,
        })
        .collect();
    for (flag, args) in [
        ("-w", sets),
        ("-u", unsets.iter().map(|s| s.to_string()).collect()),
    ] {
        if args.is_empty() {
            continue;
        }
        let out = io(
            std::process::Command::new("go")
                .args(["env", flag])
                .args(&args)
                .output(),
            lang,
            || "cannot run go env".into(),
            || "无法运行 `go env`".into(),
        )?;
        if !out.status.success() {
            let err = mask_text(String::from_utf8_lossy(&out.stderr).trim());
            anyhow::bail!(say(
                lang,
                format!("`go env {flag}` refused the change (the backup is kept; `gomod-diag fix --undo` restores it): {err}"),
                format!("`go env {flag}` 拒绝了这个修改（备份保留着；`gomod-diag fix --undo` 可以恢复）：`{err}`"),
            ));
        }
    }
    Ok(())
}

/// Restores the env file from the backup and removes the backup.
fn undo(lang: Lang) -> anyhow::Result<u8> {
    let file = go_env_file(lang)?;
    let backup = backup_path(&file);
    let (f, b) = (file.display(), backup.display());
    let saved = match std::fs::read_to_string(&backup) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(say(
            lang,
            format!("no backup at {b}: `gomod-diag fix` has not changed this env file (or it was undone already)"),
            format!("{b} 处没有备份：`gomod-diag fix` 没有改过这个 env 文件（或者已经撤销过了）"),
        )),
        Err(e) => return io(Err(e), lang, || format!("cannot read {b}"), || format!("无法读取 {b}")),
    };
    let current = read_optional(&file, lang)?;
    let mut out = diff(&file.display().to_string(), &current, &saved);
    io(
        std::fs::write(&file, &saved),
        lang,
        || format!("cannot write {f}"),
        || format!("无法写入 {f}"),
    )?;
    io(
        std::fs::remove_file(&backup),
        lang,
        || format!("cannot remove the backup {b}"),
        || format!("无法删除备份 {b}"),
    )?;
    out.push_str(&say(
        lang,
        format!("restored {f} from the backup\n"),
        format!("已从备份恢复 {f}\n"),
    ));
    super::out(&out)?;
    Ok(exit::SUCCESS)
}

/// A by-hand step (`changes_from_steps` gives the English template) in Chinese, filled with
/// the run's values; as it is when the catalog has no Chinese for it.
fn zh_step(
    en: &str,
    steps: &[crate::catalog::schema::StepTemplate],
    values: &crate::catalog::FixValues,
) -> String {
    let (note, text) = match en.strip_prefix("(another way) ") {
        Some(rest) => ("（另一种做法）", rest),
        None => ("", en),
    };
    steps
        .iter()
        .find(|s| s.en.trim() == text)
        .and_then(|s| s.zh.as_deref())
        .map(|zh| {
            format!(
                "{note}{}",
                crate::catalog::fill_text(zh.trim(), values, Lang::Zh)
            )
        })
        .unwrap_or_else(|| en.to_string())
}
