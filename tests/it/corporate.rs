//! Corporate networks end to end: a TLS-inspection CA named like a product (netlab, loopback
//! only) is recognised and named in the verdict with the steps to trust it; WSL and container
//! detection from captured fixtures; local NTLM helpers; the desktop's proxy settings read only
//! where they can exist, and the server clock read from Go's own answer.

use std::net::SocketAddr;

use serde_json::Value;

use crate::netlab::ca::TestCa;
use crate::netlab::dns::DnsMode;
use crate::netlab::tls::TlsMode;
use crate::netlab::{self, Lab};

/// `gomod-diag run MODULE` with GOPROXY at a TLS fixture `name` that resolves (through the
/// fixture DNS) to `srv`; no checksum database, no fallback to direct.
fn run_against(lab: &Lab, name: &str, srv: SocketAddr, args: &[&str]) -> (i32, String) {
    let dns = lab.dns(DnsMode::zone(&[(name, srv.ip())]));
    let mut c = lab.command();
    c.env("GOMOD_DIAG_SYSTEM_DNS", dns.to_string())
        .env("GOPROXY", format!("https://{name}:{}", srv.port()))
        .env("GOSUMDB", "off")
        .env("GOFLAGS", "-modcacherw")
        .env("HOME", lab.dir.path())
        .args(["run", "-m", "example.com/hello@v1.0.0", "--timeout", "5s"])
        .args(args);
    let o = c.output().expect("run gomod-diag");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

fn inspected_by(cn: &str, org: &str) -> (Lab, SocketAddr) {
    let lab = Lab::new();
    let ca = TestCa::new(cn, org);
    let srv = lab.tls(TlsMode::serve(
        ca.issue(&["goproxy.corp.test"]),
        netlab::http::ok("hi"),
    ));
    (lab, srv)
}

#[test]
fn a_zscaler_signed_chain_names_the_product_and_its_trust_steps() {
    let (lab, srv) = inspected_by("Zscaler Root CA", "Zscaler Inc.");
    let (code, out) = run_against(&lab, "goproxy.corp.test", srv, &["--json"]);
    assert_eq!(code, 1, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let v = &json["verdict"];
    assert_eq!(v["cause"]["id"], "tls.untrusted_interception", "{v:#}");
    let text = serde_json::to_string(v).unwrap();
    assert!(text.contains("Zscaler Root CA, O=Zscaler Inc."), "{v:#}");
    assert!(
        text.contains("The CA (Zscaler Root CA, O=Zscaler Inc.) is the TLS inspection of Zscaler"),
        "the product is named in the verdict's fix: {text}"
    );
    assert!(
        text.contains("Zscaler Client Connector"),
        "where the CA comes from: {text}"
    );
}

#[test]
fn the_product_step_is_in_the_users_shell_and_absent_for_an_unknown_ca() {
    let (lab, srv) = inspected_by("Zscaler Root CA", "Zscaler Inc.");
    let (_, ps) = run_against(&lab, "goproxy.corp.test", srv, &["--shell", "powershell"]);
    assert!(ps.contains("is the TLS inspection of Zscaler"), "{ps}");
    assert!(
        ps.contains("Where-Object Subject -like \"*Zscaler Root CA*\""),
        "{ps}"
    );
    assert!(ps.contains("Import-Certificate"), "{ps}");
    assert!(!ps.contains("sudo cp"), "no Linux step in PowerShell: {ps}");
    let (_, sh) = run_against(&lab, "goproxy.corp.test", srv, &["--shell", "bash"]);
    assert!(sh.contains("update-ca-certificates"), "{sh}");
    assert!(
        sh.contains("COPY corp-root.pem"),
        "the Dockerfile snippet: {sh}"
    );

    let (lab, srv) = inspected_by("Example Gateway CA", "Example Corp");
    let (code, sh) = run_against(&lab, "goproxy.corp.test", srv, &["--shell", "bash"]);
    assert_eq!(code, 1, "{sh}");
    assert!(sh.contains("Example Gateway CA"), "{sh}");
    assert!(
        !sh.contains("TLS inspection of"),
        "no product for an unknown CA: {sh}"
    );
}

/// A CA the machine trusts (SSL_CERT_FILE) but Mozilla does not: the finding names the
/// antivirus that inspects the traffic.
#[test]
fn a_trusted_antivirus_ca_is_named_in_the_finding() {
    let lab = Lab::new();
    let ca = TestCa::new(
        "Kaspersky Anti-Virus Personal Root Certificate",
        "AO Kaspersky Lab",
    );
    let bundle = lab.dir.path().join("with-av.pem");
    std::fs::write(&bundle, ca.cert_pem()).unwrap();
    let srv = lab.tls(TlsMode::serve(
        ca.issue(&["goproxy.corp.test"]),
        netlab::http::ok("hi"),
    ));
    let dns = lab.dns(DnsMode::zone(&[("goproxy.corp.test", srv.ip())]));
    let o = lab
        .command()
        .env("SSL_CERT_FILE", &bundle)
        .env("GOMOD_DIAG_SYSTEM_DNS", dns.to_string())
        .env(
            "GOPROXY",
            format!("https://goproxy.corp.test:{}", srv.port()),
        )
        .env("GOSUMDB", "off")
        .env("HOME", lab.dir.path())
        .args([
            "run",
            "-m",
            "example.com/hello@v1.0.0",
            "--timeout",
            "5s",
            "--json",
        ])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = json["verdict"]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let f = findings
        .iter()
        .find(|f| f["id"] == "tls.interception_trusted")
        .unwrap_or_else(|| panic!("no interception finding: {:#}", json["verdict"]));
    let detail = f["summary"].as_str().unwrap_or_default();
    assert!(
        detail.contains("inspected by Kaspersky (Encrypted connections scan)")
            && detail
                .contains("Kaspersky Anti-Virus Personal Root Certificate, O=AO Kaspersky Lab"),
        "{f:#}"
    );
}

// ------------------------------------------------------------------ NTLM-only proxies

/// An NTLM-only proxy: the verdict carries px and cntlm lines with the real proxy address;
/// a helper fixture listening on loopback and tunnelling is found and offered first, a
/// closed helper port is not.
#[test]
fn an_ntlm_only_proxy_gets_a_ready_helper_setup_and_a_running_helper_is_found() {
    use crate::netlab::proxy::{start_at, targets, ProxyMode};
    let lab = Lab::new();
    let srv = lab.tls(TlsMode::serve(
        lab.ca.issue(&["goproxy.corp.test"]),
        netlab::http::ok("hi"),
    ));
    let ntlm = lab.proxy(ProxyMode::NtlmOnly);
    let target = format!("goproxy.corp.test:{}", srv.port());
    let helper = start_at(
        &lab,
        Some("127.0.0.1:0".parse().unwrap()),
        ProxyMode::open(targets(&[(target.as_str(), srv)])),
    );
    // A loopback port nothing listens on (bound, then released).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let run = |ports: String| {
        let o = lab
            .command()
            .env("HTTPS_PROXY", format!("http://{ntlm}"))
            .env("GOPROXY", format!("https://{target}"))
            .env("GOSUMDB", "off")
            .env("HOME", lab.dir.path())
            .env("GOMOD_DIAG_HELPER_PORTS", ports)
            .args(["run", "-m", "example.com/hello@v1.0.0", "--timeout", "5s"])
            .args(["--shell", "bash"])
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
        )
    };
    let (code, out) = run(format!("{},{}", helper.port(), closed.port()));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("proxy.auth_unsupported"), "{out}");
    assert!(
        out.contains(&format!("px --proxy={ntlm} --port=3128")),
        "{out}"
    );
    assert!(
        out.contains(&format!("`Proxy {ntlm}`")),
        "cntlm.conf line: {out}"
    );
    assert!(
        out.contains("cntlm -H -u YOUR_USER -d YOUR_DOMAIN"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "export HTTPS_PROXY='http://127.0.0.1:{}'",
            helper.port()
        )),
        "the running helper is offered: {out}"
    );
    assert!(
        out.contains(&format!(
            "local proxy helper 127.0.0.1:{}: listening; a CONNECT through it works",
            helper.port()
        )),
        "{out}"
    );
    assert!(
        !out.contains(&format!("127.0.0.1:{}: listening", closed.port())),
        "{out}"
    );

    // No helper running: no such step, the generic one remains.
    let (_, out) = run(closed.port().to_string());
    assert!(!out.contains("A local proxy already answers"), "{out}");
    assert!(
        out.contains("export HTTPS_PROXY='http://127.0.0.1:3128'"),
        "{out}"
    );
    assert!(
        !out.to_lowercase().contains("password:"),
        "never asks for a password: {out}"
    );
}

