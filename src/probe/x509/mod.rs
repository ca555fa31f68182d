//! crypto/x509's `Certificate.Verify` as crypto/tls calls it for a server (DNSName set,
//! Intermediates = the rest of the chain, Roots = Go's pool, CurrentTime), in Go's order:
//! the leaf's `isValid`, `VerifyHostname`, `buildChains` (its "possibly because of ..."
//! hints and its habit of returning the last candidate's own error), then the chain filters
//! (extended key usage nested down the chain, name constraints, distrusted keys).
//! Pure: certificates, roots, host and time come in; a verdict with Go's text goes out.
//!
//! Not modelled (no chain crypto/tls meets in practice needs them): certificate policies
//! (Go's RFC 9618 graph; chains without policy constraints always pass it), email/URI name
//! constraints, parse errors Go raises that x509-parser does not.

pub mod cert;
mod names;
mod sig;

use std::collections::{HashMap, HashSet};

pub use cert::Cert;
pub use names::go_quote;

use super::tls_class::{rfc3339, TlsClass};

/// Why Go rejects a server's chain: the class and Go's whole text
/// (`tls: failed to verify certificate: x509: ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub class: TlsClass,
    pub text: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Rejection {}

/// A certificate pool like Go's `CertPool`: deduplicated by content, indexed by subject.
#[derive(Debug, Default, Clone)]
pub struct Pool {
    certs: Vec<Cert>,
    by_name: HashMap<Vec<u8>, Vec<usize>>,
    raws: HashSet<Vec<u8>>,
}

impl Pool {
    /// A pool of the certificates that parse (Go's AppendCertsFromPEM also skips the rest).
    pub fn new<'a>(ders: impl IntoIterator<Item = &'a [u8]>) -> Pool {
        let mut p = Pool::default();
        for d in ders {
            if let Some(c) = Cert::parse(d) {
                p.add(c);
            }
        }
        p
    }

    fn add(&mut self, c: Cert) {
        if !self.raws.insert(c.raw.clone()) {
            return;
        }
        self.by_name
            .entry(c.raw_subject.clone())
            .or_default()
            .push(self.certs.len());
        self.certs.push(c);
    }

    pub fn len(&self) -> usize {
        self.certs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    fn contains(&self, c: &Cert) -> bool {
        self.raws.contains(&c.raw)
    }

    /// Go's `findPotentialParents`: same name, ordered by how well the key ids match.
    fn potential_parents(&self, c: &Cert) -> Vec<&Cert> {
        let Some(idx) = self.by_name.get(&c.raw_issuer) else {
            return Vec::new();
        };
        let (mut matching, mut one, mut mismatch) = (Vec::new(), Vec::new(), Vec::new());
        for &i in idx {
            let cand = &self.certs[i];
            let (s, a) = (&cand.subject_key_id, &c.authority_key_id);
            if s == a {
                matching.push(cand);
            } else if s.is_empty() != a.is_empty() {
                one.push(cand);
            } else {
                mismatch.push(cand);
            }
        }
        matching.extend(one);
        matching.extend(mismatch);
        matching
    }
}

/// Go's error kinds, for the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    UnknownAuthority,
    Hostname,
    Expired,
    NotYetValid,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct GoErr {
    kind: Kind,
    text: String,
}

impl GoErr {
    fn other(text: impl Into<String>) -> GoErr {
        GoErr {
            kind: Kind::Other,
            text: text.into(),
        }
    }
}

const SIGNATURE_LIMIT: &str =
    "x509: signature check attempts limit reached while verifying certificate chain";
const MAX_SIGNATURE_CHECKS: u32 = 100;

#[derive(Clone, Copy, PartialEq)]
enum CertType {
    Leaf,
    Intermediate,
    Root,
}

struct Opts<'a> {
    roots: &'a Pool,
    intermediates: &'a Pool,
    now: i64,
}

