//! Trust stores: Go's (what crypto/x509 would trust on this OS) and Mozilla's (webpki-roots,
//! the public-internet baseline). A chain Go trusts but Mozilla does not is inspection
//! (`tls.interception_trusted`).

use std::sync::{Arc, OnceLock};

use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::RootCertStore;

/// The two judges of a certificate chain.
#[derive(Debug)]
pub struct Trust {
    /// Go's trust on this OS.
    pub go: Arc<dyn ServerCertVerifier>,
    /// Mozilla's roots.
    pub mozilla: Arc<dyn ServerCertVerifier>,
    /// Where Go's roots came from, for reports.
    pub go_source: String,
}

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
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
    let (go, go_source) = go_verifier();
    Trust {
        go,
        mozilla: webpki(mozilla),
        go_source,
    }
}

#[cfg(all(unix, not(target_vendor = "apple")))]
fn go_verifier() -> (Arc<dyn ServerCertVerifier>, String) {
    let (roots, source) = go_unix_roots(&|k| std::env::var_os(k));
    let n = roots.len();
    (webpki(roots), format!("{source} ({n} roots)"))
}

#[cfg(not(all(unix, not(target_vendor = "apple"))))]
fn go_verifier() -> (Arc<dyn ServerCertVerifier>, String) {
    match rustls_platform_verifier::Verifier::new(provider()) {
        Ok(v) => (Arc::new(v), "the OS certificate store".to_string()),
        Err(e) => (
            Arc::new(RejectAll),
            format!("the OS certificate store (unavailable: {e})"),
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
    use rustls_pki_types::{pem::PemObject, CertificateDer};
    let mut roots = RootCertStore::empty();
    let mut add_pem = |data: &[u8]| {
        for c in CertificateDer::pem_slice_iter(data).flatten() {
            let _ = roots.add(c);
        }
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
}
