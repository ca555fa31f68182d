//! Site overlays (`--checks DIR`): catalog files laid over the built-in entries. This module is
//! pure: it takes (file name, text) pairs; reading the directory is [`super::load`]'s job.
//!
//! A file whose `id` exists replaces only the fields it sets: scalars replace, `[en]`/`[zh]`
//! fields replace one by one, `docs` are put before the built-in ones, and `[[fix]]` steps
//! replace the built-in steps unless `fix_mode = "prepend"` or `"append"`. A file with a new id
//! adds an entry (it needs `kind` and an English title and explanation; Chinese falls back to
//! English). Unknown fields or placeholders are errors naming the file.

use std::path::{Path, PathBuf};

use super::schema::{
    check_warning, complete_entry, parse_entry, CatalogError, CheckEntry, FixMode, RawEntry,
};
use super::Catalog;

impl Catalog {
    /// The built-in catalog with `files` (file name, text) laid over it, in the order given.
    pub fn with_overlay_files(
        files: impl IntoIterator<Item = (PathBuf, String)>,
    ) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::builtin();
        catalog.overlay(files)?;
        Ok(catalog)
    }

    /// Lays `files` (file name, text), in the order given, over this catalog. Errors name the
    /// file.
    pub fn overlay(
        &mut self,
        files: impl IntoIterator<Item = (PathBuf, String)>,
    ) -> Result<(), CatalogError> {
        // Two files for one id would let the name order pick a winner silently: refused.
        let mut defined: std::collections::BTreeMap<String, PathBuf> = Default::default();
        for (file, text) in files {
            let raw = parse_entry(&file, &text)?;
            if let Some(first) = defined.insert(raw.id.to_string(), file.clone()) {
                return Err(CatalogError {
                    message: format!(
                        "defines {:?}, which {} defines too; keep one file per id",
                        raw.id.to_string(),
                        first.display()
                    ),
                    file,
                });
            }
            let merged = match self.entry(&raw.id) {
                Some(base) => merge_entry(&file, base.clone(), raw)?,
                None => complete_entry(&file, raw)?,
            };
            self.set(merged);
        }
        Ok(())
    }
}

