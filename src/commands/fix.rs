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

use anyhow::Context;

use crate::catalog::apply::{apply_to_file, changes_from_steps, plan, Change};
use crate::cli::FixArgs;
use crate::commands::Ctx;
use crate::exit;
use crate::redact::mask_text;
use crate::render::fix::{describe, diff};

fn backup_path(env_file: &Path) -> PathBuf {
    let mut name = env_file.as_os_str().to_os_string();
    name.push(".gomod-diag-backup");
    PathBuf::from(name)
}

/// Go's env file as `go env GOENV` names it.
fn go_env_file() -> anyhow::Result<PathBuf> {
    let out = std::process::Command::new("go")
        .args(["env", "GOENV"])
        .output()
        .context(
            "cannot run `go env GOENV`: `fix` applies changes with the go command, put it on PATH",
        )?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() {
        anyhow::bail!(
            "`go env GOENV` failed: {}",
            mask_text(String::from_utf8_lossy(&out.stderr).trim())
        );
    }
    if path.is_empty() || path == "off" {
        anyhow::bail!("GOENV is {path:?}: Go reads no env file, so there is nothing `go env -w` can change (set GOENV to a file, or unset it)");
    }
    Ok(PathBuf::from(path))
}

fn read_optional(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

pub async fn run(ctx: &Ctx, args: &FixArgs) -> anyhow::Result<u8> {
    if args.undo {
        return undo();
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
    let (changes, unknown, by_hand) = changes_from_steps(&steps, &d.fix_values);
    let file = go_env_file()?;
    let before = read_optional(&file)?;
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
    let mut out = format!("gomod-diag fix: {} ({})\n", d.cause, mask_text(&d.summary));
    out.push_str(&describe(&plan));
    if plan.changes.is_empty() {
        out.push_str("nothing to apply to Go's env file\n");
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
        out.push_str(
            "nothing applied: a fix is all or nothing — resolve the refusals above first\n",
        );
        super::out(&out)?;
        return Ok(exit::USAGE);
    }
    let after = apply_to_file(&before, &plan.changes);
    out.push_str(&diff(&file.display().to_string(), &before, &after));
    if args.dry_run {
        out.push_str("dry run: nothing changed\n");
        super::out(&out)?;
        return Ok(exit::SUCCESS);
    }
    let backup = backup_path(&file);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&backup, &before)
        .with_context(|| format!("cannot write the backup {}", backup.display()))?;
    apply_with_go(&plan.changes)?;
    let written = read_optional(&file)?;
    if written != after {
        out.push_str("note: Go wrote the file differently from the preview:\n");
        out.push_str(&diff(&file.display().to_string(), &after, &written));
    }
    out.push_str(&format!(
        "applied; backup: {} (undo: gomod-diag fix --undo). Run gomod-diag again to check.\n",
        backup.display()
    ));
    super::out(&out)?;
    Ok(exit::SUCCESS)
}

/// Runs `go env -w` for the sets and `go env -u` for the unsets (Go validates the values).
fn apply_with_go(changes: &[Change]) -> anyhow::Result<()> {
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
        let out = std::process::Command::new("go")
            .args(["env", flag])
            .args(&args)
            .output()
            .context("cannot run go env")?;
        if !out.status.success() {
            anyhow::bail!(
                "`go env {flag}` refused the change (the backup is kept; `gomod-diag fix --undo` restores it): {}",
                mask_text(String::from_utf8_lossy(&out.stderr).trim())
            );
        }
    }
    Ok(())
}

/// Restores the env file from the backup and removes the backup.
fn undo() -> anyhow::Result<u8> {
    let file = go_env_file()?;
    let backup = backup_path(&file);
    let saved = match std::fs::read_to_string(&backup) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "no backup at {}: `gomod-diag fix` has not changed this env file (or it was undone already)",
            backup.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", backup.display())),
    };
    let current = read_optional(&file)?;
    let mut out = diff(&file.display().to_string(), &current, &saved);
    std::fs::write(&file, &saved).with_context(|| format!("cannot write {}", file.display()))?;
    std::fs::remove_file(&backup)
        .with_context(|| format!("cannot remove the backup {}", backup.display()))?;
    out.push_str(&format!("restored {} from the backup\n", file.display()));
    super::out(&out)?;
    Ok(exit::SUCCESS)
}
