//! The fix API the decision tree calls: named placeholder values in, rendered steps out.
//!
//! ```ignore
//! let values = FixValues::new().with("proxy", "http://127.0.0.1:7890");
//! let fixes = fixes_for(&catalog, CauseId::ProxyUnreachable, Lang::En, Shell::PowerShell, &values)?;
//! ```
//!
//! Values are redacted (proxy passwords, tokens) and quoted for the target shell by the
//! renderer; a placeholder without a value is shown as a visible hole such as
//! `<proxy address>` and listed in [`FixStep::missing`].

use crate::vocab::CauseId;
use std::collections::BTreeMap;

use crate::catalog::{fill_text, Catalog, FixStep};
use crate::cli::Lang;
use crate::shell::Shell;

/// Named values for the `{placeholder}`s of fix templates (see [`crate::catalog::PLACEHOLDERS`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FixValues(pub BTreeMap<String, String>);

impl FixValues {
    pub fn new() -> FixValues {
        FixValues::default()
    }

    /// Builder form: `FixValues::new().with("module", "example.com/m@v1.0.0")`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> FixValues {
        self.set(name, value);
        self
    }

    /// Sets a value; an empty value counts as missing.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if value.is_empty() {
            self.0.remove(name);
        } else {
            self.0.insert(name.to_string(), value);
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// The fix for one identifier, ready to print.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RenderedFixes {
    pub id: String,
    /// The entry's title and explanation, placeholders filled.
    pub title: String,
    pub explanation: String,
    pub steps: Vec<FixStep>,
    /// True when applying the fix weakens verification (GONOSUMDB, GOINSECURE, GOSUMDB=off):
    /// show [`RenderedFixes::warning`] next to it.
    pub weakens_security: bool,
    /// The entry's warning line in the requested language, if any.
    pub warning: Option<String>,
    /// Links to Go's documentation (URLs, or `go help <topic>`).
    pub docs: Vec<String>,
}

/// Renders the fix steps of `id` for `shell` in `lang`. `None` when the catalog has no such id.
pub fn fixes_for(
    catalog: &Catalog,
    id: CauseId,
    lang: Lang,
    shell: Shell,
    values: &FixValues,
) -> Option<RenderedFixes> {
    let entry = catalog.get(id.as_str(), lang)?;
    let steps = crate::catalog::render_fix(&entry, shell, values);
    let weakens_security = entry.weakens_security || steps.iter().any(|s| s.weakens_security);
    Some(RenderedFixes {
        id: entry.id.clone(),
        title: fill_text(&entry.title, values, lang),
        explanation: fill_text(entry.explanation.trim(), values, lang),
        steps,
        weakens_security,
        warning: entry.warning.clone(),
        docs: entry.docs.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_value_is_missing() {
        let mut v = FixValues::new().with("proxy", "http://127.0.0.1:7890");
        assert_eq!(v.get("proxy"), Some("http://127.0.0.1:7890"));
        v.set("proxy", "");
        assert_eq!(v.get("proxy"), None);
    }

    #[test]
    fn renders_known_id_and_rejects_unknown() {
        let cat = Catalog::builtin();
        let values = FixValues::new().with("proxy", "http://u:pw@127.0.0.1:7890");
        let f = fixes_for(
            &cat,
            CauseId::ProxyUnreachable,
            Lang::En,
            Shell::Bash,
            &values,
        )
        .unwrap();
        assert!(!f.steps.is_empty());
        assert!(!f.weakens_security);
        let all: String = f.steps.iter().map(|s| format!("{s:?}")).collect();
        assert!(!all.contains("pw@"), "password leaked: {all}");
    }

    #[test]
    fn weakening_entries_carry_the_warning() {
        let cat = Catalog::builtin();
        for lang in [Lang::En, Lang::Zh] {
            let f = fixes_for(
                &cat,
                CauseId::ConfigInsecureSettings,
                lang,
                Shell::Cmd,
                &FixValues::new(),
            )
            .unwrap();
            // The insecure-settings finding's fix restores verification: it does not weaken.
            assert!(!f.weakens_security);
            let f = fixes_for(
                &cat,
                CauseId::SumdbNotFound,
                lang,
                Shell::Cmd,
                &FixValues::new(),
            )
            .unwrap();
            assert!(f.steps.iter().any(|s| s.weakens_security) == f.weakens_security);
            if f.weakens_security {
                assert!(f.warning.is_some());
            }
        }
    }
}
