//! The typed vocabulary of causes. `CauseId` is generated from `checks/` by `build.rs`: one
//! variant per catalog file, serialized as its public `area.name` identifier (the contract in
//! `docs/ROOT_CAUSES.md`). Site overlays (`--checks DIR`) may add entries with other ids; those
//! live in the catalog as strings and are never produced by the decision code.

use std::fmt;

include!(concat!(env!("OUT_DIR"), "/cause_ids.rs"));

impl CauseId {
    /// The identifier for a public `area.name` string, if it is built in.
    pub fn from_id(id: &str) -> Option<CauseId> {
        CauseId::ALL.iter().copied().find(|c| c.as_str() == id)
    }
}

/// `a.b, c.d`: identifiers for a line of text.
pub fn join(ids: &[CauseId]) -> String {
    ids.iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for CauseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for CauseId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for CauseId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CauseId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for CauseId {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<CauseId> for str {
    fn eq(&self, other: &CauseId) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<CauseId> for &str {
    fn eq(&self, other: &CauseId) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<CauseId> for String {
    fn eq(&self, other: &CauseId) -> bool {
        self == other.as_str()
    }
}

impl std::str::FromStr for CauseId {
    type Err = UnknownCause;
    fn from_str(s: &str) -> Result<CauseId, UnknownCause> {
        CauseId::from_id(s).ok_or_else(|| UnknownCause(s.to_string()))
    }
}

/// A string that is not a built-in identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCause(pub String);

impl fmt::Display for UnknownCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown cause identifier {:?} (expected an `area.name` id from docs/ROOT_CAUSES.md)",
            self.0
        )
    }
}

impl std::error::Error for UnknownCause {}

impl serde::Serialize for CauseId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for CauseId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CauseId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde for an optional cause written as a string that is empty when there is none (the
/// facts record's format since schema 1).
pub mod empty_is_none {
    use super::CauseId;

    pub fn serialize<S: serde::Serializer>(v: &Option<CauseId>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.map_or("", CauseId::as_str))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<CauseId>, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        if s.is_empty() {
            return Ok(None);
        }
        s.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_strings() {
        for &c in CauseId::ALL {
            assert_eq!(CauseId::from_id(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{c}\""));
            assert_eq!(serde_json::from_str::<CauseId>(&json).unwrap(), c);
        }
        assert_eq!(CauseId::TcpRefused.as_str(), "tcp.refused");
        assert_eq!(CauseId::TcpRefused.area(), Area::Tcp);
        assert_eq!(CauseId::Ok.area(), Area::Ok);
    }

    #[test]
    fn an_unknown_id_is_refused_with_its_name() {
        let e = serde_json::from_str::<CauseId>("\"redirect\"").unwrap_err();
        assert!(e.to_string().contains("\"redirect\""), "{e}");
    }
}
