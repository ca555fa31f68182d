//! Direct mode (`direct` in GOPROXY, or a GONOPROXY/GOPRIVATE module): how cmd/go finds the
//! repository (cmd/go/internal/vcs: the static host table, else `https://<path>?go-get=1` and
//! its `<meta name="go-import">` tags), GOVCS, and what git needs (git on PATH, git's own
//! proxy settings, `url.<base>.insteadOf` rewrites to ssh/git:// and whether their port is
//! reachable), then what Go runs: `git ls-remote` with Go's environment (prompts and credential
//! windows off, ssh in batch mode), the requested version resolved against the refs as cmd/go
//! resolves it. With `--no-vcs`, git's first anonymous request (smart-HTTP discovery) instead.

use crate::vocab::CauseId;
use std::time::Duration;

use super::fetch::Fetcher;
use super::git_text::*;
use super::meta::*;
use crate::facts::observed::Fetch;
use crate::facts::DirectOutcome;
/// Options for the direct-mode probe.
#[derive(Debug, Clone)]
pub struct DirectOptions {
    pub gonoproxy_private: bool,
    /// GOPRIVATE matches the root (GOVCS's "private").
    pub goprivate: String,
    pub govcs: Option<crate::config::GovcsRules>,
    /// GOINSECURE: the `?go-get=1` lookup of a matching path skips certificate checks and
    /// falls back to http (lookupDirect's web.Insecure).
    pub goinsecure: String,
    /// Run `git ls-remote` (the default; `--no-vcs` turns it off).
    pub ls_remote: bool,
    /// The requested version or query (`v1.2.3`, a branch, a commit, `latest`); None: latest.
    pub version: Option<String>,
    pub timeout: Duration,
    /// The resolver an ssh/git:// host is looked up with (`--system-dns`, the hosts file);
    /// None: the OS resolver.
    pub dns: Option<crate::probe::ProbeOptions>,
}

pub use super::vcs_cmd::{gomodcache_from_env, vcs_work_dir, work_dir_for, GitSetup};
pub(super) use super::vcs_cmd::{run_cmd, RunFailure};

impl DirectOptions {
    pub fn new(timeout: Duration) -> DirectOptions {
        DirectOptions {
            gonoproxy_private: false,
            goprivate: String::new(),
            govcs: None,
            goinsecure: String::new(),
            ls_remote: false,
            version: None,
            timeout,
            dns: None,
        }
    }
}

/// How much of a `?go-get=1` page is read (Go reads on to `</head>`; 4 MiB is far beyond
/// any real page, and bounded).
pub const GO_GET_KEEP: usize = 4 << 20;

/// How long the VCS command Go runs may take: a process with its own TLS, HTTP and
/// possibly ssh is slower than one probe step (and much slower on a loaded machine), so it
/// gets the rest of the run's deadline (less a second to report), at least one step.
fn vcs_budget(opts: &DirectOptions) -> Duration {
    let rest = opts.dns.as_ref().map(|o| {
        o.deadline
            .saturating_duration_since(tokio::time::Instant::now())
            .saturating_sub(Duration::from_secs(1))
    });
    // Whole seconds: the number appears in the verdict when the command does not finish.
    let rest = rest.map(|r| Duration::from_secs(r.as_secs()));
    rest.unwrap_or(opts.timeout * 3).max(opts.timeout)
}

/// Resolves and connects to host:port within `t`: None when it connects.
async fn connect_failure(
    host: &str,
    port: u16,
    t: Duration,
    dns: Option<&crate::probe::ProbeOptions>,
) -> Option<ConnectFailure> {
    let addrs: Vec<std::net::SocketAddr> = match dns {
        Some(o) => {
            let (answer, _) = crate::probe::dns::system::resolve_system(host, o).await;
            let a: Vec<_> = answer
                .addrs()
                .into_iter()
                .map(|ip| std::net::SocketAddr::new(ip, port))
                .collect();
            if a.is_empty() {
                return Some(ConnectFailure::Resolve);
            }
            a
        }
        None => match tokio::time::timeout(t, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(a)) => a.collect(),
            _ => return Some(ConnectFailure::Resolve),
        },
    };
    let mut last = ConnectFailure::Resolve;
    for a in addrs {
        match tokio::time::timeout(t, tokio::net::TcpStream::connect(a)).await {
            Ok(Ok(_)) => return None,
            Ok(Err(e)) => {
                last = match e.kind() {
                    std::io::ErrorKind::ConnectionRefused => ConnectFailure::Refused,
                    std::io::ErrorKind::HostUnreachable => ConnectFailure::NoRoute,
                    std::io::ErrorKind::NetworkUnreachable => ConnectFailure::NetworkUnreachable,
                    _ => ConnectFailure::TimedOut,
                }
            }
            Err(_) => last = ConnectFailure::TimedOut,
        }
    }
    Some(last)
}

