//! The catalog's data model: the entry types, the file format as written (every field
//! optional, for overlays), and the validation of a file: its id, its steps (one action,
//! known placeholders, no quotes around them) and the warning a weakening fix needs.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::template::{is_known_placeholder, placeholders_in};
use crate::cli::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Cause,
    Finding,
    Ok,
    /// The run could not observe something on Go's path: no prediction (exit code 3).
    Inconclusive,
}

/// Title, explanation and warning in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub title: String,
    /// The verdict's one sentence (a template); None: the decision tree's sentence is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub explanation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// One fix step as written in a catalog file (see the [`super`] module documentation).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StepTemplate {
    pub en: String,
    /// The step is shown only when this fix value is known (a product-specific hint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub weakens_security: bool,
    #[serde(default)]
    pub go_env_w: Option<String>,
    #[serde(default)]
    pub go_env_u: Option<String>,
    #[serde(default)]
    pub set_env: Option<String>,
    #[serde(default)]
    pub persist_env: Option<String>,
    #[serde(default)]
    pub unset_env: Option<String>,
    #[serde(default)]
    pub run: Option<String>,
    #[serde(default)]
    pub sh: Option<String>,
    #[serde(default)]
    pub bash: Option<String>,
    #[serde(default)]
    pub zsh: Option<String>,
    #[serde(default)]
    pub fish: Option<String>,
    #[serde(default)]
    pub powershell: Option<String>,
    #[serde(default)]
    pub cmd: Option<String>,
}

/// A complete catalog entry, both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct CheckEntry {
    pub id: String,
    pub kind: Kind,
    pub weakens_security: bool,
    pub docs: Vec<String>,
    pub en: Texts,
    pub zh: Texts,
    pub fix: Vec<StepTemplate>,
}

/// An entry seen in one language, as returned by [`super::Catalog::get`].
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub kind: Kind,
    pub lang: Lang,
    pub title: String,
    pub summary: Option<String>,
    pub explanation: String,
    pub warning: Option<String>,
    pub weakens_security: bool,
    pub docs: Vec<String>,
    pub steps: Vec<StepTemplate>,
}

/// A malformed catalog file: names the file and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogError {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "checks file {}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for CatalogError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(super) enum FixMode {
    #[default]
    Replace,
    Prepend,
    Append,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct PartialTexts {
    pub(super) title: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) explanation: Option<String>,
    pub(super) warning: Option<String>,
}

/// A file as written: every field optional so that overlays can set only some.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEntry {
    pub(super) id: String,
    pub(super) kind: Option<Kind>,
    pub(super) weakens_security: Option<bool>,
    pub(super) docs: Option<Vec<String>>,
    pub(super) en: Option<PartialTexts>,
    pub(super) zh: Option<PartialTexts>,
    pub(super) fix: Option<Vec<StepTemplate>>,
    pub(super) fix_mode: Option<FixMode>,
}

pub(super) fn parse_entry(file: &Path, text: &str) -> Result<RawEntry, CatalogError> {
    let raw: RawEntry = toml::from_str(text).map_err(|e| CatalogError {
        file: file.to_path_buf(),
        message: format!("not a valid catalog entry: {e}"),
    })?;
    let id_ok = !raw.id.is_empty()
        && raw
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
    if !id_ok {
        return Err(CatalogError {
            file: file.to_path_buf(),
            message: format!(
                "id {:?} must look like `area.name` (lower-case letters, digits, `_`, `.`)",
                raw.id
            ),
        });
    }
    for (i, step) in raw.fix.iter().flatten().enumerate() {
        validate_step(step).map_err(|m| CatalogError {
            file: file.to_path_buf(),
            message: format!("[[fix]] step {}: {m}", i + 1),
        })?;
    }
    Ok(raw)
}

/// A new entry (built-in, or new in an overlay) must be complete.
pub(super) fn complete_entry(file: &Path, raw: RawEntry) -> Result<CheckEntry, CatalogError> {
    let err = |m: &str| CatalogError {
        file: file.to_path_buf(),
        message: format!("new entry {:?}: {m}", raw.id),
    };
    let kind = raw
        .kind
        .ok_or_else(|| err("`kind` is required (cause, finding, ok or inconclusive)"))?;
    let en = raw.en.clone().unwrap_or_default();
    let en = Texts {
        title: en.title.ok_or_else(|| err("[en] title is required"))?,
        summary: en.summary,
        explanation: en
            .explanation
            .ok_or_else(|| err("[en] explanation is required"))?,
        warning: en.warning,
    };
    let zh = raw.zh.clone().unwrap_or_default();
    let zh = Texts {
        title: zh.title.unwrap_or_else(|| en.title.clone()),
        summary: zh.summary.or_else(|| en.summary.clone()),
        explanation: zh.explanation.unwrap_or_else(|| en.explanation.clone()),
        warning: zh.warning.or_else(|| en.warning.clone()),
    };
    let entry = CheckEntry {
        id: raw.id.clone(),
        kind,
        weakens_security: raw.weakens_security.unwrap_or(false),
        docs: raw.docs.unwrap_or_default(),
        en,
        zh,
        fix: raw.fix.unwrap_or_default(),
    };
    check_warning(file, &entry)?;
    Ok(entry)
}

