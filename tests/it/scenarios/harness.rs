//! Loads `fixtures/scenarios/*.json` into the crate's fact types and checks the verdict.
//!
//! Fixture format (every key but `description`, `modules` and `expected` is optional):
//! ```json
//! {
//!   "description": "what the network does",
//!   "os": "linux" | "windows" | "macos",
//!   "env": { "GOPROXY": "...", "HTTPS_PROXY": "..." },       // the OS environment
//!   "env_file": "GOPROXY=...\n",                              // the user's go env file
//!   "go_missing": true,                                       // no `go` on PATH
//!   "modules": ["path@version" | "path"],                     // targets (`path` = @latest)
//!   "zip": false,                                             // walk the .zip requests too
//!   "http": { URL: {"status": 404, "body": "...", "content_type": "...", "elapsed_ms": 9}
//!           | {"error": "Get \"URL\": dial tcp ...", "class": "tcp.timeout"} },
//!   "direct": { module path: DirectOutcome (defaults: ok=false, not_found=false, verified=true) },
//!   "sumdb": { "base": URL, "records": ["path@version"], "go_mod_h1": {"path@version": "h1:..."},
//!              "signed_by_other_key": false },
//!   "endpoints": [EndpointFacts], "dns": [DnsFacts], "clock": [ClockFacts], "system": SystemFacts,
//!   "mirrors": MirrorRace,                                    // the mirror race `run` records
//!   "expected": { "cause", "findings": [...], "absent_findings": [...], "go_will_succeed",
//!                 "go_error_contains": [...], "summary_contains": [...], "evidence_contains": [...],
//!                 "fixes": { "bash": [...], "powershell": [...], "cmd": [...] }, "holes_allowed": [...] }
//! }
//! ```
//! Facts are the probes' own types; the harness fills only what a probe always records and a
//! reader does not need to see (empty lists, zero timings, scheme/host/port from the URL, the
//! resolver comparison and bogon list that `probe::dns` computes from the answers). A 200
//! without a body gets the body a proxy serves (`.info` JSON for the version, `module <path>`
//! for `.mod`, an empty `supported`). `sumdb` builds a real checksum database (signed tree
//! note, tiles) for the records, signed with a test key that `$GOROOT/go.env` declares for
//! `sum.golang.org` — the simulation verifies it exactly as Go does.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use gomod_diag::catalog::Catalog;
use gomod_diag::cli::Lang;
use gomod_diag::config::{ConfigInputs, FileInput, GoConfig, GoToolCheck, OsKind};
use gomod_diag::facts::observed::{canonical_reason, Fetch};
use gomod_diag::facts::{DirectOutcome, Observations};
use gomod_diag::facts::{Facts, TargetChoice};
use gomod_diag::plan::{route_module, ModuleTarget};
use gomod_diag::probe::dns::{self, Bogon, DnsFacts};
use gomod_diag::report::{self, Report, Style};
use gomod_diag::shell::Shell;
use gomod_diag::simulate::proto::{dirhash, note, tlog};
use gomod_diag::simulate::{simulate, SimOptions};
use gomod_diag::vocab::module::join_url;
use gomod_diag::vocab::module::{escape_path, escape_version};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub description: String,
    #[serde(default)]
    pub os: Option<OsKind>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub env_file: Option<String>,
    #[serde(default)]
    pub go_missing: bool,
    pub modules: Vec<String>,
    #[serde(default)]
    pub zip: bool,
    #[serde(default)]
    pub http: BTreeMap<String, HttpObs>,
    #[serde(default)]
    pub direct: BTreeMap<String, Value>,
    #[serde(default)]
    pub sumdb: Option<SumdbSpec>,
    #[serde(default)]
    pub endpoints: Vec<Value>,
    #[serde(default)]
    pub dns: Vec<Value>,
    #[serde(default)]
    pub clock: Vec<Value>,
    #[serde(default)]
    pub system: Option<Value>,
    /// A mirror race (`MirrorRace`, as `run` records it).
    #[serde(default)]
    pub mirrors: Option<Value>,
    pub expected: Expected,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum HttpObs {
    Status {
        status: u16,
        #[serde(default)]
        reason: Option<String>,
        #[serde(default)]
        content_type: Option<String>,
        #[serde(default)]
        body: Option<String>,
        #[serde(default)]
        elapsed_ms: u64,
    },
    Error {
        error: String,
        class: String,
        #[serde(default)]
        elapsed_ms: u64,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SumdbSpec {
    /// Where Go reads the database (`https://proxy.golang.org/sumdb/sum.golang.org`).
    pub base: String,
    /// `path@version` records the database holds.
    pub records: Vec<String>,
    /// Recorded go.mod hashes that differ from the served go.mod (a mismatch).
    #[serde(default)]
    pub go_mod_h1: BTreeMap<String, String>,
    /// The tree note is signed with a key other than the configured one.
    #[serde(default)]
    pub signed_by_other_key: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub cause: String,
    #[serde(default)]
    pub findings: Vec<String>,
    #[serde(default)]
    pub absent_findings: Vec<String>,
    pub go_will_succeed: bool,
    #[serde(default)]
    pub go_error_contains: Vec<String>,
    #[serde(default)]
    pub summary_contains: Vec<String>,
    #[serde(default)]
    pub evidence_contains: Vec<String>,
    /// Substrings each shell's fix commands must contain.
    #[serde(default)]
    pub fixes: BTreeMap<String, Vec<String>>,
    /// Placeholders that may stay unfilled (`<...>` holes) in the fix commands.
    #[serde(default)]
    pub holes_allowed: Vec<String>,
    /// Credentials in the inputs that must appear nowhere in the report (JSON included).
    #[serde(default)]
    pub secrets: Vec<String>,
}

/// Every scenario file, sorted by name.
pub fn load_all() -> Vec<(String, Scenario)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            let sc: Scenario =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, sc)
        })
        .collect()
}

