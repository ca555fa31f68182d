//! Secrets never leave the machine: credentials planted in every input (proxy URLs, GOPROXY
//! userinfo, GOSUMDB URL, .netrc, GOAUTH, a pasted error) must not appear in any output of
//! any subcommand, text or JSON. Every address is on loopback with nothing listening, so the
//! runs fail fast without sending anything off the machine.
//!
//! The second test plants passwords made of the characters a text scanner stops at
//! (`= , ; ' ( @ %`) and base64 tokens in GOPROXY, HTTPS_PROXY, HTTP_PROXY and the GOSUMDB URL,
//! serves them from a loopback module proxy and HTTP proxy that record every request, runs
//! every output mode, and checks both directions: no secret printed, and no request sent with
//! masked credentials (what a locked-out corporate account looks like from the inside).

use assert_cmd::Command;

use crate::netlab;

const SECRETS: &[&str] = &[
    "hunter2pw",
    "ghp_tok3n",
    "s3cretsum",
    "netrcpass9",
    "goauthtok",
    "pastedpw7",
];

fn gomod_diag(home: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("gomod-diag").expect("binary");
    c.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
        .env("GOMOD_DIAG_NO_MIRRORS", "1")
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env("HTTPS_PROXY", "http://alice:hunter2pw@127.0.0.1:9")
        .env("HTTP_PROXY", "http://alice:hunter2pw@127.0.0.1:9")
        .env(
            "GOPROXY",
            "https://ghp_tok3n@127.0.0.1:9/mod|https://bob:ghp_tok3n@127.0.0.2:9,direct",
        )
        .env(
            "GOSUMDB",
            "sum.golang.org https://carol:s3cretsum@127.0.0.1:9",
        )
        .env("GOAUTH", "netrc")
        .env("NETRC", home.join(".netrc"))
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(60));
    c
}

fn assert_clean(what: &str, out: &std::process::Output) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for s in SECRETS {
        assert!(!text.contains(s), "{what}: secret {s:?} leaked:\n{text}");
    }
    assert!(!text.contains("panicked"), "{what}: panicked:\n{text}");
    // A usage error would print nothing worth checking.
    assert_ne!(out.status.code(), Some(2), "{what}: usage error:\n{text}");
}

#[test]
fn no_secret_in_any_output() {
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(
        home.path().join(".netrc"),
        "machine 127.0.0.1 login dave password netrcpass9\nmachine proxy.golang.org login x password netrcpass9\n",
    )
    .expect("netrc");
    let report = home.path().join("report.json");
    let pasted = "go: example.com/m@v1.0.0: Get \"https://eve:pastedpw7@proxy.example/x\": proxyconnect tcp: \
                  dial tcp http://frank:pastedpw7@127.0.0.1:9: connect: connection refused\nProxy-Authorization: Basic pastedpw7";

    let runs: Vec<(&str, Vec<&str>, Option<&str>)> = vec![
        ("env", vec!["env"], None),
        (
            "env --json",
            vec!["env", "--json", "--module", "example.com/m@v1.0.0"],
            None,
        ),
        (
            "run",
            vec!["--timeout", "8s", "--module", "example.com/m@v1.0.0"],
            None,
        ),
        (
            "run -v",
            vec!["-v", "--timeout", "8s", "--module", "example.com/m@v1.0.0"],
            None,
        ),
        (
            "run --ci",
            vec![
                "--ci",
                "--timeout",
                "8s",
                "--module",
                "example.com/m@v1.0.0",
            ],
            None,
        ),
        (
            "probe proxy",
            vec![
                "probe",
                "proxy",
                "127.0.0.1:443",
                "--proxy",
                "http://alice:hunter2pw@127.0.0.1:9",
            ],
            None,
        ),
        (
            "probe http",
            vec!["probe", "http", "https://ghp_tok3n@127.0.0.1:9/x"],
            None,
        ),
        (
            "probe http --json",
            vec![
                "--json",
                "probe",
                "http",
                "https://bob:ghp_tok3n@127.0.0.1:9/x",
            ],
            None,
        ),
        ("explain", vec!["explain", "-"], Some(pasted)),
        (
            "explain --json",
            vec!["--json", "explain", "-"],
            Some(pasted),
        ),
    ];
    for (what, args, stdin) in runs {
        let mut c = gomod_diag(home.path());
        c.args(&args);
        if let Some(input) = stdin {
            c.write_stdin(input);
        }
        let out = c.output().expect("run");
        assert_clean(what, &out);
        if what.starts_with("env") {
            // The inputs were read and shown, masked: the test looks at real output.
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("alice:xxxxx@127.0.0.1:9"),
                "{what}: proxy not shown masked:\n{text}"
            );
        }
    }

    // The JSON report, and what a helpdesk renders from it.
    let out = gomod_diag(home.path())
        .args([
            "--json",
            "--timeout",
            "8s",
            "--module",
            "example.com/m@v1.0.0",
        ])
        .output()
        .expect("run --json");
    assert_clean("run --json", &out);
    assert!(!out.stdout.is_empty(), "run --json printed nothing");
    std::fs::write(&report, &out.stdout).expect("save report");
    for args in [
        vec!["report", report.to_str().unwrap()],
        vec!["--json", "report", report.to_str().unwrap()],
    ] {
        let out = gomod_diag(home.path())
            .args(&args)
            .output()
            .expect("report");
        assert_clean("report", &out);
    }
}

