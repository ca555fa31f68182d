//! The real Go toolchain as the oracle: for crafted environments, `gomod-diag env --json`
//! must report the same values as `go env -json` on every shared key.
//!
//! Needs `go` on PATH; skips with a printed reason otherwise, except under CI=true where a
//! missing go is a failure. Every scenario runs in its own thread (go and gomod-diag both
//! start with `env_clear`, HOME in a temp dir, PATH = the real go's bin dir, GOTOOLCHAIN=local,
//! GOTELEMETRY=off, and never touch the network).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// Keys both tools report (gomod_diag::config::goenv::SHARED_KEYS).
const SHARED: &[&str] = gomod_diag::config::goenv::SHARED_KEYS;

/// The real go binary (not a pyenv/asdf shim, which needs the caller's environment).
fn real_go() -> Option<PathBuf> {
    let out = Command::new("go").args(["env", "GOROOT"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let goroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let go = Path::new(&goroot).join("bin").join("go");
    go.is_file().then_some(go)
}

/// The real go, or None after printing why the test skips. With CI=true a missing go is a
/// failure: the oracle tests must run in CI.
fn go_or_skip() -> Option<PathBuf> {
    let go = real_go();
    if go.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but no working `go` on PATH: the Go oracle test must run in CI");
        }
        eprintln!("skipping: no working `go` on PATH (set CI=true to make this a failure)");
    }
    go
}

/// Ends a random-input oracle test: prints what was compared and how long it took, then
/// fails listing the first `show` disagreements.
fn finish_oracle(what: &str, start: Instant, failures: &[String], show: usize) {
    eprintln!("{what} in {:.2} s", start.elapsed().as_secs_f64());
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures[..failures.len().min(show)].join("\n")
    );
}

