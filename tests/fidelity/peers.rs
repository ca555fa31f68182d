//! Debian's squid and dnsmasq as the lab's peers, as users meet them: squid as the corporate
//! forward proxy (open, Basic auth, Digest-only auth, ssl-bump TLS inspection) and dnsmasq as
//! the system resolver. Each runs in the foreground from a configuration file written into the
//! scenario's home, inside the scenario's namespace, and is killed with the lab.
//!
//! squid runs as `nobody` (setpriv); root's own traffic to the public hosts is rejected by
//! nftables, so only the proxy gets out. dnsmasq binds 127.0.0.53:53 as root and drops to
//! `nobody` itself (its own hardening, `user=`), answering only from its configuration.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::netns::Netns;

/// How the lab's squid is configured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SquidKind {
    /// An open forward proxy with Debian's stock CONNECT rule (`deny CONNECT !SSL_ports`).
    Plain,
    /// `basic_ncsa_auth` with an htpasswd file (apr1) holding PROXY_USER / PROXY_PASS.
    Basic,
    /// `digest_file_auth` only: a login Go cannot do.
    DigestOnly,
    /// ssl-bump: every tunnel is decrypted and re-signed by a CA made for the scenario,
    /// which the clients do not trust.
    Bump,
    /// ssl-bump with the bump CA in the clients' SSL_CERT_FILE.
    BumpTrusted,
    /// BumpTrusted, but squid itself does not trust the lab root, so it cannot verify the
    /// real servers behind the tunnels it decrypts.
    BumpTrustedUpstreamUnverified,
    /// Plain, with a blocklist: `http_access deny CONNECT` to proxy.golang.org.
    DenyGoProxy,
}

const SQUID_LIB: &str = "/usr/lib/squid";

fn binary(name: &str) -> Option<PathBuf> {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .output()
        .ok()?;
    let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!p.is_empty()).then(|| PathBuf::from(p))
}

/// Why a scenario needing squid (`bump`: with OpenSSL) cannot run here.
pub fn squid_missing(bump: bool) -> Option<String> {
    let Some(squid) = binary("squid") else {
        return Some("squid is not installed (apt install squid-openssl)".into());
    };
    for helper in [
        "basic_ncsa_auth",
        "digest_file_auth",
        "security_file_certgen",
    ] {
        if !Path::new(SQUID_LIB).join(helper).exists() {
            return Some(format!(
                "squid's {helper} is missing (apt install squid-openssl)"
            ));
        }
    }
    if binary("openssl").is_none() {
        return Some("openssl is not installed (apt install openssl)".into());
    }
    if bump {
        // Debian's plain `squid` package is built without OpenSSL: no ssl-bump.
        let v = Command::new(squid).arg("-v").output().ok()?;
        if !String::from_utf8_lossy(&v.stdout).contains("--with-openssl") {
            return Some("this squid has no ssl-bump (apt install squid-openssl)".into());
        }
    }
    None
}

pub fn dnsmasq_missing() -> Option<String> {
    binary("dnsmasq")
        .is_none()
        .then(|| "dnsmasq is not installed (apt install dnsmasq-base)".into())
}

/// A directory `nobody` owns inside the scenario's home (readable on the way there).
fn nobody_dir(home: &Path, name: &str) -> PathBuf {
    let _ = std::fs::set_permissions(home, std::fs::Permissions::from_mode(0o755));
    let dir = home.join(name);
    std::fs::create_dir_all(&dir).expect("peer dir");
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).expect("chown to nobody");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
}