// ------------------------------------------------------------------------------------------
// Credentials made of the characters a scanner stops at, end to end.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use tokio::io::AsyncWriteExt as _;

/// The credentials planted in one run (user names are fixed: only secrets must not show).
struct Creds {
    /// GOPROXY's first entry, a loopback https module proxy (user `guser`).
    goproxy_pw: &'static str,
    /// GOPROXY's second entry, reached through HTTPS_PROXY: a lone token (`https://TOKEN@host`).
    goproxy_token: &'static str,
    /// HTTPS_PROXY (user `puser`), HTTP_PROXY (`huser`), the GOSUMDB URL (`suser`).
    https_proxy_pw: &'static str,
    http_proxy_pw: &'static str,
    sumdb_pw: &'static str,
}

/// Passwords made of the characters a text scanner stops at (`= , ; ' ( @ %`) and base64
/// tokens ending in `=`. GOPROXY's password writes `,` as `%2C`: a raw `,` splits GOPROXY for
/// Go too.
const SPECIAL: Creds = Creds {
    goproxy_pw: "Gpw1=Gpw2;Gpw3'Gpw4(Gpw5@Gpw6%2CGpw7",
    goproxy_token: "bWlycm9yLXRvayE=",
    https_proxy_pw: "Hps1=Hps2,Hps3;Hps4'Hps5(Hps6@Hps7%25Hps8",
    http_proxy_pw: "Htp1=Htp2,Htp3;Htp4'Htp5(Htp6@Htp7%25aHR0cC1wcm94eS1wdw==",
    sumdb_pw: "Sdb1=Sdb2,Sdb3;Sdb4'Sdb5(Sdb6@Sdb7%25c3VtZGItdG9rMQ==",
};

/// Plain alphanumeric credentials: the ones a text scanner does mask, so a request rebuilt
/// from masked text would carry `xxxxx`.
const PLAIN: Creds = Creds {
    goproxy_pw: "Gpw1plain",
    goproxy_token: "Gtok1plain",
    https_proxy_pw: "Hps1plain",
    http_proxy_pw: "Htp1plain",
    sumdb_pw: "Sdb1plain",
};

const GOPROXY_USER: &str = "guser";
const HTTPS_PROXY_USER: &str = "puser";
const HTTP_PROXY_USER: &str = "huser";
const SUMDB_USER: &str = "suser";
const MODULE: &str = "example.com/m";
const VERSION: &str = "v1.0.0";

/// A password as it travels in `Authorization: Basic` (percent escapes decoded).
fn decoded(pw: &str) -> String {
    percent_encoding::percent_decode_str(pw)
        .decode_utf8_lossy()
        .into_owned()
}

/// Every fragment of the planted secrets between the characters a scanner might stop at:
/// none may appear in any output (a partial leak is a leak).
fn secret_fragments(c: &Creds) -> Vec<String> {
    let mut out = vec![];
    for s in [
        c.goproxy_pw,
        c.goproxy_token,
        c.https_proxy_pw,
        c.http_proxy_pw,
        c.sumdb_pw,
    ] {
        out.push(s.to_string());
        out.push(decoded(s));
        for piece in decoded(s).split(['=', ',', ';', '\'', '(', '@', '%']) {
            if piece.len() >= 4 {
                out.push(piece.to_string());
            }
        }
    }
    // The Basic credentials as they go on the wire, base64-encoded.
    for (u, p) in expected_credentials(c) {
        out.push(base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}")));
    }
    out.sort();
    out.dedup();
    out
}

