//! `gomod-diag [run]` end to end: the real binary against the loopback module proxy and
//! checksum database (tests/it/modlab), checking the user-facing contract of the README — the
//! JSON report, `report FILE|-`, `--ci` with GitHub Actions annotations, `--fail-on findings`,
//! exit codes 0/1/2/3, and colour only on a terminal (never with NO_COLOR).
//!
//! Nothing leaves loopback: GOPROXY is a 127.0.0.x URL without `direct`, GOSUMDB names its
//! loopback URL (or is `off`), and the public resolver is 127.0.0.1:9.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Output, Stdio};

use assert_cmd::Command;
use serde_json::Value;

use crate::modlab::{Fault, LabServer, ModuleStore, SumDb};

const MODULE: &str = "example.com/hello@v1.0.0";

/// A fixture proxy + checksum database on `ip`, and the Go variables that use both.
pub(crate) fn lab(ip: &str) -> (LabServer, Vec<(String, String)>) {
    let store = ModuleStore::fixtures();
    let db = SumDb::new("sum.lab.test", &store);
    let lab = LabServer::start(ip, store, Some(db));
    let vars = vec![
        ("GOPROXY".to_string(), lab.url()),
        (
            "GOSUMDB".to_string(),
            format!("{} {}", lab.sumdb_key(), lab.url()),
        ),
    ];
    (lab, vars)
}

