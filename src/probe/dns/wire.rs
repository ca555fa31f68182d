//! The DNS wire format: building a query, reading a response into records and a class, and
//! merging the A and AAAA exchanges into one answer.

use std::net::IpAddr;
use std::time::Duration;

use hickory_resolver::proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use super::facts::{
    go_lookup_error, DnsClass, DnsRecord, DnsTransport, ResolverAnswer, ResolverKind,
};
use crate::probe::ms;

fn rcode_class(rc: ResponseCode) -> DnsClass {
    match rc {
        ResponseCode::NoError => DnsClass::NoRecords,
        ResponseCode::NXDomain => DnsClass::Nxdomain,
        ResponseCode::ServFail => DnsClass::Servfail,
        ResponseCode::Refused => DnsClass::Refused,
        _ => DnsClass::Error,
    }
}

fn rcode_text(rc: ResponseCode) -> String {
    match rc {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::Refused => "REFUSED".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        other => format!("{other:?}").to_ascii_uppercase(),
    }
}

/// Builds a recursive query for `name` (made absolute) and `rtype`.
pub fn build_query(name: &str, rtype: RecordType) -> Result<Message, String> {
    let mut fq = name.trim_end_matches('.').to_string();
    fq.push('.');
    let n = Name::from_ascii(&fq).map_err(|e| format!("invalid DNS name {name:?}: {e}"))?;
    let mut m = Message::new(rand_id(), MessageType::Query, OpCode::Query);
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(n, rtype));
    Ok(m)
}

fn rand_id() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() as u16
}

/// The addresses of a response, for the asked type.
fn records_of(m: &Message, rtype: RecordType) -> Vec<DnsRecord> {
    m.answers
        .iter()
        .filter_map(|r| match (&r.data, rtype) {
            (RData::A(a), RecordType::A) => Some(DnsRecord {
                addr: IpAddr::V4(a.0),
                ttl: Some(r.ttl),
            }),
            (RData::AAAA(a), RecordType::AAAA) => Some(DnsRecord {
                addr: IpAddr::V6(a.0),
                ttl: Some(r.ttl),
            }),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- one exchange

/// The result of one query to one server.
#[derive(Debug, Clone)]
pub(super) struct Exchange {
    pub(super) class: DnsClass,
    pub(super) rcode: Option<ResponseCode>,
    pub(super) records: Vec<DnsRecord>,
    pub(super) error: Option<String>,
    /// Go's text for the socket-level failure (`read udp L->S: i/o timeout`).
    pub(super) go_detail: String,
    pub(super) truncated: bool,
}

impl Exchange {
    pub(super) fn failed(class: DnsClass, error: String, go_detail: String) -> Exchange {
        Exchange {
            class,
            rcode: None,
            records: Vec::new(),
            error: Some(error),
            go_detail,
            truncated: false,
        }
    }
    pub(super) fn from_message(m: &Message, rtype: RecordType) -> Exchange {
        let rc = m.metadata.response_code;
        let records = records_of(m, rtype);
        let class = if !records.is_empty() {
            DnsClass::Answered
        } else {
            rcode_class(rc)
        };
        Exchange {
            class,
            rcode: Some(rc),
            records,
            error: None,
            go_detail: String::new(),
            truncated: m.metadata.truncation,
        }
    }
}

/// Merges the A and AAAA exchanges into one answer.
pub(super) fn merge(
    resolver: ResolverKind,
    server: String,
    transport: DnsTransport,
    name: &str,
    a: Exchange,
    aaaa: Exchange,
    elapsed: Duration,
) -> ResolverAnswer {
    let mut answers = a.records.clone();
    answers.extend(aaaa.records.iter().cloned());
    let class = if !answers.is_empty() {
        DnsClass::Answered
    } else if a.class == DnsClass::Nxdomain || aaaa.class == DnsClass::Nxdomain {
        DnsClass::Nxdomain
    } else if a.class == DnsClass::NoRecords && aaaa.class == DnsClass::NoRecords {
        DnsClass::NoRecords
    } else if a.class != DnsClass::NoRecords {
        a.class
    } else {
        aaaa.class
    };
    let primary = if a.class == class || aaaa.class != class {
        &a
    } else {
        &aaaa
    };
    let go_server = server.clone();
    ResolverAnswer {
        resolver,
        server,
        transport,
        class,
        rcode: a.rcode.or(aaaa.rcode).map(rcode_text),
        answers,
        time_ms: ms(elapsed),
        error: if class.answered() {
            None
        } else {
            primary.error.clone()
        },
        go_error: go_lookup_error(name, &go_server, class, &primary.go_detail),
    }
}
