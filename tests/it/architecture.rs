//! The layout's promises (docs/DESIGN.md), checked on the source: no production file longer
//! than 800 lines (counted before its test module), and cause identifiers spelled as strings
//! only in the vocabulary (`src/vocab`), which the compiler checks.

use std::path::{Path, PathBuf};

use gomod_diag::vocab::cause::ALL_IDS;

const MAX_PRODUCTION_LINES: usize = 800;
/// String literals naming a cause outside `src/vocab` (e.g. a user-facing example).
const MAX_ID_LITERALS: usize = 10;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The lines of a file before its `#[cfg(test)]` module.
fn production_part(text: &str) -> Vec<&str> {
    text.lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .collect()
}

fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(root).unwrap().to_path_buf(), text)
        })
        .collect()
}

#[test]
fn no_production_file_is_longer_than_800_lines() {
    let long: Vec<String> = sources()
        .iter()
        .map(|(p, t)| (p, production_part(t).len()))
        .filter(|(_, n)| *n > MAX_PRODUCTION_LINES)
        .map(|(p, n)| format!("{} ({n} lines)", p.display()))
        .collect();
    assert!(
        long.is_empty(),
        "split these by job (docs/DESIGN.md): {long:?}"
    );
}

#[test]
fn cause_ids_are_typed_outside_the_vocabulary() {
    let mut found = vec![];
    for (p, text) in sources() {
        if p.starts_with("src/vocab") {
            continue;
        }
        for (i, line) in production_part(&text).iter().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for id in ALL_IDS.iter().filter(|id| id.contains('.')) {
                if line.contains(&format!("\"{id}\"")) {
                    found.push(format!("{}:{}: {id}", p.display(), i + 1));
                }
            }
        }
    }
    assert!(
        found.len() <= MAX_ID_LITERALS,
        "{} cause ids spelled as strings (use vocab::CauseId): {found:#?}",
        found.len()
    );
}

#[test]
fn the_counters_see_what_they_count() {
    // A failure above must not be hidden by a scanner that reads nothing.
    let files = sources();
    assert!(files.len() > 40, "{} source files", files.len());
    let text = "fn a() {}\n#[cfg(test)]\nmod tests {}\n";
    assert_eq!(production_part(text), vec!["fn a() {}"]);
}
