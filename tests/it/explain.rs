//! `gomod-diag explain`: the error corpus in fixtures/explain/, entity extraction, secrets,
//! and the command's input handling and exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use gomod_diag::catalog::{Catalog, ALL_IDS};
use gomod_diag::explain::{explain, extract_entities};

struct Case {
    file: PathBuf,
    expect: String,
    also: Vec<String>,
    text: String,
}

/// Each corpus file: `expect: <id>` (or `none`), optional `also: id, id`, `source:`, `note:`
/// header lines, a `----` line, then the text exactly as Go printed it.
fn corpus() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/explain");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let raw = std::fs::read_to_string(&file).unwrap();
            // The text after the `----` line is kept byte for byte (CRLF included).
            let mut offset = 0;
            let mut split = None;
            for line in raw.split_inclusive('\n') {
                offset += line.len();
                if line.trim_end() == "----" {
                    split = Some(offset);
                    break;
                }
            }
            let split = split.unwrap_or_else(|| panic!("{}: no ---- line", file.display()));
            let (header, text) = raw.split_at(split);
            let field = |name: &str| {
                header
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
            };
            let expect =
                field("expect:").unwrap_or_else(|| panic!("{}: no expect: line", file.display()));
            let also = field("also:")
                .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            assert!(
                field("source:").is_some(),
                "{}: no source: line",
                file.display()
            );
            Case {
                file,
                expect,
                also,
                text: text.to_string(),
            }
        })
        .collect()
}

