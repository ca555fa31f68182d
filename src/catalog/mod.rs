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
//! # Overlays (`--checks DIR`)
//!
//! Every `*.toml` file in DIR is read. A file whose `id` exists replaces only the fields it
//! sets: scalars replace, `[en]`/`[zh]` fields replace one by one, `docs` are put before the
//! built-in ones, and `[[fix]]` steps replace the built-in steps unless
//! `fix_mode = "prepend"` or `"append"`. A file with a new id adds an entry (it needs `kind`
//! and an English title and explanation; Chinese falls back to English). Unknown fields or
//! placeholders are errors naming the file.

pub mod fixes;

pub use crate::vocab::cause::ALL_IDS;
use crate::vocab::cause::BUILTIN_FILES;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::Lang;
use crate::shell::{self, Shell};
use fixes::FixValues;

/// The placeholders templates may use, with the hole shown when no value is known (en, zh).
pub const PLACEHOLDERS: &[(&str, &str, &str)] = &[
    ("proxy", "proxy address", "代理地址"),
    (
        "proxy_auth",
        "http://<user>:<password>@proxy:port",
        "http://<用户名>:<密码>@代理:端口",
    ),
    ("module", "module@version", "模块@版本"),
    ("module_path", "module path", "模块路径"),
    ("pattern", "module path pattern", "模块路径模式"),
    ("goprivate_new", "new GOPRIVATE value", "新的 GOPRIVATE 值"),
    ("gonosumdb_new", "new GONOSUMDB value", "新的 GONOSUMDB 值"),
    ("goproxy_new", "new GOPROXY value", "新的 GOPROXY 值"),
    ("noproxy_new", "new NO_PROXY value", "新的 NO_PROXY 值"),
    (
        "mirror",
        "a module mirror that works here",
        "可用的模块镜像",
    ),
    ("ca_name", "CA name", "CA 名称"),
    (
        "ca_file",
        "path to the CA certificate (PEM)",
        "CA 证书文件路径（PEM）",
    ),
    ("host", "host name", "主机名"),
    ("addr", "host:port", "主机:端口"),
    ("url", "URL", "URL"),
    ("var", "variable name", "变量名"),
    ("value", "value", "值"),
    ("sumdb", "GOSUMDB value", "GOSUMDB 值"),
    ("vcs", "version control system", "版本控制工具"),
    ("govcs_new", "new GOVCS value", "新的 GOVCS 值"),
    // The proxy as the user configured it (`proxy` may be a corrected one), for summaries.
    ("proxy_given", "configured proxy", "所配置的代理"),
    // The local clock's offset from a server's Date, signed seconds (`+94608003`).
    ("skew_secs", "clock offset in seconds", "时钟偏差秒数"),
    // Language-neutral detail of the verdict: what was not observed (inconclusive), or the
    // modules and the source that serves each (ok).
    ("detail", "detail", "详情"),
    // The GOPROXY entries (or `direct`) that serve the modules (ok).
    ("source", "source", "来源"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// One fix step as written in a catalog file (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepTemplate {
    pub en: String,
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
pub struct CheckEntry {
    pub id: String,
    pub kind: Kind,
    pub weakens_security: bool,
    pub docs: Vec<String>,
    pub en: Texts,
    pub zh: Texts,
    pub fix: Vec<StepTemplate>,
}

/// An entry seen in one language, as returned by [`Catalog::get`].
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

/// One rendered fix step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
enum FixMode {
    #[default]
    Replace,
    Prepend,
    Append,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PartialTexts {
    title: Option<String>,
    summary: Option<String>,
    explanation: Option<String>,
    warning: Option<String>,
}

/// A file as written: every field optional so that overlays can set only some.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    kind: Option<Kind>,
    weakens_security: Option<bool>,
    docs: Option<Vec<String>>,
    en: Option<PartialTexts>,
    zh: Option<PartialTexts>,
    fix: Option<Vec<StepTemplate>>,
    fix_mode: Option<FixMode>,
}

/// The catalog: built-in entries, possibly overlaid by a site's directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    entries: BTreeMap<String, CheckEntry>,
}

impl Catalog {
    /// The entries compiled into the binary (validated by the tests of this module).
    pub fn builtin() -> Catalog {
        let mut entries = BTreeMap::new();
        for (id, text) in BUILTIN_FILES {
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
            entries.insert(entry.id.clone(), entry);
        }
        Catalog { entries }
    }

    /// The built-in catalog with the `*.toml` files of `dir` laid over it.
    pub fn with_overlay(dir: &Path) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::builtin();
        catalog.overlay(dir)?;
        Ok(catalog)
    }

    /// Lays the `*.toml` files of `dir` (in name order) over this catalog.
    pub fn overlay(&mut self, dir: &Path) -> Result<(), CatalogError> {
        let err = |file: &Path, message: String| CatalogError {
            file: file.to_path_buf(),
            message,
        };
        let listing = std::fs::read_dir(dir).map_err(|e| {
            err(
                dir,
                format!("cannot read the --checks directory ({e}); expected a directory of <id>.toml files"),
            )
        })?;
        let mut files: Vec<PathBuf> = listing
            .filter_map(|d| d.ok().map(|d| d.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| err(&file, format!("cannot read: {e}")))?;
            let raw = parse_entry(&file, &text)?;
            let merged = match self.entries.get(&raw.id) {
                Some(base) => merge_entry(&file, base.clone(), raw)?,
                None => complete_entry(&file, raw)?,
            };
            self.entries.insert(merged.id.clone(), merged);
        }
        Ok(())
    }

    /// The identifiers in the catalog, sorted.
    pub fn ids(&self) -> Vec<&str> {
        self.entries.keys().map(String::as_str).collect()
    }

    /// The entry with both languages.
    pub fn entry(&self, id: impl AsRef<str>) -> Option<&CheckEntry> {
        self.entries.get(id.as_ref())
    }

    /// The entry seen in one language.
    pub fn get(&self, id: impl AsRef<str>, lang: Lang) -> Option<Entry> {
        let e = self.entries.get(id.as_ref())?;
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

fn parse_entry(file: &Path, text: &str) -> Result<RawEntry, CatalogError> {
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
fn complete_entry(file: &Path, raw: RawEntry) -> Result<CheckEntry, CatalogError> {
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

fn check_warning(file: &Path, e: &CheckEntry) -> Result<(), CatalogError> {
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
fn actions(step: &StepTemplate) -> Vec<(&'static str, &str)> {
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
fn raw_commands(step: &StepTemplate) -> Vec<(&'static str, &str)> {
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

fn is_known_placeholder(name: &str) -> bool {
    PLACEHOLDERS.iter().any(|(n, _, _)| *n == name)
}

/// The `{name}` placeholders in a template (lower-case letters and `_` only, so that
/// PowerShell script blocks such as `{ $_.Name }` are not mistaken for placeholders).
pub fn placeholders_in(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_placeholder_name(&after[..close]) => {
                out.push(after[..close].to_string());
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

fn is_placeholder_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// Fills placeholders: values are redacted; missing ones become `<hole>` and are recorded.
fn fill(template: &str, values: &FixValues, lang: Lang, missing: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_placeholder_name(&after[..close]) => {
                let name = &after[..close];
                match values.get(name) {
                    Some(v) => out.push_str(&crate::redact::redact_text(v)),
                    None => {
                        out.push_str(&hole(name, lang));
                        if !missing.iter().any(|m| m == name) {
                            missing.push(name.to_string());
                        }
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fills the placeholders of a title or explanation (no shell quoting; values redacted;
/// missing values become `<holes>`).
pub fn fill_text(template: &str, values: &FixValues, lang: Lang) -> String {
    fill(template, values, lang, &mut Vec::new())
}

/// Fills a `summary` template: values redacted. None when a placeholder it uses has no value
/// (the caller then keeps the decision tree's sentence rather than print a `<hole>`).
pub fn fill_summary(template: &str, values: &FixValues, lang: Lang) -> Option<String> {
    let mut missing = Vec::new();
    let text = fill(template.trim(), values, lang, &mut missing);
    missing.is_empty().then_some(text)
}

fn hole(name: &str, lang: Lang) -> String {
    let label = PLACEHOLDERS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, en, zh)| if lang == Lang::Zh { *zh } else { *en })
        .unwrap_or(name);
    format!("<{label}>")
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

/// The entry's fix steps for `shell`, placeholders filled (see the module documentation).
pub fn render_fix(entry: &Entry, shell: Shell, values: &FixValues) -> Vec<FixStep> {
    entry
        .steps
        .iter()
        .filter(|s| applies_to(s, shell))
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
    use crate::diagnose::Diagnosis;
    use crate::vocab::CauseId;

    const SHELLS: [Shell; 5] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Cmd,
    ];

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

    #[test]
    fn summaries_fill_only_when_every_value_is_known() {
        let values = FixValues::new()
            .with("host", "proxy.golang.org")
            .with("proxy_given", "http://bob:hunter2@10.0.0.1:3128");
        assert_eq!(
            fill_summary("{host} is down.", &values, Lang::En).as_deref(),
            Some("proxy.golang.org is down.")
        );
        assert_eq!(
            fill_summary("{host} and {module}.", &values, Lang::En),
            None
        );
        let redacted = fill_summary("代理 {proxy_given} 无法连接。", &values, Lang::Zh).unwrap();
        assert!(!redacted.contains("hunter2"), "{redacted}");
        assert!(redacted.contains("10.0.0.1:3128"), "{redacted}");
        assert_eq!(
            english_fragments("The system resolver says {host} does not exist, so Go {x}."),
            vec!["The system resolver says", "does not exist, so Go"]
        );
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
    fn placeholders_are_parsed_and_validated() {
        assert_eq!(
            placeholders_in("a {proxy} b {module_path}"),
            vec!["proxy", "module_path"]
        );
        assert!(placeholders_in("Where-Object { $_.Name }").is_empty());
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
    }

    fn render_one(step: StepTemplate, shell: Shell, values: &FixValues) -> FixStep {
        let entry = Entry {
            id: "t.t".into(),
            kind: Kind::Cause,
            lang: Lang::En,
            title: String::new(),
            summary: None,
            explanation: String::new(),
            warning: None,
            weakens_security: false,
            docs: vec![],
            steps: vec![step],
        };
        render_fix(&entry, shell, values).remove(0)
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
        let entry = Entry {
            id: "t.t".into(),
            kind: Kind::Cause,
            lang: Lang::En,
            title: String::new(),
            summary: None,
            explanation: String::new(),
            warning: None,
            weakens_security: false,
            docs: vec![],
            steps: vec![
                step,
                StepTemplate {
                    en: "Instruction".into(),
                    ..Default::default()
                },
            ],
        };
        assert_eq!(render_fix(&entry, Shell::Bash, &FixValues::new()).len(), 1);
        assert_eq!(render_fix(&entry, Shell::Cmd, &FixValues::new()).len(), 2);
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

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn overlay_overrides_fields_and_adds_entries() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
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
        );
        write(
            dir.path(),
            "corp.vpn_down.toml",
            r#"
id = "corp.vpn_down"
kind = "cause"
docs = ["https://wiki.corp.example/vpn"]
[en]
title = "The corporate VPN is not connected"
explanation = "Internal module hosts resolve only on the VPN."
"#,
        );
        write(dir.path(), "README.txt", "not a check");
        let cat = Catalog::with_overlay(dir.path()).unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.toml",
            "id = \"proxy.unreachable\"\n[[fix]]\nen = \"Call the helpdesk\"\nzh = \"联系服务台\"\n",
        );
        let cat = Catalog::with_overlay(dir.path()).unwrap();
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
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), name, text);
            let err = Catalog::with_overlay(dir.path()).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(name), "{name}: {msg}");
            assert!(msg.contains(want), "{name}: {msg}");
        }
        let err = Catalog::with_overlay(Path::new("/nonexistent/checks")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/checks"));
    }
}
