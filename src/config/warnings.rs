//! Configuration warnings, by identifier from ROOT_CAUSES.md.

use serde::{Deserialize, Serialize};

use super::GoConfig;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigWarning {
    /// A ROOT_CAUSES.md identifier, e.g. `config.http_proxy_only`.
    pub id: String,
    /// The variable concerned (e.g. `GOPRIVATE`), "" when none.
    pub variable: String,
    /// A one-line explanation, redacted.
    pub message: String,
    /// Go's own error text when Go would print one (redacted).
    pub go_error: Option<String>,
}

pub fn check(config: &GoConfig) -> Vec<ConfigWarning> {
    let _ = config;
    Vec::new()
}
