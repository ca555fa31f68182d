//! `gomod-diag explain`: classifies a pasted Go error (or a whole `go ... -x` log) into ranked
//! cause identifiers, using the error texts cmd/go, net, net/http, crypto/tls and crypto/x509
//! print (reference §7), and pulls out the hosts, URLs, addresses, proxies and modules it
//! names. Pure: text in, [`Explanation`] out. Every string in the result is redacted.
//!
//! Context decides between look-alike errors: a dial error inside `proxyconnect tcp:` is the
//! proxy's (`proxy.unreachable`), not the target's; a transport error on the way to the
//! checksum database (`verifying module:`, `/sumdb/`, `sum.golang.org`) is `sumdb.unreachable`
//! with the transport class as a secondary cause; text after `server response:` is the remote
//! server's own message and never classifies the local network.

mod classify;
mod context;
mod entities;
mod explanation;
mod fix;
mod probes;
mod records;
mod rules;
mod scan;
mod transport;

pub use entities::extract_entities;
pub use explanation::{Cause, Entities, Explanation};
pub use fix::{fix_values, with_credential_holes};
pub use probes::{probe_requests, ProbeRequest};

use crate::cli::Lang;
use crate::vocab::CauseId;
use classify::classify_record;
use records::excerpt;

/// Classifies `text`: ranked causes (reasons in English) and the entities it names.
pub fn explain(text: &str) -> Explanation {
    explain_in(text, Lang::En)
}

/// Like [`explain`], with the reasons in `lang`. Linear in the text: one scan picks the records
/// worth classifying (see `scan`), and only those are classified and searched for entities.
pub fn explain_in(text: &str, lang: Lang) -> Explanation {
    let text: std::borrow::Cow<str> = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
    let scan = scan::scan(&text);
    let mut found = classify_records(&scan.records, lang);
    // Whole-text messages that span lines.
    if text.contains("SECURITY ERROR\nThis download does NOT match") {
        let reason = if lang == Lang::Zh {
            "Go 报 SECURITY ERROR：下载内容与记录的校验和不一致"
        } else {
            "Go's SECURITY ERROR: the download does not match the recorded checksum"
        };
        upsert(
            &mut found,
            CauseId::SumdbChecksumMismatch,
            0.95,
            reason,
            "SECURITY ERROR",
        );
    }
    // Stable sort: equal confidence keeps the order of appearance.
    found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    let lines: Vec<&str> = scan
        .records
        .iter()
        .chain(&scan.context)
        .map(String::as_str)
        .collect();
    context::promote(&lines, &mut found, lang);
    let relevant = scan
        .context
        .iter()
        .chain(&scan.records)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    Explanation {
        causes: found,
        entities: extract_entities(&relevant),
    }
}

/// Every record's candidate causes, each cause once with its best reading.
fn classify_records(records: &[String], lang: Lang) -> Vec<Cause> {
    let mut found: Vec<Cause> = Vec::new();
    for record in records {
        let weight = if record.trim_start().starts_with("# get ") {
            0.85
        } else {
            1.0
        };
        for h in classify_record(record) {
            let id = h.id;
            let reason = if lang == Lang::Zh { h.zh } else { h.en };
            let matched = excerpt(record);
            let confidence = round2(h.confidence * weight);
            match found.iter_mut().find(|c| c.id == id) {
                Some(c) if c.confidence >= confidence => {}
                Some(c) => {
                    c.confidence = confidence;
                    c.reason = reason;
                    c.matched = matched;
                }
                None => found.push(Cause {
                    id,
                    confidence,
                    reason,
                    matched,
                }),
            }
        }
    }
    found
}

