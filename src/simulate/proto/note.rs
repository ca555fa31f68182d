//! Signed notes (golang.org/x/mod/sumdb/note): the format of the checksum database's signed
//! tree heads, with Ed25519 verifier keys `<name>+<hash8>+<base64(0x01 || pubkey)>`.
//!
//! Error texts match Go's, because they end up inside the error Go prints.

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::Engine;

/// The built-in key of sum.golang.org (cmd/go/internal/modfetch knownGOSUMDB).
pub const SUM_GOLANG_ORG_KEY: &str =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

const ALG_ED25519: u8 = 1;
const SIG_PREFIX: &str = "\u{2014} ";

pub const ERR_MALFORMED_NOTE: &str = "malformed note";
pub const ERR_VERIFIER_ID: &str = "malformed verifier id";
pub const ERR_VERIFIER_HASH: &str = "invalid verifier hash";
pub const ERR_VERIFIER_ALG: &str = "unknown verifier algorithm";
pub const ERR_MISMATCHED_VERIFIER: &str = "verifier name or hash doesn't match signature";
pub const ERR_NO_VERIFIABLE: &str = "note has no verifiable signatures";

fn b64() -> base64::engine::general_purpose::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The first 4 bytes (big-endian) of SHA-256(name || "\n" || key), key = alg byte || public key.
pub fn key_hash(name: &str, key: &[u8]) -> u32 {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(name.as_bytes());
    ctx.update(b"\n");
    ctx.update(key);
    let d = ctx.finish();
    u32::from_be_bytes([d.as_ref()[0], d.as_ref()[1], d.as_ref()[2], d.as_ref()[3]])
}

/// A name is non-empty, has no white space and no `+`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(char::is_whitespace) && !name.contains('+')
}

/// A parsed verifier key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    pub name: String,
    pub hash: u32,
    /// The Ed25519 public key (32 bytes).
    pub public_key: Vec<u8>,
}

impl Verifier {
    /// Parses `<name>+<hash>+<key>` exactly as `note.NewVerifier` does.
    pub fn parse(vkey: &str) -> Result<Verifier, String> {
        let (name, rest) = vkey.split_once('+').unwrap_or((vkey, ""));
        let (hash16, key64) = rest.split_once('+').unwrap_or((rest, ""));
        let hash = u32::from_str_radix(hash16, 16);
        let key = b64().decode(key64);
        let (Ok(hash), Ok(key)) = (hash, key) else {
            return Err(ERR_VERIFIER_ID.into());
        };
        if !is_valid_name(name)
            || hash16.len() != 8
            || !hash16.bytes().all(|b| b.is_ascii_hexdigit())
            || key.is_empty()
        {
            return Err(ERR_VERIFIER_ID.into());
        }
        if key_hash(name, &key) != hash {
            return Err(ERR_VERIFIER_HASH.into());
        }
        if key[0] != ALG_ED25519 {
            return Err(ERR_VERIFIER_ALG.into());
        }
        if key.len() != 33 {
            return Err(ERR_VERIFIER_ID.into());
        }
        Ok(Verifier {
            name: name.to_string(),
            hash,
            public_key: key[1..].to_vec(),
        })
    }

    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        UnparsedPublicKey::new(&signature::ED25519, &self.public_key)
            .verify(msg, sig)
            .is_ok()
    }

    /// `name+hash+base64(0x01||key)`.
    pub fn key_string(&self) -> String {
        let mut k = vec![ALG_ED25519];
        k.extend_from_slice(&self.public_key);
        format!("{}+{:08x}+{}", self.name, self.hash, b64().encode(k))
    }
}

/// A signing key (used by the fixture checksum database and by tests).
pub struct Signer {
    pub name: String,
    pub hash: u32,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({}+{:08x})", self.name, self.hash)
    }
}

