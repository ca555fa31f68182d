//! The process edges end in clear answers, never a panic: shell completions, durations that
//! would overflow the clock, a reader that goes away and a disk that is full.

use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gomod-diag"));
    c.env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
        .env("GOMOD_DIAG_NO_MIRRORS", "1")
        .env("NO_COLOR", "1");
    c
}

fn no_panic(what: &str, stderr: &[u8], code: Option<i32>) {
    let err = String::from_utf8_lossy(stderr);
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert_ne!(code, Some(101), "{what}: exit 101 is a panic: {err}");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = bin().args(["completions", shell]).output().unwrap();
        no_panic(shell, &o.stderr, o.status.code());
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&o.stdout);
        assert!(script.contains("gomod-diag"), "{shell}: {script}");
    }
    // The global --shell (the fixes' syntax) still works beside it.
    let o = bin()
        .args(["--shell", "fish", "completions", "zsh"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_duration_past_24h_is_refused_by_name() {
    for bad in ["584542046090years", "25h", "90000"] {
        let o = bin().args(["--timeout", bad, "env"]).output().unwrap();
        no_panic(bad, &o.stderr, o.status.code());
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(bad) && err.contains("e.g. 15s"),
            "{bad}: {err}"
        );
    }
    let o = bin().args(["--timeout", "24h", "env"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "24h is the longest accepted");
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    // `gomod-diag env | head -0`: the pipe is closed before anything is written.
    let mut child = bin()
        .args(["env", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    no_panic("closed pipe", &o.stderr, o.status.code());
    assert_eq!(
        o.status.code(),
        Some(0),
        "the exit code still tells the verdict"
    );
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_full_disk_is_named() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipping: no /dev/full on this system");
        return;
    };
    let o = bin().arg("env").stdout(full).output().unwrap();
    no_panic("/dev/full", &o.stderr, o.status.code());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot write the output"), "{err}");
}

/// The "why" lines of `n` private requirements, as the text report prints them.
fn why_lines(n: usize) -> String {
    use gomod_diag::modfetch::targets::{parse_go_mod, select_from_go_mod, RoutePatterns};
    let mut go_mod = String::from("module example.com/app\n\ngo 1.22\n\nrequire (\n");
    for i in 0..n {
        go_mod.push_str(&format!("\tcorp.example/team/module{i} v1.0.{i}\n"));
    }
    go_mod.push_str("\tgolang.org/x/text v0.14.0\n\tcorp.example/gone v1.0.0\n)\n");
    go_mod.push_str("exclude corp.example/gone v1.0.0\n");
    let pats = RoutePatterns {
        gonoproxy: "corp.example".into(),
        gonosumdb: "corp.example".into(),
    };
    let sel = select_from_go_mod(&parse_go_mod(&go_mod), "go.mod", &pats);
    assert_eq!(
        sel.targets.len(),
        n + 1,
        "every private module and one public"
    );
    sel.choices()
        .iter()
        .map(|t| format!("  {}: {}\n", t.module, t.why))
        .collect()
}

#[test]
fn output_grows_linearly_with_the_number_of_targets() {
    // Each target's line names its own reason, not every target's (500 private modules gave
    // 24 MB of text when each line repeated all of them).
    let (small, large) = (why_lines(200).len(), why_lines(500).len());
    eprintln!("target lines: 200 targets {small} bytes, 500 targets {large} bytes");
    assert!(large < 500 * 160, "500 targets: {large} bytes");
    assert!(
        large * 2 < small * 5 + 500,
        "2.5x the targets, {} times the text ({small} -> {large} bytes)",
        large as f64 / small as f64
    );
    let text = why_lines(3);
    assert!(text.contains("excluded in go.mod"), "{text}");
    assert_eq!(text.matches("excluded").count(), 1, "{text}");
}

/// What a hostile server sends to take over a terminal: retitle (OSC 0), clear the screen
/// (CSI 2J), 8-bit CSI, a carriage return that overwrites the line, a bidi override, and the
/// very colour gomod-diag paints "ok" with (kept only when gomod-diag itself colours a terminal).
const HOSTILE_TEXT: &str =
    "gone\x1b]0;pwned\x07\x1b[2J\u{9b}31m\rfake ok\u{202e}txt\x1b[32m✓ ok\x1b[0m";

fn assert_inert(what: &str, out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    let acting: Vec<char> = text
        .chars()
        .filter(|c| gomod_diag::render::escape::is_hostile(*c))
        .collect();
    assert!(acting.is_empty(), "{what}: raw {acting:?} in\n{text}");
}

#[test]
fn peer_text_never_reaches_the_terminal_as_control_characters() {
    let lab = crate::netlab::Lab::new();
    let srv = lab.http(crate::netlab::http::handler(|_| {
        crate::netlab::http::Response::new(404, "Not Found", HOSTILE_TEXT)
    }));
    let url = format!("http://{srv}/example.com/m/@v/v1.0.0.info");
    for json in [false, true] {
        let mut c = lab.command();
        c.args(["probe", "http", &url, "--timeout", "3s"]);
        if json {
            c.arg("--json");
        }
        let o = c.output().unwrap();
        no_panic("probe http", &o.stderr, o.status.code());
        assert_inert("probe http", &o.stdout);
        let text = String::from_utf8_lossy(&o.stdout);
        if json {
            let v: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
            assert_eq!(v["body_preview"].as_str(), Some(HOSTILE_TEXT), "same value");
        } else {
            assert!(text.contains("gone\\u001b]0;pwned\\u0007"), "{text}");
        }
    }
    // A run whose GOPROXY answers with the hostile body: the text report and the CI line
    // carry what Go would print (Go quotes the server's response) escaped.
    let home = tempfile::tempdir().unwrap();
    for format in [None, Some("--ci")] {
        let mut c = lab.command();
        c.current_dir(home.path())
            .env("HOME", home.path())
            .env("GOPROXY", format!("http://{srv}"))
            .env("GOSUMDB", "off")
            .env("GITHUB_ACTIONS", "true")
            .args(["--module", "example.com/m@v1.0.0", "--timeout", "3s"]);
        c.args(format);
        let o = c.output().unwrap();
        no_panic("run", &o.stderr, o.status.code());
        assert_inert(&format!("run {format:?}"), &o.stdout);
        assert_inert(&format!("run {format:?} stderr"), &o.stderr);
    }
}

/// A pseudo-terminal pair: (master, slave).
fn pty() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on fds this function owns; each is checked.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let name = std::ffi::CStr::from_ptr(libc::ptsname(master)).to_owned();
        let slave = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        assert!(slave >= 0, "open {name:?}");
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    }
}

#[test]
fn ctrl_c_on_a_terminal_clears_the_spinner_line() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let lab = crate::netlab::Lab::new();
    let hole = lab.blackhole();
    let (mut master, slave) = pty();
    let mut child = lab
        .command()
        .args(["probe", "tcp", &hole.to_string(), "--timeout", "20s"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(slave)
        .spawn()
        .unwrap();
    // Read the terminal until a spinner is drawn, then interrupt.
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = Vec::new();
    let started = std::time::Instant::now();
    while !String::from_utf8_lossy(&screen).contains("tcp") {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no spinner drawn: {:?}",
            String::from_utf8_lossy(&screen)
        );
        if let Ok(b) = rx.recv_timeout(Duration::from_millis(100)) {
            screen.extend(b);
        }
    }
    let drawn = screen.len();
    // SAFETY: the child's pid, which this test owns.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    while let Ok(b) = rx.recv_timeout(Duration::from_millis(300)) {
        screen.extend(b);
    }
    assert_eq!(
        status.code(),
        Some(130),
        "exit 130 after Ctrl-C, not death by signal {:?}",
        status.signal()
    );
    let after = String::from_utf8_lossy(&screen[drawn..]);
    assert!(
        after.contains("\x1b[2K"),
        "the spinner line is erased after Ctrl-C: {after:?}"
    );
}

