//! The refs a git remote advertises (`git ls-remote` output, or the smart-HTTP
//! `info/refs?service=git-upload-pack` advertisement) and how cmd/go resolves a requested
//! version against them (codehost/git.go `stat`, modfetch/coderepo.go `revToRev`), pure.

use std::collections::BTreeMap;

/// Ref name → commit hash, as cmd/go's loadRefs keeps them: HEAD, refs/heads/*, refs/tags/*,
/// an annotated tag's peeled `^{}` hash recorded under the tag's own name.
pub type Refs = BTreeMap<String, String>;

/// `git ls-remote` output: `HASH\tREF` lines.
pub fn parse_ls_remote(out: &str) -> Refs {
    keep_refs(out.lines().filter_map(|l| {
        let mut f = l.split_whitespace();
        match (f.next(), f.next(), f.next()) {
            (Some(h), Some(r), None) => Some((r.to_string(), h.to_string())),
            _ => None,
        }
    }))
}

/// A smart-HTTP v0/v1 ref advertisement (pkt-lines: `# service=...`, a flush, then
/// `HASH REF\0capabilities` and `HASH REF` lines). None when the body is not one.
pub fn parse_advertisement(body: &[u8]) -> Option<Refs> {
    let mut pairs = vec![];
    let mut rest = body;
    let mut saw_service = false;
    while rest.len() >= 4 {
        let len = usize::from_str_radix(std::str::from_utf8(&rest[..4]).ok()?, 16).ok()?;
        if len == 0 {
            rest = &rest[4..];
            continue;
        }
        if len < 4 || len > rest.len() {
            return None;
        }
        let line = String::from_utf8_lossy(&rest[4..len]);
        rest = &rest[len..];
        let line = line.trim_end_matches('\n');
        let line = line.split('\0').next().unwrap_or("");
        if line.starts_with("# service=") {
            saw_service = true;
            continue;
        }
        if let Some((h, r)) = line.split_once(' ') {
            if r != "capabilities^{}" {
                pairs.push((r.to_string(), h.to_string()));
            }
        }
    }
    saw_service.then(|| keep_refs(pairs.into_iter()))
}

fn keep_refs(pairs: impl Iterator<Item = (String, String)>) -> Refs {
    let mut refs = Refs::new();
    let mut peeled = vec![];
    for (r, h) in pairs {
        if r == "HEAD" || r.starts_with("refs/heads/") || r.starts_with("refs/tags/") {
            match r.strip_suffix("^{}") {
                Some(tag) => peeled.push((tag.to_string(), h)),
                None => {
                    refs.insert(r, h);
                }
            }
        }
    }
    refs.extend(peeled);
    refs
}

/// What the refs say about a requested version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Found: the ref (or hash) it names.
    Found(String),
    /// Go fails: `unknown revision REV` (the revision as Go names it).
    Unknown(String),
    /// The refs cannot tell (a commit that is not a ref tip: Go fetches it; a version query
    /// Go answers from the tags and the go.mod files).
    NotObserved(String),
}

/// The directory of the module inside its repository (coderepo's codeDir): the module path
/// after the repository root, without its `/vN` major-version suffix.
pub fn code_dir(module_path: &str, repo_root: &str) -> String {
    let rest = module_path
        .strip_prefix(repo_root)
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or("");
    let without_major = match rest.rsplit_once('/') {
        Some((dir, last)) if is_major(last) => dir,
        None if is_major(rest) => "",
        _ => rest,
    };
    without_major.to_string()
}

fn is_major(s: &str) -> bool {
    s.strip_prefix('v').is_some_and(|n| {
        !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()) && n != "1"
    })
}