const GOROOT_GO_ENV: &str =
    "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=auto\n";
const SUMDB_SEED: [u8; 32] = [7; 32];
const OTHER_SEED: [u8; 32] = [9; 32];

fn config_for(sc: &Scenario) -> GoConfig {
    let os = sc.os.unwrap_or(OsKind::Linux);
    let mut go_env = GOROOT_GO_ENV.to_string();
    if sc.sumdb.is_some() {
        // The test world's sum.golang.org signs with a test key; go.env declares it.
        let key = note::Signer::from_seed("sum.golang.org", &SUMDB_SEED)
            .unwrap()
            .verifier_key();
        go_env = go_env.replace("GOSUMDB=sum.golang.org", &format!("GOSUMDB={key}"));
    }
    let (goroot, env_path) = match os {
        OsKind::Windows => (
            r"C:\Program Files\Go",
            r"C:\Users\dev\AppData\Roaming\go\env",
        ),
        OsKind::Macos => (
            "/usr/local/go",
            "/Users/dev/Library/Application Support/go/env",
        ),
        _ => ("/usr/local/go", "/home/dev/.config/go/env"),
    };
    let mut config = GoConfig::from_inputs(&ConfigInputs {
        os: Some(os),
        env: sc.env.clone(),
        env_file: Some(FileInput {
            path: env_path.into(),
            contents: sc.env_file.clone(),
        }),
        goroot_detected: Some(goroot.into()),
        goroot_go_env: Some(FileInput {
            path: format!("{goroot}/go.env"),
            contents: Some(go_env),
        }),
    });
    if sc.go_missing {
        config.go_tool = GoToolCheck::Missing {
            reason: "no go on PATH".into(),
        };
    }
    config
}

fn targets(sc: &Scenario) -> Vec<ModuleTarget> {
    sc.modules
        .iter()
        .map(|m| match m.split_once('@') {
            Some((p, v)) => ModuleTarget {
                path: p.into(),
                version: Some(v.into()),
            },
            None => ModuleTarget {
                path: m.clone(),
                version: None,
            },
        })
        .collect()
}

/// The module and version a GOPROXY URL asks for (`.../<esc path>/@v/<esc ver>.<ext>`).
fn module_of_url(sc: &Scenario, url: &str) -> Option<(String, String, String)> {
    let (before, file) = url.rsplit_once("/@v/")?;
    let (ver, ext) = file.rsplit_once('.')?;
    let path = targets(sc)
        .into_iter()
        .map(|t| t.path)
        .find(|p| escape_path(p).is_ok_and(|e| before.ends_with(&format!("/{e}"))))?;
    let version = gomod_diag::vocab::module::unescape(ver)?;
    Some((path, version, ext.to_string()))
}

