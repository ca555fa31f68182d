//! Runs the real Go toolchain (the oracle) and gomod-diag side by side inside a namespace,
//! with the same environment and a fresh module cache each time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::netns::Netns;

/// The real `go` binary: `$GOROOT/bin/go` (a PATH entry may be a shim that needs the caller's
/// environment, and the lab clears the environment).
pub fn go_binary() -> &'static Path {
    static GO: OnceLock<PathBuf> = OnceLock::new();
    GO.get_or_init(|| {
        // Even this query runs without a network (a fresh empty namespace, `unshare -n`), with
        // GOTOOLCHAIN=local so no toolchain switch is ever attempted.
        let out = Command::new("unshare")
            .args(["-n", "go", "env", "GOROOT"])
            .env("GOTOOLCHAIN", "local")
            .env("GOTELEMETRY", "off")
            .current_dir("/")
            .output()
            .expect("`go env GOROOT` runs");
        let goroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(!goroot.is_empty(), "`go env GOROOT` printed nothing");
        PathBuf::from(goroot).join("bin").join("go")
    })
}

/// What the real client did.
#[derive(Debug, Clone)]
pub struct GoOutcome {
    pub succeeded: bool,
    /// The `Error` field of `go mod download -json`, or stderr when there is none.
    pub error: Option<String>,
    pub elapsed: Duration,
}

/// The environment both clients get: nothing of the host's but PATH, plus the scenario's.
pub fn base_env(home: &Path, ca_file: &Path) -> Vec<(String, String)> {
    let go_bin = go_binary()
        .parent()
        .expect("go has a parent dir")
        .display()
        .to_string();
    let empty_cert_dir = home.join("empty-cert-dir");
    std::fs::create_dir_all(&empty_cert_dir).expect("cert dir");
    vec![
        ("HOME".into(), home.display().to_string()),
        (
            "PATH".into(),
            format!("{go_bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
        ),
        ("GOPATH".into(), home.join("gopath").display().to_string()),
        (
            "GOMODCACHE".into(),
            home.join("gopath/pkg/mod").display().to_string(),
        ),
        ("GOCACHE".into(), home.join("gocache").display().to_string()),
        ("GOTOOLCHAIN".into(), "local".into()),
        ("GOTELEMETRY".into(), "off".into()),
        ("GOFLAGS".into(), "-modcacherw".into()),
        ("SSL_CERT_FILE".into(), ca_file.display().to_string()),
        ("SSL_CERT_DIR".into(), empty_cert_dir.display().to_string()),
        // Never a public resolver from inside the lab.
        ("GOMOD_DIAG_PUBLIC_DNS".into(), "127.0.0.1:9".into()),
        ("GOMOD_DIAG_NO_MIRRORS".into(), "1".into()),
    ]
}

/// `go mod download -json MODULE@VERSION` inside the namespace.
pub fn go_mod_download(
    ns: &Netns,
    module: &str,
    env: &[(String, String)],
    cwd: &Path,
) -> GoOutcome {
    let started = Instant::now();
    let mut cmd = ns.command(&go_binary().display().to_string());
    cmd.args(["mod", "download", "-json", module])
        .current_dir(cwd)
        .env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = output_with_deadline(cmd, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let json: Option<serde_json::Value> = serde_json::from_str(&stdout).ok();
    let error = json
        .as_ref()
        .and_then(|j| j.get("Error"))
        .and_then(|e| e.as_str())
        .map(str::to_string)
        .or_else(|| (!out.status.success() && !stderr.is_empty()).then(|| stderr.clone()));
    GoOutcome {
        succeeded: out.status.success() && error.is_none(),
        error,
        elapsed: started.elapsed(),
    }
}

/// gomod-diag's JSON report for the same module, inside the namespace; `Err` (with the exit
/// status and output) when it prints no JSON report, so the suite can list it and go on.
pub fn gomod_diag(
    ns: &Netns,
    module: &str,
    env: &[(String, String)],
    cwd: &Path,
    extra: &[&str],
) -> Result<(serde_json::Value, String), String> {
    let mut cmd = ns.command(env!("CARGO_BIN_EXE_gomod-diag"));
    cmd.args(["--json", "--public-dns", "127.0.0.1:9", "--module", module])
        .args(extra)
        .current_dir(cwd)
        .env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = output_with_deadline(cmd, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    serde_json::from_slice(&out.stdout)
        .map(|report| (report, stderr))
        .map_err(|e| {
            format!(
                "gomod-diag printed no JSON report ({e}); exit {:?}; stdout: {}; stderr: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            )
        })
}

/// Runs a command and kills it at the deadline, so a hung client fails the test instead of
/// hanging the suite. Output is drained on threads so a large report cannot fill a pipe.
fn output_with_deadline(mut cmd: Command, deadline: Duration) -> std::process::Output {
    use std::io::Read;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn a client inside the namespace");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the client") {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let err = stderr.join().unwrap_or_default();
            panic!(
                "{cmd:?} did not finish within {deadline:?}\nstderr: {}",
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}
