//! The env-file side of cmd/go/internal/cfg: where the user's go env file lives, how it and
//! `$GOROOT/go.env` are parsed, the precedence between them and the OS environment, and the
//! cross-check with the real `go env -json`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{ConfigInputs, ConfigValue, FileInput, GoConfig, OsKind, Shadowed, Source};
use crate::redact::Secret;

/// What the real `go` command said, compared with our computation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GoToolCheck {
    /// Not attempted (pure computation, tests).
    NotChecked,
    /// No `go` on PATH: finding `local.go_missing`.
    Missing { reason: String },
    /// `go` was found but `go env -json` failed or timed out.
    Failed { go_path: String, error: Secret },
    /// `go env -json` ran; one comparison per shared key.
    Ran {
        go_path: String,
        comparisons: Vec<GoEnvComparison>,
    },
}

impl GoToolCheck {
    /// The comparisons where gomod-diag and `go env -json` disagree.
    pub fn disagreements(&self) -> Vec<&GoEnvComparison> {
        match self {
            GoToolCheck::Ran { comparisons, .. } => {
                comparisons.iter().filter(|c| !c.agrees).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// One key's value according to `go env -json` versus gomod-diag (shown masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct GoEnvComparison {
    pub name: String,
    pub ours: Secret,
    pub go: Secret,
    pub agrees: bool,
}

/// Keys that both gomod-diag and `go env -json` report.
pub const SHARED_KEYS: &[&str] = super::GO_VARIABLES;

/// Variables net/http reads from the process environment only (never from the env file).
pub const PROCESS_ONLY: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUEST_METHOD",
];

/// The `KEY=VALUE` lines of a go env file, as cmd/go's readEnvFile keeps them, in order: a
/// line is kept when it has a `=` and starts with an upper-case ASCII letter. No quoting, no
/// trimming (a Windows `\r` stays in the value, as in Go).
pub fn parse_env_file(contents: &str) -> Vec<(String, String)> {
    contents
        .split('\n')
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            if !line.as_bytes()[0].is_ascii_uppercase() {
                return None;
            }
            Some((key.to_string(), value.to_string()))
        })
        .collect()
}

/// The lines of an env file that Go ignores (not empty, no `=` or not starting with A–Z).
pub fn ignored_env_file_lines(contents: &str) -> Vec<String> {
    contents
        .split('\n')
        .filter(|line| {
            !line.trim().is_empty()
                && (!line.contains('=') || !line.as_bytes()[0].is_ascii_uppercase())
        })
        .map(str::to_string)
        .collect()
}

/// An environment lookup as os.Getenv does it: exact on Unix, case-insensitive on Windows.
pub fn env_lookup<'a>(os: OsKind, env: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    match env.get(key) {
        Some(v) => Some(v.as_str()),
        None if os == OsKind::Windows => env
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str()),
        None => None,
    }
}

/// The user's go env file path as cmd/go's EnvFile computes it: `$GOENV` when set ("off" =
/// none), else os.UserConfigDir()/go/env. None when there is no file to read.
pub fn env_file_path(os: OsKind, env: &BTreeMap<String, String>) -> Option<String> {
    let get = |k: &str| env_lookup(os, env, k).unwrap_or("");
    match get("GOENV") {
        "off" => return None,
        "" => {}
        file => return Some(file.to_string()),
    }
    user_config_dir(os, env).map(|dir| join(os, &join(os, &dir, "go"), "env"))
}

/// os.UserConfigDir.
pub fn user_config_dir(os: OsKind, env: &BTreeMap<String, String>) -> Option<String> {
    let get = |k: &str| env_lookup(os, env, k).unwrap_or("");
    let dir = match os {
        OsKind::Windows => get("AppData").to_string(),
        OsKind::Macos => match get("HOME") {
            "" => return None,
            home => format!("{home}/Library/Application Support"),
        },
        OsKind::Linux | OsKind::Other => match get("XDG_CONFIG_HOME") {
            "" => match get("HOME") {
                "" => return None,
                home => format!("{home}/.config"),
            },
            // Go rejects a relative XDG_CONFIG_HOME.
            xdg if !xdg.starts_with('/') => return None,
            xdg => xdg.to_string(),
        },
    };
    (!dir.is_empty()).then_some(dir)
}

