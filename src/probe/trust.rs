//! Trust stores: Go's (what crypto/x509 would trust on this OS) and Mozilla's (webpki-roots,
//! the public-internet baseline). A chain Go trusts but Mozilla does not is inspection
//! (`tls.interception_trusted`). [`missing_issuer`] tells a server's incomplete chain apart
//! from an untrusted (intercepting) CA when Go's verdict is "unknown authority".

use std::sync::{Arc, OnceLock};

use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::RootCertStore;
use serde::{Deserialize, Serialize};

/// The two judges of a certificate chain.
#[derive(Debug)]
pub struct Trust {
    /// Go's trust on this OS.
    pub go: Arc<dyn ServerCertVerifier>,
    /// Mozilla's roots.
    pub mozilla: Arc<dyn ServerCertVerifier>,
    /// Where Go's roots came from, for reports.
    pub go_source: String,
    /// The subjects (DER, without the outer SEQUENCE header, as webpki keeps them) of Go's
    /// roots, when this process reads the roots itself (Unix); `None` when the OS verifies.
    pub go_anchors: Option<Vec<Vec<u8>>>,
}

/// aws-lc's provider, built once per process: the verifiers consult it for every
/// handshake signature they check.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: std::sync::OnceLock<Arc<rustls::crypto::CryptoProvider>> =
        std::sync::OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .clone()
}

/// The process-wide trust (read once: Go also reads its roots once per process).
pub fn trust() -> &'static Trust {
    static TRUST: OnceLock<Trust> = OnceLock::new();
    TRUST.get_or_init(load)
}

/// A verifier over a root store (one that rejects everything when the store is empty).
pub fn verifier_for(roots: RootCertStore) -> Arc<dyn ServerCertVerifier> {
    webpki(roots)
}

fn webpki(roots: RootCertStore) -> Arc<dyn ServerCertVerifier> {
    match WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider()).build() {
        Ok(v) => v,
        // An empty store cannot build a verifier; one that rejects everything stands in.
        Err(_) => Arc::new(RejectAll),
    }
}

fn load() -> Trust {
    let mut mozilla = RootCertStore::empty();
    mozilla.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let (go, go_source, go_anchors) = go_verifier();
    Trust {
        go,
        mozilla: webpki(mozilla),
        go_source,
        go_anchors,
    }
}

/// The subjects of a root store's anchors (see [`Trust::go_anchors`]).
pub fn anchor_subjects(roots: &RootCertStore) -> Vec<Vec<u8>> {
    roots.roots.iter().map(|a| a.subject.to_vec()).collect()
}

type GoVerifier = (Arc<dyn ServerCertVerifier>, String, Option<Vec<Vec<u8>>>);

#[cfg(all(unix, not(target_vendor = "apple")))]
fn go_verifier() -> GoVerifier {
    let (ders, source) = go_unix_root_ders(&|k| std::env::var_os(k));
    let mut roots = RootCertStore::empty();
    for c in &ders {
        let _ = roots.add(c.clone());
    }
    let n = roots.len();
    let anchors = anchor_subjects(&roots);
    (
        go_x509_verifier(&ders, anchors.clone()),
        format!("{source} ({n} roots)"),
        Some(anchors),
    )
}

#[cfg(not(all(unix, not(target_vendor = "apple"))))]
fn go_verifier() -> GoVerifier {
    match rustls_platform_verifier::Verifier::new(provider()) {
        Ok(v) => (Arc::new(v), "the OS certificate store".to_string(), None),
        Err(e) => (
            Arc::new(RejectAll),
            format!("the OS certificate store (unavailable: {e})"),
            None,
        ),
    }
}

/// Go's bundle files on Linux and other Unix systems (crypto/x509 root_linux.go), first readable wins.
pub const GO_CERT_FILES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];
/// Go's certificate directories (every file in them is read).
pub const GO_CERT_DIRS: &[&str] = &["/etc/ssl/certs", "/etc/pki/tls/certs"];