fn default_body(sc: &Scenario, url: &str) -> Vec<u8> {
    match module_of_url(sc, url) {
        Some((_, v, ext)) if ext == "info" => {
            format!("{{\"Version\":\"{v}\",\"Time\":\"2023-10-11T17:12:57Z\"}}").into_bytes()
        }
        Some((p, _, ext)) if ext == "mod" => format!("module {p}\n\ngo 1.18\n").into_bytes(),
        Some((_, _, ext)) if ext == "zip" => {
            let mut z = b"PK\x05\x06".to_vec();
            z.extend([0u8; 18]);
            z
        }
        _ => Vec::new(),
    }
}

fn observations(sc: &Scenario) -> Observations {
    let mut obs = Observations::default();
    for (url, o) in &sc.http {
        let fetch = match o {
            HttpObs::Status {
                status,
                reason,
                content_type,
                body,
                elapsed_ms,
            } => {
                let body = match body {
                    Some(b) => b.clone().into_bytes(),
                    None if *status == 200 => default_body(sc, url),
                    None => Vec::new(),
                };
                let ct = content_type.clone().unwrap_or_else(|| {
                    if url.ends_with(".info") && *status == 200 {
                        "application/json".into()
                    } else {
                        "text/plain; charset=utf-8".into()
                    }
                });
                Fetch::Status {
                    code: *status,
                    reason: reason
                        .clone()
                        .unwrap_or_else(|| canonical_reason(*status).into()),
                    content_type: ct,
                    size: body.len() as u64,
                    body,
                    elapsed_ms: *elapsed_ms,
                }
            }
            HttpObs::Error {
                error,
                class,
                elapsed_ms,
            } => Fetch::NetError {
                go_error: error.clone(),
                class: class.parse().unwrap_or_else(|e| panic!("{url}: {e}")),
                elapsed_ms: *elapsed_ms,
            },
        };
        obs.http.insert(url.clone(), fetch);
    }
    for (path, v) in &sc.direct {
        let v = with_defaults(
            v,
            json!({"ok": false, "go_error": null, "not_found": false, "class": "ok",
                   "verified": true, "detail": []}),
        );
        let d: DirectOutcome =
            serde_json::from_value(v).unwrap_or_else(|e| panic!("direct {path}: {e}"));
        obs.direct.insert(path.clone(), d);
    }
    if let Some(spec) = &sc.sumdb {
        add_sumdb(spec, &mut obs);
    }
    obs
}

/// A checksum database holding `spec.records`, served under `spec.base`.
fn add_sumdb(spec: &SumdbSpec, obs: &mut Observations) {
    let signer = note::Signer::from_seed(
        "sum.golang.org",
        if spec.signed_by_other_key {
            &OTHER_SEED
        } else {
            &SUMDB_SEED
        },
    )
    .unwrap();
    let mut log = tlog::MemoryLog::default();
    for i in 0..5 {
        log.append(&format!(
            "example.com/filler{i} v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nexample.com/filler{i} v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
        ));
    }
    let mut ids = vec![];
    for mv in &spec.records {
        let (path, version) = mv.split_once('@').expect("sumdb record path@version");
        let (ep, ev) = (escape_path(path).unwrap(), escape_version(version).unwrap());
        let served_mod = obs.http.iter().find_map(|(u, f)| match f {
            Fetch::Status {
                code: 200, body, ..
            } if u.ends_with(&format!("/{ep}/@v/{ev}.mod")) => Some(body.clone()),
            _ => None,
        });
        let go_mod = served_mod.unwrap_or_else(|| format!("module {path}\n").into_bytes());
        let go_mod_h1 = spec
            .go_mod_h1
            .get(mv)
            .cloned()
            .unwrap_or_else(|| dirhash::hash_go_mod(&go_mod));
        let zip_h1 = dirhash::hash1(&[(format!("{mv}/go.mod"), go_mod)]).unwrap();
        let text = format!("{path} {version} {zip_h1}\n{path} {version}/go.mod {go_mod_h1}\n");
        ids.push((ep, ev, log.append(&text), text));
    }
    let tree = log.tree();
    let signed = signer.sign_note(&tlog::format_tree(&tree)).unwrap();
    let ok = |body: Vec<u8>| Fetch::Status {
        code: 200,
        reason: "OK".into(),
        content_type: "text/plain; charset=utf-8".into(),
        size: body.len() as u64,
        body,
        elapsed_ms: 0,
    };
    for (ep, ev, id, text) in ids {
        let lookup = join_url(&spec.base, &format!("lookup/{ep}@{ev}"));
        obs.http
            .insert(lookup, ok(format!("{id}\n{text}\n{signed}").into_bytes()));
        for tile in tlog::plan_record_tiles(&tree, id).unwrap().tiles {
            let data = log.tile_data(&tile).expect("tile in the test log");
            obs.http
                .insert(join_url(&spec.base, &tile.path()), ok(data));
        }
    }
}

