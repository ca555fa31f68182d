//! TLS-inspection products named from the CA that signs an intercepted chain: the table is
//! `data/inspection.toml` (compiled in), matched against the anchor and the chain's issuers.

use serde::Deserialize;
use std::sync::OnceLock;

use crate::probe::tls::TlsFacts;

/// One product of `data/inspection.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub name: String,
    /// corporate | antivirus | developer
    pub kind: String,
    /// Lowercase substrings of an issuer name that name this product.
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    pub example: String,
    /// Where the CA certificate comes from (English).
    pub ca: String,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    product: Vec<Product>,
}

pub const BUILTIN: &str = include_str!("../../data/inspection.toml");

/// The table in `text` (the format of `data/inspection.toml`), checked: every product has a
/// lowercase, non-empty pattern and a known kind.
pub fn parse(text: &str) -> Result<Vec<Product>, String> {
    let t: Table = toml::from_str(text).map_err(|e| format!("inspection table: {e}"))?;
    for p in &t.product {
        if !matches!(p.kind.as_str(), "corporate" | "antivirus" | "developer") {
            return Err(format!(
                "inspection table: {:?} has kind {:?}; expected corporate, antivirus or developer",
                p.name, p.kind
            ));
        }
        if p.patterns.is_empty()
            || p.patterns
                .iter()
                .any(|m| m.trim().is_empty() || *m != m.to_lowercase())
        {
            return Err(format!(
                "inspection table: {:?} needs non-empty lowercase `match` patterns",
                p.name
            ));
        }
    }
    Ok(t.product)
}

/// The built-in table.
pub fn products() -> &'static [Product] {
    static TABLE: OnceLock<Vec<Product>> = OnceLock::new();
    TABLE.get_or_init(|| parse(BUILTIN).expect("data/inspection.toml is valid (tested)"))
}

/// The product whose pattern occurs in one of `names` (issuer lines, any DN syntax).
pub fn identify<'t>(table: &'t [Product], names: &[&str]) -> Option<&'t Product> {
    let lowered: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    table.iter().find(|p| {
        p.patterns
            .iter()
            .any(|m| lowered.iter().any(|n| n.contains(m.as_str())))
    })
}

/// The product behind a handshake's chain: its anchor first, then every issuer it sent.
pub fn product_of(tls: &TlsFacts) -> Option<&'static Product> {
    let mut names: Vec<&str> = tls.anchor.iter().map(String::as_str).collect();
    names.extend(tls.chain.iter().map(|c| c.issuer.as_str()));
    identify(products(), &names)
}

/// The common name of a `CN, O=Org` / `CN=..., O=...` issuer: what an OS store is searched by.
pub fn common_name(issuer: &str) -> Option<String> {
    let cn = issuer
        .split(',')
        .map(str::trim)
        .find_map(|part| {
            part.strip_prefix("CN=")
                .or_else(|| part.strip_prefix("CN ="))
                .map(str::trim)
        })
        .or_else(|| {
            // The short form puts the bare common name first.
            let first = issuer.split(',').next()?.trim();
            (!first.contains('=')).then_some(first)
        })?;
    (!cn.is_empty()).then(|| cn.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured issuer lines (fixtures/inspection/subjects.txt) name their product; public
    /// roots name none.
    #[test]
    fn captured_subjects_name_their_product() {
        let text = include_str!("../../fixtures/inspection/subjects.txt");
        let table = products();
        let mut seen = 0;
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (want, issuer) = line.split_once('\t').expect("product<TAB>issuer");
            let got = identify(table, &[issuer]).map(|p| p.name.as_str());
            let want = (want != "-").then_some(want);
            assert_eq!(got, want, "{issuer}");
            seen += 1;
        }
        assert!(seen >= 25, "{seen} fixture lines");
    }

    #[test]
    fn every_product_matches_its_own_example() {
        for p in products() {
            assert_eq!(
                identify(products(), &[&p.example]).map(|x| &x.name),
                Some(&p.name),
                "{}",
                p.example
            );
            assert!(!p.source.is_empty() && !p.ca.is_empty(), "{}", p.name);
        }
        assert!(products().len() >= 18);
    }

    #[test]
    fn bad_tables_are_refused_with_the_reason() {
        let e = parse(
            "[[product]]\nname='X'\nkind='cloud'\nmatch=['x']\nexample='x'\nca='c'\nsource='s'\n",
        )
        .unwrap_err();
        assert!(e.contains("kind") && e.contains("\"X\""), "{e}");
        let e = parse("[[product]]\nname='X'\nkind='corporate'\nmatch=['Zscaler']\nexample='x'\nca='c'\nsource='s'\n")
            .unwrap_err();
        assert!(e.contains("lowercase"), "{e}");
        assert!(parse("nonsense =")
            .unwrap_err()
            .starts_with("inspection table:"));
    }

    #[test]
    fn common_names() {
        assert_eq!(
            common_name("Zscaler Root CA, O=Zscaler Inc.").as_deref(),
            Some("Zscaler Root CA")
        );
        assert_eq!(
            common_name("O=Cisco, CN=Cisco Umbrella Root CA").as_deref(),
            Some("Cisco Umbrella Root CA")
        );
        assert_eq!(common_name("O=Only Org"), None);
    }
}