/// Verifies a server's chain (leaf first, as sent) for `host` at `now` (Unix seconds) the
/// way Go's crypto/tls client does.
pub fn verify(chain: &[&[u8]], roots: &Pool, host: &str, now: i64) -> Result<(), Rejection> {
    let Some((leaf_der, rest)) = chain.split_first() else {
        return Err(Rejection {
            class: TlsClass::Other,
            text: "tls: server sent no certificates".into(),
        });
    };
    let parse = |d: &[u8]| {
        Cert::parse(d).ok_or_else(|| Rejection {
            class: TlsClass::CertificateInvalid,
            text: crate::vocab::goerr::TLS_PARSE_CERT.into(),
        })
    };
    let leaf = parse(leaf_der)?;
    let mut intermediates = Pool::default();
    for d in rest {
        intermediates.add(parse(d)?);
    }
    let opts = Opts {
        roots,
        intermediates: &intermediates,
        now,
    };
    verify_cert(&leaf, host, &opts).map_err(|e| Rejection {
        class: match e.kind {
            Kind::UnknownAuthority => TlsClass::Untrusted,
            Kind::Hostname => TlsClass::HostnameMismatch,
            Kind::Expired => TlsClass::Expired,
            Kind::NotYetValid => TlsClass::NotYetValid,
            Kind::Other => TlsClass::CertificateInvalid,
        },
        text: crate::vocab::goerr::tls_verify_failed(e.text),
    })
}

/// `Certificate.Verify`.
fn verify_cert(c: &Cert, host: &str, opts: &Opts<'_>) -> Result<(), GoErr> {
    is_valid(c, CertType::Leaf, &[], opts)?;
    if !host.is_empty() {
        names::verify_hostname(c, host).map_err(|text| GoErr {
            kind: Kind::Hostname,
            text,
        })?;
    }
    let chains = if opts.roots.contains(c) {
        vec![vec![c]]
    } else {
        let mut sig_checks = 0;
        build_chains(c, &[c], &mut sig_checks, opts)?
    };
    let mut incompatible = 0;
    let mut constraints_err = None;
    let mut valid = 0;
    for chain in &chains {
        if !chain_allows_server_auth(chain) {
            incompatible += 1;
            continue;
        }
        if let Err(e) = names::check_chain_constraints(chain) {
            constraints_err.get_or_insert(e);
            continue;
        }
        if chain.iter().any(|c| distrusted(c)) {
            continue;
        }
        valid += 1;
    }
    if valid > 0 {
        return Ok(());
    }
    if let Some(e) = constraints_err {
        return Err(GoErr::other(format!(
            "x509: a root or intermediate certificate is not authorized to sign for this name: {e}"
        )));
    }
    if incompatible > 0 {
        return Err(GoErr::other(
            "x509: certificate specifies an incompatible key usage",
        ));
    }
    Err(GoErr::other("x509: no valid chains built"))
}

/// `isValid`: what a certificate must be to take its place in the chain.
fn is_valid(c: &Cert, ty: CertType, current: &[&Cert], opts: &Opts<'_>) -> Result<(), GoErr> {
    if c.unhandled_critical {
        return Err(GoErr::other("x509: unhandled critical extension"));
    }
    if let Some(child) = current.last() {
        if child.raw_issuer != c.raw_subject {
            return Err(GoErr::other(
                "x509: issuer name does not match subject from issuing certificate",
            ));
        }
    }
    let expired = |kind, detail: String| GoErr {
        kind,
        text: format!("x509: certificate has expired or is not yet valid: {detail}"),
    };
    if opts.now < c.not_before {
        return Err(expired(
            Kind::NotYetValid,
            format!(
                "current time {} is before {}",
                rfc3339(opts.now),
                rfc3339(c.not_before)
            ),
        ));
    }
    if opts.now > c.not_after {
        return Err(expired(
            Kind::Expired,
            format!(
                "current time {} is after {}",
                rfc3339(opts.now),
                rfc3339(c.not_after)
            ),
        ));
    }
    if ty == CertType::Intermediate && (!c.bc_valid || !c.is_ca) {
        return Err(GoErr::other(
            "x509: certificate is not authorized to sign other certificates",
        ));
    }
    if c.bc_valid && c.max_path_len >= 0 {
        let intermediates = current.len() as i64 - 1;
        if intermediates > c.max_path_len {
            return Err(GoErr::other(
                "x509: too many intermediates for path length constraint",
            ));
        }
    }
    Ok(())
}