/// `(user, password)` as each credential travels in a `Basic` header.
fn expected_credentials(c: &Creds) -> [(&'static str, String); 5] {
    [
        (GOPROXY_USER, decoded(c.goproxy_pw)),
        (c.goproxy_token, String::new()),
        (HTTPS_PROXY_USER, decoded(c.https_proxy_pw)),
        (HTTP_PROXY_USER, decoded(c.http_proxy_pw)),
        (SUMDB_USER, decoded(c.sumdb_pw)),
    ]
}

/// One request a fixture received.
#[derive(Debug, Clone)]
struct Seen {
    /// `module proxy` or `http proxy`.
    at: &'static str,
    target: String,
    authorization: Option<String>,
    proxy_authorization: Option<String>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn record(log: &Log, at: &'static str, r: &netlab::http::Request) {
    log.lock().unwrap().push(Seen {
        at,
        target: r.target.clone(),
        authorization: r.header("authorization").map(str::to_string),
        proxy_authorization: r.header("proxy-authorization").map(str::to_string),
    });
}

/// A module proxy that knows one module (and a checksum database that knows nothing):
/// answers `list`, `.info`, `.mod`, 404 to everything else, and records every request.
fn module_proxy(log: Log) -> netlab::http::Handler {
    use netlab::http::Response;
    netlab::http::handler(move |r| {
        record(&log, "module proxy", r);
        let path = r.target.split('?').next().unwrap_or("");
        if path.ends_with("/@v/list") {
            Response::new(200, "OK", format!("{VERSION}\n"))
        } else if path.ends_with(&format!("/@v/{VERSION}.info")) {
            Response::new(
                200,
                "OK",
                format!("{{\"Version\":\"{VERSION}\",\"Time\":\"2024-01-02T03:04:05Z\"}}"),
            )
            .header("Content-Type", "application/json")
        } else if path.ends_with(&format!("/@v/{VERSION}.mod")) {
            Response::new(200, "OK", format!("module {MODULE}\n"))
        } else {
            Response::new(404, "Not Found", "not found\n")
        }
    })
}

/// An HTTP proxy that records every request: CONNECT to `tunnel_name:443` is tunnelled to
/// `tunnel_to`, other CONNECTs get 502, plain GETs (http:// through HTTP_PROXY) get 404.
fn recording_proxy(
    lab: &netlab::Lab,
    log: Log,
    tunnel_name: &'static str,
    tunnel_to: std::net::SocketAddr,
) -> std::net::SocketAddr {
    let (l, addr) = lab.listener();
    lab.spawn(async move {
        let l = tokio::net::TcpListener::from_std(l).unwrap();
        while let Ok((mut s, _)) = l.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let Some(req) = netlab::http::read_request(&mut s).await else {
                    return;
                };
                record(&log, "http proxy", &req);
                if req.method == "CONNECT" && req.target == format!("{tunnel_name}:443") {
                    let _ = s
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await;
                    if let Ok(mut up) = tokio::net::TcpStream::connect(tunnel_to).await {
                        let _ = tokio::io::copy_bidirectional(&mut s, &mut up).await;
                    }
                    return;
                }
                let resp = if req.method == "CONNECT" {
                    netlab::http::Response::new(502, "Bad Gateway", "no upstream\n")
                } else {
                    netlab::http::Response::new(404, "Not Found", "not found\n")
                };
                let _ = s.write_all(&resp.to_bytes()).await;
                let _ = s.shutdown().await;
            });
        }
    });
    addr
}

/// The user:password a `Basic` header carries, if it is one.
fn basic_credentials(header: &str) -> Option<String> {
    let b64 = header.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    Some(String::from_utf8_lossy(&raw).into_owned())
}

/// Whether credentials look masked: `xxxxx` (url.URL.Redacted) or `***` (net/http's errors).
fn masked(creds: &str) -> bool {
    creds.contains("xxxxx") || creds.contains("***")
}

