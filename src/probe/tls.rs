//! The TLS handshake, made to look like Go's (SNI; ALPN h2 + http/1.1; X25519MLKEM768 offered
//! first), capturing the peer's chain even when verification fails, and judging it against
//! Go's trust and Mozilla's roots.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::ms;
pub use super::tls_class::{rfc3339, TlsClass};
use crate::vocab::goerr::{self, os_error_text};

/// One certificate of the peer's chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// `CN, O=Org` of the issuer, for one-line display.
    pub issuer_short: String,
    #[serde(default)]
    pub dns_names: Vec<String>,
    #[serde(default)]
    pub ip_addresses: Vec<String>,
    /// RFC 3339, UTC.
    pub not_before: String,
    pub not_after: String,
    pub is_ca: bool,
    pub sha256: String,
    /// AIA caIssuers: where the certificate's issuer is published.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ca_issuers: Vec<String>,
}

/// What one trust store thinks of the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TrustVerdict {
    pub trusted: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

/// The facts of one handshake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TlsFacts {
    pub server_name: String,
    pub class: TlsClass,
    #[serde(default)]
    pub alpn_offered: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cipher_suite: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub key_exchange: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub alpn: Option<String>,
    /// The peer's chain as sent (leaf first); empty when none was received.
    #[serde(default)]
    pub chain: Vec<CertInfo>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub go_trust: Option<TrustVerdict>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mozilla_trust: Option<TrustVerdict>,
    /// Where Go's roots come from on this machine.
    #[serde(default)]
    pub go_roots: String,
    /// The anchor the chain claims (`CN, O=Org` of the top certificate's issuer).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub anchor: Option<String>,
    /// For `incomplete_chain`: the certificate the server did not send.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub missing_issuer: Option<super::trust::MissingIssuer>,
    /// For `not_tls`: what the peer sent instead (its HTTP status line, or bytes in hex).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub peer_response: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub alert: Option<String>,
    pub time_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// The error Go prints (`tls: failed to verify certificate: x509: ...`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub go_error: Option<String>,
}

// ------------------------------------------------------------------ recording

type Seen = Arc<Mutex<Option<(Vec<CertificateDer<'static>>, Result<(), rustls::Error>)>>>;

/// Stores the presented chain and Go's verdict, then delegates.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    seen: Seen,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let r = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        if let Ok(mut s) = self.seen.lock() {
            *s = Some((chain, r.as_ref().map(|_| ()).map_err(Clone::clone)));
        }
        r
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(m, c, d)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(m, c, d)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A stream that keeps the first bytes the peer sent, to tell "not TLS" from a reset.
pub struct Recording<S> {
    inner: S,
    first: Arc<Mutex<Vec<u8>>>,
}

const KEEP: usize = 512;

impl<S: AsyncRead + Unpin> AsyncRead for Recording<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &r {
            let new = &buf.filled()[before..];
            if let Ok(mut f) = self.first.lock() {
                if f.len() < KEEP {
                    let take = new.len().min(KEEP - f.len());
                    f.extend_from_slice(&new[..take]);
                }
            }
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recording<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

// ------------------------------------------------------------------ config

/// ALPN as Go's HTTP client offers it.
pub const GO_ALPN: [&str; 2] = ["h2", "http/1.1"];

/// A client config like Go's: post-quantum hybrid first, ALPN h2 + http/1.1.
pub fn go_like_config(verifier: Arc<dyn ServerCertVerifier>, alpn: bool) -> rustls::ClientConfig {
    use rustls::crypto::aws_lc_rs::kx_group;
    let mut provider = rustls::crypto::aws_lc_rs::default_provider();
    provider.kx_groups = vec![
        kx_group::X25519MLKEM768,
        kx_group::X25519,
        kx_group::SECP256R1,
        kx_group::SECP384R1,
    ];
    let mut cfg = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .expect("aws-lc-rs supports TLS 1.2 and 1.3")
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    if alpn {
        cfg.alpn_protocols = GO_ALPN.iter().map(|p| p.as_bytes().to_vec()).collect();
    }
    cfg
}

// ------------------------------------------------------------------ pure helpers

/// Parses one DER certificate into displayable facts.
pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    use x509_parser::extensions::GeneralName;
    let (_, c) = x509_parser::parse_x509_certificate(der).ok()?;
    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    if let Ok(Some(san)) = c.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => dns_names.push(d.to_string()),
                GeneralName::IPAddress(b) => {
                    if let Ok(a) = <[u8; 4]>::try_from(*b) {
                        ip_addresses.push(std::net::Ipv4Addr::from(a).to_string());
                    } else if let Ok(a) = <[u8; 16]>::try_from(*b) {
                        ip_addresses.push(std::net::Ipv6Addr::from(a).to_string());
                    }
                }
                _ => {}
            }
        }
    }
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
    Some(CertInfo {
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        issuer_short: super::trust::short_name(c.issuer()),
        dns_names,
        ip_addresses,
        not_before: rfc3339(c.validity().not_before.timestamp()),
        not_after: rfc3339(c.validity().not_after.timestamp()),
        is_ca: c.is_ca(),
        sha256: digest.as_ref().iter().map(|b| format!("{b:02x}")).collect(),
        ca_issuers: super::trust::ca_issuer_urls(&c),
    })
}