#[test]
fn the_clock_is_read_from_gos_own_answer_and_no_url_is_asked_twice() {
    use std::sync::{Arc, Mutex};
    let lab = Lab::new();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let srv = lab.tls(TlsMode::serve(
        lab.ca.issue(&["goproxy.corp.test"]),
        netlab::http::handler(move |r| {
            log.lock().unwrap().push(r.target.clone());
            // A server clock a day behind: the local clock is "ahead" by more than a day.
            let date = httpdate::fmt_http_date(
                std::time::SystemTime::now() - std::time::Duration::from_secs(86_400),
            );
            if r.target.ends_with(".info") {
                netlab::http::Response::new(200, "OK", r#"{"Version":"v1.0.0"}"#)
                    .header("Date", &date)
            } else {
                netlab::http::Response::new(404, "Not Found", "not here").header("Date", &date)
            }
        }),
    ));
    let (code, out) = run_against(&lab, "goproxy.corp.test", srv, &["--json"]);
    assert_eq!(code, 1, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let clock = &json["facts"]["clock"][0];
    assert_eq!(clock["significant"], true, "{clock:#}");
    assert!(clock["skew_secs"].as_f64().unwrap() > 80_000.0, "{clock:#}");
    assert!(
        clock["source"]
            .as_str()
            .unwrap()
            .ends_with("/@v/v1.0.0.info"),
        "the clock is Go's first answer's: {clock:#}"
    );
    let findings = json["verdict"]["findings"].to_string();
    assert!(findings.contains("local.clock_skew"), "{findings}");
    let mut asked = seen.lock().unwrap().clone();
    let total = asked.len();
    asked.sort();
    asked.dedup();
    assert_eq!(
        asked.len(),
        total,
        "a URL was asked twice: {:?}",
        seen.lock().unwrap()
    );
}

/// gsettings runs only where GSettings could hold a value of its own: with no dconf database
/// it would only print the schema's default ("no proxy"), and is not started.
#[cfg(target_os = "linux")]
#[test]
fn gsettings_is_asked_only_where_a_dconf_database_exists() {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::read_dir("/usr/share/glib-2.0/schemas")
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with(".gschema.override")
                && std::fs::read_to_string(e.path())
                    .is_ok_and(|t| t.contains("org.gnome.system.proxy"))
        })
        || std::path::Path::new("/etc/dconf/profile/user").exists()
    {
        eprintln!("skipped: this machine's GSettings has its own proxy defaults or dconf profile");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("gsettings");
    let manual = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/platform/gsettings-manual.txt"
    );
    std::fs::write(&fake, format!("#!/bin/sh\ncat '{manual}'\n")).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = || {
        let o = assert_cmd::Command::cargo_bin("gomod-diag")
            .unwrap()
            .env_clear()
            .env("HOME", home.path())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
            .env("GOPROXY", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GOTELEMETRY", "off")
            .current_dir(home.path())
            .args([
                "--json",
                "-m",
                "example.com/hello@v1.0.0",
                "--timeout",
                "5s",
            ])
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
        json["facts"]["system"]["system_proxies"].to_string()
    };
    let without = run();
    assert!(!without.contains("proxy.corp.example"), "{without}");
    std::fs::create_dir_all(home.path().join(".config/dconf")).unwrap();
    std::fs::write(home.path().join(".config/dconf/user"), b"").unwrap();
    let with = run();
    assert!(with.contains("proxy.corp.example:3128"), "{with}");
}