/// Go's root loading on Unix: `SSL_CERT_FILE` replaces the bundle file list, `SSL_CERT_DIR`
/// (colon-separated) replaces the directory list; each is independent of the other.
pub fn go_unix_roots(env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> (RootCertStore, String) {
    let (ders, source) = go_unix_root_ders(env);
    let mut roots = RootCertStore::empty();
    for c in ders {
        let _ = roots.add(c);
    }
    (roots, source)
}

/// The certificates [`go_unix_roots`] reads, in Go's order (crypto/x509 keeps them whole).
pub fn go_unix_root_ders(
    env: &dyn Fn(&str) -> Option<std::ffi::OsString>,
) -> (Vec<rustls_pki_types::CertificateDer<'static>>, String) {
    use rustls_pki_types::{pem::PemObject, CertificateDer};
    let mut roots = Vec::new();
    let mut add_pem = |data: &[u8]| {
        roots.extend(CertificateDer::pem_slice_iter(data).flatten());
    };
    let file_env = env("SSL_CERT_FILE").filter(|v| !v.is_empty());
    let files: Vec<std::path::PathBuf> = match &file_env {
        Some(f) => vec![f.into()],
        None => GO_CERT_FILES.iter().map(Into::into).collect(),
    };
    let mut source = Vec::new();
    for f in &files {
        if let Ok(data) = std::fs::read(f) {
            add_pem(&data);
            source.push(format!("file {}", f.display()));
            break;
        }
    }
    let dir_env = env("SSL_CERT_DIR").filter(|v| !v.is_empty());
    let dirs: Vec<std::path::PathBuf> = match &dir_env {
        Some(d) => std::env::split_paths(d)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        None => GO_CERT_DIRS.iter().map(Into::into).collect(),
    };
    for d in &dirs {
        let Ok(entries) = std::fs::read_dir(d) else {
            continue;
        };
        let mut any = false;
        for e in entries.flatten() {
            if let Ok(data) = std::fs::read(e.path()) {
                add_pem(&data);
                any = true;
            }
        }
        if any {
            source.push(format!("dir {}", d.display()));
        }
    }
    let mut s = if source.is_empty() {
        "no roots found".to_string()
    } else {
        source.join(", ")
    };
    if file_env.is_some() || dir_env.is_some() {
        s.push_str(" [from SSL_CERT_FILE/SSL_CERT_DIR]");
    }
    (roots, s)
}

/// The certificate an incomplete chain lacks: the issuer of the top presented certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct MissingIssuer {
    /// `CN, O=Org` of the missing certificate (the top certificate's issuer).
    pub name: String,
    /// Where its CA publishes it (the top certificate's AIA caIssuers URLs).
    pub ca_issuers: Vec<String>,
}

