//! `gomod-diag fix [--dry-run] [--undo] [--allow-insecure]`: applies the verdict's
//! `go env -w` / `go env -u` steps, and nothing else.
//!
//! - Only Go's own env file (`go env GOENV`) changes, and only through `go env -w` / `-u`:
//!   OS settings (shell profiles, the registry, system proxies) are printed, never touched.
//! - The change is shown first as a diff of that file (predicted the way cmd/go's
//!   `updateEnvFile` rewrites it); a backup is kept next to it (`<file>.gomod-diag-backup`),
//!   and `fix --undo` puts it back.
//! - A step that weakens verification is refused without `--allow-insecure`: GOINSECURE,
//!   GONOSUMDB / GONOSUMCHECK / GONOSUMDB set to anything, GOSUMDB=off, `-insecure` in GOFLAGS,
//!   a plain-http GOPROXY entry, `GOVCS` allowing every VCS, and a GOPRIVATE (or GONOSUMDB)
//!   pattern broader than a private origin (`*`, a wildcard first element, a public code host
//!   with fewer than two path elements). A narrow GOPRIVATE pattern (`corp.example`,
//!   `github.com/acme`) only skips a checksum database that cannot know the module anyway,
//!   so it is applied.
//! - cmd/go reads the OS environment before the env file (`cfg.Getenv`: a non-empty OS value
//!   wins), so a change an OS variable would override is refused, naming the variable and the
//!   command that unsets it.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::catalog::schema::StepTemplate;
use crate::catalog::FixValues;
use crate::cli::FixArgs;
use crate::commands::Ctx;
use crate::exit;
use crate::redact::{mask_text, MASK};
use crate::shell::Shell;

/// One change to Go's env file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `go env -w VAR=VALUE`.
    Set { var: String, value: String },
    /// `go env -u VAR`.
    Unset { var: String },
}

impl Change {
    pub fn var(&self) -> &str {
        match self {
            Change::Set { var, .. } | Change::Unset { var } => var,
        }
    }
}

/// A step `fix` will not apply, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The step weakens verification; `--allow-insecure` applies it.
    Insecure { change: Change, why: String },
    /// A non-empty OS variable wins over the env file.
    OsOverride {
        var: String,
        os_value: String,
        unset: String,
    },
    /// A value the verdict does not know (or knows only masked, from a saved report).
    Unknown { var: String, what: String },
}

/// What `fix` will do for a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub refused: Vec<Refusal>,
    /// Steps of other kinds (OS settings, commands to run), for the person to do.
    pub by_hand: Vec<String>,
    /// Changes already in effect (the env file or the OS environment has the value).
    pub already: Vec<Change>,
}

/// Whether a step starts another way to fix the cause ("Or use a mirror ...").
fn is_alternative(step: &StepTemplate) -> bool {
    let t = step.en.trim_start();
    t.starts_with("Or ") || t.starts_with("Or,")
}

fn is_go_env(step: &StepTemplate) -> bool {
    step.go_env_w.is_some() || step.go_env_u.is_some()
}

/// The `go env -w` / `-u` changes of a catalog entry's steps, placeholders filled with the
/// real values. The steps form alternatives (a step beginning "Or" starts the next one):
/// only the first alternative with a `go env` step is applied, its other steps and the
/// other alternatives are returned as their English text, to be done by hand.
pub fn changes_from_steps(
    steps: &[StepTemplate],
    values: &FixValues,
) -> (Vec<(Change, bool)>, Vec<Refusal>, Vec<String>) {
    let mut groups: Vec<Vec<&StepTemplate>> = vec![];
    for step in steps {
        match groups.last_mut() {
            Some(g) if !is_alternative(step) => g.push(step),
            _ => groups.push(vec![step]),
        }
    }
    let chosen = groups.iter().position(|g| g.iter().any(|s| is_go_env(s)));
    let mut changes = vec![];
    let mut unknown = vec![];
    let mut by_hand = vec![];
    for (i, group) in groups.iter().enumerate() {
        for step in group {
            if Some(i) != chosen || !is_go_env(step) {
                let note = if Some(i) == chosen || chosen.is_none() {
                    ""
                } else {
                    "(another way) "
                };
                by_hand.push(format!("{note}{}", step.en.trim()));
                continue;
            }
            let change = if let Some(t) = &step.go_env_w {
                let (var, value) = t.split_once('=').unwrap_or((t, ""));
                match (fill(var, values), fill(value, values)) {
                    (Ok(var), Ok(value)) => Ok(Change::Set { var, value }),
                    (Err(what), _) | (_, Err(what)) => Err((var.to_string(), what)),
                }
            } else {
                let t = step.go_env_u.as_deref().unwrap_or_default();
                fill(t, values)
                    .map(|var| Change::Unset { var })
                    .map_err(|what| (t.to_string(), what))
            };
            match change {
                Ok(c) => changes.push((c, step.weakens_security)),
                Err((var, what)) => unknown.push(Refusal::Unknown { var, what }),
            }
        }
    }
    (changes, unknown, by_hand)
}