/// The path exists and is older than a few seconds: a `go` run that is under way right now
/// (a script running both side by side) creates the directory after its first `ls-remote`
/// with the URL, so only an earlier run's cache makes Go say `origin`.
fn in_cache_before_now(path: &std::path::Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > Duration::from_secs(5))
}

/// Probes direct mode for one module path.
pub async fn probe_direct(path: &str, fetcher: &Fetcher, opts: &DirectOptions) -> DirectOutcome {
    probe_direct_with(path, fetcher, opts, &GitSetup::default()).await
}

/// What git would have run (without `--no-vcs`), for an outcome that rests on it.
pub fn unchecked_git(remote: &str) -> String {
    format!("git ls-remote -q --end-of-options {remote}")
}

/// [`probe_direct`] with a chosen git program and environment.
pub async fn probe_direct_with(
    path: &str,
    fetcher: &Fetcher,
    opts: &DirectOptions,
    git_setup: &GitSetup,
) -> DirectOutcome {
    let mut detail = vec![];
    let fail =
        |go_error: String, not_found: bool, class: CauseId, detail: Vec<String>| DirectOutcome {
            ok: false,
            go_error: Some(go_error),
            not_found,
            class,
            verified: true,
            unchecked: None,
            detail,
        };
    let root = match static_repo_root(path) {
        Some(Ok(r)) => r,
        Some(Err(e)) => return fail(e, true, CauseId::GoproxyModuleNotFound, detail),
        None => {
            let url = go_get_url(path);
            let insecure = crate::config::pattern::match_prefix_patterns(&opts.goinsecure, path);
            // Go reads the page until </head> or <body>, however far (no limit): read far,
            // and say so when even that ends before the tags.
            let (url, f) = if insecure {
                detail.push(format!(
                    "GOINSECURE covers {path}: {url} without certificate checks, then over http"
                ));
                fetcher.get_insecure(&url, GO_GET_KEEP).await
            } else {
                let f = fetcher.get(&url, GO_GET_KEEP).await;
                (url, f)
            };
            match repo_root_from_go_get(path, &url, &f) {
                Ok(r) => r,
                Err(e) => {
                    // web.Insecure names both attempts.
                    let e = match e.strip_prefix("https fetch: ") {
                        Some(rest) if insecure => format!("http/https fetch: {rest}"),
                        _ => e,
                    };
                    let class = match &f {
                        Fetch::NetError { class, .. } => *class,
                        _ => CauseId::VcsMetaMissing,
                    };
                    detail.push(format!("GET {url}: no usable go-import meta tag"));
                    return fail(
                        format!("unrecognized import path {path:?}: {e}"),
                        true,
                        class,
                        detail,
                    );
                }
            }
        }
    };
    detail.push(format!(
        "repository {} ({}) from {}",
        root.repo, root.vcs, root.source
    ));
    let unverified = |detail: Vec<String>, unchecked: Option<String>| DirectOutcome {
        ok: true,
        go_error: None,
        not_found: false,
        class: CauseId::Ok,
        verified: false,
        unchecked,
        detail,
    };
    if root.vcs == "mod" {
        return unverified(detail, None);
    }
    if let Some(rules) = &opts.govcs {
        let private = crate::config::pattern::match_prefix_patterns(&opts.goprivate, &root.root);
        if let Err(e) = rules.allows(&root.root, private, &root.vcs) {
            // checkGOVCS runs inside repoRootForImportDynamic for a go-import root, whose
            // errors RepoRootForImportPath wraps; lookupDirect makes every one not-exist.
            let e = if root.source == "static table" {
                e
            } else {
                format!("unrecognized import path {path:?}: {e}")
            };
            return fail(e, true, CauseId::VcsGovcsDenied, detail);
        }
    }
    if root.vcs != "git" {
        let code_dir = super::gitrefs::code_dir(path, &root.root);
        let ask = super::othervcs::Ask {
            root: &root,
            code_dir: &code_dir,
            version: opts.version.as_deref(),
            run: opts.ls_remote,
            timeout: vcs_budget(opts),
        };
        return super::othervcs::probe(&ask, git_setup, detail).await;
    }
    let t = opts.timeout;
    let git = git_setup.program.as_str();
    let env = &git_setup.env;
    let work_dir = vcs_work_dir(&git_setup.gomodcache, &root.repo);
    // A repository already in Go's cache is asked as `origin` (and `git version` is skipped).
    let cached = !git_setup.gomodcache.is_empty()
        && in_cache_before_now(&std::path::Path::new(&work_dir).join("objects"));
    let remote_arg = if cached { "origin" } else { root.repo.as_str() };
    if let Err(RunFailure::Spawn(e)) = run_cmd(git, &["version"], env, t).await {
        let exec = exec_error_text("git", &e);
        // A repository already in the module cache skips `git version`: ls-remote is the
        // first command to fail then.
        let text = if cached {
            format!(
                "invalid version: git ls-remote -q --end-of-options {remote_arg} in {work_dir}: {exec}"
            )
        } else {
            git_missing_text(&exec)
        };
        return fail(text, false, CauseId::VcsGitMissing, detail);
    }
    // git's own view: its proxy and URL rewrites.
    if let Ok(o) = run_cmd(git, &["config", "--get", "http.proxy"], env, t).await {
        if !o.stdout.trim().is_empty() {
            detail.push(format!(
                "git uses http.proxy={} (git config), not Go's proxy variables",
                crate::redact::mask_value(o.stdout.trim())
            ));
        }
    }
    let scheme = root.repo.split("://").next().unwrap_or("https").to_string();
    if let Some((name, v)) = git_env_proxy(&scheme, &|k| std::env::var(k).ok()) {
        detail.push(format!(
            "git's environment proxy: {name}={}",
            crate::redact::mask_value(&v)
        ));
    }
    let rules = run_cmd(
        git,
        &["config", "--get-regexp", r"url\..*\.insteadof"],
        env,
        t,
    )
    .await
    .map(|o| parse_instead_of(&o.stdout))
    .unwrap_or_default();
    let effective = rewrite_url(&root.repo, &rules);
    if let Some(rule) = super::meta::rewrite_rule(&root.repo, &rules) {
        detail.push(super::meta::rewrite_note(
            &root.repo,
            &crate::redact::mask_value(&effective),
            rule,
        ));
    }
    let endpoint = transport_endpoint(&effective);
    // With --no-vcs, an ssh/git:// remote is checked up to its TCP port: git's text for a
    // port that does not answer is predictable.
    let predicted_connect_failure = |why: ConnectFailure, detail: Vec<String>| {
        let (host, port, proto) = endpoint.clone().expect("an ssh/git endpoint");
        let stderr = connect_failure_stderr(proto, &host, port, why);
        fail(
            ls_remote_error_text(remote_arg, &work_dir, "exit status 128", &stderr),
            false,
            CauseId::VcsSshBlocked,
            detail,
        )
    };
    let code_dir = super::gitrefs::code_dir(path, &root.root);
    let version = opts.version.as_deref();
    if !opts.ls_remote {
        if let Some((host, port, proto)) = &endpoint {
            if let Some(why) = connect_failure(host, *port, t, opts.dns.as_ref()).await {
                detail.push(format!(
                    "{proto} to {host}:{port}: {} (TCP probe)",
                    why.strerror()
                ));
                return predicted_connect_failure(why, detail);
            }
            detail.push(format!("{proto} port {host}:{port} is reachable"));
            detail.push(format!(
                "git access to {} was not checked (--no-vcs): run without --no-vcs to check it",
                root.repo
            ));
            return unverified(detail, Some(unchecked_git(&root.repo)));
        }
        let ask = Discovery {
            effective: &effective,
            remote_arg,
            work_dir: &work_dir,
            repo: &root.repo,
            code_dir: &code_dir,
            version,
            git_credentials: git_may_have_credentials(git, env, t).await,
        };
        return anonymous_discovery(fetcher, &ask, detail).await;
    }
    // cmd/go sets these when unset; a diagnosis can never answer a prompt, so always.
    let mut ls_env = env.clone();
    ls_env.push(("GIT_TERMINAL_PROMPT".into(), "0".into()));
    ls_env.push(("GCM_INTERACTIVE".into(), "never".into()));
    // ssh must not wait for a passphrase or a host-key answer: batch mode, unless the user
    // chose their own ssh command (then theirs runs, as under Go).
    let user_ssh = ["GIT_SSH_COMMAND", "GIT_SSH"]
        .iter()
        .any(|k| std::env::var_os(k).is_some() || env.iter().any(|(n, _)| n == k))
        || run_cmd(git, &["config", "--get", "core.sshCommand"], env, t)
            .await
            .is_ok_and(|o| !o.stdout.trim().is_empty());
    let batch_ssh = endpoint.as_ref().is_some_and(|e| e.2 == "ssh") && !user_ssh;
    if batch_ssh {
        ls_env.push(("GIT_SSH_COMMAND".into(), "ssh -o BatchMode=yes".into()));
    }
    let budget = vcs_budget(opts);
    let res = run_cmd(
        git,
        &["ls-remote", "-q", "--end-of-options", &root.repo],
        &ls_env,
        budget,
    )
    .await;
    match res {
        Ok(o) if o.success => {
            let refs = super::gitrefs::parse_ls_remote(&o.stdout);
            detail.push(format!(
                "git ls-remote {} succeeded ({} refs)",
                root.repo,
                refs.len()
            ));
            resolved(&refs, &code_dir, version, detail)
        }
        Ok(o) => {
            // git's words come from outside the program (a remote may echo a URL with its
            // userinfo): masked as they are read, like a pasted error.
            let stderr = crate::redact::mask_text(&o.stderr);
            let class = classify_git_stderr(&stderr);
            detail.push(format!("git ls-remote {} failed ({})", root.repo, o.status));
            if batch_ssh && stderr.contains("Permission denied") {
                match super::sshkeys::passphrase_note(&effective, env, t).await {
                    Some(note) => detail.push(note),
                    None => detail.push("ssh ran in batch mode (-o BatchMode=yes); no key it offers needs a passphrase".into()),
                }
            }
            // Go then GETs an http(s) remote itself: a 404/410 makes the error "not found".
            let not_found = if root.repo.starts_with("https://") || root.repo.starts_with("http://")
            {
                matches!(
                    fetcher.get(&root.repo, 64 << 10).await,
                    Fetch::Status {
                        code: 404 | 410,
                        ..
                    }
                )
            } else {
                false
            };
            fail(
                ls_remote_error_text(remote_arg, &work_dir, &o.status, &stderr),
                not_found,
                class,
                detail,
            )
        }
        Err(RunFailure::Spawn(e)) => fail(
            git_missing_text(&exec_error_text("git", &e)),
            false,
            CauseId::VcsGitMissing,
            detail,
        ),
        Err(RunFailure::Timeout) => {
            // ssh's own connect timeout is the kernel's (minutes): say what it will print.
            if let Some((host, port, _)) = &endpoint {
                if let Some(why) = connect_failure(host, *port, t, opts.dns.as_ref()).await {
                    return predicted_connect_failure(why, detail);
                }
            }
            fail(
                format!("git ls-remote -q --end-of-options {}: no answer within {:?} (Go has no timeout and would wait)", root.repo, budget),
                false,
                CauseId::TcpTimeout,
                detail,
            )
        }
    }
}

