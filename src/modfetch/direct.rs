//! Direct mode (`direct` in GOPROXY, or a GONOPROXY/GOPRIVATE module): how cmd/go finds the
//! repository (cmd/go/internal/vcs: the static host table, else `https://<path>?go-get=1` and
//! its `<meta name="go-import">` tags), GOVCS, and what git needs (git on PATH, git's own
//! proxy settings, `url.<base>.insteadOf` rewrites to ssh/git:// and whether their port is
//! reachable, and with `--vcs`, `git ls-remote` with prompts disabled).

use crate::vocab::CauseId;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::fetch::Fetcher;
use crate::facts::observed::{http_error_text, Fetch};
use crate::facts::DirectOutcome;

/// The repository Go found for a module path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoRoot {
    /// The import-path prefix that is the repository root.
    pub root: String,
    /// `git`, `hg`, `svn`, `bzr`, `fossil`, or `mod` (a GOPROXY-protocol server).
    pub vcs: String,
    pub repo: String,
    /// Where it came from: `static table` or the `?go-get=1` URL.
    pub source: String,
}

/// The static host table of cmd/go/internal/vcs (vcsPaths): these hosts need no HTTP
/// request to find the repository. Returns None for other hosts.
pub fn static_repo_root(path: &str) -> Option<Result<RepoRoot, String>> {
    let elems: Vec<&str> = path.split('/').collect();
    let ok_elem = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
    };
    let make = |n: usize, vcs: &str| -> Result<RepoRoot, String> {
        if elems.len() < n || !elems[1..].iter().all(|e| ok_elem(e)) {
            return Err(format!("invalid {} import path {path:?}", elems[0]));
        }
        let root = elems[..n].join("/");
        Ok(RepoRoot {
            repo: format!("https://{root}"),
            root,
            vcs: vcs.into(),
            source: "static table".into(),
        })
    };
    match elems[0] {
        "github.com" | "bitbucket.org" | "git.openstack.org" => Some(make(3, "git")),
        "hub.jazz.net" if elems.get(1) == Some(&"git") => Some(make(4, "git")),
        "git.apache.org" => Some(make(2, "git")),
        "chiselapp.com" => Some(make(5, "fossil")),
        _ => None,
    }
}

/// `https://<host><path>?go-get=1` (urlForImportPath).
pub fn go_get_url(import_path: &str) -> String {
    match import_path.split_once('/') {
        Some((host, rest)) => format!("https://{host}/{rest}?go-get=1"),
        None => format!("https://{import_path}?go-get=1"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaImport {
    pub prefix: String,
    pub vcs: String,
    pub repo_root: String,
    pub sub_dir: Option<String>,
}

fn unescape_html(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Attributes of one tag's inside (`meta name="go-import" content="..."`).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let b = tag.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = tag[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let s = i + 1;
                i = s;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = tag[s..i.min(b.len())].to_string();
                i += 1;
            } else {
                let s = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = tag[s..i].to_string();
            }
        }
        if !name.is_empty() {
            out.push((name, unescape_html(&value)));
        }
    }
    out
}

/// parseMetaGoImports (PreferMod): go-import tags up to `<body>` or `</head>`, 3 or 4
/// fields; `mod` entries first, non-mod entries with the same prefix dropped.
pub fn parse_meta_go_imports(html: &str) -> Vec<MetaImport> {
    let mut imports = vec![];
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[..gt];
        rest = &rest[gt + 1..];
        let lower = tag.trim_start().to_ascii_lowercase();
        let name: String = lower
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/' && *c != '>')
            .collect();
        if name == "body" || (lower.starts_with("/head") && name == "/head") {
            break;
        }
        if name != "meta" {
            continue;
        }
        let attrs = attributes(&tag.trim_start()[4..]);
        let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if get("name").as_deref() != Some("go-import") {
            continue;
        }
        let content = get("content").unwrap_or_default();
        let f: Vec<&str> = content.split_whitespace().collect();
        if f.len() == 3 || f.len() == 4 {
            imports.push(MetaImport {
                prefix: f[0].into(),
                vcs: f[1].into(),
                repo_root: f[2].into(),
                sub_dir: f.get(3).map(|s| s.to_string()),
            });
        }
    }
    let mods: Vec<MetaImport> = imports.iter().filter(|m| m.vcs == "mod").cloned().collect();
    let mut list = mods.clone();
    list.extend(
        imports
            .into_iter()
            .filter(|m| m.vcs != "mod" && !mods.iter().any(|x| x.prefix == m.prefix)),
    );
    list
}