/// `v` with every key of `defaults` that `v` lacks (objects only, one level).
fn with_defaults(v: &Value, defaults: Value) -> Value {
    let mut out: Map<String, Value> = v.as_object().cloned().unwrap_or_default();
    if let Value::Object(d) = defaults {
        for (k, dv) in d {
            out.entry(k).or_insert(dv);
        }
    }
    Value::Object(out)
}

fn tls_defaults(v: &Value, host: &str) -> Value {
    with_defaults(
        v,
        json!({"server_name": host, "alpn_offered": ["h2", "http/1.1"], "chain": [],
               "go_roots": "system (/etc/ssl/certs/ca-certificates.crt)", "time_ms": 0.0}),
    )
}

fn endpoint(v: &Value) -> gomod_diag::probe::chain::EndpointFacts {
    let url_text = v["url"].as_str().expect("endpoint.url");
    let u = url::Url::parse(url_text).expect("endpoint.url parses");
    let host = u.host_str().unwrap_or("").to_string();
    let mut e = with_defaults(
        v,
        json!({"scheme": u.scheme(), "host": host, "port": u.port_or_known_default(),
               "route": "direct", "tcp": [], "timings": {}, "findings": [], "time_ms": 0.0}),
    );
    if let Some(t) = e.get("tls").cloned() {
        e["tls"] = tls_defaults(&t, &host);
    }
    if let Some(p) = e.get("proxy").cloned() {
        let proxy_url = p["proxy"]
            .as_str()
            .or(e["route"].as_str())
            .unwrap_or("")
            .to_string();
        let pu = url::Url::parse(&proxy_url).ok();
        let mut p = with_defaults(
            &p,
            json!({"proxy": proxy_url,
                   "scheme": pu.as_ref().map(|u| u.scheme().to_string()).unwrap_or_default(),
                   "proxy_addr": pu.as_ref().map(|u| format!("{}:{}", u.host_str().unwrap_or(""), u.port_or_known_default().unwrap_or(0))).unwrap_or_default(),
                   "target": format!("{host}:{}", u.port_or_known_default().unwrap_or(443)),
                   "credentials": false, "tcp": [], "timings": {}, "time_ms": 0.0}),
        );
        if let Some(t) = p.get("tunnel_tls").cloned() {
            p["tunnel_tls"] = tls_defaults(&t, &host);
        }
        if let Some(t) = p.get("proxy_tls").cloned() {
            let ph = pu.as_ref().and_then(|u| u.host_str()).unwrap_or("");
            p["proxy_tls"] = tls_defaults(&t, ph);
        }
        if let Some(d) = p.get("dns").cloned() {
            p["dns"] = answer(&d, "system");
        }
        e["proxy"] = p;
    }
    if let Some(d) = e.get("dns").cloned() {
        e["dns"] = answer(&d, "system");
    }
    serde_json::from_value(e).unwrap_or_else(|err| panic!("endpoint {url_text}: {err}"))
}

/// A resolver answer; `"addrs": [..]` is shorthand for `"answers": [{"addr": ..}, ..]`.
fn answer(v: &Value, resolver: &str) -> Value {
    let mut a = with_defaults(
        v,
        json!({"resolver": resolver, "transport": "udp", "answers": [], "time_ms": 0.0}),
    );
    if let Some(addrs) = a.as_object_mut().and_then(|o| o.remove("addrs")) {
        a["answers"] = Value::Array(
            addrs
                .as_array()
                .unwrap()
                .iter()
                .map(|x| json!({ "addr": x }))
                .collect(),
        );
    }
    a
}