/// Every placeholder in titles, explanations and warnings is a known one.
fn check_text_placeholders(file: &Path, e: &CheckEntry) -> Result<(), CatalogError> {
    for (lang, t) in [("en", &e.en), ("zh", &e.zh)] {
        let all = [
            Some(&t.title),
            t.summary.as_ref(),
            Some(&t.explanation),
            t.warning.as_ref(),
        ];
        for text in all.into_iter().flatten() {
            if let Some(p) = placeholders_in(text)
                .into_iter()
                .find(|p| !is_known_placeholder(p))
            {
                return Err(CatalogError {
                    file: file.to_path_buf(),
                    message: format!("[{lang}] of {:?}: unknown placeholder {{{p}}}", e.id),
                });
            }
        }
    }
    Ok(())
}

pub(super) fn check_warning(file: &Path, e: &CheckEntry) -> Result<(), CatalogError> {
    check_text_placeholders(file, e)?;
    let weakens = e.weakens_security || e.fix.iter().any(|s| s.weakens_security);
    if weakens && (e.en.warning.is_none() || e.zh.warning.is_none()) {
        return Err(CatalogError {
            file: file.to_path_buf(),
            message: format!(
                "entry {:?} has a fix that weakens security: [en] and [zh] need a `warning` line",
                e.id
            ),
        });
    }
    Ok(())
}

/// The action fields of a step, by name.
pub(super) fn actions(step: &StepTemplate) -> Vec<(&'static str, &str)> {
    [
        ("go_env_w", &step.go_env_w),
        ("go_env_u", &step.go_env_u),
        ("set_env", &step.set_env),
        ("persist_env", &step.persist_env),
        ("unset_env", &step.unset_env),
        ("run", &step.run),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
    .collect()
}

/// The raw per-shell command fields of a step, by name.
pub(super) fn raw_commands(step: &StepTemplate) -> Vec<(&'static str, &str)> {
    [
        ("sh", &step.sh),
        ("bash", &step.bash),
        ("zsh", &step.zsh),
        ("fish", &step.fish),
        ("powershell", &step.powershell),
        ("cmd", &step.cmd),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
    .collect()
}

/// Checks one step: at most one action; `VAR=value` actions have a variable name; every
/// placeholder is known; no placeholder sits next to a quote (the renderer quotes values).
fn validate_step(step: &StepTemplate) -> Result<(), String> {
    if let Some(w) = step.when.as_deref().filter(|w| !is_known_placeholder(w)) {
        return Err(format!("when = {w:?}: not a known placeholder"));
    }
    let acts = actions(step);
    if acts.len() > 1 {
        let names: Vec<_> = acts.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "has {} actions ({}); use one step per action",
            acts.len(),
            names.join(", ")
        ));
    }
    for (name, value) in &acts {
        if matches!(*name, "go_env_w" | "set_env" | "persist_env") {
            let var = value.split_once('=').map(|(v, _)| v).unwrap_or("");
            if !is_var_name(var) {
                return Err(format!("{name} = {value:?}: expected VAR=value"));
            }
        }
        if matches!(*name, "go_env_u" | "unset_env") && !is_var_name(value) {
            return Err(format!("{name} = {value:?}: expected a variable name"));
        }
    }
    let texts = [Some(step.en.as_str()), step.zh.as_deref()];
    for t in texts.into_iter().flatten() {
        for p in placeholders_in(t) {
            if !is_known_placeholder(&p) {
                return Err(format!("unknown placeholder {{{p}}} in the step text"));
            }
        }
    }
    for (name, template) in acts.iter().chain(raw_commands(step).iter()) {
        for token in template.split_whitespace() {
            for p in placeholders_in(token) {
                if !is_known_placeholder(&p) {
                    return Err(format!("unknown placeholder {{{p}}} in {name}"));
                }
                if token.contains(['\'', '"']) {
                    return Err(format!(
                        "{name}: do not quote around {{{p}}} ({token}); values are quoted for each shell"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A variable name, or the `{var}` placeholder standing for one.
fn is_var_name(s: &str) -> bool {
    s == "{var}" || (!s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_validated() {
        let mut bad = StepTemplate {
            en: "x".into(),
            run: Some("go get {modul}".into()),
            ..Default::default()
        };
        assert!(validate_step(&bad).unwrap_err().contains("{modul}"));
        bad.run = Some("go env -w 'GOPRIVATE={pattern}'".into());
        assert!(validate_step(&bad).unwrap_err().contains("do not quote"));
        bad.run = None;
        bad.set_env = Some("HTTPS_PROXY={proxy}".into());
        bad.go_env_u = Some("GOFLAGS".into());
        assert!(validate_step(&bad).unwrap_err().contains("2 actions"));
        let good = StepTemplate {
            en: "Set {var}".into(),
            set_env: Some("{var}={value}".into()),
            ..Default::default()
        };
        assert_eq!(validate_step(&good), Ok(()));
    }

    #[test]
    fn a_file_is_parsed_and_completed() {
        let file = Path::new("corp.new.toml");
        let raw = parse_entry(
            file,
            "id = \"corp.new\"\nkind = \"cause\"\n[en]\ntitle = \"t\"\nexplanation = \"e\"\n",
        )
        .unwrap();
        let e = complete_entry(file, raw).unwrap();
        assert_eq!((e.id.as_str(), e.kind), ("corp.new", Kind::Cause));
        assert_eq!(e.zh, e.en, "Chinese falls back to English");
        let err = parse_entry(file, "id = \"Corp\"\n").unwrap_err();
        assert_eq!(err.file, file);
        assert!(err
            .to_string()
            .starts_with("checks file corp.new.toml: id \"Corp\""));
    }
}