/// Go's `x509.HostnameError` text.
pub fn go_hostname_error(leaf: &CertInfo, host: &str) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() {
        if leaf.ip_addresses.is_empty() {
            return goerr::x509_no_ip_sans(host);
        }
        return goerr::x509_valid_for(&leaf.ip_addresses, host);
    }
    if leaf.dns_names.is_empty() {
        return goerr::X509_LEGACY_COMMON_NAME.to_string();
    }
    goerr::x509_valid_for(&leaf.dns_names, host)
}

/// The Go name of a TLS alert (crypto/tls alert.go).
pub fn go_alert_text(a: rustls::AlertDescription) -> String {
    goerr::tls_alert_name(u8::from(a))
}

/// True when the first bytes look like a TLS record (handshake or alert, version 3.x).
pub fn looks_like_tls(first: &[u8]) -> bool {
    first.len() < 2 || ((0x14..=0x17).contains(&first[0]) && first[1] == 0x03)
}

/// The status line of an HTTP response, if the bytes start with one.
pub fn http_status_line(first: &[u8]) -> Option<String> {
    if !first.starts_with(b"HTTP/") {
        return None;
    }
    let end = first
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(first.len().min(80));
    Some(String::from_utf8_lossy(&first[..end]).into_owned())
}

fn describe_bytes(first: &[u8]) -> String {
    match http_status_line(first) {
        Some(l) => l,
        None => {
            let printable = first
                .iter()
                .take(32)
                .all(|b| b.is_ascii_graphic() || *b == b' ');
            if printable {
                String::from_utf8_lossy(&first[..first.len().min(64)]).into_owned()
            } else {
                first
                    .iter()
                    .take(16)
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
    }
}

/// Classifies a certificate error as Go reports it.
pub fn classify_cert_error(
    e: &rustls::Error,
    leaf: Option<&CertInfo>,
    host: &str,
) -> (TlsClass, String) {
    if let rustls::Error::InvalidCertificate(CertificateError::Other(o)) = e {
        let inner: &(dyn std::error::Error + 'static) = &*o.0;
        if let Some(r) = inner.downcast_ref::<super::x509::Rejection>() {
            return (r.class, r.text.clone());
        }
    }
    let now = rfc3339(UnixTime::now().as_secs() as i64);
    let unknown = || {
        (
            TlsClass::Untrusted,
            goerr::tls_verify_failed(goerr::X509_UNKNOWN_AUTHORITY),
        )
    };
    match e {
        rustls::Error::InvalidCertificate(ce) => match ce {
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                let text = leaf
                    .map(|l| go_hostname_error(l, host))
                    .unwrap_or_else(|| goerr::x509_not_valid_for(host));
                (TlsClass::HostnameMismatch, goerr::tls_verify_failed(text))
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                let after = leaf.map(|l| l.not_after.clone()).unwrap_or_default();
                let text = goerr::x509_expired(&now, &after);
                (TlsClass::Expired, goerr::tls_verify_failed(text))
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                let before = leaf.map(|l| l.not_before.clone()).unwrap_or_default();
                let text = goerr::x509_not_yet_valid(&now, &before);
                (TlsClass::NotYetValid, goerr::tls_verify_failed(text))
            }
            // Go finds no trusted issuer for these (a SHA-1 signature, a signature that
            // does not verify): its text is unknown authority.
            CertificateError::UnknownIssuer
            | CertificateError::BadSignature
            | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                unknown()
            }
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => (
                TlsClass::CertificateInvalid,
                goerr::tls_verify_failed(goerr::X509_INCOMPATIBLE_USAGE),
            ),
            CertificateError::BadEncoding => {
                (TlsClass::CertificateInvalid, goerr::TLS_PARSE_CERT.into())
            }
            // The platform verifiers' own reasons (revocation, policy) have no Go text;
            // Go on those systems reports them as an untrusted chain.
            _ => unknown(),
        },
        other => (TlsClass::Other, goerr::tls_verify_failed(other)),
    }
}

/// A trust store's reason, in crypto/x509's words (without crypto/tls's prefix).
fn trust_error(e: &rustls::Error, leaf: Option<&CertInfo>, host: &str) -> String {
    let (_, text) = classify_cert_error(e, leaf, host);
    match text.strip_prefix("tls: failed to verify certificate: ") {
        Some(t) => t.to_string(),
        None => text,
    }
}

// ------------------------------------------------------------------ the handshake

/// Performs a Go-like handshake over `stream` to `server_name` within `budget`.
/// Returns the facts and, on success, the TLS stream (for an HTTP request or a tunnel).
pub async fn handshake<S>(
    stream: S,
    server_name: &str,
    budget: Duration,
) -> (
    TlsFacts,
    Option<tokio_rustls::client::TlsStream<Recording<S>>>,
)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    handshake_with(super::trust::trust(), stream, server_name, budget).await
}