/// The environment every child gets: nothing inherited but PATH, a private HOME, no
/// toolchain switch, no telemetry, the public resolver on a closed loopback port.
fn base_env(home: &Path) -> Vec<(String, String)> {
    let home = home.to_str().unwrap();
    [
        ("HOME", home.to_string()),
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9".to_string()),
        // The mirror race never reaches public mirrors from a test.
        ("GOMOD_DIAG_NO_MIRRORS", "1".to_string()),
        ("GOTOOLCHAIN", "local".to_string()),
        ("GOTELEMETRY", "off".to_string()),
        ("GOPATH", format!("{home}/gopath")),
        ("GOMODCACHE", format!("{home}/modcache")),
        ("GOFLAGS", "-modcacherw".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn diag_cmd(home: &Path, vars: &[(String, String)], extra: &[(&str, &str)]) -> Command {
    let mut c = Command::cargo_bin("gomod-diag").unwrap();
    c.env_clear().current_dir(home);
    for (k, v) in base_env(home).iter().chain(vars) {
        c.env(k, v);
    }
    for (k, v) in extra {
        c.env(k, v);
    }
    c
}

/// Runs `gomod-diag ARGS --timeout 10s` with the scenario's variables.
pub(crate) fn diag(vars: &[(String, String)], extra: &[(&str, &str)], args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    diag_cmd(home.path(), vars, extra)
        .args(args)
        .args(["--timeout", "10s"])
        .output()
        .unwrap()
}

/// Runs `gomod-diag FLAGS report -` with `input` on stdin.
fn report_stdin(input: &[u8], flags: &[&str], extra: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    diag_cmd(home.path(), &[], extra)
        .args(flags)
        .args(["report", "-"])
        .write_stdin(input)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        stdout(o),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", show(o)))
}

/// Runs the real `go mod download MODULE` against the same setup with a fresh GOMODCACHE.
/// None (with a printed reason) when go is missing and CI is not "true".
fn real_go(vars: &[(String, String)]) -> Option<Output> {
    if !crate::go_or_skip("the comparison with go") {
        return None;
    }
    let home = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new("go");
    c.args(["mod", "download", MODULE])
        .env_clear()
        .current_dir(home.path());
    for (k, v) in base_env(home.path()).iter().chain(vars) {
        c.env(k, v);
    }
    Some(c.output().expect("go runs"))
}

/// `prediction.error_text` is, byte for byte, what go prints (go ends it with one newline).
fn assert_go_prints(report: &Value, vars: &[(String, String)]) {
    let predicted = report["prediction"]["error_text"]
        .as_str()
        .unwrap_or_else(|| panic!("no prediction.error_text: {report:#}"));
    let Some(go) = real_go(vars) else { return };
    assert!(!go.status.success(), "go succeeded:\n{}", show(&go));
    let printed = String::from_utf8(go.stderr).unwrap();
    assert_eq!(
        predicted,
        printed.strip_suffix('\n').unwrap_or(&printed),
        "prediction.error_text vs the real go's stderr"
    );
}

fn no_ansi(what: &str, text: &str) {
    assert!(
        !text.contains("\x1b["),
        "{what} has ANSI escapes:\n{text:?}"
    );
}

/// `--ci`: exactly one line, starting with `prefix`, no escapes; returns the line.
fn assert_ci_line(o: &Output, code: i32, prefix: &str) -> String {
    assert_eq!(o.status.code(), Some(code), "{}", show(o));
    let out = stdout(o);
    no_ansi("--ci output", &out);
    assert_eq!(out.lines().count(), 1, "--ci must print one line:\n{out}");
    assert!(out.starts_with(prefix), "{out}");
    assert!(out.ends_with('\n'), "{out:?}");
    out.trim_end().to_string()
}

/// Saved report → `report -` (text) and `--json report -`: same cause, exit code and
/// prediction as the run that wrote it.
fn assert_report_roundtrip(run: &Output, code: i32) {
    let saved = json_of(run);
    let text = report_stdin(&run.stdout, &[], &[]);
    assert_eq!(text.status.code(), Some(code), "{}", show(&text));
    let cause = saved["verdict"]["cause"]["id"].as_str().unwrap();
    assert!(
        stdout(&text).contains(&format!("({cause})")) || cause == "ok",
        "{}",
        show(&text)
    );
    no_ansi("report text", &stdout(&text));
    let again = report_stdin(&run.stdout, &["--json"], &[]);
    assert_eq!(again.status.code(), Some(code), "{}", show(&again));
    let again = json_of(&again);
    assert_eq!(again["schema_version"], 1);
    assert_eq!(again["verdict"]["cause"], saved["verdict"]["cause"]);
    assert_eq!(again["verdict"]["findings"], saved["verdict"]["findings"]);
    assert_eq!(again["prediction"], saved["prediction"]);
    // --ci on the saved report: the same one line as a live run, annotations under Actions.
    let ci = report_stdin(&run.stdout, &["--ci"], &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(ci.status.code(), Some(code), "{}", show(&ci));
    let out = stdout(&ci);
    no_ansi("report --ci", &out);
    let status = if code == 0 { "OK" } else { "FAIL" };
    let summary: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("gomod-diag: "))
        .collect();
    assert_eq!(summary.len(), 1, "{out}");
    assert!(
        summary[0].starts_with(&format!("gomod-diag: {status} {cause}: ")),
        "{out}"
    );
    let error_title = format!("::error title=gomod-diag%3A {cause}::");
    assert_eq!(
        out.lines().any(|l| l.starts_with(&error_title)),
        code == 1,
        "{out}"
    );
}

#[test]
fn healthy_setup_succeeds_in_every_output() {
    let (lab, vars) = lab("127.0.0.21");
    let m = ["--module", MODULE];

    let run = diag(&vars, &[], &[&m[..], &["--json"]].concat());
    assert_eq!(run.status.code(), Some(0), "{}", show(&run));
    let r = json_of(&run);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"]["name"], "gomod-diag");
    assert_eq!(r["prediction"]["go_will_succeed"], true, "{r:#}");
    assert_eq!(
        r["prediction"]["command"],
        format!("go mod download {MODULE}")
    );
    assert_eq!(r["verdict"]["go_will_succeed"], true);
    assert_eq!(r["verdict"]["cause"]["id"], "ok", "{:#}", r["verdict"]);
    // Healthy: no finding — except, on a machine without Go, the true one that says so.
    let ids: Vec<&str> = r["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    let go_on_path = std::process::Command::new("go")
        .arg("version")
        .output()
        .is_ok();
    let expected: &[&str] = if go_on_path {
        &[]
    } else {
        &["local.go_missing"]
    };
    assert_eq!(ids, expected, "{:#}", r["verdict"]);
    let http = r["facts"]["observations"]["http"].as_object().unwrap();
    for ext in ["info", "mod"] {
        let url = format!("{}/example.com/hello/@v/v1.0.0.{ext}", lab.url());
        assert_eq!(http[&url]["kind"], "status", "{url} in {http:#?}");
        assert_eq!(http[&url]["code"], 200, "{url}");
    }
    // The checksum database was consulted at its loopback URL.
    assert!(
        http.keys()
            .any(|u| u.starts_with(&format!("{}/lookup/", lab.url()))),
        "{:#?}",
        http.keys()
    );
    assert_report_roundtrip(&run, 0);

    let ci = diag(
        &vars,
        &[("GITHUB_ACTIONS", "true")],
        &[&m[..], &["--ci"]].concat(),
    );
    if go_on_path {
        assert_ci_line(&ci, 0, "gomod-diag: OK ok:");
    } else {
        // Under Actions the one true finding is an annotation before the CI line.
        assert_eq!(ci.status.code(), Some(0), "{}", show(&ci));
        let out = stdout(&ci);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(
            lines[0].starts_with("::warning title=gomod-diag%3A local.go_missing::"),
            "{out}"
        );
        assert!(lines[1].starts_with("gomod-diag: OK ok:"), "{out}");
    }

    let text = diag(&vars, &[], &m);
    assert_eq!(text.status.code(), Some(0), "{}", show(&text));
    let out = stdout(&text);
    no_ansi("text output", &out);
    assert!(out.contains("✓ Go will succeed — "), "{out}");
}

#[test]
fn forbidden_info_fails_with_gos_error_in_every_output() {
    let (lab, vars) = lab("127.0.0.22");
    lab.fault(".info", Fault::status(403));
    let m = ["--module", MODULE];

    let run = diag(&vars, &[], &[&m[..], &["--json"]].concat());
    assert_eq!(run.status.code(), Some(1), "{}", show(&run));
    let r = json_of(&run);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["prediction"]["go_will_succeed"], false);
    assert_eq!(r["verdict"]["go_will_succeed"], false);
    assert_eq!(
        r["verdict"]["cause"]["id"], "goproxy.forbidden",
        "{:#}",
        r["verdict"]
    );
    assert_eq!(r["verdict"]["go_error"], r["prediction"]["error_text"]);
    let info = format!("{}/example.com/hello/@v/v1.0.0.info", lab.url());
    assert_eq!(r["facts"]["observations"]["http"][&info]["code"], 403);
    assert_go_prints(&r, &vars);
    assert_report_roundtrip(&run, 1);

    let ci = diag(&vars, &[], &[&m[..], &["--ci"]].concat());
    assert_ci_line(&ci, 1, "gomod-diag: FAIL goproxy.forbidden: ");

    // GitHub Actions: the annotation (title escaped as a workflow-command property), then
    // the one summary line last.
    let gha = diag(
        &vars,
        &[("GITHUB_ACTIONS", "true")],
        &[&m[..], &["--ci"]].concat(),
    );
    assert_eq!(gha.status.code(), Some(1), "{}", show(&gha));
    let out = stdout(&gha);
    no_ansi("--ci output", &out);
    let lines: Vec<&str> = out.lines().collect();
    let errors: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("::error title=gomod-diag%3A goproxy.forbidden::"))
        .collect();
    assert_eq!(errors.len(), 1, "{out}");
    assert!(!errors[0].contains('\r'), "{out:?}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("gomod-diag: "))
            .count(),
        1,
        "{out}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("gomod-diag: FAIL goproxy.forbidden: "),
        "{out}"
    );
    // Go's error travels in the annotation, its newlines escaped.
    let go_error = r["prediction"]["error_text"].as_str().unwrap();
    assert!(
        errors[0].contains(&go_error.replace('%', "%25").replace('\n', "%0A")),
        "{}\nvs {go_error}",
        errors[0]
    );

    let text = diag(&vars, &[], &m);
    assert_eq!(text.status.code(), Some(1), "{}", show(&text));
    let out = stdout(&text);
    no_ansi("text output", &out);
    assert!(out.contains("✗ Go will fail — "), "{out}");
    assert!(out.contains("(goproxy.forbidden)"), "{out}");
    assert!(out.contains(go_error.lines().next().unwrap()), "{out}");
}

#[test]
fn closed_port_is_tcp_refused_with_gos_error() {
    // A loopback port nobody listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.23:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.23:{port}");
    let vars = vec![
        ("GOPROXY".to_string(), url.clone()),
        ("GOSUMDB".to_string(), "off".to_string()),
    ];
    let run = diag(&vars, &[], &["--module", MODULE, "--json"]);
    assert_eq!(run.status.code(), Some(1), "{}", show(&run));
    let r = json_of(&run);
    assert_eq!(
        r["verdict"]["cause"]["id"], "tcp.refused",
        "{:#}",
        r["verdict"]
    );
    assert_eq!(r["prediction"]["go_will_succeed"], false);
    let info = format!("{url}/example.com/hello/@v/v1.0.0.info");
    assert_eq!(
        r["facts"]["observations"]["http"][&info]["kind"], "net_error",
        "{:#}",
        r["facts"]["observations"]
    );
    assert_go_prints(&r, &vars);
    assert_report_roundtrip(&run, 1);

    let ci = diag(&vars, &[], &["--module", MODULE, "--ci"]);
    assert_ci_line(&ci, 1, "gomod-diag: FAIL tcp.refused: ");
}

#[test]
fn findings_fail_only_with_fail_on_findings() {
    let (_lab, mut vars) = lab("127.0.0.24");
    vars.retain(|(k, _)| k != "GOSUMDB");
    vars.push(("GOSUMDB".into(), "off".into()));
    let m = ["--module", MODULE];

    let run = diag(&vars, &[], &[&m[..], &["--json"]].concat());
    assert_eq!(run.status.code(), Some(0), "{}", show(&run));
    let r = json_of(&run);
    assert_eq!(r["verdict"]["cause"]["id"], "ok", "{:#}", r["verdict"]);
    let ids: Vec<&str> = r["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"config.insecure_settings"), "{ids:?}");
    assert_report_roundtrip(&run, 0);

    let strict = diag(
        &vars,
        &[],
        &[&m[..], &["--json", "--fail-on", "findings"]].concat(),
    );
    assert_eq!(strict.status.code(), Some(1), "{}", show(&strict));
    assert_eq!(json_of(&strict)["verdict"]["cause"]["id"], "ok");

    let ci = diag(
        &vars,
        &[("GITHUB_ACTIONS", "true")],
        &[&m[..], &["--ci", "--fail-on", "findings"]].concat(),
    );
    assert_eq!(ci.status.code(), Some(1), "{}", show(&ci));
    let out = stdout(&ci);
    no_ansi("--ci output", &out);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::warning title=gomod-diag%3A config.insecure_settings::")),
        "{out}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("::error")), "{out}");
    let summary: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("gomod-diag: "))
        .collect();
    assert_eq!(summary.len(), 1, "{out}");
    assert!(summary[0].starts_with("gomod-diag: OK ok: "), "{out}");
    assert!(summary[0].contains("config.insecure_settings"), "{out}");

    // Without GitHub Actions: no annotations, just the line.
    let plain = diag(&vars, &[], &[&m[..], &["--ci"]].concat());
    assert_ci_line(&plain, 0, "gomod-diag: OK ok: ");
}

#[test]
fn deadline_expired_report_is_inconclusive() {
    // A saved report whose probes never finished: no observation, the deadline expired.
    let (_lab, vars) = lab("127.0.0.25");
    let run = diag(&vars, &[], &["--module", MODULE, "--json"]);
    assert_eq!(run.status.code(), Some(0), "{}", show(&run));
    let mut r = json_of(&run);
    r["facts"]["observations"]["http"] = serde_json::json!({});
    r["facts"]["deadline_expired"] = Value::Bool(true);
    let input = serde_json::to_vec(&r).unwrap();
    let again = report_stdin(&input, &["--json"], &[]);
    assert_eq!(again.status.code(), Some(3), "{}", show(&again));
    let again = json_of(&again);
    assert_eq!(again["verdict"]["cause"]["id"], "inconclusive");
    assert_eq!(again["prediction"]["inconclusive"], true);
    let text = report_stdin(&input, &[], &[]);
    assert_eq!(text.status.code(), Some(3), "{}", show(&text));
    assert!(stdout(&text).contains("? Inconclusive"), "{}", show(&text));

    // A report from a newer gomod-diag is refused, naming the version.
    r["schema_version"] = Value::from(2);
    let newer = report_stdin(&serde_json::to_vec(&r).unwrap(), &[], &[]);
    assert_eq!(newer.status.code(), Some(2), "{}", show(&newer));
    let err = String::from_utf8_lossy(&newer.stderr);
    assert!(err.contains("schema_version 2"), "{err}");
}

#[test]
fn usage_errors_exit_2_and_name_the_input() {
    let vars = vec![
        ("GOPROXY".to_string(), "off".to_string()),
        ("GOSUMDB".to_string(), "off".to_string()),
    ];
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--timeout", "0", "--module", MODULE],
            &["--timeout", "\"0\""],
        ),
        (
            &["--timeout", "soon", "--module", MODULE],
            &["--timeout", "soon"],
        ),
        (
            &["report", "/nonexistent/report.json"],
            &["/nonexistent/report.json"],
        ),
    ];
    for (args, named) in cases {
        let o = diag_cmd(home.path(), &vars, &[])
            .args(*args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", show(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        for n in *named {
            assert!(
                err.contains(n),
                "{args:?}: stderr does not name {n}:\n{err}"
            );
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(o.stdout.is_empty(), "{args:?}: {}", show(&o));
    }
    for (input, named) in [
        (&b""[..], "standard input is empty"),
        (
            &b"{\"schema_version\": 1}"[..],
            "not a gomod-diag JSON report",
        ),
    ] {
        let o = report_stdin(input, &[], &[]);
        assert_eq!(o.status.code(), Some(2), "{}", show(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(named), "{err}");
    }
}

/// Runs the binary with stdout (and with `stderr_too`, stderr) on a pseudo-terminal;
/// returns what the terminal received.
fn on_terminal(
    vars: &[(String, String)],
    extra: &[(&str, &str)],
    args: &[&str],
    stderr_too: bool,
) -> String {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 50,
        ws_col: 160,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two fresh descriptors we take ownership of right away.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // openpty's descriptors are inheritable; in a test binary shared with other suites a child
    // spawned meanwhile by another thread would keep the slave open, and the read below would
    // not end when our child exits. (The child still gets the slave: dup2 clears the flag.)
    for fd in [master, slave] {
        // SAFETY: fcntl on descriptors we own; F_SETFD takes an int flag.
        let rc = unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        assert_eq!(rc, 0, "fcntl: {}", std::io::Error::last_os_error());
    }
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let home = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("gomod-diag"));
    c.env_clear().current_dir(home.path());
    for (k, v) in base_env(home.path()).iter().chain(vars) {
        c.env(k, v);
    }
    for (k, v) in extra {
        c.env(k, v);
    }
    let stderr = if stderr_too {
        Stdio::from(slave.try_clone().unwrap())
    } else {
        Stdio::null()
    };
    let mut child = c
        .args(args)
        .args(["--timeout", "10s"])
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave))
        .stderr(stderr)
        .spawn()
        .unwrap();
    // The only slave descriptors left are the child's: the read ends (EIO) when it exits.
    drop(c);
    let reader = std::thread::spawn(move || {
        let mut f = std::fs::File::from(master);
        let mut buf = vec![];
        let mut chunk = [0u8; 4096];
        while let Ok(n) = f.read(&mut chunk) {
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf
    });
    let status = child.wait().unwrap();
    let out = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    assert!(status.code().is_some(), "{status:?}");
    out
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let (lab, vars) = lab("127.0.0.26");
    lab.fault(".info", Fault::status(403));
    let args = ["--module", MODULE];
    let tty = on_terminal(&vars, &[], &args, false);
    assert!(tty.contains("\x1b[31m"), "no red on a terminal:\n{tty:?}");
    assert!(tty.contains("(goproxy.forbidden)"), "{tty}");
    let no_color = on_terminal(&vars, &[("NO_COLOR", "1")], &args, false);
    no_ansi("NO_COLOR on a terminal", &no_color);
    assert!(no_color.contains("(goproxy.forbidden)"), "{no_color}");
    let flag = on_terminal(&vars, &[], &[&args[..], &["--no-color"]].concat(), false);
    no_ansi("--no-color on a terminal", &flag);
    assert!(flag.contains("(goproxy.forbidden)"), "{flag}");
    // --ci and --json on a terminal (stdout and stderr): no colour, no progress spinner.
    let ci = on_terminal(&vars, &[], &[&args[..], &["--ci"]].concat(), true);
    no_ansi("--ci on a terminal", &ci);
    assert_eq!(ci.trim_end().lines().count(), 1, "{ci:?}");
    assert!(
        ci.starts_with("gomod-diag: FAIL goproxy.forbidden: "),
        "{ci:?}"
    );
    let json = on_terminal(&vars, &[], &[&args[..], &["--json"]].concat(), true);
    no_ansi("--json on a terminal", &json);
    let v: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json:?}"));
    assert_eq!(v["verdict"]["cause"]["id"], "goproxy.forbidden");
}