/// A saved report (GOPROXY=off: the run probes nothing) and `report -` on `input`.
fn saved_report() -> Vec<u8> {
    let o = bin()
        .env("GOMOD_DIAG_SYSTEM_DNS", "127.0.0.1:9")
        .env("GOPROXY", "off")
        .env("GOSUMDB", "off")
        .args([
            "--module",
            "example.com/m@v1.0.0",
            "--json",
            "--timeout",
            "3s",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn report_of(input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = bin()
        .args(["--ci", "report", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // A refused input may be left unread: the writer must not block the test.
    let w = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let o = child.wait_with_output().unwrap();
    let _ = w.join();
    o
}

#[test]
fn report_reads_what_windows_powershell_writes() {
    let json = saved_report();
    let text = String::from_utf8(json.clone()).unwrap();
    let utf16 = |be: bool| -> Vec<u8> {
        let mut b = if be {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            b.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        b
    };
    let bom8 = [&[0xEF, 0xBB, 0xBF][..], &json].concat();
    for (what, input) in [
        ("UTF-8", json.clone()),
        ("UTF-8 with BOM", bom8),
        ("UTF-16LE", utf16(false)),
        ("UTF-16BE", utf16(true)),
    ] {
        let o = report_of(&input);
        no_panic(what, &o.stderr, o.status.code());
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(out.contains("FAIL config.goproxy_off"), "{what}: {out}");
    }
    // UTF-16 without its BOM, or cut in the middle of a unit, is named.
    let mut odd = utf16(false);
    odd.pop();
    let o = report_of(&odd);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("odd number of bytes"));
}

#[test]
fn report_has_a_size_cap() {
    let cap = gomod_diag::report::MAX_REPORT_BYTES as usize;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    // A 100 MB "report" (it would take hundreds of MB parsed).
    let mut huge = b"{\"schema_version\":1,\"pad\":\"".to_vec();
    huge.resize(100 << 20, b'a');
    std::fs::write(&path, &huge).unwrap();
    let o = bin()
        .args(["report", path.to_str().unwrap()])
        .output()
        .unwrap();
    no_panic("huge report", &o.stderr, o.status.code());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("huge.json") && err.contains(&format!("{} MiB", cap >> 20)),
        "names the file and the cap: {err}"
    );
    // Standard input: the same cap, named.
    let o = report_of(&huge[..cap + 10]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("standard input is larger than"));
}

#[test]
fn a_resolver_on_port_0_is_refused() {
    for bad in ["127.0.0.1:0", "[::1]:0"] {
        let o = bin().args(["--public-dns", bad, "env"]).output().unwrap();
        no_panic(bad, &o.stderr, o.status.code());
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(bad) && err.contains("port 0"), "{bad}: {err}");
    }
}

#[test]
fn two_checks_files_for_one_id_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    for (name, title) in [("corp.toml", "Corp"), ("site.toml", "Site")] {
        std::fs::write(
            dir.path().join(name),
            format!("id = \"tcp.refused\"\n[en]\ntitle = \"{title}\"\n"),
        )
        .unwrap();
    }
    let o = bin()
        .args(["--checks", dir.path().to_str().unwrap(), "explain"])
        .arg("dial tcp 10.0.0.1:443: connect: connection refused")
        .output()
        .unwrap();
    no_panic("--checks", &o.stderr, o.status.code());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("corp.toml") && err.contains("site.toml") && err.contains("tcp.refused"),
        "{err}"
    );
}

#[test]
fn the_ssh_reachability_check_uses_the_configured_resolver_and_names_the_rewrite() {
    use gomod_diag::modfetch::direct::{probe_direct_with, DirectOptions, GitSetup};
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no git"
        );
        eprintln!("skipping: no `git` on PATH");
        return;
    }
    let lab = crate::netlab::Lab::new();
    let closed = lab.closed_port();
    // gitssh.test exists only in the resolver given as --system-dns (the OS resolver would
    // not know it): a refused connect proves the name was looked up there.
    let dns = lab.dns(crate::netlab::dns::DnsMode::zone(&[(
        "gitssh.test",
        closed.ip(),
    )]));
    let tmp = tempfile::tempdir().unwrap();
    let base = format!("ssh://git@gitssh.test:{}/", closed.port());
    let cfg = tmp.path().join("gitconfig");
    std::fs::write(
        &cfg,
        format!("[url \"{base}\"]\n\tinsteadOf = https://github.com/\n"),
    )
    .unwrap();
    let git = GitSetup {
        program: "git".into(),
        gomodcache: tmp.path().join("modcache").display().to_string(),
        env: vec![
            ("GIT_CONFIG_GLOBAL".into(), cfg.display().to_string()),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            ("HOME".into(), tmp.path().display().to_string()),
        ],
    };
    let d = lab.block_on(async {
        let mut probe = gomod_diag::probe::ProbeOptions::new(Duration::from_secs(5));
        probe.system_dns = Some(dns);
        let opts = DirectOptions {
            dns: Some(probe),
            ..DirectOptions::new(Duration::from_secs(2))
        };
        let fetcher = gomod_diag::modfetch::fetch::Fetcher::new(None, Duration::from_secs(2));
        probe_direct_with("github.com/org/repo", &fetcher, &opts, &git).await
    });
    assert_eq!(d.class, "vcs.ssh_blocked", "{d:?}");
    let err = d.go_error.clone().unwrap_or_default();
    assert!(
        err.contains(&format!(
            "ssh: connect to host gitssh.test port {}: Connection refused",
            closed.port()
        )),
        "resolved by --system-dns, then refused: {err}"
    );
    assert_eq!(
        gomod_diag::modfetch::meta::rewrite_key_in(&d.detail),
        Some(format!("url.{base}.insteadOf").as_str()),
        "{d:?}"
    );
}