fn has_path_prefix(s: &str, prefix: &str) -> bool {
    s == prefix
        || (s.starts_with(prefix)
            && (prefix.ends_with('/') || s.as_bytes().get(prefix.len()) == Some(&b'/')))
}

/// matchGoImport, with Go's error texts.
pub fn match_go_import(imports: &[MetaImport], import_path: &str) -> Result<MetaImport, String> {
    let mut found: Option<&MetaImport> = None;
    let mut mismatches = vec![];
    for im in imports {
        if !has_path_prefix(import_path, &im.prefix) {
            mismatches.push(format!(
                "meta tag {} did not match import path {import_path}",
                im.prefix
            ));
            continue;
        }
        if let Some(f) = found {
            if f.vcs == "mod" && im.vcs != "mod" {
                break;
            }
            return Err(format!(
                "multiple meta tags match import path {import_path:?}"
            ));
        }
        found = Some(im);
    }
    found
        .cloned()
        .ok_or_else(|| format!("\u{0}{}", mismatches.join(", ")))
}

/// The repository root from a `?go-get=1` response, or Go's error text (without the
/// `unrecognized import path` wrapper).
pub fn repo_root_from_go_get(
    import_path: &str,
    url: &str,
    fetch: &Fetch,
) -> Result<RepoRoot, String> {
    let (code, reason, ct, body) = match fetch {
        Fetch::NetError { go_error, .. } => return Err(format!("https fetch: {go_error}")),
        Fetch::Status {
            code,
            reason,
            content_type,
            body,
            ..
        } => (*code, reason, content_type, body),
    };
    let imports = parse_meta_go_imports(&String::from_utf8_lossy(body));
    if imports.is_empty() && code != 200 {
        return Err(http_error_text(url, code, reason, ct, body));
    }
    match match_go_import(&imports, import_path) {
        Ok(mi) => Ok(RepoRoot {
            root: mi.prefix,
            vcs: mi.vcs,
            repo: mi.repo_root,
            source: url.to_string(),
        }),
        Err(e) if e.starts_with('\u{0}') => {
            Err(format!("parse {url}: no go-import meta tags ({})", &e[1..]))
        }
        Err(e) => Err(format!("parse {url}: {e}")),
    }
}

/// One `url.<base>.insteadOf <prefix>` rewrite from git's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsteadOf {
    pub base: String,
    pub prefix: String,
}

/// Parses `git config --get-regexp 'url\..*\.insteadof'` output.
pub fn parse_instead_of(output: &str) -> Vec<InsteadOf> {
    output
        .lines()
        .filter_map(|l| {
            let (key, prefix) = l.split_once(' ')?;
            let base = key.strip_prefix("url.")?;
            let base = base
                .strip_suffix(".insteadof")
                .or_else(|| base.strip_suffix(".insteadOf"))?;
            Some(InsteadOf {
                base: base.into(),
                prefix: prefix.trim().into(),
            })
        })
        .collect()
}

/// The URL git really uses for `url` (the longest matching insteadOf prefix wins).
pub fn rewrite_url(url: &str, rules: &[InsteadOf]) -> String {
    rules
        .iter()
        .filter(|r| url.starts_with(&r.prefix))
        .max_by_key(|r| r.prefix.len())
        .map(|r| format!("{}{}", r.base, &url[r.prefix.len()..]))
        .unwrap_or_else(|| url.to_string())
}

