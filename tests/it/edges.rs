//! The process edges end in clear answers, never a panic: shell completions, durations that
//! would overflow the clock, a reader that goes away and a disk that is full.

use std::process::{Command, Stdio};

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
