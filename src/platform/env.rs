//! The persisted environment (Windows registry, shell profile files) against this process's
//! environment: a terminal opened before `setx` or before ~/.zshrc was edited still runs with
//! the old values (`config.stale_shell_env`). Parsing and comparison are pure.

use std::path::{Path, PathBuf};

use super::windows::{parse_reg_query, RegKey};
use crate::redact::Secret;
use crate::shell::Shell;

/// The variables that change what `go get` does on the network. Compared case-insensitively
/// on Windows (one variable there), exactly elsewhere (`https_proxy` and `HTTPS_PROXY` are two).
pub const WATCHED_VARS: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "GOPROXY",
    "GOPRIVATE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOSUMDB",
    "GOINSECURE",
    "GOFLAGS",
    "GOENV",
    "GOAUTH",
    "GOVCS",
    "GOTOOLCHAIN",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// Where a persisted value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PersistScope {
    /// HKCU\Environment (`setx NAME v`, the "User variables" dialog).
    WindowsUser,
    /// HKLM\...\Session Manager\Environment (`setx /M`, "System variables").
    WindowsMachine,
    /// A shell startup file (~/.zshrc, ~/.bashrc, config.fish ...).
    ProfileFile,
}

/// One persisted assignment, as read (it is compared with the live value); only
/// [`StaleEnv`] and [`PersistedSetting`] are meant for output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistedVar {
    pub name: String,
    pub value: String,
    pub scope: PersistScope,
    /// `HKCU\Environment`, `~/.zshrc:12`: where to look.
    pub source: String,
}

/// Where a watched variable is persisted, for fixes that must remove it at its source: a
/// GOPROXY set with `setx` overrides `go env -w` in every new terminal.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PersistedSetting {
    pub variable: String,
    /// The value (shown masked).
    pub value: Secret,
    pub scope: PersistScope,
    pub source: String,
}

impl PersistedVar {
    /// The form for facts and reports.
    pub fn to_setting(&self) -> PersistedSetting {
        PersistedSetting {
            variable: self.name.clone(),
            value: self.value.as_str().into(),
            scope: self.scope,
            source: self.source.clone(),
        }
    }
}

/// A persisted value this process does not have: the terminal predates the change.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct StaleEnv {
    pub variable: String,
    /// What a new terminal would get (shown masked). Empty: the variable was cleared there.
    pub persisted: Secret,
    /// What this process has (shown masked); None when unset or empty.
    pub live: Option<Secret>,
    pub scope: PersistScope,
    pub source: String,
}

/// A profile line that assigns a watched variable but was not evaluated (it uses expansion,
/// command substitution or syntax this reader does not follow).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SkippedAssignment {
    pub variable: String,
    pub source: String,
    pub reason: String,
}

fn watched(name: &str, case_insensitive: bool) -> bool {
    if case_insensitive {
        WATCHED_VARS.iter().any(|w| w.eq_ignore_ascii_case(name))
    } else {
        WATCHED_VARS.contains(&name)
    }
}

