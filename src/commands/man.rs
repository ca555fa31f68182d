//! `gomod-diag man`: the manual page (roff), generated from the command line's own definition
//! so it never drifts from `--help`. `gomod-diag man | man -l -` reads it.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit;

pub fn run() -> anyhow::Result<u8> {
    super::out(&page())?;
    Ok(exit::SUCCESS)
}

/// The page, `.TH` first: roff prints a string definition for apostrophes before the title,
/// and `man`, `mandoc` and packagers' linters expect the title line first.
pub fn page() -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = clap_mangen::Man::new(Cli::command()).render(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let (title, rest): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with(".TH "));
    let mut page = String::new();
    for line in title.iter().chain(rest.iter()) {
        page.push_str(line);
        page.push('\n');
    }
    page
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_starts_with_the_title_and_names_every_subcommand() {
        let page = super::page();
        assert!(page.starts_with(".TH gomod-diag "), "{page:.200}");
        assert_eq!(page.matches("\n.TH ").count(), 0, "one title line");
        for sub in [
            "run",
            "env",
            "probe",
            "explain",
            "report",
            "completions",
            "man",
            "fix",
        ] {
            assert!(page.contains(sub), "the page does not mention {sub}");
        }
    }
}
