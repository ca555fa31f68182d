//! A certificate reduced to what crypto/x509's `Verify` looks at, parsed once (x509-parser)
//! into owned fields named after Go's `x509.Certificate` fields.

use x509_parser::extensions::{GeneralName, ParsedExtension};

/// The signature algorithm of a certificate, as Go's `SignatureAlgorithm` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigAlg {
    Md5Rsa,
    Sha1Rsa,
    Sha256Rsa,
    Sha384Rsa,
    Sha512Rsa,
    Sha256RsaPss,
    Sha384RsaPss,
    Sha512RsaPss,
    DsaSha1,
    DsaSha256,
    EcdsaSha1,
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,
    Ed25519,
    Unknown,
}

impl SigAlg {
    /// Go's `SignatureAlgorithm.String()`.
    pub fn go_name(self) -> &'static str {
        match self {
            SigAlg::Md5Rsa => "MD5-RSA",
            SigAlg::Sha1Rsa => "SHA1-RSA",
            SigAlg::Sha256Rsa => "SHA256-RSA",
            SigAlg::Sha384Rsa => "SHA384-RSA",
            SigAlg::Sha512Rsa => "SHA512-RSA",
            SigAlg::Sha256RsaPss => "SHA256-RSAPSS",
            SigAlg::Sha384RsaPss => "SHA384-RSAPSS",
            SigAlg::Sha512RsaPss => "SHA512-RSAPSS",
            SigAlg::DsaSha1 => "DSA-SHA1",
            SigAlg::DsaSha256 => "DSA-SHA256",
            SigAlg::EcdsaSha1 => "ECDSA-SHA1",
            SigAlg::EcdsaSha256 => "ECDSA-SHA256",
            SigAlg::EcdsaSha384 => "ECDSA-SHA384",
            SigAlg::EcdsaSha512 => "ECDSA-SHA512",
            SigAlg::Ed25519 => "Ed25519",
            SigAlg::Unknown => "0",
        }
    }

    fn from_oid(oid: &str, params: Option<&[u8]>) -> SigAlg {
        match oid {
            "1.2.840.113549.1.1.4" => SigAlg::Md5Rsa,
            "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => SigAlg::Sha1Rsa,
            "1.2.840.113549.1.1.11" => SigAlg::Sha256Rsa,
            "1.2.840.113549.1.1.12" => SigAlg::Sha384Rsa,
            "1.2.840.113549.1.1.13" => SigAlg::Sha512Rsa,
            "1.2.840.113549.1.1.10" => pss_hash(params.unwrap_or_default()),
            "1.2.840.10040.4.3" => SigAlg::DsaSha1,
            "2.16.840.1.101.3.4.3.2" => SigAlg::DsaSha256,
            "1.2.840.10045.4.1" => SigAlg::EcdsaSha1,
            "1.2.840.10045.4.3.2" => SigAlg::EcdsaSha256,
            "1.2.840.10045.4.3.3" => SigAlg::EcdsaSha384,
            "1.2.840.10045.4.3.4" => SigAlg::EcdsaSha512,
            "1.3.101.112" => SigAlg::Ed25519,
            _ => SigAlg::Unknown,
        }
    }
}

/// RSA-PSS parameters as Go accepts them: the hash, MGF1 with the same hash, salt = hash size.
fn pss_hash(params: &[u8]) -> SigAlg {
    // The DER of the hash OIDs (2.16.840.1.101.3.4.2.{1,2,3}) and of the salt lengths.
    let has = |needle: &[u8]| params.windows(needle.len()).any(|w| w == needle);
    let sha = |n: u8| [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, n];
    let salt = |n: u8| [0xa2, 0x03, 0x02, 0x01, n];
    if has(&sha(1)) && has(&salt(32)) {
        SigAlg::Sha256RsaPss
    } else if has(&sha(2)) && has(&salt(48)) {
        SigAlg::Sha384RsaPss
    } else if has(&sha(3)) && has(&salt(64)) {
        SigAlg::Sha512RsaPss
    } else {
        SigAlg::Unknown
    }
}

/// The subject public key, as far as checking signatures needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PubKey {
    /// PKCS#1 RSAPublicKey DER and the modulus size in bits.
    Rsa {
        der: Vec<u8>,
        bits: usize,
    },
    /// The curve's OID and the uncompressed point.
    Ec {
        curve: String,
        point: Vec<u8>,
    },
    Ed25519(Vec<u8>),
    Dsa,
    /// Go leaves `PublicKey` nil: such a certificate is never a parent.
    Unknown,
}

/// Extended key usage as `Verify` sees it (only serverAuth is ever requested by crypto/tls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Eku {
    pub any: bool,
    pub server_auth: bool,
}

