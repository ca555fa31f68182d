//! The module protocol against loopback fixtures (tests/it/modlab): the real `go` accepts the
//! fixture proxy and checksum database; the simulation's predicted error texts equal Go's;
//! and the acceptance scenarios of cmd/go's fetch walk.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use gomod_diag::config::{ConfigInputs, GoConfig};
use gomod_diag::facts::{DirectOutcome, Observations};
use gomod_diag::modfetch::direct::{probe_direct, probe_direct_with, DirectOptions, GitSetup};
use gomod_diag::modfetch::fetch::{observe, Fetcher};
use gomod_diag::modfetch::meta::repo_root_from_go_get;
use gomod_diag::plan::{route_module, ModuleRoute, ModuleTarget};
use gomod_diag::simulate::{Outcome, Prediction, SimOptions};

use crate::modlab::{Fault, LabServer, ModuleStore, SumDb};

fn config(vars: &[(&str, &str)]) -> GoConfig {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    env.insert("GOPROXY".into(), "https://proxy.golang.org,direct".into());
    env.insert("GOSUMDB".into(), "off".into());
    for (k, v) in vars {
        env.insert(k.to_string(), v.to_string());
    }
    GoConfig::from_inputs(&ConfigInputs {
        env,
        ..Default::default()
    })
}

fn target(m: &str) -> ModuleTarget {
    let (path, version) = m.split_once('@').unwrap();
    ModuleTarget {
        path: path.into(),
        version: (version != "latest").then(|| version.into()),
    }
}

/// The routes Go takes for the targets under `cfg` (the plan the simulation walks).
fn routes(cfg: &GoConfig, targets: &[ModuleTarget]) -> Vec<ModuleRoute> {
    targets.iter().map(|t| route_module(cfg, t)).collect()
}

/// The zip is walked too.
const ZIP: SimOptions = SimOptions { check_zip: true };

/// A direct-mode outcome supplied by the test (direct mode would need DNS for real hosts).
fn direct_fixed(d: Option<DirectOutcome>) -> impl Fn(String) -> std::future::Ready<DirectOutcome> {
    move |p: String| {
        std::future::ready(
            d.clone()
                .unwrap_or_else(|| panic!("direct mode must not be used for {p}")),
        )
    }
}

async fn predict_with(
    vars: &[(&str, &str)],
    module: &str,
    direct: Option<DirectOutcome>,
) -> Prediction {
    let sim = config(vars);
    let fetcher = Fetcher::new(None, Duration::from_secs(2));
    let (p, _) = observe(
        &routes(&sim, &[target(module)]),
        &ZIP,
        &fetcher,
        Observations::default(),
        12,
        direct_fixed(direct),
    )
    .await;
    p
}

fn lab() -> LabServer {
    let store = ModuleStore::fixtures();
    let db = SumDb::new("sum.lab.test", &store);
    LabServer::start("127.0.0.1", store, Some(db))
}

