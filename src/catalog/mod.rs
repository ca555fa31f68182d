//! The root-cause catalog: for every identifier in ROOT_CAUSES.md a title, an explanation and
//! fix steps per shell, in English and Chinese. The data lives in `checks/<id>.toml` and is
//! compiled into the binary; `--checks DIR` overlays a site's own files on top.
//!
//! # File format (`checks/<id>.toml`)
//!
//! ```toml
//! id = "proxy.unreachable"
//! kind = "cause"                 # cause | finding | ok | inconclusive
//! weakens_security = false       # true when the only fix weakens verification
//! docs = ["https://pkg.go.dev/net/http#ProxyFromEnvironment", "go help environment"]
//!
//! [en]
//! title = "The configured HTTP proxy cannot be reached"
//! summary = "The proxy {proxy_given} cannot be reached."  # optional: the verdict's sentence
//! explanation = """..."""
//! warning = "..."                # required when weakens_security = true
//!
//! [zh]
//! title = "..."
//! explanation = """..."""
//!
//! [[fix]]                         # one step; steps render in order
//! en = "Point HTTPS_PROXY at a proxy that is running:"
//! zh = "..."
//! set_env = "HTTPS_PROXY={proxy}" # one action, rendered in the syntax of each shell
//! ```
//!
//! A step has at most one *action*, rendered and quoted for each shell:
//! `go_env_w = "VAR=value"` (`go env -w`), `go_env_u = "VAR"` (`go env -u`),
//! `set_env = "VAR=value"` (this terminal), `persist_env = "VAR=value"` (new terminals),
//! `unset_env = "VAR"`, `run = "command args"` (the same words in every shell). Raw per-shell
//! commands `sh` (bash and zsh), `bash`, `zsh`, `fish`, `powershell`, `cmd` override the action
//! for their shell; a step with commands for some shells only is shown only in those shells;
//! a step with no command at all is an instruction shown everywhere.
//!
//! `summary` (optional, in `[en]` and `[zh]`) is the verdict's one sentence stating the cause
//! with the real values, in the report's language. It is filled with [`fill_summary`]: when
//! a placeholder it uses has no value, the verdict keeps the decision tree's own (English)
//! sentence instead of showing a hole. Every built-in `cause` has one in both languages.
//!
//! Placeholders `{name}` (the set is [`PLACEHOLDERS`]) are filled at render time. Values are
//! redacted (no passwords in output) and quoted for the shell, so a template never puts quotes
//! around a placeholder. A placeholder without a value renders as a visible hole such as
//! `<proxy address>` inside the quoted word, and is listed in [`FixStep::missing`]: the step
//! is still shown, because the instruction is useful even when one value is unknown.
//!
//! # The fix API
//!
//! ```ignore
//! let values = FixValues::new().with("proxy", "http://127.0.0.1:7890");
//! let fixes = fixes_for(&catalog, CauseId::ProxyUnreachable, Lang::En, Shell::PowerShell, &values)?;
//! ```
//!
//! # Overlays (`--checks DIR`)
//!
//! Every `*.toml` file in DIR is read ([`load`]) and laid over the built-in entries
//! ([`overlay`], which documents the merge rules).
//!
//! # Layout
//!
//! [`schema`] (the entry types and a file's validation), [`template`] (placeholders and
//! [`FixValues`]), [`steps`] (a step rendered for one shell), [`overlay`] (pure), [`load`] (the
//! only I/O). Entries are keyed by string ids: a site overlay may add ids that are not in
//! [`crate::vocab::CauseId`].

pub mod apply;
pub mod details;
mod evidence_zh;
pub mod load;
pub mod overlay;
pub mod schema;
pub mod steps;
pub mod template;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

pub use crate::vocab::cause::ALL_IDS;
use crate::vocab::cause::BUILTIN_FILES;
use crate::vocab::CauseId;

use crate::cli::Lang;
use crate::shell::Shell;
use schema::{complete_entry, parse_entry};
pub use schema::{CatalogError, CheckEntry, Entry, Kind, StepTemplate, Texts};
pub use steps::{quote_word, render_fix, FixStep};
pub use template::{fill_summary, fill_text, placeholders_in, FixValues, PLACEHOLDERS};

