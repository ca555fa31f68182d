//! Direct mode for the version control systems besides git that a go-import tag may name
//! (cmd/go/internal/modfetch/codehost/vcs.go): Mercurial and Subversion are asked, without
//! prompts and inside the deadline, the one question Go's first command answers (`hg
//! identify -r REV REMOTE` for Go's `hg pull`, `svn log -l1 --xml REMOTE@REV` as Go runs
//! it); fossil is checked for its binary only (bzr is no VCS of Go 1.27: meta.rs refuses
//! it as an unknown vcs).
//! The texts are Go 1.27's, as the fidelity lab records them.

use std::time::Duration;

use super::git_text::exec_error_text;
use super::meta::RepoRoot;
use super::vcs_cmd::{run_cmd, work_dir_for, GitSetup, RunFailure};
use crate::facts::DirectOutcome;
use crate::vocab::CauseId;

/// What is asked of the repository.
pub struct Ask<'a> {
    pub root: &'a RepoRoot,
    /// The module's directory in the repository (its tags are `DIR/vX.Y.Z`).
    pub code_dir: &'a str,
    /// The version or query; None: latest.
    pub version: Option<&'a str>,
    /// Run the VCS (false with `--no-vcs`).
    pub run: bool,
    pub timeout: Duration,
}

/// The revision Go asks the repository for (codeRepo's revToRev before the VCS sees it):
/// None for `latest`; a tag under the module's directory for a semantic version; the
/// commit of a pseudo-version; anything else as given.
pub fn go_rev(code_dir: &str, version: Option<&str>) -> Option<String> {
    let v = version.filter(|v| !matches!(*v, "latest" | "upgrade" | "patch"))?;
    if let Some(rev) = super::gitrefs::pseudo_rev(v) {
        return Some(rev.to_string());
    }
    if super::gitrefs::canonical_semver(v) {
        let tag = v.trim_end_matches("+incompatible");
        return Some(if code_dir.is_empty() {
            tag.to_string()
        } else {
            format!("{code_dir}/{tag}")
        });
    }
    Some(v.to_string())
}

/// What the VCS's stderr points at.
pub fn classify_stderr(stderr: &str) -> CauseId {
    let lower = stderr.to_ascii_lowercase();
    let has = |s: &str| lower.contains(s);
    if has("authorization required")
        || has("http error 401")
        || has("http error 403")
        || has("e170001")
        || has("authentication")
        || has("permission denied (publickey")
    {
        CauseId::VcsAuthRequired
    } else if has("connection refused") || has("e170013") && has("refused") {
        CauseId::TcpRefused
    } else if has("timed out") {
        CauseId::TcpTimeout
    } else if has("name or service not known") || has("unknown host") {
        CauseId::DnsNoResolution
    } else if has("certificate") {
        CauseId::TlsUntrustedInterception
    } else {
        // 404, "not an hg repository", svn's E170013/E160013/E210005 (no such repository
        // or path), an unknown revision.
        CauseId::GoproxyModuleNotFound
    }
}

fn outcome(
    ok: bool,
    go_error: Option<String>,
    class: CauseId,
    detail: Vec<String>,
) -> DirectOutcome {
    DirectOutcome {
        ok,
        not_found: !ok && class == CauseId::GoproxyModuleNotFound,
        go_error,
        class,
        verified: true,
        unchecked: None,
        detail,
    }
}