/// [`handshake`] judged by the given trust stores instead of the process-wide ones.
pub async fn handshake_with<S>(
    trust: &super::trust::Trust,
    stream: S,
    server_name: &str,
    budget: Duration,
) -> (
    TlsFacts,
    Option<tokio_rustls::client::TlsStream<Recording<S>>>,
)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let start = Instant::now();
    let seen: Seen = Arc::new(Mutex::new(None));
    let verifier = Arc::new(RecordingVerifier {
        inner: trust.go.clone(),
        seen: seen.clone(),
    });
    let cfg = go_like_config(verifier, true);
    let mut facts = TlsFacts {
        server_name: server_name.to_string(),
        class: TlsClass::Other,
        alpn_offered: GO_ALPN.iter().map(|s| s.to_string()).collect(),
        version: None,
        cipher_suite: None,
        key_exchange: None,
        alpn: None,
        chain: Vec::new(),
        go_trust: None,
        mozilla_trust: None,
        go_roots: trust.go_source.clone(),
        anchor: None,
        missing_issuer: None,
        peer_response: None,
        alert: None,
        time_ms: 0.0,
        error: None,
        go_error: None,
    };
    let host = server_name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let name = match ServerName::try_from(host.clone()) {
        Ok(n) => n,
        Err(e) => {
            facts.error = Some(format!("invalid server name {server_name:?}: {e}"));
            facts.go_error = facts.error.clone();
            return (facts, None);
        }
    };
    let first = Arc::new(Mutex::new(Vec::new()));
    let local_peer = String::new();
    let rec = Recording {
        inner: stream,
        first: first.clone(),
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let what = || format!("the TLS handshake with {host}");
    let shake = connector.connect(name.clone(), rec);
    let result = super::pace::bounded(super::pace::Step::Tls, what, budget, shake).await;
    if result.is_some() {
        super::pace::answered(|| format!("{host} (TLS)"), start.elapsed());
    }
    facts.time_ms = ms(start.elapsed());
    let first_bytes = first.lock().map(|f| f.clone()).unwrap_or_default();
    let recorded = seen.lock().ok().and_then(|s| s.clone());
    if let Some((chain, go_result)) = &recorded {
        facts.chain = chain.iter().filter_map(|c| cert_info(c)).collect();
        facts.anchor = facts.chain.last().map(|c| c.issuer_short.clone());
        let leaf = facts.chain.first().cloned();
        let why = |e: &rustls::Error| trust_error(e, leaf.as_ref(), &host);
        facts.go_trust = Some(TrustVerdict {
            trusted: go_result.is_ok(),
            error: go_result.as_ref().err().map(why),
        });
        let moz =
            trust
                .mozilla
                .verify_server_cert(&chain[0], &chain[1..], &name, &[], UnixTime::now());
        facts.mozilla_trust = Some(TrustVerdict {
            trusted: moz.is_ok(),
            error: moz.err().as_ref().map(why),
        });
    }
    match result {
        None => {
            facts.class = if !first_bytes.is_empty() && !looks_like_tls(&first_bytes) {
                TlsClass::NotTls
            } else {
                TlsClass::Timeout
            };
            if facts.class == TlsClass::NotTls {
                facts.peer_response = Some(describe_bytes(&first_bytes));
                facts.go_error = Some(not_tls_go_text(&first_bytes));
            } else {
                facts.go_error = Some(goerr::TLS_HANDSHAKE_TIMEOUT.into());
            }
            facts.error = Some(format!("no handshake within {:?}", start.elapsed()));
            (facts, None)
        }
        Some(Ok(tls)) => {
            let (_, conn) = tls.get_ref();
            facts.version = conn.protocol_version().map(|v| {
                format!("{v:?}")
                    .replace("TLSv1_", "TLS 1.")
                    .replace("TLSv1", "TLS 1")
            });
            facts.cipher_suite = conn
                .negotiated_cipher_suite()
                .map(|c| format!("{:?}", c.suite()));
            facts.key_exchange = conn
                .negotiated_key_exchange_group()
                .map(|g| format!("{:?}", g.name()));
            facts.alpn = conn
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned());
            let moz_ok = facts.mozilla_trust.as_ref().is_none_or(|m| m.trusted);
            facts.class = if moz_ok {
                TlsClass::Ok
            } else {
                TlsClass::InterceptionTrusted
            };
            (facts, Some(tls))
        }
        Some(Err(e)) => {
            facts.error = Some(e.to_string());
            let rustls_err = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<rustls::Error>())
                .cloned();
            if !first_bytes.is_empty() && !looks_like_tls(&first_bytes) {
                facts.class = TlsClass::NotTls;
                facts.peer_response = Some(describe_bytes(&first_bytes));
                facts.go_error = Some(not_tls_go_text(&first_bytes));
            } else if let Some(rustls::Error::AlertReceived(a)) = &rustls_err {
                facts.class = TlsClass::Alert;
                let t = go_alert_text(*a);
                facts.alert = Some(t.clone());
                facts.go_error = Some(goerr::tls_remote_error(&t));
            } else if let Some((chain, Err(ve))) = &recorded {
                let (class, text) = classify_cert_error(ve, facts.chain.first(), &host);
                facts.class = class;
                // rustls's own text would show the verdict as a Rust value.
                let why = trust_error(ve, facts.chain.first(), &host);
                facts.error = Some(format!("invalid peer certificate: {why}"));
                facts.go_error = Some(text);
                // Same text from Go; the chain itself tells whether the server left out
                // an intermediate.
                let unknown_issuer = class == TlsClass::IncompleteChain
                    || matches!(
                        ve,
                        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
                    );
                if unknown_issuer {
                    facts.missing_issuer =
                        super::trust::missing_issuer(chain, trust.go_anchors.as_deref());
                    if facts.missing_issuer.is_some() {
                        facts.class = TlsClass::IncompleteChain;
                    }
                }
            } else if let Some(re) = &rustls_err {
                facts.class = TlsClass::Other;
                facts.go_error = Some(goerr::tls(re));
            } else {
                use std::io::ErrorKind::*;
                match e.kind() {
                    ConnectionReset | ConnectionAborted | BrokenPipe => {
                        facts.class = TlsClass::Reset;
                        let _ = &local_peer;
                        facts.go_error = Some(goerr::read_text(&e));
                    }
                    UnexpectedEof => {
                        facts.class = TlsClass::Reset;
                        facts.go_error = Some(goerr::EOF.into());
                    }
                    _ => {
                        facts.class = TlsClass::Other;
                        facts.go_error = Some(os_error_text(&e));
                    }
                }
            }
            (facts, None)
        }
    }
}