/// What the fixtures received while `what` ran: every credential real, never a masked one.
fn assert_no_masked_request(what: &str, seen: &[Seen]) {
    for s in seen {
        assert!(
            !masked(&s.target),
            "{what}: the {} received a masked URL: {s:?}",
            s.at
        );
        for (name, header) in [
            ("Authorization", &s.authorization),
            ("Proxy-Authorization", &s.proxy_authorization),
        ] {
            let Some(h) = header else { continue };
            let creds = basic_credentials(h)
                .unwrap_or_else(|| panic!("{what}: {name} is not Basic: {s:?}"));
            assert!(
                !masked(&creds),
                "{what}: the {} received masked credentials in {name} ({creds:?}): {s:?}",
                s.at
            );
        }
    }
}

#[test]
fn special_character_credentials_never_leak_and_never_go_out_masked() {
    every_output_and_every_request(&SPECIAL);
}

#[test]
fn plain_credentials_never_leak_and_never_go_out_masked() {
    every_output_and_every_request(&PLAIN);
}

/// Runs every output mode with `c` planted and checks outputs and the requests received.
fn every_output_and_every_request(c: &Creds) {
    let lab = netlab::Lab::new();
    let log: Log = Arc::default();
    let server_ip = lab.ip();
    let leaf = lab
        .ca
        .issue(&[&server_ip.to_string(), "mirror.test", "plain.test"]);
    let server = netlab::tls::start_at(
        &lab,
        Some(std::net::SocketAddr::new(server_ip, 0)),
        netlab::tls::TlsMode::serve(leaf, module_proxy(log.clone())),
    );
    let proxy = recording_proxy(&lab, log.clone(), "mirror.test", server);

    let goproxy = format!(
        "https://{GOPROXY_USER}:{}@{server}/p,https://{}@mirror.test/p,http://plain.test/p",
        c.goproxy_pw, c.goproxy_token
    );
    let https_proxy = format!("http://{HTTPS_PROXY_USER}:{}@{proxy}", c.https_proxy_pw);
    let http_proxy = format!("http://{HTTP_PROXY_USER}:{}@{proxy}", c.http_proxy_pw);
    let gosumdb = format!(
        "sum.golang.org https://{SUMDB_USER}:{}@{server}",
        c.sumdb_pw
    );
    let home = tempfile::tempdir().expect("temp home");
    let command = || {
        let mut c = Command::from_std(lab.command());
        c.env_clear()
            .current_dir(home.path())
            .envs(lab.env())
            .env("HOME", home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("GOTOOLCHAIN", "local")
            .env("GOTELEMETRY", "off")
            .env("GOFLAGS", "-modcacherw")
            .env("GOPATH", home.path().join("gopath"))
            .env("GOMODCACHE", home.path().join("modcache"))
            // Nothing resolves off the machine: the names are reached through the proxy.
            .env("GOMOD_DIAG_SYSTEM_DNS", "127.0.0.1:9")
            .env("GOPROXY", &goproxy)
            .env("HTTPS_PROXY", &https_proxy)
            .env("HTTP_PROXY", &http_proxy)
            .env("GOSUMDB", &gosumdb)
            .env("NO_COLOR", "1")
            .timeout(std::time::Duration::from_secs(90));
        c
    };
    let fragments = secret_fragments(c);
    let all_seen: Log = Arc::default();
    let check = |what: &str, out: &std::process::Output| {
        let seen = std::mem::take(&mut *log.lock().unwrap());
        assert_no_masked_request(what, &seen);
        all_seen.lock().unwrap().extend(seen);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for s in &fragments {
            assert!(
                !text.contains(s.as_str()),
                "{what}: secret {s:?} leaked:\n{text}"
            );
        }
        assert!(!text.contains("panicked"), "{what}: panicked:\n{text}");
        assert_ne!(out.status.code(), Some(2), "{what}: usage error:\n{text}");
        assert!(!out.stdout.is_empty(), "{what}: printed nothing:\n{text}");
        text
    };

    let module = format!("{MODULE}@{VERSION}");
    let run = ["--timeout", "20s", "--module", module.as_str()];
    let pasted = format!(
        "go: {module}: Get \"https://{GOPROXY_USER}:***@{server}/p/{MODULE}/@v/{VERSION}.info\": proxyconnect tcp: dial tcp {proxy}: connect: connection refused\n\
         HTTPS_PROXY={https_proxy}\n\
         GOPROXY={goproxy}\n\
         verifying {module}: reading https://{SUMDB_USER}:xxxxx@{server}/lookup/{module}: 404 Not Found\n\
         Get \"https://{}@mirror.test/p/{MODULE}/@v/list\": Proxy Authentication Required\n",
        c.goproxy_token
    );
    let with = |extra: &[&str]| -> Vec<String> {
        extra
            .iter()
            .chain(run.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let server_s = server.to_string();
    // (what, arguments, standard input, extra environment)
    type Case<'a> = (
        &'a str,
        Vec<String>,
        Option<&'a str>,
        &'a [(&'a str, &'a str)],
    );
    let cases: Vec<Case> = vec![
        ("run", with(&[]), None, &[]),
        ("run -v", with(&["-v"]), None, &[]),
        ("run -vv", with(&["-vv"]), None, &[]),
        (
            "run --ci",
            with(&["--ci"]),
            None,
            &[("GITHUB_ACTIONS", "true")],
        ),
        ("env", vec!["env".into()], None, &[]),
        (
            "env --json",
            vec![
                "env".into(),
                "--json".into(),
                "--module".into(),
                module.clone(),
            ],
            None,
            &[],
        ),
        (
            "probe dns",
            vec!["probe".into(), "dns".into(), "mirror.test".into()],
            None,
            &[],
        ),
        (
            "probe tcp",
            vec!["probe".into(), "tcp".into(), server_s.clone()],
            None,
            &[],
        ),
        (
            "probe tls",
            vec!["probe".into(), "tls".into(), server_s.clone()],
            None,
            &[],
        ),
        (
            "probe proxy",
            vec!["probe".into(), "proxy".into(), "mirror.test:443".into()],
            None,
            &[],
        ),
        (
            "probe proxy --proxy",
            vec![
                "probe".into(),
                "proxy".into(),
                "mirror.test:443".into(),
                "--proxy".into(),
                http_proxy.clone(),
            ],
            None,
            &[],
        ),
        (
            "probe http",
            vec![
                "probe".into(),
                "http".into(),
                format!(
                    "https://{GOPROXY_USER}:{}@{server}/p/{MODULE}/@v/list",
                    c.goproxy_pw
                ),
            ],
            None,
            &[],
        ),
        (
            "probe http via proxy",
            vec![
                "--json".into(),
                "probe".into(),
                "http".into(),
                format!("https://{}@mirror.test/p/{MODULE}/@v/list", c.goproxy_token),
            ],
            None,
            &[],
        ),
        (
            "probe goproxy",
            vec!["probe".into(), "goproxy".into(), module.clone()],
            None,
            &[],
        ),
        (
            "probe goproxy --json",
            vec![
                "--json".into(),
                "probe".into(),
                "goproxy".into(),
                module.clone(),
            ],
            None,
            &[],
        ),
        (
            "probe sumdb",
            vec!["probe".into(), "sumdb".into(), module.clone()],
            None,
            &[],
        ),
        (
            "explain",
            vec!["explain".into(), "-".into()],
            Some(&pasted),
            &[],
        ),
        (
            "explain --json",
            vec!["--json".into(), "explain".into(), "-".into()],
            Some(&pasted),
            &[],
        ),
        (
            "explain --probe",
            vec!["explain".into(), "--probe".into(), "-".into()],
            Some(&pasted),
            &[],
        ),
    ];
    for (what, args, stdin, extra) in cases {
        let mut c = command();
        c.args(&args).envs(extra.iter().copied());
        if let Some(input) = stdin {
            c.write_stdin(input.to_string());
        }
        let out = c.output().expect("run");
        let text = check(what, &out);
        if what.starts_with("env") {
            // The values were read and shown masked: the test reads real output.
            for user in [GOPROXY_USER, HTTPS_PROXY_USER, HTTP_PROXY_USER, SUMDB_USER] {
                assert!(
                    text.contains(&format!("{user}:xxxxx@")),
                    "{what}: {user} not shown masked:\n{text}"
                );
            }
        }
    }

    // The JSON report, and what a helpdesk renders from it.
    let out = command()
        .args(with(&["--json"]))
        .output()
        .expect("run --json");
    check("run --json", &out);
    let report = home.path().join("report.json");
    std::fs::write(&report, &out.stdout).expect("save report");
    let report = report.to_str().unwrap();
    for (what, args) in [
        ("report", vec!["report", report]),
        ("report --json", vec!["--json", "report", report]),
        ("report -v", vec!["-v", "report", report]),
    ] {
        let out = command().args(&args).output().expect("report");
        check(what, &out);
    }

    let seen = all_seen.lock().unwrap().clone();
    let mut carried = std::collections::BTreeSet::new();
    for s in &seen {
        for h in [&s.authorization, &s.proxy_authorization]
            .into_iter()
            .flatten()
        {
            carried.extend(basic_credentials(h));
        }
    }
    // The fixtures were really used, with the real credentials: this test can fail.
    let [goproxy, token, https_proxy, http_proxy, sumdb] = expected_credentials(c);
    for (name, (user, pw)) in [
        ("Authorization", goproxy),
        ("Authorization", token),
        ("Authorization", sumdb),
        ("Proxy-Authorization", https_proxy),
        ("Proxy-Authorization", http_proxy),
    ] {
        assert!(
            carried.contains(&format!("{user}:{pw}")),
            "no request carried {name} for {user}; seen:\n{seen:#?}"
        );
    }
}

/// Secrets outside URL userinfo: GOAUTH command arguments, a token used as the URL user
/// name (through a git insteadOf rewrite), tokens in a GOPROXY path or query, and an
/// Authorization header a server echoes back in its body.
#[test]
fn secrets_outside_url_userinfo_never_print() {
    const PLANTED: &[&str] = &[
        "goauthflag77",
        "ghp_goauthword88",
        "ghp_insteadtok99",
        "glpat-pathtok5566",
        "querytok4433",
        "echoedbearer21",
    ];
    let lab = netlab::Lab::new();
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("gitconfig");
    std::fs::write(
        &cfg,
        "[url \"https://ghp_insteadtok99:x-oauth-basic@github.com/\"]\n\tinsteadOf = https://github.com/\n",
    )
    .unwrap();
    // A server that echoes the request's Authorization header in a JSON body.
    let echo = lab.http(netlab::http::handler(|r| {
        netlab::http::Response::new(
            200,
            "OK",
            format!(
                "{{\"headers\": {{\"Authorization\": \"{}\"}}}}",
                r.header("authorization").unwrap_or("Bearer echoedbearer21")
            ),
        )
        .header("Content-Type", "application/json")
    }));
    let clean = |what: &str, o: &std::process::Output| {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        for s in PLANTED {
            assert!(!text.contains(s), "{what}: {s:?} leaked:\n{text}");
        }
        assert!(!text.contains("panicked"), "{what}: {text}");
    };
    let o = lab
        .command()
        .args(["probe", "http", &format!("http://{echo}/x"), "--json"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Authorization"),
        "the echo is there to be masked: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    clean("probe http --json", &o);
    let o = lab
        .command()
        .args(["probe", "http", &format!("http://{echo}/x")])
        .output()
        .unwrap();
    clean("probe http", &o);
    let env = [
        (
            "GOAUTH",
            "command /usr/local/bin/auth-helper --token=goauthflag77 ghp_goauthword88".to_string(),
        ),
        (
            "GOPROXY",
            format!("http://{echo}/t/glpat-pathtok5566/mod?token=querytok4433,direct"),
        ),
        ("GOPRIVATE", "github.com/org".to_string()),
        ("GOSUMDB", "off".to_string()),
        ("GIT_CONFIG_GLOBAL", cfg.display().to_string()),
        ("GIT_CONFIG_NOSYSTEM", "1".to_string()),
        ("GOMOD_DIAG_SYSTEM_DNS", "127.0.0.1:9".to_string()),
        ("HOME", home.path().display().to_string()),
    ];
    for args in [
        &["env"][..],
        &["env", "--json"],
        &["--module", "github.com/org/repo@v1.0.0", "-v"],
        &["--module", "github.com/org/repo@v1.0.0", "--json"],
        &["--module", "example.com/m@v1.0.0", "--ci"],
        &["--module", "example.com/m@v1.0.0", "--json"],
    ] {
        let mut c = lab.command();
        c.current_dir(home.path())
            .args(args)
            .args(["--timeout", "4s"]);
        for (k, v) in &env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        clean(&format!("{args:?}"), &o);
    }
}