fn join(os: OsKind, dir: &str, name: &str) -> String {
    let sep = if os == OsKind::Windows { '\\' } else { '/' };
    if dir.ends_with(sep) || dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}{sep}{name}")
    }
}

/// go/build's defaultGOPATH: $HOME/go ($USERPROFILE on Windows), "" when it equals GOROOT.
fn default_gopath(os: OsKind, env: &BTreeMap<String, String>, goroot: &str) -> String {
    let home_var = if os == OsKind::Windows {
        "USERPROFILE"
    } else {
        "HOME"
    };
    match env_lookup(os, env, home_var).unwrap_or("") {
        "" => String::new(),
        home => {
            let def = join(os, home, "go");
            if !goroot.is_empty() && clean(&def) == clean(goroot) {
                String::new()
            } else {
                def
            }
        }
    }
}

fn clean(p: &str) -> &str {
    p.trim_end_matches(['/', '\\'])
}

pub(crate) fn compute(inputs: &ConfigInputs) -> GoConfig {
    let os = inputs.os.unwrap_or_else(OsKind::current);
    let env = &inputs.env;
    let os_get = |k: &str| {
        env_lookup(os, env, k)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };

    // A file's path (even when absent), its KEY=VALUE map, and whether it exists.
    let read = |f: &Option<FileInput>| match f {
        Some(FileInput { path, contents }) => (
            path.clone(),
            contents
                .as_deref()
                .map(|c| to_map(parse_env_file(c)))
                .unwrap_or_default(),
            contents.is_some(),
        ),
        None => (String::new(), BTreeMap::new(), false),
    };
    let (env_file_path, env_file_map, env_file_present) = read(&inputs.env_file);
    let (goroot_go_env_path, goroot_map, goroot_go_env_present) = read(&inputs.goroot_go_env);
    let file_source = Source::EnvFile {
        path: env_file_path.clone(),
    };
    let goroot_source = Source::GorootGoEnv {
        path: goroot_go_env_path.clone(),
    };

    // Every layer in precedence order, for a Go configuration key.
    let layered = |name: &str, default: Option<(String, Source)>| -> ConfigValue {
        let mut found: Vec<Shadowed> = Vec::new();
        if let Some(v) = os_get(name) {
            found.push(Shadowed {
                source: Source::OsEnv,
                value: v.into(),
            });
        }
        if let Some(v) = env_file_map.get(name).filter(|v| !v.is_empty()) {
            found.push(Shadowed {
                source: file_source.clone(),
                value: v.clone().into(),
            });
        }
        if let Some(v) = goroot_map.get(name).filter(|v| !v.is_empty()) {
            // go.env values never override the user's file, even an empty one there.
            if !env_file_map.contains_key(name) {
                found.push(Shadowed {
                    source: goroot_source.clone(),
                    value: v.clone().into(),
                });
            }
        }
        let mut it = found.into_iter();
        match it.next() {
            Some(top) => ConfigValue {
                name: name.to_string(),
                value: top.value,
                source: top.source,
                shadowed: it.collect(),
            },
            None => match default {
                Some((value, source)) if !value.is_empty() => ConfigValue {
                    name: name.to_string(),
                    value: value.into(),
                    source,
                    shadowed: Vec::new(),
                },
                // GOROOT unknown (no go, no $GOROOT): assume the go.env every Go release
                // since 1.21 ships, rather than a broken installation.
                _ if inputs.goroot_go_env.is_none() && !env_file_map.contains_key(name) => {
                    match STANDARD_GO_ENV.iter().find(|(k, _)| *k == name) {
                        Some((_, v)) => ConfigValue {
                            name: name.to_string(),
                            value: v.to_string().into(),
                            source: Source::Default,
                            shadowed: Vec::new(),
                        },
                        None => unset(name),
                    }
                }
                _ => unset(name),
            },
        }
    };

    // GOROOT: the OS env, else the env file (findGOROOT reads it), else what `go` said.
    let goroot = match (
        os_get("GOROOT"),
        env_file_map.get("GOROOT").filter(|v| !v.is_empty()),
    ) {
        (Some(v), file) => ConfigValue {
            name: "GOROOT".into(),
            value: v.into(),
            source: Source::OsEnv,
            shadowed: file
                .map(|f| Shadowed {
                    source: file_source.clone(),
                    value: f.clone().into(),
                })
                .into_iter()
                .collect(),
        },
        (None, Some(f)) => ConfigValue {
            name: "GOROOT".into(),
            value: f.clone().into(),
            source: file_source.clone(),
            shadowed: Vec::new(),
        },
        (None, None) => match inputs.goroot_detected.clone().filter(|g| !g.is_empty()) {
            Some(g) => ConfigValue {
                name: "GOROOT".into(),
                value: g.into(),
                source: Source::GoCommand,
                shadowed: Vec::new(),
            },
            None => ConfigValue {
                name: "GOROOT".into(),
                value: Secret::default(),
                source: Source::Unset,
                shadowed: Vec::new(),
            },
        },
    };

    let home_var = if os == OsKind::Windows {
        "USERPROFILE"
    } else {
        "HOME"
    };
    let gopath = layered(
        "GOPATH",
        Some((
            default_gopath(os, env, goroot.value.expose()),
            Source::Derived {
                from: home_var.into(),
            },
        )),
    );
    let list_sep = if os == OsKind::Windows { ';' } else { ':' };
    let first_gopath = gopath.value.expose().split(list_sep).next().unwrap_or("");
    let modcache_default = if first_gopath.is_empty() {
        String::new()
    } else {
        join(os, &join(os, first_gopath, "pkg"), "mod")
    };
    let goprivate = layered("GOPRIVATE", None);
    let derived_private = Some((
        goprivate.value.expose().to_string(),
        Source::Derived {
            from: "GOPRIVATE".into(),
        },
    ));

    let mut values = Vec::new();
    for name in super::variables() {
        let v = match name {
            "GOROOT" => goroot.clone(),
            "GOPATH" => gopath.clone(),
            "GOPRIVATE" => goprivate.clone(),
            "GONOPROXY" | "GONOSUMDB" => layered(name, derived_private.clone()),
            "GOMODCACHE" => layered(
                name,
                Some((
                    modcache_default.clone(),
                    Source::Derived {
                        from: "GOPATH".into(),
                    },
                )),
            ),
            "GOAUTH" => layered(name, Some(("netrc".into(), Source::Default))),
            // Like `go env GOENV`: the file in use; GOENV=off shows as "".
            "GOENV" => match os_get("GOENV") {
                Some(v) => ConfigValue {
                    name: name.into(),
                    value: if v == "off" { String::new() } else { v }.into(),
                    source: Source::OsEnv,
                    shadowed: Vec::new(),
                },
                None if !env_file_path.is_empty() => ConfigValue {
                    name: name.into(),
                    value: env_file_path.clone().into(),
                    source: Source::Default,
                    shadowed: Vec::new(),
                },
                None => ConfigValue {
                    name: name.into(),
                    value: Secret::default(),
                    source: Source::Unset,
                    shadowed: Vec::new(),
                },
            },
            n if PROCESS_ONLY.contains(&n) => match os_get(n) {
                Some(v) => ConfigValue {
                    name: n.into(),
                    value: v.into(),
                    source: Source::OsEnv,
                    shadowed: Vec::new(),
                },
                None => ConfigValue {
                    name: n.into(),
                    value: Secret::default(),
                    source: Source::Unset,
                    shadowed: Vec::new(),
                },
            },
            // GOPROXY, GOSUMDB, GOTOOLCHAIN default to "" without go.env; the rest to "".
            n => layered(n, None),
        };
        values.push(v);
    }

    let env_file_ignored_keys = env_file_map
        .keys()
        .filter(|k| PROCESS_ONLY.contains(&k.as_str()) || *k == "GOENV")
        .cloned()
        .collect();

    GoConfig {
        os,
        values,
        env_file_path,
        env_file_present,
        env_file_ignored_keys,
        goroot_go_env_path,
        goroot_go_env_present,
        go_tool: GoToolCheck::NotChecked,
    }
}

