//! PAC scripts: the corporate-style fixtures in `fixtures/pac/` give the answers listed in
//! `fixtures/pac/cases.toml` (and the proxy Go needs for each), scripts that loop, recurse,
//! throw or return junk fail with an error naming the script; end to end, a PAC served
//! over HTTP on loopback (`--pac`) fills the fix with the exact proxy it returns for
//! proxy.golang.org and a NO_PROXY from its DIRECT answers.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::rc::Rc;

use gomod_diag::pac::{self, CivilTime, Limits, PacClock, PacEnv, PacFailure};
use serde::Deserialize;
use serde_json::Value;

use crate::netlab::{self, dns::DnsMode, Lab};

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    pac: String,
    my_ip: Vec<IpAddr>,
    now: String,
    #[serde(default)]
    dns: BTreeMap<String, Vec<IpAddr>>,
    load_error: Option<Failure>,
    #[serde(default)]
    expect: Vec<Expect>,
}

#[derive(Deserialize)]
struct Expect {
    url: String,
    answer: Option<String>,
    go: Option<String>,
    note: Option<String>,
    error: Option<Failure>,
}

#[derive(Deserialize)]
struct Failure {
    kind: String,
    text: String,
}

/// A machine described by the case: names, addresses, the time.
struct Table {
    dns: BTreeMap<String, Vec<IpAddr>>,
    my: Vec<IpAddr>,
    now: CivilTime,
    asked: std::cell::RefCell<Vec<String>>,
}

impl PacEnv for Table {
    fn resolve(&self, host: &str) -> Vec<IpAddr> {
        self.asked.borrow_mut().push(host.to_string());
        self.dns.get(host).cloned().unwrap_or_default()
    }
    fn my_addresses(&self) -> Vec<IpAddr> {
        self.my.clone()
    }
    fn clock(&self) -> PacClock {
        PacClock {
            local: self.now,
            utc: self.now,
        }
    }
}

/// `Wed 2026-12-02 10:00:00`.
fn civil(s: &str) -> CivilTime {
    let parts: Vec<&str> = s.split([' ', '-', ':']).collect();
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let n = |i: usize| {
        parts[i]
            .parse::<u32>()
            .unwrap_or_else(|e| panic!("{s}: {e}"))
    };
    CivilTime {
        weekday: days.iter().position(|d| *d == parts[0]).expect("weekday") as u8,
        year: n(1) as i32,
        month: n(2) as u8,
        day: n(3) as u8,
        hour: n(4) as u8,
        minute: n(5) as u8,
        second: n(6) as u8,
    }
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pac")
}

fn kind_name(k: &PacFailure) -> &'static str {
    match k {
        PacFailure::TooLarge => "too-large",
        PacFailure::Syntax => "syntax",
        PacFailure::Threw => "threw",
        PacFailure::NoFunction => "no-function",
        PacFailure::NotAString => "not-a-string",
        PacFailure::Stopped => "stopped",
    }
}

#[test]
fn every_fixture_gives_its_expected_answers() {
    let text = std::fs::read_to_string(fixtures().join("cases.toml")).unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    assert!(cases.case.len() >= 15, "the fixtures are all listed");
    let mut seen_pacs = std::collections::BTreeSet::new();
    for case in &cases.case {
        seen_pacs.insert(case.pac.clone());
        let source = std::fs::read_to_string(fixtures().join(&case.pac)).unwrap();
        let env = Rc::new(Table {
            dns: case.dns.clone(),
            my: case.my_ip.clone(),
            now: civil(&case.now),
            asked: Default::default(),
        });
        let targets: Vec<(String, String)> = case
            .expect
            .iter()
            .map(|e| {
                let host = url::Url::parse(&e.url)
                    .unwrap()
                    .host_str()
                    .unwrap()
                    .to_string();
                (e.url.clone(), host)
            })
            .collect();
        let got = pac::evaluate(&case.pac, &source, env, Limits::default(), &targets);
        if let Some(want) = &case.load_error {
            let e = got.err().unwrap_or_else(|| panic!("{}: loads", case.pac));
            assert_eq!(kind_name(&e.kind), want.kind, "{}: {e}", case.pac);
            let msg = e.to_string();
            assert!(msg.starts_with(&format!("PAC {}: ", case.pac)), "{msg}");
            assert!(msg.contains(&want.text), "{}: {msg}", case.pac);
            continue;
        }
        let answers = got.unwrap_or_else(|e| panic!("{}: {e}", case.pac));
        for (want, a) in case.expect.iter().zip(&answers) {
            let ctx = format!("{} ({}) for {}: {a:?}", case.pac, case.now, want.url);
            assert_eq!(a.answer, want.answer, "{ctx}");
            match (&want.error, &want.go) {
                (Some(f), _) => {
                    let e = a
                        .error
                        .as_deref()
                        .unwrap_or_else(|| panic!("{ctx}: no error"));
                    assert!(e.starts_with(&format!("PAC {}: ", case.pac)), "{ctx}");
                    assert!(e.contains(&f.text), "{ctx}");
                    assert_eq!(a.proxy, None, "{ctx}");
                }
                (None, Some(go)) if go == "DIRECT" => assert!(a.is_direct(), "{ctx}"),
                (None, Some(go)) => {
                    assert_eq!(a.proxy.as_deref(), Some(go.as_str()), "{ctx}");
                    assert_eq!(a.error, None, "{ctx}");
                }
                (None, None) => panic!("{ctx}: the case names neither go nor error"),
            }
            if let Some(n) = &want.note {
                assert!(a.notes.iter().any(|x| x.contains(n)), "{ctx}");
            }
        }
        assert_eq!(answers.len(), case.expect.len());
    }
    // Every script in the directory has a case.
    for f in std::fs::read_dir(fixtures()).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".pac") {
            assert!(seen_pacs.contains(&name), "{name} has no case");
        }
    }
}