/// The outcome once the refs are known: the requested version resolved as cmd/go does.
fn resolved(
    refs: &super::gitrefs::Refs,
    code_dir: &str,
    version: Option<&str>,
    mut detail: Vec<String>,
) -> DirectOutcome {
    use super::gitrefs::Resolution;
    let outcome = |ok: bool, verified: bool, go_error: Option<String>, detail| DirectOutcome {
        ok,
        go_error,
        not_found: !ok,
        class: if ok {
            CauseId::Ok
        } else {
            CauseId::GoproxyModuleNotFound
        },
        verified,
        unchecked: None,
        detail,
    };
    let asked = version.unwrap_or("latest");
    match super::gitrefs::resolve(refs, code_dir, version) {
        Resolution::Found(r) => {
            detail.push(format!("{asked} resolves to {r} in the repository's refs"));
            outcome(true, true, None, detail)
        }
        Resolution::Unknown(rev) => {
            detail.push(format!("the repository has no {rev} among its refs"));
            // codehost.UnknownRevisionError inside module.InvalidVersionError.
            let text = format!("invalid version: unknown revision {rev}");
            outcome(false, true, Some(text), detail)
        }
        Resolution::NotObserved(what) => {
            detail.push(format!(
                "not observed: {what}; assumed to exist (Go fetches it from the repository)"
            ));
            outcome(true, false, None, detail)
        }
    }
}

