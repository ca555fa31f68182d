//! GOSUMDB parsing as cmd/go/internal/modfetch/sumdb.go's dbDial, and note verifier keys as
//! golang.org/x/mod/sumdb/note.NewVerifier checks them (key hash included).

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::gourl;
use crate::redact::Secret;

/// The built-in key for exactly `sum.golang.org` (cmd/go/internal/modfetch/key.go).
pub const SUM_GOLANG_ORG_KEY: &str =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

impl Serialize for VerifierKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for VerifierKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<VerifierKey, D::Error> {
        let text = String::deserialize(d)?;
        parse_verifier_key(&text).map_err(serde::de::Error::custom)
    }
}

/// A parsed note verifier key `name+hash+base64(0x01 || ed25519 key)`. Serialized as its
/// text (a public key: nothing to mask).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    /// First 4 bytes of SHA-256(name + "\n" + 0x01 || key), big-endian (checked).
    pub hash: u32,
    /// The ed25519 public key.
    pub public_key: [u8; 32],
    /// The key text as given.
    pub text: String,
}

/// GOSUMDB as cmd/go uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SumdbConfig {
    /// GOSUMDB=off: the checksum database is never consulted.
    Off,
    On {
        /// The database name (the key's name), e.g. `sum.golang.org`.
        name: String,
        key: VerifierKey,
        /// An explicit URL from GOSUMDB (`key url`): used directly, bypassing GOPROXY.
        /// None: reached through the GOPROXY list, else `https://<name>`. May hold
        /// credentials: shown and serialized masked.
        url: Option<Secret>,
    },
}

impl SumdbConfig {
    /// `https://<name>`: where cmd/go goes when no proxy serves the database.
    pub fn direct_url(&self) -> Option<String> {
        match self {
            SumdbConfig::Off => None,
            SumdbConfig::On { name, .. } => Some(format!("https://{name}")),
        }
    }
}

/// Parses GOSUMDB with cmd/go's error texts, in dbDial's order.
pub fn parse_gosumdb(gosumdb: &str) -> Result<SumdbConfig, String> {
    // The one alias cmd/go knows: reachable inside mainland China.
    let gosumdb = if gosumdb == "sum.golang.google.cn" {
        "sum.golang.org https://sum.golang.google.cn"
    } else {
        gosumdb
    };
    if gosumdb == "off" {
        return Ok(SumdbConfig::Off);
    }
    let mut fields: Vec<&str> = gosumdb
        .split(char::is_whitespace)
        .filter(|f| !f.is_empty())
        .collect();
    if fields.first() == Some(&"sum.golang.org") {
        fields[0] = SUM_GOLANG_ORG_KEY;
    }
    if fields.is_empty() {
        return Err("missing GOSUMDB".into());
    }
    if fields.len() > 2 {
        return Err("invalid GOSUMDB: too many fields".into());
    }
    let key = parse_verifier_key(fields[0]).map_err(|e| format!("invalid GOSUMDB: {e}"))?;
    let name = key.name.clone();
    // "No funny business in the database name": it must be host[/path].
    let direct = gourl::parse(&format!("https://{name}"));
    let name_ok = match &direct {
        Ok(u) => {
            !name.ends_with('/')
                && u.opaque.is_empty()
                && u.username.is_none()
                && !u.host.is_empty()
                && !u.omit_host
                && !u.force_query
                && u.raw_query.is_empty()
                && u.fragment.is_empty()
                && u.raw_path == u.path
        }
        Err(_) => false,
    };
    if !name_ok {
        // Go appends a dump of its url.URL struct here; the name is what matters.
        return Err(format!("invalid sumdb name (must be host[/path]): {name}"));
    }
    let url = match fields.get(1) {
        Some(u) => {
            gourl::parse_masked(u).map_err(|e| format!("invalid GOSUMDB URL: {e}"))?;
            Some(Secret::new(*u))
        }
        None => None,
    };
    Ok(SumdbConfig::On { name, key, url })
}

/// note.NewVerifier's errors.
const ERR_VERIFIER_ID: &str = "malformed verifier id";
const ERR_VERIFIER_ALG: &str = "unknown verifier algorithm";
const ERR_VERIFIER_HASH: &str = "invalid verifier hash";

