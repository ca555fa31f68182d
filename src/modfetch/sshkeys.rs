//! Whether ssh would have asked for a passphrase: gomod-diag runs git's ssh in batch mode
//! (nothing may wait for a terminal), so a key that needs its passphrase is silently skipped.
//! Go runs ssh without batch mode: on a terminal ssh asks for the passphrase (and may then
//! succeed), without one (CI) it fails as predicted. The verdict says which it is.

use std::time::Duration;

use super::vcs_cmd::run_cmd;

/// The start of the detail line the verdict repeats ([`note_in`] finds it).
pub const PASSPHRASE_NOTE: &str = "ssh would have asked for a passphrase";

/// `[user@]host` and port of an ssh remote (`ssh://user@host:port/...`, `user@host:path`).
pub fn ssh_target(url: &str) -> Option<(String, u16)> {
    if let Some(rest) = url.strip_prefix("ssh://") {
        let authority = rest.split('/').next()?;
        let (userhost, port) = match authority.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => (h, p.parse().ok()?),
            _ => (authority, 22),
        };
        return (!userhost.is_empty()).then(|| (userhost.to_string(), port));
    }
    if url.contains("://") {
        return None;
    }
    let (userhost, _) = url.split_once(':')?;
    (!userhost.is_empty() && !userhost.contains('/')).then(|| (userhost.to_string(), 22))
}

/// The identity files in `ssh -G` output, `~` expanded with `home`.
pub fn identity_files(ssh_g: &str, home: &str) -> Vec<String> {
    ssh_g
        .lines()
        .filter_map(|l| l.strip_prefix("identityfile "))
        .map(|f| match f.trim().strip_prefix("~/") {
            Some(rest) if !home.is_empty() => format!("{}/{rest}", home.trim_end_matches('/')),
            _ => f.trim().to_string(),
        })
        .collect()
}

/// A private key that ssh-keygen cannot read without a passphrase (`-P ""`: never a prompt).
pub async fn is_encrypted(file: &str, t: Duration) -> bool {
    match run_cmd("ssh-keygen", &["-y", "-P", "", "-f", file], &[], t).await {
        Ok(o) => !o.success && o.stderr.to_ascii_lowercase().contains("passphrase"),
        Err(_) => false,
    }
}

/// The verdict's note when ssh (for `url`) would have needed a passphrase: some identity
/// file it offers is encrypted and no ssh-agent holds a key.
pub async fn passphrase_note(url: &str, env: &[(String, String)], t: Duration) -> Option<String> {
    let (target, port) = ssh_target(url)?;
    let var = |k: &str| {
        env.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var(k).ok())
            .filter(|v| !v.is_empty())
    };
    if var("SSH_AUTH_SOCK").is_some()
        && run_cmd("ssh-add", &["-l"], env, t)
            .await
            .is_ok_and(|o| o.success)
    {
        // The agent offers its keys in batch mode too: no passphrase question.
        return None;
    }
    let port = port.to_string();
    let out = run_cmd("ssh", &["-G", "-p", &port, "--", &target], env, t)
        .await
        .ok()
        .filter(|o| o.success)?;
    // OpenSSH expands `~` with the account's home directory (getpwuid), not $HOME.
    let home = account_home().or_else(|| var("HOME")).unwrap_or_default();
    let mut locked = vec![];
    for f in identity_files(&out.stdout, &home) {
        if std::path::Path::new(&f).is_file() && is_encrypted(&f, t).await {
            locked.push(f);
        }
    }
    (!locked.is_empty()).then(|| {
        format!(
            "{PASSPHRASE_NOTE} for {} (no ssh-agent holds a key): Go runs ssh without batch mode, so on a terminal ssh would prompt for it and may succeed; without a terminal (CI) it fails as predicted — load the key with ssh-add first",
            locked.join(", ")
        )
    })
}

#[cfg(unix)]
fn account_home() -> Option<String> {
    // SAFETY: getpwuid's record is read at once, before any other call could reuse it.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if pw.is_null() || (*pw).pw_dir.is_null() {
            return None;
        }
        let dir = std::ffi::CStr::from_ptr((*pw).pw_dir);
        Some(dir.to_string_lossy().into_owned())
    }
}

#[cfg(not(unix))]
fn account_home() -> Option<String> {
    None
}

/// The passphrase note in a direct outcome's detail, if any.
pub fn note_in(detail: &[String]) -> Option<&str> {
    detail
        .iter()
        .find(|d| d.starts_with(PASSPHRASE_NOTE))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_identity_files() {
        assert_eq!(
            ssh_target("ssh://git@github.com/lab/tool"),
            Some(("git@github.com".into(), 22))
        );
        assert_eq!(
            ssh_target("ssh://git@corp:2222/x"),
            Some(("git@corp".into(), 2222))
        );
        assert_eq!(
            ssh_target("git@github.com:org/repo"),
            Some(("git@github.com".into(), 22))
        );
        assert_eq!(ssh_target("https://github.com/x"), None);
        let g =
            "user git\nhostname github.com\nidentityfile ~/.ssh/id_rsa\nidentityfile /keys/ci\n";
        assert_eq!(
            identity_files(g, "/home/u/"),
            vec!["/home/u/.ssh/id_rsa".to_string(), "/keys/ci".to_string()]
        );
        let detail = vec!["x".to_string(), format!("{PASSPHRASE_NOTE} for /k")];
        assert_eq!(note_in(&detail), Some(detail[1].as_str()));
    }

    // Real keys made with ssh-keygen (skipped where OpenSSH is not installed).
    #[tokio::test]
    async fn encrypted_keys_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str, pass: &str| {
            let f = dir.path().join(name);
            std::process::Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", pass, "-f"])
                .arg(&f)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| f.display().to_string())
        };
        let (Some(locked), Some(open)) = (make("locked", "correct horse"), make("open", "")) else {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI=true and ssh-keygen is missing (apt install openssh-client)"
            );
            eprintln!("skipping: ssh-keygen is not available");
            return;
        };
        let t = Duration::from_secs(10);
        assert!(is_encrypted(&locked, t).await);
        assert!(!is_encrypted(&open, t).await);
    }
}