/// Go's `alreadyInChain`: same subject, key and SAN (cross-signature loops).
fn already_in_chain(cand: &Cert, chain: &[&Cert]) -> bool {
    chain.iter().any(|c| {
        c.raw_subject == cand.raw_subject
            && c.raw_spki == cand.raw_spki
            && match (&cand.san_raw, &c.san_raw) {
                (None, None) => true,
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
    })
}

type Chains<'a> = Vec<Vec<&'a Cert>>;

/// `buildChains`, with Go's bookkeeping of `err`: a candidate that fails `isValid` (or a
/// branch that fails deeper) leaves its own error as the result when nothing else succeeds;
/// only a failed signature check turns into an unknown-authority hint.
fn build_chains<'a>(
    c: &'a Cert,
    current: &[&'a Cert],
    sig_checks: &mut u32,
    opts: &Opts<'a>,
) -> Result<Chains<'a>, GoErr> {
    let mut chains: Chains<'a> = Vec::new();
    let mut err: Option<GoErr> = None;
    let mut hint: Option<(String, &Cert)> = None;
    'outer: for (ty, pool) in [
        (CertType::Root, opts.roots),
        (CertType::Intermediate, opts.intermediates),
    ] {
        for cand in pool.potential_parents(c) {
            *sig_checks += 1;
            if *sig_checks > MAX_SIGNATURE_CHECKS {
                err = Some(GoErr::other(SIGNATURE_LIMIT));
                break 'outer;
            }
            if cand.key == cert::PubKey::Unknown || already_in_chain(cand, current) {
                continue;
            }
            if let Err(e) = sig::check_signature_from(c, cand) {
                hint.get_or_insert((e, cand));
                continue;
            }
            err = is_valid(cand, ty, current, opts).err();
            if let Some(e) = &err {
                hint.get_or_insert((e.text.clone(), cand));
                continue;
            }
            let mut next = current.to_vec();
            next.push(cand);
            match ty {
                CertType::Root => chains.push(next),
                _ => match build_chains(cand, &next, sig_checks, opts) {
                    Ok(found) => {
                        chains.extend(found);
                        err = None;
                    }
                    Err(e) => {
                        let limit = e.text == SIGNATURE_LIMIT;
                        err = Some(e);
                        if limit {
                            break 'outer;
                        }
                    }
                },
            }
        }
    }
    if !chains.is_empty() {
        return Ok(chains);
    }
    Err(err.unwrap_or_else(|| {
        let mut text = "x509: certificate signed by unknown authority".to_string();
        if let Some((e, cert)) = hint {
            text.push_str(&format!(
                " (possibly because of {} while trying to verify candidate authority certificate {})",
                go_quote(&e),
                go_quote(&cert.hint_name())
            ));
        }
        GoErr {
            kind: Kind::UnknownAuthority,
            text,
        }
    }))
}

/// `checkChainForKeyUsage` for serverAuth: every certificate that lists usages, from the
/// root down, must list serverAuth or any.
fn chain_allows_server_auth(chain: &[&Cert]) -> bool {
    chain.iter().rev().all(|c| match c.eku {
        None => true,
        Some(e) => e.any || e.server_auth,
    })
}

/// Go's `distrustedSPKIHashes` (SHA-256 of SubjectPublicKeyInfo, hex).
const DISTRUSTED: &[&str] = &[
    "ebed6475c2c2d80fcb199f3fe8dd6e6b3ce60b77eb15d4e42c3dec0c6f5b5105",
    "49dd353dc2b919a3770645117d0e60c16115e7d1bc259eefe734b00ea434fe5f",
    "e0254c7fcdc265e2f0f8a428dabb75ab4ae039b4872d62f5ee57f0877d5a8a41",
    "5c0660a2b164910d8ff589c18e14552e9e0ec237dcefe2cb736d41a4811f81a0",
    "43bffa19d6ef651451f6841e019931e96f6f2eaeff28ab4b6f1ce4576de2717b",
    "63ecefee431d49523bc1136c4e72d0206a477086caf606cd5cf025686c109cf8",
    "ec4ffa1ad0ac88081314b7aaffef6a91f97cd57291bb5ba686c5415f5eb4f6b6",
    "92c063d67e8f14db71d288e11266ffdaf69cbf115f7bab14f3bc2f68d25e0e30",
];

