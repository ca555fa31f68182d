//! `--lang zh` beyond the main report (issue 15): `gomod-diag env`, `probe dns|tcp|tls|proxy|http`
//! (against the loopback fixture servers of tests/it/netlab) and `fix --dry-run` (against a
//! temporary go env file) leave no English sentence in their Chinese output. What the command
//! observed or was given (Go's texts, the peers' answers, values) may stay as it is: those
//! strings are taken from the same command's `--json` output, minus the tool's own sentences.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::process::Output;

use hickory_resolver::proto::op::ResponseCode;
use serde_json::Value;

use crate::ecosystem::{bin, english_sentence, english_words, saved_report, show};
use crate::netlab::dns::DnsMode;
use crate::netlab::proxy::{targets, ProxyMode, SocksMode};
use crate::netlab::tls::TlsMode;
use crate::netlab::{self, Lab};
use gomod_diag::shell::Shell;

/// JSON keys whose strings are the tool's own English sentences (translated in the text).
const OWN_SENTENCES: &[&str] = &[
    "message",
    "reason",
    "looks_private",
    "public_services",
    "sent_to",
    "why",
    "go_roots",
    "summary",
    "text",
    "title",
    "explanation",
    "observation",
    "fact",
    "warning",
];

/// Every string in `v` but the tool's own sentences: what may appear as it is.
fn observed(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(gomod_diag::redact::mask_value(s)),
        Value::Array(a) => a.iter().for_each(|x| observed(x, out)),
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| !OWN_SENTENCES.contains(&k.as_str()))
            .for_each(|(_, x)| observed(x, out)),
        _ => {}
    }
}

/// The English sentences left in `zh` (one per line), once the kept strings are taken out.
fn english_left(what: &str, zh: &str, mut kept: Vec<String>) -> Vec<String> {
    kept.retain(|k| k.trim().len() > 8);
    kept.sort_by_key(|k| std::cmp::Reverse(k.len()));
    let mut left = vec![];
    for line in zh.lines() {
        let mut l = line.to_string();
        for k in &kept {
            for part in k.lines().filter(|p| p.trim().len() > 8) {
                l = l.replace(part.trim(), " ");
            }
        }
        if let Some(s) = english_sentence(&l) {
            // A piece of a kept text the line shows in part (a cut body preview).
            if !kept
                .iter()
                .any(|k| english_words(k).contains(&english_words(&s)))
            {
                left.push(format!("{what}: {s:?} in {line:?}"));
            }
        }
    }
    left
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(o)))
}

