//! The user's shell, for writing fix commands in its syntax: the decision from the parent
//! process and the environment ([`detect_shell`], whose inputs `platform::shell` reads) and
//! quoting-correct command texts. Pure.
//!
//! Every function returns one line the user can paste into that shell. Variable names are
//! expected to be identifiers (`HTTPS_PROXY`, `GOPROXY`); values may hold anything a proxy URL
//! or Go setting holds: spaces, `|`, `,`, `&`, `%`, `$`, quotes, backticks, backslashes.

use crate::cli::ShellArg;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    PowerShell,
    Cmd,
}

/// The detected shell and how it was decided (for `--verbose` and the report).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ShellDetection {
    pub shell: Shell,
    pub reason: String,
}

impl Shell {
    /// Every shell a fix is written for.
    pub const ALL: [Shell; 5] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Cmd,
    ];

    /// The shell `--shell` names (without it, `platform::shell::detect` decides).
    pub fn from_arg(arg: ShellArg) -> Shell {
        match arg {
            ShellArg::Bash => Shell::Bash,
            ShellArg::Zsh => Shell::Zsh,
            ShellArg::Fish => Shell::Fish,
            ShellArg::Powershell => Shell::PowerShell,
            ShellArg::Cmd => Shell::Cmd,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
            Shell::Cmd => "cmd",
        }
    }

    /// The startup file a persisted `export` goes to (Unix shells).
    pub fn rc_file(self) -> Option<&'static str> {
        match self {
            Shell::Bash => Some("~/.bashrc"),
            Shell::Zsh => Some("~/.zshrc"),
            Shell::Fish => Some("~/.config/fish/config.fish"),
            Shell::PowerShell | Shell::Cmd => None,
        }
    }
}

/// A shell from a program name: `/bin/zsh`, `-bash` (login shell), `pwsh.exe`, `CMD.EXE`.
/// sh, dash, ksh and other POSIX shells map to Bash (same `export` syntax).
pub fn shell_from_program(name: &str) -> Option<Shell> {
    let base = name.trim().rsplit(['/', '\\']).next().unwrap_or("");
    let base = base.trim_start_matches('-').to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    match base {
        "bash" | "sh" | "dash" | "ksh" | "mksh" | "ash" | "busybox" => Some(Shell::Bash),
        "zsh" => Some(Shell::Zsh),
        "fish" => Some(Shell::Fish),
        "pwsh" | "powershell" | "pwsh-preview" => Some(Shell::PowerShell),
        "cmd" => Some(Shell::Cmd),
        _ => None,
    }
}