/// Fills `{name}` placeholders with the real values; an unknown or masked value is an error
/// naming it (a masked password written to the env file would break the login).
fn fill(template: &str, values: &FixValues) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        match values.get(name) {
            Some(v) => out.push_str(v),
            None => return Err(format!("the value of {{{name}}} is not known")),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if out.contains(&format!("{MASK}@")) || out.contains(&format!(":{MASK}")) {
        return Err(
            "the value holds a masked credential (a saved report keeps only the masked value)"
                .into(),
        );
    }
    Ok(out)
}

/// Plans the changes against the env file's current text and the OS environment.
pub fn plan(
    changes: Vec<(Change, bool)>,
    mut refused: Vec<Refusal>,
    by_hand: Vec<String>,
    env_file: &str,
    os_env: &dyn Fn(&str) -> Option<String>,
    shell: Shell,
    allow_insecure: bool,
) -> Plan {
    let current = file_values(env_file);
    let mut plan = Plan {
        by_hand,
        ..Plan::default()
    };
    for (change, flagged) in changes {
        let var = change.var().to_string();
        let os_value = os_env(&var).filter(|v| !v.is_empty());
        let in_file = current
            .iter()
            .rev()
            .find(|(k, _)| *k == var)
            .map(|(_, v)| *v);
        let effective_now = match &change {
            Change::Set { value, .. } => {
                os_value.as_deref() == Some(value.as_str())
                    || (os_value.is_none() && in_file == Some(value.as_str()))
            }
            Change::Unset { .. } => os_value.is_none() && in_file.is_none(),
        };
        if effective_now {
            plan.already.push(change);
            continue;
        }
        if let Some(os_value) = os_value {
            plan.refused.push(Refusal::OsOverride {
                unset: crate::shell::unset_env_session(shell, &var),
                var,
                os_value,
            });
            continue;
        }
        let why = match &change {
            Change::Set { var, value } => {
                weakens(var, value, in_file.unwrap_or("")).or_else(|| {
                    flagged.then(|| {
                        "the catalog marks this step as weakening verification".to_string()
                    })
                })
            }
            Change::Unset { .. } => None,
        };
        match why {
            Some(why) if !allow_insecure => refused.push(Refusal::Insecure { change, why }),
            _ => plan.changes.push(change),
        }
    }
    plan.refused.extend(refused);
    plan
}

/// Public code hosts where a pattern must name at least an owner to stay narrow.
const PUBLIC_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "gitee.com",
    "golang.org",
    "google.golang.org",
    "go.googlesource.com",
    "gopkg.in",
    "go.uber.org",
    "k8s.io",
    "sigs.k8s.io",
];

/// Why setting `var` to `value` weakens verification (None when it does not).
pub fn weakens(var: &str, value: &str, old: &str) -> Option<String> {
    let value_t = value.trim();
    match var {
        "GOINSECURE" if !value_t.is_empty() => Some(
            "GOINSECURE lets Go fetch these modules over plain HTTP or with any certificate".into(),
        ),
        "GONOSUMCHECK" | "GONOSUMDB" | "GOFLAGS" | "GOPRIVATE" | "GOSUMDB" | "GOPROXY"
        | "GOVCS" => weakens_listed(var, value_t, old),
        _ => None,
    }
}