/// `--module ' bad'`: Go refuses it (`malformed module path " bad": invalid char ' '`);
/// gomod-diag must refuse it as bad input (exit 2) and name it, not diagnose `bad`.
#[test]
fn module_with_a_space_is_a_usage_error() {
    let vars = vec![
        ("GOPROXY".to_string(), "off".to_string()),
        ("GOSUMDB".to_string(), "off".to_string()),
    ];
    let home = tempfile::tempdir().unwrap();
    let o = diag_cmd(home.path(), &vars, &[])
        .args(["--module", " bad", "--timeout", "1s"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("\" bad\""),
        "stderr does not name \" bad\":\n{err}"
    );
    assert!(o.stdout.is_empty(), "{}", show(&o));
}

/// Credentials in GOPROXY over plain http: Go refuses to send them; every output names the
/// refusal with the password masked, and the password itself appears nowhere.
#[test]
fn credentials_are_masked_in_every_output() {
    let (lab, mut vars) = lab("127.0.0.27");
    let with_secret = lab.url().replace("http://", "http://user:s3cret@");
    vars.retain(|(k, _)| k != "GOPROXY");
    vars.push(("GOPROXY".into(), with_secret));
    let m = ["--module", MODULE];
    let run = diag(&vars, &[], &[&m[..], &["--json"]].concat());
    assert_eq!(run.status.code(), Some(1), "{}", show(&run));
    let r = json_of(&run);
    assert_go_prints(&r, &vars);
    let masked = "http://user:xxxxx@127.0.0.27:";
    assert!(
        r["prediction"]["error_text"]
            .as_str()
            .unwrap()
            .contains(masked),
        "{r:#}"
    );
    let outputs = [
        run.clone(),
        diag(
            &vars,
            &[("GITHUB_ACTIONS", "true")],
            &[&m[..], &["--ci"]].concat(),
        ),
        diag(&vars, &[], &[&m[..], &["-v"]].concat()),
        report_stdin(&run.stdout, &[], &[]),
        report_stdin(&run.stdout, &["--json"], &[]),
    ];
    for o in &outputs {
        assert_eq!(o.status.code(), Some(1), "{}", show(o));
        let all = show(o);
        assert!(!all.contains("s3cret"), "{all}");
        assert!(all.contains(masked), "{all}");
    }
}
