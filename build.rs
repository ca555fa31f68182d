//! Generates the cause vocabulary from the catalog: one `CauseId` variant per `checks/<id>.toml`,
//! so adding a root cause is adding its catalog file — the compiler then points at every
//! `match` that must learn it. Output: `$OUT_DIR/cause_ids.rs`, included by `src/vocab/cause.rs`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut ids: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("checks/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            println!("cargo:rerun-if-changed={}", p.display());
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("catalog file is readable");
            (id, english_title(&text))
        })
        .collect();
    ids.sort();
    for (id, _) in &ids {
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'),
            "checks/{id}.toml: an id is lowercase `area.name`"
        );
    }

    let mut out = String::new();
    out.push_str(
        "/// A root cause, finding or verdict of the built-in catalog (`checks/<id>.toml`).\n",
    );
    out.push_str(
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum CauseId {\n",
    );
    for (id, title) in &ids {
        writeln!(out, "    /// `{id}`: {title}\n    {},", variant(id)).unwrap();
    }
    out.push_str("}\n\nimpl CauseId {\n    /// Every built-in identifier, sorted by name.\n    pub const ALL: &'static [CauseId] = &[\n");
    for (id, _) in &ids {
        writeln!(out, "        CauseId::{},", variant(id)).unwrap();
    }
    out.push_str("    ];\n\n    /// The public identifier, `area.name`.\n    pub const fn as_str(self) -> &'static str {\n        match self {\n");
    for (id, _) in &ids {
        writeln!(out, "            CauseId::{} => \"{id}\",", variant(id)).unwrap();
    }
    out.push_str("        }\n    }\n}\n\n/// The catalog file of every built-in identifier, compiled in.\npub(crate) const BUILTIN_FILES: &[(CauseId, &str)] = &[\n");
    for (id, _) in &ids {
        writeln!(
            out,
            "    (CauseId::{}, include_str!({:?})),",
            variant(id),
            dir.join(format!("{id}.toml")).display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n\n");
    // The areas (`tcp` of `tcp.refused`; `ok` and `inconclusive` are their own).
    let mut areas: Vec<&str> = ids
        .iter()
        .map(|(id, _)| id.split('.').next().unwrap())
        .collect();
    areas.dedup();
    areas.sort();
    areas.dedup();
    out.push_str("/// The part of the network or configuration a cause belongs to (`tcp` of `tcp.refused`).\n#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum Area {\n");
    for a in &areas {
        writeln!(out, "    {},", variant(a)).unwrap();
    }
    out.push_str("}\n\nimpl CauseId {\n    /// The area before the dot.\n    pub const fn area(self) -> Area {\n        match self {\n");
    for (id, _) in &ids {
        writeln!(
            out,
            "            CauseId::{} => Area::{},",
            variant(id),
            variant(id.split('.').next().unwrap())
        )
        .unwrap();
    }
    out.push_str("        }\n    }\n}\n\n/// Every built-in identifier as its public string, sorted.\npub const ALL_IDS: &[&str] = &[\n");
    for (id, _) in &ids {
        writeln!(out, "    \"{id}\",").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("cause_ids.rs");
    std::fs::write(dest, out).unwrap();
}

/// `dns.nxdomain_filtered` → `DnsNxdomainFiltered`.
fn variant(id: &str) -> String {
    id.split(['.', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The `title` of the `[en]` table, for the variant's doc comment (a line scan: the full
/// file is parsed and validated by the catalog at run time and by its tests).
fn english_title(text: &str) -> String {
    let mut in_en = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_en = line == "[en]";
        } else if in_en {
            if let Some(v) = line.strip_prefix("title = ") {
                return v.trim_matches('"').replace('`', "'");
            }
        }
    }
    String::new()
}
