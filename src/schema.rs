//! The JSON Schema of the report (`docs/report.schema.json`), derived from the Rust types by
//! schemars in this test module only: `#[cfg_attr(test, derive(schemars::JsonSchema))]` sits
//! beside each serialized type, so release and dev builds never compile schemars. The types
//! whose serde form is hand-written get their schema here.
//!
//! `cargo test --lib schema::` fails when the file and the types differ;
//! `UPDATE_SCHEMA=1 cargo test --lib schema::` rewrites it.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::config::gosumdb::VerifierKey;
use crate::redact::Secret;
use crate::vocab::CauseId;

/// Where the schema is checked in, from the crate root.
pub const PATH: &str = "docs/report.schema.json";

fn masked_string(description: &str) -> Schema {
    json_schema!({ "type": "string", "description": description })
}

impl JsonSchema for Secret {
    fn schema_name() -> Cow<'static, str> {
        "Secret".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        masked_string("A value that may carry credentials, written with them masked (`xxxxx`).")
    }
}

impl JsonSchema for VerifierKey {
    fn schema_name() -> Cow<'static, str> {
        "VerifierKey".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        masked_string("A checksum database verifier key, `name+hash+key`, as in GOSUMDB.")
    }
}

impl JsonSchema for CauseId {
    fn schema_name() -> Cow<'static, str> {
        "CauseId".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A root-cause identifier of docs/ROOT_CAUSES.md.",
            "type": "string",
            "enum": crate::vocab::cause::ALL_IDS,
        })
    }
}

/// A cause identifier, or `""` for none (`vocab::cause::empty_is_none`).
pub struct CauseOrEmpty;

impl JsonSchema for CauseOrEmpty {
    fn schema_name() -> Cow<'static, str> {
        "CauseOrEmpty".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut ids: Vec<&str> = vec![""];
        ids.extend(crate::vocab::cause::ALL_IDS);
        json_schema!({
            "description": "A root-cause identifier, or \"\" for none.",
            "type": "string",
            "enum": ids,
        })
    }
}

/// The schema as checked in: pretty JSON with a trailing newline.
pub fn report_schema() -> String {
    let mut schema = schemars::schema_for!(crate::report::Report);
    schema.insert(
        "$id".into(),
        "https://gomod-diag.invalid/report.schema.json".into(),
    );
    schema.insert(
        "title".into(),
        format!(
            "gomod-diag report, schema_version {}",
            crate::report::SCHEMA_VERSION
        )
        .into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn checked_in_schema_matches_the_types() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(super::PATH);
        let want = super::report_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &want).unwrap();
            eprintln!("wrote {}", path.display());
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} differs from the report's types; regenerate it with\n\n    UPDATE_SCHEMA=1 cargo test --lib schema::\n",
            super::PATH
        );
    }
}