/// Runs the real go with a clean environment; None (with a printed reason) when go is
/// missing and CI is not set.
fn run_go(vars: &[(&str, &str)], args: &[&str]) -> Option<(bool, String, String)> {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    if Command::new("go").arg("version").output().is_err() {
        assert!(!ci, "CI=true but the go toolchain is not on PATH");
        eprintln!("skipping: no `go` on PATH (set CI=true to make this fatal)");
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().to_str().unwrap();
    let mut cmd = Command::new("go");
    cmd.args(args)
        .current_dir(tmp.path())
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GOPATH", format!("{home}/gopath"))
        .env("GOMODCACHE", format!("{home}/modcache"))
        .env("GOENV", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env("GOFLAGS", "-modcacherw")
        // Nothing may leave loopback: no default proxy or checksum database.
        .env("GOPROXY", "off")
        .env("GOSUMDB", "off");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("go runs");
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The prediction's error text must be exactly what go prints.
async fn assert_gold(vars: &[(&str, &str)], module: &str) -> Prediction {
    let p = predict_with(vars, module, None).await;
    assert!(!p.go_will_succeed && !p.inconclusive, "{p:#?}");
    if let Some((ok, _, stderr)) = run_go(vars, &["mod", "download", module]) {
        assert!(!ok, "go succeeded: {stderr}");
        assert_eq!(
            p.error_text.as_deref().unwrap().trim_end(),
            stderr.trim_end(),
            "predicted vs go"
        );
    }
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_go_accepts_fixture_proxy_and_checksum_database() {
    let lab = lab();
    let key = lab.sumdb_key();
    let gosumdb = format!("{key} {}", lab.url());
    let vars = [("GOPROXY", lab.url()), ("GOSUMDB", gosumdb.clone())];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = predict_with(&vars, "example.com/Upper@v0.1.0", None).await;
    assert!(p.go_will_succeed, "{p:#?}");
    assert_eq!(p.modules[0].sumdb_route, lab.url());
    let Some((ok, stdout, stderr)) = run_go(
        &vars,
        &[
            "mod",
            "download",
            "-json",
            "example.com/hello@v1.1.0",
            "example.com/Upper@v0.1.0",
        ],
    ) else {
        return;
    };
    assert!(ok, "go mod download failed:\n{stdout}\n{stderr}");
    let store = ModuleStore::fixtures();
    let hello = store.get("example.com/hello", "v1.1.0").unwrap();
    assert!(
        stdout.contains(&format!("\"Sum\": \"{}\"", hello.h1)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("\"GoModSum\": \"{}\"", hello.go_mod_h1)),
        "{stdout}"
    );
    // Go asked the database for both modules and fetched tiles to authenticate them.
    let reqs = lab.requests();
    assert!(
        reqs.iter()
            .any(|r| r == "/lookup/example.com/%21upper@v0.1.0"),
        "{reqs:?}"
    );
    assert!(
        reqs.iter().any(|r| r.starts_with("/tile/8/0/000")),
        "{reqs:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gold_404_everywhere_and_410() {
    let a = lab();
    let b = lab();
    a.fault("/example.com/hello/", Fault::not_found());
    b.fault(
        "/example.com/hello/",
        Fault::Status(410, "text/plain", String::new()),
    );
    let gp = format!("{},{}", a.url(), b.url());
    let p = assert_gold(&[("GOPROXY", &gp)], "example.com/hello@v1.0.0").await;
    // Among not-found errors the last one wins.
    assert_eq!(
        p.error_text.unwrap(),
        format!(
            "go: example.com/hello@v1.0.0: reading {}/example.com/hello/@v/v1.0.0.info: 410 Gone",
            b.url()
        )
    );
    assert_eq!(p.modules[0].stages[0].attempts.len(), 2);
    assert_eq!(
        p.modules[0].cause.map(|c| c.as_str()),
        Some("goproxy.module_not_found")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gold_sumdb_lookup_404() {
    let l = lab();
    l.fault("/lookup/", Fault::not_found());
    let gosumdb = format!("{} {}", l.sumdb_key(), l.url());
    let p = assert_gold(
        &[("GOPROXY", &l.url()), ("GOSUMDB", &gosumdb)],
        "example.com/hello@v1.0.0",
    )
    .await;
    assert_eq!(
        p.error_text.as_deref().unwrap(),
        format!(
            "go: example.com/hello@v1.0.0: verifying go.mod: example.com/hello@v1.0.0/go.mod: reading {}/lookup/example.com/hello@v1.0.0: 404 Not Found\n\tserver response: not found",
            l.url()
        )
    );
    assert_eq!(
        p.modules[0].cause.map(|c| c.as_str()),
        Some("sumdb.not_found")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gold_tampered_tree_note() {
    let l = lab();
    l.fault("/lookup/", Fault::TamperNote);
    let gosumdb = format!("{} {}", l.sumdb_key(), l.url());
    let p = assert_gold(
        &[("GOPROXY", &l.url()), ("GOSUMDB", &gosumdb)],
        "example.com/hello@v1.0.0",
    )
    .await;
    assert_eq!(
        p.modules[0].cause.map(|c| c.as_str()),
        Some("sumdb.bad_signature")
    );
    assert!(p
        .error_text
        .unwrap()
        .contains("reading tree note: invalid signature for key sum.lab.test+"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gold_checksum_mismatch() {
    let store = ModuleStore::fixtures();
    let mut db = SumDb::new("sum.lab.test", &ModuleStore::default());
    let hello = store.get("example.com/hello", "v1.0.0").unwrap();
    db.add_record(
        "example.com/hello",
        "v1.0.0",
        &hello.h1,
        "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    );
    let l = LabServer::start("127.0.0.1", store, Some(db));
    let gosumdb = format!("{} {}", l.sumdb_key(), l.url());
    let p = assert_gold(
        &[("GOPROXY", &l.url()), ("GOSUMDB", &gosumdb)],
        "example.com/hello@v1.0.0",
    )
    .await;
    assert_eq!(
        p.modules[0].cause.map(|c| c.as_str()),
        Some("sumdb.checksum_mismatch")
    );
    assert!(p.error_text.unwrap().contains("SECURITY ERROR"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_then_second_proxy_succeeds() {
    let a = lab();
    let b = lab();
    a.fault("/example.com/hello/", Fault::not_found());
    let gp = format!("{},{}", a.url(), b.url());
    let p = predict_with(&[("GOPROXY", &gp)], "example.com/hello@v1.1.0", None).await;
    assert!(p.go_will_succeed, "{p:#?}");
    let info = &p.modules[0].stages[0];
    assert_eq!(info.attempts[0].result, "not_found");
    assert!(info.attempts[0].why.contains("tries the next entry"));
    assert_eq!(info.attempts[1].result, "ok");
    if let Some((ok, _, e)) = run_go(
        &[("GOPROXY", &gp), ("GOSUMDB", "off")],
        &["mod", "download", "example.com/hello@v1.1.0"],
    ) {
        assert!(ok, "{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_error_comma_stops_pipe_falls_through() {
    let b = lab();
    let dead = "http://127.0.0.1:1";
    let comma = format!("{dead},{}", b.url());
    let p = assert_gold(&[("GOPROXY", &comma)], "example.com/hello@v1.1.0").await;
    assert_eq!(
        p.error_text.unwrap(),
        "go: example.com/hello@v1.1.0: Get \"http://127.0.0.1:1/example.com/hello/@v/v1.1.0.info\": dial tcp 127.0.0.1:1: connect: connection refused"
    );
    assert_eq!(p.modules[0].cause.map(|c| c.as_str()), Some("tcp.refused"));
    assert_eq!(
        p.modules[0].stages[0].attempts.len(),
        1,
        "the comma stops Go"
    );
    let pipe = format!("{dead}|{}", b.url());
    let p = predict_with(&[("GOPROXY", &pipe)], "example.com/hello@v1.1.0", None).await;
    assert!(p.go_will_succeed, "{p:#?}");
    if let Some((ok, _, e)) = run_go(
        &[("GOPROXY", &pipe), ("GOSUMDB", "off")],
        &["mod", "download", "example.com/hello@v1.1.0"],
    ) {
        assert!(ok, "{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_query_list_then_info() {
    let l = lab();
    let p = predict_with(&[("GOPROXY", &l.url())], "example.com/hello@latest", None).await;
    assert!(p.go_will_succeed, "{p:#?}");
    assert_eq!(p.modules[0].resolved_version.as_deref(), Some("v1.1.0"));
    l.fault("/@v/list", Fault::not_found());
    let p = assert_gold(&[("GOPROXY", &l.url())], "example.com/hello@latest").await;
    assert_eq!(
        p.error_text.unwrap(),
        format!("go: module example.com/hello: reading {}/example.com/hello/@v/list: 404 Not Found\n\tserver response: not found", l.url())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gold_credentials_over_plain_http() {
    let l = lab();
    let gp = l.url().replace("http://", "http://user:s3cret@");
    let p = assert_gold(&[("GOPROXY", &gp)], "example.com/hello@v1.1.0").await;
    let text = p.error_text.unwrap();
    assert!(text.contains("refusing to pass credentials to insecure URL: http://user:xxxxx@"));
    assert!(!text.contains("s3cret"));
    assert!(l.requests().is_empty(), "nothing is sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sumdb_supported_200_404_500() {
    // 200: the proxy serves the database exclusively.
    let l = lab();
    let key = l.sumdb_key();
    let p = predict_with(
        &[("GOPROXY", &l.url()), ("GOSUMDB", &key)],
        "example.com/hello@v1.0.0",
        None,
    )
    .await;
    assert!(p.go_will_succeed, "{p:#?}");
    assert_eq!(
        p.modules[0].sumdb_route,
        format!("{}/sumdb/sum.lab.test", l.url())
    );
    if let Some((ok, _, e)) = run_go(
        &[("GOPROXY", &l.url()), ("GOSUMDB", &key)],
        &["mod", "download", "example.com/hello@v1.0.0"],
    ) {
        assert!(ok, "{e}");
    }
    // 500: the checksum database is unavailable, for every module (gold).
    let l5 = lab();
    let key5 = l5.sumdb_key();
    l5.fault("/supported", Fault::status(500));
    let p = assert_gold(
        &[("GOPROXY", &l5.url()), ("GOSUMDB", &key5)],
        "example.com/hello@v1.0.0",
    )
    .await;
    assert_eq!(
        p.modules[0].cause.map(|c| c.as_str()),
        Some("sumdb.proxy_route_broken")
    );
    // 404: Go goes to https://<name> directly (not reachable here: the outcome is recorded
    // by hand as the refused connection it would be).
    let l4 = lab();
    let key4 = l4.sumdb_key();
    l4.fault("/supported", Fault::not_found());
    let sim = config(&[("GOPROXY", &l4.url()), ("GOSUMDB", &key4)]);
    let fetcher = Fetcher::new(None, Duration::from_secs(2));
    let mut obs = Observations::default();
    let url = "https://sum.lab.test/lookup/example.com/hello@v1.0.0";
    obs.http.insert(
        url.into(),
        gomod_diag::facts::observed::Fetch::net_error(
            &format!("Get {url:?}: dial tcp: lookup sum.lab.test: no such host"),
            gomod_diag::vocab::CauseId::DnsNoResolution,
        ),
    );
    let (p, _) = observe(
        &routes(&sim, &[target("example.com/hello@v1.0.0")]),
        &ZIP,
        &fetcher,
        obs,
        12,
        direct_fixed(None),
    )
    .await;
    assert_eq!(p.modules[0].sumdb_route, "https://sum.lab.test");
    assert_eq!(
        p.error_text.unwrap(),
        format!("go: example.com/hello@v1.0.0: verifying go.mod: example.com/hello@v1.0.0/go.mod: Get {url:?}: dial tcp: lookup sum.lab.test: no such host")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_module_with_and_without_goprivate() {
    let l = lab();
    l.fault("/corp.example/", Fault::not_found());
    // Without GOPRIVATE the module goes to the public proxy, which does not know it.
    let p = predict_with(
        &[("GOPROXY", &l.url())],
        "corp.example/private@v1.0.0",
        None,
    )
    .await;
    assert!(!p.go_will_succeed);
    assert_eq!(
        p.modules[0].cause.map(|c| c.as_str()),
        Some("goproxy.module_not_found")
    );
    assert!(l
        .requests()
        .iter()
        .any(|r| r.starts_with("/corp.example/private/")));
    // With GOPRIVATE it is fetched directly (noproxy), and neither proxy nor sumdb see it.
    let l2 = lab();
    let ok = DirectOutcome {
        ok: true,
        go_error: None,
        not_found: false,
        class: gomod_diag::vocab::CauseId::Ok,
        verified: true,
        unchecked: None,
        detail: vec![],
    };
    let key = l2.sumdb_key();
    let p = predict_with(
        &[
            ("GOPROXY", &l2.url()),
            ("GOSUMDB", &key),
            ("GOPRIVATE", "corp.example"),
        ],
        "corp.example/private@v1.0.0",
        Some(ok),
    )
    .await;
    assert!(p.go_will_succeed, "{p:#?}");
    assert_eq!(p.modules[0].stages[0].attempts[0].entry, "noproxy");
    assert!(p.modules[0].sumdb_route.contains("matches GOPRIVATE"));
    assert!(l2.requests().is_empty(), "{:?}", l2.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goproxy_off_with_and_without_gonoproxy() {
    let p = assert_gold(&[("GOPROXY", "off")], "example.com/hello@v1.0.0").await;
    assert_eq!(
        p.error_text.unwrap(),
        "go: example.com/hello@v1.0.0: module lookup disabled by GOPROXY=off"
    );
    assert_eq!(
        p.modules[0].cause.map(|c| c.as_str()),
        Some("config.goproxy_off")
    );
    let ok = DirectOutcome {
        ok: true,
        go_error: None,
        not_found: false,
        class: gomod_diag::vocab::CauseId::Ok,
        verified: true,
        unchecked: None,
        detail: vec![],
    };
    let p = predict_with(
        &[("GOPROXY", "off"), ("GONOPROXY", "example.com")],
        "example.com/hello@v1.0.0",
        Some(ok),
    )
    .await;
    assert!(p.go_will_succeed, "{p:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_mode_without_go_import_meta() {
    let l = lab();
    // A login wall answers the ?go-get=1 request.
    let fetcher = Fetcher::new(None, Duration::from_secs(2));
    let served = fetcher
        .get(
            &format!("{}/corp.example/private?go-get=1", l.url()),
            1 << 20,
        )
        .await;
    let url = "https://corp.example/private?go-get=1";
    let err = repo_root_from_go_get("corp.example/private", url, &served).unwrap_err();
    let d = DirectOutcome {
        ok: false,
        go_error: Some(format!(
            "unrecognized import path \"corp.example/private\": {err}"
        )),
        not_found: true,
        class: gomod_diag::vocab::CauseId::VcsMetaMissing,
        verified: true,
        unchecked: None,
        detail: vec![],
    };
    let p = predict_with(
        &[("GOPROXY", "direct")],
        "corp.example/private@v1.0.0",
        Some(d),
    )
    .await;
    assert_eq!(
        p.error_text.unwrap(),
        "go: corp.example/private@v1.0.0: unrecognized import path \"corp.example/private\": parse https://corp.example/private?go-get=1: no go-import meta tags ()"
    );
    assert_eq!(
        p.modules[0].cause.map(|c| c.as_str()),
        Some("vcs.meta_missing")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_faults_are_classified() {
    let l = lab();
    for (fault, cause) in [
        (Fault::status(403), "goproxy.forbidden"),
        (Fault::status(503), "goproxy.http_error"),
        (Fault::Html, "goproxy.captive_portal"),
        (Fault::WrongVersionInfo, "goproxy.invalid_info"),
    ] {
        l.clear_faults();
        l.fault(".info", fault.clone());
        let p = assert_gold(&[("GOPROXY", &l.url())], "example.com/hello@v1.0.0").await;
        assert_eq!(
            p.modules[0].cause.map(|c| c.as_str()),
            Some(cause),
            "{fault:?}: {p:#?}"
        );
    }
    l.clear_faults();
    l.fault(".zip", Fault::NotZip);
    let p = assert_gold(&[("GOPROXY", &l.url())], "example.com/hello@v1.0.0").await;
    assert_eq!(
        p.modules[0].error_text.as_deref(),
        Some("go: zip: not a valid zip file")
    );
    // A zip still downloading at the step limit: Go keeps downloading, so no failure is
    // predicted; the zip is left unverified and the prediction says so.
    l.clear_faults();
    l.fault(".zip", Fault::Slow(Duration::from_secs(4)));
    let p = predict_with(&[("GOPROXY", &l.url())], "example.com/hello@v1.0.0", None).await;
    assert_eq!(p.modules[0].outcome, Outcome::Ok, "{p:#?}");
    assert!(
        p.modules[0]
            .assumptions
            .iter()
            .any(|a| a.contains("did not finish downloading")),
        "{p:#?}"
    );
    l.clear_faults();
    let p = predict_with(&[("GOPROXY", &l.url())], "example.com/hello@v1.0.0", None).await;
    assert_eq!(p.modules[0].outcome, Outcome::Ok);
}

#[test]
fn cli_probe_goproxy_and_sumdb() {
    let l = lab();
    let key = l.sumdb_key();
    let bin = assert_cmd::cargo::cargo_bin!("gomod-diag");
    let run = |args: &[&str], extra: &[(&str, &str)]| {
        let mut c = Command::new(bin);
        c.args(args)
            .env_clear()
            .env("PATH", "/nonexistent")
            .env("HOME", "/nonexistent")
            .env("GOENV", "off")
            .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
            .env("GOMOD_DIAG_NO_MIRRORS", "1")
            .env("GOPROXY", l.url())
            .env("GOSUMDB", &key);
        for (k, v) in extra {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let out = run(
        &["probe", "goproxy", "example.com/hello@v1.1.0", "--zip"],
        &[],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Prediction: Go will succeed."), "{text}");
    assert!(text.contains("MB/s"), "{text}");
    let out = run(
        &["probe", "sumdb", "example.com/nope@v1.0.0", "--json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["prediction"]["go_will_succeed"], false);
    let out = run(&["probe", "sumdb", "example.com/hello@v1.0.0"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Credentials over plain http: Go refuses (gold text), and the secret never shows.
    let with_secret = l.url().replace("http://", "http://user:s3cret@");
    for json in [false, true] {
        let mut args = vec!["probe", "goproxy", "example.com/hello@v1.1.0"];
        if json {
            args.push("--json");
        }
        let out = run(&args, &[("GOPROXY", &with_secret)]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(!all.contains("s3cret"), "{all}");
        assert!(
            all.contains(
                "refusing to pass credentials to insecure URL: http://user:xxxxx@127.0.0.1:"
            ),
            "{all}"
        );
    }
    let out = run(&["probe", "goproxy", "bad module@"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"bad module@\""));
    let out = run(&["probe", "sumdb", "example.com/hello"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

/// A git configuration of its own (no system or user config), with `url.insteadOf` rules.
fn git_setup(dir: &std::path::Path, instead_of: &[(&str, &str)]) -> GitSetup {
    let mut cfg = String::new();
    for (base, prefix) in instead_of {
        cfg.push_str(&format!("[url \"{base}\"]\n\tinsteadOf = {prefix}\n"));
    }
    let file = dir.join("gitconfig");
    std::fs::write(&file, cfg).unwrap();
    GitSetup {
        program: "git".into(),
        gomodcache: dir.join("modcache").display().to_string(),
        env: vec![
            ("GIT_CONFIG_GLOBAL".into(), file.display().to_string()),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            ("HOME".into(), dir.display().to_string()),
        ],
    }
}

fn have_git() -> bool {
    let ok = Command::new("git").arg("--version").output().is_ok();
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but git is not on PATH"
        );
        eprintln!("skipping: no `git` on PATH");
    }
    ok
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_mode_git_checks() {
    // Go's own GET of a failed https remote (https://github.com/...) goes to a dead loopback
    // proxy: nothing leaves the machine.
    let dead_proxy = gomod_diag::config::httpproxy::ProxyEnv::from_lookup(&|k| {
        if k == "HTTPS_PROXY" {
            "http://127.0.0.1:9".into()
        } else {
            String::new()
        }
    });
    let fetcher = Fetcher::new(Some(dead_proxy), Duration::from_secs(2));
    let module = "github.com/org/repo";
    // No git: github.com is in Go's static table, so nothing but git is needed.
    let opts = DirectOptions::new(Duration::from_secs(2));
    let missing = GitSetup {
        program: "/nonexistent/git".into(),
        ..GitSetup::default()
    };
    let d = probe_direct_with(module, &fetcher, &opts, &missing).await;
    assert_eq!(d.class, "vcs.git_missing", "{d:?}");
    // Observed with go 1.27 (fidelity lab, vcs.git_missing): no URL, no directory.
    assert_eq!(
        d.go_error.as_deref(),
        Some("unable to resolve git version: failed to execute git version: exec: \"git\": executable file not found in $PATH")
    );
    // GOVCS allows only hg for public modules.
    let opts = DirectOptions {
        govcs: Some(gomod_diag::config::govcs::parse_govcs("public:hg").unwrap()),
        ..DirectOptions::new(Duration::from_secs(2))
    };
    let d = probe_direct(module, &fetcher, &opts).await;
    assert_eq!(d.class, "vcs.govcs_denied");
    assert_eq!(
        d.go_error.as_deref(),
        Some("GOVCS disallows using git for public github.com/org/repo; see 'go help vcs'")
    );
    if !have_git() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // An insteadOf rewrite to ssh on a port where nothing listens.
    let opts = DirectOptions::new(Duration::from_secs(2));
    let git = git_setup(
        tmp.path(),
        &[("ssh://git@127.0.0.1:1/", "https://github.com/")],
    );
    let d = probe_direct_with(module, &fetcher, &opts, &git).await;
    assert_eq!(d.class, "vcs.ssh_blocked", "{d:?}");
    assert!(d.detail.iter().any(|l| l.contains(".insteadOf)")), "{d:?}");
    let work_dir = gomod_diag::modfetch::direct::vcs_work_dir(
        &tmp.path().join("modcache").display().to_string(),
        "https://github.com/org/repo",
    );
    let predicted = d.go_error.clone().unwrap();
    assert_eq!(
        predicted,
        format!("invalid version: git ls-remote -q --end-of-options https://github.com/org/repo in {work_dir}: exit status 128:\n\tssh: connect to host 127.0.0.1 port 1: Connection refused\r\n\tfatal: Could not read from remote repository.\n\t\n\tPlease make sure you have the correct access rights\n\tand the repository exists.")
    );
    // A repository already in Go's cache is asked as `origin` (observed with go 1.27).
    // (An earlier run's: a directory created seconds ago may be a run under way.)
    let objects = std::path::Path::new(&work_dir).join("objects");
    std::fs::create_dir_all(&objects).unwrap();
    let d = probe_direct_with(module, &fetcher, &opts, &git).await;
    assert_eq!(d.go_error.as_deref(), Some(predicted.as_str()));
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    std::fs::File::open(&objects)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let d = probe_direct_with(module, &fetcher, &opts, &git).await;
    assert_eq!(
        d.go_error.as_deref(),
        Some(
            predicted
                .replace(
                    "options https://github.com/org/repo in",
                    "options origin in"
                )
                .as_str()
        )
    );
    std::fs::remove_dir_all(&work_dir).unwrap();
    // With --vcs, the real git and ssh print exactly what was predicted without it.
    if Command::new("ssh").arg("-V").output().is_ok() {
        let vcs = DirectOptions {
            ls_remote: true,
            ..DirectOptions::new(Duration::from_secs(2))
        };
        let d = probe_direct_with(module, &fetcher, &vcs, &git).await;
        assert_eq!(d.class, "vcs.ssh_blocked", "{d:?}");
        assert_eq!(d.go_error.as_deref(), Some(predicted.as_str()));
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but ssh is not on PATH"
        );
        eprintln!("skipping the --vcs ssh comparison: no `ssh` on PATH");
    }
    // --no-vcs: git's anonymous first request (info/refs) decides; its texts are what the
    // real git prints for the same answers.
    let l = lab();
    let base = format!("{}/git/", l.url());
    let git = git_setup(tmp.path(), &[(&base, "https://github.com/")]);
    let d = probe_direct_with(module, &fetcher, &opts, &git).await;
    assert_eq!(d.class, "goproxy.module_not_found", "{d:?}");
    assert!(
        l.requests()
            .iter()
            .any(|r| r == "/git/org/repo/info/refs?service=git-upload-pack"),
        "{:?}",
        l.requests()
    );
    let vcs = DirectOptions {
        ls_remote: true,
        ..DirectOptions::new(Duration::from_secs(2))
    };
    let real = probe_direct_with(module, &fetcher, &vcs, &git).await;
    assert_eq!(real.class, "goproxy.module_not_found", "{real:?}");
    assert_eq!(real.go_error, d.go_error, "predicted vs real git");
    l.fault("/git/", Fault::AuthRequired);
    let d = probe_direct_with(module, &fetcher, &opts, &git).await;
    assert_eq!(d.class, "vcs.auth_required", "{d:?}");
    let real = probe_direct_with(module, &fetcher, &vcs, &git).await;
    assert_eq!(real.go_error, d.go_error, "predicted vs real git");
    // A netrc git would read: the anonymous 401 no longer decides.
    std::fs::write(
        tmp.path().join(".netrc"),
        "machine 127.0.0.1 login u password p\n",
    )
    .unwrap();
    let d = probe_direct_with(module, &fetcher, &opts, &git).await;
    assert!(d.ok && !d.verified && d.unchecked.is_some(), "{d:?}");
    std::fs::remove_file(tmp.path().join(".netrc")).unwrap();
    l.clear_faults();
    // With --vcs: the host wants credentials and Go disables prompts.
    let l = lab();
    l.fault("/git/", Fault::AuthRequired);
    let opts = DirectOptions {
        ls_remote: true,
        ..DirectOptions::new(Duration::from_secs(2))
    };
    let base = format!("{}/git/", l.url());
    let git = git_setup(tmp.path(), &[(&base, "https://github.com/")]);
    let d = probe_direct_with(module, &fetcher, &opts, &git).await;
    assert_eq!(d.class, "vcs.auth_required", "{d:?}");
    assert_eq!(
        d.go_error.as_deref(),
        Some(format!("invalid version: git ls-remote -q --end-of-options https://github.com/org/repo in {work_dir}: exit status 128:\n\tfatal: could not read Username for '{}': terminal prompts disabled\nConfirm the import path was entered correctly.\nIf this is a private repository, see https://go.dev/doc/faq#git_https for additional information.", l.url()).as_str()),
        "git names the host it asked (the insteadOf target)"
    );
    assert!(
        l.requests()
            .iter()
            .any(|r| r.starts_with("/git/org/repo/info/refs")),
        "{:?}",
        l.requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_server_is_reported_as_a_stall() {
    let l = lab();
    l.fault(".info", Fault::Slow(Duration::from_secs(3)));
    let fetcher = Fetcher::new(None, Duration::from_millis(500));
    let f = fetcher
        .get(
            &format!("{}/example.com/hello/@v/v1.0.0.info", l.url()),
            1024,
        )
        .await;
    match f {
        gomod_diag::facts::observed::Fetch::NetError {
            class, go_error, ..
        } => {
            assert_eq!(class, "goproxy.slow");
            assert!(go_error.contains("Go itself has no timeout"), "{go_error}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_probe_backend_gives_the_same_prediction() {
    let b = lab();
    let comma = format!("http://127.0.0.1:1,{}", b.url());
    let sim = config(&[("GOPROXY", &comma)]);
    let mut opts = gomod_diag::probe::ProbeOptions::new(Duration::from_secs(5));
    opts.per_probe_timeout = Duration::from_secs(2);
    let fetcher = Fetcher::with_probe(None, &opts);
    let (p, obs) = observe(
        &routes(&sim, &[target("example.com/hello@v1.1.0")]),
        &ZIP,
        &fetcher,
        Observations::default(),
        12,
        direct_fixed(None),
    )
    .await;
    assert_eq!(
        p.error_text.as_deref(),
        Some("go: example.com/hello@v1.1.0: Get \"http://127.0.0.1:1/example.com/hello/@v/v1.1.0.info\": dial tcp 127.0.0.1:1: connect: connection refused"),
        "{obs:#?}"
    );
    let ok = format!("{},{}", b.url(), b.url());
    let sim = config(&[("GOPROXY", &ok), ("GOSUMDB", &b.sumdb_key())]);
    let (p, _) = observe(
        &routes(&sim, &[target("example.com/Upper@v0.1.0")]),
        &ZIP,
        &fetcher,
        Observations::default(),
        12,
        direct_fixed(None),
    )
    .await;
    assert!(p.go_will_succeed, "{p:#?}");
}

/// A git that hangs (its helper too, like an ssh waiting for a passphrase) is killed with its
/// whole process group at the deadline: the run ends, nothing is left behind, nothing prompts.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_git_is_killed_with_its_helpers_at_the_deadline() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let pid_file = tmp.path().join("helper.pid");
    let tty_file = tmp.path().join("tty");
    let script = tmp.path().join("git");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncase \"$1\" in\nversion) echo 'git version 2.39.5';;\nls-remote) (tty > {tty} 2>&1; echo \"$GIT_TERMINAL_PROMPT $GCM_INTERACTIVE\" >> {tty}; sleep 60) & echo $! > {pid}; sleep 60;;\n*) exit 1;;\nesac\n",
            tty = tty_file.display(),
            pid = pid_file.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let git = GitSetup {
        program: script.display().to_string(),
        env: vec![],
        gomodcache: tmp.path().join("modcache").display().to_string(),
    };
    let opts = DirectOptions {
        ls_remote: true,
        ..DirectOptions::new(Duration::from_millis(800))
    };
    let fetcher = Fetcher::new(None, Duration::from_secs(1));
    let started = std::time::Instant::now();
    let d = probe_direct_with("github.com/org/repo", &fetcher, &opts, &git).await;
    assert!(started.elapsed() < Duration::from_secs(30), "{d:?}");
    assert!(!d.ok, "{d:?}");
    assert!(
        d.go_error
            .as_deref()
            .unwrap_or("")
            .contains("no answer within"),
        "{d:?}"
    );
    // No terminal to prompt on (its own session), and Go's no-prompt environment.
    let tty = std::fs::read_to_string(&tty_file).unwrap();
    assert!(tty.contains("not a tty"), "{tty}");
    assert!(tty.contains("0 never"), "{tty}");
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_string();
    let mut gone = false;
    for _ in 0..100 {
        // Gone, or a zombie waiting for a reaper that is not us.
        gone = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
            .unwrap_or(true);
        if gone {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gone, "the helper {pid} outlived the deadline");
}
