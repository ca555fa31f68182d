//! How cmd/go finds a module's repository in direct mode (cmd/go/internal/vcs), pure: the
//! static host table, `https://<path>?go-get=1` and its `<meta name="go-import">` tags, and
//! what git will dial (`url.<base>.insteadOf` rewrites, git's own proxy variables).

use serde::{Deserialize, Serialize};

use crate::facts::observed::{http_error_text, Fetch};

/// The repository Go found for a module path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
#[cfg_attr(test, derive(schemars::JsonSchema))]
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

/// The VCS commands cmd/go 1.27 knows (vcsList; bzr is gone), besides `mod`.
pub const KNOWN_VCS: [&str; 4] = ["git", "hg", "svn", "fossil"];

/// What repoRootForImportDynamic checks in a matched tag before it runs anything, in its
/// order (validateRepoSubDir, validateRepoRoot, vcsByCmd), with Go's texts (without the
/// `URL: ` prefix).
pub fn check_meta_import(mi: &MetaImport) -> Result<(), String> {
    if let Some(sub) = mi.sub_dir.as_deref().filter(|s| !s.is_empty()) {
        let why = match sub.as_bytes()[0] {
            b'/' => Some("leading slash"),
            b'-' => Some("leading hyphen"),
            _ => None,
        };
        if let Some(why) = why {
            return Err(format!("invalid subdirectory {sub:?}: {why}"));
        }
    }
    validate_repo_root(&mi.repo_root)
        .map_err(|e| format!("invalid repo root {:?}: {e}", mi.repo_root))?;
    if mi.vcs != "mod" && !KNOWN_VCS.contains(&mi.vcs.as_str()) {
        return Err(format!("unknown vcs {:?}", mi.vcs));
    }
    Ok(())
}

/// validateRepoRoot: the root must parse as a URL (net/url's rules for the scheme and the
/// first path segment) with a scheme other than `file`.
pub fn validate_repo_root(root: &str) -> Result<(), String> {
    let parse_err = |why: &str| format!("parse {root:?}: {why}");
    if root.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(parse_err("net/url: invalid control character in URL"));
    }
    // net/url getScheme.
    let mut scheme = "";
    for (i, c) in root.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err(parse_err("missing protocol scheme")),
            b':' => {
                scheme = &root[..i];
                break;
            }
            _ => break,
        }
    }
    if scheme.is_empty() {
        let rest = root.split(['?', '#']).next().unwrap_or("");
        if !rest.starts_with('/') && rest.split('/').next().is_some_and(|s| s.contains(':')) {
            return Err(parse_err("first path segment in URL cannot contain colon"));
        }
        return Err("no scheme".into());
    }
    if scheme.eq_ignore_ascii_case("file") {
        return Err("file scheme disallowed".into());
    }
    Ok(())
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
    if imports.is_empty() && fetch.cut() {
        return Err(format!(
            "reading {url}: the page is larger than {} MiB before its go-import tags end (Go reads on until </head>)",
            body.len() >> 20
        ));
    }
    if imports.is_empty() && code != 200 {
        return Err(http_error_text(url, code, reason, ct, body));
    }
    match match_go_import(&imports, import_path) {
        Ok(mi) => {
            check_meta_import(&mi).map_err(|e| format!("{url}: {e}"))?;
            Ok(RepoRoot {
                root: mi.prefix,
                vcs: mi.vcs,
                repo: mi.repo_root,
                source: url.to_string(),
            })
        }
        Err(e) if e.starts_with('\u{0}') => {
            Err(format!("parse {url}: no go-import meta tags ({})", &e[1..]))
        }
        Err(e) => Err(format!("parse {url}: {e}")),
    }
}

/// One `url.<base>.insteadOf <prefix>` rewrite from git's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
    rewrite_rule(url, rules)
        .map(|r| format!("{}{}", r.base, &url[r.prefix.len()..]))
        .unwrap_or_else(|| url.to_string())
}

/// The rule git applies to `url`: the longest matching prefix.
pub fn rewrite_rule<'a>(url: &str, rules: &'a [InsteadOf]) -> Option<&'a InsteadOf> {
    rules
        .iter()
        .filter(|r| url.starts_with(&r.prefix))
        .max_by_key(|r| r.prefix.len())
}

/// The evidence line for a rewrite, naming the git config key it comes from; read back by
/// [`rewrite_key_in`] for the fix (the key is what `git config --unset` needs).
pub fn rewrite_note(repo: &str, effective: &str, rule: &InsteadOf) -> String {
    format!(
        "git rewrites {repo} to {effective} (url.{}.insteadOf)",
        crate::redact::mask_value(&rule.base)
    )
}

/// The `url.<base>.insteadOf` key named by a [`rewrite_note`] in `detail`.
pub fn rewrite_key_in(detail: &[String]) -> Option<&str> {
    detail.iter().find_map(|d| {
        let (_, key) = d.strip_prefix("git rewrites ")?.rsplit_once(" (")?;
        key.strip_suffix(')')
            .filter(|k| k.starts_with("url.") && k.ends_with(".insteadOf"))
    })
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