/// A name constraint's IP range: network and mask, both 4 or both 16 bytes.
pub type IpRange = (Vec<u8>, Vec<u8>);

/// The DNS and IP parts of a name constraints extension (Go's Permitted*/Excluded* fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameConstraints {
    pub permitted_dns: Vec<String>,
    pub excluded_dns: Vec<String>,
    pub permitted_ip: Vec<IpRange>,
    pub excluded_ip: Vec<IpRange>,
}

/// One parsed certificate.
#[derive(Debug, Clone)]
pub struct Cert {
    pub raw: Vec<u8>,
    pub raw_tbs: Vec<u8>,
    pub raw_subject: Vec<u8>,
    pub raw_issuer: Vec<u8>,
    pub raw_spki: Vec<u8>,
    /// 1, 2 or 3 (Go's `Version`).
    pub version: u32,
    /// Decimal, as Go's `SerialNumber.String()`.
    pub serial: String,
    /// The last CN attribute (Go's `Subject.CommonName`), empty when none.
    pub common_name: String,
    pub first_org: Option<String>,
    pub not_before: i64,
    pub not_after: i64,
    /// Go's `BasicConstraintsValid`, `IsCA`, `MaxPathLen` (-1: none).
    pub bc_valid: bool,
    pub is_ca: bool,
    pub max_path_len: i64,
    /// Go's `KeyUsage` bits (0 when the extension is absent).
    pub key_usage: u16,
    /// `None` when the certificate lists no extended key usage at all.
    pub eku: Option<Eku>,
    /// The SAN extension's raw value, when present.
    pub san_raw: Option<Vec<u8>>,
    pub dns_names: Vec<String>,
    /// 4 or 16 bytes each, as in the certificate.
    pub ip_addresses: Vec<Vec<u8>>,
    pub has_emails_or_uris: bool,
    pub name_constraints: Option<NameConstraints>,
    pub subject_key_id: Vec<u8>,
    pub authority_key_id: Vec<u8>,
    pub unhandled_critical: bool,
    pub sig_alg: SigAlg,
    pub signature: Vec<u8>,
    pub key: PubKey,
}

/// The extensions Go's parser handles; any other one marked critical makes the certificate
/// unusable (`x509: unhandled critical extension`).
const HANDLED: &[&str] = &[
    "2.5.29.14",
    "2.5.29.15",
    "2.5.29.17",
    "2.5.29.19",
    "2.5.29.30",
    "2.5.29.31",
    "2.5.29.32",
    "2.5.29.33",
    "2.5.29.35",
    "2.5.29.36",
    "2.5.29.37",
    "2.5.29.54",
];