/// Host and port an ssh/git:// remote connects to (None for https/http).
pub fn transport_endpoint(url: &str) -> Option<(String, u16, &'static str)> {
    if let Some(r) = url.strip_prefix("ssh://") {
        let hostport = r.split('/').next()?.rsplit('@').next()?;
        let (h, p) = match hostport.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => (h, p.parse().ok()?),
            _ => (hostport, 22),
        };
        return Some((h.to_string(), p, "ssh"));
    }
    if let Some(r) = url.strip_prefix("git://") {
        let hostport = r.split('/').next()?;
        let (h, p) = match hostport.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => (h, p.parse().ok()?),
            _ => (hostport, 9418),
        };
        return Some((h.to_string(), p, "git"));
    }
    if url.contains("://") {
        return None;
    }
    // scp-like `git@github.com:org/repo`.
    let (userhost, _) = url.split_once(':')?;
    let host = userhost.rsplit('@').next()?;
    Some((host.to_string(), 22, "ssh"))
}

/// Git's proxy for an https URL from its environment, as libcurl reads it: `https_proxy`
/// / `HTTPS_PROXY`, then `all_proxy` / `ALL_PROXY` (http:// URLs: lower-case `http_proxy`
/// only). `http.proxy` from git config wins over all of them.
pub fn git_env_proxy(
    scheme: &str,
    var: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, String)> {
    let names: &[&str] = if scheme == "https" {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "all_proxy", "ALL_PROXY"]
    };
    names
        .iter()
        .find_map(|n| var(n).filter(|v| !v.is_empty()).map(|v| (n.to_string(), v)))
}

/// Options for the direct-mode probe.
#[derive(Debug, Clone)]
pub struct DirectOptions {
    pub gonoproxy_private: bool,
    /// GOPRIVATE matches the root (GOVCS's "private").
    pub goprivate: String,
    pub govcs: Option<crate::config::GovcsRules>,
    /// Run `git ls-remote` (`--vcs`).
    pub ls_remote: bool,
    pub timeout: Duration,
}

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

impl DirectOptions {
    pub fn new(timeout: Duration) -> DirectOptions {
        DirectOptions {
            gonoproxy_private: false,
            goprivate: String::new(),
            govcs: None,
            ls_remote: false,
            timeout,
        }
    }
}

/// The directory cmd/go runs git in for `remote` (codehost.WorkDir: the SHA-256 of
/// `git3:<remote>` under `$GOMODCACHE/cache/vcs`).
pub fn vcs_work_dir(gomodcache: &str, remote: &str) -> String {
    use aws_lc_rs::digest::{digest, SHA256};
    let hash: String = digest(&SHA256, format!("git3:{remote}").as_bytes())
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

/// Go's text when git cannot be executed (cmd/go runs `git version` before the first
/// `git init` of a repository's cache directory).
pub fn git_missing_text(exec_error: &str) -> String {
    format!("unable to resolve git version: failed to execute git version: {exec_error}")
}

/// The `exec:` error Go's os/exec gives for a program that cannot be started.
fn exec_error_text(program_name: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("exec: {program_name:?}: executable file not found in $PATH")
        }
        std::io::ErrorKind::PermissionDenied => {
            format!("exec: {program_name:?}: permission denied")
        }
        _ => format!("exec: {program_name:?}: {e}"),
    }
}