/// The contents of `$GOROOT/go.env` in Go 1.21 and later.
pub const STANDARD_GO_ENV: &[(&str, &str)] = &[
    ("GOPROXY", "https://proxy.golang.org,direct"),
    ("GOSUMDB", "sum.golang.org"),
    ("GOTOOLCHAIN", "auto"),
];

fn unset(name: &str) -> ConfigValue {
    ConfigValue {
        name: name.to_string(),
        value: Secret::default(),
        source: Source::Unset,
        shadowed: Vec::new(),
    }
}

fn to_map(pairs: Vec<(String, String)>) -> BTreeMap<String, String> {
    // Later lines win, as in readEnvFile.
    pairs.into_iter().collect()
}

/// Finds an executable named `go` on PATH.
pub fn find_go(path_var: &str, os: OsKind) -> Option<std::path::PathBuf> {
    let sep = if os == OsKind::Windows { ';' } else { ':' };
    let exe = if os == OsKind::Windows {
        "go.exe"
    } else {
        "go"
    };
    path_var
        .split(sep)
        .filter(|d| !d.is_empty())
        .map(|d| std::path::Path::new(d).join(exe))
        .find(|p| p.is_file())
}

/// Runs `go env -json` with a deadline; the child is killed when it expires. The child gets
/// GOTOOLCHAIN=local (so `go` never downloads a toolchain) and runs in the temp directory
/// (so no go.mod/go.work switches toolchains).
pub fn run_go_env_json(
    go: &std::path::Path,
    timeout: Duration,
) -> Result<BTreeMap<String, String>, String> {
    use std::io::Read;
    // The variables by name: `go env -json` alone also computes the cgo flags, which runs the
    // C compiler (cmd/go's needCostly) — tenths of a second spent on nothing compared here.
    let mut child = std::process::Command::new(go)
        .args(["env", "-json"])
        .args(SHARED_KEYS)
        .env("GOTOOLCHAIN", "local")
        .current_dir(std::env::temp_dir())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", go.display()))?;
    let mut stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let (out, status) = crate::child::stdout_within(&mut child, timeout).ok_or_else(|| {
        format!(
            "`go env -json` did not finish within {} s",
            timeout.as_secs()
        )
    })?;
    // Not UTF-8 is not Go's JSON: refused below, as an empty answer.
    let out = String::from_utf8(out).unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("`go env -json` failed ({status}): {}", err.trim()));
    }
    serde_json::from_str::<BTreeMap<String, String>>(&out)
        .map_err(|e| format!("`go env -json` printed something unexpected: {e}"))
}