/// Go's text when the first record is not TLS.
pub fn not_tls_go_text(first: &[u8]) -> String {
    if http_status_line(first).is_some() {
        goerr::HTTP_RESPONSE_TO_HTTPS.to_string()
    } else {
        goerr::TLS_NOT_A_HANDSHAKE.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_735_689_600), "2025-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn hostname_errors_like_go() {
        let leaf = CertInfo {
            subject: String::new(),
            issuer: String::new(),
            issuer_short: String::new(),
            dns_names: vec!["a.example".into(), "b.example".into()],
            ip_addresses: vec![],
            not_before: String::new(),
            not_after: String::new(),
            is_ca: false,
            sha256: String::new(),
            ca_issuers: vec![],
        };
        assert_eq!(
            go_hostname_error(&leaf, "proxy.golang.org"),
            "x509: certificate is valid for a.example, b.example, not proxy.golang.org"
        );
        assert_eq!(
            go_hostname_error(&leaf, "10.0.0.1"),
            "x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs"
        );
    }

    #[test]
    fn record_sniffing() {
        assert!(looks_like_tls(&[0x16, 0x03, 0x03]));
        assert!(looks_like_tls(&[0x15, 0x03, 0x01]));
        assert!(!looks_like_tls(b"HTTP/1.1 400 Bad Request\r\n"));
        assert_eq!(
            http_status_line(b"HTTP/1.1 400 Bad Request\r\nX: y").unwrap(),
            "HTTP/1.1 400 Bad Request"
        );
        assert_eq!(
            not_tls_go_text(b"SSH-2.0-x"),
            "tls: first record does not look like a TLS handshake"
        );
        assert_eq!(
            not_tls_go_text(b"HTTP/1.0 200 OK"),
            "http: server gave HTTP response to HTTPS client"
        );
    }

    /// A loopback TLS server with a certificate from a fresh CA; returns its address and the CA.
    async fn server(
        names: &[&str],
    ) -> (
        std::net::SocketAddr,
        rustls_pki_types::CertificateDer<'static>,
    ) {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
        let cfg = rustls::ServerConfig::builder_with_provider(super::super::trust::provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                let a = acceptor.clone();
                tokio::spawn(async move {
                    let _ = a.accept(s).await;
                });
            }
        });
        (addr, ca_cert.der().clone())
    }

    fn store(
        ca: Option<&rustls_pki_types::CertificateDer<'static>>,
    ) -> Arc<dyn ServerCertVerifier> {
        let mut roots = rustls::RootCertStore::empty();
        if let Some(c) = ca {
            roots.add(c.clone()).unwrap();
        }
        super::super::trust::verifier_for(roots)
    }

    #[tokio::test]
    async fn ok_when_go_and_mozilla_both_trust() {
        let (addr, ca) = server(&["good.test"]).await;
        let trust = super::super::trust::Trust {
            go: store(Some(&ca)),
            mozilla: store(Some(&ca)),
            go_source: "test".into(),
            go_anchors: None,
        };
        let s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (f, stream) = handshake_with(&trust, s, "good.test", Duration::from_secs(2)).await;
        assert_eq!(f.class, TlsClass::Ok, "{f:?}");
        assert!(stream.is_some());
        assert!(f.go_error.is_none());
        assert_eq!(f.chain[0].dns_names, vec!["good.test"]);
    }

    #[tokio::test]
    async fn interception_trusted_when_only_go_trusts() {
        let (addr, ca) = server(&["good.test"]).await;
        let trust = super::super::trust::Trust {
            go: store(Some(&ca)),
            mozilla: store(None),
            go_source: "test".into(),
            go_anchors: None,
        };
        let s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (f, _) = handshake_with(&trust, s, "good.test", Duration::from_secs(2)).await;
        assert_eq!(f.class, TlsClass::InterceptionTrusted);
        assert_eq!(
            f.class.cause_id(),
            Some(crate::vocab::CauseId::TlsInterceptionTrusted)
        );
        assert!(f.class.ok());
    }

    /// A loopback TLS server that sends `chain` (leaf first) for `key`.
    async fn serve_chain(
        chain: Vec<rustls_pki_types::CertificateDer<'static>>,
        key: &rcgen::KeyPair,
    ) -> std::net::SocketAddr {
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
        let cfg = rustls::ServerConfig::builder_with_provider(super::super::trust::provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                let a = acceptor.clone();
                tokio::spawn(async move {
                    let _ = a.accept(s).await;
                });
            }
        });
        addr
    }

    /// Go's judge over `roots` (as on Unix), Mozilla's = none.
    fn go_trust(roots: &[&rcgen::Certificate]) -> super::super::trust::Trust {
        let ders: Vec<_> = roots.iter().map(|c| c.der().clone()).collect();
        let mut store = rustls::RootCertStore::empty();
        for d in &ders {
            store.add(d.clone()).unwrap();
        }
        let anchors = super::super::trust::anchor_subjects(&store);
        super::super::trust::Trust {
            go: super::super::trust::go_x509_verifier(&ders, anchors.clone()),
            mozilla: store_of(&ders),
            go_source: "test".into(),
            go_anchors: Some(anchors),
        }
    }

    fn store_of(ders: &[rustls_pki_types::CertificateDer<'static>]) -> Arc<dyn ServerCertVerifier> {
        let mut roots = rustls::RootCertStore::empty();
        for d in ders {
            roots.add(d.clone()).unwrap();
        }
        super::super::trust::verifier_for(roots)
    }

    async fn shake(
        trust: &super::super::trust::Trust,
        addr: std::net::SocketAddr,
        host: &str,
    ) -> TlsFacts {
        let s = tokio::net::TcpStream::connect(addr).await.unwrap();
        handshake_with(trust, s, host, Duration::from_secs(5))
            .await
            .0
    }

    #[tokio::test]
    async fn a_self_signed_ca_leaf_is_an_unknown_authority_as_go_says() {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
        // What `openssl req -x509` makes: self-signed, CA:TRUE.
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(vec!["h1.test".to_string()]).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = p.self_signed(&key).unwrap();
        let mut other = CertificateParams::new(Vec::<String>::new()).unwrap();
        other.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        other
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Some Other Root");
        let other_root = other.self_signed(&KeyPair::generate().unwrap()).unwrap();
        let addr = serve_chain(vec![cert.der().clone()], &key).await;
        let f = shake(&go_trust(&[&other_root]), addr, "h1.test").await;
        assert_eq!(f.class, TlsClass::Untrusted, "{f:?}");
        assert_eq!(
            f.go_error.as_deref(),
            Some(
                "tls: failed to verify certificate: x509: certificate signed by unknown authority"
            )
        );
        // Trusted as a root, the same server is fine (Go: the leaf is in the pool).
        let f = shake(&go_trust(&[&cert]), addr, "h1.test").await;
        assert!(f.class.ok(), "{f:?}");
        // webpki (Mozilla's judge here) rejects a CA as a leaf; its reason is told in Go's
        // words, not as a Rust value.
        let moz = f.mozilla_trust.unwrap().error.unwrap();
        assert!(!moz.contains("Other("), "{moz}");
        let f = shake(&go_trust(&[&other_root]), addr, "h1.test").await;
        let err = f.error.unwrap();
        assert!(
            !err.contains("Other(") && err.contains("unknown authority"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn wildcards_and_legacy_common_names_as_go_matches_them() {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "Wild Root");
        let ca_key = KeyPair::generate().unwrap();
        let root = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().unwrap();
        let wild = CertificateParams::new(vec!["*.test".to_string()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        let addr = serve_chain(vec![wild.der().clone()], &key).await;
        let trust = go_trust(&[&root]);
        let f = shake(&trust, addr, "h1.test").await;
        assert!(f.class.ok(), "*.test covers h1.test for Go: {f:?}");
        let f = shake(&trust, addr, "a.h1.test").await;
        assert_eq!(f.class, TlsClass::HostnameMismatch);
        assert_eq!(
            f.go_error.as_deref(),
            Some("tls: failed to verify certificate: x509: certificate is valid for *.test, not a.h1.test")
        );
        let mut cn_only = CertificateParams::new(Vec::<String>::new()).unwrap();
        cn_only
            .distinguished_name
            .push(DnType::CommonName, "h1.test");
        let cn_only = cn_only.signed_by(&key, &issuer).unwrap();
        let addr = serve_chain(vec![cn_only.der().clone()], &key).await;
        let f = shake(&trust, addr, "h1.test").await;
        assert_eq!(f.class, TlsClass::HostnameMismatch);
        assert_eq!(
            f.go_error.as_deref(),
            Some("tls: failed to verify certificate: x509: certificate relies on legacy Common Name field, use SANs instead")
        );
    }

    #[test]
    fn alerts() {
        assert_eq!(
            go_alert_text(rustls::AlertDescription::HandshakeFailure),
            "handshake failure"
        );
        assert_eq!(
            go_alert_text(rustls::AlertDescription::ProtocolVersion),
            "protocol version not supported"
        );
    }
}
