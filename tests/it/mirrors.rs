//! The mirror race against fixture mirrors on loopback: names mapped to lab addresses by a
//! hosts file (GOMOD_DIAG_HOSTS_FILE), a `--mirrors` list that replaces the built-in one, so
//! no public mirror is ever contacted. The mirrors differ in latency, lag, checksum-database
//! support, and one serves a tampered zip; sum.golang.org itself refuses connections.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use gomod_diag::simulate::proto::{note, tlog};
use serde_json::Value;

use crate::modlab::{Fault, LabServer, ModuleStore, SumDb};
use crate::netlab::Lab;

const FRESH: &str = "example.com/fresh";
const REF: &str = "example.com/ref";

fn store(newest: &str, tampered: bool) -> ModuleStore {
    let mut s = ModuleStore::default();
    for v in ["v1.0.0", "v1.1.0"] {
        if v <= newest {
            s.add(
                FRESH,
                v,
                &[("fresh.go".into(), b"package fresh\n".to_vec())],
            );
        }
    }
    let code: &[u8] = if tampered {
        b"package ref\n\nfunc Evil() {}\n"
    } else {
        b"package ref\n"
    };
    s.add(REF, "v1.0.0", &[("ref.go".into(), code.to_vec())]);
    s
}

/// The one checksum database every mirror proxies (same key: a fixed test seed), recording
/// the honest hashes.
fn sumdb() -> SumDb {
    let mut db = SumDb::new("sum.golang.org", &ModuleStore::default());
    db.signer = note::Signer::from_seed("sum.golang.org", &[7u8; 32]).unwrap();
    db.log = tlog::MemoryLog::default();
    for versions in store("v1.1.0", false).modules.values() {
        for m in versions.values() {
            db.add_record(&m.path, &m.version, &m.h1, &m.go_mod_h1);
        }
    }
    db
}

struct MirrorLab {
    lab: Lab,
    servers: Vec<(&'static str, LabServer)>,
    hosts: Vec<(String, IpAddr)>,
    /// The `--mirrors` file lines.
    list: String,
    key: String,
}

impl MirrorLab {
    fn new() -> MirrorLab {
        let lab = Lab::new();
        let key = sumdb().verifier_key();
        // sum.golang.org refuses: nothing listens on port 443 at its lab address.
        let sum_ip = lab.ip();
        let mut hosts = vec![("sum.golang.org".to_string(), sum_ip)];
        let mut list = format!(
            "replace = true\n[reference]\nfreshness = \"{FRESH}\"\nzip = \"{REF}@v1.0.0\"\n\
             [[checksum]]\ngosumdb = \"sum.golang.org\"\nurl = \"https://sum.golang.org\"\n"
        );
        // sum.golang.google.cn: answers /latest.
        let cn = LabServer::start(&lab.ip().to_string(), ModuleStore::default(), Some(sumdb()));
        hosts.push(("sumcn.mirror.test".into(), cn.addr.ip()));
        list.push_str(&format!(
            "[[checksum]]\ngosumdb = \"sum.golang.google.cn\"\nurl = \"http://sumcn.mirror.test:{}\"\n",
            cn.addr.port()
        ));
        let mut ml = MirrorLab {
            lab,
            servers: vec![("sumcn", cn)],
            hosts,
            list,
            key,
        };
        ml.mirror("fast", store("v1.1.0", false), None);
        ml.mirror(
            "slow",
            store("v1.1.0", false),
            Some(("/@v/", Fault::Slow(Duration::from_millis(900)))),
        );
        ml.mirror("stale", store("v1.0.0", false), None);
        ml.mirror(
            "nosumdb",
            store("v1.1.0", false),
            Some(("/sumdb/", Fault::not_found())),
        );
        ml.mirror("tampered", store("v1.1.0", true), None);
        let hole = ml.lab.blackhole();
        ml.add("dropped", hole.ip(), hole.port());
        ml
    }