struct Scenario {
    name: &'static str,
    /// OS environment on top of the clean base.
    env: Vec<(&'static str, String)>,
    /// (path relative to HOME, contents) of files to write before running.
    files: Vec<(&'static str, &'static str)>,
    /// `go env -w` arguments run first (the real way to create the env file).
    go_env_w: Vec<&'static str>,
}

fn scenarios(home: &dyn Fn(&str) -> String) -> Vec<Scenario> {
    let s = |name, env: Vec<(&'static str, String)>, files, go_env_w| Scenario {
        name,
        env,
        files,
        go_env_w,
    };
    vec![
        s("no env file", vec![], vec![], vec![]),
        s(
            "env file written by hand",
            vec![],
            vec![(
                ".config/go/env",
                "GOPROXY=https://goproxy.cn,direct\nGOPRIVATE=*.corp.example,github.com/acme\n# comment\nlower=1\n",
            )],
            vec![],
        ),
        s(
            "OS env overrides env file",
            vec![("GOPROXY", "https://os.example|direct".into()), ("GOSUMDB", "off".into())],
            vec![(".config/go/env", "GOPROXY=https://file.example\nGOSUMDB=sum.golang.org\n")],
            vec![],
        ),
        s(
            "GOENV=off ignores the file",
            vec![("GOENV", "off".into())],
            vec![(".config/go/env", "GOPROXY=https://file.example\n")],
            vec![],
        ),
        s(
            "GOENV=custom path",
            vec![("GOENV", home("custom/go.env"))],
            vec![("custom/go.env", "GOSUMDB=off\nGONOSUMDB=x.example\n")],
            vec![],
        ),
        s(
            "empty OS values count as unset",
            vec![("GOPROXY", String::new()), ("GONOPROXY", String::new()), ("GOPRIVATE", "corp.example".into())],
            vec![(".config/go/env", "GOPROXY=https://file.example,direct\n")],
            vec![],
        ),
        s(
            "GOPRIVATE defaults GONOPROXY and GONOSUMDB",
            vec![("GOPRIVATE", "git.corp.example, github.com/acme".into())],
            vec![],
            vec![],
        ),
        s(
            "explicit GONOPROXY beside GOPRIVATE",
            vec![("GOPRIVATE", "a.example".into()), ("GONOPROXY", "none".into())],
            vec![],
            vec![],
        ),
        s(
            "GOFLAGS GOINSECURE GOVCS GOAUTH",
            vec![
                ("GOFLAGS", "-mod=mod -modcacherw".into()),
                ("GOINSECURE", "*.lan".into()),
                ("GOVCS", "*:git".into()),
                ("GOAUTH", "off".into()),
            ],
            vec![],
            vec![],
        ),
        s(
            "proxy variables in env and in the env file",
            vec![
                ("HTTPS_PROXY", "http://u:pw@127.0.0.1:3128".into()),
                ("NO_PROXY", "localhost,.corp".into()),
            ],
            vec![(".config/go/env", "HTTP_PROXY=http://ignored:1\nGOPROXY=off\n")],
            vec![],
        ),
        s(
            "go env -w creates the file",
            vec![],
            vec![],
            vec!["GOPROXY=https://goproxy.io|direct", "GOPRIVATE=*.corp.example", "GOMODCACHE=/opt/modcache"],
        ),
        s(
            "XDG_CONFIG_HOME",
            vec![("XDG_CONFIG_HOME", home("xdg"))],
            vec![("xdg/go/env", "GOSUMDB=sum.golang.google.cn\n")],
            vec![],
        ),
        s(
            "GOPATH list drives GOMODCACHE",
            vec![("GOPATH", format!("{}:{}", home("p1"), home("p2")))],
            vec![],
            vec![],
        ),
        s(
            "CRLF env file and empty user value",
            vec![],
            vec![(".config/go/env", "GOPRIVATE=crlf.example\r\nGOSUMDB=\n")],
            vec![],
        ),
        s(
            "go.env value blocked by empty user value",
            vec![],
            vec![(".config/go/env", "GOPROXY=\n")],
            vec![],
        ),
    ]
}

fn base_cmd(program: &Path, home: &Path, path_var: &str) -> Command {
    let mut c = Command::new(program);
    c.env_clear()
        .env("HOME", home)
        .env("PATH", path_var)
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
        .env("GOMOD_DIAG_NO_MIRRORS", "1")
        .current_dir(home);
    c
}

/// Runs one scenario; returns the mismatches (empty = agreement).
fn run_scenario(go: &Path, bin: &Path, index: usize) -> (String, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().to_path_buf();
    let home_of = |rel: &str| home.join(rel).display().to_string();
    let sc = scenarios(&home_of).remove(index);
    for (rel, contents) in &sc.files {
        let p = home.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    let path_var = format!("{}:/usr/bin:/bin", go.parent().unwrap().display());
    let with_env = |mut c: Command| {
        for (k, v) in &sc.env {
            c.env(k, v);
        }
        c
    };
    if !sc.go_env_w.is_empty() {
        let mut c = with_env(base_cmd(go, &home, &path_var));
        let out = c.args(["env", "-w"]).args(&sc.go_env_w).output().unwrap();
        assert!(
            out.status.success(),
            "{}: go env -w: {}",
            sc.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = with_env(base_cmd(go, &home, &path_var))
        .args(["env", "-json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: go env -json: {}",
        sc.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let go_env: BTreeMap<String, String> = serde_json::from_slice(&out.stdout).unwrap();

    let out = with_env(base_cmd(bin, &home, &path_var))
        .args(["env", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: gomod-diag: {}",
        sc.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    let values = ours["configuration"]["values"].as_array().unwrap();
    let mut mismatches = Vec::new();
    for key in SHARED {
        let mine = values
            .iter()
            .find(|v| v["name"] == *key)
            .and_then(|v| v["value"].as_str())
            .unwrap_or("<missing>");
        let theirs = go_env.get(*key).map(String::as_str).unwrap_or("<missing>");
        // gomod-diag masks credentials; go does not. Compare masked forms.
        if mine != gomod_diag::redact::mask_value(theirs) {
            mismatches.push(format!("{key}: gomod-diag {mine:?} vs go {theirs:?}"));
        }
    }
    // gomod-diag's own cross-check must agree too, and it must have found go.
    assert_eq!(
        ours["configuration"]["go_tool"]["status"], "ran",
        "{}",
        sc.name
    );
    if let Some(d) = ours["go_env_disagreements"]
        .as_array()
        .filter(|d| !d.is_empty())
    {
        mismatches.push(format!("self-check disagreements: {d:?}"));
    }
    (sc.name.to_string(), mismatches)
}

#[test]
fn gomod_diag_env_matches_go_env_json() {
    let Some(go) = go_or_skip() else {
        return;
    };
    let bin = PathBuf::from(assert_cmd::cargo::cargo_bin!("gomod-diag"));
    let count = scenarios(&|s| s.to_string()).len();
    assert!(count >= 10);
    let start = Instant::now();
    let handles: Vec<_> = (0..count)
        .map(|i| {
            let (go, bin) = (go.clone(), bin.clone());
            std::thread::spawn(move || run_scenario(&go, &bin, i))
        })
        .collect();
    let mut failures = Vec::new();
    for h in handles {
        let (name, mismatches) = h.join().expect("scenario thread panicked");
        if !mismatches.is_empty() {
            failures.push(format!("{name}:\n  {}", mismatches.join("\n  ")));
        }
    }
    eprintln!(
        "go env oracle: {count} scenarios in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "disagreements with go env -json:\n{}",
        failures.join("\n")
    );
}

/// A file:// module proxy holding example.com/m v1.0.0 (so Go gets as far as the checksum
/// database without any network).
fn write_file_proxy(root: &Path) {
    use std::io::Write;
    let dir = root.join("example.com/m/@v");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("list"), "v1.0.0\n").unwrap();
    std::fs::write(
        dir.join("v1.0.0.info"),
        r#"{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    std::fs::write(dir.join("v1.0.0.mod"), "module example.com/m\n").unwrap();
    let f = std::fs::File::create(dir.join("v1.0.0.zip")).unwrap();
    let mut z = zip::ZipWriter::new(f);
    z.start_file(
        "example.com/m@v1.0.0/go.mod",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(b"module example.com/m\n").unwrap();
    z.finish().unwrap();
}

/// A verifier key with a correct hash for `name`.
fn make_key(name: &str) -> String {
    use base64::Engine as _;
    let mut key = vec![1u8];
    key.extend(0..32u8);
    format!(
        "{name}+{:08x}+{}",
        gomod_diag::config::gosumdb::key_hash(name, &key),
        base64::engine::general_purpose::STANDARD.encode(&key)
    )
}

/// cmd/go's own error for broken GOPROXY/GOSUMDB values contains exactly the text
/// gomod-diag's parsers produce (no network: parsing fails first, or a file:// proxy serves
/// the module and Go stops at the checksum database).
#[test]
fn goproxy_and_gosumdb_errors_match_go() {
    let Some(go) = go_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let proxy_dir = tmp.path().join("proxy");
    write_file_proxy(&proxy_dir);
    let file_proxy = format!("file://{}", proxy_dir.display());
    let good = make_key("sum.corp.example");
    let mut bad_hash = good.clone();
    let i = "sum.corp.example+".len();
    let c = if &bad_hash[i..i + 1] == "0" { "1" } else { "0" };
    bad_hash.replace_range(i..i + 1, c);

    // (GOPROXY, GOSUMDB, expected text from our parser)
    let mut cases: Vec<(String, String, String)> = Vec::new();
    for gp in [
        "Direct",
        "socks5://127.0.0.1:1080",
        "file://host/tmp",
        ",",
        "https://x:abc",
        "https://ok.example|localhost",
    ] {
        let want = gomod_diag::config::goproxy::proxy_list(gp, "").unwrap_err();
        cases.push((gp.into(), "off".into(), want));
    }
    for sd in [
        "sum.example.com".to_string(),
        "a b c".to_string(),
        bad_hash,
        format!("{good} https://x:abc"),
        make_key("sum.example/"),
    ] {
        let want = gomod_diag::config::gosumdb::parse_gosumdb(&sd).unwrap_err();
        cases.push((file_proxy.clone(), sd, want));
    }
    let path_var = format!("{}:/usr/bin:/bin", go.parent().unwrap().display());
    let start = Instant::now();
    let handles: Vec<_> = cases
        .into_iter()
        .enumerate()
        .map(|(n, (gp, sd, want))| {
            let (go, path_var) = (go.clone(), path_var.clone());
            let home = tmp.path().join(format!("home{n}"));
            std::fs::create_dir_all(&home).unwrap();
            std::thread::spawn(move || {
                let out = base_cmd(&go, &home, &path_var)
                    .env("GOPROXY", &gp)
                    .env("GOSUMDB", &sd)
                    .env("GOFLAGS", "-modcacherw")
                    .args(["mod", "download", "example.com/m@v1.0.0"])
                    .output()
                    .unwrap();
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                (gp, sd, want, out.status.success(), text)
            })
        })
        .collect();
    let mut failures = Vec::new();
    for h in handles {
        let (gp, sd, want, ok, text) = h.join().unwrap();
        if ok || !text.contains(&want) {
            failures.push(format!(
                "GOPROXY={gp:?} GOSUMDB={sd:?}: expected go to fail with {want:?}, go said:\n{text}"
            ));
        }
    }
    eprintln!(
        "go error oracle: 11 invocations in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A tiny Go program printing `http.ProxyFromEnvironment` for each URL argument:
/// `<url> <proxy URL or <nil>> <error or <nil>>`; with `match`, Go's `path.Match` for each
/// `pattern\tname` line on stdin. Built once per target dir (GOCACHE in the
/// target dir too, so only the first run pays for compiling net/http).
fn proxy_helper(go: &Path) -> PathBuf {
    // Tests run in parallel threads: build (or check) the helper once.
    static HELPER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    HELPER.get_or_init(|| build_helper(go)).clone()
}

fn build_helper(go: &Path) -> PathBuf {
    const SRC: &str = r#"package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "parse" {
		// One URL per stdin line; prints "ok <scheme> <host> <user> <pass> <path> <opaque>"
		// (fields quoted) or "err <error text>".
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			u, err := url.Parse(sc.Text())
			if err != nil {
				fmt.Printf("err %q\n", err.Error())
				continue
			}
			user, pass := "", ""
			if u.User != nil {
				user = u.User.Username()
				if p, ok := u.User.Password(); ok {
					pass = p
				}
			}
			fmt.Printf("ok %q %q %q %q %q %q\n", u.Scheme, u.Host, user, pass, u.Path, u.Opaque)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "choice" {
		// Per URL argument: url, then the proxy's scheme, Hostname(), Port(), user, password
		// (or "-" for no proxy), then the error, tab-separated.
		for _, s := range os.Args[2:] {
			u, _ := url.Parse(s)
			p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
			e := "<nil>"
			if err != nil {
				e = err.Error()
			}
			if p == nil {
				fmt.Printf("%s\t-\t\t\t\t\t%s\n", s, e)
				continue
			}
			user, pass := "", ""
			if p.User != nil {
				user = p.User.Username()
				pass, _ = p.User.Password()
			}
			fmt.Printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, p.Scheme, p.Hostname(), p.Port(), user, pass, e)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "match" {
		// Lines "pattern\tname" on stdin; prints true, false or err per line.
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			pat, name, _ := strings.Cut(sc.Text(), "\t")
			ok, err := path.Match(pat, name)
			if err != nil {
				fmt.Println("err")
			} else {
				fmt.Println(ok)
			}
		}
		return
	}
	for _, s := range os.Args[1:] {
		u, err := url.Parse(s)
		if err != nil {
			fmt.Println(s, "<bad-url>", err)
			continue
		}
		p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
		fmt.Println(s, p, err)
	}
}
"#;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("go-proxy-helper");
    let bin = dir.join("proxyhelper");
    let src = dir.join("main.go");
    if bin.is_file()
        && dir.join("go.mod").is_file()
        && std::fs::read_to_string(&src).ok().as_deref() == Some(SRC)
    {
        return bin;
    }
    std::fs::create_dir_all(&dir).unwrap();
    // Module mode with the toolchain's own language version, so GODEBUG defaults (for
    // example urlstrictcolons) are those of cmd/go itself.
    let version = Command::new(go)
        .args(["env", "GOVERSION"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let lang: Vec<&str> = version
        .trim_start_matches("go")
        .split('.')
        .take(2)
        .collect();
    std::fs::write(
        dir.join("go.mod"),
        format!("module proxyhelper\n\ngo {}\n", lang.join(".")),
    )
    .unwrap();
    std::fs::write(&src, SRC).unwrap();
    let out = Command::new(go)
        .env_clear()
        .env("HOME", &dir)
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", go.parent().unwrap().display()),
        )
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOCACHE", dir.join("cache"))
        .current_dir(&dir)
        .args(["build", "-o"])
        .arg(&bin)
        .arg("main.go")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go build helper: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// Go's String() of the proxy URL as gomod-diag parsed it (no path in these values).
fn go_string(p: &gomod_diag::config::ProxyUrl) -> String {
    let mut s = format!("{}://", p.scheme);
    if let Some(u) = &p.username {
        s.push_str(u);
        if let Some(pw) = &p.password {
            s.push(':');
            s.push_str(pw.expose());
        }
        s.push('@');
    }
    if p.host.contains(':') {
        s.push_str(&format!("[{}]", p.host));
    } else {
        s.push_str(&p.host);
    }
    if p.port_explicit {
        s.push_str(&format!(":{}", p.port));
    }
    s
}

/// net/http's real proxy choice (httpproxy) agrees with `ProxyEnv::proxy_for` on upper/lower
/// case precedence, empty values, `http://` defaulting, NO_PROXY forms and the CGI guard.
#[test]
fn http_proxy_choice_matches_net_http() {
    use gomod_diag::config::{ProxyChoice, ProxyEnv};
    let Some(go) = go_or_skip() else {
        return;
    };
    let start = Instant::now();
    let helper = proxy_helper(&go);
    let built = start.elapsed();
    let urls = [
        "https://proxy.golang.org/golang.org/x/text/@v/list",
        "http://example.com/",
        "https://git.corp.example/x?go-get=1",
        "https://corp.example:8443/x",
        "https://10.1.2.3/x",
        "https://[2001:db8::1]/x",
        "https://localhost:8080/",
        "https://127.0.0.5/",
        "http://a.wild.example/",
        "https://sum.golang.org/lookup/x@v1.0.0",
    ];
    let scenarios: Vec<Vec<(&str, &str)>> = vec![
        vec![("HTTPS_PROXY", "127.0.0.1:8080")],
        vec![("HTTP_PROXY", "http://u:pw@127.0.0.1:3128")],
        vec![
            ("https_proxy", "https://lower.example:443"),
            ("HTTPS_PROXY", ""),
        ],
        vec![
            ("https_proxy", "http://lower:1"),
            ("HTTPS_PROXY", "http://upper:2"),
        ],
        vec![
            ("HTTPS_PROXY", "socks5://127.0.0.1"),
            ("HTTP_PROXY", "socks5h://[::1]:1081"),
        ],
        vec![
            ("HTTPS_PROXY", "http://p:3128"),
            ("HTTP_PROXY", "http://p:3128"),
            (
                "NO_PROXY",
                "*.wild.example, .corp.example, 10.0.0.0/8, 2001:db8::/32, corp.example:8443",
            ),
        ],
        vec![("HTTPS_PROXY", "http://p:3128"), ("no_proxy", "*")],
        vec![("HTTP_PROXY", "http://p:3128"), ("REQUEST_METHOD", "GET")],
        vec![
            ("HTTPS_PROXY", "http://pro%zzxy:1"),
            ("HTTP_PROXY", "cache.example"),
        ],
        vec![
            ("HTTPS_PROXY", "http://p:3128"),
            ("NO_PROXY", "sum.golang.org:443,git.corp.example:80"),
        ],
    ];
    let mut failures = Vec::new();
    for vars in &scenarios {
        let mut c = Command::new(&helper);
        c.env_clear();
        for (k, v) in vars {
            c.env(k, v);
        }
        let out = c.args(urls).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let env = ProxyEnv::from_lookup(&|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        });
        for (url, line) in urls.iter().zip(text.lines()) {
            let rest = line.strip_prefix(url).unwrap().trim_start();
            let (go_proxy, go_err) = rest.split_once(' ').unwrap();
            let ours = match env.proxy_for_str(url) {
                ProxyChoice::Direct => ("<nil>".to_string(), "<nil>".to_string()),
                ProxyChoice::Via { proxy } => (go_string(&proxy), "<nil>".to_string()),
                ProxyChoice::Error { message } => ("<nil>".to_string(), message),
            };
            if (go_proxy, go_err) != (ours.0.as_str(), ours.1.as_str()) {
                failures.push(format!(
                    "{vars:?} {url}: go {go_proxy} / {go_err}, gomod-diag {} / {}",
                    ours.0, ours.1
                ));
            }
        }
    }
    eprintln!(
        "net/http proxy oracle: {} scenarios x {} URLs in {:.2} s (helper build {:.2} s)",
        scenarios.len(),
        urls.len(),
        start.elapsed().as_secs_f64(),
        built.as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Differential test of the path.Match port against Go's own, on deterministic pseudo-random
/// patterns over the characters that matter (`*?[]^-\\/`, ASCII, a multi-byte rune).
#[test]
fn path_match_agrees_with_go_on_random_patterns() {
    use std::io::Write;
    let Some(go) = go_or_skip() else {
        return;
    };
    let helper = proxy_helper(&go);
    let start = Instant::now();
    let pattern_chars: Vec<char> = "ab/*?[]^-\\☺.".chars().collect();
    let name_chars: Vec<char> = "ab/-]^☺.*".chars().collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut cases = Vec::new();
    for _ in 0..3000 {
        let pl = next(7);
        let nl = next(6);
        let p: String = (0..pl)
            .map(|_| pattern_chars[next(pattern_chars.len())])
            .collect();
        let n: String = (0..nl)
            .map(|_| name_chars[next(name_chars.len())])
            .collect();
        cases.push((p, n));
    }
    let mut child = Command::new(&helper)
        .arg("match")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for (p, n) in &cases {
            writeln!(stdin, "{p}\t{n}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), cases.len());
    let mut failures = Vec::new();
    for ((p, n), go_says) in cases.iter().zip(lines) {
        let ours = match gomod_diag::config::pattern::path_match(p, n) {
            Ok(true) => "true",
            Ok(false) => "false",
            Err(_) => "err",
        };
        if ours != go_says {
            failures.push(format!(
                "Match({p:?}, {n:?}): go {go_says}, gomod-diag {ours}"
            ));
        }
    }
    let what = format!("path.Match oracle: {} random cases", cases.len());
    finish_oracle(&what, start, &failures, 30);
}

/// Differential test of the net/url.Parse subset (gourl) against Go's url.Parse: the same
/// inputs are accepted with the same scheme/host/userinfo/path/opaque, or rejected with the
/// same error text.
#[test]
fn url_parse_agrees_with_go_on_random_inputs() {
    use std::io::Write;
    let Some(go) = go_or_skip() else {
        return;
    };
    let helper = proxy_helper(&go);
    let start = Instant::now();
    let pieces = [
        "http", "https", "file", "socks5", "://", ":", "/", "//", "@", "u", "p", "[", "]", "::1",
        "%", "%2", "%zz", "%41", "a", "b.c", "80", "x", "?", "#", " ", "1.2.3.4", "-", "+", "é",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut cases: Vec<String> = Vec::new();
    for _ in 0..3000 {
        let k = 1 + next(7);
        cases.push((0..k).map(|_| pieces[next(pieces.len())]).collect());
    }
    let mut child = Command::new(&helper)
        .arg("parse")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for c in &cases {
            writeln!(stdin, "{c}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), cases.len());
    let q = gomod_diag::config::gourl::go_quote;
    let mut failures = Vec::new();
    for (input, go_says) in cases.iter().zip(lines) {
        let ours = match gomod_diag::config::gourl::parse(input) {
            Ok(u) => format!(
                "ok {} {} {} {} {} {}",
                q(&u.scheme),
                q(&u.host),
                q(u.username.as_deref().unwrap_or("")),
                q(u.password.as_deref().unwrap_or("")),
                q(&u.path),
                q(&u.opaque)
            ),
            Err(e) => format!("err {}", q(&e)),
        };
        // Invalid UTF-8 from %-escapes in a path cannot live in a Rust String (kept lossy).
        let lossy_path = go_says.contains("\\x") && ours.contains('\u{fffd}');
        if ours != go_says && !lossy_path {
            failures.push(format!(
                "{input:?}:\n    go         {go_says}\n    gomod-diag {ours}"
            ));
        }
    }
    let what = format!("url.Parse oracle: {} random inputs", cases.len());
    finish_oracle(&what, start, &failures, 25);
}

/// Random HTTPS_PROXY / HTTP_PROXY / NO_PROXY values: net/http and ProxyEnv choose the same
/// proxy (or none) for a fixed set of URLs. One helper process per environment (net/http
/// reads the variables once per process).
#[test]
fn random_proxy_environments_agree_with_net_http() {
    use gomod_diag::config::{ProxyChoice, ProxyEnv};
    let Some(go) = go_or_skip() else {
        return;
    };
    let helper = proxy_helper(&go);
    let start = Instant::now();
    let proxy_pieces = [
        "http://",
        "https://",
        "socks5://",
        "u:pw@",
        "p",
        "127.0.0.1",
        "[::1]",
        ":3128",
        ":",
        "x.example",
        "%zz",
        " ",
        "/",
        "ftp://",
        "",
    ];
    let no_proxy_pieces = [
        "a.example",
        ".a.example",
        "*.a.example",
        "*",
        "10.0.0.0/8",
        "127.0.0.1",
        "[::2]:443",
        "::2",
        "b.example:8443",
        " ",
        ",",
        "A.EXAMPLE",
        "2001:db8::/32",
        ":1",
        "[",
        "",
    ];
    let urls = [
        "https://a.example/x",
        "https://sub.a.example:8443/x",
        "http://a.example/",
        "https://b.example:8443/",
        "https://b.example/",
        "https://10.9.8.7/",
        "https://[::2]/",
        "https://[2001:db8::5]:8443/",
        "https://localhost/",
        "https://proxy.golang.org/",
    ];
    let mut seed: u64 = 0x1234_5678_9ABC_DEF1;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut envs: Vec<Vec<(&'static str, String)>> = Vec::new();
    for _ in 0..120 {
        let mut pick = |pieces: &[&str], max: usize| -> String {
            let k = next(max + 1);
            (0..k).map(|_| pieces[next(pieces.len())]).collect()
        };
        let https = pick(&proxy_pieces, 4);
        let http = pick(&proxy_pieces, 3);
        let no = {
            let k = next(4);
            (0..k)
                .map(|_| no_proxy_pieces[next(no_proxy_pieces.len())])
                .collect::<Vec<_>>()
                .join(",")
        };
        let upper = next(2) == 0;
        let mut e = vec![
            (if upper { "HTTPS_PROXY" } else { "https_proxy" }, https),
            (if upper { "HTTP_PROXY" } else { "http_proxy" }, http),
            (if upper { "no_proxy" } else { "NO_PROXY" }, no),
        ];
        if next(10) == 0 {
            e.push(("REQUEST_METHOD", "GET".to_string()));
        }
        envs.push(e);
    }
    let mut failures = Vec::new();
    for vars in &envs {
        let mut c = Command::new(&helper);
        c.env_clear();
        for (k, v) in vars {
            c.env(k, v);
        }
        let out = c.arg("choice").args(urls).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let env = ProxyEnv::from_lookup(&|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        });
        for (url, line) in urls.iter().zip(text.lines()) {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 7, "{line}");
            // Go's numeric port (the port text may be "0080" or out of range).
            let go_port = if f[3].is_empty() {
                String::new()
            } else {
                f[3].parse::<u16>().map_or("bad".into(), |p| p.to_string())
            };
            let go = if f[1] == "-" {
                format!("direct {}", f[6])
            } else {
                format!("{}|{}|{}|{}|{} {}", f[1], f[2], go_port, f[4], f[5], f[6])
            };
            let ours = match env.proxy_for_str(url) {
                ProxyChoice::Direct => "direct <nil>".to_string(),
                ProxyChoice::Via { proxy } => format!(
                    "{}|{}|{}|{}|{} <nil>",
                    proxy.scheme,
                    proxy.host,
                    if !proxy.port_explicit {
                        String::new()
                    } else if proxy.port == 0 {
                        "bad".into()
                    } else {
                        proxy.port.to_string()
                    },
                    proxy.username.as_deref().unwrap_or(""),
                    proxy.password.as_ref().map_or("", |p| p.expose())
                ),
                ProxyChoice::Error { message } => format!("direct {message}"),
            };
            if go != ours {
                failures.push(format!(
                    "{vars:?} {url}:\n    go         {go}\n    gomod-diag {ours}"
                ));
            }
        }
    }
    let what = format!(
        "random proxy env oracle: {} environments x {} URLs",
        envs.len(),
        urls.len()
    );
    finish_oracle(&what, start, &failures, 25);
}