#[test]
fn a_cut_response_is_called_too_large_not_malformed() {
    // A 5 MiB .info (valid JSON, or endless: the probe cannot tell past its 4 MiB limit).
    let lab = crate::netlab::Lab::new();
    let srv = lab.http(crate::netlab::http::handler(|r| {
        if r.target.ends_with(".info") {
            let mut b = b"{\"Version\":\"v1.0.0\",\"Pad\":\"".to_vec();
            b.resize(5 << 20, b'p');
            b.extend_from_slice(b"\"}");
            crate::netlab::http::Response::new(200, "OK", b)
                .header("Content-Type", "application/json")
        } else {
            crate::netlab::http::Response::new(404, "Not Found", "not found")
        }
    }));
    let home = tempfile::tempdir().unwrap();
    let o = lab
        .command()
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("GOPROXY", format!("http://{srv}"))
        .env("GOSUMDB", "off")
        .env("GOMOD_DIAG_SYSTEM_DNS", "127.0.0.1:9")
        .args([
            "--module",
            "example.com/m@v1.0.0",
            "--json",
            "--timeout",
            "8s",
        ])
        .output()
        .unwrap();
    no_panic("cut .info", &o.stderr, o.status.code());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let go_error = v["verdict"]["go_error"].as_str().unwrap_or("");
    assert!(
        go_error.contains("larger than 4 MiB or never ends"),
        "{go_error}"
    );
    assert_ne!(v["verdict"]["cause"]["id"], "goproxy.invalid_info");
}