fn weakens_listed(var: &str, value: &str, old: &str) -> Option<String> {
    match var {
        "GONOSUMCHECK" if !value.is_empty() => {
            Some("GONOSUMCHECK turns off checksum verification".into())
        }
        "GOSUMDB" if value == "off" => {
            Some("GOSUMDB=off turns off the checksum database for every module".into())
        }
        "GOFLAGS"
            if value
                .split_whitespace()
                .any(|f| f.trim_start_matches('-') == "insecure") =>
        {
            Some("-insecure in GOFLAGS allows plain HTTP and unverified certificates".into())
        }
        "GOPROXY"
            if value
                .split([',', '|'])
                .any(|e| e.trim().starts_with("http://")) =>
        {
            Some("a plain-http GOPROXY entry can be tampered with on the way".into())
        }
        "GOVCS" if value.split(',').any(|r| r.trim() == "*:all") => {
            Some("GOVCS=*:all lets any module use any version control system".into())
        }
        "GOPRIVATE" | "GONOSUMDB" => {
            let before: Vec<&str> = old.split(',').map(str::trim).collect();
            value
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty() && !before.contains(p))
                .find(|p| broad_pattern(p))
                .map(|p| {
                    format!(
                        "{var} pattern {p:?} skips the checksum database for public modules too"
                    )
                })
        }
        _ => None,
    }
}

/// A module path pattern that covers public modules: `*`, a wildcard first element, a public
/// code host with fewer than two path elements.
fn broad_pattern(p: &str) -> bool {
    let mut parts = p.trim_end_matches('/').split('/');
    let host = parts.next().unwrap_or("");
    let depth = parts.filter(|s| !s.is_empty()).count();
    let wild_owner = p
        .split('/')
        .nth(1)
        .is_some_and(|o| o.contains(['*', '?', '[']));
    host.contains(['*', '?', '['])
        || !host.contains('.')
        || (PUBLIC_HOSTS.contains(&host) && (depth == 0 || wild_owner))
}

/// The KEY=VALUE lines of an env file (cmd/go's `lineToKey`: a key has no `#`).
fn file_values(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            (!k.contains('#')).then_some((k, v))
        })
        .collect()
}

/// The env file after the changes, as cmd/go's `updateEnvFile` writes it: the last copy of a
/// key is kept, a set key is updated in place (else appended), an unset key removed, and
/// each run of KEY=VALUE lines sorted by key.
pub fn apply_to_file(text: &str, changes: &[Change]) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if let Some(last) = lines.last_mut() {
        if !last.ends_with('\n') {
            last.push('\n');
        }
    }
    let key = |l: &str| -> Option<String> {
        let i = l.find('=')?;
        (!l[..i].contains('#')).then(|| l[..i].to_string())
    };
    let mut last: std::collections::BTreeMap<String, usize> = Default::default();
    for i in 0..lines.len() {
        if let Some(k) = key(&lines[i]) {
            if let Some(p) = last.insert(k, i) {
                lines[p].clear();
            }
        }
    }
    for c in changes {
        match c {
            Change::Set { var, value } => match last.get(var) {
                Some(&p) => lines[p] = format!("{var}={value}\n"),
                None => {
                    last.insert(var.clone(), lines.len());
                    lines.push(format!("{var}={value}\n"));
                }
            },
            Change::Unset { var } => {
                if let Some(p) = last.remove(var) {
                    lines[p].clear();
                }
            }
        }
    }
    let mut start = 0;
    for i in 0..=lines.len() {
        if i == lines.len() || key(&lines[i]).is_none() {
            lines[start..i].sort_by_key(|l| key(l));
            start = i + 1;
        }
    }
    lines.concat()
}

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

/// The text `fix` prints for a plan (before any change is made).
pub fn describe(plan: &Plan) -> String {
    let mut out = String::new();
    for c in &plan.already {
        out.push_str(&format!("already in effect: {}\n", mask_text(&command(c))));
    }
    for r in &plan.refused {
        let line = match r {
            Refusal::Insecure { change, why } => format!(
                "refused (weakens security: {why}): {}\n  apply it anyway with `gomod-diag fix --allow-insecure`",
                command(change)
            ),
            Refusal::OsOverride { var, os_value, unset } => format!(
                "refused: the OS environment sets {var}={os_value}, which Go uses before its env file, so `go env -w`/`-u` would change nothing.\n  Unset it in this shell ({unset}) and where it is set persistently (shell profile, system environment), then run `gomod-diag fix` again"
            ),
            Refusal::Unknown { var, what } => {
                format!("refused: {var}: {what}; run `gomod-diag` and apply this step by hand\n")
            }
        };
        out.push_str(&mask_text(line.trim_end()));
        out.push('\n');
    }
    for s in &plan.by_hand {
        out.push_str(&format!("not applied (do it by hand): {}\n", mask_text(s)));
    }
    out
}

