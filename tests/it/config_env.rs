//! `gomod-diag env` on the real binary with crafted environments (no network, no go needed:
//! PATH holds no `go`, GOROOT points at a temp dir with a go.env written by the test).

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const GO_ENV: &str =
    "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=auto\n";

/// A clean environment: HOME and GOROOT in `dir`, no go on PATH.
fn cmd(dir: &Path) -> Command {
    let goroot = dir.join("goroot");
    std::fs::create_dir_all(&goroot).unwrap();
    std::fs::write(goroot.join("go.env"), GO_ENV).unwrap();
    let empty_bin = dir.join("bin");
    std::fs::create_dir_all(&empty_bin).unwrap();
    let mut c = Command::cargo_bin("gomod-diag").unwrap();
    c.env_clear()
        .env("HOME", dir.join("home"))
        .env("PATH", &empty_bin)
        .env("GOROOT", &goroot)
        .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
        .env("GOMOD_DIAG_NO_MIRRORS", "1")
        .env("NO_COLOR", "1");
    c
}

fn acceptance(c: &mut Command) -> &mut Command {
    c.env(
        "GOPROXY",
        "https://goproxy.cn|https://proxy.golang.org,direct",
    )
    .env("GOPRIVATE", "github.com/acme, git.corp.example")
    .env("HTTP_PROXY", "http://u:secret@127.0.0.1:3128")
    .args(["env", "--module", "git.corp.example/team/lib@v1.2.0"])
}

#[test]
fn acceptance_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = acceptance(&mut cmd(dir.path())).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        !stdout.contains("secret") && !stderr.contains("secret"),
        "{stdout}\n{stderr}"
    );
    // The three GOPROXY entries (after the internal noproxy) in order, with fallback modes.
    let row = |n: &str, entry: &str| {
        stdout
            .lines()
            .find(|l| {
                let cells: Vec<&str> = l.split(" | ").map(|c| c.trim_matches(['|', ' '])).collect();
                cells.len() >= 4 && cells[0] == n && cells[1] == entry
            })
            .unwrap_or_else(|| panic!("no route row {n} {entry} in\n{stdout}"))
            .to_string()
    };
    assert!(row("1", "noproxy").contains("path does not match GOPRIVATE/GONOPROXY"));
    assert!(row("2", "https://goproxy.cn").contains("falls through on any error"));
    assert!(row("3", "https://proxy.golang.org").contains("stops on any error but 404/410"));
    assert!(row("4", "direct").contains("fetches directly"));
    assert!(
        stdout.contains("[config.pattern_whitespace] GOPRIVATE"),
        "{stdout}"
    );
    assert!(stdout.contains("\" git.corp.example\""), "{stdout}");
    assert!(
        stdout.contains("[config.http_proxy_only] HTTP_PROXY"),
        "{stdout}"
    );
    assert!(stdout.contains("[local.go_missing]"), "{stdout}");
    // Leaks to public services: both proxies and the checksum database.
    assert!(stdout.contains("looks private"), "{stdout}");
    let leak_line = stdout
        .lines()
        .find(|l| l.contains("yet Go sends its path to"))
        .expect(&stdout);
    for service in [
        "https://goproxy.cn",
        "https://proxy.golang.org",
        "checksum database sum.golang.org",
    ] {
        assert!(leak_line.contains(service), "{leak_line}");
    }
    assert!(
        stdout.contains("Fix: go env -w GOPRIVATE=github.com/acme,git.corp.example"),
        "{stdout}"
    );
}