impl Cert {
    /// Parses one DER certificate; `None` when x509-parser cannot.
    pub fn parse(der: &[u8]) -> Option<Cert> {
        let (rest, c) = x509_parser::parse_x509_certificate(der).ok()?;
        if !rest.is_empty() {
            return None;
        }
        let tbs = &c.tbs_certificate;
        let subject = tbs.subject();
        let mut cert = Cert {
            raw: der.to_vec(),
            raw_tbs: tbs.as_ref().to_vec(),
            raw_subject: subject.as_raw().to_vec(),
            raw_issuer: tbs.issuer().as_raw().to_vec(),
            raw_spki: tbs.subject_pki.raw.to_vec(),
            version: tbs.version().0 + 1,
            serial: tbs.serial.to_string(),
            common_name: subject
                .iter_common_name()
                .filter_map(|a| a.as_str().ok())
                .last()
                .unwrap_or_default()
                .to_string(),
            first_org: subject
                .iter_organization()
                .filter_map(|a| a.as_str().ok())
                .next()
                .map(str::to_string),
            not_before: tbs.validity().not_before.timestamp(),
            not_after: tbs.validity().not_after.timestamp(),
            bc_valid: false,
            is_ca: false,
            max_path_len: -1,
            key_usage: 0,
            eku: None,
            san_raw: None,
            dns_names: Vec::new(),
            ip_addresses: Vec::new(),
            has_emails_or_uris: false,
            name_constraints: None,
            subject_key_id: Vec::new(),
            authority_key_id: Vec::new(),
            unhandled_critical: false,
            sig_alg: SigAlg::from_oid(
                &c.signature_algorithm.algorithm.to_id_string(),
                c.signature_algorithm.parameters.as_ref().map(|p| p.data),
            ),
            signature: c.signature_value.data.to_vec(),
            key: pub_key(&tbs.subject_pki),
        };
        for e in tbs.extensions() {
            let oid = e.oid.to_id_string();
            if e.critical && !HANDLED.contains(&oid.as_str()) {
                cert.unhandled_critical = true;
            }
            match e.parsed_extension() {
                ParsedExtension::BasicConstraints(b) => {
                    cert.bc_valid = true;
                    cert.is_ca = b.ca;
                    cert.max_path_len = b.path_len_constraint.map_or(-1, i64::from);
                }
                ParsedExtension::KeyUsage(k) => cert.key_usage = k.flags,
                ParsedExtension::ExtendedKeyUsage(x) => {
                    let listed = x.any
                        || x.server_auth
                        || x.client_auth
                        || x.code_signing
                        || x.email_protection
                        || x.time_stamping
                        || x.ocsp_signing
                        || !x.other.is_empty();
                    cert.eku = listed.then_some(Eku {
                        any: x.any,
                        server_auth: x.server_auth,
                    });
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    cert.san_raw = Some(e.value.to_vec());
                    for n in &san.general_names {
                        match n {
                            GeneralName::DNSName(d) => cert.dns_names.push(d.to_string()),
                            GeneralName::IPAddress(b) if b.len() == 4 || b.len() == 16 => {
                                cert.ip_addresses.push(b.to_vec())
                            }
                            GeneralName::RFC822Name(_) | GeneralName::URI(_) => {
                                cert.has_emails_or_uris = true
                            }
                            _ => {}
                        }
                    }
                    let any = !cert.dns_names.is_empty()
                        || !cert.ip_addresses.is_empty()
                        || cert.has_emails_or_uris;
                    if e.critical && !any {
                        cert.unhandled_critical = true;
                    }
                }
                ParsedExtension::NameConstraints(nc) => {
                    let mut out = NameConstraints::default();
                    let mut unhandled = false;
                    let mut take = |subtrees: &Option<Vec<_>>,
                                    dns: &mut Vec<String>,
                                    ip: &mut Vec<IpRange>| {
                        for s in subtrees.iter().flatten() {
                            let s: &x509_parser::extensions::GeneralSubtree = s;
                            match &s.base {
                                GeneralName::DNSName(d) => dns.push(d.to_string()),
                                GeneralName::IPAddress(b) if b.len() == 8 || b.len() == 32 => {
                                    let h = b.len() / 2;
                                    ip.push((b[..h].to_vec(), b[h..].to_vec()));
                                }
                                GeneralName::RFC822Name(_) | GeneralName::URI(_) => {}
                                _ => unhandled = true,
                            }
                        }
                    };
                    take(
                        &nc.permitted_subtrees,
                        &mut out.permitted_dns,
                        &mut out.permitted_ip,
                    );
                    take(
                        &nc.excluded_subtrees,
                        &mut out.excluded_dns,
                        &mut out.excluded_ip,
                    );
                    if e.critical && unhandled {
                        cert.unhandled_critical = true;
                    }
                    cert.name_constraints = Some(out);
                }
                ParsedExtension::SubjectKeyIdentifier(k) => cert.subject_key_id = k.0.to_vec(),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    if let Some(k) = &a.key_identifier {
                        cert.authority_key_id = k.0.to_vec();
                    }
                }
                _ => {}
            }
        }
        Some(cert)
    }

    /// Go's `hasSANExtension`.
    pub fn has_san(&self) -> bool {
        self.san_raw.is_some()
    }

    /// The name Go's unknown-authority hint gives a candidate: CN, else O, else the serial.
    pub fn hint_name(&self) -> String {
        if !self.common_name.is_empty() {
            return self.common_name.clone();
        }
        match &self.first_org {
            Some(o) => o.clone(),
            None => format!("serial:{}", self.serial),
        }
    }
}

fn pub_key(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> PubKey {
    use x509_parser::public_key::PublicKey;
    let alg = spki.algorithm.algorithm.to_id_string();
    match (alg.as_str(), spki.parsed()) {
        ("1.2.840.113549.1.1.1", Ok(PublicKey::RSA(k))) => {
            let m = k.modulus;
            let lead = m.iter().take_while(|b| **b == 0).count();
            let m = &m[lead..];
            let bits = m
                .first()
                .map_or(0, |b| (m.len() - 1) * 8 + (8 - b.leading_zeros() as usize));
            PubKey::Rsa {
                der: spki.subject_public_key.data.to_vec(),
                bits,
            }
        }
        ("1.2.840.10045.2.1", _) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            PubKey::Ec {
                curve,
                point: spki.subject_public_key.data.to_vec(),
            }
        }
        ("1.3.101.112", _) => PubKey::Ed25519(spki.subject_public_key.data.to_vec()),
        ("1.2.840.10040.4.1", _) => PubKey::Dsa,
        _ => PubKey::Unknown,
    }
}