fn has_chinese(t: &str) -> bool {
    t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

// ---- gomod-diag env ------------------------------------------------------------------------

/// `gomod-diag env` with a configuration of its own (nothing of this machine's Go settings).
fn env_cmd(home: &Path, path: &str, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = bin(home);
    c.env("PATH", path).arg("env").args(args);
    for (k, v) in vars {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn env_in_chinese_leaves_no_english_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let go_env = home.join("go.env");
    std::fs::write(
        &go_env,
        "GOPROXY=https://goproxy.cn,direct\nGOFLAGS=-mod=mod\n",
    )
    .unwrap();
    let go_env = go_env.display().to_string();
    let no_go = home.display().to_string();
    let path = std::env::var("PATH").unwrap_or_default();
    let modules = [
        "--module",
        "git.corp.example/team/lib@v1.2.0",
        "--module",
        "golang.org/x/text",
        "--module",
        "10.1.2.3/x/y",
    ];
    // Each configuration reaches other branches of the text: fallbacks and a leak, the OS
    // overriding the env file, GOSUMDB off / given / invalid, GOINSECURE, the CGI guard.
    let configs: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "fallbacks, whitespace, HTTP_PROXY only",
            vec![
                (
                    "GOPROXY",
                    "https://goproxy.cn|https://proxy.golang.org,direct",
                ),
                ("GOPRIVATE", "github.com/acme, git.corp.example"),
                ("HTTP_PROXY", "http://u:secret@127.0.0.1:3128"),
                ("GOFLAGS", "-insecure"),
            ],
        ),
        (
            "OS overrides the env file, GOSUMDB=off, GOINSECURE",
            vec![
                ("GOENV", &go_env),
                ("GOPROXY", "https://proxy.golang.org"),
                ("GOSUMDB", "off"),
                ("GOINSECURE", "*"),
                ("HTTPS_PROXY", "http://127.0.0.1:3128"),
                ("NO_PROXY", "goproxy.cn"),
            ],
        ),
        (
            "GOSUMDB given, GONOPROXY not covering, the CGI guard",
            vec![
                ("GOPROXY", "http://127.0.0.1:1/mirror,off"),
                ("GOSUMDB", "sum.golang.org https://sum.example"),
                ("GOPRIVATE", "git.corp.example"),
                ("GONOPROXY", "none.example"),
                ("HTTP_PROXY", "http://127.0.0.1:3128"),
                ("REQUEST_METHOD", "GET"),
                ("GOVCS", "*:all"),
            ],
        ),
        (
            "GOPROXY and GOSUMDB that do not parse",
            vec![
                ("GOPROXY", "|"),
                ("GOSUMDB", "a b c d"),
                ("HTTPS_PROXY", "ftp://127.0.0.1:21"),
                ("GONOSUMDB", "*"),
            ],
        ),
    ];
    let mut left = vec![];
    let mut seen_go = false;
    for (what, vars) in &configs {
        for (path, which) in [(&no_go, "without go"), (&path, "with go")] {
            let zh = env_cmd(
                home,
                path,
                vars,
                &[&["--lang", "zh"][..], &modules].concat(),
            );
            assert_eq!(zh.status.code(), Some(0), "{what}: {}", show(&zh));
            let out = stdout(&zh);
            assert!(out.contains("Go 的配置"), "{what}: {out}");
            assert!(!out.contains("secret"), "{out}");
            seen_go |= out.contains("`go env -json`");
            let j = env_cmd(home, path, vars, &[&["--json"][..], &modules].concat());
            let mut kept = vec![];
            observed(&json(&j), &mut kept);
            left.extend(english_left(&format!("{what} ({which})"), &out, kept));
        }
    }
    assert!(
        left.is_empty(),
        "English left in `env --lang zh`:\n{}",
        left.join("\n")
    );
    if crate::go_or_skip("env --lang zh next to the real go") {
        assert!(seen_go, "no run compared with `go env -json`");
    }
    // A bad --module is refused in Chinese, Go's reason kept.
    let bad = env_cmd(
        home,
        &no_go,
        &[],
        &["--lang", "zh", "--module", "Not A Module"],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", show(&bad));
    let err = String::from_utf8_lossy(&bad.stderr).into_owned();
    assert!(err.contains("无效的模块"), "{err}");
    assert_eq!(english_sentence(&err), None, "{err}");
    // The English text is the English one still.
    let en = env_cmd(home, &no_go, &configs[0].1, &modules);
    let out = stdout(&en);
    for want in [
        "Go configuration (as cmd/go reads it)",
        "Route for git.corp.example/team/lib@v1.2.0",
        "falls through on any error",
        "consulted: sum.golang.org, reached lazily on the first lookup:",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert!(!has_chinese(&out), "{out}");
}

// ---- gomod-diag probe -------------------------------------------------------------------------

/// `probe ARGS` in the lab: the Chinese text, and the facts as `--json` gives them.
fn probe(lab: &Lab, args: &[&str], env: &[(&str, String)]) -> (String, Value, Option<i32>) {
    let run = |extra: &[&str]| {
        let mut c = lab.command();
        c.arg("probe")
            .args(args)
            .args(extra)
            .args(["--timeout", "2s"]);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let zh = run(&["--lang", "zh"]);
    let j = run(&["--json"]);
    assert_eq!(zh.status.code(), j.status.code(), "{args:?}: {}", show(&zh));
    (stdout(&zh), json(&j), zh.status.code())
}

/// Extra environment for one probe run.
type Env = Vec<(&'static str, String)>;

fn target(name: &str, a: SocketAddr) -> String {
    format!("{name}:{}", a.port())
}

fn resolving(lab: &Lab, entries: &[(&str, IpAddr)]) -> Vec<(&'static str, String)> {
    vec![(
        "GOMOD_DIAG_SYSTEM_DNS",
        lab.dns(DnsMode::zone(entries)).to_string(),
    )]
}

#[test]
fn probes_in_chinese_leave_no_english_sentence() {
    let lab = Lab::new();
    let ip: IpAddr = "127.0.0.7".parse().unwrap();
    let mut runs: Vec<(String, Vec<String>, Env)> = vec![];
    let mut add = |what: &str, args: Vec<String>, env: Vec<(&'static str, String)>| {
        runs.push((what.to_string(), args, env));
    };
    let dns = |sys: SocketAddr, public: SocketAddr, name: &str| {
        vec![
            "dns".into(),
            name.into(),
            "--system-dns".into(),
            sys.to_string(),
            "--public-dns".into(),
            public.to_string(),
        ]
    };

    // DNS: answered, NXDOMAIN, a hijack with a bogon, a hosts-file pin, a silent resolver.
    let zone = lab.dns(DnsMode::zone(&[
        ("good.test", ip),
        ("proxy.golang.org", ip),
    ]));
    add("dns answered", dns(zone, zone, "good.test"), vec![]);
    let nx = lab.dns(DnsMode::Rcode(ResponseCode::NXDomain));
    add("dns nxdomain", dns(nx, zone, "proxy.golang.org"), vec![]);
    let hijack = lab.dns(DnsMode::Hijack(vec!["10.10.10.10".parse().unwrap()]));
    add("dns hijack", dns(hijack, zone, "proxy.golang.org"), vec![]);
    let hosts = lab.hosts_file(&[("proxy.golang.org", "127.0.0.99".parse().unwrap())]);
    add(
        "dns hosts file",
        dns(zone, zone, "proxy.golang.org"),
        vec![("GOMOD_DIAG_HOSTS_FILE", hosts.display().to_string())],
    );
    let silent = lab.dns(DnsMode::Silent);
    add("dns timeout", dns(silent, zone, "good.test"), vec![]);

    // TCP: connected, refused.
    let web = lab.http(netlab::http::ok("hi"));
    add("tcp ok", vec!["tcp".into(), web.to_string()], vec![]);
    let closed = lab.closed_port();
    add(
        "tcp refused",
        vec!["tcp".into(), closed.to_string()],
        vec![],
    );

    // TLS: trusted interception, an untrusted one, a name mismatch, not TLS at all.
    let good = lab.tls(TlsMode::serve(
        lab.ca.issue(&["good.test"]),
        netlab::http::ok("hi"),
    ));
    let good_dns = resolving(&lab, &[("good.test", good.ip())]);
    add(
        "tls ok",
        vec!["tls".into(), target("good.test", good)],
        good_dns.clone(),
    );
    let inter = lab.tls(TlsMode::serve(
        lab.interception_ca.issue(&["proxy.golang.org"]),
        netlab::http::ok("hi"),
    ));
    add(
        "tls untrusted",
        vec!["tls".into(), target("proxy.golang.org", inter)],
        resolving(&lab, &[("proxy.golang.org", inter.ip())]),
    );
    let captive = lab.tls(TlsMode::serve(
        lab.ca.issue(&["captive.portal.test"]),
        netlab::http::ok("hi"),
    ));
    add(
        "tls mismatch",
        vec!["tls".into(), target("proxy.golang.org", captive)],
        resolving(&lab, &[("proxy.golang.org", captive.ip())]),
    );
    let plain = lab.tls(TlsMode::PlainHttp);
    add(
        "tls not tls",
        vec!["tls".into(), target("plain.test", plain)],
        resolving(&lab, &[("plain.test", plain.ip())]),
    );

    // Proxies: an open tunnel, one asking for credentials, none listening, a SOCKS5 server
    // spoken to as HTTP.
    let tgt = target("good.test", good);
    let open = lab.proxy(ProxyMode::open(targets(&[(&tgt, good)])));
    let proxy = |p: String| vec!["proxy".into(), tgt.clone(), "--proxy".into(), p];
    add(
        "proxy open",
        proxy(format!("http://{open}")),
        good_dns.clone(),
    );
    let auth = lab.proxy(ProxyMode::Basic {
        user: "u".into(),
        pass: "right".into(),
        targets: targets(&[]),
    });
    add(
        "proxy auth",
        proxy(format!("http://{auth}")),
        good_dns.clone(),
    );
    add("proxy refused", proxy(format!("http://{closed}")), vec![]);
    let socks = lab.socks5(SocksMode::Open(targets(&[])));
    add(
        "proxy socks as http",
        proxy(format!("http://{socks}")),
        vec![],
    );

    // HTTP: a success, a 404, a peer that resets (the chain probe explains it).
    add(
        "http ok",
        vec!["http".into(), format!("http://{web}/x")],
        vec![],
    );
    let missing = lab.http(netlab::http::handler(|_| {
        netlab::http::Response::new(404, "Not Found", "not found: golang.org/x/nope")
    }));
    add(
        "http 404",
        vec!["http".into(), format!("http://{missing}/x")],
        vec![],
    );
    let reset = lab.reset_on_accept();
    add(
        "http reset",
        vec!["http".into(), format!("https://{reset}/x")],
        vec![],
    );
    add(
        "http through the proxy",
        vec![
            "http".into(),
            format!("https://{tgt}/x"),
            "--proxy".into(),
            format!("http://{open}"),
        ],
        good_dns.clone(),
    );

    let mut left = vec![];
    let mut failed = 0;
    for (what, args, env) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (zh, j, code) = probe(&lab, &args, env);
        assert!(matches!(code, Some(0 | 1)), "{what}: exit {code:?}\n{zh}");
        failed += usize::from(code == Some(1));
        assert!(zh.contains("结果"), "{what}: {zh}");
        let mut kept = vec![];
        observed(&j, &mut kept);
        left.extend(english_left(what, &zh, kept));
    }
    assert!(
        failed >= 6,
        "only {failed} failing probes: the test would see little"
    );
    assert!(
        left.is_empty(),
        "English left in `probe --lang zh`:\n{}",
        left.join("\n")
    );

    // Bad input is refused in Chinese too, naming what is accepted.
    for (args, want) in [
        (&["dns", "a b"][..], "无效的主机名"),
        (&["tcp", "nohostport"][..], "缺少端口"),
        (
            &["tcp", "good.test:99999"][..],
            "不是 1 到 65535 之间的数字",
        ),
        (&["tls", "https://good.test/"][..], "URL 或路径不是主机"),
        (
            &["proxy", "good.test:443", "--proxy", "ftp://127.0.0.1:21"][..],
            "不是 Go 支持的",
        ),
        (&["http", "ftp://good.test/"][..], "无效的 URL"),
    ] {
        let o = lab
            .command()
            .arg("probe")
            .args(args)
            .args(["--lang", "zh"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", show(&o));
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(english_sentence(&err), None, "{err}");
    }
}

// ---- gomod-diag fix -----------------------------------------------------------------------

/// `fix --from-report REPORT --dry-run --lang zh` with GOENV in `dir`.
fn fix_zh(dir: &Path, report: &Path, extra: &[(&str, &str)]) -> Output {
    let mut c = bin(dir);
    c.env("GOENV", dir.join("go.env"))
        .env("GOPATH", dir.join("gopath"))
        .env("GOMODCACHE", dir.join("modcache"))
        .env("GOCACHE", dir.join("gocache"))
        .args(["fix", "--dry-run", "--lang", "zh", "--shell", "bash"])
        .arg("--from-report")
        .arg(report);
    for (k, v) in extra {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn fix_in_chinese_leaves_no_english_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Without go: the error says so in Chinese.
    let r = saved_report(d, "config-private-not-excluded", Shell::Bash);
    let o = bin(d)
        .env("PATH", d)
        .args(["fix", "--lang", "zh", "--from-report"])
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(err.contains("无法运行 `go env GOENV`"), "{err}");
    assert_eq!(english_sentence(&err), None, "{err}");
    if !crate::go_or_skip("fix --lang zh with the real go") {
        return;
    }
    std::fs::write(d.join("go.env"), "GOFLAGS=-modcacherw\n").unwrap();
    let mut left = vec![];
    let (mut diffs, mut refusals, mut by_hand) = (0, 0, 0);
    for (name, _) in crate::scenarios::harness::load_all() {
        let name = name.trim_end_matches(".json");
        let report = saved_report(d, name, Shell::Bash);
        let saved: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let mut kept = vec![];
        observed(&saved, &mut kept);
        for extra in [&[][..], &[("GOPRIVATE", "other.example")][..]] {
            let o = fix_zh(d, &report, extra);
            assert!(
                matches!(o.status.code(), Some(0..=2)),
                "{name}: {}",
                show(&o)
            );
            let out = stdout(&o);
            diffs += usize::from(out.contains("+++ "));
            refusals += usize::from(out.contains("已拒绝"));
            by_hand += usize::from(out.contains("未应用（请手动完成）"));
            left.extend(english_left(name, &out, kept.clone()));
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            left.extend(english_left(name, &err, kept.clone()));
        }
    }
    assert!(
        diffs > 0 && refusals > 0 && by_hand > 0,
        "diffs {diffs}, refusals {refusals}, by-hand steps {by_hand}: the test would see little"
    );
    assert!(
        left.is_empty(),
        "English left in `fix --lang zh`:\n{}",
        left.join("\n")
    );
    assert_eq!(
        std::fs::read_to_string(d.join("go.env")).unwrap(),
        "GOFLAGS=-modcacherw\n",
        "a dry run changes nothing"
    );
}
