//! A test certificate authority and certificate issuance (rcgen).

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub struct TestCa {
    cert_pem: String,
    cert_der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

/// A server certificate with its key, ready for a rustls server.
#[derive(Clone)]
pub struct Leaf {
    /// Leaf first, then the issuing CA (servers commonly send it).
    pub chain: Vec<CertificateDer<'static>>,
    pub key_der: Vec<u8>,
    pub cert_pem: String,
}

impl Leaf {
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()))
    }
}

/// Validity of an issued certificate.
#[derive(Clone, Copy, Debug)]
pub enum Validity {
    /// 1975 .. 4096 (rcgen's default).
    Current,
    /// 2020-01-01 .. 2021-01-01.
    Expired,
    /// 2090-01-01 .. 2091-01-01.
    NotYetValid,
}

impl TestCa {
    /// A self-signed root with the given common name and organization.
    pub fn new(common_name: &str, org: &str) -> TestCa {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, common_name);
        dn.push(DnType::OrganizationName, org);
        p.distinguished_name = dn;
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = p.self_signed(&key).unwrap();
        TestCa {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            issuer: Issuer::new(p, key),
        }
    }

    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    pub fn cert_der(&self) -> CertificateDer<'static> {
        self.cert_der.clone()
    }

    /// A currently valid server certificate for `names` (DNS names or IP literals).
    pub fn issue(&self, names: &[&str]) -> Leaf {
        self.issue_with(names, Validity::Current)
    }

    pub fn issue_with(&self, names: &[&str], validity: Validity) -> Leaf {
        let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, names.first().copied().unwrap_or("leaf"));
        p.distinguished_name = dn;
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        match validity {
            Validity::Current => {}
            Validity::Expired => {
                p.not_before = rcgen::date_time_ymd(2020, 1, 1);
                p.not_after = rcgen::date_time_ymd(2021, 1, 1);
            }
            Validity::NotYetValid => {
                p.not_before = rcgen::date_time_ymd(2090, 1, 1);
                p.not_after = rcgen::date_time_ymd(2091, 1, 1);
            }
        }
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            chain: vec![cert.der().clone(), self.cert_der.clone()],
            key_der: key.serialize_der(),
            cert_pem: cert.pem(),
        }
    }
}

/// Intermediates, and leaves sent without their issuer (`tls.incomplete_chain`).
impl TestCa {
    /// A CA certificate signed by this one: leaves it issues chain to this CA as their root.
    pub fn intermediate(&self, common_name: &str, org: &str) -> TestCa {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, common_name);
        p.distinguished_name.push(DnType::OrganizationName, org);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &self.issuer).unwrap();
        TestCa {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            issuer: Issuer::new(p, key),
        }
    }

    /// A server certificate that names where its issuer is published (AIA caIssuers
    /// `ca_issuers`), in a chain of the leaf alone: a server that forgot its intermediate.
    pub fn issue_leaf_only(&self, names: &[&str], ca_issuers: &str) -> Leaf {
        let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
        p.distinguished_name
            .push(DnType::CommonName, names.first().copied().unwrap_or("leaf"));
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.custom_extensions.push(aia_ca_issuers(ca_issuers));
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            chain: vec![cert.der().clone()],
            key_der: key.serialize_der(),
            cert_pem: cert.pem(),
        }
    }
}

/// The AuthorityInfoAccess extension (RFC 5280 4.2.2.1) with one id-ad-caIssuers URL.
fn aia_ca_issuers(url: &str) -> rcgen::CustomExtension {
    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        let n = content.len();
        let mut v = vec![tag];
        if n < 0x80 {
            v.push(n as u8);
        } else {
            v.extend([0x82, (n >> 8) as u8, n as u8]);
        }
        v.extend_from_slice(content);
        v
    }
    // 1.3.6.1.5.5.7.48.2, then the URL as [6] uniformResourceIdentifier.
    let ca_issuers = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let desc = der(
        0x30,
        &[&ca_issuers[..], &der(0x86, url.as_bytes())].concat(),
    );
    rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], der(0x30, &desc))
}