/// Expands `%NAME%` the way Windows expands REG_EXPAND_SZ values; unknown names stay as written.
pub fn expand_windows_vars(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) if end > 0 => {
                let name = &after[..end];
                match lookup(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('%');
                        out.push_str(name);
                        out.push('%');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn vars_from_key(
    key: &RegKey,
    scope: PersistScope,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<PersistedVar> {
    key.values
        .iter()
        .filter(|v| (v.kind == "REG_SZ" || v.kind == "REG_EXPAND_SZ") && watched(&v.name, true))
        .map(|v| PersistedVar {
            name: v.name.clone(),
            value: if v.kind == "REG_EXPAND_SZ" {
                expand_windows_vars(&v.data, lookup)
            } else {
                v.data.clone()
            },
            scope,
            source: match scope {
                PersistScope::WindowsUser => r"HKCU\Environment".to_string(),
                _ => {
                    r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment".to_string()
                }
            },
        })
        .collect()
}

/// The watched variables a new Windows process would start with, from the `reg query` output
/// of HKCU\Environment and the machine key: the user value wins over the machine value (names
/// compared case-insensitively), as Windows merges them (PATH, which is concatenated, is not
/// watched). REG_EXPAND_SZ values are expanded with `lookup`.
pub fn persisted_from_registry(
    user_reg: Option<&str>,
    machine_reg: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<PersistedVar> {
    let user: Vec<PersistedVar> = user_reg
        .map(parse_reg_query)
        .and_then(|k| k.into_iter().next())
        .map(|k| vars_from_key(&k, PersistScope::WindowsUser, lookup))
        .unwrap_or_default();
    let machine: Vec<PersistedVar> = machine_reg
        .map(parse_reg_query)
        .and_then(|k| k.into_iter().next())
        .map(|k| vars_from_key(&k, PersistScope::WindowsMachine, lookup))
        .unwrap_or_default();
    let mut out = user.clone();
    for m in machine {
        if !user.iter().any(|u| u.name.eq_ignore_ascii_case(&m.name)) {
            out.push(m);
        }
    }
    out
}

/// The PATH a new Windows process starts with: the machine Path, then the user Path
/// (Windows appends the user's), each entry expanded with `lookup`.
pub fn persisted_path_from_registry(
    user_reg: Option<&str>,
    machine_reg: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for text in [machine_reg, user_reg].into_iter().flatten() {
        let keys = parse_reg_query(text);
        let Some(v) = keys.first().and_then(|k| k.get("Path")) else {
            continue;
        };
        let value = if v.kind == "REG_EXPAND_SZ" {
            expand_windows_vars(&v.data, lookup)
        } else {
            v.data.clone()
        };
        out.extend(
            value
                .split(';')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(String::from),
        );
    }
    out
}

/// Entries of a persisted Windows PATH that this process's PATH lacks (compared as Windows
/// compares paths: case-insensitively, a trailing `\` ignored). A terminal opened before Go
/// was installed lacks `C:\Program Files\Go\bin`: "'go' is not recognized".
pub fn path_dirs_not_live(persisted: &[String], live_path: &str) -> Vec<String> {
    let norm = |d: &str| {
        d.trim()
            .trim_matches('"')
            .trim_end_matches('\\')
            .to_lowercase()
    };
    let live: Vec<String> = live_path.split(';').map(norm).collect();
    let mut out: Vec<String> = Vec::new();
    for d in persisted {
        if !live.contains(&norm(d)) && !out.iter().any(|o| norm(o) == norm(d)) {
            out.push(d.clone());
        }
    }
    out
}

/// Compares persisted values with the live environment (`live` looks a name up in this
/// process, case-insensitively on Windows as `std::env::var` does). Empty counts as unset on
/// both sides, as Go reads it. For a name assigned several times (profile files) the last
/// assignment wins.
pub fn stale_env(
    persisted: &[PersistedVar],
    live: &dyn Fn(&str) -> Option<String>,
) -> Vec<StaleEnv> {
    let mut out: Vec<StaleEnv> = Vec::new();
    for (i, p) in persisted.iter().enumerate() {
        let overridden_later = persisted[i + 1..]
            .iter()
            .any(|q| q.name == p.name && q.scope == p.scope);
        if overridden_later {
            continue;
        }
        let want = Some(p.value.as_str()).filter(|v| !v.is_empty());
        let have = live(&p.name).filter(|v| !v.is_empty());
        if want != have.as_deref() {
            out.push(StaleEnv {
                variable: p.name.clone(),
                persisted: p.value.as_str().into(),
                live: have.map(Secret::new),
                scope: p.scope,
                source: p.source.clone(),
            });
        }
    }
    out
}

/// The startup files a new terminal of `shell` reads, in the order they run (a later
/// assignment wins). `home` is $HOME; `zdotdir` is $ZDOTDIR for zsh; `xdg_config` is
/// $XDG_CONFIG_HOME for fish. ~/.profile is read at (graphical) login only: a change there
/// needs a new login session, not just a new terminal.
pub fn profile_files(
    shell: Shell,
    home: &Path,
    zdotdir: Option<&Path>,
    xdg_config: Option<&Path>,
) -> Vec<PathBuf> {
    match shell {
        Shell::Bash => [".profile", ".bash_login", ".bash_profile", ".bashrc"]
            .iter()
            .map(|f| home.join(f))
            .collect(),
        Shell::Zsh => {
            let dir = zdotdir.unwrap_or(home);
            [".zshenv", ".zprofile", ".zshrc"]
                .iter()
                .map(|f| dir.join(f))
                .collect()
        }
        Shell::Fish => {
            let base = xdg_config
                .map(Path::to_path_buf)
                .unwrap_or_else(|| home.join(".config"))
                .join("fish");
            // fish runs conf.d/*.fish (by name) before config.fish.
            let mut conf_d: Vec<PathBuf> = std::fs::read_dir(base.join("conf.d"))
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|x| x == "fish"))
                        .collect()
                })
                .unwrap_or_default();
            conf_d.sort();
            conf_d.push(base.join("config.fish"));
            conf_d
        }
        Shell::PowerShell | Shell::Cmd => Vec::new(),
    }
}

