//! Network namespaces for the fidelity lab: each scenario gets a small private "internet"
//! with only a loopback interface, its own resolv.conf and hosts file, servers bound inside it,
//! and the real `go` and gomod-diag run inside it with `ip netns exec`.
//!
//! Nothing in a namespace can reach the outside: it has no interface but `lo`.

use std::fs;
use std::io;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A namespace that is deleted (with its /etc/netns files) when dropped — also when a test
/// panics, because unwinding runs Drop.
pub struct Netns {
    pub name: String,
    etc: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Netns {
    /// Creates `gmd-<tag>-<pid>-<n>` with `lo` up, and a resolv.conf pointing at
    /// `nameserver` (a fixture DNS server that the scenario starts inside the namespace).
    pub fn create(tag: &str, nameserver: &str) -> io::Result<Netns> {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("gmd-{tag}-{}-{n}", std::process::id());
        run(Command::new("ip").args(["netns", "add", &name]))?;
        let ns = Netns {
            etc: PathBuf::from("/etc/netns").join(&name),
            name,
        };
        run(Command::new("ip").args(["-n", &ns.name, "link", "set", "lo", "up"]))?;
        fs::create_dir_all(&ns.etc)?;
        // Go's resolver: 1 attempt and a short timeout keep "silent resolver" scenarios fast
        // without changing what Go reports.
        ns.write_resolv_conf(&format!(
            "nameserver {nameserver}\noptions timeout:2 attempts:1\n"
        ))?;
        ns.write_hosts("127.0.0.1 localhost\n::1 localhost\n")?;
        Ok(ns)
    }

    pub fn write_resolv_conf(&self, text: &str) -> io::Result<()> {
        fs::write(self.etc.join("resolv.conf"), text)
    }

    pub fn write_hosts(&self, text: &str) -> io::Result<()> {
        fs::write(self.etc.join("hosts"), text)
    }

    /// A command that runs inside the namespace (with its resolv.conf and hosts bind-mounted
    /// over /etc by `ip netns exec`).
    pub fn command(&self, program: &str) -> Command {
        // `ip` by absolute path: the clients' environment may carry a PATH without /usr/sbin.
        let mut c = Command::new(ip_binary());
        c.args(["netns", "exec", &self.name, program]);
        c
    }

    /// Loads nftables rules into the namespace (fault injection: drop, reject).
    pub fn nft(&self, ruleset: &str) -> io::Result<()> {
        use std::io::Write;
        let mut child = self
            .command("nft")
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(ruleset.as_bytes())?;
        let out = child.wait_with_output()?;
        check(&out, "nft -f -")
    }

    /// Runs `f` on a new thread whose network namespace is this one. Every socket created on
    /// that thread (listeners, and the connections fixture servers make) lives in the
    /// namespace; the future runs on a current-thread runtime until it returns.
    pub fn spawn<F, Fut>(&self, f: F) -> std::thread::JoinHandle<()>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()>,
    {
        let path = format!("/var/run/netns/{}", self.name);
        let (tx, rx) = std::sync::mpsc::channel::<io::Result<()>>();
        let handle = std::thread::spawn(move || {
            let entered = enter_netns(&path);
            let failed = entered.is_err();
            let _ = tx.send(entered);
            if failed {
                return;
            }
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for the namespace thread");
            rt.block_on(f());
        });
        rx.recv_timeout(Duration::from_secs(5))
            .expect("namespace thread started")
            .expect("setns into the scenario namespace");
        handle
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
        let _ = fs::remove_dir_all(&self.etc);
    }
}

/// The host's `ip` binary, found once on the test's own PATH.
fn ip_binary() -> &'static str {
    static IP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IP.get_or_init(|| {
        Command::new("sh")
            .args(["-c", "command -v ip"])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "ip".into())
    })
}

fn enter_netns(path: &str) -> io::Result<()> {
    let file = fs::File::open(path)?;
    // SAFETY: setns on a valid namespace fd affects only the calling thread's network namespace.
    let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn run(cmd: &mut Command) -> io::Result<()> {
    let out = cmd.output()?;
    check(&out, &format!("{cmd:?}"))
}

fn check(out: &Output, what: &str) -> io::Result<()> {
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Deletes namespaces (and their /etc/netns files) left by an earlier run of this suite that
/// was killed before its Drop ran: names `gmd-<tag>-<pid>-<n>` whose process is gone.
pub fn remove_stale() {
    let Ok(out) = Command::new(ip_binary()).args(["netns", "list"]).output() else {
        return;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let name = line.split_whitespace().next().unwrap_or_default();
        let parts: Vec<&str> = name.split('-').collect();
        if parts.len() != 4 || parts[0] != "gmd" {
            continue;
        }
        let Ok(pid) = parts[2].parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = Command::new(ip_binary())
                .args(["netns", "del", name])
                .output();
            let _ = fs::remove_dir_all(PathBuf::from("/etc/netns").join(name));
        }
    }
}

/// Why the lab cannot run here, if it cannot: it needs root (namespaces), `ip`, `nft`, `go`,
/// and `git` with its `git http-backend` and `ssh` (the direct-mode scenarios run the real git,
/// which runs ssh, against real git smart-HTTP and sshd), and the
/// third-party servers some scenarios start (microsocks, tinyproxy, run as `nobody` by setpriv).
pub fn missing_prerequisite() -> Option<String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some("the fidelity lab needs root for network namespaces".into());
    }
    for tool in [
        "ip",
        "nft",
        "unshare",
        "go",
        "git",
        "ssh",
        "microsocks",
        "setpriv",
    ] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !found {
            return Some(format!("the fidelity lab needs `{tool}` on PATH"));
        }
    }
    if !std::path::Path::new("/usr/sbin/sshd").exists() {
        return Some("the fidelity lab needs sshd (apt install openssh-server)".into());
    }
    // The lab's git server (Debian's git package has it in git's exec path).
    let backend = Command::new("git")
        .arg("--exec-path")
        .output()
        .ok()
        .map(|o| {
            std::path::Path::new(String::from_utf8_lossy(&o.stdout).trim()).join("git-http-backend")
        });
    if !backend.is_some_and(|p| p.exists()) {
        return Some("the fidelity lab needs `git http-backend` (apt install git)".into());
    }
    None
}
