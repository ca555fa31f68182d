//! Which modules to probe: `--module` arguments, else the requirements of the go.mod in the
//! working directory (or a parent), else a small well-known public module.
//!
//! go.mod is read the way cmd/go's modfile reads it, for what matters here: `module`,
//! `require` (lines and blocks, `// indirect`), `replace` (local directories are skipped, a
//! replacement module is fetched instead) and `exclude`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::pattern::match_prefix_patterns;
use crate::plan::ModuleTarget;

/// The module probed outside a Go module: small, stable, public, and fetched by most users.
pub const DEFAULT_MODULE: &str = "golang.org/x/text";
pub const DEFAULT_VERSION: &str = "v0.14.0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Requirement {
    pub path: String,
    pub version: String,
    pub indirect: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Replacement {
    pub old_path: String,
    pub old_version: Option<String>,
    pub new_path: String,
    pub new_version: Option<String>,
}

impl Replacement {
    /// A replacement by a directory (`./x`, `../x`, `/abs`, `C:\x`): nothing is fetched.
    pub fn is_local(&self) -> bool {
        self.new_path.starts_with("./")
            || self.new_path.starts_with("../")
            || self.new_path.starts_with('/')
            || self.new_path == "."
            || self.new_path == ".."
            || self.new_path.starts_with(".\\")
            || self.new_path.starts_with("..\\")
            || (self.new_path.len() > 2 && self.new_path.as_bytes()[1] == b':')
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct GoMod {
    pub module: Option<String>,
    pub require: Vec<Requirement>,
    pub replace: Vec<Replacement>,
    pub exclude: Vec<(String, String)>,
}

/// Splits a line into tokens (Go's quoted strings kept whole, `//` comment returned apart).
fn tokens(line: &str) -> (Vec<String>, String) {
    let mut out = vec![];
    let mut rest = line.trim();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return (out, String::new());
        }
        if let Some(c) = rest.strip_prefix("//") {
            return (out, c.trim().to_string());
        }
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            out.push(r[..end].to_string());
            rest = r.get(end + 1..).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix('`') {
            let end = r.find('`').unwrap_or(r.len());
            out.push(r[..end].to_string());
            rest = r.get(end + 1..).unwrap_or("");
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(rest.len());
            let end = rest[..end].find("//").unwrap_or(end);
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

/// Parses the parts of go.mod that decide what is fetched.
pub fn parse_go_mod(text: &str) -> GoMod {
    let mut gm = GoMod::default();
    let mut block: Option<String> = None;
    for raw in text.lines() {
        let (toks, comment) = tokens(raw);
        if toks.is_empty() {
            continue;
        }
        let (verb, args): (String, &[String]) = match &block {
            Some(_) if toks[0] == ")" => {
                block = None;
                continue;
            }
            Some(b) => (b.clone(), &toks[..]),
            None => {
                if toks.len() == 2 && toks[1] == "(" {
                    block = Some(toks[0].clone());
                    continue;
                }
                (toks[0].clone(), &toks[1..])
            }
        };
        match verb.as_str() {
            "module" if !args.is_empty() => gm.module = Some(args[0].clone()),
            "require" if args.len() >= 2 => gm.require.push(Requirement {
                path: args[0].clone(),
                version: args[1].clone(),
                indirect: comment.split(';').any(|c| c.trim() == "indirect"),
            }),
            "exclude" if args.len() >= 2 => gm.exclude.push((args[0].clone(), args[1].clone())),
            "replace" => {
                if let Some(arrow) = args.iter().position(|a| a == "=>") {
                    let (old, new) = (&args[..arrow], &args[arrow + 1..]);
                    if !old.is_empty() && !new.is_empty() {
                        gm.replace.push(Replacement {
                            old_path: old[0].clone(),
                            old_version: old.get(1).cloned(),
                            new_path: new[0].clone(),
                            new_version: new.get(1).cloned(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    gm
}

/// The nearest go.mod at or above `dir`.
pub fn find_go_mod(dir: &Path) -> Option<PathBuf> {
    let mut d = Some(dir);
    while let Some(p) = d {
        let f = p.join("go.mod");
        if f.is_file() {
            return Some(f);
        }
        d = p.parent();
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TargetSelection {
    pub targets: Vec<ModuleTarget>,
    /// Why each target was chosen: one line per target, in the same order (one line each so
    /// the output grows linearly with the number of targets).
    pub why: Vec<String>,
    /// Requirements that are not probed (excluded, replaced by a directory), one line each.
    pub skipped: Vec<String>,
}

impl TargetSelection {
    /// One line per target: its own reason (the skipped requirements once, on the first), so
    /// the output grows linearly with the number of targets.
    pub fn choices(&self) -> Vec<crate::facts::TargetChoice> {
        self.targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut why = self.why.get(i).cloned().unwrap_or_default();
                if i == 0 && !self.skipped.is_empty() {
                    why = std::iter::once(why)
                        .chain(self.skipped.iter().cloned())
                        .collect::<Vec<_>>()
                        .join("; ");
                }
                crate::facts::TargetChoice {
                    module: match &t.version {
                        Some(v) => format!("{}@{v}", t.path),
                        None => t.path.clone(),
                    },
                    why,
                }
            })
            .collect()
    }
}

/// The module patterns a route depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutePatterns {
    pub gonoproxy: String,
    pub gonosumdb: String,
}

/// Chooses the modules to probe. `explicit` are `--module` values (`path[@version]`);
/// errors name the bad input.
pub fn select_targets(
    cwd: &Path,
    explicit: &[String],
    pats: &RoutePatterns,
) -> Result<TargetSelection, String> {
    if !explicit.is_empty() {
        let mut targets = vec![];
        for e in explicit {
            targets.push(parse_target(e)?);
        }
        return Ok(TargetSelection {
            why: vec!["given with --module".to_string(); targets.len()],
            targets,
            skipped: vec![],
        });
    }
    let Some(file) = find_go_mod(cwd) else {
        return Ok(TargetSelection {
            targets: vec![ModuleTarget {
                path: DEFAULT_MODULE.into(),
                version: Some(DEFAULT_VERSION.into()),
            }],
            why: vec![format!(
                "no go.mod here or in a parent directory: probing the public module {DEFAULT_MODULE}@{DEFAULT_VERSION}"
            )],
            skipped: vec![],
        });
    };
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let gm = parse_go_mod(&text);
    Ok(select_from_go_mod(&gm, &file.display().to_string(), pats))
}

/// Pure part of [`select_targets`]: one representative per public route, every private module.
pub fn select_from_go_mod(gm: &GoMod, file: &str, pats: &RoutePatterns) -> TargetSelection {
    let mut why = vec![];
    let mut skipped = vec![];
    let mut public: Option<(ModuleTarget, bool)> = None;
    let mut public_count = 0;
    let mut targets = vec![];
    // Hash lookups: a go.mod with tens of thousands of lines is selected in linear time.
    let excluded: std::collections::HashSet<(&str, &str)> = gm
        .exclude
        .iter()
        .map(|(p, v)| (p.as_str(), v.as_str()))
        .collect();
    let mut replaces: std::collections::HashMap<&str, Vec<&Replacement>> =
        std::collections::HashMap::new();
    for x in &gm.replace {
        replaces.entry(x.old_path.as_str()).or_default().push(x);
    }
    let mut excluded_count = 0usize;
    for r in &gm.require {
        if excluded.contains(&(r.path.as_str(), r.version.as_str())) {
            // Named up to a few; the rest are counted.
            excluded_count += 1;
            if excluded_count <= 3 {
                skipped.push(format!(
                    "{}@{}: excluded in go.mod, skipped",
                    r.path, r.version
                ));
            }
            continue;
        }
        // The first matching line in file order, as before.
        let rep = replaces.get(r.path.as_str()).and_then(|xs| {
            xs.iter()
                .copied()
                .find(|x| x.old_version.as_ref().is_none_or(|v| *v == r.version))
        });
        let (path, version) = match rep {
            Some(x) if x.is_local() => {
                skipped.push(format!(
                    "{}: replaced by the directory {}, nothing to fetch",
                    r.path, x.new_path
                ));
                continue;
            }
            Some(x) => (
                x.new_path.clone(),
                x.new_version.clone().unwrap_or(r.version.clone()),
            ),
            None => (r.path.clone(), r.version.clone()),
        };
        let private = match_prefix_patterns(&pats.gonoproxy, &path)
            || match_prefix_patterns(&pats.gonosumdb, &path);
        let t = ModuleTarget {
            path: path.clone(),
            version: Some(version.clone()),
        };
        if private {
            why.push("matches GOPRIVATE/GONOPROXY/GONOSUMDB, probed on its own route".to_string());
            targets.push(t);
        } else {
            public_count += 1;
            // Prefer a direct requirement as the representative.
            match &public {
                Some((_, false)) => {}
                Some((_, true)) if r.indirect => {}
                _ => public = Some((t, r.indirect)),
            }
        }
    }
    if excluded_count > 3 {
        skipped.push(format!(
            "… and {} more excluded requirements skipped",
            excluded_count - 3
        ));
    }
    if let Some((t, _)) = public {
        why.insert(
            0,
            format!(
                "{file}: {public_count} public requirement(s) share one route; probing {}@{} for them",
                t.path,
                t.version.as_deref().unwrap_or("")
            ),
        );
        targets.insert(0, t);
    }
    if targets.is_empty() {
        why.push(format!(
            "{file} requires nothing to fetch: probing the public module {DEFAULT_MODULE}@{DEFAULT_VERSION}"
        ));
        targets.push(ModuleTarget {
            path: DEFAULT_MODULE.into(),
            version: Some(DEFAULT_VERSION.into()),
        });
    }
    TargetSelection {
        targets,
        why,
        skipped,
    }
}

/// Parses `path[@version]` with an error naming the input.
pub fn parse_target(s: &str) -> Result<ModuleTarget, String> {
    // One parser for `PATH[@VERSION]`, Go's module path rules included: no trimming, so
    // `" bad"` is refused rather than quietly diagnosed as `bad`.
    let t = crate::plan::ModuleTarget::parse(s)?;
    Ok(ModuleTarget {
        path: t.path,
        version: t.version.filter(|v| v != "latest"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_thousand_requires_and_excludes_select_by_hash() {
        let n = 60_000;
        let mut text = String::from("module example.com/big\n\nrequire (\n");
        for i in 0..n {
            text.push_str(&format!("\texample.com/m{i} v1.0.{i}\n"));
        }
        text.push_str(")\n\nexclude (\n");
        // Every requirement but the last is excluded.
        for i in 0..n - 1 {
            text.push_str(&format!("\texample.com/m{i} v1.0.{i}\n"));
        }
        text.push_str(")\n");
        let gm = parse_go_mod(&text);
        assert_eq!((gm.require.len(), gm.exclude.len()), (n, n - 1));
        let sel = select_from_go_mod(&gm, "go.mod", &RoutePatterns::default());
        assert_eq!(sel.targets.len(), 1);
        assert_eq!(sel.targets[0].path, format!("example.com/m{}", n - 1));
        // Three named, the rest counted: the explanation stays short.
        assert!(sel.skipped.len() <= 5, "{:?}", sel.skipped);
        assert!(
            sel.skipped
                .iter()
                .any(|w| w.contains("… and 59996 more excluded")),
            "{:?}",
            sel.skipped
        );
    }

    const GO_MOD: &str = r#"
module example.com/app

go 1.22

require golang.org/x/text v0.14.0

require (
	github.com/pkg/errors v0.9.1 // indirect
	corp.example/lib v1.2.0
	example.com/local v1.0.0
	"example.com/quoted" v1.0.0
	example.com/gone v1.0.0
	example.com/moved v1.0.0
)

replace example.com/local => ../local
replace (
	example.com/moved v1.0.0 => example.com/moved2 v1.1.0
)
exclude example.com/gone v1.0.0
"#;

    #[test]
    fn parses_go_mod() {
        let gm = parse_go_mod(GO_MOD);
        assert_eq!(gm.module.as_deref(), Some("example.com/app"));
        assert_eq!(gm.require.len(), 7);
        assert!(gm.require[1].indirect && !gm.require[0].indirect);
        assert_eq!(gm.require[4].path, "example.com/quoted");
        assert!(gm.replace[0].is_local());
        assert_eq!(gm.replace[1].new_path, "example.com/moved2");
        assert_eq!(
            gm.exclude,
            vec![("example.com/gone".into(), "v1.0.0".into())]
        );
    }

    #[test]
    fn one_public_representative_and_every_private_module() {
        let gm = parse_go_mod(GO_MOD);
        let sel = select_from_go_mod(
            &gm,
            "go.mod",
            &RoutePatterns {
                gonoproxy: "corp.example".into(),
                gonosumdb: "corp.example".into(),
            },
        );
        let got: Vec<String> = sel
            .targets
            .iter()
            .map(|t| format!("{}@{}", t.path, t.version.as_deref().unwrap()))
            .collect();
        assert_eq!(
            got,
            vec!["golang.org/x/text@v0.14.0", "corp.example/lib@v1.2.0"]
        );
        assert!(
            sel.why[0].contains("4 public requirement(s)"),
            "{:?}",
            sel.why
        );
        assert!(sel
            .skipped
            .iter()
            .any(|w| w.contains("replaced by the directory ../local")));
        assert!(sel.skipped.iter().any(|w| w.contains("excluded")));
        assert_eq!(sel.why.len(), sel.targets.len(), "one line per target");
    }

    #[test]
    fn explicit_and_default_targets() {
        let dir = std::env::temp_dir().join("gomod-diag-no-such-dir-for-targets");
        let sel = select_targets(
            &dir,
            &["example.com/m@v1.0.0".into()],
            &RoutePatterns::default(),
        )
        .unwrap();
        assert_eq!(sel.targets[0].version.as_deref(), Some("v1.0.0"));
        assert!(
            select_targets(&dir, &["bad module".into()], &RoutePatterns::default())
                .unwrap_err()
                .contains("\"bad module\"")
        );
        assert_eq!(parse_target("example.com/m@latest").unwrap().version, None);
        assert_eq!(parse_target("example.com/m").unwrap().version, None);
    }
}