    fn add(&mut self, name: &str, ip: IpAddr, port: u16) {
        let host = format!("{name}.mirror.test");
        self.list.push_str(&format!(
            "[[mirror]]\nname = \"{name}\"\nurl = \"http://{host}:{port}\"\n"
        ));
        self.hosts.push((host, ip));
    }

    fn mirror(&mut self, name: &'static str, s: ModuleStore, fault: Option<(&str, Fault)>) {
        let srv = LabServer::start(&self.lab.ip().to_string(), s, Some(sumdb()));
        if let Some((p, f)) = fault {
            srv.fault(p, f);
        }
        self.add(name, srv.addr.ip(), srv.addr.port());
        self.servers.push((name, srv));
    }

    fn url(&self, name: &str) -> String {
        let srv = &self.servers.iter().find(|(n, _)| *n == name).unwrap().1;
        format!("http://{name}.mirror.test:{}", srv.addr.port())
    }

    fn files(&self) -> (PathBuf, PathBuf) {
        let list = self.lab.dir.path().join("mirrors.toml");
        std::fs::write(&list, &self.list).unwrap();
        let entries: Vec<(&str, IpAddr)> =
            self.hosts.iter().map(|(n, ip)| (n.as_str(), *ip)).collect();
        (list, self.lab.hosts_file(&entries))
    }

    /// The binary with the lab's list and hosts file, the race allowed.
    fn command(&self, args: &[&str]) -> std::process::Command {
        let (list, hosts) = self.files();
        let home = self.lab.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut c = self.lab.command();
        c.env_remove("GOMOD_DIAG_NO_MIRRORS")
            .env("GOMOD_DIAG_MIRRORS", &list)
            .env("GOMOD_DIAG_HOSTS_FILE", &hosts)
            .env("HOME", &home)
            .env("GOENV", "off")
            .env("GOSUMDB", &self.key)
            .env("GOFLAGS", "-modcacherw")
            .env("GOTOOLCHAIN", "local")
            .current_dir(&home)
            .args(args);
        c
    }