/// The catalog: built-in entries, possibly overlaid by a site's files ([`overlay`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    entries: BTreeMap<String, Slot>,
}

/// One entry: parsed on first use when it is built in (a run renders a few of its ~90
/// entries, and the TOML of all of them is a few ms of CPU beside Go's walk), at once when
/// a site's file made it.
#[derive(Debug, Clone)]
struct Slot {
    builtin: Option<(CauseId, &'static str)>,
    parsed: OnceLock<CheckEntry>,
}

impl Slot {
    fn parsed(entry: CheckEntry) -> Slot {
        Slot {
            builtin: None,
            parsed: OnceLock::from(entry),
        }
    }

    fn entry(&self) -> &CheckEntry {
        self.parsed.get_or_init(|| {
            let (id, text) = self
                .builtin
                .expect("a slot is either built in or parsed when made");
            parse_builtin(id, text)
        })
    }
}

impl PartialEq for Slot {
    fn eq(&self, other: &Slot) -> bool {
        self.entry() == other.entry()
    }
}

/// A built-in file, parsed and completed. The files are validated by this module's tests,
/// so a failure here is a build that skipped them: stop loudly.
fn parse_builtin(id: CauseId, text: &str) -> CheckEntry {
    let file = PathBuf::from(format!("checks/{id}.toml"));
    let entry = parse_entry(&file, text)
        .and_then(|raw| complete_entry(&file, raw))
        .unwrap_or_else(|e| panic!("built-in catalog is broken: {e}"));
    assert_eq!(
        entry.id,
        id.as_str(),
        "{}: id differs from the file name",
        file.display()
    );
    entry
}

impl Catalog {
    /// The entries compiled into the binary (validated by the tests of this module).
    pub fn builtin() -> Catalog {
        let entries = BUILTIN_FILES
            .iter()
            .map(|&(id, text)| {
                let slot = Slot {
                    builtin: Some((id, text)),
                    parsed: OnceLock::new(),
                };
                (id.as_str().to_string(), slot)
            })
            .collect();
        Catalog { entries }
    }

    /// Sets (adds or replaces) one entry.
    fn set(&mut self, entry: CheckEntry) {
        self.entries.insert(entry.id.clone(), Slot::parsed(entry));
    }

    /// The identifiers in the catalog, sorted.
    pub fn ids(&self) -> Vec<&str> {
        self.entries.keys().map(String::as_str).collect()
    }

    /// The entry with both languages.
    pub fn entry(&self, id: impl AsRef<str>) -> Option<&CheckEntry> {
        self.entries.get(id.as_ref()).map(Slot::entry)
    }

