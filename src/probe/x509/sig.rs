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
            let pss = matches!(
                child.sig_alg,
                SigAlg::Sha256RsaPss | SigAlg::Sha384RsaPss | SigAlg::Sha512RsaPss
            );
            // aws-lc-rs has no parameter set for these (Go accepts them from 1024 bits).
            if legacy && (pss || hash == Hash::Sha384) {
                return small_rsa::verify(der, hash_alg(hash), pss, msg, sig)
                    .map_err(|_| RSA_VERIFICATION.to_string());
            }
            let alg: &dyn VerificationAlgorithm = match (child.sig_alg, hash, legacy) {
                (SigAlg::Sha256RsaPss, ..) => &signature::RSA_PSS_2048_8192_SHA256,
                (SigAlg::Sha384RsaPss, ..) => &signature::RSA_PSS_2048_8192_SHA384,
                (SigAlg::Sha512RsaPss, ..) => &signature::RSA_PSS_2048_8192_SHA512,
                (_, Hash::Sha256, true) => {
                    &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
                }
                (_, Hash::Sha256, false) => &signature::RSA_PKCS1_2048_8192_SHA256,
                (_, Hash::Sha384, _) => &signature::RSA_PKCS1_2048_8192_SHA384,
                (_, Hash::Sha512, true) => {
                    &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
                }
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

fn hash_alg(h: Hash) -> &'static aws_lc_rs::digest::Algorithm {
    use aws_lc_rs::digest;
    match h {
        Hash::Sha384 => &digest::SHA384,
        Hash::Sha512 => &digest::SHA512,
        _ => &digest::SHA256,
    }
}

fn verify(alg: &dyn VerificationAlgorithm, key: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), ()> {
    alg.verify_sig(key, msg, sig).map_err(|_| ())
}

/// RSA signatures by 1024..2047-bit keys with SHA-384 or PSS, which Go accepts and
/// aws-lc-rs offers no parameter set for: the public operation (num-bigint, which
/// x509-parser already brings) and the RFC 8017 encodings, checked with aws-lc-rs digests.
mod small_rsa {
    use aws_lc_rs::digest::{self, Algorithm};
    use x509_parser::num_bigint::BigUint;

    pub fn verify(
        pkcs1: &[u8],
        h: &'static Algorithm,
        pss: bool,
        msg: &[u8],
        sig: &[u8],
    ) -> Result<(), ()> {
        let (n, e) = parse_key(pkcs1).ok_or(())?;
        let k = (n.bits() as usize).div_ceil(8);
        if sig.len() != k {
            return Err(());
        }
        let s = BigUint::from_bytes_be(sig);
        if s >= n {
            return Err(());
        }
        let m = s.modpow(&e, &n).to_bytes_be();
        let mut em = vec![0u8; k - m.len()];
        em.extend_from_slice(&m);
        let hashed = digest::digest(h, msg);
        if pss {
            pss_verify(&em, n.bits() as usize - 1, h, hashed.as_ref())
        } else {
            pkcs1_verify(&em, h, hashed.as_ref())
        }
    }

    fn parse_key(der: &[u8]) -> Option<(BigUint, BigUint)> {
        let (_, seq) = x509_parser::der_parser::der::parse_der_sequence(der).ok()?;
        let items = seq.as_sequence().ok()?;
        let int = |i: usize| {
            let obj = items.get(i)?;
            Some(BigUint::from_bytes_be(obj.as_slice().ok()?))
        };
        Some((int(0)?, int(1)?))
    }

    /// EMSA-PKCS1-v1_5 with SHA-384 (the only hash that reaches here without PSS).
    fn pkcs1_verify(em: &[u8], h: &'static Algorithm, hashed: &[u8]) -> Result<(), ()> {
        let prefix: &[u8] = if h == &digest::SHA384 {
            &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ]
        } else {
            return Err(());
        };
        let t_len = prefix.len() + hashed.len();
        if em.len() < t_len + 11 {
            return Err(());
        }
        let ps = em.len() - t_len - 3;
        let ok = em[0] == 0
            && em[1] == 1
            && em[2..2 + ps].iter().all(|b| *b == 0xff)
            && em[2 + ps] == 0
            && &em[3 + ps..3 + ps + prefix.len()] == prefix
            && &em[3 + ps + prefix.len()..] == hashed;
        ok.then_some(()).ok_or(())
    }

    fn mgf1(h: &'static Algorithm, seed: &[u8], len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        let mut counter: u32 = 0;
        while out.len() < len {
            let mut ctx = digest::Context::new(h);
            ctx.update(seed);
            ctx.update(&counter.to_be_bytes());
            out.extend_from_slice(ctx.finish().as_ref());
            counter += 1;
        }
        out.truncate(len);
        out
    }

    /// EMSA-PSS-VERIFY with MGF1 of the same hash and a salt as long as the hash (Go's
    /// PSSSaltLengthEqualsHash).
    fn pss_verify(
        em_full: &[u8],
        em_bits: usize,
        h: &'static Algorithm,
        m_hash: &[u8],
    ) -> Result<(), ()> {
        let h_len = h.output_len();
        let s_len = h_len;
        let em_len = em_bits.div_ceil(8);
        let em = &em_full[em_full.len() - em_len..];
        if em_full.len() > em_len && em_full[0] != 0 {
            return Err(());
        }
        if em_len < h_len + s_len + 2 || em[em_len - 1] != 0xbc {
            return Err(());
        }
        let (masked_db, rest) = em.split_at(em_len - h_len - 1);
        let hh = &rest[..h_len];
        let top_bits = 8 * em_len - em_bits;
        if top_bits > 0 && masked_db[0] >> (8 - top_bits) != 0 {
            return Err(());
        }
        let mask = mgf1(h, hh, masked_db.len());
        let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
        if top_bits > 0 {
            db[0] &= 0xff >> top_bits;
        }
        let ps_len = em_len - h_len - s_len - 2;
        if db[..ps_len].iter().any(|b| *b != 0) || db[ps_len] != 1 {
            return Err(());
        }
        let salt = &db[db.len() - s_len..];
        let mut ctx = digest::Context::new(h);
        ctx.update(&[0u8; 8]);
        ctx.update(m_hash);
        ctx.update(salt);
        (ctx.finish().as_ref() == hh).then_some(()).ok_or(())
    }
}