/// Go's base64.StdEncoding: padded, non-zero trailing bits tolerated.
const GO_STD_BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// SHA-256(name + "\n" + key)[..4] as a big-endian u32 (note.keyHash).
pub fn key_hash(name: &str, key: &[u8]) -> u32 {
    let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    ctx.update(name.as_bytes());
    ctx.update(b"\n");
    ctx.update(key);
    let sum = ctx.finish();
    let b = sum.as_ref();
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Parses and checks a verifier key (x/mod/sumdb/note.NewVerifier), with its error texts.
pub fn parse_verifier_key(text: &str) -> Result<VerifierKey, String> {
    let (name, rest) = text.split_once('+').unwrap_or((text, ""));
    let (hash16, key64) = rest.split_once('+').unwrap_or((rest, ""));
    let hash = if hash16.len() == 8 && hash16.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(hash16, 16).ok()
    } else {
        None
    };
    // Go's decoder skips '\r' and '\n'.
    let key64: String = key64.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let key = GO_STD_BASE64.decode(key64.as_bytes()).ok();
    let valid_name =
        !name.is_empty() && !name.chars().any(char::is_whitespace) && !name.contains('+');
    let (Some(hash), Some(key)) = (hash, key) else {
        return Err(ERR_VERIFIER_ID.into());
    };
    if !valid_name || key.is_empty() {
        return Err(ERR_VERIFIER_ID.into());
    }
    if hash != key_hash(name, &key) {
        return Err(ERR_VERIFIER_HASH.into());
    }
    if key[0] != 1 {
        return Err(ERR_VERIFIER_ALG.into());
    }
    let public_key: [u8; 32] = key[1..]
        .try_into()
        .map_err(|_| ERR_VERIFIER_ID.to_string())?;
    Ok(VerifierKey {
        name: name.to_string(),
        hash,
        public_key,
        text: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A well-formed key for the name with a correct hash.
    fn make_key(name: &str, alg: u8, len: usize) -> String {
        let mut key = vec![alg];
        key.extend((0..len).map(|i| i as u8));
        format!(
            "{name}+{:08x}+{}",
            key_hash(name, &key),
            base64::engine::general_purpose::STANDARD.encode(&key)
        )
    }

    #[test]
    fn builtin_key_parses_and_its_hash_checks() {
        let k = parse_verifier_key(SUM_GOLANG_ORG_KEY).unwrap();
        assert_eq!(k.name, "sum.golang.org");
        assert_eq!(k.hash, 0x033de0ae);
        assert_eq!(k.public_key.len(), 32);
        match parse_gosumdb("sum.golang.org").unwrap() {
            SumdbConfig::On { name, key, url } => {
                assert_eq!(name, "sum.golang.org");
                assert_eq!(key.text, SUM_GOLANG_ORG_KEY);
                assert_eq!(url, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn alias_off_and_explicit_url() {
        match parse_gosumdb("sum.golang.google.cn").unwrap() {
            SumdbConfig::On { name, url, .. } => {
                assert_eq!(name, "sum.golang.org");
                assert_eq!(url.unwrap().expose(), "https://sum.golang.google.cn");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parse_gosumdb("off"), Ok(SumdbConfig::Off));
        let custom = make_key("sum.corp.example", 1, 32);
        match parse_gosumdb(&format!("  {custom}\thttps://sumdb.corp.example/x ")).unwrap() {
            SumdbConfig::On { name, url, key } => {
                assert_eq!(name, "sum.corp.example");
                assert_eq!(url.unwrap().expose(), "https://sumdb.corp.example/x");
                assert_eq!(key.public_key[31], 31);
            }
            other => panic!("{other:?}"),
        }
        // A key for sum.golang.org at another URL (a mirror).
        assert!(matches!(
            parse_gosumdb("sum.golang.org https://mirror.example"),
            Ok(SumdbConfig::On { url: Some(_), .. })
        ));
    }

    #[test]
    fn error_texts_match_go() {
        let good = make_key("sum.corp.example", 1, 32);
        let mut bad_hash = good.clone();
        // Change one hex digit of the hash.
        let i = "sum.corp.example+".len();
        let c = if &bad_hash[i..i + 1] == "0" { "1" } else { "0" };
        bad_hash.replace_range(i..i + 1, c);
        let cases: Vec<(String, &str)> =
            vec![
            ("".into(), "missing GOSUMDB"),
            ("   ".into(), "missing GOSUMDB"),
            ("a b c".into(), "invalid GOSUMDB: too many fields"),
            ("sum.example.com".into(), "invalid GOSUMDB: malformed verifier id"),
            ("Off".into(), "invalid GOSUMDB: malformed verifier id"),
            ("x+0000000g+AQ==".into(), "invalid GOSUMDB: malformed verifier id"),
            ("x+123+AQ==".into(), "invalid GOSUMDB: malformed verifier id"),
            ("x+12345678+!!".into(), "invalid GOSUMDB: malformed verifier id"),
            ("x+12345678+".into(), "invalid GOSUMDB: malformed verifier id"),
            (bad_hash, "invalid GOSUMDB: invalid verifier hash"),
            (make_key("n", 2, 32), "invalid GOSUMDB: unknown verifier algorithm"),
            (make_key("n", 1, 31), "invalid GOSUMDB: malformed verifier id"),
            (
                format!("{good} https://x:abc"),
                "invalid GOSUMDB URL: parse \"https://x:abc\": invalid port \":abc\" after host",
            ),
            (
                make_key("bad name/", 1, 32).replacen("bad name/", "bad/", 0),
                "invalid GOSUMDB: malformed verifier id",
            ),
            (
                make_key("sum.example/", 1, 32),
                "invalid sumdb name (must be host[/path]): sum.example/",
            ),
            (
                make_key("u@sum.example", 1, 32),
                "invalid sumdb name (must be host[/path]): u@sum.example",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_gosumdb(&input),
                Err(want.to_string()),
                "GOSUMDB={input:?}"
            );
        }
    }

    #[test]
    fn explicit_url_credentials_are_redacted_in_errors() {
        let good = make_key("sum.corp.example", 1, 32);
        let err = parse_gosumdb(&format!("{good} https://u:secret@x:abc")).unwrap_err();
        assert!(!err.contains("secret"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}", t in "[a-z0-9+/= .:]{0,40}") {
            let _ = parse_gosumdb(&s);
            let _ = parse_gosumdb(&t);
            let _ = parse_verifier_key(&t);
        }
    }
}
