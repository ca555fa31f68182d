//! GOVCS rules as cmd/go/internal/vcs parses and applies them (parseGOVCS, allow,
//! checkGOVCS). checkGOVCS reads os.Getenv("GOVCS"); cmd/go's main has already copied the
//! `go env` values (env file included) into the process environment, so `go env -w GOVCS`
//! applies.

use serde::{Deserialize, Serialize};

use super::gourl::go_quote;
use super::pattern::match_prefix_patterns;

/// One `pattern:vcs|vcs` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct GovcsRule {
    /// A MatchPrefixPatterns glob, or the keywords `public` / `private`.
    pub pattern: String,
    /// Allowed VCS names; `all` allows every one, anything unknown (e.g. `off`) allows none.
    pub allowed: Vec<String>,
}

/// The parsed GOVCS with Go's default `private:all,public:git|hg` appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct GovcsRules {
    pub rules: Vec<GovcsRule>,
}

impl GovcsRules {
    /// Whether `vcs` (git, hg, svn, bzr, fossil) may be used for the repository root
    /// `module_path`; `is_private` is whether it matches GOPRIVATE. Err carries Go's text.
    pub fn allows(&self, module_path: &str, is_private: bool, vcs: &str) -> Result<(), String> {
        for rule in &self.rules {
            let matched = match rule.pattern.as_str() {
                "private" => is_private,
                "public" => !is_private,
                p => match_prefix_patterns(p, module_path),
            };
            if !matched {
                continue;
            }
            if rule.allowed.iter().any(|a| a == vcs || a == "all") {
                return Ok(());
            }
            break;
        }
        Err(format!(
            "GOVCS disallows using {vcs} for {} {module_path}; see 'go help vcs'",
            if is_private { "private" } else { "public" }
        ))
    }
}

fn default_rules() -> Vec<GovcsRule> {
    vec![
        GovcsRule {
            pattern: "private".into(),
            allowed: vec!["all".into()],
        },
        GovcsRule {
            pattern: "public".into(),
            allowed: vec!["git".into(), "hg".into()],
        },
    ]
}

/// search.IsRelativePath.
fn is_relative_path(p: &str) -> bool {
    p == "." || p == ".." || p.starts_with("./") || p.starts_with("../")
}

/// parseGOVCS plus the default rules; errors are Go's texts.
pub fn parse_govcs(govcs: &str) -> Result<GovcsRules, String> {
    let s = govcs.trim();
    let mut rules = Vec::new();
    let mut have: Vec<(String, String)> = Vec::new();
    if !s.is_empty() {
        for item in s.split(',') {
            let item = item.trim();
            if item.is_empty() {
                return Err("empty entry in GOVCS".into());
            }
            let Some((pattern, list)) = item.split_once(':') else {
                return Err(format!(
                    "malformed entry in GOVCS (missing colon): {}",
                    go_quote(item)
                ));
            };
            let (pattern, list) = (pattern.trim(), list.trim());
            if pattern.is_empty() {
                return Err(format!("empty pattern in GOVCS: {}", go_quote(item)));
            }
            if list.is_empty() {
                return Err(format!("empty VCS list in GOVCS: {}", go_quote(item)));
            }
            if is_relative_path(pattern) {
                return Err(format!(
                    "relative pattern not allowed in GOVCS: {}",
                    go_quote(pattern)
                ));
            }
            if let Some((_, old)) = have.iter().find(|(p, _)| p == pattern) {
                return Err(format!(
                    "unreachable pattern in GOVCS: {} after {}",
                    go_quote(item),
                    go_quote(old)
                ));
            }
            have.push((pattern.to_string(), item.to_string()));
            let mut allowed = Vec::new();
            for a in list.split('|') {
                let a = a.trim();
                if a.is_empty() {
                    return Err(format!("empty VCS name in GOVCS: {}", go_quote(item)));
                }
                allowed.push(a.to_string());
            }
            rules.push(GovcsRule {
                pattern: pattern.to_string(),
                allowed,
            });
        }
    }
    rules.extend(default_rules());
    Ok(GovcsRules { rules })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_first_match() {
        let d = parse_govcs("").unwrap();
        assert_eq!(d.rules.len(), 2);
        assert!(d.allows("github.com/x/y", false, "git").is_ok());
        assert!(d.allows("github.com/x/y", false, "hg").is_ok());
        assert_eq!(
            d.allows("example.com/x", false, "svn"),
            Err("GOVCS disallows using svn for public example.com/x; see 'go help vcs'".into())
        );
        assert!(d.allows("corp.example/x", true, "svn").is_ok());

        let r = parse_govcs("github.com:git, evil.com:off, *:git|hg , private:off").unwrap();
        assert!(r.allows("github.com/a/b", false, "git").is_ok());
        assert!(r.allows("github.com/a/b", false, "hg").is_err());
        assert_eq!(
            r.allows("evil.com/x", false, "git"),
            Err("GOVCS disallows using git for public evil.com/x; see 'go help vcs'".into())
        );
        // `*:git|hg` matches everything before `private:off`.
        assert!(r.allows("corp.example/x", true, "hg").is_ok());
        assert!(r.allows("corp.example/x", true, "svn").is_err());
        let all = parse_govcs("*:all").unwrap();
        assert!(all.allows("x.com/y", false, "fossil").is_ok());
    }

    #[test]
    fn error_texts_match_go() {
        let cases = [
            ("a:git,,b:git", "empty entry in GOVCS"),
            (
                "github.com",
                "malformed entry in GOVCS (missing colon): \"github.com\"",
            ),
            (":git", "empty pattern in GOVCS: \":git\""),
            ("x.com: ", "empty VCS list in GOVCS: \"x.com:\""),
            ("./x:git", "relative pattern not allowed in GOVCS: \"./x\""),
            (
                "x.com:git,x.com:hg",
                "unreachable pattern in GOVCS: \"x.com:hg\" after \"x.com:git\"",
            ),
            (
                "x.com:git||hg",
                "empty VCS name in GOVCS: \"x.com:git||hg\"",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_govcs(input), Err(want.to_string()), "GOVCS={input:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}", t in "[a-z.:|,* ]{0,30}") {
            if let Ok(r) = parse_govcs(&s) { let _ = r.allows("a.com/b", false, "git"); }
            if let Ok(r) = parse_govcs(&t) { let _ = r.allows("a.com/b", true, "svn"); }
        }
    }
}