/// Decides the shell from the parent process name (when known) and environment variables.
///
/// Order and limits:
/// 1. the parent process, when it is a shell (not when gomod-diag runs under make, go run, an
///    IDE task ...);
/// 2. on Windows: `MSYSTEM` or `SHELL` set → Git Bash / MSYS2 / Cygwin, by `$SHELL`'s name;
///    `PSModulePath` holding the user's `Documents\WindowsPowerShell\Modules` or
///    `Documents\PowerShell\Modules` → PowerShell (PowerShell adds that entry to its own process;
///    the system-wide value that cmd sees lacks it) — but a cmd started from PowerShell inherits
///    it and is taken for PowerShell; otherwise cmd;
/// 3. elsewhere: `$SHELL` (the login shell, which may not be the one running), else bash.
pub fn detect_shell(
    windows: bool,
    parent: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> ShellDetection {
    let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    if let Some(shell) = parent.and_then(shell_from_program) {
        return ShellDetection {
            shell,
            reason: format!("parent process is {}", parent.unwrap_or_default()),
        };
    }
    if windows {
        if var("MSYSTEM").is_some() || var("SHELL").is_some() {
            let shell = var("SHELL")
                .and_then(|s| shell_from_program(&s))
                .filter(|s| !matches!(s, Shell::Cmd | Shell::PowerShell))
                .unwrap_or(Shell::Bash);
            return ShellDetection {
                shell,
                reason: "MSYSTEM/SHELL set: Git Bash, MSYS2 or Cygwin".to_string(),
            };
        }
        let ps_user_modules = var("PSModulePath").is_some_and(|p| {
            p.split(';').any(|entry| {
                let e = entry.to_ascii_lowercase().replace('/', "\\");
                e.contains("\\documents\\windowspowershell\\modules")
                    || e.contains("\\documents\\powershell\\modules")
            })
        });
        if ps_user_modules {
            return ShellDetection {
                shell: Shell::PowerShell,
                reason: "PSModulePath has the user's Documents PowerShell modules entry"
                    .to_string(),
            };
        }
        return ShellDetection {
            shell: Shell::Cmd,
            reason: "Windows without PowerShell's per-user PSModulePath entry: cmd".to_string(),
        };
    }
    if let Some(s) = var("SHELL") {
        if let Some(shell) = shell_from_program(&s) {
            return ShellDetection {
                shell,
                reason: format!("$SHELL is {s}"),
            };
        }
    }
    ShellDetection {
        shell: Shell::Bash,
        reason: "no hint: bash syntax".to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Quoting primitives

/// Characters that need no quoting in a word for POSIX shells and fish.
fn unix_safe(s: &str) -> bool {
    // A leading `=` is zsh's `=command` expansion.
    !s.is_empty()
        && !s.starts_with('=')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:,=@%+".contains(c))
}

/// `'v'`, with `'` written `'\''`: nothing is special inside single quotes in sh/bash/zsh.
pub fn sh_single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// fish single quotes: only `\\` and `\'` are escapes.
pub fn fish_single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell double quotes: `` ` ``, `"` and `$` escaped with a backtick, as are the typographic
/// double quotes PowerShell also accepts as delimiters (“ ” „), and CR/LF as `` `r `` / `` `n ``.
pub fn ps_double_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '`' | '"' | '$' | '\u{201C}' | '\u{201D}' | '\u{201E}' => {
                out.push('`');
                out.push(c);
            }
            '\n' => out.push_str("`n"),
            '\r' => out.push_str("`r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn ps_safe(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=+\\".contains(c))
}

/// Escapes for cmd outside quotes: `^` before each metacharacter (quotes included, so cmd
/// never enters quote mode), and `%X` → `%^X` so that `%NAME%` is not expanded at the prompt
/// (the caret breaks the name lookup, then disappears). For the interactive prompt, not for
/// .bat files (where `%` is written `%%`). Delayed expansion (`!`) is off by default and is
/// not escaped.
fn cmd_caret_escape(s: &str) -> String {
    const META: &[char] = &['^', '&', '|', '<', '>', '(', ')', '"'];
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if META.contains(&c) => {
                out.push('^');
                out.push(c);
            }
            '%' => {
                out.push('%');
                // A following metacharacter gets its own caret, which already breaks the name;
                // a second one would escape that caret instead.
                if chars.peek().is_some_and(|n| !META.contains(n)) {
                    out.push('^');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Quotes one argument the way the C runtime of a Windows program (setx.exe, go.exe) splits
/// its command line: inside `"..."`, a `"` is `\"` and backslashes before a `"` (or the end)
/// are doubled.
fn crt_quote(s: &str) -> String {
    let mut out = String::from("\"");
    let mut backslashes = 0usize;
    for c in s.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            c => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes * 2));
    out.push('"');
    out
}

/// One argument to an external program typed at the cmd prompt. Plain `"..."` when that is
/// exact (no `%` or `"` in it: quotes make `& | < > ( ) ^` literal); otherwise the CRT-quoted
/// form with every cmd metacharacter caret-escaped. `force` quotes even safe words.
fn cmd_arg(s: &str, force: bool) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:,=@+\\;".contains(c));
    if safe && !force {
        return s.to_string();
    }
    if !s.contains(['%', '"']) {
        return crt_quote(s);
    }
    cmd_caret_escape(&crt_quote(s))
}

/// One argument for an external command (`go`, `git`, `setx`) in `shell`, quoted only when
/// needed.
pub fn quote_arg(shell: Shell, s: &str) -> String {
    match shell {
        Shell::Bash | Shell::Zsh if unix_safe(s) => s.to_string(),
        Shell::Bash | Shell::Zsh => sh_single_quote(s),
        Shell::Fish if unix_safe(s) => s.to_string(),
        Shell::Fish => fish_single_quote(s),
        Shell::PowerShell if ps_safe(s) => s.to_string(),
        Shell::PowerShell => ps_double_quote(s),
        Shell::Cmd => cmd_arg(s, false),
    }
}

fn ps_env_ref(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("$env:{name}")
    } else {
        format!("${{env:{name}}}")
    }
}

// ---------------------------------------------------------------------------------------
// Fix texts

/// Sets a variable for this terminal session only:
/// `export NAME='v'` (bash/zsh), `set -gx NAME 'v'` (fish), `$env:NAME = "v"` (PowerShell),
/// `set "NAME=v"` (cmd; with `%` or `"` in the value: `set NAME=` and caret escapes).
pub fn set_env_session(shell: Shell, name: &str, value: &str) -> String {
    match shell {
        Shell::Bash | Shell::Zsh => format!("export {name}={}", sh_single_quote(value)),
        Shell::Fish => format!("set -gx {name} {}", fish_single_quote(value)),
        Shell::PowerShell => format!("{} = {}", ps_env_ref(name), ps_double_quote(value)),
        Shell::Cmd => {
            if value.contains(['%', '"']) {
                format!("set {name}={}", cmd_caret_escape(value))
            } else {
                format!("set \"{name}={value}\"")
            }
        }
    }
}

/// Persists a variable for future terminals (not this one: pair it with [`set_env_session`]):
/// `setx NAME "v"` (cmd; setx truncates at 1024 characters),
/// `[Environment]::SetEnvironmentVariable("NAME", "v", "User")` (PowerShell), `set -Ux NAME 'v'`
/// (fish; a `set -gx` in config.fish would shadow it), and for bash/zsh a line appended to
/// ~/.bashrc / ~/.zshrc: `echo "export NAME='v'" >> ~/.zshrc`.
/// Both Windows forms write HKCU\Environment and notify running programs; a terminal that is
/// already open still keeps its old value.
pub fn set_env_persist(shell: Shell, name: &str, value: &str) -> String {
    match shell {
        Shell::Bash | Shell::Zsh => {
            let line = set_env_session(shell, name, value);
            let rc = shell.rc_file().unwrap_or("~/.profile");
            format!("echo {} >> {rc}", echo_word(&line))
        }
        Shell::Fish => format!("set -Ux {name} {}", fish_single_quote(value)),
        Shell::PowerShell => format!(
            "[Environment]::SetEnvironmentVariable({}, {}, \"User\")",
            ps_double_quote(name),
            ps_double_quote(value)
        ),
        Shell::Cmd => format!("setx {name} {}", cmd_arg(value, true)),
    }
}

/// The word that makes `echo` print `line` in bash/zsh: double quotes when nothing in it is
/// special there (`"`, `$`, `` ` ``, `\`, and `!` for interactive history expansion), else
/// single quotes.
fn echo_word(line: &str) -> String {
    if line.contains(['"', '$', '`', '\\', '!']) {
        sh_single_quote(line)
    } else {
        format!("\"{line}\"")
    }
}

/// Removes a variable from this session: `unset NAME`, `set -e NAME`,
/// `Remove-Item Env:NAME -ErrorAction SilentlyContinue`, `set NAME=`.
/// In fish, `set -e` removes the innermost definition: a universal one (`set -Ux`) shows
/// through afterwards and needs [`unset_env_persist`] (`set -Ue NAME`).
pub fn unset_env_session(shell: Shell, name: &str) -> String {
    match shell {
        Shell::Bash | Shell::Zsh => format!("unset {name}"),
        Shell::Fish => format!("set -e {name}"),
        Shell::PowerShell => format!("Remove-Item Env:{name} -ErrorAction SilentlyContinue"),
        Shell::Cmd => format!("set {name}="),
    }
}

/// Removes a persisted user variable. cmd has no setx for deletion; the PowerShell call is
/// used from cmd too because, unlike `reg delete`, it notifies Explorer (new terminals see
/// the change without a new logon). bash/zsh: delete the `export NAME=` lines from the rc file
/// (a `.bak` copy is kept; `-i.bak` works with GNU and BSD sed).
pub fn unset_env_persist(shell: Shell, name: &str) -> String {
    match shell {
        Shell::Bash | Shell::Zsh => format!(
            "sed -i.bak '/^[[:space:]]*export {name}=/d' {}",
            shell.rc_file().unwrap_or("~/.profile")
        ),
        Shell::Fish => format!("set -Ue {name}"),
        Shell::PowerShell => format!(
            "[Environment]::SetEnvironmentVariable({}, $null, \"User\")",
            ps_double_quote(name)
        ),
        Shell::Cmd => format!(
            "powershell -NoProfile -Command \"[Environment]::SetEnvironmentVariable('{name}', $null, 'User')\""
        ),
    }
}

/// Loads the persisted (registry) value into this Windows session without a new terminal:
/// PowerShell reads the User value, else the Machine value, as Windows merges them; cmd
/// reads HKCU\Environment with `reg query` (REG_EXPAND_SZ values stay unexpanded). None for
/// Unix shells: see [`reload_profile`].
pub fn refresh_session_from_registry(shell: Shell, name: &str) -> Option<String> {
    let n = ps_double_quote(name);
    let r = ps_env_ref(name);
    match shell {
        Shell::PowerShell => Some(format!(
            "{r} = [Environment]::GetEnvironmentVariable({n}, \"User\"); if (-not {r}) {{ {r} = [Environment]::GetEnvironmentVariable({n}, \"Machine\") }}"
        )),
        Shell::Cmd => Some(format!(
            "for /f \"tokens=2,*\" %A in ('reg query HKCU\\Environment /v {name} 2^>nul ^| find \"REG_\"') do @set \"{name}=%B\""
        )),
        _ => None,
    }
}

/// Re-reads the shell's startup file in this session (Unix shells): `source ~/.zshrc`.
pub fn reload_profile(shell: Shell) -> Option<String> {
    shell.rc_file().map(|rc| format!("source {rc}"))
}

/// The plain advice that always works. English; the catalog holds translations.
pub fn new_terminal_advice(shell: Shell) -> String {
    match shell {
        Shell::PowerShell | Shell::Cmd => "Close this terminal and open a new one. In VS Code, \
            GoLand or Windows Terminal started before the change, restart the whole application: \
            its terminals inherit the environment it started with."
            .to_string(),
        _ => format!(
            "Open a new terminal{}. A change in ~/.profile or ~/.zprofile needs a new login session.",
            reload_profile(shell)
                .map(|c| format!(" (or run `{c}` in this one)"))
                .unwrap_or_default()
        ),
    }
}

/// `go env -w NAME=value`, the argument quoted for `shell`: in cmd `|` and `&` need quotes
/// (`go env -w "GOPROXY=https://a|https://b"`), in PowerShell `|` and `,` do, in bash/zsh/fish
/// `|` does. Only Go's own variables can be written (not HTTPS_PROXY: Go refuses it).
pub fn go_env_w(shell: Shell, name: &str, value: &str) -> String {
    format!("go env -w {}", quote_arg(shell, &format!("{name}={value}")))
}

/// `go env -u NAME`: back to the default (or to the OS environment, if set there).
pub fn go_env_u(_shell: Shell, name: &str) -> String {
    format!("go env -u {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRICKY: &[&str] = &[
        "http://proxy.corp.example:8080",
        "https://a|https://b",
        "https://goproxy.cn,direct",
        "a b  c",
        "x&y",
        "100%",
        "%PATH%",
        "p%40ss%HOME%x",
        "$HOME",
        "it's",
        "say \"hi\"",
        "back`tick",
        "C:\\dir\\",
        "a\\\"b",
        "^caret^",
        "semi;colon",
        "(paren)",
        "!bang!",
        "*.corp.example",
        "",
    ];

    #[test]
    fn acceptance_powershell_line_for_the_os_proxy() {
        assert_eq!(
            set_env_session(
                Shell::PowerShell,
                "HTTPS_PROXY",
                "http://proxy.corp.example:8080"
            ),
            r#"$env:HTTPS_PROXY = "http://proxy.corp.example:8080""#
        );
    }

    #[test]
    fn session_lines_table() {
        let cases: &[(Shell, &str, &str)] = &[
            (Shell::Bash, "http://p:8080", "export N='http://p:8080'"),
            (Shell::Zsh, "it's", r"export N='it'\''s'"),
            (Shell::Bash, "$HOME `x`", "export N='$HOME `x`'"),
            (Shell::Fish, r"it's \ ok", r"set -gx N 'it\'s \\ ok'"),
            (Shell::PowerShell, "a`b\"c$d", r#"$env:N = "a``b`"c`$d""#),
            (Shell::PowerShell, "“x”", "$env:N = \"`“x`”\""),
            (
                Shell::PowerShell,
                "https://a|b,c",
                r#"$env:N = "https://a|b,c""#,
            ),
            (
                Shell::Cmd,
                "https://a|https://b&c",
                r#"set "N=https://a|https://b&c""#,
            ),
            (Shell::Cmd, "p%40ss%OS%", "set N=p%^40ss%^OS%"),
            (Shell::Cmd, "say \"hi\" & go", "set N=say ^\"hi^\" ^& go"),
            (Shell::Cmd, "100%", "set N=100%"),
        ];
        for (shell, value, want) in cases {
            assert_eq!(
                set_env_session(*shell, "N", value),
                *want,
                "{shell:?} {value}"
            );
        }
    }

    #[test]
    fn persist_lines_table() {
        assert_eq!(
            set_env_persist(Shell::Cmd, "HTTPS_PROXY", "http://proxy.corp.example:8080"),
            r#"setx HTTPS_PROXY "http://proxy.corp.example:8080""#
        );
        assert_eq!(
            set_env_persist(Shell::Cmd, "X", r"C:\dir\"),
            r#"setx X "C:\dir\\""#
        );
        assert_eq!(
            set_env_persist(Shell::Cmd, "X", "a%OS%\"b"),
            r#"setx X ^"a%^OS%^\^"b^""#
        );
        assert_eq!(
            set_env_persist(Shell::PowerShell, "HTTPS_PROXY", "http://p:1"),
            r#"[Environment]::SetEnvironmentVariable("HTTPS_PROXY", "http://p:1", "User")"#
        );
        assert_eq!(
            set_env_persist(Shell::Zsh, "HTTPS_PROXY", "http://p:1"),
            r#"echo "export HTTPS_PROXY='http://p:1'" >> ~/.zshrc"#
        );
        assert_eq!(
            set_env_persist(Shell::Bash, "X", "$y"),
            r#"echo 'export X='\''$y'\''' >> ~/.bashrc"#
        );
        assert_eq!(set_env_persist(Shell::Fish, "X", "a b"), "set -Ux X 'a b'");
    }

    #[test]
    fn go_env_w_table() {
        let v = "https://a|https://b";
        assert_eq!(
            go_env_w(Shell::Cmd, "GOPROXY", v),
            r#"go env -w "GOPROXY=https://a|https://b""#
        );
        assert_eq!(
            go_env_w(Shell::PowerShell, "GOPROXY", "https://goproxy.cn,direct"),
            r#"go env -w "GOPROXY=https://goproxy.cn,direct""#
        );
        assert_eq!(
            go_env_w(Shell::PowerShell, "GOPROXY", v),
            r#"go env -w "GOPROXY=https://a|https://b""#
        );
        assert_eq!(
            go_env_w(Shell::Bash, "GOPROXY", v),
            "go env -w 'GOPROXY=https://a|https://b'"
        );
        assert_eq!(
            go_env_w(Shell::Fish, "GOPROXY", v),
            "go env -w 'GOPROXY=https://a|https://b'"
        );
        assert_eq!(
            go_env_w(Shell::Bash, "GOPROXY", "https://goproxy.cn,direct"),
            "go env -w GOPROXY=https://goproxy.cn,direct"
        );
        assert_eq!(
            go_env_w(Shell::Cmd, "GOPROXY", "https://goproxy.cn,direct"),
            "go env -w GOPROXY=https://goproxy.cn,direct"
        );
        assert_eq!(
            go_env_w(Shell::Cmd, "GOPRIVATE", "*.corp.example"),
            r#"go env -w "GOPRIVATE=*.corp.example""#
        );
        assert_eq!(
            go_env_w(Shell::Zsh, "GOPRIVATE", "*.corp.example"),
            "go env -w 'GOPRIVATE=*.corp.example'"
        );
        assert_eq!(
            go_env_w(Shell::Bash, "GOFLAGS", "-mod=mod -x"),
            "go env -w 'GOFLAGS=-mod=mod -x'"
        );
        assert_eq!(go_env_u(Shell::Cmd, "GOPROXY"), "go env -u GOPROXY");
    }

    #[test]
    fn unset_and_refresh() {
        assert_eq!(
            unset_env_session(Shell::PowerShell, "HTTP_PROXY"),
            "Remove-Item Env:HTTP_PROXY -ErrorAction SilentlyContinue"
        );
        assert_eq!(
            unset_env_session(Shell::Cmd, "HTTP_PROXY"),
            "set HTTP_PROXY="
        );
        assert_eq!(
            unset_env_session(Shell::Fish, "HTTP_PROXY"),
            "set -e HTTP_PROXY"
        );
        assert_eq!(
            unset_env_persist(Shell::Zsh, "HTTP_PROXY"),
            "sed -i.bak '/^[[:space:]]*export HTTP_PROXY=/d' ~/.zshrc"
        );
        assert_eq!(
            refresh_session_from_registry(Shell::PowerShell, "HTTPS_PROXY").unwrap(),
            r#"$env:HTTPS_PROXY = [Environment]::GetEnvironmentVariable("HTTPS_PROXY", "User"); if (-not $env:HTTPS_PROXY) { $env:HTTPS_PROXY = [Environment]::GetEnvironmentVariable("HTTPS_PROXY", "Machine") }"#
        );
        assert!(refresh_session_from_registry(Shell::Cmd, "X")
            .unwrap()
            .contains("/v X 2^>nul ^| find"));
        assert_eq!(refresh_session_from_registry(Shell::Bash, "X"), None);
        assert_eq!(
            reload_profile(Shell::Zsh).as_deref(),
            Some("source ~/.zshrc")
        );
        assert!(new_terminal_advice(Shell::PowerShell).contains("restart the whole application"));
        assert!(new_terminal_advice(Shell::Fish).contains("source ~/.config/fish/config.fish"));
    }

    #[test]
    fn crt_quoting() {
        assert_eq!(crt_quote("a b"), "\"a b\"");
        assert_eq!(crt_quote(r#"a"b"#), r#""a\"b""#);
        assert_eq!(crt_quote(r#"a\"b"#), r#""a\\\"b""#);
        assert_eq!(crt_quote(r"a\b\"), r#""a\b\\""#);
    }

    /// Runs `program -c script` with HOME set to `home` and returns stdout, or None when the
    /// shell is not installed.
    #[cfg(unix)]
    fn run_shell(program: &str, script: &str, home: &std::path::Path) -> Option<String> {
        let out = std::process::Command::new(program)
            .arg("-c")
            .arg(script)
            .env("HOME", home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("ZDOTDIR")
            .env_remove("N")
            .output()
            .ok()?;
        assert!(out.status.success(), "{program} -c {script}: {out:?}");
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs the real shells (bash always; zsh and fish when installed) on every produced line
    /// and checks the value arrives byte for byte: in this session, as go's argument, and in a
    /// new shell after the persist command.
    #[cfg(unix)]
    #[test]
    fn unix_shells_really_get_the_value() {
        for (shell, program) in [
            (Shell::Bash, "bash"),
            (Shell::Zsh, "zsh"),
            (Shell::Fish, "fish"),
        ] {
            let probe_home = tempfile::tempdir().unwrap();
            if run_shell(program, "true", probe_home.path()).is_none() {
                eprintln!("skipping {program}: not installed");
                continue;
            }
            for v in TRICKY {
                let home = tempfile::tempdir().unwrap();
                let line = set_env_session(shell, "N", v);
                let got = run_shell(program, &format!("{line}\nprintf '%s' \"$N\""), home.path());
                assert_eq!(got.as_deref(), Some(*v), "{program}: {line}");

                let line = go_env_w(shell, "N", v).replacen("go env -w ", "printf '%s' ", 1);
                let got = run_shell(program, &line, home.path());
                assert_eq!(got, Some(format!("N={v}")), "{program}: {line}");

                let persist = set_env_persist(shell, "N", v);
                run_shell(program, &persist, home.path()).unwrap();
                let reload = match shell {
                    Shell::Fish => "printf '%s' \"$N\"".to_string(),
                    _ => format!("{}\nprintf '%s' \"$N\"", reload_profile(shell).unwrap()),
                };
                let got = run_shell(program, &reload, home.path());
                assert_eq!(got.as_deref(), Some(*v), "{program}: {persist}");

                let remove = unset_env_persist(shell, "N");
                run_shell(program, &remove, home.path()).unwrap();
                let got = run_shell(program, &reload, home.path());
                assert_eq!(got.as_deref(), Some(""), "{program}: {remove}");

                // A fresh home: in fish a universal variable from the persist step would
                // reappear after `set -e` (documented on unset_env_session).
                let home = tempfile::tempdir().unwrap();
                let unset = unset_env_session(shell, "N");
                let got = run_shell(
                    program,
                    &format!(
                        "{}\n{unset}\nprintf '%s' \"$N\"",
                        set_env_session(shell, "N", "x")
                    ),
                    home.path(),
                );
                assert_eq!(got.as_deref(), Some(""), "{program}: {unset}");
            }
        }
    }

    #[test]
    fn cmd_lines_have_no_unescaped_metacharacters_outside_quotes() {
        // A model of cmd's parser: quote state toggles on `"`, `^` escapes the next character
        // outside quotes; `%X` outside or inside quotes would expand unless followed by `^`.
        for v in TRICKY {
            for line in [
                set_env_session(Shell::Cmd, "N", v),
                set_env_persist(Shell::Cmd, "N", v),
                go_env_w(Shell::Cmd, "N", v),
            ] {
                let mut quoted = false;
                let mut chars = line.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '^' if !quoted => {
                            chars.next();
                        }
                        '"' => quoted = !quoted,
                        '&' | '|' | '<' | '>' if !quoted => panic!("bare {c} in {line}"),
                        '%' => {
                            if let Some(n) = chars.peek().copied() {
                                let rest: String = chars.clone().collect();
                                assert!(n == '^' || !rest.contains('%'), "expandable % in {line}");
                            }
                        }
                        _ => {}
                    }
                }
                assert!(!quoted, "unbalanced quotes in {line}");
            }
        }
    }

    #[test]
    fn detection_table() {
        let env = crate::test_support::env_of;
        let ps_path = r"C:\Users\dev\OneDrive\Documents\WindowsPowerShell\Modules;C:\Program Files\WindowsPowerShell\Modules;C:\WINDOWS\system32\WindowsPowerShell\v1.0\Modules";
        let pwsh_path = r"C:\Users\dev\Documents\PowerShell\Modules;C:\Program Files\PowerShell\Modules;c:\program files\powershell\7\Modules;C:\Program Files\WindowsPowerShell\Modules";
        let system_path = r"C:\Program Files\WindowsPowerShell\Modules;C:\WINDOWS\system32\WindowsPowerShell\v1.0\Modules";
        type Lookup = Box<dyn Fn(&str) -> Option<String>>;
        let cases: Vec<(bool, Option<&str>, Lookup, Shell)> = vec![
            (
                true,
                None,
                Box::new(env(&[("PSModulePath", "")])),
                Shell::Cmd,
            ),
            (
                true,
                None,
                Box::new(move |k: &str| (k == "PSModulePath").then(|| ps_path.to_string())),
                Shell::PowerShell,
            ),
            (
                true,
                None,
                Box::new(move |k: &str| (k == "PSModulePath").then(|| pwsh_path.to_string())),
                Shell::PowerShell,
            ),
            (
                true,
                None,
                Box::new(move |k: &str| (k == "PSModulePath").then(|| system_path.to_string())),
                Shell::Cmd,
            ),
            (
                true,
                None,
                Box::new(env(&[("MSYSTEM", "MINGW64"), ("SHELL", "/usr/bin/bash")])),
                Shell::Bash,
            ),
            (
                true,
                Some("pwsh.exe"),
                Box::new(env(&[])),
                Shell::PowerShell,
            ),
            (
                false,
                None,
                Box::new(env(&[("SHELL", "/bin/zsh")])),
                Shell::Zsh,
            ),
            (
                false,
                None,
                Box::new(env(&[("SHELL", "/usr/local/bin/fish")])),
                Shell::Fish,
            ),
            (false, None, Box::new(env(&[])), Shell::Bash),
            (
                false,
                Some("-zsh"),
                Box::new(env(&[("SHELL", "/bin/bash")])),
                Shell::Zsh,
            ),
            (
                false,
                Some("pwsh"),
                Box::new(env(&[("SHELL", "/bin/bash")])),
                Shell::PowerShell,
            ),
            (
                false,
                Some("make"),
                Box::new(env(&[("SHELL", "/usr/bin/fish")])),
                Shell::Fish,
            ),
        ];
        for (i, (windows, parent, lookup, want)) in cases.iter().enumerate() {
            let d = detect_shell(*windows, *parent, lookup.as_ref());
            assert_eq!(d.shell, *want, "case {i}: {}", d.reason);
        }
    }

    #[test]
    fn resolve_prefers_the_flag() {
        assert_eq!(Shell::from_arg(ShellArg::Cmd), Shell::Cmd);
        assert_eq!(Shell::from_arg(ShellArg::Powershell), Shell::PowerShell);
        assert_eq!(
            shell_from_program(r"C:\Windows\System32\CMD.EXE"),
            Some(Shell::Cmd)
        );
        assert_eq!(shell_from_program("cargo"), None);
    }
}