/// DNS facts as `probe::dns::probe_dns` records them: the comparison, bogons and hints are
/// computed from the answers unless the fixture states them.
fn dns_facts(v: &Value) -> DnsFacts {
    let mut d = with_defaults(
        v,
        json!({"public": [], "bogons": [], "hints": [], "time_ms": 0.0}),
    );
    d["system"] = answer(&d["system"], "system");
    if let Some(os) = d.get("os").cloned() {
        d["os"] = answer(&os, "os");
    }
    if let Some(doh) = d.get("doh").cloned() {
        d["doh"] = answer(&doh, "doh");
    }
    let public: Vec<Value> = d["public"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| answer(p, "public"))
        .collect();
    d["public"] = Value::Array(public);
    let stated_agreement = d.get("agreement").cloned();
    let stated_hints = !d["hints"].as_array().is_some_and(|h| h.is_empty());
    if stated_agreement.is_none() {
        d["agreement"] = json!("not_compared");
    }
    let name = d["name"].as_str().unwrap_or("?").to_string();
    let mut f: DnsFacts = serde_json::from_value(d).unwrap_or_else(|e| panic!("dns {name}: {e}"));
    if stated_agreement.is_none() {
        let reference = f
            .public
            .iter()
            .chain(f.doh.iter())
            .find(|a| a.class.answered())
            .or(f.public.first());
        f.agreement = dns::compare(&f.system, reference);
    }
    if f.bogons.is_empty() {
        for a in std::iter::once(&f.system).chain(f.os.iter()) {
            for r in &a.answers {
                if let Some(kind) = dns::bogon_kind(r.addr) {
                    f.bogons.push(Bogon {
                        resolver: a.resolver,
                        server: a.server.clone(),
                        addr: r.addr,
                        kind: kind.into(),
                    });
                }
            }
        }
    }
    if !stated_hints {
        f.hints = dns::hints(&f);
    }
    f
}

pub fn facts(sc: &Scenario) -> Facts {
    Facts {
        started_at: "2026-11-21T06:00:00Z".into(),
        finished_at: "2026-11-21T06:00:02Z".into(),
        duration_ms: 2000.0,
        deadline_ms: 15000,
        deadline_expired: false,
        assumptions: vec![],
        targets: sc
            .modules
            .iter()
            .map(|m| TargetChoice {
                module: m.clone(),
                why: "scenario".into(),
            })
            .collect(),
        observations: observations(sc),
        endpoints: sc.endpoints.iter().map(endpoint).collect(),
        dns: sc.dns.iter().map(dns_facts).collect(),
        clock: sc
            .clock
            .iter()
            .map(|c| {
                let c = with_defaults(
                    c,
                    json!({"server_date": "Sat, 21 Nov 2026 06:00:00 GMT",
                           "local_time": "Sat, 21 Nov 2026 06:00:00 GMT"}),
                );
                serde_json::from_value(c).unwrap_or_else(|e| panic!("clock: {e}"))
            })
            .collect(),
        system: sc.system.as_ref().map(|s| {
            let s = with_defaults(
                s,
                json!({"os": "linux", "system_proxies": [], "stale_env": [],
                       "skipped_profile_lines": [], "hosts_path": "/etc/hosts",
                       "shell": {"shell": "bash", "reason": "scenario"}}),
            );
            serde_json::from_value(s).unwrap_or_else(|e| panic!("system: {e}"))
        }),
        mirrors: sc
            .mirrors
            .as_ref()
            .map(|m| serde_json::from_value(m.clone()).unwrap_or_else(|e| panic!("mirrors: {e}"))),
    }
}

/// The report `gomod-diag run` would print for the scenario, fixes in `shell`.
pub fn build_report(sc: &Scenario, shell: Shell) -> Report {
    build_report_in(sc, shell, Lang::En)
}

/// [`build_report`] in `lang`.
pub fn build_report_in(sc: &Scenario, shell: Shell, lang: Lang) -> Report {
    let config = config_for(sc);
    let plan: Vec<_> = targets(sc)
        .iter()
        .map(|t| route_module(&config, t))
        .collect();
    let facts = facts(sc);
    let prediction = simulate(
        &plan,
        &facts.observations,
        &SimOptions { check_zip: sc.zip },
    );
    let catalog = Catalog::builtin();
    let style = Style {
        catalog: &catalog,
        lang,
        shell,
    };
    report::build(&config, plan, facts, prediction, &style)
}

fn shell_named(name: &str) -> Result<Shell, String> {
    Ok(match name {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "powershell" => Shell::PowerShell,
        "cmd" => Shell::Cmd,
        other => return Err(format!("unknown shell {other:?} in expected.fixes")),
    })
}