/// The failure kinds the fixtures rely on come from the engine, not from the text.
#[test]
fn endless_scripts_stop_and_stay_stopped() {
    let env = Rc::new(Table {
        dns: BTreeMap::new(),
        my: vec![],
        now: civil("Wed 2026-12-02 10:00:00"),
        asked: Default::default(),
    });
    for f in ["loop-forever.pac", "loop-calls.pac", "recursion.pac"] {
        let source = std::fs::read_to_string(fixtures().join(f)).unwrap();
        let mut p = pac::Pac::load(f, &source, env.clone(), Limits::default()).unwrap();
        let e = p
            .find_proxy("https://proxy.golang.org/", "proxy.golang.org")
            .unwrap_err();
        assert_eq!(e.kind, PacFailure::Stopped, "{f}: {e}");
        // The engine was left mid-run: it answers nothing more, with the same error.
        let again = p
            .find_proxy("https://sum.golang.org/", "sum.golang.org")
            .unwrap_err();
        assert_eq!(again, e, "{f}");
    }
    // A top level that never ends stops while loading.
    let e = pac::Pac::load("top.pac", "for(;;){}", env.clone(), Limits::default())
        .err()
        .unwrap();
    assert_eq!(e.kind, PacFailure::Stopped, "{e}");
    assert!(e.to_string().contains("loading the script"), "{e}");
    // The step limit alone ends a loop the loop limit allows.
    let limits = Limits {
        steps: 10,
        ..Limits::default()
    };
    let e = pac::Pac::load(
        "steps.pac",
        "var x=0; for(var i=0;i<900000;i++){x+=i}",
        env,
        limits,
    )
    .err()
    .unwrap();
    assert!(e.detail.contains("within 10 steps"), "{e}");
}

#[test]
fn scripts_see_only_what_the_host_gives_and_resolve_a_bounded_number_of_names() {
    let env = Rc::new(Table {
        dns: BTreeMap::from([("a.corp".to_string(), vec!["10.0.0.1".parse().unwrap()])]),
        my: vec!["10.9.9.9".parse().unwrap()],
        now: civil("Wed 2026-12-02 10:00:00"),
        asked: Default::default(),
    });
    let src = r#"
        function FindProxyForURL(url, host) {
            var n = 0;
            for (var i = 0; i < 100; i++) { if (dnsResolve("n" + i + ".corp") == null) n++; }
            return [typeof require, typeof fetch, typeof XMLHttpRequest, String(dnsResolve(host)),
                    dnsResolve("10.1.1.1"), myIpAddress(), n].join(" ");
        }"#;
    let limits = Limits {
        lookups: 5,
        ..Limits::default()
    };
    let mut p = pac::Pac::load("probe.pac", src, env.clone(), limits).unwrap();
    let got = p.find_proxy("https://a.corp/", "a.corp").unwrap();
    assert_eq!(
        got,
        "undefined undefined undefined null 10.1.1.1 10.9.9.9 100"
    );
    // Five names were asked of the host; an address literal is not a lookup.
    assert_eq!(env.asked.borrow().len(), 5, "{:?}", env.asked.borrow());
    // Names seen before are answered from the cache.
    let mut p = pac::Pac::load(
        "cache.pac",
        "function FindProxyForURL(u,h){dnsResolve(h);dnsResolve(h);return dnsResolve(h)}",
        env.clone(),
        Limits::default(),
    )
    .unwrap();
    env.asked.borrow_mut().clear();
    assert_eq!(
        p.find_proxy("https://a.corp/", "a.corp").unwrap(),
        "10.0.0.1"
    );
    assert_eq!(env.asked.borrow().len(), 1);
}