#[test]
fn acceptance_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = acceptance(&mut cmd(dir.path()))
        .arg("--json")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        !stdout.contains("secret") && !stderr.contains("secret"),
        "{stdout}\n{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let route = &v["routes"][0];
    let entries: Vec<&str> = route["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["entry"].as_str().unwrap())
        .collect();
    assert_eq!(
        entries,
        [
            "noproxy",
            "https://goproxy.cn",
            "https://proxy.golang.org",
            "direct"
        ]
    );
    let fallbacks: Vec<&str> = route["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["fallback"].as_str().unwrap())
        .collect();
    assert_eq!(
        fallbacks,
        [
            "on_not_found",
            "on_any_error",
            "on_not_found",
            "on_not_found"
        ]
    );
    assert_eq!(route["leaks_to_public"], true);
    assert_eq!(route["sumdb"]["kind"], "via_proxies");
    assert_eq!(route["sent_to"].as_array().unwrap().len(), 3);
    assert_eq!(route["public_services"], route["sent_to"]);
    let ids: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    for want in [
        "config.http_proxy_only",
        "config.pattern_whitespace",
        "local.go_missing",
    ] {
        assert!(ids.contains(&want), "{ids:?}");
    }
    // The configuration carries the proxy value, redacted.
    let http = v["configuration"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "HTTP_PROXY")
        .unwrap();
    assert_eq!(http["value"], "http://u:xxxxx@127.0.0.1:3128");
}

#[test]
fn bad_module_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["", "not a module", "example.com/m@v1.2.3.4", "fmt"] {
        let out = cmd(dir.path())
            .args(["env", "--module", bad])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {stderr}");
        assert!(
            stderr.contains("invalid module") && stderr.contains("PATH[@VERSION]"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

fn json_of(c: &mut Command) -> Value {
    let out = c.args(["env", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn value<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["configuration"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap()
}

#[test]
fn env_file_sources_overrides_and_goenv() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("home/.config/go/env");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        "GOPROXY=https://file.example\nGOPRIVATE=corp.example\nHTTPS_PROXY=http://p:1\n",
    )
    .unwrap();
    // The env file's value is used and its path is the source.
    let v = json_of(&mut cmd(dir.path()));
    let gp = value(&v, "GOPROXY");
    assert_eq!(gp["value"], "https://file.example");
    assert_eq!(gp["source"]["kind"], "env_file");
    assert_eq!(gp["source"]["path"], file.display().to_string());
    assert_eq!(value(&v, "GONOSUMDB")["value"], "corp.example");
    assert_eq!(value(&v, "HTTPS_PROXY")["value"], "");
    // An OS value overrides it: warning with Go's own text.
    let v = json_of(cmd(dir.path()).env("GOPROXY", "https://os.example"));
    assert_eq!(value(&v, "GOPROXY")["value"], "https://os.example");
    let w = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "config.env_overrides_goenv")
        .expect("override warning");
    assert_eq!(w["variable"], "GOPROXY");
    // GOENV=off: no file at all.
    let v = json_of(cmd(dir.path()).env("GOENV", "off"));
    assert_eq!(
        value(&v, "GOPROXY")["value"],
        "https://proxy.golang.org,direct"
    );
    assert_eq!(v["configuration"]["env_file_path"], "");
    // GOENV=<custom path>.
    let custom = dir.path().join("custom.env");
    std::fs::write(&custom, "GOSUMDB=off\n").unwrap();
    let v = json_of(cmd(dir.path()).env("GOENV", &custom));
    assert_eq!(value(&v, "GOSUMDB")["value"], "off");
    assert_eq!(value(&v, "GOENV")["value"], custom.display().to_string());
}

#[test]
fn text_without_modules_and_invalid_settings() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path())
        .env("GOPROXY", "https://u:tok3n@proxy.corp.example|Direct")
        .env("GOSUMDB", "sum.example.com")
        .args(["env"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(!stdout.contains("tok3n"), "{stdout}");
    assert!(
        stdout.contains("invalid proxy URL missing scheme: Direct"),
        "{stdout}"
    );
    assert!(
        stdout.contains("invalid GOSUMDB: malformed verifier id"),
        "{stdout}"
    );
    assert!(!stdout.contains("Route for"), "{stdout}");
}
