//! Go's `Certificate.CheckSignatureFrom`: may the parent sign, is the algorithm one Go
//! accepts for certificates, and does the signature verify. The signature math is
//! aws-lc-rs's (the crypto rustls already links); the rules and texts are Go's.

use aws_lc_rs::signature::{self, VerificationAlgorithm};

use super::cert::{Cert, PubKey, SigAlg};

const CONSTRAINT_VIOLATION: &str =
    "x509: invalid signature: parent certificate cannot sign this kind of certificate";
const UNSUPPORTED: &str = "x509: cannot verify signature: algorithm unimplemented";
const RSA_VERIFICATION: &str = "crypto/rsa: verification error";

/// Go's `KeyUsageCertSign`.
const KEY_USAGE_CERT_SIGN: u16 = 1 << 5;

#[derive(Clone, Copy, PartialEq)]
enum KeyAlg {
    Rsa,
    Ecdsa,
    Ed25519,
    Dsa,
}

impl KeyAlg {
    fn go_name(self) -> &'static str {
        match self {
            KeyAlg::Rsa => "RSA",
            KeyAlg::Ecdsa => "ECDSA",
            KeyAlg::Ed25519 => "Ed25519",
            KeyAlg::Dsa => "DSA",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Hash {
    None,
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

fn details(a: SigAlg) -> Option<(KeyAlg, Hash)> {
    use SigAlg::*;
    Some(match a {
        Md5Rsa => (KeyAlg::Rsa, Hash::Md5),
        Sha1Rsa => (KeyAlg::Rsa, Hash::Sha1),
        Sha256Rsa | Sha256RsaPss => (KeyAlg::Rsa, Hash::Sha256),
        Sha384Rsa | Sha384RsaPss => (KeyAlg::Rsa, Hash::Sha384),
        Sha512Rsa | Sha512RsaPss => (KeyAlg::Rsa, Hash::Sha512),
        DsaSha1 => (KeyAlg::Dsa, Hash::Sha1),
        DsaSha256 => (KeyAlg::Dsa, Hash::Sha256),
        EcdsaSha1 => (KeyAlg::Ecdsa, Hash::Sha1),
        EcdsaSha256 => (KeyAlg::Ecdsa, Hash::Sha256),
        EcdsaSha384 => (KeyAlg::Ecdsa, Hash::Sha384),
        EcdsaSha512 => (KeyAlg::Ecdsa, Hash::Sha512),
        Ed25519 => (KeyAlg::Ed25519, Hash::None),
        Unknown => return None,
    })
}

/// Checks that `parent` signed `child`; the error is Go's text.
pub fn check_signature_from(child: &Cert, parent: &Cert) -> Result<(), String> {
    if (parent.version == 3 && !parent.bc_valid) || (parent.bc_valid && !parent.is_ca) {
        return Err(CONSTRAINT_VIOLATION.into());
    }
    if parent.key_usage != 0 && parent.key_usage & KEY_USAGE_CERT_SIGN == 0 {
        return Err(CONSTRAINT_VIOLATION.into());
    }
    if parent.key == PubKey::Unknown {
        return Err(UNSUPPORTED.into());
    }
    let Some((key_alg, hash)) = details(child.sig_alg) else {
        return Err(UNSUPPORTED.into());
    };
    let insecure = || {
        format!(
            "x509: cannot verify signature: insecure algorithm {}",
            child.sig_alg.go_name()
        )
    };
    if matches!(hash, Hash::Md5 | Hash::Sha1) {
        return Err(insecure());
    }
    let (have, type_name) = match &parent.key {
        PubKey::Rsa { .. } => (KeyAlg::Rsa, "*rsa.PublicKey"),
        PubKey::Ec { .. } => (KeyAlg::Ecdsa, "*ecdsa.PublicKey"),
        PubKey::Ed25519(_) => (KeyAlg::Ed25519, "ed25519.PublicKey"),
        PubKey::Dsa => (KeyAlg::Dsa, "*dsa.PublicKey"),
        PubKey::Unknown => return Err(UNSUPPORTED.into()),
    };
    if have != key_alg {
        return Err(format!(
            "x509: signature algorithm specifies an {} public key, but have public key of type {type_name}",
            key_alg.go_name()
        ));
    }
    let msg = &child.raw_tbs;
    let sig = &child.signature;
    match &parent.key {
        PubKey::Rsa { der, bits } => {
            if *bits < 1024 {
                return Err(format!(
                    "crypto/rsa: {bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)"
                ));
            }
            let legacy = *bits < 2048;
            let alg: &dyn VerificationAlgorithm = match (child.sig_alg, hash, legacy) {
                (SigAlg::Sha256RsaPss, ..) => &signature::RSA_PSS_2048_8192_SHA256,
                (SigAlg::Sha384RsaPss, ..) => &signature::RSA_PSS_2048_8192_SHA384,
                (SigAlg::Sha512RsaPss, ..) => &signature::RSA_PSS_2048_8192_SHA512,
                (_, Hash::Sha256, true) => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                (_, Hash::Sha256, false) => &signature::RSA_PKCS1_2048_8192_SHA256,
                (_, Hash::Sha384, _) => &signature::RSA_PKCS1_2048_8192_SHA384,
                (_, Hash::Sha512, true) => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                _ => &signature::RSA_PKCS1_2048_8192_SHA512,
            };
            verify(alg, der, msg, sig).map_err(|_| RSA_VERIFICATION.to_string())
        }
        PubKey::Ec { curve, point } => {
            let alg: &dyn VerificationAlgorithm = match (curve.as_str(), hash) {
                ("1.2.840.10045.3.1.7", Hash::Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
                ("1.2.840.10045.3.1.7", Hash::Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
                ("1.2.840.10045.3.1.7", _) => &signature::ECDSA_P256_SHA512_ASN1,
                ("1.3.132.0.34", Hash::Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
                ("1.3.132.0.34", Hash::Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
                ("1.3.132.0.34", _) => &signature::ECDSA_P384_SHA512_ASN1,
                ("1.3.132.0.35", Hash::Sha256) => &signature::ECDSA_P521_SHA256_ASN1,
                ("1.3.132.0.35", Hash::Sha384) => &signature::ECDSA_P521_SHA384_ASN1,
                ("1.3.132.0.35", _) => &signature::ECDSA_P521_SHA512_ASN1,
                _ => return Err("x509: ECDSA verification failure".into()),
            };
            verify(alg, point, msg, sig).map_err(|_| "x509: ECDSA verification failure".into())
        }
        PubKey::Ed25519(k) => verify(&signature::ED25519, k, msg, sig)
            .map_err(|_| "x509: Ed25519 verification failure".into()),
        // Go verifies no DSA signatures on certificates.
        PubKey::Dsa | PubKey::Unknown => Err(UNSUPPORTED.into()),
    }
}

fn verify(alg: &dyn VerificationAlgorithm, key: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), ()> {
    alg.verify_sig(key, msg, sig).map_err(|_| ())
}