/// Whether a chain that Go rejects as "signed by unknown authority" is one the server sent
/// incomplete (`tls.incomplete_chain`) rather than one from an untrusted CA.
///
/// It is when no presented certificate issued the leaf (by exact issuer/subject bytes, as
/// Go's chain building matches them), the leaf is not self-issued (a self-signed server),
/// its issuer is not a root — neither one of Go's anchors (a root of that name whose key
/// does not sign it is another problem) nor a Mozilla root (then Go's store lacks a public
/// root; servers never send roots) — and the leaf names where its issuer is published (AIA
/// caIssuers). That URL is the evidence that a CA which publishes its intermediates issued
/// it, as public CAs do and browsers rely on; the issuer's name or the leaf's key id cannot
/// show it (they identify the missing intermediate, not the root above it). An interception
/// CA signs its leaves with its own root and does not publish it, and a server that sent an
/// intermediate most likely lacks only the root above it: both stay untrusted. Whether the
/// missing intermediate leads to a root Go trusts is known only once it is fetched: the fix
/// says to check. `anchors` is `None` when the OS verifies (roots unknown).
pub fn missing_issuer(
    chain: &[rustls_pki_types::CertificateDer<'_>],
    anchors: Option<&[Vec<u8>]>,
) -> Option<MissingIssuer> {
    let parsed: Vec<_> = chain
        .iter()
        .map(|c| x509_parser::parse_x509_certificate(c).ok().map(|(_, c)| c))
        .collect::<Option<_>>()?;
    let (leaf, others) = parsed.split_first()?;
    let issuer = leaf.issuer().as_raw();
    if issuer == leaf.subject().as_raw() || others.iter().any(|c| c.subject().as_raw() == issuer) {
        return None;
    }
    if is_root_name(der_value(issuer)?, anchors) {
        return None;
    }
    let ca_issuers = ca_issuer_urls(leaf);
    if ca_issuers.is_empty() {
        return None;
    }
    Some(MissingIssuer {
        name: short_name(leaf.issuer()),
        ca_issuers,
    })
}

/// Whether a name (DER value of the Name SEQUENCE) is a subject of Go's roots or Mozilla's.
fn is_root_name(name: &[u8], anchors: Option<&[Vec<u8>]>) -> bool {
    anchors.is_some_and(|a| a.iter().any(|s| s.as_slice() == name))
        || webpki_roots::TLS_SERVER_ROOTS
            .iter()
            .any(|r| r.subject.as_ref() == name)
}

/// The AIA caIssuers URLs of a certificate (where its issuer's certificate is published).
pub fn ca_issuer_urls(c: &x509_parser::certificate::X509Certificate<'_>) -> Vec<String> {
    use x509_parser::extensions::{GeneralName, ParsedExtension};
    use x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS;
    let mut urls = Vec::new();
    for e in c.extensions() {
        if let ParsedExtension::AuthorityInfoAccess(aia) = e.parsed_extension() {
            for d in aia.iter() {
                if d.access_method == OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS {
                    if let GeneralName::URI(u) = &d.access_location {
                        urls.push(u.to_string());
                    }
                }
            }
        }
    }
    urls
}

/// The value of one DER TLV (its tag and length stripped).
fn der_value(tlv: &[u8]) -> Option<&[u8]> {
    let first = *tlv.get(1)?;
    let (len, start) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let bytes = tlv.get(2..2 + n)?;
        (
            bytes.iter().fold(0usize, |a, b| (a << 8) | *b as usize),
            2 + n,
        )
    };
    tlv.get(start..start + len)
}

/// Go's verdict on a server's chain: crypto/x509's (see [`super::x509`]), with an unknown
/// authority that is the server's incomplete chain told apart ([`missing_issuer`]).
pub fn go_verdict(
    chain: &[rustls_pki_types::CertificateDer<'_>],
    roots: &super::x509::Pool,
    anchors: Option<&[Vec<u8>]>,
    host: &str,
    now: i64,
) -> Result<(), super::x509::Rejection> {
    let ders: Vec<&[u8]> = chain.iter().map(|c| c.as_ref()).collect();
    super::x509::verify(&ders, roots, host, now).map_err(|mut r| {
        if r.class == super::tls_class::TlsClass::Untrusted
            && missing_issuer(chain, anchors).is_some()
        {
            r.class = super::tls_class::TlsClass::IncompleteChain;
        }
        r
    })
}

/// A verifier that judges chains as Go does over these roots (handshake signatures are
/// still checked by the provider). `anchors` are the roots' subjects ([`anchor_subjects`]).
pub fn go_x509_verifier(
    roots: &[rustls_pki_types::CertificateDer<'_>],
    anchors: Vec<Vec<u8>>,
) -> Arc<dyn ServerCertVerifier> {
    Arc::new(GoX509Verifier {
        pool: super::x509::Pool::new(roots.iter().map(|c| c.as_ref())),
        anchors,
    })
}

/// See [`go_x509_verifier`]; a rejection travels as a [`super::x509::Rejection`] inside
/// `CertificateError::Other`, so the handshake reports Go's class and text.
struct GoX509Verifier {
    pool: super::x509::Pool,
    anchors: Vec<Vec<u8>>,
}

impl std::fmt::Debug for GoX509Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GoX509Verifier({} roots)", self.pool.len())
    }
}

