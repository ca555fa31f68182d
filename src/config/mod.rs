//! Go's configuration exactly as cmd/go reads it (pure).
//!
//! `GoConfig::from_inputs` is a pure function of `ConfigInputs` (OS environment as a map, the
//! OS kind, the user's go env file and `$GOROOT/go.env` contents). `GoConfig::load_system`
//! gathers those inputs from the real process and cross-checks with `go env -json`.
//! Precedence as in cmd/go/internal/cfg: non-empty OS env > user env file > $GOROOT/go.env >
//! built-in default.

pub mod goauth;
pub mod goenv;
pub mod goproxy;
pub mod gosumdb;
pub mod gourl;
pub mod govcs;
pub mod httpproxy;
pub mod pattern;
pub mod warnings;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::redact::Secret;

pub use goenv::{GoEnvComparison, GoToolCheck};
pub use goproxy::{FallbackMode, ProxyEntry};
pub use gosumdb::{SumdbConfig, VerifierKey};
pub use govcs::GovcsRules;
pub use httpproxy::{ProxyChoice, ProxyEnv, ProxyUrl};
pub use warnings::ConfigWarning;

/// The Go variables gomod-diag reports (also the keys compared with `go env -json`).
pub const GO_VARIABLES: &[&str] = &[
    "GOPROXY",
    "GOSUMDB",
    "GOPRIVATE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOINSECURE",
    "GOVCS",
    "GOFLAGS",
    "GOAUTH",
    "GOENV",
    "GOMODCACHE",
    "GOTOOLCHAIN",
    "GOPATH",
    "GOROOT",
];

/// Every variable gomod-diag reports, in display order: the Go variables, then those net/http
/// reads from the process environment only.
pub fn variables() -> impl Iterator<Item = &'static str> {
    GO_VARIABLES.iter().chain(goenv::PROCESS_ONLY).copied()
}

/// The operating system whose conventions apply (env file location, GOPATH default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum OsKind {
    Linux,
    Macos,
    Windows,
    /// Other Unix (BSDs...): behaves like Linux for the env file.
    Other,
}

impl OsKind {
    pub fn current() -> OsKind {
        if cfg!(target_os = "linux") {
            OsKind::Linux
        } else if cfg!(target_os = "macos") {
            OsKind::Macos
        } else if cfg!(windows) {
            OsKind::Windows
        } else {
            OsKind::Other
        }
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// The process environment (non-empty).
    OsEnv,
    /// The user's go env file (`go env -w`).
    EnvFile { path: String },
    /// `$GOROOT/go.env`.
    GorootGoEnv { path: String },
    /// cmd/go's built-in default (possibly derived, e.g. GOMODCACHE from GOPATH).
    Default,
    /// Derived from another variable when unset (GOMODCACHE from GOPATH, GONOPROXY and
    /// GONOSUMDB from GOPRIVATE, GOPATH from HOME/USERPROFILE).
    Derived { from: String },
    /// `go env GOROOT` (how gomod-diag found GOROOT when it is not in the environment).
    GoCommand,
    /// Not set anywhere (the value is empty).
    Unset,
}

/// A value that exists at a lower-precedence source but is overridden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Shadowed {
    pub source: Source,
    /// May carry credentials (a proxy URL): shown and serialized masked.
    pub value: Secret,
}

/// One variable's effective value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ConfigValue {
    pub name: String,
    /// The effective value ("" when unset). May carry credentials (GOPROXY, GOSUMDB and proxy
    /// URLs): shown and serialized masked.
    pub value: Secret,
    pub source: Source,
    /// Lower-precedence values that exist but are not used, highest first.
    pub shadowed: Vec<Shadowed>,
}

/// A file that was (or would have been) read: its path and its contents if it exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FileInput {
    pub path: String,
    /// None: the file does not exist or cannot be read (Go ignores it silently).
    pub contents: Option<String>,
}

/// Everything `GoConfig::from_inputs` needs; no I/O happens after these are gathered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigInputs {
    pub os: Option<OsKind>,
    /// The OS environment (names are case-sensitive, as on Unix; on Windows callers should
    /// pass the names as Go sees them).
    pub env: BTreeMap<String, String>,
    /// The user's go env file. None: GOENV=off or no user config dir (then no file at all).
    /// When None, `from_inputs` does NOT compute the path itself; use `goenv::env_file_path`.
    pub env_file: Option<FileInput>,
    /// GOROOT as found by the caller (`go env GOROOT`), used when neither the OS env nor the
    /// env file set GOROOT.
    pub goroot_detected: Option<String>,
    /// `$GOROOT/go.env`, when a GOROOT is known.
    pub goroot_go_env: Option<FileInput>,
}

