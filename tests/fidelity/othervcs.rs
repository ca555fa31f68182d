//! Mercurial and Subversion for the direct-mode lab: Debian's `hg serve` and `svnserve` on
//! corp.example's address, serving repositories built once per test process (fixed dates),
//! found through go-import tags on corp.example's page (`Fault::GoImport`).

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use super::netns::Netns;

/// The ports the servers listen on (svnserve's default; hg serve's usual one).
pub const HG_PORT: u16 = 8000;
pub const SVN_PORT: u16 = 3690;

pub struct Repos {
    pub hg: PathBuf,
    pub svn: PathBuf,
}

fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("HGPLAIN", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!("run {program} {args:?} (apt install mercurial subversion): {e}")
        });
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// corp.example/hgmod (tag v1.0.0) and corp.example/svnmod (trunk, tags/v1.0.0).
pub fn repos() -> &'static Repos {
    static REPOS: OnceLock<Repos> = OnceLock::new();
    REPOS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("vcs repos dir").keep();
        let hg = dir.join("hgmod");
        std::fs::create_dir_all(&hg).expect("hg dir");
        std::fs::write(hg.join("go.mod"), "module corp.example/hgmod\n\ngo 1.21\n")
            .expect("go.mod");
        std::fs::write(hg.join("hgmod.go"), "package hgmod\n").expect("hgmod.go");
        let date = "2024-01-01 00:00 +0000";
        run(&hg, "hg", &["init", "."]);
        run(&hg, "hg", &["add", "-q"]);
        run(
            &hg,
            "hg",
            &["commit", "-q", "-u", "lab", "-d", date, "-m", "c0"],
        );
        run(&hg, "hg", &["tag", "-u", "lab", "-d", date, "v1.0.0"]);

        let svn = dir.join("svnroot");
        let src = dir.join("svnsrc");
        std::fs::create_dir_all(src.join("trunk")).expect("svn trunk");
        std::fs::create_dir_all(src.join("tags")).expect("svn tags");
        std::fs::write(
            src.join("trunk/go.mod"),
            "module corp.example/svnmod\n\ngo 1.21\n",
        )
        .expect("go.mod");
        std::fs::write(src.join("trunk/svnmod.go"), "package svnmod\n").expect("svnmod.go");
        let svn_s = svn.display().to_string();
        run(&dir, "svnadmin", &["create", &svn_s]);
        let url = format!("file://{svn_s}");
        run(
            &dir,
            "svn",
            &[
                "import",
                "-q",
                "-m",
                "init",
                &src.display().to_string(),
                &url,
            ],
        );
        run(
            &dir,
            "svn",
            &[
                "copy",
                "-q",
                "-m",
                "tag",
                &format!("{url}/trunk"),
                &format!("{url}/tags/v1.0.0"),
            ],
        );
        Repos { hg, svn }
    })
}

fn wait_for(ns: &Netns, ip: Ipv4Addr, port: u16, what: &str) {
    let ready = ns
        .command("bash")
        .args([
            "-c",
            &format!("for i in $(seq 200); do (exec 3<>/dev/tcp/{ip}/{port}) 2>/dev/null && exit 0; sleep 0.025; done; exit 1"),
        ])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ready, "{what} did not start listening on {ip}:{port}");
}

/// `hg serve` for corp.example/hgmod at http://corp.example:8000/ (anything else is 404).
pub fn start_hg(ns: &Netns, ip: Ipv4Addr) -> Child {
    let child = ns
        .command("hg")
        .args(["serve", "-R"])
        .arg(&repos().hg)
        .args(["-a", &ip.to_string(), "-p", &HG_PORT.to_string()])
        .env("HGPLAIN", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start hg serve (apt install mercurial): {e}"));
    wait_for(ns, ip, HG_PORT, "hg serve");
    child
}

/// `svnserve` (anonymous read) for svn://corp.example/trunk.
pub fn start_svn(ns: &Netns, ip: Ipv4Addr) -> Child {
    let child = ns
        .command("svnserve")
        .args(["-d", "--foreground", "-r"])
        .arg(&repos().svn)
        .args(["--listen-host", &ip.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start svnserve (apt install subversion): {e}"));
    wait_for(ns, ip, SVN_PORT, "svnserve");
    child
}