#[test]
fn every_corpus_case_classifies_to_its_expected_cause() {
    let cases = corpus();
    assert!(cases.len() >= 40, "only {} corpus cases", cases.len());
    let mut mismatches = Vec::new();
    for c in &cases {
        let name = c.file.file_name().unwrap().to_string_lossy();
        assert!(
            c.expect == "none" || ALL_IDS.contains(&c.expect.as_str()),
            "{name}: unknown id {}",
            c.expect
        );
        let ex = explain(&c.text);
        let got = ex.top().map_or("none", |t| t.id.as_str());
        if got != c.expect {
            let ranked: Vec<String> = ex
                .causes
                .iter()
                .map(|c| format!("{} {:.2}", c.id, c.confidence))
                .collect();
            mismatches.push(format!(
                "{name}: expected {}, got {got} [{}]",
                c.expect,
                ranked.join(", ")
            ));
        }
        for also in &c.also {
            if !ex.causes.iter().any(|x| x.id == *also) {
                mismatches.push(format!("{name}: {also} missing from the ranked causes"));
            }
        }
        for cause in &ex.causes {
            assert!(
                ALL_IDS.contains(&cause.id.as_str()),
                "{name}: classifier produced {} which has no catalog entry",
                cause.id
            );
            assert!((0.0..=1.0).contains(&cause.confidence));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} corpus cases misclassified:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}

#[test]
fn the_corpus_covers_every_error_family() {
    let expected: Vec<String> = corpus().into_iter().map(|c| c.expect).collect();
    for id in [
        "dns.nxdomain_filtered",
        "dns.system_resolver_down",
        "dns.no_resolution",
        "tcp.refused",
        "tcp.timeout",
        "tcp.unreachable",
        "tcp.reset",
        "tls.untrusted_interception",
        "tls.hostname_mismatch",
        "tls.expired",
        "tls.not_yet_valid",
        "tls.not_tls",
        "tls.handshake_timeout",
        "tls.handshake_failure",
        "tls.reset_during_handshake",
        "proxy.unreachable",
        "proxy.auth_required",
        "proxy.connect_denied",
        "proxy.upstream_failed",
        "proxy.scheme_mismatch",
        "goproxy.module_not_found",
        "goproxy.forbidden",
        "goproxy.http_error",
        "goproxy.captive_portal",
        "config.goproxy_off",
        "config.goproxy_invalid",
        "config.gosumdb_invalid",
        "config.proxy_via_go_env",
        "config.insecure_settings",
        "sumdb.unreachable",
        "sumdb.not_found",
        "sumdb.proxy_route_broken",
        "sumdb.bad_signature",
        "sumdb.checksum_mismatch",
        "vcs.git_missing",
        "vcs.auth_required",
        "vcs.ssh_blocked",
        "vcs.meta_missing",
        "vcs.govcs_denied",
    ] {
        assert!(
            expected.iter().any(|e| e == id),
            "no corpus case expects {id}"
        );
    }
}

#[test]
fn entities_of_a_download_log() {
    let log = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/explain/sumdb-refused-x-log.txt"),
    )
    .unwrap();
    let e = extract_entities(&log);
    assert_eq!(e.modules, vec!["example.com/m@v1.0.0"]);
    assert!(e.addrs.contains(&"127.0.0.1:9".to_string()), "{e:?}");
    assert!(e
        .urls
        .contains(&"http://127.0.0.1:9/lookup/example.com/m@v1.0.0".to_string()));
    assert!(e.hosts.is_empty(), "IP literals are not hosts: {e:?}");

    let e = extract_entities(
        "go: downloading github.com/gin-gonic/gin v1.9.1\n\
         go: github.com/gin-gonic/gin@v1.9.1: Get \"https://proxy.golang.org/github.com/gin-gonic/gin/@v/v1.9.1.info\": socks connect tcp 127.0.0.1:1080->proxy.golang.org:443: unknown error host unreachable\n\
         \tssh: connect to host github.com port 22: Connection timed out",
    );
    assert_eq!(e.modules, vec!["github.com/gin-gonic/gin@v1.9.1"]);
    assert_eq!(e.proxies, vec!["socks5://127.0.0.1:1080"]);
    assert!(e.addrs.contains(&"proxy.golang.org:443".to_string()));
    assert_eq!(e.hosts, vec!["proxy.golang.org", "github.com"]);
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("gomod-diag").unwrap();
    c.env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
        .env("GOMOD_DIAG_NO_MIRRORS", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("GOPRIVATE");
    c
}

#[test]
fn planted_secrets_never_appear_in_the_output() {
    let secret = "s3cretPass";
    let token = "ghp_T0kenAbc123";
    let text = format!(
        "$ export HTTPS_PROXY=http://alice:{secret}@10.0.0.1:3128\n\
         go: golang.org/x/text@v0.14.0: Get \"https://proxy.golang.org/golang.org/x/text/@v/v0.14.0.info\": proxyconnect tcp: dial http://alice:{secret}@10.0.0.1:3128: connect: connection refused\n\
         go: corp.example/lib@v1.0.0: reading https://{token}@goproxy.corp.example/corp.example/lib/@v/v1.0.0.info: 403 Forbidden\n\
         go: corp.example/lib@v1.0.0: Get \"https://goproxy.corp.example/x\": Proxy-Authorization: Basic YWxpY2U6czNjcmV0UGFzcw== Bad Gateway\n"
    );
    for json in [false, true] {
        for shell in ["bash", "powershell", "cmd"] {
            let mut cmd = bin();
            cmd.args(["explain", "-", "--shell", shell]);
            if json {
                cmd.arg("--json");
            }
            let out = cmd.write_stdin(text.clone()).output().unwrap();
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(1), "{all}");
            assert!(
                !all.contains(secret),
                "password leaked ({shell}, json={json}):\n{all}"
            );
            assert!(
                !all.contains(token),
                "token leaked ({shell}, json={json}):\n{all}"
            );
            assert!(all.contains("alice:xxxxx@10.0.0.1:3128"), "{all}");
            assert!(
                !all.contains("YWxpY2U6czNjcmV0UGFzcw=="),
                "header leaked:\n{all}"
            );
            if json {
                let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                    .unwrap_or_else(|e| panic!("not JSON ({e}):\n{all}"));
                assert!(v["causes"].as_array().is_some_and(|c| !c.is_empty()));
            }
        }
    }
}