/// What git's first request needs to know.
struct Discovery<'a> {
    /// The remote after url.insteadOf.
    effective: &'a str,
    remote_arg: &'a str,
    work_dir: &'a str,
    repo: &'a str,
    code_dir: &'a str,
    version: Option<&'a str>,
    git_credentials: bool,
}

/// Whether git could answer a 401 without a prompt: a credential helper, or a netrc file
/// (libcurl reads ~/.netrc for git).
async fn git_may_have_credentials(git: &str, env: &[(String, String)], t: Duration) -> bool {
    let helper = run_cmd(git, &["config", "--get-all", "credential.helper"], env, t)
        .await
        .is_ok_and(|o| !o.stdout.trim().is_empty());
    let home = env
        .iter()
        .find(|(k, _)| k == "HOME")
        .map(|(_, v)| v.clone())
        .or_else(|| std::env::var("HOME").ok())
        .unwrap_or_default();
    let netrc = !home.is_empty()
        && [".netrc", "_netrc"]
            .iter()
            .any(|f| std::path::Path::new(&home).join(f).exists());
    helper || netrc
}

/// `--no-vcs`: git's first request, `GET .../info/refs?service=git-upload-pack`, made
/// anonymously (no credentials, no prompt): the refs, "not found", or "authentication needed".
async fn anonymous_discovery(
    fetcher: &Fetcher,
    ask: &Discovery<'_>,
    mut detail: Vec<String>,
) -> DirectOutcome {
    let not_observed = |mut detail: Vec<String>, why: String| {
        detail.push(format!("{why}; git itself was not run (--no-vcs)"));
        DirectOutcome {
            ok: true,
            go_error: None,
            not_found: false,
            class: CauseId::Ok,
            verified: false,
            unchecked: Some(unchecked_git(ask.repo)),
            detail,
        }
    };
    let Some(mut url) = url::Url::parse(ask.effective)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http"))
    else {
        return not_observed(detail, format!("{} is not an http(s) remote", ask.repo));
    };
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let origin = url.origin().ascii_serialization();
    let base = url.as_str().trim_end_matches('/').to_string();
    let info_refs = format!("{base}/info/refs?service=git-upload-pack");
    let f = fetcher.get_anonymous(&info_refs, 4 << 20).await;
    let failed =
        |stderr: String, not_found: bool, class: CauseId, detail: Vec<String>| DirectOutcome {
            ok: false,
            go_error: Some(ls_remote_error_text(
                ask.remote_arg,
                ask.work_dir,
                "exit status 128",
                &stderr,
            )),
            not_found,
            class,
            verified: true,
            unchecked: None,
            detail,
        };
    match &f {
        Fetch::Status { code: 200, body, .. } => {
            match super::gitrefs::parse_advertisement(body) {
                Some(refs) => {
                    detail.push(format!(
                        "GET {info_refs} (anonymous): {} refs",
                        refs.len()
                    ));
                    resolved(&refs, ask.code_dir, ask.version, detail)
                }
                None => not_observed(
                    detail,
                    format!("GET {info_refs} answered 200 without a ref advertisement"),
                ),
            }
        }
        Fetch::Status { code: 401, .. } if ask.git_credentials => not_observed(
            detail,
            format!("GET {info_refs} (anonymous): 401; git has credentials (a credential helper or netrc) that were not tried"),
        ),
        Fetch::Status { code: 401, .. } => {
            detail.push(format!(
                "GET {info_refs} (anonymous): 401, and git has no credential helper or netrc"
            ));
            let stderr =
                format!("fatal: could not read Username for '{origin}': terminal prompts disabled");
            failed(stderr, false, CauseId::VcsAuthRequired, detail)
        }
        Fetch::Status {
            code: 404,
            content_type,
            body,
            ..
        } => {
            detail.push(format!("GET {info_refs} (anonymous): 404"));
            // git shows a text/plain error body as `remote:` lines (http.c show_http_message).
            let mut remote = String::new();
            if content_type.starts_with("text/plain") {
                let text = crate::redact::mask_text(&String::from_utf8_lossy(body));
                for line in text.trim_end().lines() {
                    remote.push_str(&format!("remote: {}\n", line.trim_end()));
                }
            }
            // Go then GETs the repository URL itself: a 404 makes the error "not found".
            let not_found = matches!(
                fetcher.get(ask.repo, 64 << 10).await,
                Fetch::Status {
                    code: 404 | 410,
                    ..
                }
            );
            let stderr = format!("{remote}fatal: repository '{base}/' not found");
            failed(stderr, not_found, CauseId::GoproxyModuleNotFound, detail)
        }
        Fetch::Status { code, .. } => not_observed(
            detail,
            format!("GET {info_refs} (anonymous): HTTP {code}"),
        ),
        Fetch::NetError { go_error, .. } => not_observed(
            detail,
            format!("GET {info_refs} (anonymous) failed: {go_error}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_table() {
        let r = static_repo_root("github.com/org/repo/sub/pkg")
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.root.as_str(), r.repo.as_str()),
            ("github.com/org/repo", "https://github.com/org/repo")
        );
        assert_eq!(
            static_repo_root("hub.jazz.net/git/user/proj")
                .unwrap()
                .unwrap()
                .root,
            "hub.jazz.net/git/user/proj"
        );
        assert!(static_repo_root("github.com/org").unwrap().is_err());
        assert!(static_repo_root("golang.org/x/text").is_none());
        assert_eq!(
            go_get_url("golang.org/x/text"),
            "https://golang.org/x/text?go-get=1"
        );
    }

    #[test]
    fn meta_tags_like_go() {
        let html = r#"<!DOCTYPE html><html><head>
<meta name="go-import" content="example.org/pkg git https://git.example.org/pkg">
<META NAME='go-import' CONTENT='example.org/pkg mod https://mod.example.org'>
<meta name="go-source" content="x y z">
</head><body><meta name="go-import" content="example.org/late git https://late"></body></html>"#;
        let m = parse_meta_go_imports(html);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].vcs, "mod");
        assert_eq!(
            match_go_import(&m, "example.org/pkg/sub")
                .unwrap()
                .repo_root,
            "https://mod.example.org"
        );
        let two = parse_meta_go_imports(
            r#"<meta name="go-import" content="a.org/x git https://1"><meta name="go-import" content="a.org/x/y git https://2">"#,
        );
        assert_eq!(
            match_go_import(&two, "a.org/x/y").unwrap_err(),
            "multiple meta tags match import path \"a.org/x/y\""
        );
    }

    // Go 1.27's texts (vcs.go validateRepoRoot, validateRepoSubDir, vcsByCmd).
    #[test]
    fn repo_roots_refused_like_go() {
        let url = "https://corp.example/private?go-get=1";
        let page = |content: &str| {
            let html = format!(r#"<meta name="go-import" content="{content}">"#);
            repo_root_from_go_get(
                "corp.example/private",
                url,
                &Fetch::status(200, "text/html", html.as_bytes()),
            )
        };
        for (content, want) in [
            ("corp.example/private git file:///srv/git/private", "invalid repo root \"file:///srv/git/private\": file scheme disallowed"),
            ("corp.example/private git /srv/git/private", "invalid repo root \"/srv/git/private\": no scheme"),
            ("corp.example/private git srv/private", "invalid repo root \"srv/private\": no scheme"),
            ("corp.example/private git git@corp.example:private", "invalid repo root \"git@corp.example:private\": parse \"git@corp.example:private\": first path segment in URL cannot contain colon"),
            ("corp.example/private git :x", "invalid repo root \":x\": parse \":x\": missing protocol scheme"),
            ("corp.example/private cvs https://corp.example/r", "unknown vcs \"cvs\""),
            ("corp.example/private bzr https://corp.example/r", "unknown vcs \"bzr\""),
            ("corp.example/private git https://corp.example/r /sub", "invalid subdirectory \"/sub\": leading slash"),
            ("corp.example/private git https://corp.example/r -sub", "invalid subdirectory \"-sub\": leading hyphen"),
        ] {
            assert_eq!(page(content).unwrap_err(), format!("{url}: {want}"), "{content}");
        }
        for ok in [
            "corp.example/private git https://corp.example/r",
            "corp.example/private hg ssh://hg@corp.example/r",
            "corp.example/private svn svn://corp.example/r/trunk",
            "corp.example/private git FILEX://x",
            "corp.example/private mod https://corp.example",
        ] {
            assert!(page(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            validate_repo_root("FILE:///x").unwrap_err(),
            "file scheme disallowed"
        );
    }

    #[test]
    fn go_get_errors_in_go_format() {
        let url = "https://corp.example/private?go-get=1";
        let login = Fetch::status(
            200,
            "text/html",
            b"<html><head><title>Login</title></head><body>sign in</body></html>",
        );
        assert_eq!(
            repo_root_from_go_get("corp.example/private", url, &login).unwrap_err(),
            "parse https://corp.example/private?go-get=1: no go-import meta tags ()"
        );
        let other = Fetch::status(
            200,
            "text/html",
            br#"<meta name="go-import" content="corp.example/other git https://x">"#,
        );
        assert_eq!(
            repo_root_from_go_get("corp.example/private", url, &other).unwrap_err(),
            "parse https://corp.example/private?go-get=1: no go-import meta tags (meta tag corp.example/other did not match import path corp.example/private)"
        );
        let nf = Fetch::status(404, "text/html", b"<html></html>");
        assert_eq!(
            repo_root_from_go_get("corp.example/private", url, &nf).unwrap_err(),
            "reading https://corp.example/private?go-get=1: 404 Not Found"
        );
    }

    #[test]
    fn git_rewrites_and_endpoints() {
        let rules = parse_instead_of("url.git@github.com:.insteadof https://github.com/\nurl.ssh://git@corp:2222/.insteadof https://corp/\n");
        assert_eq!(
            rewrite_url("https://github.com/org/repo", &rules),
            "git@github.com:org/repo"
        );
        assert_eq!(
            transport_endpoint("git@github.com:org/repo"),
            Some(("github.com".into(), 22, "ssh"))
        );
        assert_eq!(
            transport_endpoint(&rewrite_url("https://corp/x", &rules)),
            Some(("corp".into(), 2222, "ssh"))
        );
        assert_eq!(
            transport_endpoint("git://h/x"),
            Some(("h".into(), 9418, "git"))
        );
        assert_eq!(transport_endpoint("https://github.com/x"), None);
        let env = |k: &str| match k {
            "HTTP_PROXY" => Some("http://upper".to_string()),
            "all_proxy" => Some("socks5://all".to_string()),
            _ => None,
        };
        // libcurl ignores upper-case HTTP_PROXY.
        assert_eq!(git_env_proxy("http", &env).unwrap().0, "all_proxy");
    }

    // Go 1.27's texts, as the fidelity lab recorded them (the cache dir is the lab's).
    #[test]
    fn ls_remote_errors_in_go_format() {
        let dir = vcs_work_dir(
            "/tmp/.tmpkCSGy9/gopath/pkg/mod",
            "https://github.com/lab/private",
        );
        assert_eq!(
            dir,
            "/tmp/.tmpkCSGy9/gopath/pkg/mod/cache/vcs/67988903802ab20198473ff096bec77f6736a18592c2e85ca4a77405cafe16d8"
        );
        let auth =
            "fatal: could not read Username for 'https://github.com': terminal prompts disabled\n";
        assert_eq!(
            ls_remote_error_text("https://github.com/lab/private", &dir, "exit status 128", auth),
            format!("invalid version: git ls-remote -q --end-of-options https://github.com/lab/private in {dir}: exit status 128:\n\tfatal: could not read Username for 'https://github.com': terminal prompts disabled\nConfirm the import path was entered correctly.\nIf this is a private repository, see https://go.dev/doc/faq#git_https for additional information.")
        );
        assert_eq!(classify_git_stderr(auth), CauseId::VcsAuthRequired);
        let ssh = connect_failure_stderr("ssh", "github.com", 22, ConnectFailure::Refused);
        let dir = vcs_work_dir(
            "/tmp/.tmptIrYCq/gopath/pkg/mod/",
            "https://github.com/lab/tool",
        );
        assert_eq!(
            ls_remote_error_text("https://github.com/lab/tool", &dir, "exit status 128", &format!("{ssh}\n")),
            "invalid version: git ls-remote -q --end-of-options https://github.com/lab/tool in /tmp/.tmptIrYCq/gopath/pkg/mod/cache/vcs/678e069dda3a98f6c059562e71a28622cb09eb06367aee75eb5ae03e74bb60f7: exit status 128:\n\tssh: connect to host github.com port 22: Connection refused\r\n\tfatal: Could not read from remote repository.\n\t\n\tPlease make sure you have the correct access rights\n\tand the repository exists."
        );
        assert_eq!(classify_git_stderr(&ssh), CauseId::VcsSshBlocked);
        assert_eq!(
            git_missing_text(&exec_error_text(
                "git",
                &std::io::Error::from(std::io::ErrorKind::NotFound)
            )),
            "unable to resolve git version: failed to execute git version: exec: \"git\": executable file not found in $PATH"
        );
        assert!(vcs_work_dir("", "https://x").starts_with("$GOMODCACHE"));
    }

    #[test]
    fn git_stderr_classes() {
        for (stderr, class) in [
            ("ssh: connect to host h port 22: Connection timed out\r\nfatal: Could not read from remote repository.", CauseId::VcsSshBlocked),
            ("ssh: Could not resolve hostname h: Name or service not known", CauseId::VcsSshBlocked),
            ("git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.", CauseId::VcsAuthRequired),
            ("remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://gitlab.com/x/'", CauseId::VcsAuthRequired),
            ("fatal: unable to access 'https://h/x/': SSL certificate problem: unable to get local issuer certificate", CauseId::TlsUntrustedInterception),
            ("fatal: unable to access 'https://h/x/': Could not resolve host: h", CauseId::DnsNoResolution),
            ("fatal: unable to access 'https://h/x/': Failed to connect to h port 443 after 0 ms: Connection refused", CauseId::TcpRefused),
            ("fatal: unable to access 'http://127.0.0.1:1/lab/tool/': Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server", CauseId::TcpRefused),
            ("fatal: unable to access 'https://h/x/': Failed to connect to h port 443 after 130000 ms: Connection timed out", CauseId::TcpTimeout),
            ("fatal: unable to access 'https://h/x/': Received HTTP code 407 from proxy after CONNECT", CauseId::ProxyAuthRequired),
            ("remote: Repository not found.\nfatal: repository 'https://github.com/x/y/' not found", CauseId::GoproxyModuleNotFound),
        ] {
            assert_eq!(classify_git_stderr(stderr), class, "{stderr}");
        }
    }

    #[test]
    fn predicted_connect_texts() {
        for (proto, why, want) in [
            ("ssh", ConnectFailure::TimedOut, "ssh: connect to host h port 22: Connection timed out\r\nfatal: Could not read from remote repository."),
            ("ssh", ConnectFailure::Resolve, "ssh: Could not resolve hostname h: Name or service not known\r\n"),
            ("ssh", ConnectFailure::NoRoute, "port 22: No route to host\r\n"),
            ("git", ConnectFailure::Refused, "fatal: unable to connect to h:\nh: errno=Connection refused"),
        ] {
            let port = if proto == "ssh" { 22 } else { 9418 };
            let got = connect_failure_stderr(proto, "h", port, why);
            assert!(got.contains(want), "{got}");
        }
    }

    #[test]
    fn gomodcache_like_cmd_go() {
        let env = crate::test_support::env_of;
        let s = std::path::MAIN_SEPARATOR;
        assert_eq!(
            gomodcache_from_env(&env(&[("GOMODCACHE", "/c"), ("GOPATH", "/g")])),
            "/c"
        );
        let sep = if cfg!(windows) { ";" } else { ":" };
        let gopath: &'static str = Box::leak(format!("{sep}/g1{sep}/g2").into_boxed_str());
        let pairs: &'static [(&'static str, &'static str)] =
            Box::leak(vec![("GOPATH", gopath), ("HOME", "/h")].into_boxed_slice());
        assert_eq!(gomodcache_from_env(&env(pairs)), format!("/g1{s}pkg{s}mod"));
        if !cfg!(windows) {
            assert_eq!(
                gomodcache_from_env(&env(&[("HOME", "/h")])),
                "/h/go/pkg/mod"
            );
        }
        assert_eq!(gomodcache_from_env(&env(&[])), "");
    }
}