#[test]
fn a_go_import_tag_after_the_first_mib_is_found() {
    use gomod_diag::modfetch::direct::GO_GET_KEEP;
    use gomod_diag::modfetch::meta::repo_root_from_go_get;
    let lab = crate::netlab::Lab::new();
    let srv = lab.http(crate::netlab::http::handler(|_| {
        let mut page = b"<html><head><!-- ".to_vec();
        page.resize(3 << 19, b'x'); // 1.5 MiB before the tag
        page.extend_from_slice(b" --><meta name=\"go-import\" content=\"corp.test/m git https://git.corp.test/m\"></head></html>");
        crate::netlab::http::Response::new(200, "OK", page).header("Content-Type", "text/html")
    }));
    let url = format!("http://{srv}/m?go-get=1");
    let f = lab.block_on(async {
        gomod_diag::modfetch::fetch::Fetcher::new(None, Duration::from_secs(5))
            .get(&url, GO_GET_KEEP)
            .await
    });
    let root = repo_root_from_go_get("corp.test/m", &url, &f).expect("Go reads on and finds it");
    assert_eq!(root.repo, "https://git.corp.test/m");
    // Cut before the tags end: said so, not "no go-import meta tags".
    let cut = match f {
        gomod_diag::facts::Fetch::Status {
            code,
            reason,
            content_type,
            body,
            elapsed_ms,
            ..
        } => gomod_diag::facts::Fetch::Status {
            code,
            reason,
            content_type,
            size: body.len() as u64 + 1,
            body: body[..1 << 20].to_vec(),
            elapsed_ms,
        },
        other => panic!("{other:?}"),
    };
    let err = repo_root_from_go_get("corp.test/m", &url, &cut).unwrap_err();
    assert!(err.contains("larger than 1 MiB"), "{err}");
}
