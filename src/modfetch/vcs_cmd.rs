//! Running the VCS commands cmd/go runs (git, hg, svn, ssh-keygen): in the directory and with
//! the environment Go would use, in a session of their own (no terminal, one process group),
//! and killed with their helpers at the deadline.

use std::time::Duration;

/// Which git to run and with what extra environment (tests point GIT_CONFIG_GLOBAL at a
/// fixture; normal runs use `git` from PATH and the user's configuration), and the module
/// cache Go would run git in (its `cache/vcs/<hash>` directory appears in Go's errors).
#[derive(Debug, Clone)]
pub struct GitSetup {
    pub program: String,
    pub env: Vec<(String, String)>,
    /// GOMODCACHE ("" when unknown: the error text then says `$GOMODCACHE`).
    pub gomodcache: String,
}

impl Default for GitSetup {
    fn default() -> GitSetup {
        GitSetup {
            program: "git".into(),
            env: vec![],
            gomodcache: gomodcache_from_env(&|k| std::env::var(k).ok()),
        }
    }
}

/// cmd/go's GOMODCACHE from the process environment: GOMODCACHE, else the first GOPATH
/// entry + `/pkg/mod`, else `$HOME/go/pkg/mod` (the go env file is not read here).
pub fn gomodcache_from_env(var: &dyn Fn(&str) -> Option<String>) -> String {
    let sep = if cfg!(windows) { ';' } else { ':' };
    let slash = std::path::MAIN_SEPARATOR;
    if let Some(v) = var("GOMODCACHE").filter(|v| !v.is_empty()) {
        return v;
    }
    if let Some(first) = var("GOPATH")
        .as_deref()
        .and_then(|p| p.split(sep).find(|e| !e.is_empty()))
    {
        return format!("{first}{slash}pkg{slash}mod");
    }
    let home = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    var(home)
        .filter(|h| !h.is_empty())
        .map(|h| format!("{h}{slash}go{slash}pkg{slash}mod"))
        .unwrap_or_default()
}

/// The directory cmd/go runs git in for `remote` (codehost.WorkDir: the SHA-256 of
/// `git3:<remote>` under `$GOMODCACHE/cache/vcs`).
pub fn vcs_work_dir(gomodcache: &str, remote: &str) -> String {
    work_dir_for(gomodcache, "git3", remote)
}

/// codehost.WorkDir for a work-dir type (`git3`, `vcs1.hg`, `vcs1.svn`, ...).
pub fn work_dir_for(gomodcache: &str, typ: &str, remote: &str) -> String {
    use aws_lc_rs::digest::{digest, SHA256};
    let hash: String = digest(&SHA256, format!("{typ}:{remote}").as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let base = if gomodcache.is_empty() {
        "$GOMODCACHE"
    } else {
        gomodcache
    };
    let slash = std::path::MAIN_SEPARATOR;
    format!(
        "{}{slash}cache{slash}vcs{slash}{hash}",
        base.trim_end_matches(['/', '\\'])
    )
}

/// Why a command did not give an exit status.
pub(crate) enum RunFailure {
    Spawn(std::io::Error),
    Timeout,
}

pub(crate) struct RunOutput {
    pub(crate) success: bool,
    /// Go's text for the exit: `exit status N` or `signal: ...`.
    pub(crate) status: String,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

pub(crate) async fn run_cmd(
    program: &str,
    args: &[&str],
    envs: &[(String, String)],
    timeout: Duration,
) -> Result<RunOutput, RunFailure> {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        // Not inside the user's work tree: Go runs git in its cache directory, so a
        // repository's own .git/config must not apply.
        .current_dir(std::env::temp_dir())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    own_session(&mut cmd);
    let child = cmd.spawn().map_err(RunFailure::Spawn)?;
    let group = child.id();
    let res = tokio::time::timeout(timeout, child.wait_with_output()).await;
    if res.is_err() {
        // git's helpers (ssh, credential helpers, curl) are in the same group: all go.
        kill_group(group);
    }
    match res {
        Ok(Ok(o)) => Ok(RunOutput {
            success: o.status.success(),
            status: match o.status.code() {
                Some(c) => format!("exit status {c}"),
                None => "signal: killed".into(),
            },
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }),
        Ok(Err(e)) => Err(RunFailure::Spawn(e)),
        Err(_) => Err(RunFailure::Timeout),
    }
}

/// git (and ssh, credential helpers) in a session of their own: no controlling terminal, so
/// nothing can prompt on the user's tty, and one process group to kill at the deadline.
#[cfg(unix)]
fn own_session(cmd: &mut tokio::process::Command) {
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn own_session(_cmd: &mut tokio::process::Command) {}

#[cfg(unix)]
fn kill_group(leader: Option<u32>) {
    if let Some(pid) = leader
        .and_then(|p| i32::try_from(p).ok())
        .filter(|p| *p > 0)
    {
        // SAFETY: a plain syscall; the group is the one setsid made for our child.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(_leader: Option<u32>) {}
