//! The catalog's only I/O: reading a `--checks DIR` for [`super::overlay`].

use std::path::{Path, PathBuf};

use super::schema::CatalogError;
use super::Catalog;

impl Catalog {
    /// The built-in catalog with the `*.toml` files of `dir` laid over it.
    pub fn with_overlay(dir: &Path) -> Result<Catalog, CatalogError> {
        Catalog::with_overlay_files(read_checks_dir(dir)?)
    }
}

/// The `*.toml` files of `dir` with their text, in name order (other files are ignored).
pub fn read_checks_dir(dir: &Path) -> Result<Vec<(PathBuf, String)>, CatalogError> {
    let err = |file: &Path, message: String| CatalogError {
        file: file.to_path_buf(),
        message,
    };
    let listing = std::fs::read_dir(dir).map_err(|e| {
        err(
            dir,
            format!(
                "cannot read the --checks directory ({e}); expected a directory of <id>.toml files"
            ),
        )
    })?;
    let mut files: Vec<PathBuf> = listing
        .filter_map(|d| d.ok().map(|d| d.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| match std::fs::read_to_string(&file) {
            Ok(text) => Ok((file, text)),
            Err(e) => Err(err(&file, format!("cannot read: {e}"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Lang;
    use crate::vocab::CauseId;

    #[test]
    fn reads_only_toml_files_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("b.toml", "id = \"tcp.refused\"\n[en]\ntitle = \"from b\"\n");
        write("a.toml", "id = \"tcp.refused\"\n[en]\ntitle = \"from a\"\n");
        write("README.txt", "not a check");
        std::fs::create_dir(dir.path().join("sub.toml")).unwrap();
        let files = read_checks_dir(dir.path()).unwrap();
        let names: Vec<_> = files.iter().map(|(p, _)| p.file_name().unwrap()).collect();
        assert_eq!(names, ["a.toml", "b.toml"]);
        assert_eq!(
            files[0].0,
            dir.path().join("a.toml"),
            "errors name the whole path"
        );
        // Two files for one id: refused, naming both (the name order would pick silently).
        let err = Catalog::with_overlay(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("a.toml") && err.contains("b.toml") && err.contains("tcp.refused"),
            "{err}"
        );
        std::fs::remove_file(dir.path().join("a.toml")).unwrap();
        let cat = Catalog::with_overlay(dir.path()).unwrap();
        assert_eq!(
            cat.get(CauseId::TcpRefused, Lang::En).unwrap().title,
            "from b"
        );
    }

    #[test]
    fn a_missing_directory_is_named() {
        let err = Catalog::with_overlay(Path::new("/nonexistent/checks")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/checks"), "{err}");
        assert!(err
            .to_string()
            .contains("cannot read the --checks directory"));
    }
}