#[test]
fn a_script_too_large_is_refused_before_it_runs() {
    let env = Rc::new(Table {
        dns: BTreeMap::new(),
        my: vec![],
        now: civil("Wed 2026-12-02 10:00:00"),
        asked: Default::default(),
    });
    let limits = Limits {
        script_bytes: 64,
        ..Limits::default()
    };
    let src = format!(
        "// {}\nfunction FindProxyForURL(u,h){{return 'DIRECT'}}",
        "x".repeat(100)
    );
    let e = pac::Pac::load("big.pac", &src, env, limits).err().unwrap();
    assert_eq!(e.kind, PacFailure::TooLarge, "{e}");
}

// ------------------------------------------------------------------ end to end

/// `gomod-diag run` with every name unknown to the fixture resolver (so the direct route
/// fails), the PAC at `pac_url`, a private module on git.corp.example.
fn run_with_pac(lab: &Lab, pac_url: &str, json: bool) -> (Option<i32>, String) {
    let dns = lab.dns(DnsMode::zone(&[]));
    let mut c = lab.command();
    c.env("GOMOD_DIAG_SYSTEM_DNS", dns.to_string())
        .env("GOPROXY", "https://proxy.golang.org,direct")
        .env("GOSUMDB", "sum.golang.org")
        .env("GOPRIVATE", "git.corp.example")
        .env("GOFLAGS", "-modcacherw")
        .env("HOME", lab.dir.path())
        .args(["run", "-m", "example.com/hello@v1.0.0"])
        .args(["-m", "git.corp.example/team/lib@v1.0.0"])
        .args([
            "--no-vcs",
            "--timeout",
            "5s",
            "--shell",
            "bash",
            "--pac",
            pac_url,
        ]);
    if json {
        c.arg("--json");
    }
    let o = c.output().expect("run gomod-diag");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

#[test]
fn a_pac_served_over_http_fills_the_fix_with_the_exact_proxy_it_returns() {
    let lab = Lab::new();
    let script = std::fs::read_to_string(fixtures().join("corp-shexp.pac")).unwrap();
    let srv = lab.http(netlab::http::handler(move |req| {
        if req.target == "/proxy.pac" {
            netlab::http::Response::new(200, "OK", script.clone())
                .header("Content-Type", "application/x-ns-proxy-autoconfig")
        } else {
            netlab::http::Response::new(404, "Not Found", "")
        }
    }));
    let pac_url = format!("http://{srv}/proxy.pac");
    let (code, out) = run_with_pac(&lab, &pac_url, false);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("config.system_proxy_ignored"), "{out}");
    assert!(
        out.contains("export HTTPS_PROXY='http://proxy.corp.example:8080'"),
        "the proxy the PAC returns for proxy.golang.org: {out}"
    );
    assert!(
        out.contains("export NO_PROXY='git.corp.example'"),
        "the host the PAC sends DIRECT: {out}"
    );

    let (_, out) = run_with_pac(&lab, &pac_url, true);
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let p = &json["facts"]["system"]["pac"];
    assert_eq!(p["origin"], "command-line", "{p:#}");
    let answers = p["answers"].as_array().expect("answers");
    let of = |host: &str| {
        answers
            .iter()
            .find(|a| a["host"] == host)
            .unwrap_or_else(|| panic!("no answer for {host}: {p:#}"))
    };
    assert_eq!(
        of("proxy.golang.org")["proxy"],
        "http://proxy.corp.example:8080"
    );
    assert_eq!(
        of("proxy.golang.org")["answer"],
        "PROXY proxy.corp.example:8080; PROXY proxy-backup.corp.example:8080; DIRECT"
    );
    assert_eq!(
        of("sum.golang.org")["proxy"],
        "http://proxy.corp.example:8080"
    );
    assert_eq!(of("git.corp.example")["answer"], "DIRECT");
    assert!(of("git.corp.example").get("proxy").is_none(), "{p:#}");
}

