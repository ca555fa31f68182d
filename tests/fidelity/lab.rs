//! Wires one scenario's "internet" inside its own namespace: DNS (the system resolver at
//! 127.0.0.53 and a "public" resolver at 127.0.0.1:9, the address every gomod-diag run is
//! given), TLS sites on port 443 of loopback addresses in front of modlab backends, an HTTP
//! CONNECT proxy, nftables rules, and the client environment (HOME, env file, PATH).

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::gorun;
use super::modlab::{self, LabServer, ModuleStore, SumDb};
use super::netlab::ca::{TestCa, Validity};
use super::netlab::dns::DnsMode;
use super::netlab::proxy::{self as netproxy, ProxyMode};
use super::netns::Netns;
use super::peers::{self, SquidKind};
use super::servers::{self, SiteMode};

/// The lab's hosts: name, the address the (system and public) DNS give clients, and the
/// address the corporate proxy dials for it (so "direct blocked, proxy works" is possible).
pub const HOSTS: &[(&str, [u8; 4], [u8; 4], Backend)] = &[
    (
        "proxy.golang.org",
        [127, 0, 1, 1],
        [127, 0, 11, 1],
        Backend::Public,
    ),
    (
        "sum.golang.org",
        [127, 0, 1, 2],
        [127, 0, 11, 2],
        Backend::Public,
    ),
    (
        "goproxy.cn",
        [127, 0, 1, 3],
        [127, 0, 11, 3],
        Backend::Public,
    ),
    ("github.com", [127, 0, 1, 4], [127, 0, 11, 4], Backend::Git),
    (
        "example.com",
        [127, 0, 1, 5],
        [127, 0, 11, 5],
        Backend::NoMeta,
    ),
    (
        "corp.example",
        [127, 0, 1, 6],
        [127, 0, 11, 6],
        Backend::Private,
    ),
    (
        "goproxy.corp.example",
        [127, 0, 1, 7],
        [127, 0, 11, 7],
        Backend::Mirror,
    ),
];
/// The hosts that a corporate network reaches only through its proxy.
pub const PUBLIC_HOSTS: &[&str] = &["proxy.golang.org", "sum.golang.org", "goproxy.cn"];
pub const PROXY_NAME: &str = "proxy.corp.example";
pub const PROXY_IP: [u8; 4] = [127, 0, 2, 1];
/// Where the lab serves a PAC script (Fault::Pac).
pub const PAC_NAME: &str = "wpad.corp.example";
pub const PAC_IP: [u8; 4] = [127, 0, 2, 2];
pub const PAC_URL: &str = "http://wpad.corp.example/proxy.pac";
/// Where a hijacked name points: a server with a certificate for another name.
pub const HIJACK_IP: [u8; 4] = [127, 0, 9, 9];
/// Where a hijacked name points in the "nothing listens" variant.
pub const DEAD_IP: [u8; 4] = [127, 0, 9, 7];
/// An address with no route inside a namespace that has only `lo`.
pub const UNROUTABLE_IP: [u8; 4] = [10, 255, 255, 1];
/// Where a hosts-file entry pins a name: nothing listens there.
pub const PINNED_IP: [u8; 4] = [127, 0, 9, 8];
pub const SUMDB_NAME: &str = "sum.golang.org";

/// What serves behind a host's TLS front.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    /// Public modules, and the checksum database at the root and under /sumdb/.
    Public,
    /// Every module (private ones too), no checksum database (/sumdb/... is 404).
    Mirror,
    /// The private module's host: a go-import page with a `mod` root on itself.
    Private,
    /// A web site without go-import meta tags.
    NoMeta,
    /// Real git smart-HTTP (`git http-backend`): the lab's repositories (githttp.rs).
    Git,
}

/// A TLS fault at a host's address.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TlsFault {
    /// Chain from a CA the clients do not trust (TLS inspection).
    Untrusted,
    WrongName,
    Expired,
    NotYetValid,
    ResetAfterHello,
    /// TCP is accepted, then reset before a byte is read.
    ResetOnAccept,
    PlainHttp,
    Silent,
    Alert,
    /// The site's certificate alone, issued by an intermediate of the lab root (which the
    /// clients trust) and naming where that intermediate is published (AIA), not sending it.
    LeafOnly,
}