    /// Every request any fixture mirror saw.
    fn requests(&self) -> Vec<String> {
        self.servers
            .iter()
            .flat_map(|(_, s)| s.requests())
            .collect()
    }
}

/// Runs a command, killing it if it outlives `limit` (a hang is a failure, not a wait).
fn run(mut c: std::process::Command, limit: Duration) -> Output {
    use std::process::Stdio;
    let child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .arg("-9")
                .arg(id.to_string())
                .status();
            panic!("gomod-diag did not end within {limit:?}");
        }
    }
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_race_ranks_mirrors_and_prints_the_commands() {
    let ml = MirrorLab::new();
    let o = run(
        ml.command(&["mirrors", "--json", "--timeout", "5s"]),
        Duration::from_secs(60),
    );
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&o)));
    let ranking: Vec<(String, String)> = v["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["standing"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("fast", "works"),
        ("slow", "works"),
        ("stale", "stale"),
        ("nosumdb", "needs_gosumdb"),
        ("tampered", "tampered"),
        ("dropped", "unreachable"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(ranking, expected, "{}", show(&o));
    let goproxy = format!("{}|{},direct", ml.url("fast"), ml.url("slow"));
    assert_eq!(v["advice"]["goproxy"], goproxy.as_str());
    // The facts behind it.
    let m = |n: &str| {
        v["race"]["mirrors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(m("fast")["sumdb"], "proxied");
    assert_eq!(m("nosumdb")["sumdb"], "not_proxied");
    assert_eq!(m("stale")["newest"], "v1.0.0");
    assert_eq!(m("fast")["newest"], "v1.1.0");
    assert_eq!(m("tampered")["go"]["cause"], "sumdb.checksum_mismatch");
    assert!(m("fast")["zip"]["h1"].as_str().unwrap().starts_with("h1:"));
    assert_ne!(m("fast")["zip"]["h1"], m("tampered")["zip"]["h1"]);
    let ck = v["race"]["checksum"].as_array().unwrap();
    assert_eq!(ck[0]["ok"], false, "sum.golang.org refuses in this lab");
    assert_eq!(ck[1]["ok"], true);

    // The text: the table and the command in each shell's syntax.
    for (shell, cmd) in [
        ("bash", format!("go env -w 'GOPROXY={goproxy}'")),
        ("fish", format!("go env -w 'GOPROXY={goproxy}'")),
        ("powershell", format!("go env -w \"GOPROXY={goproxy}\"")),
        ("cmd", format!("go env -w \"GOPROXY={goproxy}\"")),
    ] {
        let o = run(
            ml.command(&["mirrors", "--timeout", "5s", "--shell", shell]),
            Duration::from_secs(60),
        );
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains(&cmd), "{shell}: {}", show(&o));
        assert!(text.contains("`|` between fast and slow"), "{}", show(&o));
        assert!(text.contains("WRONG CONTENT"), "{}", show(&o));
    }
    // In Chinese: the same command, the reasoning in Chinese.
    let o = run(
        ml.command(&[
            "mirrors",
            "--timeout",
            "5s",
            "--shell",
            "bash",
            "--lang",
            "zh",
        ]),
        Duration::from_secs(60),
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&format!("go env -w 'GOPROXY={goproxy}'")),
        "{}",
        show(&o)
    );
    assert!(
        text.contains("设置方法") && text.contains("内容错误") && text.contains("之间用 `|`"),
        "{}",
        show(&o)
    );
    // Only the reference modules were asked for.
    for r in ml.requests() {
        assert!(
            r.contains(FRESH)
                || r.contains(REF)
                || r.contains("/sumdb/")
                || r.starts_with("/latest")
                || r.starts_with("/tile/")
                || r.starts_with("/lookup/"),
            "unexpected request {r}"
        );
    }
}

#[test]
fn run_names_the_working_mirror_and_never_sends_the_users_module() {
    let ml = MirrorLab::new();
    // The configured mirror refuses connections.
    let refused = ml.lab.closed_port();
    let goproxy = format!("http://{refused}");
    let private = "private.corp.example/secret/tool@v1.2.3";
    let mut c = ml.command(&["--json", "--timeout", "8s", "--module", private]);
    c.env("GOPROXY", &goproxy);
    let o = run(c, Duration::from_secs(60));
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&o)));
    assert_eq!(v["verdict"]["cause"]["id"], "tcp.refused", "{}", show(&o));
    let want = format!("GOPROXY={}|{},direct", ml.url("fast"), ml.url("slow"));
    let commands: Vec<String> = v["verdict"]["fixes"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["command"].as_str().map(str::to_string))
        .collect();
    assert!(
        commands.iter().any(|c| c.contains(&want)),
        "{want} in {commands:?}"
    );
    let text = serde_json::to_string(&v["verdict"]).unwrap();
    assert!(
        !text.contains("<a module mirror"),
        "a hole although a mirror works: {text}"
    );
    let raced = v["facts"]["mirrors"]["mirrors"].as_array().unwrap();
    assert_eq!(raced.len(), 6);
    // sum.golang.org refuses here: the mirrors named proxy the checksum database.
    assert_eq!(v["facts"]["mirrors"]["checksum"][0]["ok"], false);
    for name in ["fast", "slow"] {
        let m = raced.iter().find(|m| m["name"] == name).unwrap();
        assert_eq!(m["sumdb"], "proxied", "{name}");
    }
    // The user's module path went to the configured GOPROXY only, never to a raced mirror.
    let reqs = ml.requests();
    assert!(!reqs.is_empty());
    for r in &reqs {
        assert!(!r.contains("private.corp") && !r.contains("secret"), "{r}");
    }

    // A saved report is re-diagnosed with the same race: same fix, no new requests.
    let before = ml.requests().len();
    let file = ml.lab.dir.path().join("report.json");
    std::fs::write(&file, &o.stdout).unwrap();
    let mut c2 = ml.lab.command();
    c2.args(["--json", "report"]).arg(&file);
    let r = run(c2, Duration::from_secs(30));
    let rv: Value =
        serde_json::from_slice(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&r)));
    assert_eq!(rv["verdict"]["fixes"], v["verdict"]["fixes"]);
    assert_eq!(ml.requests().len(), before);
}