fn command(c: &Change) -> String {
    match c {
        Change::Set { var, value } => format!("go env -w {var}={value}"),
        Change::Unset { var } => format!("go env -u {var}"),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn set(var: &str, value: &str) -> Change {
        Change::Set {
            var: var.into(),
            value: value.into(),
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn plan_of(
        changes: Vec<Change>,
        file: &str,
        env: &dyn Fn(&str) -> Option<String>,
        allow: bool,
    ) -> Plan {
        let changes = changes.into_iter().map(|c| (c, false)).collect();
        plan(changes, vec![], vec![], file, env, Shell::Bash, allow)
    }

    #[test]
    fn file_edits_follow_cmd_go() {
        // Update in place, keep only the last copy, append new keys, sort a run of keys.
        let before = "# mine\nGOPROXY=a\nGOFLAGS=-mod=mod\nGOPROXY=b";
        let after = apply_to_file(
            before,
            &[
                set("GOPROXY", "https://goproxy.cn,direct"),
                set("GOPRIVATE", "corp.example"),
            ],
        );
        assert_eq!(
            after,
            "# mine\nGOFLAGS=-mod=mod\nGOPRIVATE=corp.example\nGOPROXY=https://goproxy.cn,direct\n"
        );
        let after = apply_to_file(
            "GOSUMDB=off\nGOPROXY=x\n",
            &[Change::Unset {
                var: "GOSUMDB".into(),
            }],
        );
        assert_eq!(after, "GOPROXY=x\n");
        assert_eq!(
            apply_to_file("", &[set("GOPROXY", "direct")]),
            "GOPROXY=direct\n"
        );
    }

    #[test]
    fn an_os_variable_that_wins_is_refused_with_the_command_to_unset_it() {
        let env = |k: &str| (k == "GOPROXY").then(|| "https://old.example".to_string());
        let p = plan_of(
            vec![set("GOPROXY", "https://goproxy.cn,direct")],
            "",
            &env,
            false,
        );
        assert!(p.changes.is_empty());
        assert_eq!(
            p.refused,
            vec![Refusal::OsOverride {
                var: "GOPROXY".into(),
                os_value: "https://old.example".into(),
                unset: "unset GOPROXY".into()
            }]
        );
        // The same value in the OS environment: already in effect, nothing to do.
        let env = |k: &str| (k == "GOPROXY").then(|| "direct".to_string());
        let p = plan_of(vec![set("GOPROXY", "direct")], "", &env, false);
        assert_eq!(p.already.len(), 1);
        assert!(p.refused.is_empty() && p.changes.is_empty());
        // An empty OS value does not override (cmd/go's Getenv).
        let env = |k: &str| (k == "GOPROXY").then(String::new);
        let p = plan_of(vec![set("GOPROXY", "direct")], "", &env, false);
        assert_eq!(p.changes, vec![set("GOPROXY", "direct")]);
    }

    #[test]
    fn weakening_steps_need_allow_insecure() {
        for (var, value) in [
            ("GOINSECURE", "corp.example"),
            ("GONOSUMDB", "*"),
            ("GOSUMDB", "off"),
            ("GOFLAGS", "-mod=mod -insecure"),
            ("GOPROXY", "http://mirror.example,direct"),
            ("GOPRIVATE", "github.com"),
            ("GOPRIVATE", "corp.example,*.com"),
            ("GOPRIVATE", "github.com/*"),
            ("GOVCS", "*:all"),
        ] {
            let p = plan_of(vec![set(var, value)], "", &no_env, false);
            assert!(p.changes.is_empty(), "{var}={value}");
            assert!(
                matches!(p.refused[..], [Refusal::Insecure { .. }]),
                "{var}={value}: {p:?}"
            );
            let p = plan_of(vec![set(var, value)], "", &no_env, true);
            assert_eq!(p.changes.len(), 1, "{var}={value} with --allow-insecure");
        }
        for (var, value, old) in [
            ("GOPRIVATE", "corp.example", ""),
            ("GOPRIVATE", "github.com/acme,corp.example", ""),
            // A broad pattern the user already had is not this fix's doing.
            ("GOPRIVATE", "github.com,corp.example", "github.com"),
            ("GOPROXY", "https://goproxy.cn,direct", ""),
            ("GOSUMDB", "sum.golang.google.cn", ""),
        ] {
            assert_eq!(weakens(var, value, old), None, "{var}={value}");
        }
        // Restoring a default never weakens anything.
        let p = plan_of(
            vec![Change::Unset {
                var: "GOSUMDB".into(),
            }],
            "GOSUMDB=off\n",
            &no_env,
            false,
        );
        assert_eq!(p.changes.len(), 1);
        // The catalog's own flag counts too.
        let p = plan(
            vec![(set("GOPROXY", "direct"), true)],
            vec![],
            vec![],
            "",
            &no_env,
            Shell::Bash,
            false,
        );
        assert!(matches!(p.refused[..], [Refusal::Insecure { .. }]));
    }

    #[test]
    fn steps_become_changes_with_real_values_or_refusals() {
        let steps = vec![
            StepTemplate {
                en: "Add it".into(),
                go_env_w: Some("GOPRIVATE={goprivate_new}".into()),
                ..Default::default()
            },
            StepTemplate {
                en: "Unset it".into(),
                go_env_u: Some("{var}".into()),
                ..Default::default()
            },
            StepTemplate {
                en: "Set the proxy".into(),
                go_env_w: Some("GOPROXY={goproxy_new}".into()),
                ..Default::default()
            },
            StepTemplate {
                en: "Retry:".into(),
                run: Some("go mod download -x {module}".into()),
                ..Default::default()
            },
        ];
        let values = FixValues::new()
            .with("goprivate_new", "corp.example")
            .with("var", "GOINSECURE");
        let (changes, unknown, by_hand) = changes_from_steps(&steps, &values);
        assert_eq!(
            changes,
            vec![
                (set("GOPRIVATE", "corp.example"), false),
                (
                    Change::Unset {
                        var: "GOINSECURE".into()
                    },
                    false
                )
            ]
        );
        assert!(matches!(&unknown[..], [Refusal::Unknown { var, .. }] if var == "GOPROXY"));
        assert_eq!(by_hand, vec!["Retry:"]);
        // Only the first way with a go env step is applied; the others are listed.
        let mut alt = steps[..1].to_vec();
        alt.insert(
            0,
            StepTemplate {
                en: "Ask the administrator.".into(),
                ..Default::default()
            },
        );
        alt.push(StepTemplate {
            en: "Or, exempt it from the checksum database only:".into(),
            weakens_security: true,
            go_env_w: Some("GONOSUMDB={goprivate_new}".into()),
            ..Default::default()
        });
        let (changes, _, by_hand) = changes_from_steps(&alt, &values);
        assert_eq!(changes, vec![(set("GOPRIVATE", "corp.example"), false)]);
        assert_eq!(
            by_hand,
            vec![
                "Ask the administrator.",
                "(another way) Or, exempt it from the checksum database only:"
            ]
        );
        // A value known only masked (a saved report) is never written.
        let values = FixValues::new().with("goproxy_new", "https://u:xxxxx@mirror.example");
        let (changes, unknown, _) = changes_from_steps(&steps[2..3], &values);
        assert!(changes.is_empty() && unknown.len() == 1);
    }

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

    #[test]
    fn nothing_to_do_when_the_file_already_has_it() {
        let p = plan_of(
            vec![set("GOPROXY", "direct")],
            "GOPROXY=direct\n",
            &no_env,
            false,
        );
        assert_eq!(p.already.len(), 1);
        let p = plan_of(
            vec![Change::Unset {
                var: "GOSUMDB".into(),
            }],
            "",
            &no_env,
            false,
        );
        assert_eq!(p.already.len(), 1);
    }
}