/// An HTTP-level fault on a host's backend (modlab faults, by path substring).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HttpFault {
    Status(u16),
    /// 401 unless Basic PROXY_USER / PROXY_PASS come (a private module proxy behind auth).
    BasicAuth,
    /// The module zip carries one file more than the checksum database recorded.
    TamperZip,
    Html,
    TamperNote,
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// The system resolver says NXDOMAIN for the name (the public one answers).
    DnsNxdomain(&'static str),
    /// The system resolver points the name at HIJACK_IP (wrong certificate there).
    DnsHijack(&'static str),
    /// The system resolver points the name at DEAD_IP, where nothing listens.
    DnsHijackDead(&'static str),
    /// The system resolver is silent.
    ResolverDown,
    /// The "public" resolver is absent too.
    PublicDnsDown,
    /// The hosts file pins the name to PINNED_IP, where nothing listens.
    HostsPin(&'static str),
    /// Nothing listens on the host's address.
    Refused(&'static str),
    /// nftables drops packets to the host's address.
    Dropped(&'static str),
    /// Both resolvers give the host an address with no route.
    Unreachable(&'static str),
    Tls(&'static str, TlsFault),
    /// The public hosts refuse direct connections (only the proxy reaches them).
    DirectBlocked,
    /// The corporate CONNECT proxy at proxy.corp.example:3128.
    Proxy(ProxyKind),
    Http(&'static str, &'static str, HttpFault),
    /// The go env file (`$HOME/.config/go/env`) has this text.
    GoEnvFile(&'static str),
    /// PATH holds only the Go toolchain (no git).
    NoGit,
    /// `$HOME/.gitconfig` has this text.
    GitConfig(&'static str),
    /// Debian's OpenSSH server on github.com:22, refusing every key (no authorized keys).
    Sshd,
    /// `$HOME/.git-credentials` has this text (git's `store` credential helper reads it).
    GitCredentials(&'static str),
    /// `$HOME/.netrc` has this text (GOAUTH=netrc, Go's default, reads it).
    Netrc(&'static str),
    /// `$HOME/secrets/netrc` has this text and NETRC names it.
    NetrcEnv(&'static str),
    /// corp.example's `?go-get=1` page for paths starting with the first value has the
    /// go-import content given second (several may be given).
    GoImport(&'static str, &'static str),
    /// The desktop detects its proxy automatically (KDE's `ProxyType=3` in
    /// `$HOME/.config/kioslaverc`) and the machine's DNS domain is corp.example (resolv.conf
    /// `search`): WPAD's script is `http://wpad.corp.example/wpad.dat` (served with Pac).
    DesktopWpad,
    /// The host's backend also answers plain HTTP on port 80 (for GOINSECURE's fallback).
    PlainHttpPort(&'static str),
    /// Debian's `hg serve` on corp.example:8000 (othervcs.rs).
    HgServe,
    /// Debian's `svnserve` on corp.example:3690 (othervcs.rs).
    SvnServe,
    /// The clients' SSL_CERT_DIR holds the intermediate that a `LeafOnly` site does not send
    /// (the client-side fix of `tls.incomplete_chain`).
    IntermediateInCertDir,
    /// Debian's squid on PROXY_NAME:3128 as `nobody`; the clients' (root's) own connections
    /// to the public hosts are reset, so only squid gets out (peers.rs).
    Squid(SquidKind),
    /// Debian's dnsmasq is the system resolver (127.0.0.53) instead of the fixture server,
    /// answering the same zone from its own configuration file (peers.rs).
    Dnsmasq,
    /// The system resolver answers 0.0.0.0 for the name (a blocklist's sinkhole).
    DnsSinkhole(&'static str),
    /// This proxy auto-configuration script is served at PAC_URL (plain HTTP, PAC_NAME).
    Pac(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProxyKind {
    Open,
    Basic,
    NtlmOnly,
    Forbidden,
    BadGateway,
    SshBanner,
    /// Debian's microsocks, a real SOCKS5 server, on PROXY_NAME:1080; the public hosts
    /// refuse everyone but it (as DirectBlocked does for the CONNECT proxy).
    Socks,
    /// microsocks demanding PROXY_USER / PROXY_PASS (RFC 1929).
    SocksAuth,
    /// Debian's tinyproxy on PROXY_NAME:3128 demanding PROXY_USER / PROXY_PASS (BasicAuth):
    /// it answers a CONNECT with wrong credentials `401 Unauthorized`, not 407.
    TinyproxyAuth,
    /// Debian's tinyproxy on PROXY_NAME:3128 without authentication.
    Tinyproxy,
    /// Accepts connections and never answers CONNECT (benches/vs_go.rs).
    #[allow(dead_code)]
    Silent,
}

/// The SOCKS proxy's port (microsocks' and Clash's default is 1080).
pub const SOCKS_PORT: u16 = 1080;

/// The proxy's credentials in Basic mode.
pub const PROXY_USER: &str = "alice";
pub const PROXY_PASS: &str = "s3cret";

struct Pki {
    lab: TestCa,
    rogue: TestCa,
    /// An intermediate of `lab`, for servers that forget to send it.
    lab_issuing: TestCa,
}

impl Pki {
    fn config(ca: &TestCa, names: &[&str], v: Validity) -> Arc<rustls::ServerConfig> {
        super::netlab::tls::server_config(&ca.issue_with(names, v))
    }
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let lab = TestCa::new("gomod-diag lab root CA", "gomod-diag fidelity lab");
        let lab_issuing = lab.intermediate("gomod-diag lab issuing CA", "gomod-diag fidelity lab");
        Pki {
            lab,
            rogue: TestCa::new("Corporate TLS Inspection CA", "ACME"),
            lab_issuing,
        }
    })
}

fn sumdb_signer() -> gomod_diag::simulate::proto::note::Signer {
    gomod_diag::simulate::proto::note::Signer::from_seed(SUMDB_NAME, &[7u8; 32]).expect("signer")
}

/// GOSUMDB for the lab: the lab database's key under the name sum.golang.org.
pub fn sumdb_key() -> String {
    sumdb_signer().verifier_key()
}

fn ip(o: [u8; 4]) -> Ipv4Addr {
    Ipv4Addr::from(o)
}

fn public_store() -> ModuleStore {
    let mut s = ModuleStore::fixtures();
    s.modules
        .retain(|path, _| !path.starts_with("corp.example/"));
    s
}

fn backend_server(kind: Backend) -> LabServer {
    let ip = "127.0.50.1";
    match kind {
        Backend::Public => {
            let store = public_store();
            // The database has no record of example.com/Upper (the sumdb.not_found scenario).
            let mut recorded = store.clone();
            recorded.modules.remove("example.com/Upper");
            let mut db = SumDb::new(SUMDB_NAME, &recorded);
            db.signer = sumdb_signer();
            LabServer::start(ip, store, Some(db))
        }
        Backend::Mirror => LabServer::start(ip, ModuleStore::fixtures(), None),
        Backend::Private => {
            let s = LabServer::start(ip, ModuleStore::fixtures(), None);
            // modlab matches `?go-get=1` pages by path (HTTP/1 has no authority in the URI).
            s.go_get("private", "corp.example/private mod https://corp.example");
            s
        }
        Backend::NoMeta | Backend::Git => LabServer::start(ip, ModuleStore::default(), None),
    }
}

/// A running scenario lab; dropping it stops the servers and deletes the namespace.
pub struct Lab {
    pub ns: Netns,
    pub home: tempfile::TempDir,
    pub env: Vec<(String, String)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Third-party servers started for the scenario (killed on drop).
    children: Vec<std::process::Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Lab {
    pub fn work_dir(&self) -> PathBuf {
        self.home.path().join("work")
    }

    /// Builds the scenario's namespace and starts every server in it.
    pub fn start(tag: &str, faults: &[Fault], scenario_env: &[(&str, &str)]) -> Lab {
        let ns = Netns::create(tag, "127.0.0.53").expect("create the scenario namespace");
        let home = tempfile::tempdir().expect("scenario home");
        let ca_file = home.path().join("lab-ca.pem");
        std::fs::write(&ca_file, pki().lab.cert_pem()).expect("write the lab CA");
        std::fs::create_dir_all(home.path().join("work")).expect("work dir");

        // DNS zones: both resolvers answer the truth unless a fault says otherwise.
        // A name absent from a zone is NXDOMAIN.
        let mut system: BTreeMap<String, Ipv4Addr> = BTreeMap::new();
        for (name, client, _, _) in HOSTS {
            system.insert(name.to_string(), ip(*client));
        }
        system.insert(PROXY_NAME.into(), ip(PROXY_IP));
        let mut public = system.clone();
        let mut system_up = true;
        let mut public_up = true;
        let mut hosts_file = String::from("127.0.0.1 localhost\n::1 localhost\n");
        let mut refused: Vec<Ipv4Addr> = vec![];
        let mut dropped: Vec<Ipv4Addr> = vec![];
        let mut tls_faults: BTreeMap<&str, TlsFault> = BTreeMap::new();
        let mut http_faults: Vec<(&str, &str, HttpFault)> = vec![];
        let mut proxy: Option<ProxyKind> = None;
        let mut env_file: Option<&str> = None;
        let mut no_git = false;
        let mut git_config: Option<&str> = None;
        let mut git_credentials: Option<&str> = None;
        let mut sshd = false;
        let mut netrc: Option<(&str, bool)> = None;
        let mut intermediate_in_cert_dir = false;
        let mut squid: Option<SquidKind> = None;
        let mut dnsmasq = false;
        let mut go_imports: Vec<(&'static str, &'static str)> = vec![];
        let (mut hg, mut svn) = (false, false);
        let mut port80: Vec<(SocketAddr, String)> = vec![];
        let mut pac: Option<&'static str> = None;
        let mut wpad = false;
        for f in faults {
            match *f {
                Fault::DnsNxdomain(n) => {
                    system.remove(n);
                }
                Fault::DnsHijack(n) => {
                    system.insert(n.into(), ip(HIJACK_IP));
                }
                Fault::DnsHijackDead(n) => {
                    system.insert(n.into(), ip(DEAD_IP));
                }
                Fault::ResolverDown => system_up = false,
                Fault::PublicDnsDown => public_up = false,
                Fault::HostsPin(n) => {
                    hosts_file.push_str(&format!("{} {n}\n", ip(PINNED_IP)));
                }
                Fault::Refused(n) => refused.push(client_ip(n)),
                Fault::Dropped(n) => dropped.push(client_ip(n)),
                Fault::Unreachable(n) => {
                    system.insert(n.into(), ip(UNROUTABLE_IP));
                    public.insert(n.into(), ip(UNROUTABLE_IP));
                }
                Fault::Tls(n, t) => {
                    tls_faults.insert(n, t);
                }
                Fault::DirectBlocked => {
                    refused.extend(PUBLIC_HOSTS.iter().map(|n| client_ip(n)));
                }
                Fault::Proxy(k) => proxy = Some(k),
                Fault::Http(n, p, h) => http_faults.push((n, p, h)),
                Fault::GoEnvFile(t) => env_file = Some(t),
                Fault::NoGit => no_git = true,
                Fault::GitConfig(t) => git_config = Some(t),
                Fault::GitCredentials(t) => git_credentials = Some(t),
                Fault::Sshd => sshd = true,
                Fault::Netrc(t) => netrc = Some((t, false)),
                Fault::NetrcEnv(t) => netrc = Some((t, true)),
                Fault::IntermediateInCertDir => intermediate_in_cert_dir = true,
                Fault::Squid(k) => squid = Some(k),
                Fault::Dnsmasq => dnsmasq = true,
                Fault::DnsSinkhole(n) => {
                    system.insert(n.into(), Ipv4Addr::UNSPECIFIED);
                }
                Fault::GoImport(path, content) => go_imports.push((path, content)),
                Fault::HgServe => hg = true,
                Fault::PlainHttpPort(n) => {
                    port80.push((SocketAddr::from((client_ip(n), 80)), n.to_string()))
                }
                Fault::SvnServe => svn = true,
                Fault::DesktopWpad => wpad = true,
                Fault::Pac(text) => {
                    pac = Some(text);
                    system.insert(PAC_NAME.into(), ip(PAC_IP));
                }
            }
        }
        ns.write_hosts(&hosts_file).expect("hosts file");
        if wpad {
            ns.write_resolv_conf(
                "nameserver 127.0.0.53\noptions timeout:2 attempts:1\nsearch corp.example\n",
            )
            .expect("resolv.conf");
        }
        if !dropped.is_empty() {
            let rules: String = dropped
                .iter()
                .map(|a| format!("    ip daddr {a} drop\n"))
                .collect();
            ns.nft(&format!(
                "table inet lab {{\n  chain output {{\n    type filter hook output priority 0; policy accept;\n{rules}  }}\n}}\n"
            ))
            .expect("nftables drop rules");
        }

        let mut children = vec![];
        if let Some(
            kind @ (ProxyKind::Socks
            | ProxyKind::SocksAuth
            | ProxyKind::TinyproxyAuth
            | ProxyKind::Tinyproxy),
        ) = proxy
        {
            // Only the third-party proxy (running as `nobody`) may reach the public hosts:
            // the clients (root) get a reset, as behind a firewall that allows the proxy only.
            let rules: String = PUBLIC_HOSTS
                .iter()
                .map(|n| {
                    format!(
                        "    ip daddr {} meta skuid 0 reject with tcp reset\n",
                        client_ip(n)
                    )
                })
                .collect();
            ns.nft(&format!(
                "table inet peers {{\n  chain output {{\n    type filter hook output priority 0; policy accept;\n{rules}  }}\n}}\n"
            ))
            .expect("nftables rules for a third-party proxy");
            let listen = ip(PROXY_IP).to_string();
            let args: Vec<String> = match kind {
                ProxyKind::TinyproxyAuth | ProxyKind::Tinyproxy => {
                    let conf = home.path().join("tinyproxy.conf");
                    let auth = if kind == ProxyKind::TinyproxyAuth {
                        format!("BasicAuth {PROXY_USER} {PROXY_PASS}\n")
                    } else {
                        String::new()
                    };
                    std::fs::write(
                        &conf,
                        format!(
                            "Port 3128\nListen {listen}\nTimeout 30\nMaxClients 20\nLogLevel Critical\nAllow 127.0.0.0/8\n{auth}"
                        ),
                    )
                    .expect("tinyproxy.conf");
                    // tinyproxy (as nobody) must read its configuration.
                    let _ = std::fs::set_permissions(
                        home.path(),
                        std::os::unix::fs::PermissionsExt::from_mode(0o755),
                    );
                    vec![
                        "tinyproxy".into(),
                        "-d".into(),
                        "-c".into(),
                        conf.display().to_string(),
                    ]
                }
                _ => {
                    let mut a: Vec<String> = vec![
                        "microsocks".into(),
                        "-i".into(),
                        listen,
                        "-p".into(),
                        SOCKS_PORT.to_string(),
                    ];
                    if kind == ProxyKind::SocksAuth {
                        a.extend([
                            "-u".into(),
                            PROXY_USER.into(),
                            "-P".into(),
                            PROXY_PASS.into(),
                        ]);
                    }
                    a
                }
            };
            let child = ns
                .command("setpriv")
                .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                .args(&args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("start {} (apt install it): {e}", args[0]));
            children.push(child);
            // The clients start right after the lab: wait until the server accepts.
            let port = if matches!(kind, ProxyKind::TinyproxyAuth | ProxyKind::Tinyproxy) {
                3128
            } else {
                SOCKS_PORT
            };
            let ready = ns
                .command("bash")
                .args([
                    "-c",
                    &format!(
                        "for i in $(seq 200); do (exec 3<>/dev/tcp/{}/{port}) 2>/dev/null && exit 0; sleep 0.025; done; exit 1",
                        ip(PROXY_IP)
                    ),
                ])
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ready, "{} did not start listening on port {port}", args[0]);
        }

        if sshd {
            children.push(start_sshd(&ns, home.path()));
        }
        let mut squid_cert_file = None;
        if let Some(kind) = squid {
            let public: Vec<Ipv4Addr> = PUBLIC_HOSTS.iter().map(|n| client_ip(n)).collect();
            peers::reject_root_to(&ns, "squid", &public);
            let s = peers::start_squid(
                &ns,
                home.path(),
                kind,
                ip(PROXY_IP),
                &ca_file,
                (PROXY_USER, PROXY_PASS),
            );
            children.push(s.child);
            squid_cert_file = s.cert_file;
        }
        if dnsmasq {
            let mut absent: Vec<&str> = HOSTS.iter().map(|(n, ..)| *n).collect();
            absent.push(PROXY_NAME);
            absent.retain(|n| !system.contains_key(*n));
            children.push(peers::start_dnsmasq(&ns, home.path(), &system, &absent));
        }
        if hg {
            children.push(super::othervcs::start_hg(&ns, client_ip("corp.example")));
        }
        if svn {
            children.push(super::othervcs::start_svn(&ns, client_ip("corp.example")));
        }

        // Per-site listener modes, decided here (certificates are cheap) and bound inside.
        let p = pki();
        let mut sites: Vec<(SocketAddr, SiteSpec)> = vec![];
        for (name, client, upstream, _) in HOSTS {
            let good = Pki::config(&p.lab, &[name], Validity::Current);
            sites.push((sock(*upstream, 443), SiteSpec::Tls(good.clone(), name)));
            if refused.contains(&ip(*client)) {
                continue;
            }
            let spec = match tls_faults.get(name) {
                None => SiteSpec::Tls(good, name),
                Some(TlsFault::Untrusted) => {
                    SiteSpec::Tls(Pki::config(&p.rogue, &[name], Validity::Current), name)
                }
                Some(TlsFault::WrongName) => SiteSpec::Tls(
                    Pki::config(&p.lab, &["portal.example"], Validity::Current),
                    name,
                ),
                Some(TlsFault::Expired) => {
                    SiteSpec::Tls(Pki::config(&p.lab, &[name], Validity::Expired), name)
                }
                Some(TlsFault::NotYetValid) => {
                    SiteSpec::Tls(Pki::config(&p.lab, &[name], Validity::NotYetValid), name)
                }
                Some(TlsFault::ResetAfterHello) => SiteSpec::Raw(SiteMode::ResetAfterHello),
                Some(TlsFault::ResetOnAccept) => SiteSpec::Raw(SiteMode::ResetOnAccept),
                Some(TlsFault::PlainHttp) => SiteSpec::Raw(SiteMode::PlainHttp),
                Some(TlsFault::Silent) => SiteSpec::Raw(SiteMode::Silent),
                Some(TlsFault::Alert) => SiteSpec::Raw(SiteMode::Alert),
                Some(TlsFault::LeafOnly) => SiteSpec::Tls(
                    super::netlab::tls::server_config(
                        &p.lab_issuing
                            .issue_leaf_only(&[name], "http://ca.lab.example/issuing.crt"),
                    ),
                    name,
                ),
            };
            sites.push((sock(*client, 443), spec));
        }
        // The hijack target: a portal with a certificate for another name.
        sites.push((
            sock(HIJACK_IP, 443),
            SiteSpec::Tls(
                Pki::config(&p.lab, &["portal.example"], Validity::Current),
                "portal.example",
            ),
        ));

        // The proxy dials the upstream-side addresses (its own view of the internet).
        let upstream: Vec<(String, SocketAddr)> = HOSTS
            .iter()
            .map(|(n, _, u, _)| (format!("{n}:443"), sock(*u, 443)))
            .collect();
        let upstream: Vec<(&str, SocketAddr)> =
            upstream.iter().map(|(n, a)| (n.as_str(), *a)).collect();
        let targets = netproxy::targets(&upstream);
        // None: not a proxy at all (an SSH banner).
        let proxy_mode: Option<Option<ProxyMode>> = proxy.map(|k| match k {
            ProxyKind::Open => Some(ProxyMode::open(targets.clone())),
            ProxyKind::Basic => Some(ProxyMode::Basic {
                user: PROXY_USER.into(),
                pass: PROXY_PASS.into(),
                targets: targets.clone(),
            }),
            ProxyKind::NtlmOnly => Some(ProxyMode::NtlmOnly),
            ProxyKind::Forbidden => Some(ProxyMode::status(403, "Forbidden")),
            ProxyKind::BadGateway => Some(ProxyMode::status(502, "Bad Gateway")),
            ProxyKind::SshBanner => None,
            // Third-party servers, started as processes above.
            ProxyKind::Socks
            | ProxyKind::SocksAuth
            | ProxyKind::TinyproxyAuth
            | ProxyKind::Tinyproxy => None,
            ProxyKind::Silent => Some(ProxyMode::Silent),
        });
        let third_party = matches!(
            proxy,
            Some(
                ProxyKind::Socks
                    | ProxyKind::SocksAuth
                    | ProxyKind::TinyproxyAuth
                    | ProxyKind::Tinyproxy
            )
        );
        let proxy_mode = if third_party { None } else { proxy_mode };
        let http_faults: Vec<(String, String, HttpFault)> = http_faults
            .into_iter()
            .map(|(n, p, h)| (n.to_string(), p.to_string(), h))
            .collect();

        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let zone = |z: &BTreeMap<String, Ipv4Addr>| {
            let entries: Vec<(&str, std::net::IpAddr)> =
                z.iter().map(|(n, a)| (n.as_str(), (*a).into())).collect();
            DnsMode::zone(&entries)
        };
        let system_mode = if system_up {
            zone(&system)
        } else {
            DnsMode::Silent
        };
        let public_mode = zone(&public);
        // Built outside the namespace thread (once per process).
        let _ = super::githttp::repos();
        let thread = ns.spawn(move || async move {
            // Backends first (their threads inherit this thread's namespace).
            let mut backends: BTreeMap<String, LabServer> = BTreeMap::new();
            for (name, _, _, kind) in HOSTS {
                let server = backend_server(*kind);
                for (n, path, h) in &http_faults {
                    if n == name {
                        server.fault(path, to_modlab(*h));
                    }
                }
                if *name == "corp.example" {
                    for (path, content) in &go_imports {
                        server.go_get(path, content);
                    }
                }
                backends.insert(name.to_string(), server);
            }
            backends.insert("portal.example".into(), backend_server(Backend::NoMeta));
            let git = super::githttp::serve(SocketAddr::from(([127, 0, 50, 2], 0))).await;
            for (addr, name) in &port80 {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .unwrap_or_else(|e| panic!("bind {addr}: {e}"));
                let backend = backends[name].addr;
                tokio::spawn(async move {
                    while let Ok((mut s, _)) = listener.accept().await {
                        tokio::spawn(async move {
                            if let Ok(mut b) = tokio::net::TcpStream::connect(backend).await {
                                let _ = tokio::io::copy_bidirectional(&mut s, &mut b).await;
                            }
                        });
                    }
                });
            }
            for (addr, spec) in sites {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .unwrap_or_else(|e| panic!("bind {addr}: {e}"));
                let mode = match spec {
                    SiteSpec::Tls(cfg, name) if backend_of(name) == Some(Backend::Git) => {
                        SiteMode::Tls(cfg, git)
                    }
                    SiteSpec::Tls(cfg, name) => SiteMode::Tls(cfg, backends[name].addr),
                    SiteSpec::Raw(m) => m,
                };
                tokio::spawn(servers::site(listener, mode));
            }
            let dns = |addr: &str, mode| {
                let addr: SocketAddr = addr.parse().expect("dns addr");
                tokio::spawn(servers::dns_server(addr, mode))
            };
            // The system resolver: silent when "down" (bound, never answers); dnsmasq's
            // address when it is the resolver.
            if !dnsmasq {
                dns("127.0.0.53:53", system_mode);
            }
            if public_up {
                dns("127.0.0.1:9", public_mode);
            }
            if let Some(mode) = proxy_mode {
                let l = tokio::net::TcpListener::bind(sock(PROXY_IP, 3128))
                    .await
                    .expect("bind the proxy");
                tokio::spawn(servers::connect_proxy(l, mode));
            }
            if let Some(text) = pac {
                let l = tokio::net::TcpListener::bind(sock(PAC_IP, 80))
                    .await
                    .expect("bind the PAC server");
                tokio::spawn(servers::pac_server(l, text));
            }
            // Let the spawned servers bind before saying ready.
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let _ = ready_tx.send(());
            let _ = stop_rx.await;
            drop(backends);
        });
        ready_rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the scenario's servers started");

        // The clients' environment.
        let mut env = gorun::base_env(home.path(), &ca_file);
        set(&mut env, "GOSUMDB", &sumdb_key());
        // git (libcurl) reads its CA bundle from here, not from SSL_CERT_FILE.
        set(&mut env, "GIT_SSL_CAINFO", &ca_file.display().to_string());
        if no_git {
            let go_bin = gorun::go_binary()
                .parent()
                .expect("go bin")
                .display()
                .to_string();
            set(&mut env, "PATH", &go_bin);
        }
        for (k, v) in scenario_env {
            let v = v.replace("{SUMDB}", &sumdb_key());
            if v.is_empty() {
                env.retain(|(key, _)| key != k);
            } else {
                set(&mut env, k, &v);
            }
        }
        if let Some(text) = env_file {
            let dir = home.path().join(".config/go");
            std::fs::create_dir_all(&dir).expect("go config dir");
            std::fs::write(dir.join("env"), text.replace("{SUMDB}", &sumdb_key()))
                .expect("go env file");
        }
        if let Some((text, moved)) = netrc {
            let path = if moved {
                let dir = home.path().join("secrets");
                std::fs::create_dir_all(&dir).expect("netrc dir");
                set(&mut env, "NETRC", &dir.join("netrc").display().to_string());
                dir.join("netrc")
            } else {
                home.path().join(".netrc")
            };
            std::fs::write(path, text).expect("netrc");
        }
        if wpad {
            let dir = home.path().join(".config");
            std::fs::create_dir_all(&dir).expect("config dir");
            std::fs::write(dir.join("kioslaverc"), "[Proxy Settings]\nProxyType=3\n")
                .expect("kioslaverc");
        }
        if let Some(text) = git_config {
            std::fs::write(home.path().join(".gitconfig"), text).expect("gitconfig");
        }
        if let Some(text) = git_credentials {
            std::fs::write(home.path().join(".git-credentials"), text).expect("git-credentials");
        }
        if let Some(bundle) = &squid_cert_file {
            set(&mut env, "SSL_CERT_FILE", &bundle.display().to_string());
        }
        if intermediate_in_cert_dir {
            let dir = home.path().join(".config/go-certs");
            std::fs::create_dir_all(&dir).expect("cert dir");
            std::fs::write(dir.join("issuing.pem"), pki().lab_issuing.cert_pem())
                .expect("intermediate");
            set(&mut env, "SSL_CERT_DIR", &dir.display().to_string());
        }
        Lab {
            ns,
            home,
            env,
            stop: Some(stop_tx),
            thread: Some(thread),
            children,
        }
    }
}

enum SiteSpec {
    Tls(Arc<rustls::ServerConfig>, &'static str),
    Raw(SiteMode),
}

fn to_modlab(h: HttpFault) -> modlab::Fault {
    match h {
        HttpFault::Status(code) => modlab::Fault::status(code),
        HttpFault::BasicAuth => modlab::Fault::Basic(PROXY_USER, PROXY_PASS),
        HttpFault::TamperZip => modlab::Fault::TamperZip,
        HttpFault::Html => modlab::Fault::Html,
        HttpFault::TamperNote => modlab::Fault::TamperNote,
    }
}

/// sshd on github.com's address, port 22: host key made here, no key or password accepted.
fn start_sshd(ns: &Netns, home: &Path) -> std::process::Child {
    let key = home.join("ssh_host_ed25519_key");
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen (apt install openssh-client)");
    assert!(out.status.success(), "ssh-keygen failed");
    let conf = home.join("sshd_config");
    std::fs::write(
        &conf,
        format!(
            "Port 22\nListenAddress {}\nHostKey {}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nAuthorizedKeysFile none\nUsePAM no\nPidFile none\nStrictModes no\n",
            client_ip("github.com"),
            key.display()
        ),
    )
    .expect("sshd_config");
    // Privilege separation needs its empty directory.
    let _ = std::fs::create_dir_all("/run/sshd");
    let child = ns
        .command("/usr/sbin/sshd")
        .args(["-D", "-e", "-f"])
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start sshd (apt install openssh-server): {e}"));
    // Until it listens.
    for _ in 0..50 {
        let up = ns
            .command("bash")
            .args([
                "-c",
                &format!("exec 3<>/dev/tcp/{}/22", client_ip("github.com")),
            ])
            .output()
            .is_ok_and(|o| o.status.success());
        if up {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child
}

fn backend_of(name: &str) -> Option<Backend> {
    HOSTS.iter().find(|(n, ..)| *n == name).map(|(.., b)| *b)
}

fn client_ip(name: &str) -> Ipv4Addr {
    HOSTS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, c, ..)| ip(*c))
        .unwrap_or_else(|| panic!("unknown lab host {name}"))
}

fn sock(o: [u8; 4], port: u16) -> SocketAddr {
    SocketAddr::from((ip(o), port))
}

fn set(env: &mut Vec<(String, String)>, k: &str, v: &str) {
    env.retain(|(key, _)| key != k);
    env.push((k.to_string(), v.to_string()));
}

#[allow(dead_code)]
pub fn ca_path(home: &Path) -> PathBuf {
    home.join("lab-ca.pem")
}