/// Direct mode for a non-git repository root (GOVCS already allowed it).
pub async fn probe(ask: &Ask<'_>, setup: &GitSetup, mut detail: Vec<String>) -> DirectOutcome {
    let remote = ask.root.repo.as_str();
    let vcs = ask.root.vcs.as_str();
    let rev = go_rev(ask.code_dir, ask.version);
    let explicit = rev.is_some();
    // codehost.NewRepo refuses these before running anything.
    if !super::meta::KNOWN_VCS.contains(&vcs) {
        let text = format!("unknown vcs: {vcs} {remote}");
        return outcome(false, Some(text), CauseId::VcsMetaMissing, detail);
    }
    if !remote.contains("://") {
        let text = format!("invalid vcs remote: {vcs} {remote}");
        return outcome(false, Some(text), CauseId::VcsMetaMissing, detail);
    }
    let dir = work_dir_for(&setup.gomodcache, &format!("vcs1.{vcs}"), remote);
    let (program, go_cmd, args): (&str, String, Vec<String>) = match vcs {
        // Go runs `hg init .` locally, then `hg pull -f` from the remote: identify asks the
        // remote the same question (does it answer, is the revision there) without a clone.
        "hg" => {
            let mut a: Vec<String> = ["--noninteractive", "identify", "--id"]
                .map(String::from)
                .to_vec();
            if let Some(r) = &rev {
                a.extend(["-r".into(), r.clone()]);
            }
            a.extend(["--".into(), remote.to_string()]);
            ("hg", "hg pull -f".into(), a)
        }
        // Go has no checkout: every Stat is `svn log -l1 --xml -- REMOTE[@REV]`.
        "svn" => {
            let target = match &rev {
                Some(r) => format!("{remote}@{r}"),
                None => remote.to_string(),
            };
            let a = ["log", "-l1", "--xml", "--non-interactive", "--", &target]
                .map(String::from)
                .to_vec();
            ("svn", "svn log".into(), a)
        }
        _ => {
            // fossil: Go clones the whole repository first; only the binary is checked.
            let a = vec!["version".to_string()];
            ("fossil", format!("fossil clone -- {remote} .fossil"), a)
        }
    };
    if !ask.run && vcs != "fossil" {
        detail.push(format!(
            "{vcs} access to {remote} was not checked (--no-vcs)"
        ));
        return DirectOutcome {
            ok: true,
            go_error: None,
            not_found: false,
            class: CauseId::Ok,
            verified: false,
            unchecked: Some(format!("{program} {}", args.join(" "))),
            detail,
        };
    }
    let mut env = setup.env.clone();
    // English, stable output; user configuration (auth, proxies) still applies.
    env.push(("HGPLAIN".into(), "1".into()));
    env.push(("LC_ALL".into(), "C".into()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let res = run_cmd(program, &argv, &env, ask.timeout).await;
    let unknown = |rev: &str| format!("invalid version: unknown revision {rev}");
    match res {
        Err(RunFailure::Spawn(e)) => {
            let exec = exec_error_text(program, &e);
            detail.push(format!("{program}: {exec}"));
            // Go's texts: hg fails at `hg init .`; svn's failed Stat is an unknown revision.
            let text = match (vcs, &rev) {
                ("hg", _) => format!("hg init . in {dir}: {exec}"),
                ("svn", Some(r)) => unknown(r),
                ("svn", None) => "no matching versions for query \"latest\"".into(),
                _ => format!("{go_cmd} in {dir}: {exec}"),
            };
            outcome(false, Some(text), CauseId::VcsGitMissing, detail)
        }
        Err(RunFailure::Timeout) => {
            let text = format!(
                "{program} {}: no answer within {:?} (Go has no timeout and would wait)",
                args.join(" "),
                ask.timeout
            );
            outcome(false, Some(text), CauseId::TcpTimeout, detail)
        }
        Ok(_) if vcs == "fossil" => {
            detail.push(format!(
                "fossil is installed; the clone Go runs ({go_cmd}) was not observed"
            ));
            DirectOutcome {
                ok: true,
                go_error: None,
                not_found: false,
                class: CauseId::Ok,
                verified: false,
                unchecked: Some(go_cmd),
                detail,
            }
        }
        Ok(o) if o.success => {
            detail.push(format!(
                "{program} {} answered: {}",
                args.join(" "),
                o.stdout.lines().next().unwrap_or("").trim()
            ));
            outcome(true, None, CauseId::Ok, detail)
        }
        Ok(o) => {
            // A remote may echo a URL with its userinfo.
            let stderr = crate::redact::mask_text(&o.stderr);
            detail.push(format!(
                "{program} {} failed ({})",
                args.join(" "),
                o.status
            ));
            let class = classify_stderr(&stderr);
            let text = match (vcs, &rev) {
                ("svn", Some(r)) => unknown(r),
                ("svn", None) => "no matching versions for query \"latest\"".into(),
                (_, Some(r)) if stderr.contains("unknown revision") => unknown(r),
                _ => {
                    let mut t = format!("{go_cmd} in {dir}: {}", o.status);
                    let e = stderr.trim_end_matches('\n');
                    if !e.is_empty() {
                        t.push_str(":\n\t");
                        t.push_str(&e.replace('\n', "\n\t"));
                    }
                    if explicit {
                        format!("invalid version: {t}")
                    } else {
                        t
                    }
                }
            };
            outcome(false, Some(text), class, detail)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_as_go_asks_them() {
        assert_eq!(go_rev("", None), None);
        assert_eq!(go_rev("", Some("latest")), None);
        assert_eq!(go_rev("", Some("v1.2.0")).as_deref(), Some("v1.2.0"));
        assert_eq!(
            go_rev("sub", Some("v2.0.0+incompatible")).as_deref(),
            Some("sub/v2.0.0")
        );
        assert_eq!(
            go_rev("", Some("v0.0.0-20240101000000-2557f59476b9")).as_deref(),
            Some("2557f59476b9")
        );
        assert_eq!(go_rev("", Some("default")).as_deref(), Some("default"));
    }

    // The cache directories in Go 1.27's errors for these remotes (recorded).
    #[test]
    fn work_dirs_like_go() {
        let d = work_dir_for(
            "/tmp/vcsx/gopath/pkg/mod",
            "vcs1.hg",
            "http://127.0.0.1:8000/",
        );
        assert!(
            d.ends_with("8af570141ce18f862c131ab83bc47cbdc2e6bad6af93fb6ac90744a236e33992"),
            "{d}"
        );
        let d = work_dir_for("/g", "vcs1.hg", "http://127.0.0.1:8000/nope");
        assert!(
            d.ends_with("ae7dce6d33897bbe1ae0314afc8b976f47e4a38c86c47fd9b099a79107c98bc5"),
            "{d}"
        );
    }

    #[test]
    fn stderr_classes() {
        for (stderr, want) in [
            ("abort: HTTP Error 404: Not Found", CauseId::GoproxyModuleNotFound),
            ("abort: http authorization required for http://h/r", CauseId::VcsAuthRequired),
            ("abort: error: Connection refused", CauseId::TcpRefused),
            ("svn: E170013: Unable to connect to a repository at URL 'svn://h/r'\nsvn: E210005: No repository found in 'svn://h/r'", CauseId::GoproxyModuleNotFound),
            ("svn: E170001: Authentication error from server: Username not found", CauseId::VcsAuthRequired),
            ("abort: unknown revision 'v1.2.0'", CauseId::GoproxyModuleNotFound),
        ] {
            assert_eq!(classify_stderr(stderr), want, "{stderr}");
        }
    }
}