#[test]
fn a_pac_that_cannot_be_fetched_or_loops_is_named_and_the_run_goes_on() {
    let lab = Lab::new();
    let closed = lab.closed_port();
    let (code, out) = run_with_pac(&lab, &format!("http://{closed}/proxy.pac"), true);
    assert_eq!(code, Some(1), "{out}");
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let err = json["facts"]["system"]["pac"]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        err.starts_with(&format!("PAC http://{closed}/proxy.pac: ")),
        "{err}"
    );

    let looping = fixtures().join("loop-forever.pac");
    let (code, out) = run_with_pac(&lab, &looping.display().to_string(), true);
    assert_eq!(code, Some(1), "{out}");
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let a = &json["facts"]["system"]["pac"]["answers"][0];
    let err = a["error"].as_str().unwrap_or_default();
    assert!(err.contains("loop-forever.pac"), "{a:#}");
    assert!(err.contains("FindProxyForURL(https://"), "{a:#}");
    // No proxy was invented from a script that gave none.
    assert!(!out.contains("HTTPS_PROXY=http"), "{out}");

    let (_, out) = run_with_pac(&lab, "ftp://pac.corp.example/proxy.pac", true);
    assert!(
        out.contains("scheme `ftp:` is not supported; accepted: file://, http://, https://"),
        "{out}"
    );
}

#[test]
fn a_script_that_eats_memory_ends_in_its_own_process_and_the_run_goes_on() {
    let lab = Lab::new();
    // Each round doubles the string: 2^40 bytes long before a step check could stop it.
    let bomb = lab.dir.path().join("bomb.pac");
    std::fs::write(
        &bomb,
        "function FindProxyForURL(u, h) {\n  var s = 'xxxxxxxxxxxxxxxx';\n  \
         for (var i = 0; i < 40; i++) { s = s + s; }\n  return 'PROXY p:' + s.length;\n}\n",
    )
    .unwrap();
    let (code, out) = run_with_pac(&lab, &bomb.display().to_string(), true);
    assert_eq!(code, Some(1), "the run's own verdict, not an abort: {out}");
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let answers = json["facts"]["system"]["pac"]["answers"]
        .as_array()
        .expect("answers");
    assert!(answers.len() >= 2, "every URL is answered: {answers:#?}");
    for a in answers {
        let err = a["error"].as_str().unwrap_or_default();
        assert!(err.contains("bomb.pac"), "{a:#}");
        assert!(err.contains("MiB of memory it may use"), "{a:#}");
    }
    assert!(!out.contains("HTTPS_PROXY=http"), "{out}");

    // A script may return a string of any length: it is no proxy list, and is kept clipped.
    let long = lab.dir.path().join("long.pac");
    std::fs::write(
        &long,
        "function FindProxyForURL(u, h) { return 'PROXY ' + new Array(100000).join('p') + ':8080'; }",
    )
    .unwrap();
    let (_, out) = run_with_pac(&lab, &long.display().to_string(), true);
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let a = &json["facts"]["system"]["pac"]["answers"][0];
    let answer = a["answer"].as_str().unwrap_or_default();
    assert!(answer.len() <= 1024 + 3 && answer.ends_with('…'), "{a:#}");
    let err = a["error"].as_str().unwrap_or_default();
    assert!(
        err.contains("returned 100010 bytes; a proxy list is at most 1024"),
        "{a:#}"
    );
    assert!(a.get("proxy").is_none(), "{a:#}");
}

#[test]
fn a_script_whose_lookups_never_answer_is_cut_at_the_runs_deadline() {
    let lab = Lab::new();
    let dns = lab.dns(DnsMode::Silent);
    let pac = lab.dir.path().join("lookups.pac");
    std::fs::write(
        &pac,
        "function FindProxyForURL(u, h) {\n  for (var i = 0; i < 50; i++) dnsResolve('h' + i + '.corp.example');\n  return 'DIRECT';\n}\n",
    )
    .unwrap();
    let mut c = lab.command();
    c.env("GOMOD_DIAG_SYSTEM_DNS", dns.to_string())
        .env("GOPROXY", "https://proxy.golang.org,direct")
        .env("HOME", lab.dir.path())
        .args([
            "run",
            "-m",
            "example.com/hello@v1.0.0",
            "--no-vcs",
            "--json",
        ])
        .args(["--timeout", "3s", "--pac"])
        .arg(&pac);
    let start = std::time::Instant::now();
    let o = c.output().expect("run gomod-diag");
    let took = start.elapsed();
    let out = String::from_utf8_lossy(&o.stdout);
    // Each URL's run may take its 2 s wall limit plus a lookup: three URLs would be 6 s+.
    assert!(
        took < std::time::Duration::from_secs(5),
        "the 3 s deadline holds: {took:?}"
    );
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let p = &json["facts"]["system"]["pac"];
    let text = p.to_string();
    assert!(
        text.contains("cut at the run's deadline") || text.contains("did not finish"),
        "{p:#}"
    );
}