fn upsert(found: &mut Vec<Cause>, id: CauseId, confidence: f64, reason: &str, matched: &str) {
    match found.iter_mut().find(|c| c.id == id) {
        Some(c) if c.confidence >= confidence => {}
        Some(c) => c.confidence = confidence,
        None => found.push(Cause {
            id,
            confidence,
            reason: reason.to_string(),
            matched: matched.to_string(),
        }),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Area;

    fn top(text: &str) -> &'static str {
        explain(text).top().map_or("none", |c| c.id.as_str())
    }

    #[test]
    fn context_decides_look_alikes() {
        let cases = [
            ("go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": dial tcp 1.2.3.4:443: i/o timeout", Some(CauseId::TcpTimeout)),
            ("go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": proxyconnect tcp: dial tcp 10.0.0.1:3128: i/o timeout", Some(CauseId::ProxyUnreachable)),
            ("go: m@v1.0.0: Get \"https://proxy.golang.org/x\": proxyconnect tcp: dial tcp: lookup proxy.corp on 127.0.0.53:53: no such host", Some(CauseId::ProxyUnreachable)),
            ("go: m@v1.0.0: verifying module: m@v1.0.0: Get \"https://sum.golang.org/lookup/m@v1.0.0\": dial tcp 1.2.3.4:443: i/o timeout", Some(CauseId::SumdbUnreachable)),
            ("go: m@v1.0.0: reading https://proxy.golang.org/m/@v/v1.0.0.info: 404 Not Found", Some(CauseId::GoproxyModuleNotFound)),
            ("go: m@v1.0.0: verifying module: m@v1.0.0: reading https://sum.golang.org/lookup/m@v1.0.0: 404 Not Found", Some(CauseId::SumdbNotFound)),
            ("go: m@v1.0.0: Get \"https://proxy.golang.org/x\": Forbidden", Some(CauseId::ProxyConnectDenied)),
            ("go: m@v1.0.0: reading https://proxy.golang.org/x: 403 Forbidden", Some(CauseId::GoproxyForbidden)),
            ("./main.go:3:1: syntax error", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(top(text), want.map_or("none", CauseId::as_str), "{text}");
        }
    }

    /// Every fixture text (the lab's corpus and the field corpus), normalized as `explain_in` does.
    fn fixture_texts() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/explain");
        [root.clone(), root.join("field")]
            .into_iter()
            .flat_map(|d| std::fs::read_dir(d).unwrap())
            .map(|f| f.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| {
                let t = std::fs::read_to_string(&p).unwrap();
                let t = t.replace("\r\n", "\n").replace('\r', "\n");
                (p, t)
            })
            .collect()
    }

    #[test]
    fn the_scan_drops_no_record_a_rule_would_classify() {
        let ids = |mut c: Vec<Cause>| {
            c.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
            c.into_iter()
                .map(|c| (c.id, c.confidence))
                .collect::<Vec<_>>()
        };
        for (path, text) in fixture_texts() {
            let every = classify_records(&records::records(&text), Lang::En);
            let scanned = classify_records(&scan::scan(&text).records, Lang::En);
            assert_eq!(ids(scanned), ids(every), "{}", path.display());
        }
    }

    #[test]
    fn successful_traces_are_never_classified() {
        let log = "# get https://proxy.golang.org/m/@v/v1.0.0.info: 200 OK (0.012s)\n\
                   # get https://sum.golang.org/lookup/m@v1.0.0: 200 OK (0.2s)\n\
                   # get https://proxy.golang.org/m/@v/list: 302 Found (0.1s)\n";
        assert!(explain(log).causes.is_empty(), "{:?}", explain(log).causes);
        assert!(classify_records(&records::records(log), Lang::En).is_empty());
    }

    #[test]
    fn go_texts_users_meet_are_recognised() {
        // Each text as Go (or git) prints it; the cause a person would fix.
        let cases = [
            ("go: golang.org/x/text@v0.14.0: verifying module: golang.org/x/text@v0.14.0: reading tree note: invalid signature for key sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", CauseId::SumdbBadSignature),
            ("go: example.com/m@v1.0.0: proxy returned info for version v1.0.1 instead of requested version", CauseId::GoproxyInvalidInfo),
            ("go: example.com/m@v1.0.0: invalid response from proxy \"https://goproxy.corp.example\": unexpected end of JSON input", CauseId::GoproxyInvalidInfo),
            ("go: example.com/m@v1.0.0: invalid response from proxy \"https://goproxy.corp.example\": invalid character 'o' looking for beginning of value", CauseId::GoproxyInvalidInfo),
            ("go: example.com/m@v1.0.0: Get \"https://goproxy.corp.example/example.com/m/@v/v1.0.0.info\": tls: failed to verify certificate: x509: certificate relies on legacy Common Name field, use SANs instead", CauseId::TlsHostnameMismatch),
            ("go: example.com/m@v1.0.0: Get \"https://proxy.golang.org/example.com/m/@v/v1.0.0.info\": socks connect tcp 127.0.0.1:1080->proxy.golang.org:443: no acceptable authentication methods", CauseId::ProxyAuthRequired),
            ("go: example.com/m@v1.0.0: Get \"https://proxy.golang.org/example.com/m/@v/v1.0.0.info\": Unauthorized", CauseId::ProxyAuthRejected),
            ("go: example.com/m@v1.0.0: Get \"https://proxy.golang.org/example.com/m/@v/v1.0.0.info\": proxyconnect tcp: net/http: TLS handshake timeout", CauseId::ProxySchemeMismatch),
            ("go: example.com/m@v1.0.0: git ls-remote -q origin in /tmp/x: exit status 128:\n\tremote: Not Found\n\tfatal: repository 'https://git.corp.example/team/m/' not found", CauseId::GoproxyModuleNotFound),
            ("go: warning: go env -w GOPROXY=... does not override conflicting OS environment variable", CauseId::ConfigEnvOverridesGoenv),
            ("go: downloading go1.22.0 (linux/amd64)\ngo: download go1.22.0: golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64.zip: verifying module: checksum database disabled by GOSUMDB=off", CauseId::ConfigInsecureSettings),
            ("go: honnef.co/go/tools@v0.0.1: unrecognized import path \"honnef.co/go/tools\" (https fetch: Get https://honnef.co/go/tools?go-get=1: Forbidden)", CauseId::ProxyConnectDenied),
            ("go: example.com/m@v1.0.0: unexpected status (https://proxy.golang.org/example.com/m/@v/v1.0.0.info): 401 authenticationrequired", CauseId::ProxyAuthRequired),
            ("go: example.com/m@v1.0.0: Get \"https://proxy.golang.org/example.com/m/@v/v1.0.0.info\": dial tcp: lookup proxy.golang.org on [fec0:0:0:ffff::2]:53: dial udp [fec0:0:0:ffff::2]:53: connect: invalid argument", CauseId::DnsNoResolution),
        ];
        for (text, want) in cases {
            assert_eq!(top(text), want.as_str(), "{text}");
        }
    }

    #[test]
    fn a_configuration_cause_comes_before_the_symptom_it_explains() {
        let t = "$ export HTTP_PROXY=http://10.0.0.1:3128\n\
                 go: m@v1.0.0: Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": dial tcp 142.250.0.1:443: i/o timeout";
        let ex = explain(t);
        let ids: Vec<CauseId> = ex.causes.iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![CauseId::ConfigHttpProxyOnly, CauseId::TcpTimeout]);
        // The symptom is the evidence the configuration cause quotes.
        assert_eq!(ex.causes[0].matched, ex.causes[1].matched);
        assert_eq!(top("go: warning: go env -w HTTPS_PROXY=... does not override conflicting OS environment variable\ngo: m@v1.0.0: Get \"https://proxy.golang.org/x\": proxyconnect tcp: dial tcp 10.0.0.1:3128: connect: connection refused"), "config.env_overrides_goenv");
    }

    #[test]
    fn reasons_come_in_both_languages() {
        let t = "go: m.example/x@v1.0.0: Get \"https://proxy.golang.org/x\": dial tcp 1.2.3.4:443: i/o timeout";
        let en = explain_in(t, Lang::En);
        let zh = explain_in(t, Lang::Zh);
        assert_eq!(en.causes[0].id, zh.causes[0].id);
        assert!(
            en.causes[0].reason.contains("times out"),
            "{:?}",
            en.causes[0]
        );
        assert_eq!(zh.causes[0].reason, "连接 1.2.3.4:443 超时：数据包被丢弃");
        // Every rule has a Chinese reason: classify the whole corpus in Chinese.
        for (_, text) in fixture_texts() {
            for c in explain_in(&text, Lang::Zh).causes {
                assert!(
                    c.reason
                        .chars()
                        .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                    "no Chinese in the reason for {}: {}",
                    c.id,
                    c.reason
                );
            }
        }
    }

    #[test]
    fn sumdb_transport_error_keeps_the_transport_class_as_secondary() {
        let ex = explain("go: m@v1.0.0: verifying module: m@v1.0.0: Get \"https://sum.golang.org/lookup/m@v1.0.0\": dial tcp 1.2.3.4:443: i/o timeout");
        let ids: Vec<_> = ex.causes.iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![CauseId::SumdbUnreachable, CauseId::TcpTimeout]);
        assert!(ex.causes[0].confidence > ex.causes[1].confidence);
    }

    #[test]
    fn server_response_text_does_not_classify_the_local_network() {
        let t = "go: a.corp/x@v1.0.0: reading https://proxy.golang.org/a.corp/x/@v/v1.0.0.info: 404 Not Found\n\tserver response: not found: dial tcp: lookup a.corp on 8.8.8.8:53: no such host";
        let ex = explain(t);
        assert_eq!(ex.causes[0].id, CauseId::GoproxyModuleNotFound);
        assert!(
            !ex.causes.iter().any(|c| c.id.area() == Area::Dns),
            "{:?}",
            ex.causes
        );
        // A public proxy's 404 hints at a private module.
        assert!(ex
            .causes
            .iter()
            .any(|c| c.id == CauseId::ConfigPrivateNotExcluded));
    }
}
