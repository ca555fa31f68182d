//! The env-file side of cmd/go/internal/cfg: where the user's go env file lives, how it and
//! `$GOROOT/go.env` are parsed, and the precedence between them and the OS environment.

use serde::{Deserialize, Serialize};

use super::{ConfigInputs, GoConfig, OsKind};

/// What the real `go` command said, compared with our computation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GoToolCheck {
    /// Not attempted (pure computation, tests).
    NotChecked,
    /// No `go` on PATH, or it could not be run: finding `local.go_missing`.
    Missing { reason: String },
    /// `go env -json` ran; one comparison per shared key.
    Ran {
        go_path: String,
        comparisons: Vec<GoEnvComparison>,
    },
}

/// One key's value according to `go env -json` versus gomod-diag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoEnvComparison {
    pub name: String,
    pub ours: String,
    pub go: String,
    pub agrees: bool,
}

/// One `KEY=VALUE` line of a go env file, as cmd/go's readEnvFile keeps it.
pub fn parse_env_file(contents: &str) -> Vec<(String, String)> {
    let _ = contents;
    Vec::new()
}

/// The user's go env file path as cmd/go's EnvFile computes it; None when there is none
/// (GOENV=off, or no user config directory).
pub fn env_file_path(
    os: OsKind,
    env: &std::collections::BTreeMap<String, String>,
) -> Option<String> {
    let _ = (os, env);
    None
}

pub(crate) fn compute(inputs: &ConfigInputs) -> GoConfig {
    let _ = inputs;
    todo!("compute")
}

pub(crate) fn load_system() -> GoConfig {
    todo!("load_system")
}