impl ServerCertVerifier for GoX509Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls_pki_types::CertificateDer<'_>,
        intermediates: &[rustls_pki_types::CertificateDer<'_>],
        server_name: &rustls_pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls_pki_types::ServerName;
        let host = match server_name {
            ServerName::DnsName(d) => d.as_ref().to_string(),
            ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
            _ => String::new(),
        };
        let mut chain = vec![end_entity.clone()];
        chain.extend(intermediates.iter().cloned());
        let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        match go_verdict(&chain, &self.pool, Some(&self.anchors), &host, now) {
            Ok(()) => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            Err(r) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Other(rustls::OtherError(Arc::new(r))),
            )),
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        RejectAll.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        RejectAll.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        RejectAll.supported_verify_schemes()
    }
}

/// A verifier for an empty store: every chain is from an unknown authority.
#[derive(Debug)]
struct RejectAll;

impl ServerCertVerifier for RejectAll {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls_pki_types::CertificateDer<'_>,
        _intermediates: &[rustls_pki_types::CertificateDer<'_>],
        _server_name: &rustls_pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer,
        ))
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A certificate name as reports show it: `CN, O=Org` (what there is of the two).
pub(crate) fn short_name(name: &x509_parser::x509::X509Name<'_>) -> String {
    let cn = name
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string);
    let org = name
        .iter_organization()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string);
    match (cn, org) {
        (Some(c), Some(o)) => format!("{c}, O={o}"),
        (Some(c), None) => c,
        (None, Some(o)) => format!("O={o}"),
        (None, None) => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_replaces_default_locations() {
        let dir = std::env::temp_dir().join(format!("gomod-diag-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let missing = dir.join("missing.pem");
        let env = |k: &str| match k {
            "SSL_CERT_FILE" => Some(missing.clone().into_os_string()),
            "SSL_CERT_DIR" => Some(empty.clone().into_os_string()),
            _ => None,
        };
        let (roots, source) = go_unix_roots(&env);
        assert!(
            roots.is_empty(),
            "the system bundle must not be read: {source}"
        );
        assert!(source.contains("SSL_CERT_FILE"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A root, an intermediate it signed, and leaves from the intermediate.
    struct Pki {
        root: rcgen::Certificate,
        inter: rcgen::Certificate,
        inter_issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
        root_issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    }

    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        let n = content.len();
        if n < 0x80 {
            v.push(n as u8);
        } else {
            v.extend([0x82, (n >> 8) as u8, n as u8]);
        }
        v.extend_from_slice(content);
        v
    }

    /// An AIA extension with one caIssuers URL.
    fn aia(url: &str) -> rcgen::CustomExtension {
        // id-ad-caIssuers 1.3.6.1.5.5.7.48.2, then [6] IA5String (uniformResourceIdentifier).
        let oid = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
        let desc = der(0x30, &[&oid[..], &der(0x86, url.as_bytes())].concat());
        rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], der(0x30, &desc))
    }

    fn ca_params(cn: &str) -> rcgen::CertificateParams {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa};
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.distinguished_name
            .push(DnType::OrganizationName, "Test Trust Services");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p
    }

    fn pki() -> Pki {
        use rcgen::{Issuer, KeyPair};
        let root_key = KeyPair::generate().unwrap();
        let root_params = ca_params("Test Root R1");
        let root = root_params.self_signed(&root_key).unwrap();
        let root_issuer = Issuer::new(root_params, root_key);
        let inter_key = KeyPair::generate().unwrap();
        let inter_params = ca_params("Test Issuing CA 1");
        let inter = inter_params.signed_by(&inter_key, &root_issuer).unwrap();
        Pki {
            root,
            inter,
            inter_issuer: Issuer::new(inter_params, inter_key),
            root_issuer,
        }
    }

    fn leaf(
        issuer: &rcgen::Issuer<'_, rcgen::KeyPair>,
        aia_url: Option<&str>,
    ) -> CertificateDer<'static> {
        let mut p = rcgen::CertificateParams::new(vec!["site.test".to_string()]).unwrap();
        if let Some(u) = aia_url {
            p.custom_extensions.push(aia(u));
        }
        let key = rcgen::KeyPair::generate().unwrap();
        p.signed_by(&key, issuer).unwrap().der().clone()
    }

    use rustls_pki_types::CertificateDer;

    fn subjects(certs: &[&rcgen::Certificate]) -> Vec<Vec<u8>> {
        let mut store = RootCertStore::empty();
        for c in certs {
            store.add(c.der().clone()).unwrap();
        }
        anchor_subjects(&store)
    }

    #[test]
    fn a_leaf_sent_without_its_published_intermediate_is_an_incomplete_chain() {
        let p = pki();
        let url = "http://ca.test/issuing-ca-1.der";
        let anchors = subjects(&[&p.root]);
        let m = missing_issuer(&[leaf(&p.inter_issuer, Some(url))], Some(&anchors)).unwrap();
        assert_eq!(m.name, "Test Issuing CA 1, O=Test Trust Services");
        assert_eq!(m.ca_issuers, vec![url]);
        // Also when the roots are unknown (the OS verifies).
        assert!(missing_issuer(&[leaf(&p.inter_issuer, Some(url))], None).is_some());
    }

    #[test]
    fn untrusted_and_rootless_chains_are_not_incomplete() {
        let p = pki();
        let url = "http://ca.test/ca.der";
        let anchors = subjects(&[&p.root]);
        // No published issuer: nothing says a CA that publishes intermediates issued it.
        assert_eq!(
            missing_issuer(&[leaf(&p.inter_issuer, None)], Some(&anchors)),
            None
        );
        // Signed by a root (an interception CA's way), sent along or not: untrusted.
        let with_root = [leaf(&p.root_issuer, Some(url)), p.root.der().clone()];
        assert_eq!(missing_issuer(&with_root, None), None);
        assert_eq!(missing_issuer(&with_root[..1], Some(&anchors)), None);
        // The intermediate is sent; what Go lacks is the root above it.
        let full = [leaf(&p.inter_issuer, Some(url)), p.inter.der().clone()];
        assert_eq!(missing_issuer(&full, Some(&[])), None);
        // An anchor carries the issuer's name: nothing is missing (a rejection is the key's).
        let only_leaf = [leaf(&p.inter_issuer, Some(url))];
        assert!(missing_issuer(&only_leaf, Some(&anchors)).is_some());
        assert_eq!(
            missing_issuer(&only_leaf, Some(&subjects(&[&p.inter]))),
            None
        );
        // A self-signed server certificate.
        let key = rcgen::KeyPair::generate().unwrap();
        let mut sp = rcgen::CertificateParams::new(vec!["site.test".to_string()]).unwrap();
        sp.custom_extensions.push(aia(url));
        let selfsigned = sp.self_signed(&key).unwrap().der().clone();
        assert_eq!(missing_issuer(&[selfsigned], None), None);
    }

    #[test]
    fn public_roots_are_roots_whatever_go_trusts() {
        let public = webpki_roots::TLS_SERVER_ROOTS[0].subject.as_ref();
        assert!(is_root_name(public, None));
        assert!(is_root_name(public, Some(&[])));
        let p = pki();
        let inter = subjects(&[&p.inter]);
        assert!(is_root_name(&inter[0], Some(&inter)));
        assert!(!is_root_name(&inter[0], None));
    }

    #[test]
    fn der_values() {
        assert_eq!(der_value(&[0x30, 0x02, 1, 2]), Some(&[1u8, 2][..]));
        let long = der(0x30, &[7u8; 300]);
        assert_eq!(der_value(&long).map(<[u8]>::len), Some(300));
        assert_eq!(der_value(&[0x30, 0x05, 1]), None);
    }
}