/// Checks one scenario; the error lists every mismatch with the verdict's context.
pub fn run_scenario(sc: &Scenario) -> Result<(), String> {
    let exp = &sc.expected;
    let r = build_report(sc, Shell::Bash);
    let v = &r.verdict;
    let mut errs = Vec::new();
    // No raw `{placeholder}` may reach the reader, in the sentence or the explanation.
    for (what, text) in [
        ("summary", &v.cause.summary),
        ("explanation", &v.cause.explanation),
    ] {
        let raw = gomod_diag::catalog::placeholders_in(text);
        if !raw.is_empty() {
            errs.push(format!(
                "the verdict's {what} shows raw placeholders {raw:?}: {text}"
            ));
        }
    }
    // A fact set must hold everything Go's path needs — except where the verdict is precisely
    // that something could not be observed.
    if !r.prediction.missing.is_empty() && exp.cause != "inconclusive" {
        errs.push(format!(
            "the simulation needs unobserved requests: {:?}",
            r.prediction.missing
        ));
    }
    if v.cause.id != exp.cause {
        errs.push(format!("cause {:?}, expected {:?}", v.cause.id, exp.cause));
    }
    let found: Vec<&str> = v.findings.iter().map(|f| f.id.as_str()).collect();
    for f in &exp.findings {
        if !found.contains(&f.as_str()) {
            errs.push(format!("finding {f:?} missing"));
        }
    }
    for f in &exp.absent_findings {
        if found.contains(&f.as_str()) {
            errs.push(format!("finding {f:?} present but must not be"));
        }
    }
    if v.go_will_succeed != exp.go_will_succeed {
        errs.push(format!(
            "go_will_succeed {}, expected {}",
            v.go_will_succeed, exp.go_will_succeed
        ));
    }
    let go_error = v.go_error.clone().unwrap_or_default();
    for s in &exp.go_error_contains {
        if !go_error.contains(s.as_str()) {
            errs.push(format!("Go's error does not contain {s:?}"));
        }
    }
    for s in &exp.summary_contains {
        if !v.cause.summary.contains(s.as_str()) {
            errs.push(format!("summary does not contain {s:?}"));
        }
    }
    let evidence: String = v
        .evidence
        .iter()
        .map(|e| format!("{}: {}\n", e.fact, e.observation))
        .collect();
    for s in &exp.evidence_contains {
        if !evidence.contains(s.as_str()) {
            errs.push(format!("evidence does not contain {s:?}"));
        }
    }
    for (shell_name, wants) in &exp.fixes {
        let shell = match shell_named(shell_name) {
            Ok(s) => s,
            Err(e) => {
                errs.push(e);
                continue;
            }
        };
        let rs = build_report(sc, shell);
        let Some(fixes) = &rs.verdict.fixes else {
            errs.push(format!("{shell_name}: no fixes"));
            continue;
        };
        let commands: Vec<&str> = fixes
            .steps
            .iter()
            .filter_map(|s| s.command.as_deref())
            .collect();
        let all = commands.join("\n");
        let json = serde_json::to_string(&rs).unwrap();
        for secret in &exp.secrets {
            if json.contains(secret.as_str()) {
                errs.push(format!(
                    "{shell_name}: the secret {secret:?} appears in the report"
                ));
            }
        }
        for w in wants {
            if !all.contains(w.as_str()) {
                errs.push(format!(
                    "{shell_name}: no fix command contains {w:?}; commands:\n  {}",
                    commands.join("\n  ")
                ));
            }
        }
        let holes: Vec<&String> = fixes
            .steps
            .iter()
            .filter(|s| s.command.is_some())
            .flat_map(|s| s.missing.iter())
            .filter(|m| !exp.holes_allowed.contains(m))
            .collect();
        if !holes.is_empty() {
            errs.push(format!(
                "{shell_name}: fix commands have unfilled placeholders {holes:?}:\n  {}",
                commands.join("\n  ")
            ));
        }
    }
    if errs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}\n  {}\n  -- verdict: cause {} ({}) findings {:?}\n  -- go error: {}\n  -- evidence:\n    {}",
        sc.description,
        errs.join("\n  "),
        v.cause.id,
        v.cause.summary,
        found,
        go_error.replace('\n', "\n     "),
        evidence.trim_end().replace('\n', "\n    ")
    ))
}