/// Which syntax a profile file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSyntax {
    /// sh, bash, zsh: `export NAME=value`.
    Posix,
    /// fish: `set -gx NAME value`.
    Fish,
}

/// Reads the literal assignments of watched variables from a profile file's text. Only
/// `export NAME=value` (POSIX) and `set` with `-x`/`--export` (fish) are read, with a value
/// that is a single literal word: unquoted, `'single'` or `"double"` without `$`, backticks or
/// backslashes. Anything else that assigns a watched variable (`$(...)`, `$OTHER`, several
/// words, `unset`, `set -e`) is returned as skipped with the reason, never guessed.
/// `label` names the file in `source` (`~/.zshrc:12`).
pub fn parse_profile(
    text: &str,
    label: &str,
    syntax: ProfileSyntax,
) -> (Vec<PersistedVar>, Vec<SkippedAssignment>) {
    let mut vars = Vec::new();
    let mut skipped = Vec::new();
    for (n, line) in super::run::lines(text).enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let source = format!("{label}:{}", n + 1);
        let parsed = match syntax {
            ProfileSyntax::Posix => posix_assignment(t),
            ProfileSyntax::Fish => fish_assignment(t),
        };
        match parsed {
            Some((name, Ok(value))) if watched(&name, false) => vars.push(PersistedVar {
                name,
                value,
                scope: PersistScope::ProfileFile,
                source,
            }),
            Some((name, Err(reason))) if watched(&name, false) => skipped.push(SkippedAssignment {
                variable: name,
                source,
                reason: reason.to_string(),
            }),
            _ => {}
        }
    }
    (vars, skipped)
}

type Assignment = (String, Result<String, &'static str>);

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `export NAME=value` → (NAME, value). `unset NAME` is reported as skipped.
fn posix_assignment(line: &str) -> Option<Assignment> {
    if let Some(rest) = line.strip_prefix("unset ") {
        let name = rest.split_whitespace().next()?.to_string();
        return Some((name, Err("unset in a startup file is not followed")));
    }
    let rest = line.strip_prefix("export ")?.trim_start();
    let (name, value) = rest.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    Some((name.to_string(), literal_word(value, false)))
}

/// `set -gx NAME value`, `set -x NAME value`, `set -Ux NAME value`, `set --export --global ...`.
fn fish_assignment(line: &str) -> Option<Assignment> {
    let rest = line.strip_prefix("set ")?;
    let mut words = rest.split_whitespace().peekable();
    let mut export = false;
    let mut erase = false;
    while let Some(w) = words.peek() {
        if let Some(long) = w.strip_prefix("--") {
            export |= long == "export";
            erase |= long == "erase";
        } else if let Some(short) = w.strip_prefix('-') {
            export |= short.contains('x');
            erase |= short.contains('e');
        } else {
            break;
        }
        words.next();
    }
    let name = words.next()?;
    if !is_name(name) {
        return None;
    }
    if erase {
        return Some((
            name.to_string(),
            Err("set -e in a startup file is not followed"),
        ));
    }
    if !export {
        return None;
    }
    // The value is the rest of the line after the name.
    let after_name = &rest[rest.find(name)? + name.len()..];
    Some((name.to_string(), literal_word(after_name.trim(), true)))
}

/// One literal shell word followed by nothing but an optional `# comment`.
fn literal_word(s: &str, fish: bool) -> Result<String, &'static str> {
    let s = s.trim_end();
    let (value, rest) = if let Some(inner) = s.strip_prefix('\'') {
        let end = inner.find('\'').ok_or("unterminated quote")?;
        let v = &inner[..end];
        if fish && v.contains('\\') {
            return Err("escapes inside quotes are not followed");
        }
        (v.to_string(), &inner[end + 1..])
    } else if let Some(inner) = s.strip_prefix('"') {
        let end = inner.find('"').ok_or("unterminated quote")?;
        let v = &inner[..end];
        if v.contains(['$', '`', '\\']) {
            return Err("uses variable expansion or command substitution");
        }
        (v.to_string(), &inner[end + 1..])
    } else {
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        let v = &s[..end];
        if v.contains(['$', '`', '(']) {
            return Err("uses variable expansion or command substitution");
        }
        if v.contains(['\\', '~', '*', '?', '[', ';', '&', '|', '{', '\'', '"']) {
            return Err("not a single literal word");
        }
        (v.to_string(), &s[end..])
    };
    let rest = rest.trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(value)
    } else {
        Err("more than one word, or a command after the value")
    }
}