#[test]
fn json_output_has_causes_and_entities() {
    let out = bin()
        .args([
            "explain",
            "--json",
            "go: example.com/m@v1.0.0: Get \"https://proxy.golang.org/example.com/m/@v/v1.0.0.info\": dial tcp 142.250.196.113:443: i/o timeout",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["causes"][0]["id"], "tcp.timeout");
    assert!(v["causes"][0]["confidence"].as_f64().unwrap() > 0.5);
    assert!(v["causes"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("142.250.196.113:443"));
    assert!(v["causes"][0]["matched"]
        .as_str()
        .unwrap()
        .contains("i/o timeout"));
    assert_eq!(v["entities"]["modules"][0], "example.com/m@v1.0.0");
    assert_eq!(v["entities"]["addrs"][0], "142.250.196.113:443");
    assert_eq!(v["entities"]["hosts"][0], "proxy.golang.org");
    assert!(v["fix"]["steps"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn text_output_names_the_cause_and_the_fix_in_the_users_shell_and_language() {
    let text = "go: github.com/gin-gonic/gin@v1.9.1: Get \"https://proxy.golang.org/github.com/gin-gonic/gin/@v/v1.9.1.info\": proxyconnect tcp: dial tcp 127.0.0.1:7890: connectex: No connection could be made because the target machine actively refused it.";
    let out = bin()
        .args(["explain", "--shell", "powershell", text])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(s.contains("proxy.unreachable"), "{s}");
    assert!(
        s.contains("curl.exe -sS -I -x \"127.0.0.1:7890\" https://proxy.golang.org/"),
        "{s}"
    );
    assert!(s.contains("Remove-Item Env:HTTPS_PROXY"), "{s}");
    let out = bin()
        .args(["explain", "--lang", "zh", "--shell", "cmd", text])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("配置的 HTTP 代理无法连接"), "{s}");
    assert!(
        s.contains("curl.exe -sS -I -x 127.0.0.1:7890 https://proxy.golang.org/"),
        "{s}"
    );
    assert!(s.contains("set HTTPS_PROXY="), "{s}");
}

#[test]
fn inconclusive_and_unreadable_inputs() {
    // Nothing recognisable: exit 3.
    let out = bin()
        .args(["explain", "./main.go:5:2: undefined: foo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No known Go network error"));
    // A missing file: exit 2, naming it.
    let out = bin()
        .args(["explain", "/nonexistent/go-error.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/go-error.log"));
    // Empty standard input: exit 2 with a hint.
    let out = bin()
        .args(["explain", "-"])
        .write_stdin("\n  \n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input is empty"));
    // A file works, CRLF and all.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("err.log");
    std::fs::write(
        &f,
        "go: m.example/x@v1.0.0: module lookup disabled by GOPROXY=off\r\n",
    )
    .unwrap();
    let out = bin()
        .args(["explain", "--json", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["causes"][0]["id"], "config.goproxy_off");
    // --probe with a text that names nothing to probe: a clear message, exit 3.
    let out = bin()
        .args([
            "explain",
            "--probe",
            "--public-dns",
            "127.0.0.1:9",
            f.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no host, address or URL to probe"));
}

#[test]
fn a_malformed_overlay_is_a_usage_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        "id = \"tcp.timeout\"\nkind = ",
    )
    .unwrap();
    let out = bin()
        .args([
            "explain",
            "--checks",
            dir.path().to_str().unwrap(),
            "go: x: dial tcp 1.2.3.4:443: i/o timeout",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.toml"));
    // A valid overlay changes the rendered title.
    std::fs::write(
        dir.path().join("broken.toml"),
        "id = \"tcp.timeout\"\n[en]\ntitle = \"Corp firewall drops the packets: call IT on 1234\"\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "explain",
            "--checks",
            dir.path().to_str().unwrap(),
            "go: x: dial tcp 1.2.3.4:443: i/o timeout",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("call IT on 1234"));
    assert_eq!(Catalog::builtin().ids().len(), ALL_IDS.len());
}

// ---------------------------------------------------------------------------------------
// The real Go toolchain as the oracle: errors produced now, against loopback servers only.

/// A tiny loopback HTTP server: the first path segment picks the answer (`/404/...`,
/// `/403/...`, `/500/...`, `/html/...`, `/ok/...` serves a module's .info/.mod); a CONNECT
/// gets 407.
fn start_fixture_server() -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                // A TLS ClientHello (0x16) gets a plain-HTTP answer, as a real HTTP server gives.
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.first() != Some(&0x16) {
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let mut words = head.split_whitespace();
                let method = words.next().unwrap_or("");
                let path = words.next().unwrap_or("");
                let mode = path.trim_start_matches('/').split('/').next().unwrap_or("");
                let (status, ctype, body): (&str, &str, String) = if method == "CONNECT" {
                    (
                        "407 Proxy Authentication Required",
                        "text/plain",
                        String::new(),
                    )
                } else {
                    match mode {
                        "404" => ("404 Not Found", "text/plain", "not found\n".into()),
                        "403" => ("403 Forbidden", "text/plain", String::new()),
                        "500" => ("500 Internal Server Error", "text/plain", String::new()),
                        "html" => (
                            "200 OK",
                            "text/html",
                            "<html><body>Please log in</body></html>".into(),
                        ),
                        "ok" if path.ends_with(".info") => (
                            "200 OK",
                            "application/json",
                            r#"{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}"#.into(),
                        ),
                        "ok" if path.ends_with(".mod") => {
                            ("200 OK", "text/plain", "module example.com/m\n".into())
                        }
                        _ => ("404 Not Found", "text/plain", String::new()),
                    }
                };
                let extra = if method == "CONNECT" {
                    "Proxy-Authenticate: Basic realm=\"test\"\r\n"
                } else {
                    ""
                };
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    addr
}

/// A loopback port with nothing listening.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn go_available() -> bool {
    std::process::Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `go mod download example.com/m@v1.0.0` in a clean, isolated environment.
fn go_download(home: &Path, vars: &[(&str, String)]) -> String {
    let mut cmd = std::process::Command::new("go");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GOPATH", home.join("gopath"))
        .env("GOMODCACHE", home.join("modcache"))
        .env("GOCACHE", home.join("cache"))
        .env("GOTOOLCHAIN", "local")
        .env("GOENV", "off")
        .env("GOFLAGS", "-modcacherw")
        .env("GOSUMDB", "off")
        .current_dir(home)
        .args(["mod", "download", "example.com/m@v1.0.0"]);
    for key in ["PYENV_ROOT", "PYENV_VERSION"] {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run go");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn live_go_errors_against_loopback_classify_correctly() {
    if !go_available() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but the Go toolchain is not on PATH");
        }
        eprintln!("skipping: no `go` on PATH");
        return;
    }
    let server = start_fixture_server();
    let closed = closed_port();
    let home = tempfile::tempdir().unwrap();
    let base = format!("http://{server}");
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![("GOPROXY", format!("http://127.0.0.1:{closed}"))],
            "tcp.refused",
        ),
        (vec![("GOPROXY", "off".into())], "config.goproxy_off"),
        (
            vec![("GOPROXY", "https://goproxy.example,Direct".into())],
            "config.goproxy_invalid",
        ),
        (
            vec![("GOPROXY", format!("{base}/404"))],
            "goproxy.module_not_found",
        ),
        (
            vec![("GOPROXY", format!("{base}/403"))],
            "goproxy.forbidden",
        ),
        (
            vec![("GOPROXY", format!("{base}/500"))],
            "goproxy.http_error",
        ),
        (
            vec![("GOPROXY", format!("{base}/html"))],
            "goproxy.captive_portal",
        ),
        (
            vec![("GOPROXY", format!("https://{server}/ok"))],
            "tls.not_tls",
        ),
        (
            vec![
                ("GOPROXY", format!("{base}/ok")),
                ("GOSUMDB", "sum.example.com".into()),
            ],
            "config.gosumdb_invalid",
        ),
        (
            vec![
                ("GOPROXY", format!("{base}/ok")),
                (
                    "GOSUMDB",
                    format!("sum.golang.org http://127.0.0.1:{closed}"),
                ),
            ],
            "sumdb.unreachable",
        ),
        // Go dials only the loopback proxy; the target host is never contacted.
        (
            vec![
                ("GOPROXY", "https://proxy.golang.org".into()),
                ("HTTPS_PROXY", format!("http://127.0.0.1:{closed}")),
            ],
            "proxy.unreachable",
        ),
        (
            vec![
                ("GOPROXY", "https://proxy.golang.org".into()),
                ("HTTPS_PROXY", format!("http://{server}")),
            ],
            "proxy.auth_required",
        ),
        (
            vec![
                ("GOPROXY", "https://proxy.golang.org".into()),
                ("HTTPS_PROXY", format!("https://{server}")),
            ],
            "proxy.scheme_mismatch",
        ),
    ];
    let mut mismatches = Vec::new();
    for (vars, want) in &cases {
        let text = go_download(home.path(), vars);
        let got = explain(&text)
            .top()
            .map(|c| c.id.as_str())
            .unwrap_or_default();
        if got != *want {
            mismatches.push(format!(
                "{vars:?}: expected {want}, got {got:?}\n  go said: {}",
                text.trim()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// `explain --probe` runs the probes the text names: a closed loopback port confirms
/// `tcp.refused` (exit 1); a port that now accepts shows the network is fine (exit 0).
#[test]
fn explain_probe_confirms_or_clears_the_cause() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let open = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open_port = open.local_addr().unwrap().port();
    let text = |port: u16| {
        format!("go: example.com/m@v1.0.0: Get \"https://127.0.0.1:{port}/example.com/m/@v/v1.0.0.info\": dial tcp 127.0.0.1:{port}: connect: connection refused")
    };
    let run = |port: u16| {
        assert_cmd::Command::cargo_bin("gomod-diag")
            .unwrap()
            .args([
                "--json",
                "--timeout",
                "5s",
                "explain",
                "--probe",
                "--public-dns",
                "127.0.0.1:9",
            ])
            .arg(text(port))
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap()
    };
    let out = run(closed_port);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The classification document, then the probe verdict document.
    let verdict: serde_json::Value = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<serde_json::Value>()
        .filter_map(Result::ok)
        .find(|v| v.get("confirmed").is_some())
        .expect("a probe verdict");
    assert_eq!(verdict["confirmed"], "tcp.refused", "{stdout}");

    let out = run(open_port);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop(open);
}

/// One case of the field corpus: a Go error a user posted, and the causes its thread found.
struct FieldCase {
    file: PathBuf,
    accept: Vec<String>,
    text: String,
}

/// `fixtures/explain/field/*.txt`: `accept: id, id` (the thread's conclusion first), `source:`
/// (the thread's URL), `why:` header lines, a `----` line, then the text as the user posted it.
fn field_corpus() -> Vec<FieldCase> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/explain/field");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let raw = std::fs::read_to_string(&file).unwrap();
            let name = file.display().to_string();
            let (header, text) = raw
                .split_once("\n----\n")
                .unwrap_or_else(|| panic!("{name}: no ---- line"));
            let field = |key: &str| {
                header
                    .lines()
                    .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
                    .unwrap_or_else(|| panic!("{name}: no {key} line"))
            };
            let accept: Vec<String> = field("accept:")
                .split(',')
                .map(|s| s.trim().to_string())
                .collect();
            assert!(
                (1..=3).contains(&accept.len()),
                "{name}: accept names 1 to 3 causes"
            );
            for id in &accept {
                assert!(ALL_IDS.contains(&id.as_str()), "{name}: unknown id {id}");
            }
            let source = field("source:");
            assert!(
                source.starts_with("https://github.com/") || source.starts_with("https://"),
                "{name}: source must be the thread's URL, got {source:?}"
            );
            assert!(!field("why:").is_empty(), "{name}: empty why:");
            assert!(!text.trim().is_empty(), "{name}: no text");
            FieldCase {
                file,
                accept,
                text: text.to_string(),
            }
        })
        .collect()
}

#[test]
fn field_corpus_top_cause_is_accepted_and_mostly_the_threads_conclusion() {
    let cases = field_corpus();
    assert!(cases.len() >= 120, "only {} field cases", cases.len());
    let (mut accepted, mut conclusion) = (0usize, 0usize);
    let mut misses = Vec::new();
    for c in &cases {
        let ex = explain(&c.text);
        let top = ex.top().map_or("none", |t| t.id.as_str());
        let in_accept = c.accept.iter().any(|a| a == top);
        accepted += usize::from(in_accept);
        conclusion += usize::from(c.accept[0] == top);
        if c.accept[0] != top {
            let ranked: Vec<String> = ex
                .causes
                .iter()
                .map(|c| format!("{} {:.2}", c.id, c.confidence))
                .collect();
            misses.push(format!(
                "{}{}: want {}, got [{}]",
                if in_accept {
                    "  (accepted) "
                } else {
                    "  MISS "
                },
                c.file.file_name().unwrap().to_string_lossy(),
                c.accept.join(" | "),
                ranked.join(", ")
            ));
        }
    }
    let n = cases.len() as f64;
    let (acc, con) = (accepted as f64 / n * 100.0, conclusion as f64 / n * 100.0);
    println!(
        "field corpus: {} cases; top cause accepted {accepted} ({acc:.1} %), the thread's conclusion {conclusion} ({con:.1} %)",
        cases.len()
    );
    println!("{}", misses.join("\n"));
    assert!(acc >= 95.0, "top cause accepted for only {acc:.1} %");
    assert!(
        con >= 85.0,
        "top cause is the conclusion for only {con:.1} %"
    );
}

/// A `go mod download -x` style log: `lines` successful request traces, then `tail`.
fn download_log(lines: usize, tail: &str) -> String {
    let mut log = String::with_capacity(lines * 110 + tail.len());
    for i in 0..lines {
        let m = format!("github.com/example{}/module{}", i % 97, i);
        if i % 2 == 0 {
            log.push_str(&format!(
                "# get https://proxy.golang.org/{m}/@v/v1.{i}.0.info\n"
            ));
        } else {
            log.push_str(&format!(
                "# get https://proxy.golang.org/{m}/@v/v1.{i}.0.info: 200 OK (0.0{}s)\n",
                i % 10
            ));
        }
    }
    log.push_str(tail);
    log
}

#[test]
fn an_error_after_the_first_16_mib_of_a_log_is_found_and_200_ok_lines_are_not_causes() {
    let tail = "go: example.com/m@v1.0.0: Get \"https://proxy.golang.org/example.com/m/@v/v1.0.0.info\": dial tcp: lookup proxy.golang.org on 10.255.255.53:53: server misbehaving\n";
    let log = download_log(17 * 1024 * 1024 / 90, tail);
    assert!(log.len() > 16 * 1024 * 1024, "{}", log.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.log");
    std::fs::write(&path, &log).unwrap();
    let out = bin()
        .args(["explain", path.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["causes"][0]["id"], "dns.system_resolver_down", "{doc}");
    assert_eq!(doc["causes"].as_array().unwrap().len(), 1, "{doc}");
    assert_eq!(doc["input"]["cut"], false, "{doc}");
    assert_eq!(doc["input"]["bytes"], log.len(), "{doc}");

    // Only successful traces: nothing is a cause, and explain says so (exit 3).
    let ok_only = download_log(2000, "");
    let out = bin()
        .args(["explain", "-"])
        .write_stdin(ok_only)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("No known Go network error"),
        "{out:?}"
    );
}