fn merge_entry(
    file: &Path,
    mut base: CheckEntry,
    raw: RawEntry,
) -> Result<CheckEntry, CatalogError> {
    if let Some(k) = raw.kind {
        base.kind = k;
    }
    if let Some(w) = raw.weakens_security {
        base.weakens_security = w;
    }
    if let Some(docs) = raw.docs {
        let mut merged = docs;
        for d in base.docs {
            if !merged.contains(&d) {
                merged.push(d);
            }
        }
        base.docs = merged;
    }
    for (texts, part) in [(&mut base.en, raw.en), (&mut base.zh, raw.zh)] {
        let Some(part) = part else { continue };
        if let Some(t) = part.title {
            texts.title = t;
        }
        if part.summary.is_some() {
            texts.summary = part.summary;
        }
        if let Some(x) = part.explanation {
            texts.explanation = x;
        }
        if part.warning.is_some() {
            texts.warning = part.warning;
        }
    }
    if let Some(steps) = raw.fix {
        base.fix = match raw.fix_mode.unwrap_or_default() {
            FixMode::Replace => steps,
            FixMode::Prepend => steps.into_iter().chain(base.fix).collect(),
            FixMode::Append => base.fix.into_iter().chain(steps).collect(),
        };
    }
    check_warning(file, &base)?;
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{render_fix, FixValues, ALL_IDS};
    use crate::cli::Lang;
    use crate::shell::Shell;
    use crate::vocab::CauseId;

    fn overlaid(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        Catalog::with_overlay_files(
            files
                .iter()
                .map(|(name, text)| (PathBuf::from(name), text.to_string())),
        )
    }

    #[test]
    fn overlay_overrides_fields_and_adds_entries() {
        let cat = overlaid(&[
            (
                "tls.untrusted_interception.toml",
                r#"
id = "tls.untrusted_interception"
docs = ["https://wiki.corp.example/ca"]
fix_mode = "prepend"
[en]
title = "Corp TLS inspection: install the Corp Root CA"
summary = "Corp TLS inspection intercepts {host}: install the Corp Root CA."
[[fix]]
en = "Install the Corp Root CA from the wiki"
zh = "从内网 wiki 安装公司根证书"
run = "curl -fsSLo corp-root.pem https://wiki.corp.example/corp-root.pem"
"#,
            ),
            (
                "corp.vpn_down.toml",
                r#"
id = "corp.vpn_down"
kind = "cause"
docs = ["https://wiki.corp.example/vpn"]
[en]
title = "The corporate VPN is not connected"
explanation = "Internal module hosts resolve only on the VPN."
"#,
            ),
        ])
        .unwrap();
        let builtin = Catalog::builtin();
        let e = cat
            .get(CauseId::TlsUntrustedInterception, Lang::En)
            .unwrap();
        let b = builtin
            .get(CauseId::TlsUntrustedInterception, Lang::En)
            .unwrap();
        assert_eq!(e.title, "Corp TLS inspection: install the Corp Root CA");
        assert_eq!(
            e.summary.as_deref(),
            Some("Corp TLS inspection intercepts {host}: install the Corp Root CA.")
        );
        assert_eq!(
            cat.get(CauseId::TlsUntrustedInterception, Lang::Zh)
                .unwrap()
                .summary,
            builtin
                .get(CauseId::TlsUntrustedInterception, Lang::Zh)
                .unwrap()
                .summary,
            "the Chinese summary is kept"
        );
        assert_eq!(
            e.explanation, b.explanation,
            "unset fields keep the built-in value"
        );
        assert_eq!(e.docs[0], "https://wiki.corp.example/ca");
        assert_eq!(e.docs.len(), b.docs.len() + 1);
        assert_eq!(e.steps.len(), b.steps.len() + 1);
        assert_eq!(e.steps[0].en, "Install the Corp Root CA from the wiki");
        // Chinese title was not overridden.
        assert_eq!(
            cat.get(CauseId::TlsUntrustedInterception, Lang::Zh)
                .unwrap()
                .title,
            builtin
                .get(CauseId::TlsUntrustedInterception, Lang::Zh)
                .unwrap()
                .title
        );
        let v = cat.get("corp.vpn_down", Lang::Zh).unwrap();
        assert_eq!(
            v.title, "The corporate VPN is not connected",
            "zh falls back to en"
        );
        assert_eq!(cat.ids().len(), ALL_IDS.len() + 1);
    }

    #[test]
    fn overlay_replaces_fix_steps_by_default() {
        let cat = overlaid(&[(
            "a.toml",
            "id = \"proxy.unreachable\"\n[[fix]]\nen = \"Call the helpdesk\"\nzh = \"联系服务台\"\n",
        )])
        .unwrap();
        let e = cat.get(CauseId::ProxyUnreachable, Lang::Zh).unwrap();
        let steps = render_fix(&e, Shell::Fish, &FixValues::new());
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].text, "联系服务台");
    }

    #[test]
    fn malformed_overlays_name_the_file() {
        let cases = [
            ("bad_syntax.toml", "id = \"x.y\"\nkind = ", "not a valid catalog entry"),
            ("typo.toml", "id = \"proxy.unreachable\"\ntitel = \"x\"\n", "titel"),
            ("new_incomplete.toml", "id = \"corp.new\"\nkind = \"cause\"\n", "title is required"),
            ("bad_kind.toml", "id = \"corp.new\"\nkind = \"error\"\n", "not a valid catalog entry"),
            (
                "bad_placeholder.toml",
                "id = \"proxy.unreachable\"\n[[fix]]\nen = \"x\"\nrun = \"echo {proxxy}\"\n",
                "{proxxy}",
            ),
            (
                "weak_without_warning.toml",
                "id = \"corp.weak\"\nkind = \"cause\"\n[en]\ntitle = \"t\"\nexplanation = \"e\"\n[[fix]]\nen = \"x\"\nweakens_security = true\ngo_env_w = \"GOSUMDB=off\"\n",
                "warning",
            ),
            ("bad_id.toml", "id = \"Corp Thing\"\n", "area.name"),
            (
                "bad_summary.toml",
                "id = \"tcp.refused\"\n[zh]\nsummary = \"{hots} 拒绝连接\"\n",
                "{hots}",
            ),
        ];
        for (name, text, want) in cases {
            let err = overlaid(&[(name, text)]).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(name), "{name}: {msg}");
            assert!(msg.contains(want), "{name}: {msg}");
        }
    }

    #[test]
    fn one_file_per_id_and_the_first_error_stops() {
        let first = ("a.toml", "id = \"tcp.refused\"\n[en]\ntitle = \"first\"\n");
        let second = ("b.toml", "id = \"tcp.refused\"\n[en]\ntitle = \"second\"\n");
        // Two files for one id: refused, naming both (no silent winner).
        let err = overlaid(&[first, second]).unwrap_err();
        assert_eq!(err.file, Path::new("b.toml"));
        assert!(err.message.contains("a.toml"), "{err}");
        let cat = overlaid(&[second]).unwrap();
        assert_eq!(
            cat.get(CauseId::TcpRefused, Lang::En).unwrap().title,
            "second"
        );
        let err = overlaid(&[first, ("c.toml", "id = "), ("d.toml", "id = ")]).unwrap_err();
        assert_eq!(err.file, Path::new("c.toml"));
    }
}