fn all_hex(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The commit of a pseudo-version (`vX.Y.Z-[pre.]yyyymmddhhmmss-abcdef123456`), if it is one.
pub fn pseudo_rev(version: &str) -> Option<&str> {
    let v = version.split('+').next()?;
    let mut parts = v.rsplitn(3, '-');
    let rev = parts.next()?;
    let time = parts.next()?;
    let time = time.rsplit('.').next()?;
    (rev.len() == 12
        && all_hex(rev)
        && time.len() == 14
        && time.bytes().all(|b| b.is_ascii_digit()))
    .then_some(rev)
}

/// A canonical semantic version (`vMAJOR.MINOR.PATCH[-pre][+incompatible]`), loosely checked.
pub(crate) fn canonical_semver(v: &str) -> bool {
    let core = v.strip_prefix('v').unwrap_or("");
    let core = core.split(['-', '+']).next().unwrap_or("");
    let nums: Vec<&str> = core.split('.').collect();
    nums.len() == 3
        && nums
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// cmd/go's resolution of `version` (a version or query) for a module in `code_dir` of a
/// repository with these refs.
pub fn resolve(refs: &Refs, code_dir: &str, version: Option<&str>) -> Resolution {
    let prefix = if code_dir.is_empty() {
        String::new()
    } else {
        format!("{code_dir}/")
    };
    let version = version.unwrap_or("latest");
    if version == "latest" || version == "upgrade" || version == "patch" {
        let tags = refs
            .keys()
            .filter_map(|r| r.strip_prefix("refs/tags/"))
            .filter_map(|t| t.strip_prefix(prefix.as_str()))
            .any(canonical_semver);
        return if tags || refs.contains_key("HEAD") {
            Resolution::Found(if tags { "the tags" } else { "HEAD" }.into())
        } else {
            // An empty repository.
            Resolution::Unknown("HEAD".into())
        };
    }
    let hash_lookup = |rev: &str| -> Resolution {
        let mut found = refs.iter().filter(|(_, h)| h.starts_with(rev));
        match found.next() {
            Some((r, _)) => Resolution::Found(r.clone()),
            None => Resolution::NotObserved(format!(
                "commit {rev} is not the tip of a branch or tag (git ls-remote lists only those)"
            )),
        }
    };
    if let Some(rev) = pseudo_rev(version) {
        return hash_lookup(rev);
    }
    if canonical_semver(version) {
        // coderepo.revToRev: the tag is the version (without +incompatible) under code_dir.
        let tag = format!("{prefix}{}", version.trim_end_matches("+incompatible"));
        return if refs.contains_key(&format!("refs/tags/{tag}")) {
            Resolution::Found(format!("refs/tags/{tag}"))
        } else {
            Resolution::Unknown(tag)
        };
    }
    // A branch or tag name, HEAD, or a commit hash prefix (git.go stat).
    for r in [
        format!("refs/tags/{version}"),
        format!("refs/heads/{version}"),
    ] {
        if refs.contains_key(&r) {
            return Resolution::Found(r);
        }
    }
    if version == "HEAD" && refs.contains_key("HEAD") {
        return Resolution::Found("HEAD".into());
    }
    if version.len() >= 7 && version.len() <= 64 && all_hex(version) {
        return hash_lookup(version);
    }
    if version.starts_with('v') || version.starts_with(['<', '>']) {
        // A semver query (`v1.2`, `<v1.3`): answered from the tags and go.mod files.
        return Resolution::NotObserved(format!("the version query {version}"));
    }
    Resolution::Unknown(version.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "1111111111111111111111111111111111111111";
    const H2: &str = "daa7c04131f5aaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const H3: &str = "3333333333333333333333333333333333333333";

    fn refs() -> Refs {
        parse_ls_remote(&format!(
            "{H1}\tHEAD\n{H1}\trefs/heads/main\n{H2}\trefs/heads/dev\n{H3}\trefs/tags/v1.0.0\n{H1}\trefs/tags/v1.0.0^{{}}\n{H1}\trefs/tags/sub/v0.2.0\n{H1}\trefs/tags/v2.0.0\n{H1}\trefs/pull/1/head\n"
        ))
    }

    #[test]
    fn ls_remote_output_like_load_refs() {
        let r = refs();
        assert_eq!(r.get("refs/tags/v1.0.0").map(String::as_str), Some(H1));
        assert!(!r.contains_key("refs/pull/1/head"));
        assert!(!r.keys().any(|k| k.ends_with("^{}")));
    }

    #[test]
    fn versions_like_cmd_go() {
        let r = refs();
        let res = |dir: &str, v: &str| resolve(&r, dir, Some(v));
        assert_eq!(
            res("", "v1.0.0"),
            Resolution::Found("refs/tags/v1.0.0".into())
        );
        assert_eq!(res("", "v1.2.0"), Resolution::Unknown("v1.2.0".into()));
        assert_eq!(
            res("sub", "v0.2.0"),
            Resolution::Found("refs/tags/sub/v0.2.0".into())
        );
        assert_eq!(
            res("sub", "v1.0.0"),
            Resolution::Unknown("sub/v1.0.0".into())
        );
        assert_eq!(
            res("", "v2.0.0+incompatible"),
            Resolution::Found("refs/tags/v2.0.0".into())
        );
        assert_eq!(
            res("", "v0.0.0-20191109021931-daa7c04131f5"),
            Resolution::Found("refs/heads/dev".into())
        );
        assert!(matches!(
            res("", "v0.0.0-20191109021931-abcdefabcdef"),
            Resolution::NotObserved(_)
        ));
        assert_eq!(res("", "main"), Resolution::Found("refs/heads/main".into()));
        assert_eq!(res("", "nope"), Resolution::Unknown("nope".into()));
        // The smallest ref name among those at the hash, as git.go breaks ties.
        assert_eq!(res("", "1111111"), Resolution::Found("HEAD".into()));
        // The annotated tag's own object is not a commit Go can resolve from the refs.
        assert!(matches!(res("", "3333333"), Resolution::NotObserved(_)));
        assert!(matches!(res("", "latest"), Resolution::Found(_)));
        assert!(matches!(res("", "v1"), Resolution::NotObserved(_)));
        assert_eq!(
            resolve(&Refs::new(), "", None),
            Resolution::Unknown("HEAD".into())
        );
    }

    #[test]
    fn code_dirs() {
        assert_eq!(code_dir("github.com/a/b", "github.com/a/b"), "");
        assert_eq!(code_dir("github.com/a/b/v2", "github.com/a/b"), "");
        assert_eq!(code_dir("github.com/a/b/sub", "github.com/a/b"), "sub");
        assert_eq!(code_dir("github.com/a/b/sub/v3", "github.com/a/b"), "sub");
        assert_eq!(code_dir("github.com/a/b/v1x", "github.com/a/b"), "v1x");
    }

    #[test]
    fn smart_http_advertisement() {
        let line = |s: &str| format!("{:04x}{s}", s.len() + 4);
        let body = format!(
            "{}0000{}{}{}0000",
            line("# service=git-upload-pack\n"),
            line(&format!(
                "{H1} HEAD\0multi_ack symref=HEAD:refs/heads/main\n"
            )),
            line(&format!("{H1} refs/heads/main\n")),
            line(&format!("{H3} refs/tags/v1.0.0\n")),
        );
        let r = parse_advertisement(body.as_bytes()).unwrap();
        assert_eq!(r.len(), 3, "{r:?}");
        assert_eq!(r["HEAD"], H1);
        assert!(parse_advertisement(b"<html>login</html>").is_none());
        assert!(parse_advertisement(b"").is_none());
    }
}