    /// The entry seen in one language.
    pub fn get(&self, id: impl AsRef<str>, lang: Lang) -> Option<Entry> {
        let e = self.entry(id)?;
        let texts = match lang {
            Lang::En => &e.en,
            Lang::Zh => &e.zh,
        };
        Some(Entry {
            id: e.id.clone(),
            kind: e.kind,
            lang,
            title: texts.title.clone(),
            summary: texts.summary.clone(),
            explanation: texts.explanation.clone(),
            warning: texts.warning.clone(),
            weakens_security: e.weakens_security,
            docs: e.docs.clone(),
            steps: e.fix.clone(),
        })
    }
}

/// The fix for one identifier, ready to print.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
    let steps = render_fix(&entry, shell, values);
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

/// No mirror is known (no race: `--no-mirrors`, an old report; or none worked): the first
/// step whose command would show the `<mirror>` hole becomes "find one with `gomod-diag
/// mirrors`", and later ones with the same hole are dropped.
pub fn mirror_hole_to_finder(fixes: &mut RenderedFixes, lang: Lang) {
    let mut replaced = false;
    fixes.steps.retain_mut(|s| {
        let hole = s.command.is_some() && s.missing.iter().any(|m| m == "mirror");
        if !hole {
            return true;
        }
        if replaced {
            return false;
        }
        replaced = true;
        s.text = match lang {
            Lang::En => "Find a module mirror that works here: `gomod-diag mirrors` races the public mirrors (checksum database included) and prints the exact GOPROXY command:",
            Lang::Zh => "先找出在这里可用的模块镜像：`gomod-diag mirrors` 会同时测试各公共镜像（包括校验和数据库）并给出确切的 GOPROXY 命令：",
        }
        .into();
        s.command = Some("gomod-diag mirrors".into());
        s.missing.retain(|m| m != "mirror");
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::Diagnosis;
    use std::path::Path;
    use template::is_known_placeholder;

    const SHELLS: [Shell; 5] = Shell::ALL;

    /// The identifiers in the tables of ROOT_CAUSES.md (`| \`id\` | meaning |`).
    fn root_cause_ids(text: &str) -> Vec<String> {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix("| `"))
            .filter_map(|l| l.split_once('`').map(|(id, _)| id.to_string()))
            .collect()
    }

    #[test]
    fn all_ids_equal_catalog_ids() {
        let cat = Catalog::builtin();
        let mut ids: Vec<&str> = ALL_IDS.to_vec();
        ids.sort();
        assert_eq!(cat.ids(), ids);
        let mut dedup = ids.clone();
        dedup.dedup();
        assert_eq!(dedup.len(), ids.len(), "duplicate id in ALL_IDS");
    }

    #[test]
    fn every_root_cause_has_an_entry() {
        // The contract lives in the repository, so a missing file is a failure, never a skip.
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ROOT_CAUSES.md");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let ids = root_cause_ids(&text);
        assert!(
            ids.len() > 50,
            "parsed only {} ids from ROOT_CAUSES.md",
            ids.len()
        );
        let missing: Vec<_> = ids
            .iter()
            .filter(|id| !ALL_IDS.contains(&id.as_str()))
            .collect();
        assert!(missing.is_empty(), "no catalog entry for {missing:?}");
    }

    #[test]
    fn files_in_checks_dir_are_all_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
        for f in std::fs::read_dir(dir).unwrap() {
            let p = f.unwrap().path();
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            assert_eq!(p.extension().unwrap(), "toml", "{}", p.display());
            assert!(
                ALL_IDS.contains(&stem.as_str()),
                "{} is not in ALL_IDS",
                p.display()
            );
        }
    }

    #[test]
    fn every_entry_is_complete_in_both_languages_and_every_shell() {
        let cat = Catalog::builtin();
        let mut problems = Vec::new();
        for id in ALL_IDS {
            let e = cat.entry(id).unwrap();
            if e.id != *id {
                problems.push(format!("{id}: file declares id {}", e.id));
            }
            if e.en == e.zh {
                problems.push(format!("{id}: [zh] is missing (same as [en])"));
            }
            for (lang, t) in [("en", &e.en), ("zh", &e.zh)] {
                if t.title.trim().is_empty() || t.explanation.trim().len() < 20 {
                    problems.push(format!("{id}: [{lang}] title/explanation too short"));
                }
            }
            if !e
                .zh
                .explanation
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            {
                problems.push(format!("{id}: [zh] explanation is not Chinese"));
            }
            if e.docs.is_empty() {
                problems.push(format!("{id}: no documentation links"));
            }
            for d in &e.docs {
                if !(d.starts_with("https://") || d.starts_with("go help ")) {
                    problems.push(format!(
                        "{id}: doc link {d:?} is neither https:// nor `go help`"
                    ));
                }
            }
            for (i, s) in e.fix.iter().enumerate() {
                if s.zh.is_none() {
                    problems.push(format!("{id}: fix step {} has no zh text", i + 1));
                }
            }
            for shell in SHELLS {
                let entry = cat.get(id, Lang::En).unwrap();
                let steps = render_fix(&entry, shell, &FixValues::new());
                if !steps.iter().any(|s| s.command.is_some()) {
                    problems.push(format!("{id}: no command for {shell:?}"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// True when a step's action switches verification off or narrows it.
    fn step_weakens(s: &StepTemplate) -> bool {
        [&s.go_env_w, &s.set_env, &s.persist_env]
            .into_iter()
            .flatten()
            .any(|a| {
                a.starts_with("GOSUMDB=off")
                    || a.starts_with("GONOSUMDB=")
                    || a.starts_with("GOINSECURE=")
                    || a.contains("-insecure")
            })
    }

    #[test]
    fn security_weakening_is_flagged_with_a_warning() {
        let cat = Catalog::builtin();
        let mut flagged = Vec::new();
        for id in ALL_IDS {
            let e = cat.entry(id).unwrap();
            for s in &e.fix {
                assert_eq!(step_weakens(s), s.weakens_security, "{id}: step {:?}", s.en);
                if s.weakens_security {
                    flagged.push(*id);
                }
            }
            if e.weakens_security || e.fix.iter().any(|s| s.weakens_security) {
                assert!(
                    e.en.warning.is_some() && e.zh.warning.is_some(),
                    "{id}: warning missing"
                );
            }
        }
        // A safer fix exists everywhere: only the private-module case offers GONOSUMDB, after GOPRIVATE.
        assert_eq!(flagged, vec![CauseId::SumdbNotFound]);
        assert!(step_weakens(&StepTemplate {
            go_env_w: Some("GOSUMDB=off".into()),
            ..Default::default()
        }));
    }

    #[test]
    fn every_placeholder_in_the_catalog_is_documented_and_filled() {
        let cat = Catalog::builtin();
        let mut all = FixValues::new();
        for (name, _, _) in PLACEHOLDERS {
            all.set(name, format!("VALUE_OF_{name}"));
        }
        let mut used = std::collections::BTreeSet::new();
        for id in ALL_IDS {
            let e = cat.entry(id).unwrap();
            for t in [&e.en, &e.zh] {
                for text in [
                    Some(&t.title),
                    t.summary.as_ref(),
                    Some(&t.explanation),
                    t.warning.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    used.extend(placeholders_in(text));
                }
            }
            for lang in [Lang::En, Lang::Zh] {
                let entry = cat.get(id, lang).unwrap();
                for shell in SHELLS {
                    for step in render_fix(&entry, shell, &all) {
                        let rendered =
                            format!("{} {}", step.text, step.command.unwrap_or_default());
                        assert!(step.missing.is_empty(), "{id}: {:?}", step.missing);
                        let unfilled = placeholders_in(&rendered);
                        assert!(
                            unfilled.is_empty(),
                            "{id} {shell:?}: {unfilled:?} left unfilled in {rendered}"
                        );
                        used.extend(
                            PLACEHOLDERS
                                .iter()
                                .filter(|(n, _, _)| rendered.contains(&format!("VALUE_OF_{n}")))
                                .map(|(n, _, _)| n.to_string()),
                        );
                    }
                }
            }
        }
        for p in &used {
            assert!(is_known_placeholder(p), "undocumented placeholder {{{p}}}");
        }
        // The documented set is not padded with names no entry uses.
        for (name, _, _) in PLACEHOLDERS {
            assert!(
                used.contains(*name),
                "placeholder {{{name}}} is documented but unused"
            );
        }
    }

    /// The literal English phrases of a template (the text between placeholders) that are
    /// long enough to be a sentence fragment: two words or more.
    fn english_fragments(template: &str) -> Vec<String> {
        let mut plain = template.to_string();
        for p in placeholders_in(template) {
            plain = plain.replace(&format!("{{{p}}}"), "\u{0}");
        }
        plain
            .split('\u{0}')
            .map(|f| f.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation()))
            .filter(|f| f.split_whitespace().count() >= 2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_entry_has_a_summary_in_both_languages() {
        let cat = Catalog::builtin();
        let mut all = FixValues::new();
        for (name, _, _) in PLACEHOLDERS {
            all.set(name, format!("VALUE_OF_{name}"));
        }
        let mut problems = Vec::new();
        for id in ALL_IDS {
            let e = cat.entry(id).unwrap();
            let (Some(en), Some(zh)) = (&e.en.summary, &e.zh.summary) else {
                problems.push(format!("{id} ({:?}): [en] and [zh] need a summary", e.kind));
                continue;
            };
            for (lang, t) in [("en", en), ("zh", zh)] {
                if let Some(p) = placeholders_in(t)
                    .into_iter()
                    .find(|p| !is_known_placeholder(p))
                {
                    problems.push(format!("{id}: [{lang}] summary uses unknown {{{p}}}"));
                }
                if t.contains('\n') || t.trim().is_empty() {
                    problems.push(format!("{id}: [{lang}] summary is not one sentence"));
                }
            }
            if !zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                problems.push(format!("{id}: [zh] summary is not Chinese: {zh}"));
            }
            let filled = fill_summary(zh, &all, Lang::Zh).unwrap();
            for f in english_fragments(en) {
                if filled.contains(&f) {
                    problems.push(format!("{id}: [zh] summary keeps English {f:?}"));
                }
            }
            if fill_summary(en, &all, Lang::En).is_none() {
                problems.push(format!("{id}: [en] summary does not fill"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // Causes (and the inconclusive verdict) must have one: overlays cannot remove it.
        assert!(ALL_IDS
            .iter()
            .any(|id| cat.entry(id).unwrap().kind == Kind::Cause));
        assert_eq!(cat.entry("inconclusive").unwrap().kind, Kind::Inconclusive);
    }

    fn diagnosis(cause: CauseId, tree_summary: &str, values: FixValues) -> Diagnosis {
        Diagnosis {
            cause,
            summary: tree_summary.into(),
            module: values.get("module").map(str::to_string),
            findings: vec![],
            evidence: vec![],
            fix_values: values,
            go_will_succeed: false,
            inconclusive: false,
            go_error: None,
        }
    }

    fn verdict_summary(d: &Diagnosis, lang: Lang) -> String {
        let catalog = Catalog::builtin();
        let style = crate::report::Style {
            catalog: &catalog,
            lang,
            shell: Shell::Bash,
        };
        crate::report::verdict(d, &style).cause.summary
    }

    #[test]
    fn zh_verdict_states_the_cause_in_chinese_with_the_real_values() {
        let tree_sentence = "The system resolver says proxy.golang.org does not exist, so Go cannot fetch golang.org/x/text@v0.14.0.";
        let d = diagnosis(
            CauseId::DnsNxdomainFiltered,
            tree_sentence,
            FixValues::new()
                .with("host", "proxy.golang.org")
                .with("module", "golang.org/x/text@v0.14.0"),
        );
        let zh = verdict_summary(&d, Lang::Zh);
        assert!(zh.contains("proxy.golang.org"), "{zh}");
        assert!(zh.contains("golang.org/x/text@v0.14.0"), "{zh}");
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
        let en_template = Catalog::builtin()
            .get(CauseId::DnsNxdomainFiltered, Lang::En)
            .unwrap()
            .summary
            .unwrap();
        let fragments = english_fragments(&en_template);
        assert!(!fragments.is_empty());
        for f in fragments {
            assert!(!zh.contains(&f), "{zh:?} keeps the English {f:?}");
        }
        // The English catalog sentence says what the tree's sentence said.
        assert_eq!(verdict_summary(&d, Lang::En), tree_sentence);
    }

    #[test]
    fn a_summary_value_that_is_unknown_keeps_the_trees_sentence() {
        // No host: the template cannot be filled, so no `{host}` or `<host name>` hole shows.
        let d = diagnosis(
            CauseId::TcpRefused,
            "Connections to the server are refused.",
            FixValues::new().with("module", "golang.org/x/text@v0.14.0"),
        );
        for lang in [Lang::En, Lang::Zh] {
            assert_eq!(
                verdict_summary(&d, lang),
                "Connections to the server are refused."
            );
        }
    }

    #[test]
    fn real_entries_render_in_every_shell_and_language() {
        let cat = Catalog::builtin();
        let values = FixValues::new()
            .with("proxy", "http://127.0.0.1:7890")
            .with("module", "git.corp.example/team/lib@v1.2.3")
            .with("pattern", "git.corp.example")
            .with("goprivate_new", "git.corp.example,*.internal.example");
        for lang in [Lang::En, Lang::Zh] {
            for shell in SHELLS {
                let e = cat.get(CauseId::ConfigPrivateNotExcluded, lang).unwrap();
                let steps = render_fix(&e, shell, &values);
                let cmds: Vec<_> = steps.iter().filter_map(|s| s.command.clone()).collect();
                assert!(
                    cmds.iter().any(|c| c.starts_with("go env -w ")
                        && c.contains("GOPRIVATE=git.corp.example,*.internal.example")),
                    "{shell:?} {lang:?}: {cmds:?}"
                );
            }
        }
    }

    #[test]
    fn renders_a_known_id_without_the_password() {
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

    #[test]
    fn english_fragments_split_at_placeholders() {
        assert_eq!(
            english_fragments("The system resolver says {host} does not exist, so Go {x}."),
            vec!["The system resolver says", "does not exist, so Go"]
        );
    }
}