/// Compares our values with `go env -json` on the shared keys.
pub fn compare_with_go(
    config: &GoConfig,
    go_env: &BTreeMap<String, String>,
) -> Vec<GoEnvComparison> {
    SHARED_KEYS
        .iter()
        .filter_map(|&key| {
            let go = go_env.get(key)?;
            let ours = config.get(key);
            // GOTOOLCHAIN is forced to "local" for the child; compare only when set.
            let agrees = if key == "GOTOOLCHAIN" {
                true
            } else {
                clean(ours) == clean(go)
            };
            Some(GoEnvComparison {
                name: key.to_string(),
                ours: ours.into(),
                go: if key == "GOTOOLCHAIN" { ours } else { go }.into(),
                agrees,
            })
        })
        .collect()
}

fn read_file(path: &str) -> FileInput {
    FileInput {
        path: path.to_string(),
        contents: std::fs::read(path)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
    }
}

/// `go env -json`: Ok((path of go, its values)) or Err(reason); a reason for a `go` that
/// was found but failed is `"<path>\0<error>"`.
pub type GoEnvResult = Result<(String, BTreeMap<String, String>), String>;

/// The inputs of the real process: environment, env file, go.env (GOROOT from `go env` when
/// available), plus the result of running `go env -json`.
pub fn gather_system_inputs() -> (ConfigInputs, GoEnvResult) {
    let os = OsKind::current();
    let env: BTreeMap<String, String> = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let env_file = env_file_path(os, &env).map(|p| read_file(&p));
    let path_var = env_lookup(os, &env, "PATH").unwrap_or("").to_string();
    let go_result = match find_go(&path_var, os) {
        None => Err("no `go` executable on PATH".to_string()),
        Some(go) => run_go_env_json(&go, Duration::from_secs(5))
            .map(|m| (go.display().to_string(), m))
            .map_err(|e| format!("{}\u{0}{e}", go.display())),
    };
    let goroot_detected = match &go_result {
        Ok((_, m)) => m.get("GOROOT").cloned().filter(|g| !g.is_empty()),
        Err(_) => None,
    };
    let goroot_for_file = env_lookup(os, &env, "GOROOT")
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .or_else(|| goroot_detected.clone());
    let goroot_go_env = goroot_for_file.map(|g| read_file(&join(os, &g, "go.env")));
    (
        ConfigInputs {
            os: Some(os),
            env,
            env_file,
            goroot_detected,
            goroot_go_env,
        },
        go_result,
    )
}