fn distrusted(c: &Cert) -> bool {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &c.raw_spki);
    let hex: String = d.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    DISTRUSTED.contains(&hex.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{
        date_time_ymd, BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
        Issuer, KeyPair,
    };

    // 2026-06-01T00:00:00Z
    const NOW: i64 = 1_780_272_000;

    fn ca(cn: &str) -> CertificateParams {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p
    }

    /// root → intermediate (shaped by `inter`) → leaf for h1.test (shaped by `leaf`).
    fn chain(
        inter: impl FnOnce(&mut CertificateParams),
        leaf: impl FnOnce(&mut CertificateParams),
    ) -> (Vec<Vec<u8>>, Pool) {
        let root_key = KeyPair::generate().unwrap();
        let root_p = ca("Unit Root");
        let root = root_p.self_signed(&root_key).unwrap();
        let root_issuer = Issuer::new(root_p, root_key);
        let inter_key = KeyPair::generate().unwrap();
        let mut inter_p = ca("Unit Issuing CA");
        inter(&mut inter_p);
        let inter = inter_p.signed_by(&inter_key, &root_issuer).unwrap();
        let inter_issuer = Issuer::new(inter_p, inter_key);
        let mut leaf_p = CertificateParams::new(vec!["h1.test".to_string()]).unwrap();
        leaf(&mut leaf_p);
        let leaf = leaf_p
            .signed_by(&KeyPair::generate().unwrap(), &inter_issuer)
            .unwrap();
        let pool = Pool::new([root.der().as_ref()]);
        (vec![leaf.der().to_vec(), inter.der().to_vec()], pool)
    }

    fn judge(c: &[Vec<u8>], pool: &Pool, host: &str) -> Result<(), Rejection> {
        let ders: Vec<&[u8]> = c.iter().map(Vec::as_slice).collect();
        verify(&ders, pool, host, NOW)
    }

    #[test]
    fn a_good_chain_and_a_wrong_host() {
        let (c, pool) = chain(|_| {}, |_| {});
        assert_eq!(judge(&c, &pool, "h1.test"), Ok(()));
        let r = judge(&c, &pool, "h2.test").unwrap_err();
        assert_eq!(r.class, TlsClass::HostnameMismatch);
        assert_eq!(
            r.text,
            "tls: failed to verify certificate: x509: certificate is valid for h1.test, not h2.test"
        );
        // Without its intermediate: unknown authority (no hint: nothing of that name).
        let r = judge(&c[..1], &pool, "h1.test").unwrap_err();
        assert_eq!(r.class, TlsClass::Untrusted);
        assert!(r
            .text
            .ends_with("x509: certificate signed by unknown authority"));
    }

    #[test]
    fn an_expired_intermediate_is_reported_as_itself() {
        let (c, pool) = chain(
            |p| {
                p.not_before = date_time_ymd(2020, 1, 1);
                p.not_after = date_time_ymd(2026, 1, 1);
            },
            |_| {},
        );
        let r = judge(&c, &pool, "h1.test").unwrap_err();
        assert_eq!(r.class, TlsClass::Expired);
        assert_eq!(
            r.text,
            "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: \
             current time 2026-06-01T00:00:00Z is after 2026-01-01T00:00:00Z"
        );
    }

    #[test]
    fn a_non_ca_intermediate_is_a_hint_on_unknown_authority() {
        let (c, pool) = chain(|p| p.is_ca = IsCa::ExplicitNoCa, |_| {});
        let r = judge(&c, &pool, "h1.test").unwrap_err();
        assert_eq!(r.class, TlsClass::Untrusted);
        assert_eq!(
            r.text,
            "tls: failed to verify certificate: x509: certificate signed by unknown authority \
             (possibly because of \"x509: invalid signature: parent certificate cannot sign this \
             kind of certificate\" while trying to verify candidate authority certificate \
             \"Unit Issuing CA\")"
        );
    }

    #[test]
    fn extended_key_usage_nests_down_the_chain() {
        let client = |p: &mut CertificateParams| {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth]
        };
        let incompatible = "tls: failed to verify certificate: x509: certificate specifies an \
                            incompatible key usage";
        let (c, pool) = chain(|_| {}, client);
        assert_eq!(judge(&c, &pool, "h1.test").unwrap_err().text, incompatible);
        let (c, pool) = chain(client, |_| {});
        assert_eq!(judge(&c, &pool, "h1.test").unwrap_err().text, incompatible);
        let (c, pool) = chain(
            |_| {},
            |p| p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth],
        );
        assert_eq!(judge(&c, &pool, "h1.test"), Ok(()));
    }

    #[test]
    fn garbage_is_a_parse_error_not_a_panic() {
        let r = verify(&[b"not a certificate"], &Pool::default(), "h1.test", NOW).unwrap_err();
        assert_eq!(r.class, TlsClass::CertificateInvalid);
        assert!(r
            .text
            .starts_with("tls: failed to parse certificate from server"));
    }
}
