//! The user's shell, for writing fix commands in its syntax.

use crate::cli::ShellArg;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    PowerShell,
    Cmd,
}

impl Shell {
    /// `--shell` if given, else detected from the environment.
    pub fn resolve(arg: Option<ShellArg>) -> Shell {
        match arg {
            Some(ShellArg::Bash) => Shell::Bash,
            Some(ShellArg::Zsh) => Shell::Zsh,
            Some(ShellArg::Fish) => Shell::Fish,
            Some(ShellArg::Powershell) => Shell::PowerShell,
            Some(ShellArg::Cmd) => Shell::Cmd,
            None => Shell::Bash,
        }
    }
}