/// GOROOT as the go command finds its own: the directory above the `bin` that holds the
/// real (symlinks resolved) `go`, when it has the `go.env` and `src` a Go root has.
pub fn goroot_beside(go: &std::path::Path) -> Option<String> {
    let real = std::fs::canonicalize(go).ok()?;
    let root = real.parent()?.parent()?;
    (root.join("go.env").is_file() && root.join("src").is_dir()).then(|| root.display().to_string())
}

/// [`load_system`] without running `go env -json`: GOROOT from the environment or beside the
/// `go` on PATH ([`goroot_beside`]). None when Go's root cannot be found that way.
pub(crate) fn load_system_guess() -> Option<GoConfig> {
    let os = OsKind::current();
    let env: BTreeMap<String, String> = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let path_var = env_lookup(os, &env, "PATH").unwrap_or("").to_string();
    let goroot_detected = Some(goroot_beside(&find_go(&path_var, os)?)?);
    let goroot_for_file = env_lookup(os, &env, "GOROOT")
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .or_else(|| goroot_detected.clone());
    let goroot_go_env = goroot_for_file.map(|g| read_file(&join(os, &g, "go.env")));
    let env_file = env_file_path(os, &env).map(|p| read_file(&p));
    Some(compute(&ConfigInputs {
        os: Some(os),
        env,
        env_file,
        goroot_detected,
        goroot_go_env,
    }))
}