/// codehost.RunError for `git ls-remote` (with the `invalid version:` wrapper the module
/// error adds): the command, the directory, the exit status, git's stderr indented by a tab
/// (trailing newlines dropped), and Go's help text after "could not read Username".
pub fn ls_remote_error_text(remote: &str, dir: &str, status: &str, stderr: &str) -> String {
    let mut text =
        format!("invalid version: git ls-remote -q --end-of-options {remote} in {dir}: {status}");
    // bytes.TrimRight(stderr, "\n"): a `\r` that ssh writes stays.
    let stderr = stderr.trim_end_matches('\n');
    if !stderr.is_empty() {
        text.push_str(":\n\t");
        text.push_str(&stderr.replace('\n', "\n\t"));
    }
    if stderr.contains("fatal: could not read Username") {
        text.push_str("\nConfirm the import path was entered correctly.\nIf this is a private repository, see https://go.dev/doc/faq#git_https for additional information.");
    }
    text
}

/// The ROOT_CAUSES identifier for git's stderr after a failed `git ls-remote`.
pub fn classify_git_stderr(stderr: &str) -> CauseId {
    let has = |s: &str| stderr.contains(s);
    let lower = stderr.to_ascii_lowercase();
    if has("ssh: connect to host")
        || has("ssh: Could not resolve hostname")
        || has("kex_exchange_identification")
        || has("fatal: unable to connect to")
        || has("fatal: unable to look up")
    {
        CauseId::VcsSshBlocked
    } else if has("could not read Username")
        || has("could not read Password")
        || has("terminal prompts disabled")
        || has("Authentication failed")
        || has("Permission denied (publickey")
        || has("Invalid username or password")
        || has("HTTP Basic: Access denied")
        || has("returned error: 401")
        || has("returned error: 403")
    {
        CauseId::VcsAuthRequired
    } else if has("Received HTTP code 407") || has("CONNECT tunnel failed, response 407") {
        CauseId::ProxyAuthRequired
    } else if has("SSL certificate problem") || has("server certificate verification failed") {
        CauseId::TlsUntrustedInterception
    } else if has("Could not resolve host") {
        CauseId::DnsNoResolution
    } else if lower.contains("timed out") || has("Timeout was reached") {
        CauseId::TcpTimeout
    } else if has("Failed to connect to") || has("Couldn't connect to server") {
        CauseId::TcpRefused
    } else if has("Repository not found")
        || has("returned error: 404")
        || lower.contains("not found")
    {
        CauseId::GoproxyModuleNotFound
    } else {
        // The usual reason git fails on a repository that Go must fetch directly.
        CauseId::VcsAuthRequired
    }
}

/// How a TCP connect to an ssh/git:// endpoint went (the predicted stderr depends on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The name did not resolve.
    Resolve,
    Refused,
    TimedOut,
    NoRoute,
    NetworkUnreachable,
}

impl ConnectFailure {
    fn strerror(self) -> &'static str {
        match self {
            ConnectFailure::Resolve => "Name or service not known",
            ConnectFailure::Refused => "Connection refused",
            ConnectFailure::TimedOut => "Connection timed out",
            ConnectFailure::NoRoute => "No route to host",
            ConnectFailure::NetworkUnreachable => "Network is unreachable",
        }
    }
}

/// What git (with OpenSSH, or its own git:// client) prints when it cannot connect: the
/// stderr Go indents into its error. Linux strerror texts.
pub fn connect_failure_stderr(proto: &str, host: &str, port: u16, why: ConnectFailure) -> String {
    const SSH_TAIL: &str = "fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.";
    if proto == "ssh" {
        let first = match why {
            ConnectFailure::Resolve => {
                format!("ssh: Could not resolve hostname {host}: {}", why.strerror())
            }
            _ => format!(
                "ssh: connect to host {host} port {port}: {}",
                why.strerror()
            ),
        };
        // OpenSSH ends its own messages with "\r\n" (log.c); git's are plain lines.
        return format!("{first}\r\n{SSH_TAIL}");
    }
    match why {
        ConnectFailure::Resolve => format!(
            "fatal: unable to look up {host} (port {port}) ({})",
            why.strerror()
        ),
        _ => format!(
            "fatal: unable to connect to {host}:\n{host}: errno={}",
            why.strerror()
        ),
    }
}