/// The Windows query: both registry keys, merged, and the directories of the persisted PATH
/// that hold `go.exe` but are missing from this process's PATH. Empty on any failure.
#[cfg(target_os = "windows")]
pub fn query_registry_env() -> (Vec<PersistedVar>, Vec<String>) {
    use super::windows::{query_env_key, MACHINE_ENV_KEY, USER_ENV_KEY};
    let user = query_env_key(USER_ENV_KEY);
    let machine = query_env_key(MACHINE_ENV_KEY);
    let lookup = |k: &str| std::env::var(k).ok();
    let vars = persisted_from_registry(user.as_deref(), machine.as_deref(), &lookup);
    let path = persisted_path_from_registry(user.as_deref(), machine.as_deref(), &lookup);
    let live = std::env::var("PATH").unwrap_or_default();
    let go_dirs = path_dirs_not_live(&path, &live)
        .into_iter()
        .filter(|d| Path::new(d).join("go.exe").is_file())
        .collect();
    (vars, go_dirs)
}

/// Unix: the startup files of the user's shell. Returns assignments and skipped lines.
#[cfg(unix)]
pub fn query_profile_env(shell: Shell) -> (Vec<PersistedVar>, Vec<SkippedAssignment>) {
    let Some(home) = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
    else {
        return (Vec::new(), Vec::new());
    };
    let zdotdir = std::env::var_os("ZDOTDIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let syntax = if shell == Shell::Fish {
        ProfileSyntax::Fish
    } else {
        ProfileSyntax::Posix
    };
    let mut vars = Vec::new();
    let mut skipped = Vec::new();
    for file in profile_files(shell, &home, zdotdir.as_deref(), xdg.as_deref()) {
        // Profile files are small; a huge one is not a profile.
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        if !meta.is_file() || meta.len() > 1 << 20 {
            continue;
        }
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let label = match file.strip_prefix(&home) {
            Ok(rel) => format!("~/{}", rel.display()),
            Err(_) => file.display().to_string(),
        };
        let (v, s) = parse_profile(&String::from_utf8_lossy(&bytes), &label, syntax);
        vars.extend(v);
        skipped.extend(s);
    }
    (vars, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = include_str!("../../fixtures/platform/reg-env-user.txt");
    const MACHINE: &str = include_str!("../../fixtures/platform/reg-env-machine.txt");

    fn win_env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn registry_merge_user_wins_and_expands() {
        let env = win_env(&[
            ("ProgramData", r"C:\ProgramData"),
            ("USERPROFILE", r"C:\Users\dev"),
        ]);
        let vars = persisted_from_registry(Some(USER), Some(MACHINE), &env);
        let get = |n: &str| vars.iter().find(|v| v.name.eq_ignore_ascii_case(n));
        assert_eq!(
            get("HTTPS_PROXY").unwrap().value,
            "http://proxy.corp.example:8080"
        );
        assert_eq!(
            get("HTTPS_PROXY").unwrap().scope,
            PersistScope::WindowsUser,
            "user beats machine's https_proxy"
        );
        assert_eq!(
            vars.iter()
                .filter(|v| v.name.eq_ignore_ascii_case("https_proxy"))
                .count(),
            1
        );
        assert_eq!(get("GOPROXY").unwrap().value, "https://goproxy.cn,direct");
        assert_eq!(get("GOFLAGS").unwrap().value, "");
        assert_eq!(get("NO_PROXY").unwrap().scope, PersistScope::WindowsMachine);
        assert_eq!(get("GOPRIVATE").unwrap().value, "*.corp.example");
        assert_eq!(
            get("SSL_CERT_DIR").unwrap().value,
            r"C:\ProgramData\corp\certs"
        );
        assert!(get("Path").is_none() && get("TEMP").is_none() && get("GOPATH").is_none());
    }

    #[test]
    fn terminal_opened_before_setx() {
        let vars = persisted_from_registry(Some(USER), None, &|_| None);
        // This PowerShell was opened before `setx HTTPS_PROXY ...`; GOPROXY already matches.
        let live = win_env(&[("goproxy", "https://goproxy.cn,direct")]);
        let stale = stale_env(&vars, &live);
        assert_eq!(
            stale,
            [StaleEnv {
                variable: "HTTPS_PROXY".into(),
                persisted: "http://proxy.corp.example:8080".into(),
                live: None,
                scope: PersistScope::WindowsUser,
                source: r"HKCU\Environment".into(),
            }]
        );
    }

    #[test]
    fn cleared_and_changed_values_and_redaction() {
        let vars = vec![
            PersistedVar {
                name: "GOFLAGS".into(),
                value: "".into(),
                scope: PersistScope::WindowsUser,
                source: "k".into(),
            },
            PersistedVar {
                name: "HTTPS_PROXY".into(),
                value: "http://u:newpw@p:1".into(),
                scope: PersistScope::WindowsUser,
                source: "k".into(),
            },
            PersistedVar {
                name: "GOSUMDB".into(),
                value: "off".into(),
                scope: PersistScope::WindowsUser,
                source: "k".into(),
            },
        ];
        let live = win_env(&[
            ("GOFLAGS", "-insecure"),
            ("HTTPS_PROXY", "http://u:oldpw@p:1"),
            ("GOSUMDB", "off"),
        ]);
        let stale = stale_env(&vars, &live);
        assert_eq!(stale.len(), 2);
        assert_eq!(stale[0].persisted, "");
        assert_eq!(stale[0].live.as_ref().unwrap().expose(), "-insecure");
        let json = serde_json::to_string(&stale).unwrap();
        assert!(!json.contains("newpw") && !json.contains("oldpw"), "{json}");
        let setting = vars[1].to_setting();
        assert_eq!(setting.value.to_string(), "http://u:xxxxx@p:1");
        assert_eq!(setting.variable, "HTTPS_PROXY");
    }

    #[test]
    fn go_installed_after_the_terminal_opened() {
        let env = win_env(&[
            ("SystemRoot", r"C:\WINDOWS"),
            ("USERPROFILE", r"C:\Users\dev"),
        ]);
        let path = persisted_path_from_registry(Some(USER), Some(MACHINE), &env);
        assert_eq!(path[0], r"C:\Program Files\Go\bin");
        assert_eq!(path[1], r"C:\WINDOWS\system32");
        assert_eq!(path.last().unwrap(), r"C:\Users\dev\go\bin");
        let live = r"C:\windows\system32\;C:\WINDOWS;C:\WINDOWS\System32\Wbem;C:\Users\dev\AppData\Local\Microsoft\WindowsApps";
        assert_eq!(
            path_dirs_not_live(&path, live),
            [r"C:\Program Files\Go\bin", r"C:\Users\dev\go\bin"]
        );
    }

    #[test]
    fn expansion_like_windows() {
        let env = win_env(&[("A", "x")]);
        assert_eq!(
            expand_windows_vars("%A%;%B%;100%;%%", &env),
            "x;%B%;100%;%%"
        );
    }

    #[test]
    fn posix_profile_lines() {
        let text = "# proxy for work\n\
            export HTTPS_PROXY=http://proxy.corp.example:8080\n\
            export GOPROXY='https://goproxy.cn,direct'   # China mirror\n\
            export GOPRIVATE=\"*.corp.example\"\n\
            export NO_PROXY=$no_proxy,.corp.example\n\
            export GOFLAGS=\"$(cat ~/.goflags)\"\n\
            export http_proxy=`proxy-helper`\n\
            GOSUMDB=off\n\
            export EDITOR=vim\n\
            unset GONOSUMDB\n\
            export GOINSECURE=a b\n\
            \texport GOPROXY=https://goproxy.io,direct\r\n";
        let (vars, skipped) = parse_profile(text, "~/.zshrc", ProfileSyntax::Posix);
        let got: Vec<(&str, &str, &str)> = vars
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_str(), v.source.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "HTTPS_PROXY",
                    "http://proxy.corp.example:8080",
                    "~/.zshrc:2"
                ),
                ("GOPROXY", "https://goproxy.cn,direct", "~/.zshrc:3"),
                ("GOPRIVATE", "*.corp.example", "~/.zshrc:4"),
                ("GOPROXY", "https://goproxy.io,direct", "~/.zshrc:12"),
            ]
        );
        let sk: Vec<&str> = skipped.iter().map(|s| s.variable.as_str()).collect();
        assert_eq!(
            sk,
            [
                "NO_PROXY",
                "GOFLAGS",
                "http_proxy",
                "GONOSUMDB",
                "GOINSECURE"
            ]
        );
        assert!(skipped[0].reason.contains("expansion"));

        // The last assignment wins: only the second GOPROXY is compared.
        let stale = stale_env(&vars, &|k| match k {
            "GOPROXY" => Some("https://goproxy.cn,direct".into()),
            "HTTPS_PROXY" => Some("http://proxy.corp.example:8080".into()),
            _ => None,
        });
        let names: Vec<(&str, &str)> = stale
            .iter()
            .map(|s| (s.variable.as_str(), s.persisted.expose()))
            .collect();
        assert_eq!(
            names,
            [
                ("GOPRIVATE", "*.corp.example"),
                ("GOPROXY", "https://goproxy.io,direct")
            ]
        );
    }

    #[test]
    fn fish_profile_lines() {
        let text = "set -gx HTTPS_PROXY http://127.0.0.1:7890\n\
            set -x GOPROXY 'https://goproxy.cn,direct'\n\
            set --export --global GOPRIVATE \"git.corp.example\"\n\
            set -g GOSUMDB off\n\
            set -gx NO_PROXY localhost 127.0.0.1\n\
            set -e GOFLAGS\n\
            set -Ux GONOSUMDB (cat file)\n";
        let (vars, skipped) =
            parse_profile(text, "~/.config/fish/config.fish", ProfileSyntax::Fish);
        let got: Vec<(&str, &str)> = vars
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("HTTPS_PROXY", "http://127.0.0.1:7890"),
                ("GOPROXY", "https://goproxy.cn,direct"),
                ("GOPRIVATE", "git.corp.example"),
            ]
        );
        let sk: Vec<&str> = skipped.iter().map(|s| s.variable.as_str()).collect();
        assert_eq!(sk, ["NO_PROXY", "GOFLAGS", "GONOSUMDB"]);
    }

    #[test]
    fn profile_file_order() {
        let home = Path::new("/home/u");
        assert_eq!(
            profile_files(Shell::Zsh, home, None, None),
            [
                home.join(".zshenv"),
                home.join(".zprofile"),
                home.join(".zshrc")
            ]
        );
        assert_eq!(
            profile_files(Shell::Zsh, home, Some(Path::new("/z")), None)[2],
            Path::new("/z/.zshrc")
        );
        assert_eq!(
            profile_files(Shell::Bash, home, None, None).last().unwrap(),
            &home.join(".bashrc")
        );
        assert_eq!(
            profile_files(Shell::Fish, home, None, Some(Path::new("/nonexistent-xdg"))),
            [Path::new("/nonexistent-xdg/fish/config.fish")]
        );
        assert!(profile_files(Shell::Cmd, home, None, None).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn reads_real_files_from_a_home_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".zshrc"),
            "export GOPROXY=https://goproxy.cn,direct\n",
        )
        .unwrap();
        let files = profile_files(Shell::Zsh, dir.path(), None, None);
        let mut vars = Vec::new();
        for f in files {
            if let Ok(t) = std::fs::read_to_string(&f) {
                vars.extend(parse_profile(&t, "~/.zshrc", ProfileSyntax::Posix).0);
            }
        }
        assert_eq!(vars.len(), 1);
        assert_eq!(vars[0].value, "https://goproxy.cn,direct");
    }
}