pub(crate) fn load_system() -> GoConfig {
    let (inputs, go_result) = gather_system_inputs();
    let mut config = compute(&inputs);
    config.go_tool = match go_result {
        Ok((go_path, go_env)) => GoToolCheck::Ran {
            comparisons: compare_with_go(&config, &go_env),
            go_path,
        },
        Err(e) => match e.split_once('\u{0}') {
            Some((go_path, error)) => GoToolCheck::Failed {
                go_path: go_path.to_string(),
                error: error.into(),
            },
            None => GoToolCheck::Missing { reason: e },
        },
    };
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn goroot_is_found_beside_the_real_go() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("go");
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("bin/go"), "").unwrap();
        // Not a Go root yet: no go.env.
        assert_eq!(goroot_beside(&root.join("bin/go")), None);
        std::fs::write(
            root.join("go.env"),
            "GOPROXY=https://proxy.golang.org,direct\n",
        )
        .unwrap();
        let want = std::fs::canonicalize(&root).unwrap().display().to_string();
        assert_eq!(goroot_beside(&root.join("bin/go")), Some(want.clone()));
        // Through a symlink on PATH (e.g. /usr/local/bin/go), as the go command resolves it.
        std::fs::create_dir_all(d.path().join("usr/bin")).unwrap();
        std::os::unix::fs::symlink(root.join("bin/go"), d.path().join("usr/bin/go")).unwrap();
        assert_eq!(goroot_beside(&d.path().join("usr/bin/go")), Some(want));
    }

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const GO_ENV: &str = "# comment\nGOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\n\nGOTOOLCHAIN=auto\n";

    fn inputs(os_env: &[(&str, &str)], file: Option<&str>) -> ConfigInputs {
        ConfigInputs {
            os: Some(OsKind::Linux),
            env: env(os_env),
            env_file: Some(FileInput {
                path: "/home/u/.config/go/env".into(),
                contents: file.map(str::to_string),
            }),
            goroot_detected: Some("/usr/local/go".into()),
            goroot_go_env: Some(FileInput {
                path: "/usr/local/go/go.env".into(),
                contents: Some(GO_ENV.into()),
            }),
        }
    }

    #[test]
    fn env_file_lines_like_read_env_file() {
        let parsed = parse_env_file(
            "GOPROXY=https://a.example|direct\n# c\nlower=x\n=x\nNOEQUALS\n GOSUMDB=off\nGOFLAGS=-mod=mod -x=1\r\nGOPRIVATE=\nGOPROXY=second\n",
        );
        assert_eq!(
            parsed,
            vec![
                (
                    "GOPROXY".to_string(),
                    "https://a.example|direct".to_string()
                ),
                ("GOFLAGS".to_string(), "-mod=mod -x=1\r".to_string()),
                ("GOPRIVATE".to_string(), String::new()),
                ("GOPROXY".to_string(), "second".to_string()),
            ]
        );
        assert_eq!(
            ignored_env_file_lines("# c\nlower=x\nOK=1\n GOSUMDB=off\n\n"),
            vec!["# c", "lower=x", " GOSUMDB=off"]
        );
    }

    #[test]
    fn env_file_location_per_os() {
        let linux = env(&[("HOME", "/home/u")]);
        assert_eq!(
            env_file_path(OsKind::Linux, &linux).as_deref(),
            Some("/home/u/.config/go/env")
        );
        let xdg = env(&[("HOME", "/home/u"), ("XDG_CONFIG_HOME", "/x")]);
        assert_eq!(
            env_file_path(OsKind::Linux, &xdg).as_deref(),
            Some("/x/go/env")
        );
        let rel = env(&[("HOME", "/home/u"), ("XDG_CONFIG_HOME", "rel")]);
        assert_eq!(env_file_path(OsKind::Linux, &rel), None);
        assert_eq!(
            env_file_path(OsKind::Macos, &linux).as_deref(),
            Some("/home/u/Library/Application Support/go/env")
        );
        // Windows names are case-insensitive (the variable is usually APPDATA).
        let win = env(&[("APPDATA", "C:\\Users\\u\\AppData\\Roaming")]);
        assert_eq!(
            env_file_path(OsKind::Windows, &win).as_deref(),
            Some("C:\\Users\\u\\AppData\\Roaming\\go\\env")
        );
        assert_eq!(env_file_path(OsKind::Windows, &linux), None);
        let goenv = env(&[("HOME", "/h"), ("GOENV", "/etc/goenv")]);
        assert_eq!(
            env_file_path(OsKind::Linux, &goenv).as_deref(),
            Some("/etc/goenv")
        );
        let off = env(&[("HOME", "/h"), ("GOENV", "off")]);
        assert_eq!(env_file_path(OsKind::Linux, &off), None);
        assert_eq!(env_file_path(OsKind::Linux, &env(&[])), None);
    }

    #[test]
    fn precedence_os_env_file_go_env_default() {
        let c = compute(&inputs(
            &[("HOME", "/home/u"), ("GOPROXY", "https://os.example"), ("GONOSUMDB", "")],
            Some("GOPROXY=https://file.example\nGOSUMDB=off\nGOPRIVATE=corp.example\nHTTPS_PROXY=http://ignored:1\n"),
        ));
        let v = c.value("GOPROXY").unwrap();
        assert_eq!(v.value, "https://os.example");
        assert_eq!(v.source, Source::OsEnv);
        assert_eq!(
            v.shadowed,
            vec![
                Shadowed {
                    source: Source::EnvFile {
                        path: "/home/u/.config/go/env".into()
                    },
                    value: "https://file.example".into()
                },
                // go.env's value never applies once the user file has the key.
            ]
        );
        let c2 = compute(&inputs(&[("HOME", "/h"), ("GOSUMDB", "off")], None));
        assert_eq!(
            c2.value("GOSUMDB").unwrap().shadowed,
            vec![Shadowed {
                source: Source::GorootGoEnv {
                    path: "/usr/local/go/go.env".into()
                },
                value: "sum.golang.org".into()
            }]
        );
        // The env file wins over go.env; go.env does not show as shadowed under it.
        let s = c.value("GOSUMDB").unwrap();
        assert_eq!((s.value.expose(), s.shadowed.len()), ("off", 0));
        assert!(matches!(s.source, Source::EnvFile { .. }));
        assert_eq!(c.get("GOTOOLCHAIN"), "auto");
        assert!(matches!(
            c.value("GOTOOLCHAIN").unwrap().source,
            Source::GorootGoEnv { .. }
        ));
        // Empty OS value = unset; GONOSUMDB and GONOPROXY default to GOPRIVATE.
        assert_eq!(c.get("GONOSUMDB"), "corp.example");
        assert_eq!(
            c.value("GONOPROXY").unwrap().source,
            Source::Derived {
                from: "GOPRIVATE".into()
            }
        );
        // Defaults.
        assert_eq!(c.get("GOPATH"), "/home/u/go");
        assert_eq!(c.get("GOMODCACHE"), "/home/u/go/pkg/mod");
        assert_eq!(c.get("GOAUTH"), "netrc");
        assert_eq!(c.value("GOAUTH").unwrap().source, Source::Default);
        assert_eq!(c.get("GOENV"), "/home/u/.config/go/env");
        assert_eq!(c.get("GOROOT"), "/usr/local/go");
        assert_eq!(c.value("GOROOT").unwrap().source, Source::GoCommand);
        // HTTPS_PROXY in the env file is ignored (net/http reads the process environment).
        assert_eq!(c.get("HTTPS_PROXY"), "");
        assert_eq!(c.env_file_ignored_keys, vec!["HTTPS_PROXY".to_string()]);
        assert!(c.env_file_present);
    }

    #[test]
    fn empty_env_file_value_blocks_go_env_default() {
        // readEnvFile: a key present in the user file (even empty) is not taken from go.env.
        let c = compute(&inputs(&[("HOME", "/h")], Some("GOPROXY=\n")));
        assert_eq!(c.get("GOPROXY"), "");
        assert_eq!(c.value("GOPROXY").unwrap().source, Source::Unset);
        assert_eq!(c.get("GOSUMDB"), "sum.golang.org");
    }

    #[test]
    fn no_go_env_means_no_defaults_and_gopath_rules() {
        // GOROOT known, go.env missing: a broken installation, no defaults (as cmd/go).
        let mut i = inputs(&[("HOME", "/h"), ("GOPATH", "/a:/b")], None);
        i.goroot_go_env.as_mut().unwrap().contents = None;
        let c = compute(&i);
        assert_eq!(c.get("GOPROXY"), "");
        assert_eq!(c.get("GOSUMDB"), "");
        // GOROOT unknown: the standard go.env is assumed, marked as a default.
        let mut i = inputs(&[("HOME", "/h"), ("GOPATH", "/a:/b")], Some("GOSUMDB=\n"));
        i.goroot_go_env = None;
        i.goroot_detected = None;
        let c = compute(&i);
        assert_eq!(c.get("GOPROXY"), "https://proxy.golang.org,direct");
        assert_eq!(c.value("GOPROXY").unwrap().source, Source::Default);
        assert_eq!(c.get("GOSUMDB"), "");
        assert_eq!(c.get("GOMODCACHE"), "/a/pkg/mod");
        assert_eq!(c.value("GOROOT").unwrap().source, Source::Unset);
        assert!(c.env_file_present);
        // GOPATH equal to GOROOT is not used as the default.
        let mut i = inputs(&[("HOME", "/h")], None);
        i.goroot_detected = Some("/h/go".into());
        let c = compute(&i);
        assert_eq!(c.get("GOPATH"), "");
        assert_eq!(c.get("GOMODCACHE"), "");
        // Windows: USERPROFILE and ';' lists.
        let mut i = inputs(&[("USERPROFILE", "C:\\Users\\u")], None);
        i.os = Some(OsKind::Windows);
        let c = compute(&i);
        assert_eq!(c.get("GOPATH"), "C:\\Users\\u\\go");
        assert_eq!(c.get("GOMODCACHE"), "C:\\Users\\u\\go\\pkg\\mod");
    }

    #[test]
    fn proxy_variables_upper_and_lower_case_recorded() {
        let c = compute(&inputs(
            &[
                ("http_proxy", "http://lower:1"),
                ("HTTPS_PROXY", ""),
                ("https_proxy", "http://l:2"),
                ("REQUEST_METHOD", "GET"),
            ],
            None,
        ));
        assert_eq!(c.get("http_proxy"), "http://lower:1");
        assert_eq!(c.get("HTTPS_PROXY"), "");
        let p = c.proxy_env();
        assert_eq!(p.https_proxy_var, "https_proxy");
        assert!(p.cgi);
    }

    #[test]
    fn comparison_flags_disagreement() {
        let c = compute(&inputs(&[("HOME", "/h")], None));
        let mut go = BTreeMap::new();
        go.insert(
            "GOPROXY".to_string(),
            "https://proxy.golang.org,direct".to_string(),
        );
        go.insert("GOSUMDB".to_string(), "off".to_string());
        go.insert("GOVERSION".to_string(), "go1.27.3".to_string());
        let cmp = compare_with_go(&c, &go);
        assert_eq!(cmp.len(), 2);
        assert!(cmp[0].agrees);
        assert!(!cmp[1].agrees);
    }

    proptest::proptest! {
        #[test]
        fn env_file_parser_never_panics(s in "\\PC{0,80}", t in "[A-Za-z=\\n\\r #]{0,60}") {
            let _ = parse_env_file(&s);
            let _ = ignored_env_file_lines(&s);
            let _ = compute(&inputs(&[("HOME", "/h")], Some(&t)));
            let _ = compute(&inputs(&[("GOPROXY", &s), ("GOPRIVATE", &t)], Some(&s)));
        }
    }

    #[cfg(unix)]
    #[test]
    fn go_env_json_answers_failures_and_hangs_are_told_apart() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fake = |name: &str, script: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{script}\n")).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            p
        };
        let ok = fake("ok", r#"echo '{"GOPROXY": "https://p.example"}'"#);
        let got = run_go_env_json(&ok, Duration::from_secs(5)).unwrap();
        assert_eq!(got["GOPROXY"], "https://p.example");
        let failing = fake("failing", "echo 'go: bad GOENV' >&2; exit 1");
        let e = run_go_env_json(&failing, Duration::from_secs(5)).unwrap_err();
        assert!(e.contains("failed") && e.contains("go: bad GOENV"), "{e}");
        let hung = fake("hung", "exec sleep 10");
        let start = std::time::Instant::now();
        let e = run_go_env_json(&hung, Duration::from_millis(200)).unwrap_err();
        assert!(e.contains("did not finish"), "{e}");
        assert!(start.elapsed() < Duration::from_secs(5));
        let junk = fake("junk", "printf 'not json'");
        let e = run_go_env_json(&junk, Duration::from_secs(5)).unwrap_err();
        assert!(e.contains("unexpected"), "{e}");
    }
}
