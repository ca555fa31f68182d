use super::*;
use crate::mirrors::{ChecksumFacts, GoThrough, MirrorFacts, Reference, ZipFacts};

fn reached(url: &str, failure: Option<&str>) -> crate::probe::chain::EndpointFacts {
    let host = url
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap();
    let mut v = serde_json::json!({"url": url, "scheme": "https", "host": host, "port": 443,
                                   "route": "direct", "time_ms": 1.0});
    if let Some(f) = failure {
        v["failure"] = serde_json::json!({"stage": "tcp", "class": "timeout",
                                          "cause": "tcp.timeout", "go_error": f});
    }
    serde_json::from_value(v).unwrap()
}

/// A mirror that Go fetches and verifies through, answering in `ms`, listing `newest`.
fn works(name: &str, ms: u64, newest: &str, sumdb: SumdbSupport) -> MirrorFacts {
    let url = format!("https://{name}");
    MirrorFacts {
        name: name.into(),
        endpoint: Some(reached(&url, None)),
        url,
        documented_sumdb: None,
        latency_ms: vec![ms, ms + 1, ms + 2],
        newest: Some(newest.into()),
        sumdb,
        zip: Some(ZipFacts {
            bytes: 100_000,
            ms: ms * 2,
            h1: Some("h1:x".into()),
        }),
        go: GoThrough {
            ok: true,
            cause: None,
            go_error: None,
        },
        cut_by_deadline: false,
    }
}

fn failing(mut m: MirrorFacts, cause: CauseId, err: &str) -> MirrorFacts {
    m.go = GoThrough {
        ok: false,
        cause: Some(cause),
        go_error: Some(err.into()),
    };
    m
}

fn unreachable(name: &str) -> MirrorFacts {
    let url = format!("https://{name}");
    let e = "dial tcp 10.0.0.1:443: i/o timeout".to_string();
    MirrorFacts {
        name: name.into(),
        endpoint: Some(reached(&url, Some(&e))),
        url,
        documented_sumdb: None,
        latency_ms: vec![],
        newest: None,
        sumdb: SumdbSupport::Unknown,
        zip: None,
        go: GoThrough {
            ok: false,
            cause: Some(CauseId::TcpTimeout),
            go_error: Some(e),
        },
        cut_by_deadline: false,
    }
}

fn race(mirrors: Vec<MirrorFacts>, sum_ok: bool, cn_ok: bool) -> MirrorRace {
    let ck = |g: &str, ok| ChecksumFacts {
        gosumdb: g.into(),
        url: format!("https://{g}"),
        ok,
        ms: 5,
        go_error: None,
    };
    MirrorRace {
        reference: Reference {
            freshness: "golang.org/x/tools".into(),
            zip: "golang.org/x/mod@v0.20.0".into(),
        },
        mirrors,
        checksum: vec![
            ck("sum.golang.org", sum_ok),
            ck("sum.golang.google.cn", cn_ok),
        ],
        duration_ms: 10.0,
        deadline_ms: 15000,
        deadline_expired: false,
    }
}

fn order(r: &[Ranked]) -> Vec<(&str, Standing)> {
    r.iter().map(|r| (r.name.as_str(), r.standing)).collect()
}

#[test]
fn ranked_by_standing_then_latency() {
    let tampered = failing(
        works("evil.example", 1, "v0.30.0", SumdbSupport::Proxied),
        CauseId::SumdbChecksumMismatch,
        "go: golang.org/x/mod@v0.20.0: verifying module: checksum mismatch",
    );
    let r = race(
        vec![
            works("slow.example", 900, "v0.30.0", SumdbSupport::Proxied),
            unreachable("dropped.example"),
            tampered,
            works("stale.example", 5, "v0.29.0", SumdbSupport::Proxied),
            works("fast.example", 20, "v0.30.0", SumdbSupport::NotProxied),
        ],
        true,
        true,
    );
    let ranked = rank(&r);
    assert_eq!(
        order(&ranked),
        vec![
            ("fast.example", Standing::Works),
            ("slow.example", Standing::Works),
            ("stale.example", Standing::Stale),
            ("evil.example", Standing::Tampered),
            ("dropped.example", Standing::Unreachable),
        ]
    );
    assert_eq!(
        ranked[3].reasons[0],
        Reason::Tampered {
            module: "golang.org/x/mod@v0.20.0".into()
        }
    );
    assert!(ranked[2].reasons.contains(&Reason::Stale {
        newest: "v0.29.0".into(),
        elsewhere: "v0.30.0".into()
    }));
    assert!(ranked[4]
        .reasons
        .iter()
        .any(|r| matches!(r, Reason::GoError { text } if text.contains("i/o timeout"))));
    let a = advise(&r, &ranked);
    assert_eq!(
        a.goproxy.as_deref(),
        Some("https://fast.example|https://slow.example,direct")
    );
    assert_eq!(
        a.mirror.as_deref(),
        Some("https://fast.example|https://slow.example")
    );
    assert_eq!(
        a.notes,
        vec![
            Note::Pipe {
                first: "fast.example".into(),
                second: "slow.example".into()
            },
            Note::CommaDirect
        ]
    );
    assert_eq!(a.gosumdb, None);
}