#[test]
fn without_the_race_the_fix_says_how_to_find_a_mirror() {
    let ml = MirrorLab::new();
    let refused = ml.lab.closed_port();
    let mut c = ml.command(&[
        "--json",
        "--timeout",
        "5s",
        "--no-mirrors",
        "--module",
        "example.com/m@v1.0.0",
    ]);
    c.env("GOPROXY", format!("http://{refused}"));
    let o = run(c, Duration::from_secs(60));
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&o)));
    assert!(v["facts"]["mirrors"].is_null());
    let steps = serde_json::to_string(&v["verdict"]["fixes"]["steps"]).unwrap();
    assert!(steps.contains("gomod-diag mirrors"), "{steps}");
    assert!(!steps.contains("<a module mirror"), "{steps}");
    assert!(
        ml.requests().is_empty(),
        "--no-mirrors raced: {:?}",
        ml.requests()
    );
}

#[test]
fn every_mirror_black_holed_ends_within_the_deadline_and_says_so() {
    let lab = Lab::new();
    let mut list =
        format!("replace = true\n[reference]\nfreshness = \"{FRESH}\"\nzip = \"{REF}@v1.0.0\"\n");
    let mut hosts = vec![];
    for name in ["a", "b", "c"] {
        let hole = lab.blackhole();
        let host = format!("{name}.holes.test");
        list.push_str(&format!(
            "[[mirror]]\nname = \"{name}\"\nurl = \"https://{host}:{}\"\n",
            hole.port()
        ));
        hosts.push((host, hole.ip()));
    }
    let file = lab.dir.path().join("holes.toml");
    std::fs::write(&file, list).unwrap();
    let entries: Vec<(&str, IpAddr)> = hosts.iter().map(|(n, ip)| (n.as_str(), *ip)).collect();
    let mut c = lab.command();
    c.env_remove("GOMOD_DIAG_NO_MIRRORS")
        .env("GOMOD_DIAG_HOSTS_FILE", lab.hosts_file(&entries))
        .env("GOENV", "off")
        .args(["mirrors", "--timeout", "2s", "--mirrors"])
        .arg(&file);
    let o = run(c, Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("No mirror"), "{}", show(&o));
    assert!(text.contains("unreachable"), "{}", show(&o));
}

#[test]
fn a_bad_mirror_list_is_a_usage_error_naming_it() {
    let lab = Lab::new();
    let file = lab.dir.path().join("bad.toml");
    std::fs::write(&file, "[[mirror]]\nname = \"x\"\nurl = \"ftp://x\"\n").unwrap();
    let mut c = lab.command();
    c.args(["mirrors", "--mirrors"]).arg(&file);
    let o = run(c, Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("http(s) URL"),
        "{err}"
    );
}

#[test]
fn a_stale_configured_mirror_is_a_finding_from_the_same_race() {
    let ml = MirrorLab::new();
    // Go fails through the configured (stale) mirror: the module is not there.
    let mut c = ml.command(&[
        "--json",
        "--timeout",
        "6s",
        "--module",
        "example.com/absent@v1.0.0",
    ]);
    c.env("GOPROXY", ml.url("stale"));
    let o = run(c, Duration::from_secs(60));
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&o)));
    let findings = v["verdict"]["findings"].as_array().unwrap();
    let stale = findings
        .iter()
        .find(|f| f["id"] == "goproxy.stale_mirror")
        .unwrap_or_else(|| panic!("no stale finding: {}", show(&o)));
    let detail = stale["summary"].as_str().unwrap();
    assert!(
        detail.contains(&ml.url("stale")) && detail.contains("v1.0.0") && detail.contains("v1.1.0"),
        "{detail}"
    );
    eprintln!(
        "race with 6 lab mirrors (one black-holed): {} ms",
        v["facts"]["mirrors"]["duration_ms"]
    );
}