impl Signer {
    /// From an Ed25519 seed (32 bytes).
    pub fn from_seed(name: &str, seed: &[u8]) -> Result<Signer, String> {
        if !is_valid_name(name) {
            return Err(ERR_VERIFIER_ID.into());
        }
        let pair = Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| "invalid seed")?;
        let mut k = vec![ALG_ED25519];
        k.extend_from_slice(pair.public_key().as_ref());
        Ok(Signer {
            name: name.to_string(),
            hash: key_hash(name, &k),
            pair,
        })
    }

    /// A fresh random key.
    pub fn generate(name: &str) -> Result<Signer, String> {
        let mut seed = [0u8; 32];
        aws_lc_rs::rand::fill(&mut seed).map_err(|_| "no randomness")?;
        Signer::from_seed(name, &seed)
    }

    /// Parses Go's `PRIVATE+KEY+<name>+<hash>+<base64(0x01||seed)>` signer key.
    pub fn parse(skey: &str) -> Result<Signer, String> {
        let rest = skey.strip_prefix("PRIVATE+KEY+").ok_or(ERR_VERIFIER_ID)?;
        let (name, rest) = rest.split_once('+').ok_or(ERR_VERIFIER_ID)?;
        let (hash16, key64) = rest.split_once('+').ok_or(ERR_VERIFIER_ID)?;
        let key = b64().decode(key64).map_err(|_| ERR_VERIFIER_ID)?;
        if hash16.len() != 8 || key.len() != 33 || key[0] != ALG_ED25519 {
            return Err(ERR_VERIFIER_ID.into());
        }
        let hash = u32::from_str_radix(hash16, 16).map_err(|_| ERR_VERIFIER_ID)?;
        let s = Signer::from_seed(name, &key[1..])?;
        if s.hash != hash {
            return Err(ERR_VERIFIER_HASH.into());
        }
        Ok(s)
    }

    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            hash: self.hash,
            public_key: self.pair.public_key().as_ref().to_vec(),
        }
    }

    /// The verifier key text, as written in GOSUMDB.
    pub fn verifier_key(&self) -> String {
        self.verifier().key_string()
    }

    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.pair.sign(msg).as_ref().to_vec()
    }

    /// The signature line for `text` (`— name base64(hash||sig)\n`).
    pub fn signature_line(&self, text: &str) -> String {
        let mut blob = self.hash.to_be_bytes().to_vec();
        blob.extend(self.sign(text.as_bytes()));
        format!("{SIG_PREFIX}{} {}\n", self.name, b64().encode(blob))
    }

    /// A complete signed note: text (must end in `\n`), blank line, signature line.
    pub fn sign_note(&self, text: &str) -> Result<String, String> {
        if !text.ends_with('\n') {
            return Err(ERR_MALFORMED_NOTE.into());
        }
        Ok(format!("{text}\n{}", self.signature_line(text)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Signature {
    pub name: String,
    pub hash: u32,
    pub base64: String,
}

/// An opened note: its text and which signatures verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub sigs: Vec<Signature>,
    pub unverified_sigs: Vec<Signature>,
}

/// Why a note did not open; `to_string()` is Go's error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteError {
    Malformed,
    MismatchedVerifier,
    AmbiguousKey { name: String, hash: u32 },
    InvalidSignature { name: String, hash: u32 },
    NoVerifiableSignatures { unverified: Vec<Signature> },
}

impl std::fmt::Display for NoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoteError::Malformed => f.write_str(ERR_MALFORMED_NOTE),
            NoteError::MismatchedVerifier => f.write_str(ERR_MISMATCHED_VERIFIER),
            NoteError::AmbiguousKey { name, hash } => write!(f, "ambiguous key {name}+{hash:08x}"),
            NoteError::InvalidSignature { name, hash } => {
                write!(f, "invalid signature for key {name}+{hash:08x}")
            }
            NoteError::NoVerifiableSignatures { .. } => f.write_str(ERR_NO_VERIFIABLE),
        }
    }
}