/// Go's effective configuration with sources, plus what `go env -json` said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct GoConfig {
    pub os: OsKind,
    /// One entry per name in [`variables`], same order.
    pub values: Vec<ConfigValue>,
    /// The user's go env file path ("" when none: GOENV=off or no config dir).
    pub env_file_path: String,
    /// Whether that file exists (was read).
    pub env_file_present: bool,
    /// Keys in the env file that Go reads from the environment only (HTTPS_PROXY ...): Go
    /// ignores them there.
    pub env_file_ignored_keys: Vec<String>,
    /// `$GOROOT/go.env` path ("" when GOROOT is unknown).
    pub goroot_go_env_path: String,
    pub goroot_go_env_present: bool,
    /// The cross-check with the real `go env -json`.
    pub go_tool: GoToolCheck,
}

impl GoConfig {
    /// Pure: computes every value with its source from the inputs.
    pub fn from_inputs(inputs: &ConfigInputs) -> GoConfig {
        goenv::compute(inputs)
    }

    /// I/O: reads the process environment, the env file and go.env, runs `go env -json`
    /// (5 s timeout) and records agreement.
    pub fn load_system() -> GoConfig {
        goenv::load_system()
    }

    /// [`GoConfig::load_system`] without running `go env -json` (GOROOT beside the `go` on
    /// PATH); None when that is not possible. Confirm with [`GoConfig::same_inputs`].
    pub fn load_system_guess() -> Option<GoConfig> {
        goenv::load_system_guess()
    }

    /// Whether two configurations have the same values and files (the `go env -json`
    /// cross-check aside).
    pub fn same_inputs(&self, other: &GoConfig) -> bool {
        let mut a = self.clone();
        a.go_tool = other.go_tool.clone();
        a == *other
    }

    /// The entry for a variable in [`variables`].
    pub fn value(&self, name: &str) -> Option<&ConfigValue> {
        self.values.iter().find(|v| v.name == name)
    }

    /// The effective value of a variable ("" when unset or unknown), credentials included:
    /// for computing what Go does. To show a value, use [`GoConfig::shown`].
    pub fn get(&self, name: &str) -> &str {
        self.value(name).map_or("", |v| v.value.expose())
    }

    /// The effective value of a variable as it may be shown (credentials masked).
    pub fn shown(&self, name: &str) -> String {
        self.value(name)
            .map(|v| v.value.masked())
            .unwrap_or_default()
    }

    /// GONOPROXY as cmd/go uses it: GOPRIVATE when GONOPROXY is empty.
    pub fn effective_gonoproxy(&self) -> &str {
        match self.get("GONOPROXY") {
            "" => self.get("GOPRIVATE"),
            v => v,
        }
    }

    /// GONOSUMDB as cmd/go uses it: GOPRIVATE when GONOSUMDB is empty.
    pub fn effective_gonosumdb(&self) -> &str {
        match self.get("GONOSUMDB") {
            "" => self.get("GOPRIVATE"),
            v => v,
        }
    }

    /// The GOPROXY list exactly as cmd/go's proxyList builds it (with the internal
    /// `noproxy` entry first when GONOPROXY is set and GOPROXY != "direct").
    pub fn proxy_list(&self) -> Result<Vec<ProxyEntry>, String> {
        goproxy::proxy_list(self.get("GOPROXY"), self.effective_gonoproxy())
    }

    /// GOSUMDB parsed as cmd/go's modfetch/sumdb.go does.
    pub fn sumdb(&self) -> Result<SumdbConfig, String> {
        gosumdb::parse_gosumdb(self.get("GOSUMDB"))
    }

    /// GOVCS rules (with the default appended). checkGOVCS reads os.Getenv("GOVCS"), but
    /// cmd/go's main first copies every `go env` value (env file included) into the process
    /// environment, so the effective GOVCS applies.
    pub fn govcs(&self) -> Result<GovcsRules, String> {
        govcs::parse_govcs(self.get("GOVCS"))
    }

    /// Whether a module or repository path matches GOPRIVATE (what GOVCS calls private).
    pub fn is_private(&self, path: &str) -> bool {
        pattern::match_prefix_patterns(self.get("GOPRIVATE"), path)
    }

    /// The HTTP proxy environment as net/http reads it (OS environment only).
    pub fn proxy_env(&self) -> ProxyEnv {
        ProxyEnv::from_config(self)
    }
}

/// A Linux configuration for unit tests: the OS environment `pairs`, a go env file with
/// `env_file` (absent when None), and the standard `$GOROOT/go.env`.
#[cfg(test)]
pub(crate) fn test_config(pairs: &[(&str, &str)], env_file: Option<&str>) -> GoConfig {
    GoConfig::from_inputs(&ConfigInputs {
        os: Some(OsKind::Linux),
        env: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        env_file: Some(FileInput {
            path: "/h/.config/go/env".into(),
            contents: env_file.map(str::to_string),
        }),
        goroot_detected: Some("/usr/local/go".into()),
        goroot_go_env: Some(FileInput {
            path: "/usr/local/go/go.env".into(),
            contents: Some(
                "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\n".into(),
            ),
        }),
    })
}