fn run_ok(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

/// Rejects root's (the clients') TCP to `addrs`: only a peer running as `nobody` gets out.
pub fn reject_root_to(ns: &Netns, table: &str, addrs: &[Ipv4Addr]) {
    let rules: String = addrs
        .iter()
        .map(|a| format!("    ip daddr {a} meta skuid 0 reject with tcp reset\n"))
        .collect();
    ns.nft(&format!(
        "table inet {table} {{\n  chain output {{\n    type filter hook output priority 0; policy accept;\n{rules}  }}\n}}\n"
    ))
    .expect("nftables rules for a third-party peer");
}

/// Waits until something accepts TCP on `addr:port` in the namespace.
fn wait_listening(ns: &Netns, addr: Ipv4Addr, port: u16, what: &str, log: &Path) {
    let ready = ns
        .command("bash")
        .args([
            "-c",
            &format!(
                "for i in $(seq 400); do (exec 3<>/dev/tcp/{addr}/{port}) 2>/dev/null && exit 0; sleep 0.025; done; exit 1"
            ),
        ])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ready,
        "{what} did not start listening on {addr}:{port}: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// What a started squid leaves to the clients: the process, and a CA bundle that trusts its
/// bump CA (BumpTrusted).
pub struct Squid {
    pub child: Child,
    pub cert_file: Option<PathBuf>,
}

/// Starts squid on `listen:3128` as `nobody`. `lab_ca` is what squid trusts upstream (the lab
/// root) when it bumps; `user` / `pass` are the credentials it accepts.
pub fn start_squid(
    ns: &Netns,
    home: &Path,
    kind: SquidKind,
    listen: Ipv4Addr,
    lab_ca: &Path,
    (user, pass): (&str, &str),
) -> Squid {
    let dir = nobody_dir(home, "squid");
    let log = dir.join("cache.log");
    write(&log, "");
    std::os::unix::fs::chown(&log, Some(65534), Some(65534)).expect("chown cache.log");
    let mut port_line = format!("http_port {listen}:3128");
    let mut conf_tail = String::new();
    let mut cert_file = None;
    match kind {
        SquidKind::Plain => conf_tail.push_str("http_access allow all\n"),
        SquidKind::DenyGoProxy => conf_tail.push_str(
            "acl blocked dstdomain proxy.golang.org\nhttp_access deny CONNECT blocked\nhttp_access allow all\n",
        ),
        SquidKind::Basic => {
            let out = Command::new("openssl")
                .args(["passwd", "-apr1", pass])
                .output()
                .expect("openssl passwd");
            assert!(out.status.success(), "openssl passwd -apr1 failed");
            let hash = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let file = dir.join("htpasswd");
            write(&file, &format!("{user}:{hash}\n"));
            conf_tail.push_str(&format!(
                "auth_param basic program {SQUID_LIB}/basic_ncsa_auth {}\nauth_param basic realm lab proxy\nauth_param basic children 5 startup=1 idle=1\nacl authed proxy_auth REQUIRED\nhttp_access allow authed\nhttp_access deny all\n",
                file.display()
            ));
        }
        SquidKind::DigestOnly => {
            // digest_file_auth's plain format: user:password.
            let file = dir.join("digest_passwd");
            write(&file, &format!("{user}:{pass}\n"));
            conf_tail.push_str(&format!(
                "auth_param digest program {SQUID_LIB}/digest_file_auth {}\nauth_param digest realm lab proxy\nauth_param digest children 5 startup=1 idle=1\nacl authed proxy_auth REQUIRED\nhttp_access allow authed\nhttp_access deny all\n",
                file.display()
            ));
        }
        SquidKind::Bump | SquidKind::BumpTrusted | SquidKind::BumpTrustedUpstreamUnverified => {
            let (crt, key) = (dir.join("bump-ca.crt"), dir.join("bump-ca.key"));
            run_ok(
                Command::new("openssl")
                    .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
                    .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"])
                    .args(["-subj", "/O=Lab Squid/CN=Lab Squid Bump CA"])
                    .args(["-addext", "basicConstraints=critical,CA:TRUE"])
                    .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
                    .arg("-keyout")
                    .arg(&key)
                    .arg("-out")
                    .arg(&crt)
                    .stdout(Stdio::null()),
                "openssl req (the bump CA)",
            );
            for f in [&crt, &key] {
                std::os::unix::fs::chown(f, Some(65534), Some(65534)).expect("chown bump CA");
            }
            // security_file_certgen's database is made by its own -c, in a fresh directory.
            let db = dir.join("ssl_db");
            run_ok(
                Command::new("setpriv")
                    .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                    .arg(format!("{SQUID_LIB}/security_file_certgen"))
                    .arg("-c")
                    .arg("-s")
                    .arg(&db)
                    .args(["-M", "4MB"]),
                "security_file_certgen -c",
            );
            port_line.push_str(&format!(
                " ssl-bump tls-cert={} tls-key={} generate-host-certificates=on dynamic_cert_mem_cache_size=4MB",
                crt.display(),
                key.display()
            ));
            // What squid trusts upstream: the lab root, or (Unverified) an empty bundle.
            let upstream_ca = if kind == SquidKind::BumpTrustedUpstreamUnverified {
                let other = dir.join("no-lab-root.pem");
                write(&other, &std::fs::read_to_string(&crt).expect("bump CA"));
                other
            } else {
                lab_ca.to_path_buf()
            };
            conf_tail.push_str(&format!(
                "sslcrtd_program {SQUID_LIB}/security_file_certgen -s {} -M 4MB\nsslcrtd_children 3 startup=1 idle=1\ntls_outgoing_options cafile={} default-ca=off\nacl step1 at_step SslBump1\nssl_bump peek step1\nssl_bump bump all\nhttp_access allow all\n",
                db.display(),
                upstream_ca.display()
            ));
            if kind != SquidKind::Bump {
                let bundle = home.join("lab-and-squid-ca.pem");
                let mut text = std::fs::read_to_string(lab_ca).expect("lab CA");
                text.push_str(&std::fs::read_to_string(&crt).expect("bump CA"));
                write(&bundle, &text);
                cert_file = Some(bundle);
            }
        }
    }
    let conf = dir.join("squid.conf");
    write(
        &conf,
        &format!(
            "{port_line}\nvisible_hostname proxy.corp.example\npid_filename none\ncache_log {}\naccess_log none\ncache_store_log none\ncache deny all\ncoredump_dir {}\npinger_enable off\nnetdb_filename none\nshutdown_lifetime 0 seconds\ndns_nameservers 127.0.0.53\nacl SSL_ports port 443\nacl CONNECT method CONNECT\nhttp_access deny CONNECT !SSL_ports\n{conf_tail}",
            log.display(),
            dir.display()
        ),
    );
    let squid = binary("squid").expect("squid (apt install squid-openssl)");
    let child = ns
        .command("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
        .arg(&squid)
        .args(["-N", "-f"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start squid (apt install squid-openssl): {e}"));
    wait_listening(ns, listen, 3128, "squid", &log);
    Squid { child, cert_file }
}

/// Starts dnsmasq as the system resolver on 127.0.0.53:53, answering `zone` (0.0.0.0 is a
/// blocklist's sinkhole, `#`: 0.0.0.0 and ::) and NXDOMAIN for `absent`; nothing else is
/// known and nothing is forwarded (`no-resolv`).
pub fn start_dnsmasq(
    ns: &Netns,
    home: &Path,
    zone: &BTreeMap<String, Ipv4Addr>,
    absent: &[&str],
) -> Child {
    let dir = nobody_dir(home, "dnsmasq");
    let mut conf = format!(
        "port=53\nlisten-address=127.0.0.53\nbind-interfaces\nno-resolv\nno-hosts\nno-poll\nuser=nobody\ngroup=nogroup\npid-file={}\nlog-facility={}\n",
        dir.join("dnsmasq.pid").display(),
        dir.join("dnsmasq.log").display()
    );
    for (name, addr) in zone {
        if addr.is_unspecified() {
            conf.push_str(&format!("address=/{name}/#\n"));
        } else {
            // host-record, not address=: dnsmasq then knows the name and answers AAAA with
            // NODATA (address=/name/ip answers A only and REFUSEs AAAA without an upstream).
            conf.push_str(&format!("host-record={name},{addr}\n"));
        }
    }
    for name in absent {
        // A domain with no address: answered locally, NXDOMAIN (a blocklist's other style).
        conf.push_str(&format!("address=/{name}/\n"));
    }
    let path = dir.join("dnsmasq.conf");
    write(&path, &conf);
    let dnsmasq = binary("dnsmasq").expect("dnsmasq (apt install dnsmasq-base)");
    let child = ns
        .command(&dnsmasq.display().to_string())
        .args(["-k", "-C"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start dnsmasq (apt install dnsmasq-base): {e}"));
    wait_listening(
        ns,
        Ipv4Addr::new(127, 0, 0, 53),
        53,
        "dnsmasq",
        &dir.join("dnsmasq.log"),
    );
    child
}