#[test]
fn one_working_mirror_is_named_alone_with_comma_direct() {
    let r = race(
        vec![
            unreachable("proxy.golang.org"),
            unreachable("goproxy.io"),
            works("goproxy.cn", 40, "v0.30.0", SumdbSupport::Proxied),
        ],
        false,
        true,
    );
    let a = advise(&r, &rank(&r));
    assert_eq!(a.goproxy.as_deref(), Some("https://goproxy.cn,direct"));
    // sum.golang.org is unreachable but the mirror proxies it: nothing else to set.
    assert_eq!(a.gosumdb, None);
    assert!(a.notes.contains(&Note::SumdbThroughMirror {
        mirror: "goproxy.cn".into()
    }));
}

#[test]
fn without_the_checksum_database_a_mirror_that_proxies_it_wins() {
    // sum.golang.org dropped: the simulation through a mirror that does not proxy it fails
    // at verification; one that does works.
    let aliyun = failing(
        works("mirrors.aliyun.com", 5, "v0.30.0", SumdbSupport::NotProxied),
        CauseId::TcpTimeout,
        "go: golang.org/x/mod@v0.20.0: verifying module: Get \"https://sum.golang.org/lookup/golang.org/x/mod@v0.20.0\": dial tcp 10.0.0.2:443: i/o timeout",
    );
    let r = race(
        vec![
            aliyun.clone(),
            works("goproxy.cn", 50, "v0.30.0", SumdbSupport::Proxied),
        ],
        false,
        false,
    );
    let ranked = rank(&r);
    assert_eq!(ranked[1].standing, Standing::NeedsGosumdb);
    assert_eq!(
        advise(&r, &ranked).goproxy.as_deref(),
        Some("https://goproxy.cn,direct")
    );
    // Only the non-proxying mirror is left: it is offered with GOSUMDB=sum.golang.google.cn
    // when that works, and not at all when it does not.
    let r = race(vec![aliyun.clone()], false, true);
    let a = advise(&r, &rank(&r));
    assert_eq!(
        a.goproxy.as_deref(),
        Some("https://mirrors.aliyun.com,direct")
    );
    assert_eq!(a.gosumdb.as_deref(), Some("sum.golang.google.cn"));
    assert!(a.notes.contains(&Note::SumdbChina {
        mirror: Some("mirrors.aliyun.com".into())
    }));
    let r = race(vec![aliyun], false, false);
    assert_eq!(advise(&r, &rank(&r)).goproxy, None);
}

#[test]
fn nothing_works_says_so() {
    let mut r = race(
        vec![unreachable("a.example"), unreachable("b.example")],
        false,
        false,
    );
    r.deadline_expired = true;
    let a = advise(&r, &rank(&r));
    assert_eq!(a.goproxy, None);
    assert_eq!(a.notes, vec![Note::NoneWorks { deadline: true }]);
}

#[test]
fn findings_for_the_configured_mirrors_only() {
    let r = race(
        vec![
            works("slow.example", 3000, "v0.30.0", SumdbSupport::Proxied),
            works("stale.example", 5, "v0.29.0", SumdbSupport::Proxied),
            works("fast.example", 20, "v0.30.0", SumdbSupport::Proxied),
        ],
        true,
        true,
    );
    let f = findings(
        &r,
        &[
            "https://slow.example/".into(),
            "https://stale.example".into(),
        ],
    );
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].0, CauseId::GoproxySlow);
    assert!(
        f[0].1.contains("3001 ms") && f[0].1.contains("https://fast.example"),
        "{f:?}"
    );
    assert_eq!(f[1].0, CauseId::GoproxyStaleMirror);
    assert!(f[1].1.contains("v0.29.0") && f[1].1.contains("golang.org/x/tools"));
    assert!(findings(&r, &["https://fast.example".into()]).is_empty());
}