/// Opens a signed note with the known verifiers, following `note.Open`: the text must be
/// UTF-8 without control characters other than `\n`, end in a signature block after a blank
/// line; unknown keys are recorded as unverified; a known key with a bad signature fails.
pub fn open(msg: &[u8], known: &[Verifier]) -> Result<Note, NoteError> {
    let s = std::str::from_utf8(msg).map_err(|_| NoteError::Malformed)?;
    if s.chars().any(|c| (c as u32) < 0x20 && c != '\n') {
        return Err(NoteError::Malformed);
    }
    let split = s.rfind("\n\n").ok_or(NoteError::Malformed)?;
    let (text, mut sigs) = (&s[..split + 1], &s[split + 2..]);
    if sigs.is_empty() || !sigs.ends_with('\n') {
        return Err(NoteError::Malformed);
    }
    let mut note = Note {
        text: text.to_string(),
        sigs: vec![],
        unverified_sigs: vec![],
    };
    let mut seen: Vec<(String, u32)> = vec![];
    let mut seen_unverified: Vec<String> = vec![];
    let mut count = 0;
    while let Some(i) = sigs.find('\n') {
        let line = &sigs[..i];
        sigs = &sigs[i + 1..];
        let body = line.strip_prefix(SIG_PREFIX).ok_or(NoteError::Malformed)?;
        let (name, sig64) = body.split_once(' ').unwrap_or((body, ""));
        let sig = b64().decode(sig64);
        let sig = match sig {
            Ok(sig) if is_valid_name(name) && !sig64.is_empty() && sig.len() >= 5 => sig,
            _ => return Err(NoteError::Malformed),
        };
        let hash = u32::from_be_bytes([sig[0], sig[1], sig[2], sig[3]]);
        count += 1;
        if count > 100 {
            return Err(NoteError::Malformed);
        }
        let matches: Vec<&Verifier> = known
            .iter()
            .filter(|v| v.name == name && v.hash == hash)
            .collect();
        let signature = Signature {
            name: name.to_string(),
            hash,
            base64: sig64.to_string(),
        };
        match matches.len() {
            0 => {
                if !seen_unverified.iter().any(|l| l == body) {
                    seen_unverified.push(body.to_string());
                    note.unverified_sigs.push(signature);
                }
                continue;
            }
            1 => {}
            _ => {
                return Err(NoteError::AmbiguousKey {
                    name: name.to_string(),
                    hash,
                })
            }
        }
        let v = matches[0];
        if seen.iter().any(|(n, h)| n == name && *h == hash) {
            continue;
        }
        seen.push((name.to_string(), hash));
        if !v.verify(text.as_bytes(), &sig[4..]) {
            return Err(NoteError::InvalidSignature {
                name: name.to_string(),
                hash,
            });
        }
        note.sigs.push(signature);
    }
    if note.sigs.is_empty() {
        return Err(NoteError::NoVerifiableSignatures {
            unverified: note.unverified_sigs,
        });
    }
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test vectors published in golang.org/x/mod/sumdb/note/note_test.go.
    const PETER_KEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const ENOCH_KEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    #[test]
    fn parses_published_keys_and_rejects_manglings() {
        let v = Verifier::parse(PETER_KEY).unwrap();
        assert_eq!((v.name.as_str(), v.hash), ("PeterNeumann", 0xc74f20a3));
        assert_eq!(v.key_string(), PETER_KEY);
        let go = Verifier::parse(SUM_GOLANG_ORG_KEY).unwrap();
        assert_eq!((go.name.as_str(), go.hash), ("sum.golang.org", 0x033de0ae));
        let b = PETER_KEY.as_bytes();
        for i in 0..=b.len() {
            for j in i + 1..=b.len() {
                if i != 0 || j != b.len() {
                    let sub = &PETER_KEY[i..j];
                    assert!(Verifier::parse(sub).is_err(), "{sub}");
                }
            }
        }
        for i in 0..b.len() {
            let mut m = b.to_vec();
            m[i] += 1;
            if let Ok(s) = String::from_utf8(m) {
                assert!(Verifier::parse(&s).is_err(), "{s}");
            }
        }
        assert!(Verifier::parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
        .is_err());
        assert_eq!(
            Verifier::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                .unwrap_err(),
            ERR_VERIFIER_ALG
        );
        assert_eq!(
            Verifier::parse("sum.example.com").unwrap_err(),
            ERR_VERIFIER_ID
        );
    }

    #[test]
    fn signs_exactly_like_go() {
        let s = Signer::parse(PETER_SKEY).unwrap();
        assert_eq!(s.verifier_key(), PETER_KEY);
        assert_eq!(s.sign_note(TEXT).unwrap(), format!("{TEXT}\n{PETER_SIG}"));
        assert_eq!(s.sign_note("abc").unwrap_err(), ERR_MALFORMED_NOTE);
    }

    #[test]
    fn opens_published_notes() {
        let peter = Verifier::parse(PETER_KEY).unwrap();
        let enoch = Verifier::parse(ENOCH_KEY).unwrap();
        let msg = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
        let n = open(msg.as_bytes(), std::slice::from_ref(&peter)).unwrap();
        assert_eq!(n.text, TEXT);
        assert_eq!(n.sigs.len(), 1);
        assert_eq!(n.sigs[0].hash, 0xc74f20a3);
        assert_eq!(n.unverified_sigs[0].name, "EnochRoot");
        let n = open(msg.as_bytes(), &[peter.clone(), enoch.clone()]).unwrap();
        assert_eq!(n.sigs.len(), 2);
        let e = open(msg.as_bytes(), &[]).unwrap_err();
        assert_eq!(e.to_string(), ERR_NO_VERIFIABLE);
        let e = open(
            format!("{TEXT}\n{ENOCH_SIG}").as_bytes(),
            &[enoch.clone(), peter.clone(), enoch.clone()],
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "ambiguous key EnochRoot+af0cfe78");
        let many = format!("{TEXT}\n{}", PETER_SIG.repeat(101));
        assert_eq!(
            open(many.as_bytes(), std::slice::from_ref(&peter)).unwrap_err(),
            NoteError::Malformed
        );
        let bad = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
        assert_eq!(
            open(bad.as_bytes(), std::slice::from_ref(&peter))
                .unwrap_err()
                .to_string(),
            "invalid signature for key PeterNeumann+c74f20a3"
        );
        for bad in [
            TEXT.to_string(),
            format!("{TEXT}\n"),
            format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
            format!("\x01{TEXT}\n{PETER_SIG}"),
            format!("{TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="),
            format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
        ] {
            assert_eq!(
                open(bad.as_bytes(), std::slice::from_ref(&peter)).unwrap_err(),
                NoteError::Malformed,
                "{bad:?}"
            );
        }
        let mut invalid_utf8 = b"\xff".to_vec();
        invalid_utf8.extend(format!("{TEXT}\n{PETER_SIG}").as_bytes());
        assert_eq!(
            open(&invalid_utf8, &[peter]).unwrap_err(),
            NoteError::Malformed
        );
    }

    #[test]
    fn verifies_real_sum_golang_org_tree_heads() {
        // Signed tree heads published by sum.golang.org (quoted in public write-ups).
        let go = Verifier::parse(SUM_GOLANG_ORG_KEY).unwrap();
        for (n, hash, sig) in [
            ("15368405", "/g9am3I6YWNKaZX/jkne1fqd9zEyjss+JXyPXG0WfkY=", "Az3grqJGUaSGukG9p8nI2vKgiFn7qGHxn0W+mrwyI6Gz3F0t1J3LzmWk/p96Ybf295EjwdSwlzgijq5WA9d1Ded7owM="),
            ("3784599", "7uvxIZ67TZygcq/AehTD8iHYt81Ih+Zl2Y7vXZbfszQ=", "Az3grn972wXskjQrsZhVGc93fTU2uOsmSTiId1Wn1lxDCup5z4ggl1/4gaUqOkMa6cMbYvjB7hn7yemNr7Zqanol/go="),
            ("445646", "jEFFy4AtYgBBNTSZTiNnQrgQqMbcH0mfO2oP2FxR9VU=", "Az3grkGho/PqvUmEuTv6+r2g303hUhu60FOD6vLpm19mBwH9UjquWY2OKxNmZ55z0gHrp24AgPC3Q5WO7uZrVdvdCQU="),
            ("19238995", "rYNqIZewerbOSOnMYPyCJKxl86UaEBZ1mrEpfiAQhcs=", "Az3grut2xBvodM8V9oOPG46SgC7w8BqMN9z5tsbaN9nTEEIPNjhvYZJ4aQOzCy8qW2LEaJBANgKjGlfW42nf3DmtVwc="),
            ("63096908", "8lHrQPRYe4KT4WQ9/Qk8/taKnD6IRHbFgfN7vQE2Y54=", "Az3gri/oVBN1jAhNZ/iS+W31psFAWRT20/GyrhpU6taFwulQGetBkH5S7wpGXdS935jiIGiUUAXBVHzT/P6fYhqAmAk="),
        ] {
            let msg = format!("go.sum database tree\n{n}\n{hash}\n\n\u{2014} sum.golang.org {sig}\n");
            let note = open(msg.as_bytes(), std::slice::from_ref(&go)).unwrap();
            assert_eq!(note.sigs[0].hash, 0x033de0ae);
            let tampered = msg.replacen(n, &format!("{n}1"), 1);
            assert_eq!(
                open(tampered.as_bytes(), std::slice::from_ref(&go))
                    .unwrap_err()
                    .to_string(),
                "invalid signature for key sum.golang.org+033de0ae"
            );
        }
    }

    #[test]
    fn rejects_tampered_text() {
        let s = Signer::generate("sum.test").unwrap();
        let note = s.sign_note("go.sum database tree\n3\nAAAA\n").unwrap();
        let v = s.verifier();
        assert!(open(note.as_bytes(), std::slice::from_ref(&v)).is_ok());
        let tampered = note.replacen("\n3\n", "\n4\n", 1);
        assert!(matches!(
            open(tampered.as_bytes(), &[v]).unwrap_err(),
            NoteError::InvalidSignature { .. }
        ));
    }
}