/// Why a command did not give an exit status.
enum RunFailure {
    Spawn(std::io::Error),
    Timeout,
}

struct RunOutput {
    success: bool,
    /// Go's text for the exit: `exit status N` or `signal: ...`.
    status: String,
    stdout: String,
    stderr: String,
}

async fn run_cmd(
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
    let child = cmd.spawn().map_err(RunFailure::Spawn)?;
    match tokio::time::timeout(timeout, child.wait_with_output()).await {
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

/// Resolves and connects to host:port within `t`: None when it connects.
async fn connect_failure(host: &str, port: u16, t: Duration) -> Option<ConnectFailure> {
    let addrs: Vec<std::net::SocketAddr> =
        match tokio::time::timeout(t, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(a)) => a.collect(),
            _ => return Some(ConnectFailure::Resolve),
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

/// What `--vcs` would have run, for an outcome that rests on it.
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
            let f = fetcher.get(&url, 1 << 20).await;
            match repo_root_from_go_get(path, &url, &f) {
                Ok(r) => r,
                Err(e) => {
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
            return fail(e, false, CauseId::VcsGovcsDenied, detail);
        }
    }
    if root.vcs != "git" {
        detail.push(format!("{} is not checked by gomod-diag", root.vcs));
        let what = format!(
            "{} access to {} (gomod-diag checks only git)",
            root.vcs, root.repo
        );
        return unverified(detail, Some(what));
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
    if effective != root.repo {
        detail.push(format!(
            "git rewrites {} to {} (url.insteadOf)",
            root.repo,
            crate::redact::mask_value(&effective)
        ));
    }
    let endpoint = transport_endpoint(&effective);
    // Without --vcs, an ssh/git:// remote is checked up to its TCP port: git's text for a
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
    if !opts.ls_remote {
        if let Some((host, port, proto)) = &endpoint {
            if let Some(why) = connect_failure(host, *port, t).await {
                detail.push(format!(
                    "{proto} to {host}:{port}: {} (TCP probe)",
                    why.strerror()
                ));
                return predicted_connect_failure(why, detail);
            }
            detail.push(format!("{proto} port {host}:{port} is reachable"));
        }
        detail.push(format!(
            "git access to {} was not checked: run with --vcs to check git access",
            root.repo
        ));
        return unverified(detail, Some(unchecked_git(&root.repo)));
    }
    // cmd/go sets these when unset; a diagnosis can never answer a prompt, so always.
    let mut ls_env = env.clone();
    ls_env.push(("GIT_TERMINAL_PROMPT".into(), "0".into()));
    ls_env.push(("GCM_INTERACTIVE".into(), "never".into()));
    let res = run_cmd(
        git,
        &["ls-remote", "-q", "--end-of-options", &root.repo],
        &ls_env,
        t,
    )
    .await;
    match res {
        Ok(o) if o.success => {
            detail.push(format!("git ls-remote {} succeeded", root.repo));
            DirectOutcome {
                ok: true,
                go_error: None,
                not_found: false,
                class: CauseId::Ok,
                verified: true,
                unchecked: None,
                detail,
            }
        }
        Ok(o) => {
            // git's words come from outside the program (a remote may echo a URL with its
            // userinfo): masked as they are read, like a pasted error.
            let stderr = crate::redact::mask_text(&o.stderr);
            let class = classify_git_stderr(&stderr);
            detail.push(format!("git ls-remote {} failed ({})", root.repo, o.status));
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
                if let Some(why) = connect_failure(host, *port, t).await {
                    return predicted_connect_failure(why, detail);
                }
            }
            fail(
                format!("git ls-remote -q --end-of-options {}: no answer within {t:?} (Go has no timeout and would wait)", root.repo),
                false,
                CauseId::TcpTimeout,
                detail,
            )
        }
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
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
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
