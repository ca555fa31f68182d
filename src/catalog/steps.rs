//! Shell rendering of fix steps: each step's action (or raw per-shell command) for one
//! shell, placeholders filled and every word that held a value quoted for that shell.

use serde::{Deserialize, Serialize};

use super::schema::{actions, raw_commands, Entry, StepTemplate};
use super::template::{fill, placeholders_in, FixValues};
use crate::cli::Lang;
use crate::shell::{self, Shell};

/// One rendered fix step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FixStep {
    /// What to do, in the requested language, placeholders filled.
    pub text: String,
    /// The command(s) for the shell, one per line; None for an instruction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default)]
    pub weakens_security: bool,
    /// Placeholders that had no value and show as `<...>` holes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// Quotes one word for the shell when it holds anything but plainly safe characters
/// (delegates to [`crate::shell::quote_arg`]).
pub fn quote_word(shell: Shell, word: &str) -> String {
    crate::shell::quote_arg(shell, word)
}

/// Substitutes the placeholders of a raw command and quotes each word that held one.
fn render_raw(
    template: &str,
    shell: Shell,
    values: &FixValues,
    lang: Lang,
    missing: &mut Vec<String>,
) -> String {
    template
        .lines()
        .map(|line| {
            let mut out = String::new();
            let mut word = String::new();
            let flush = |word: &mut String, out: &mut String, missing: &mut Vec<String>| {
                if word.is_empty() {
                    return;
                }
                if placeholders_in(word).is_empty() {
                    out.push_str(word);
                } else if shell == Shell::PowerShell {
                    // A bare word in a PowerShell expression is a command call: always quote.
                    out.push_str(&shell::ps_double_quote(&fill(word, values, lang, missing)));
                } else {
                    out.push_str(&quote_word(shell, &fill(word, values, lang, missing)));
                }
                word.clear();
            };
            for c in line.chars() {
                if c == ' ' || c == '\t' {
                    flush(&mut word, &mut out, missing);
                    out.push(c);
                } else {
                    word.push(c);
                }
            }
            flush(&mut word, &mut out, missing);
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn split_assignment(s: &str) -> (&str, &str) {
    s.split_once('=').unwrap_or((s, ""))
}

/// Renders an action for a shell with the quoting helpers of [`crate::shell`].
fn render_action(
    name: &str,
    template: &str,
    shell: Shell,
    values: &FixValues,
    lang: Lang,
    missing: &mut Vec<String>,
) -> String {
    let (var, value) = split_assignment(template);
    let var = fill(var, values, lang, missing);
    match name {
        "go_env_w" => shell::go_env_w(shell, &var, &fill(value, values, lang, missing)),
        "go_env_u" => shell::go_env_u(shell, &var),
        "set_env" => shell::set_env_session(shell, &var, &fill(value, values, lang, missing)),
        "persist_env" => shell::set_env_persist(shell, &var, &fill(value, values, lang, missing)),
        "unset_env" => shell::unset_env_session(shell, &var),
        _ => render_raw(template, shell, values, lang, missing),
    }
}

/// The command of one step for one shell, if the step has one for it.
fn command_for(
    step: &StepTemplate,
    shell: Shell,
    values: &FixValues,
    lang: Lang,
    missing: &mut Vec<String>,
) -> Option<String> {
    let raw = match shell {
        Shell::Bash => step.bash.as_deref().or(step.sh.as_deref()),
        Shell::Zsh => step.zsh.as_deref().or(step.sh.as_deref()),
        Shell::Fish => step.fish.as_deref(),
        Shell::PowerShell => step.powershell.as_deref(),
        Shell::Cmd => step.cmd.as_deref(),
    };
    if let Some(raw) = raw {
        return Some(render_raw(raw.trim_end(), shell, values, lang, missing));
    }
    actions(step)
        .first()
        .map(|(name, template)| render_action(name, template, shell, values, lang, missing))
}

/// True when the step is shown in `shell`: it has a command for it, or no command at all.
fn applies_to(step: &StepTemplate, shell: Shell) -> bool {
    let has_any = !actions(step).is_empty() || !raw_commands(step).is_empty();
    if !has_any {
        return true;
    }
    let mut probe = Vec::new();
    command_for(step, shell, &FixValues::new(), Lang::En, &mut probe).is_some()
}

/// The entry's fix steps for `shell`, placeholders filled (see the [`super`] module documentation).
pub fn render_fix(entry: &Entry, shell: Shell, values: &FixValues) -> Vec<FixStep> {
    entry
        .steps
        .iter()
        .filter(|s| applies_to(s, shell))
        .filter(|s| s.when.as_ref().is_none_or(|k| values.get(k).is_some()))
        .map(|step| {
            let mut missing = Vec::new();
            let text_template = match entry.lang {
                Lang::Zh => step.zh.as_deref().unwrap_or(&step.en),
                Lang::En => &step.en,
            };
            let text = fill(text_template.trim(), values, entry.lang, &mut missing);
            let command = command_for(step, shell, values, entry.lang, &mut missing);
            FixStep {
                text,
                command,
                weakens_security: step.weakens_security,
                missing,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::schema::Kind;

    const SHELLS: [Shell; 5] = Shell::ALL;

    /// An English cause entry with these steps and nothing else.
    fn entry(steps: Vec<StepTemplate>) -> Entry {
        Entry {
            id: "t.t".into(),
            kind: Kind::Cause,
            lang: Lang::En,
            title: String::new(),
            summary: None,
            explanation: String::new(),
            warning: None,
            weakens_security: false,
            docs: vec![],
            steps,
        }
    }

    fn render_one(step: StepTemplate, shell: Shell, values: &FixValues) -> FixStep {
        render_fix(&entry(vec![step]), shell, values).remove(0)
    }

    #[test]
    fn go_env_w_is_quoted_per_shell() {
        let step = StepTemplate {
            en: "x".into(),
            go_env_w: Some("GOPROXY={goproxy_new}".into()),
            ..Default::default()
        };
        let comma = FixValues::new().with("goproxy_new", "https://goproxy.cn,direct");
        let pipe = FixValues::new().with("goproxy_new", "https://a.example|https://b.example");
        let cases = [
            (
                Shell::Bash,
                &comma,
                "go env -w GOPROXY=https://goproxy.cn,direct",
            ),
            (
                Shell::Zsh,
                &comma,
                "go env -w GOPROXY=https://goproxy.cn,direct",
            ),
            (
                Shell::Fish,
                &comma,
                "go env -w GOPROXY=https://goproxy.cn,direct",
            ),
            (
                Shell::PowerShell,
                &comma,
                "go env -w \"GOPROXY=https://goproxy.cn,direct\"",
            ),
            (
                Shell::Cmd,
                &comma,
                "go env -w GOPROXY=https://goproxy.cn,direct",
            ),
            (
                Shell::Bash,
                &pipe,
                "go env -w 'GOPROXY=https://a.example|https://b.example'",
            ),
            (
                Shell::Fish,
                &pipe,
                "go env -w 'GOPROXY=https://a.example|https://b.example'",
            ),
            (
                Shell::PowerShell,
                &pipe,
                "go env -w \"GOPROXY=https://a.example|https://b.example\"",
            ),
            (
                Shell::Cmd,
                &pipe,
                "go env -w \"GOPROXY=https://a.example|https://b.example\"",
            ),
        ];
        for (shell, values, want) in cases {
            let got = render_one(step.clone(), shell, values);
            assert_eq!(got.command.as_deref(), Some(want), "{shell:?}");
            assert!(got.missing.is_empty());
        }
        // zsh would fail with "no matches found" on an unquoted glob.
        let glob = FixValues::new().with("goproxy_new", "*.corp.example");
        assert_eq!(
            render_one(step, Shell::Zsh, &glob).command.unwrap(),
            "go env -w 'GOPROXY=*.corp.example'"
        );
    }

    #[test]
    fn env_actions_per_shell() {
        let values = FixValues::new().with("proxy", "http://127.0.0.1:7890");
        let set = StepTemplate {
            en: "x".into(),
            set_env: Some("HTTPS_PROXY={proxy}".into()),
            ..Default::default()
        };
        let persist = StepTemplate {
            persist_env: Some("HTTPS_PROXY={proxy}".into()),
            set_env: None,
            ..set.clone()
        };
        let unset = StepTemplate {
            en: "x".into(),
            unset_env: Some("HTTP_PROXY".into()),
            ..Default::default()
        };
        let cases = [
            (&set, Shell::Bash, "export HTTPS_PROXY='http://127.0.0.1:7890'"),
            (&set, Shell::Fish, "set -gx HTTPS_PROXY 'http://127.0.0.1:7890'"),
            (&set, Shell::PowerShell, "$env:HTTPS_PROXY = \"http://127.0.0.1:7890\""),
            (&set, Shell::Cmd, "set \"HTTPS_PROXY=http://127.0.0.1:7890\""),
            (&persist, Shell::Bash, "echo \"export HTTPS_PROXY='http://127.0.0.1:7890'\" >> ~/.bashrc"),
            (&persist, Shell::Zsh, "echo \"export HTTPS_PROXY='http://127.0.0.1:7890'\" >> ~/.zshrc"),
            (&persist, Shell::Fish, "set -Ux HTTPS_PROXY 'http://127.0.0.1:7890'"),
            (
                &persist,
                Shell::PowerShell,
                "[Environment]::SetEnvironmentVariable(\"HTTPS_PROXY\", \"http://127.0.0.1:7890\", \"User\")",
            ),
            (&persist, Shell::Cmd, "setx HTTPS_PROXY \"http://127.0.0.1:7890\""),
            (&unset, Shell::Zsh, "unset HTTP_PROXY"),
            (&unset, Shell::Fish, "set -e HTTP_PROXY"),
            (&unset, Shell::PowerShell, "Remove-Item Env:HTTP_PROXY -ErrorAction SilentlyContinue"),
            (&unset, Shell::Cmd, "set HTTP_PROXY="),
        ];
        for (step, shell, want) in cases {
            assert_eq!(
                render_one(step.clone(), shell, &values).command.as_deref(),
                Some(want),
                "{shell:?}"
            );
        }
    }

    #[test]
    fn missing_values_leave_a_visible_quoted_hole() {
        let step = StepTemplate {
            en: "Add {pattern} to GOPRIVATE".into(),
            zh: Some("把 {pattern} 加入 GOPRIVATE".into()),
            go_env_w: Some("GOPRIVATE={goprivate_new}".into()),
            ..Default::default()
        };
        let got = render_one(step.clone(), Shell::Bash, &FixValues::new());
        assert_eq!(got.text, "Add <module path pattern> to GOPRIVATE");
        assert_eq!(
            got.command.as_deref(),
            Some("go env -w 'GOPRIVATE=<new GOPRIVATE value>'")
        );
        assert_eq!(got.missing, vec!["pattern", "goprivate_new"]);
        let got = render_one(
            step,
            Shell::Cmd,
            &FixValues::new().with("pattern", "git.corp.example"),
        );
        assert_eq!(
            got.command.as_deref(),
            Some("go env -w \"GOPRIVATE=<new GOPRIVATE value>\"")
        );
        assert_eq!(got.text, "Add git.corp.example to GOPRIVATE");
    }

    #[test]
    fn secrets_in_values_are_redacted() {
        let step = StepTemplate {
            en: "Use {proxy}".into(),
            set_env: Some("HTTPS_PROXY={proxy}".into()),
            ..Default::default()
        };
        let values = FixValues::new().with("proxy", "http://bob:hunter2@10.0.0.1:3128");
        for shell in SHELLS {
            let got = render_one(step.clone(), shell, &values);
            let all = format!("{} {}", got.text, got.command.unwrap());
            assert!(!all.contains("hunter2"), "{shell:?}: {all}");
            assert!(all.contains("bob:xxxxx@10.0.0.1:3128"), "{shell:?}: {all}");
        }
    }

    #[test]
    fn shell_specific_steps_show_only_in_their_shell() {
        let step = StepTemplate {
            en: "Windows only".into(),
            powershell: Some("Get-ItemProperty 'HKCU:\\Environment'".into()),
            cmd: Some("reg query HKCU\\Environment".into()),
            ..Default::default()
        };
        let entry = entry(vec![
            step,
            StepTemplate {
                en: "Instruction".into(),
                ..Default::default()
            },
        ]);
        assert_eq!(render_fix(&entry, Shell::Bash, &FixValues::new()).len(), 1);
        assert_eq!(render_fix(&entry, Shell::Cmd, &FixValues::new()).len(), 2);
    }
}
