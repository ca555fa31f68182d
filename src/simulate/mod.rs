//! The simulation of cmd/go (pure): given Go's configuration for a module and the recorded
//! outcome of every request Go would make, which GOPROXY entries Go tries and in which order,
//! where a `,` stops the walk and where `|` falls through, how the checksum database is
//! reached and what it answers, and the error `go mod download M@V` prints, in Go's format.
//!
//! Rules (cmd/go/internal/modfetch): proxy.go TryProxies (error ranking: direct/noproxy >
//! other proxy errors > not-found, last not-found wins; only 404/410 and Go's internal
//! not-found errors fall through a `,`), repo.go lookup, sumdb.go initBase (the `supported`
//! walk), fetch.go checkGoMod/checkSumDB (the go.mod hash is verified right after `.mod`,
//! before the zip is fetched). When a needed outcome is missing, the URL is listed in
//! `missing` and the module's outcome is `unknown`: the caller fetches it and runs again.

use crate::vocab::{Area, CauseId};

use serde::{Deserialize, Serialize};

use crate::facts::observed::{
    go_json_error, http_error_text, looks_like_html, looks_like_zip, Fetch, Observations,
};
use crate::vocab::module::{escape_path, escape_version, join_url, latest_from_list};
use proto::{dirhash, note, tlog};

pub mod proto;
use crate::config::pattern::match_prefix_patterns;
use crate::config::{FallbackMode, ProxyEntry, SumdbConfig};
use crate::redact::Secret;

/// Go's configuration as the simulation needs it (derived from `GoConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    /// proxyList (with the internal `noproxy` first when GONOPROXY is set).
    pub proxies: Vec<ProxyEntry>,
    /// GOPROXY did not parse: Go fails with this text before any request.
    pub goproxy_error: Option<String>,
    /// Effective GONOPROXY / GONOSUMDB (GOPRIVATE when empty).
    pub gonoproxy: String,
    pub gonosumdb: String,
    pub sumdb: Option<SumdbConfig>,
    pub gosumdb_error: Option<String>,
}

impl SimConfig {
    pub fn from_config(cfg: &crate::config::GoConfig) -> SimConfig {
        let (proxies, goproxy_error) = match cfg.proxy_list() {
            Ok(p) => (p, None),
            Err(e) => (vec![], Some(e)),
        };
        let (sumdb, gosumdb_error) = match cfg.sumdb() {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e)),
        };
        SimConfig {
            proxies,
            goproxy_error,
            gonoproxy: cfg.effective_gonoproxy().to_string(),
            gonosumdb: cfg.effective_gonosumdb().to_string(),
            sumdb,
            gosumdb_error,
        }
    }
}

/// A module to predict: `path@version` (version None: `@latest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimTarget {
    pub path: String,
    pub version: Option<String>,
    /// Also walk the `.zip` requests (only when they were probed).
    pub check_zip: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed,
    /// An outcome Go's path depends on was not observed.
    Unknown,
}

/// How one attempt at one GOPROXY entry (or step) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptResult {
    Ok,
    /// 404/410 or Go's internal "not found": TryProxies goes on to the next entry.
    NotFound,
    Error,
    /// The outcome was not observed.
    Unknown,
}

/// One attempt at one entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// `noproxy`, `direct`, `off`, or the proxy URL (shown masked).
    pub entry: Secret,
    /// The request Go makes here (shown masked).
    pub url: Option<Secret>,
    pub result: AttemptResult,
    /// What the attempt points at: `ok`, a cause, or `inconclusive` when not observed.
    pub class: CauseId,
    pub error: Option<String>,
    /// Why Go goes on (or stops) after this attempt.
    pub why: String,
}

impl AttemptResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptResult::Ok => "ok",
            AttemptResult::NotFound => "not_found",
            AttemptResult::Error => "error",
            AttemptResult::Unknown => "unknown",
        }
    }
}

impl PartialEq<&str> for AttemptResult {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for AttemptResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// The steps of `go mod download`, in Go's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageName {
    /// `@v/VERSION.info` (a version given).
    Info,
    /// `@v/list` and `@latest` (no version given).
    List,
    /// `@v/VERSION.mod`.
    Mod,
    /// The checksum database lookup.
    Sumdb,
    /// `@v/VERSION.zip`.
    Zip,
}

impl StageName {
    pub fn as_str(self) -> &'static str {
        match self {
            StageName::Info => "info",
            StageName::List => "list",
            StageName::Mod => "mod",
            StageName::Sumdb => "sumdb",
            StageName::Zip => "zip",
        }
    }
}

impl std::fmt::Display for StageName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One step of the download.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub stage: StageName,
    pub attempts: Vec<Attempt>,
    pub outcome: Outcome,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModulePrediction {
    pub path: String,
    pub version: Option<String>,
    /// The version Go settles on (from `.info`, or the query).
    pub resolved_version: Option<String>,
    pub outcome: Outcome,
    pub stages: Vec<Stage>,
    /// The primary cause when Go fails.
    pub cause: Option<CauseId>,
    /// The complete error Go prints (`go: M@V: ...`).
    pub error_text: Option<String>,
    /// false when the text is reconstructed from a documented format but was not checked
    /// against Go for this case.
    pub error_text_exact: bool,
    /// How the checksum database is reached (URL base, credentials masked), or why it is not
    /// consulted: a description for people.
    pub sumdb_route: String,
    pub assumptions: Vec<String>,
}

/// The prediction for a whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The command whose output is predicted.
    pub command: String,
    pub go_will_succeed: bool,
    /// Some outcome on Go's path was not observed.
    pub inconclusive: bool,
    pub modules: Vec<ModulePrediction>,
    /// The first failing module's error text, as Go prints it.
    pub error_text: Option<String>,
    /// URLs whose outcome is needed (fetch them and simulate again; shown masked).
    pub missing: Vec<Secret>,
}

/// Predicts `go mod download` for each target.
pub fn simulate(cfg: &SimConfig, targets: &[SimTarget], obs: &Observations) -> Prediction {
    let mut missing = vec![];
    let modules: Vec<ModulePrediction> = targets
        .iter()
        .map(|t| simulate_module(cfg, t, obs, &mut missing))
        .collect();
    missing.sort();
    missing.dedup();
    let failed = modules.iter().find(|m| m.outcome == Outcome::Failed);
    let inconclusive = modules.iter().any(|m| m.outcome == Outcome::Unknown);
    let command = format!(
        "go mod download {}",
        targets
            .iter()
            .map(|t| format!("{}@{}", t.path, t.version.as_deref().unwrap_or("latest")))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Prediction {
        command,
        go_will_succeed: failed.is_none() && !inconclusive,
        inconclusive,
        error_text: failed.and_then(|m| m.error_text.clone()),
        modules,
        missing: missing.into_iter().map(Secret::new).collect(),
    }
}

/// A Go error with its "not found" (fs.ErrNotExist) bit.
#[derive(Debug, Clone)]
struct GoErr {
    text: String,
    not_exist: bool,
    class: CauseId,
}

enum Step<T> {
    Ok(T),
    Err(GoErr),
    Missing(String),
}

struct Walk<T> {
    attempts: Vec<Attempt>,
    result: Step<T>,
}

/// TryProxies: f per entry in order, Go's fall-through and error ranking.
fn try_proxies<T>(
    entries: &[ProxyEntry],
    mut f: impl FnMut(&ProxyEntry) -> (Option<String>, Step<T>),
) -> Walk<T> {
    const NOT_EXIST: u8 = 0;
    const PROXY: u8 = 1;
    const DIRECT: u8 = 2;
    let mut attempts = vec![];
    let mut best: Option<GoErr> = None;
    let mut rank = NOT_EXIST;
    for e in entries {
        let (url, step) = f(e);
        let url = url.map(Secret::new);
        let name = e.name();
        match step {
            Step::Ok(v) => {
                attempts.push(Attempt {
                    entry: name,
                    url,
                    result: AttemptResult::Ok,
                    class: CauseId::Ok,
                    error: None,
                    why: "success: Go stops here".into(),
                });
                return Walk {
                    attempts,
                    result: Step::Ok(v),
                };
            }
            Step::Missing(u) => {
                let why = match u.strip_prefix(UNCHECKED_PREFIX) {
                    Some(what) => format!("not checked: {what}"),
                    None => "not observed".into(),
                };
                attempts.push(Attempt {
                    entry: name,
                    url,
                    result: AttemptResult::Unknown,
                    class: CauseId::Inconclusive,
                    error: None,
                    why,
                });
                return Walk {
                    attempts,
                    result: Step::Missing(u),
                };
            }
            Step::Err(err) => {
                let is_direct = matches!(e, ProxyEntry::Direct)
                    || (matches!(e, ProxyEntry::Noproxy) && err.text != ERR_USE_PROXY);
                if is_direct {
                    rank = DIRECT;
                    best = Some(err.clone());
                } else if rank <= PROXY && !err.not_exist {
                    rank = PROXY;
                    best = Some(err.clone());
                } else if rank == NOT_EXIST {
                    best = Some(err.clone());
                }
                let falls_back = e.fallback() == FallbackMode::OnAnyError;
                let stop = !falls_back && !err.not_exist;
                let why = if err.not_exist {
                    "\"not found\" (404/410 or Go's internal not-found): Go tries the next entry"
                        .to_string()
                } else if falls_back {
                    "error, but the entry is followed by `|`: Go tries the next entry".to_string()
                } else {
                    "error that is not \"not found\" and the entry is not followed by `|`: Go stops here"
                        .to_string()
                };
                attempts.push(Attempt {
                    entry: name,
                    url,
                    result: if err.not_exist {
                        AttemptResult::NotFound
                    } else {
                        AttemptResult::Error
                    },
                    class: err.class,
                    error: Some(err.text.clone()),
                    why,
                });
                if stop {
                    break;
                }
            }
        }
    }
    let err = best.unwrap_or(GoErr {
        text: "GOPROXY list is not the empty string, but contains no entries".into(),
        not_exist: false,
        class: CauseId::ConfigGoproxyInvalid,
    });
    Walk {
        attempts,
        result: Step::Err(err),
    }
}

const ERR_PROXY_OFF: &str = "module lookup disabled by GOPROXY=off";
const ERR_NOPROXY: &str = "disabled by GOPRIVATE/GONOPROXY";
const ERR_USE_PROXY: &str = "path does not match GOPRIVATE/GONOPROXY";

fn not_exist(text: &str, class: CauseId) -> GoErr {
    GoErr {
        text: text.into(),
        not_exist: true,
        class,
    }
}

/// What lookup() does for this entry: a proxy base to ask, direct mode, or an immediate error.
enum Lookup {
    Proxy(String),
    Direct,
    Fail(GoErr),
}

fn lookup(cfg: &SimConfig, entry: &ProxyEntry, path: &str) -> Lookup {
    if match_prefix_patterns(&cfg.gonoproxy, path) {
        return match entry {
            ProxyEntry::Noproxy | ProxyEntry::Direct => Lookup::Direct,
            _ => Lookup::Fail(not_exist(ERR_NOPROXY, CauseId::GoproxyModuleNotFound)),
        };
    }
    match entry {
        ProxyEntry::Off => Lookup::Fail(not_exist(ERR_PROXY_OFF, CauseId::ConfigGoproxyOff)),
        ProxyEntry::Direct => Lookup::Direct,
        ProxyEntry::Noproxy => {
            Lookup::Fail(not_exist(ERR_USE_PROXY, CauseId::GoproxyModuleNotFound))
        }
        ProxyEntry::Url { url, .. } => Lookup::Proxy(url.expose().to_string()),
    }
}

/// Classifies a non-200 status as cmd/go sees it.
fn status_err(url: &str, f: &Fetch) -> GoErr {
    match f {
        Fetch::Status {
            code,
            reason,
            content_type,
            body,
            ..
        } => {
            let class = match code {
                404 | 410 => CauseId::GoproxyModuleNotFound,
                401 | 403 => CauseId::GoproxyForbidden,
                407 => CauseId::ProxyAuthRequired,
                _ if looks_like_html(content_type, body) => CauseId::GoproxyCaptivePortal,
                _ => CauseId::GoproxyHttpError,
            };
            GoErr {
                text: http_error_text(url, *code, reason, content_type, body),
                not_exist: *code == 404 || *code == 410,
                class,
            }
        }
        Fetch::NetError {
            go_error, class, ..
        } => GoErr {
            text: go_error.clone(),
            not_exist: false,
            class: *class,
        },
    }
}

/// GET url from the observations: Ok(body) for 200, Err otherwise, Missing when unobserved.
fn get_bytes(obs: &Observations, url: &str) -> Step<Vec<u8>> {
    match obs.http.get(url) {
        None => Step::Missing(url.to_string()),
        Some(Fetch::Status {
            code: 200, body, ..
        }) => Step::Ok(body.clone()),
        Some(f) => Step::Err(status_err(url, f)),
    }
}

/// How a `missing` entry names repository access that was not checked (it is not a URL to
/// fetch: only `--vcs` can observe it).
pub const UNCHECKED_PREFIX: &str = "not checked: ";

/// The `missing` entry for unchecked repository access.
pub fn unchecked_missing(what: &str) -> String {
    if what.starts_with("git ") {
        format!("{UNCHECKED_PREFIX}{what} (run with --vcs to check git access)")
    } else {
        format!("{UNCHECKED_PREFIX}{what}")
    }
}

fn direct_step(obs: &Observations, path: &str) -> Step<()> {
    match obs.direct.get(path) {
        None => Step::Missing(format!("direct:{path}")),
        // Go's outcome rests on repository access nobody checked: unknown, not ok.
        Some(d) if d.ok && d.unchecked.is_some() => Step::Missing(unchecked_missing(
            d.unchecked.as_deref().unwrap_or_default(),
        )),
        Some(d) if d.ok => Step::Ok(()),
        Some(d) => Step::Err(GoErr {
            text: d
                .go_error
                .clone()
                .unwrap_or_else(|| "direct fetch failed".into()),
            not_exist: d.not_found,
            class: d.class,
        }),
    }
}

/// Direct mode for a version query (`@latest`): Go's text for a failed `git ls-remote` is
/// the bare RunError there (observed with go 1.27: `module M: git ls-remote ...`), without
/// the `invalid version:` a Stat of an explicit version adds.
fn direct_query_step(obs: &Observations, path: &str) -> Step<String> {
    match direct_step(obs, path).map_latest() {
        Step::Err(mut e) => {
            if let Some(rest) = e.text.strip_prefix("invalid version: git ") {
                e.text = format!("git {rest}");
            }
            Step::Err(e)
        }
        other => other,
    }
}

fn stage_from<T>(name: StageName, walk: &Walk<T>) -> Stage {
    let (outcome, error) = match &walk.result {
        Step::Ok(_) => (Outcome::Ok, None),
        Step::Err(e) => (Outcome::Failed, Some(e.text.clone())),
        Step::Missing(_) => (Outcome::Unknown, None),
    };
    Stage {
        stage: name,
        attempts: walk.attempts.clone(),
        outcome,
        error,
    }
}

fn content_info(body: &[u8], base: &str, version: &str) -> Result<String, GoErr> {
    if let Some(e) = go_json_error(body) {
        return Err(GoErr {
            text: format!("invalid response from proxy {base:?}: {e}"),
            not_exist: false,
            class: if looks_like_html("", body) {
                CauseId::GoproxyCaptivePortal
            } else {
                CauseId::GoproxyInvalidInfo
            },
        });
    }
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    // encoding/json matches keys case-insensitively.
    let got = v
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("version")))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or("")
        .to_string();
    if got != version {
        return Err(GoErr {
            text: format!("proxy returned info for version {got} instead of requested version"),
            not_exist: false,
            class: CauseId::GoproxyInvalidInfo,
        });
    }
    Ok(got)
}

/// The module's outcome depends on `u`, which was not observed.
fn mark_unknown(m: &mut ModulePrediction, missing: &mut Vec<String>, u: String) {
    if let Some(what) = u.strip_prefix(UNCHECKED_PREFIX) {
        m.assumptions.push(format!(
            "Go's outcome depends on repository access that was not checked: {what}"
        ));
    }
    missing.push(u);
    m.outcome = Outcome::Unknown;
}

fn simulate_module(
    cfg: &SimConfig,
    t: &SimTarget,
    obs: &Observations,
    missing: &mut Vec<String>,
) -> ModulePrediction {
    let mut m = ModulePrediction {
        path: t.path.clone(),
        version: t.version.clone(),
        resolved_version: None,
        outcome: Outcome::Ok,
        stages: vec![],
        cause: None,
        error_text: None,
        error_text_exact: true,
        sumdb_route: String::new(),
        assumptions: vec![],
    };
    let fail = |m: &mut ModulePrediction, prefix: &str, e: &GoErr| {
        m.outcome = Outcome::Failed;
        m.cause = Some(e.class);
        m.error_text = Some(format!("go: {prefix}: {}", e.text));
    };
    if let Some(e) = &cfg.goproxy_error {
        m.outcome = Outcome::Failed;
        m.cause = Some(CauseId::ConfigGoproxyInvalid);
        m.error_text = Some(format!("go: {e}"));
        return m;
    }
    let Ok(esc_path) = escape_path(&t.path) else {
        m.outcome = Outcome::Failed;
        m.cause = Some(CauseId::GoproxyModuleNotFound);
        m.error_text = Some(format!("go: malformed module path {:?}", t.path));
        m.error_text_exact = false;
        return m;
    };

    // 1. The version: `.info` for an explicit version, the list (then @latest) otherwise.
    let version = match &t.version {
        Some(v) => {
            let Ok(esc_v) = escape_version(v) else {
                m.outcome = Outcome::Failed;
                m.error_text = Some(format!("go: {}@{v}: disallowed version string", t.path));
                m.error_text_exact = false;
                return m;
            };
            let walk = try_proxies(&cfg.proxies, |e| match lookup(cfg, e, &t.path) {
                Lookup::Fail(err) => (None, Step::Err(err)),
                Lookup::Direct => (None, direct_step(obs, &t.path).map_latest()),
                Lookup::Proxy(base) => {
                    let url = join_url(&base, &format!("{esc_path}/@v/{esc_v}.info"));
                    let step = match get_bytes(obs, &url) {
                        Step::Ok(body) => match content_info(&body, &base, v) {
                            Ok(v) => Step::Ok(v),
                            Err(e) => Step::Err(e),
                        },
                        Step::Err(e) => Step::Err(e),
                        Step::Missing(u) => Step::Missing(u),
                    };
                    (Some(url), step)
                }
            });
            m.stages.push(stage_from(StageName::Info, &walk));
            match walk.result {
                Step::Ok(_) => v.clone(),
                Step::Err(e) => {
                    fail(&mut m, &format!("{}@{v}", t.path), &e);
                    return m;
                }
                Step::Missing(u) => {
                    mark_unknown(&mut m, missing, u);
                    return m;
                }
            }
        }
        None => {
            let walk = try_proxies(&cfg.proxies, |e| match lookup(cfg, e, &t.path) {
                Lookup::Fail(err) => (None, Step::Err(err)),
                Lookup::Direct => (None, direct_query_step(obs, &t.path)),
                Lookup::Proxy(base) => {
                    let url = join_url(&base, &format!("{esc_path}/@v/list"));
                    let step = match get_bytes(obs, &url) {
                        Step::Ok(body) => match latest_from_list(&String::from_utf8_lossy(&body)) {
                            // Go then Stats the chosen version at the same proxy.
                            Some(v) => {
                                let iurl = join_url(
                                    &base,
                                    &format!(
                                        "{esc_path}/@v/{}.info",
                                        escape_version(&v).unwrap_or_default()
                                    ),
                                );
                                match get_bytes(obs, &iurl) {
                                    Step::Ok(b) => match content_info(&b, &base, &v) {
                                        Ok(v) => Step::Ok(v),
                                        Err(e) => Step::Err(e),
                                    },
                                    Step::Err(e) => Step::Err(e),
                                    Step::Missing(u) => Step::Missing(u),
                                }
                            }
                            None => {
                                let lurl = join_url(&base, &format!("{esc_path}/@latest"));
                                match get_bytes(obs, &lurl) {
                                    Step::Ok(b) => {
                                        match serde_json::from_slice::<serde_json::Value>(&b)
                                            .ok()
                                            .and_then(|v| {
                                                v.get("Version")
                                                    .and_then(|x| x.as_str())
                                                    .map(str::to_string)
                                            }) {
                                            Some(v) => Step::Ok(v),
                                            None => Step::Err(GoErr {
                                                text: format!(
                                                    "invalid response from proxy {base:?}: {}",
                                                    go_json_error(&b).unwrap_or_default()
                                                ),
                                                not_exist: false,
                                                class: CauseId::GoproxyInvalidInfo,
                                            }),
                                        }
                                    }
                                    Step::Err(e) => Step::Err(e),
                                    Step::Missing(u) => Step::Missing(u),
                                }
                            }
                        },
                        Step::Err(e) => Step::Err(e),
                        Step::Missing(u) => Step::Missing(u),
                    };
                    (Some(url), step)
                }
            });
            m.stages.push(stage_from(StageName::List, &walk));
            match walk.result {
                Step::Ok(v) => v,
                Step::Err(e) => {
                    fail(&mut m, &format!("module {}", t.path), &e);
                    return m;
                }
                Step::Missing(u) => {
                    mark_unknown(&mut m, missing, u);
                    return m;
                }
            }
        }
    };
    if version.is_empty() {
        // Direct mode answered the query; the version is whatever the repository has.
        m.assumptions
            .push("the version comes from the repository (direct mode)".into());
    }
    m.resolved_version = Some(version.clone());
    let mv = format!("{}@{}", t.path, version);
    let esc_v = escape_version(&version).unwrap_or_default();

    // 2. `.mod`.
    let walk = try_proxies(&cfg.proxies, |e| match lookup(cfg, e, &t.path) {
        Lookup::Fail(err) => (None, Step::Err(err)),
        Lookup::Direct => (None, direct_step(obs, &t.path).map_none()),
        Lookup::Proxy(base) => {
            let url = join_url(&base, &format!("{esc_path}/@v/{esc_v}.mod"));
            let step = match get_bytes(obs, &url) {
                Step::Ok(body) => Step::Ok(Some(body)),
                Step::Err(e) => Step::Err(e),
                Step::Missing(u) => Step::Missing(u),
            };
            (Some(url), step)
        }
    });
    m.stages.push(stage_from(StageName::Mod, &walk));
    let go_mod: Option<Vec<u8>> = match walk.result {
        Step::Ok(b) => {
            // `go mod download` stores any 200 body as go.mod (observed with go 1.27); only
            // later commands parse it.
            if b.as_deref().is_some_and(|b| looks_like_html("", b)) {
                m.assumptions.push(
                    "the .mod file is an HTML page: `go mod download` stores it, but `go get`/`go build` will fail to parse it".into(),
                );
            }
            b
        }
        Step::Err(e) => {
            fail(&mut m, &mv, &e);
            return m;
        }
        Step::Missing(u) => {
            mark_unknown(&mut m, missing, u);
            return m;
        }
    };

    // 3. The checksum database, for the go.mod hash (the zip's line is in the same record).
    let record = match sumdb_stage(cfg, t, &version, obs, &mut m) {
        SumdbResult::NotUsed => None,
        SumdbResult::Missing(u) => {
            mark_unknown(&mut m, missing, u);
            return m;
        }
        SumdbResult::Failed(e) => {
            let e = GoErr {
                text: format!("verifying go.mod: {mv}/go.mod: {}", e.text),
                ..e
            };
            fail(&mut m, &mv, &e);
            return m;
        }
        SumdbResult::Record { db, lines } => {
            if let Some(gm) = &go_mod {
                let have = dirhash::hash_go_mod(gm);
                if let Err(e) = check_line(
                    &lines,
                    &t.path,
                    &format!("{version}/go.mod"),
                    &have,
                    &db,
                    "go.mod",
                ) {
                    fail(&mut m, &mv, &e);
                    return m;
                }
            } else {
                m.assumptions
                    .push("go.mod hash from direct mode not computed: assumed to match".into());
            }
            Some((db, lines))
        }
    };

    // 4. The zip (only walked when probed).
    if t.check_zip {
        let walk = try_proxies(&cfg.proxies, |e| match lookup(cfg, e, &t.path) {
            Lookup::Fail(err) => (None, Step::Err(err)),
            Lookup::Direct => (None, direct_step(obs, &t.path)),
            Lookup::Proxy(base) => {
                let url = join_url(&base, &format!("{esc_path}/@v/{esc_v}.zip"));
                let step = match get_bytes(obs, &url) {
                    Step::Ok(body) if !looks_like_zip(&body) => Step::Err(GoErr {
                        text: "zip: not a valid zip file".into(),
                        not_exist: false,
                        class: if looks_like_html("", &body) {
                            CauseId::GoproxyCaptivePortal
                        } else {
                            CauseId::GoproxyHttpError
                        },
                    }),
                    Step::Ok(_) => Step::Ok(()),
                    Step::Err(e) => Step::Err(e),
                    Step::Missing(u) => Step::Missing(u),
                };
                (Some(url), step)
            }
        });
        m.stages.push(stage_from(StageName::Zip, &walk));
        match walk.result {
            Step::Ok(()) => {}
            Step::Err(e) if e.text.starts_with("zip: ") => {
                // Go prints the archive error without the module (observed with go 1.27).
                fail(&mut m, "", &e);
                m.error_text = Some(format!("go: {}", e.text));
                return m;
            }
            Step::Err(e) => {
                fail(&mut m, &mv, &e);
                return m;
            }
            Step::Missing(u) => {
                mark_unknown(&mut m, missing, u);
                return m;
            }
        }
        if let (Some((db, lines)), Some(h)) = (&record, obs.zip_h1.get(&mv)) {
            if let Err(e) = check_line(lines, &t.path, &version, h, db, "module") {
                fail(&mut m, &mv, &e);
                return m;
            }
        }
    } else {
        m.assumptions.push(
            "the .zip was not downloaded (use --zip): assumed to come from the same source as .mod"
                .into(),
        );
    }
    m
}

const SUMDB_MISMATCH: &str = "\n\nSECURITY ERROR\nThis download does NOT match the one reported by the checksum server.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.\n";
const SUMDB_ABSENT: &str = "\n\nSECURITY ERROR\nThis download does NOT match one reported by the checksum server.\nThe checksum server has provided checksums, but the checksums do\nnot contain an entry for the download.\nThe checksum server may be malfunctioning, or an attacker may have\nintercepted the checksum request.\nThe download cannot be verified.\n\nFor more information, see 'go help module-auth'.\n";

/// fetch.go checkSumDB: the record's line for `path version` must carry our hash.
fn check_line(
    lines: &[String],
    path: &str,
    version: &str,
    have: &str,
    db: &str,
    noun: &str,
) -> Result<(), GoErr> {
    let want = format!("{path} {version} {have}");
    let prefix = format!("{path} {version} h1:");
    let mut mismatch = None;
    for line in lines {
        if *line == want {
            return Ok(());
        }
        if line.starts_with(&prefix) {
            mismatch = Some(line[prefix.len() - 3..].to_string());
            break;
        }
    }
    Err(match mismatch {
        Some(theirs) => GoErr {
            text: format!("verifying {noun}: checksum mismatch\n\tdownloaded: {have}\n\t{db}: {theirs}{SUMDB_MISMATCH}"),
            not_exist: false,
            class: CauseId::SumdbChecksumMismatch,
        },
        None => GoErr {
            text: format!("verifying {noun}: checksum missing from sumdb response{SUMDB_ABSENT}"),
            not_exist: false,
            class: CauseId::SumdbChecksumMismatch,
        },
    })
}

enum SumdbResult {
    NotUsed,
    Missing(String),
    Failed(GoErr),
    Record { db: String, lines: Vec<String> },
}

impl Step<()> {
    fn map_latest(self) -> Step<String> {
        match self {
            Step::Ok(()) => Step::Ok(String::new()),
            Step::Err(e) => Step::Err(e),
            Step::Missing(u) => Step::Missing(u),
        }
    }
}

impl<T> Step<T> {
    fn map_none<U>(self) -> Step<Option<U>> {
        match self {
            Step::Ok(_) => Step::Ok(None),
            Step::Err(e) => Step::Err(e),
            Step::Missing(u) => Step::Missing(u),
        }
    }
}

/// sumdb.go: the route (explicit URL, the `supported` walk, or `https://<name>`), then
/// `/lookup`, the signed note, and the tiles.
fn sumdb_stage(
    cfg: &SimConfig,
    t: &SimTarget,
    version: &str,
    obs: &Observations,
    m: &mut ModulePrediction,
) -> SumdbResult {
    if let Some(e) = &cfg.gosumdb_error {
        m.sumdb_route = "invalid GOSUMDB".into();
        return SumdbResult::Failed(GoErr {
            text: e.clone(),
            not_exist: false,
            class: CauseId::ConfigGosumdbInvalid,
        });
    }
    let Some(SumdbConfig::On { name, key, url }) = &cfg.sumdb else {
        m.sumdb_route = "not consulted: GOSUMDB=off".into();
        return SumdbResult::NotUsed;
    };
    if match_prefix_patterns(&cfg.gonosumdb, &t.path) {
        m.sumdb_route = "not consulted: the module matches GONOSUMDB/GOPRIVATE".into();
        return SumdbResult::NotUsed;
    }
    let mut stage = Stage {
        stage: StageName::Sumdb,
        attempts: vec![],
        outcome: Outcome::Ok,
        error: None,
    };
    let base = match url {
        Some(u) => u.expose().to_string(),
        None => {
            let walk = try_proxies(&cfg.proxies, |e| match e {
                ProxyEntry::Noproxy => (None, Step::Err(not_exist(ERR_USE_PROXY, CauseId::Ok))),
                ProxyEntry::Direct | ProxyEntry::Off => {
                    (None, Step::Err(not_exist(ERR_PROXY_OFF, CauseId::Ok)))
                }
                ProxyEntry::Url { url, .. } => {
                    let b = url.expose();
                    let sup = join_url(b, &format!("sumdb/{name}/supported"));
                    let step = match get_bytes(obs, &sup) {
                        Step::Ok(_) => Step::Ok(join_url(b, &format!("sumdb/{name}"))),
                        Step::Err(mut e) => {
                            if !e.not_exist && e.class.area() == Area::Goproxy {
                                e.class = CauseId::SumdbProxyRouteBroken;
                            }
                            Step::Err(e)
                        }
                        Step::Missing(u) => Step::Missing(u),
                    };
                    (Some(sup), step)
                }
            });
            stage.attempts = walk.attempts;
            match walk.result {
                Step::Ok(b) => b,
                Step::Missing(u) => return SumdbResult::Missing(u),
                Step::Err(e) if e.not_exist => format!("https://{name}"),
                Step::Err(mut e) => {
                    if e.class.area() != Area::Sumdb {
                        e.class = if e.class.area() == Area::Goproxy {
                            CauseId::SumdbProxyRouteBroken
                        } else {
                            e.class
                        };
                    }
                    m.sumdb_route = "unavailable: the `supported` walk failed".into();
                    stage.outcome = Outcome::Failed;
                    stage.error = Some(e.text.clone());
                    m.stages.push(stage);
                    return SumdbResult::Failed(e);
                }
            }
        }
    };
    m.sumdb_route = crate::redact::mask_url(&base);
    let res = sumdb_lookup(&base, key, name, &t.path, version, obs, &mut stage);
    match &res {
        SumdbResult::Failed(e) => {
            stage.outcome = Outcome::Failed;
            stage.error = Some(e.text.clone());
        }
        SumdbResult::Missing(_) => stage.outcome = Outcome::Unknown,
        _ => {}
    }
    m.stages.push(stage);
    res
}

fn sumdb_lookup(
    base: &str,
    key: &crate::config::gosumdb::VerifierKey,
    name: &str,
    path: &str,
    version: &str,
    obs: &Observations,
    stage: &mut Stage,
) -> SumdbResult {
    let (Ok(ep), Ok(ev)) = (escape_path(path), escape_version(version)) else {
        return SumdbResult::NotUsed;
    };
    let lookup_url = join_url(base, &format!("lookup/{ep}@{ev}"));
    // Go's error text shows the lookup path as web.Join builds it (`!upper`), though the
    // request carries `%21upper`.
    let shown_url = format!("{}/lookup/{ep}@{ev}", base.trim_end_matches('/'));
    let mut record_attempt = |url: &str, err: Option<&GoErr>| {
        stage.attempts.push(Attempt {
            entry: base.into(),
            url: Some(url.into()),
            result: if err.is_some() {
                AttemptResult::Error
            } else {
                AttemptResult::Ok
            },
            class: err.map_or(CauseId::Ok, |e| e.class),
            error: err.map(|e| e.text.clone()),
            why: "the checksum database has no fallback".into(),
        })
    };
    let data = match get_bytes(obs, &lookup_url) {
        Step::Missing(u) => return SumdbResult::Missing(u),
        Step::Err(mut e) => {
            // The text names the URL as Go does (Redacted, or `***` in net/http's errors).
            for shown in [crate::redact::mask_url, crate::redact::go_error_url] {
                e.text = e.text.replace(&shown(&lookup_url), &shown(&shown_url));
            }
            e.class = match e.class {
                CauseId::GoproxyModuleNotFound => CauseId::SumdbNotFound,
                c if c.area() == Area::Goproxy => CauseId::SumdbUnreachable,
                c => c,
            };
            record_attempt(&lookup_url, Some(&e));
            return SumdbResult::Failed(e);
        }
        Step::Ok(d) => d,
    };
    record_attempt(&lookup_url, None);
    let bad = |text: String, class: CauseId| {
        SumdbResult::Failed(GoErr {
            text,
            not_exist: false,
            class,
        })
    };
    let (id, text, tree_msg) = match tlog::parse_record(&data) {
        Ok(x) => x,
        Err(e) => return bad(e, CauseId::SumdbBadSignature),
    };
    let verifier = note::Verifier {
        name: key.name.clone(),
        hash: key.hash,
        public_key: key.public_key.to_vec(),
    };
    let opened = match note::open(&tree_msg, &[verifier]) {
        Ok(n) => n,
        Err(e) => {
            return bad(
                format!(
                    "reading tree note: {e}\nnote:\n{}",
                    String::from_utf8_lossy(&tree_msg)
                ),
                CauseId::SumdbBadSignature,
            )
        }
    };
    let tree = match tlog::parse_tree(&opened.text) {
        Ok(t) => t,
        Err(e) => {
            return bad(
                format!("reading tree: {e}\ntree:\n{}", opened.text),
                CauseId::SumdbBadSignature,
            )
        }
    };
    let plan = match tlog::plan_record_tiles(&tree, id) {
        Ok(p) => p,
        Err(e) => return bad(e, CauseId::SumdbBadSignature),
    };
    let mut datas = vec![];
    let mut first_err: Option<GoErr> = None;
    for tile in &plan.tiles {
        let url = join_url(base, &tile.path());
        let got = match get_bytes(obs, &url) {
            Step::Ok(d) => Ok(d),
            Step::Missing(u) => return SumdbResult::Missing(u),
            Step::Err(e) => {
                // A partial tile that is gone: Go retries the full tile, and reports the
                // partial tile's error if that fails too.
                let full = tlog::Tile {
                    w: 1 << tile.h,
                    ..*tile
                };
                if full != *tile {
                    let furl = join_url(base, &full.path());
                    match get_bytes(obs, &furl) {
                        Step::Ok(d) if d.len() >= tile.w as usize * 32 => {
                            Ok(d[..tile.w as usize * 32].to_vec())
                        }
                        Step::Missing(u) => return SumdbResult::Missing(u),
                        _ => Err(e),
                    }
                } else {
                    Err(e)
                }
            }
        };
        match got {
            Ok(d) => {
                record_attempt(&url, None);
                datas.push(d);
            }
            Err(mut e) => {
                e.class = CauseId::SumdbUnreachable;
                record_attempt(&url, Some(&e));
                first_err.get_or_insert(e);
                datas.push(vec![]);
            }
        }
    }
    if let Some(e) = first_err {
        return SumdbResult::Failed(e);
    }
    if let Err(e) = tlog::verify_record(&tree, &plan, &datas, &text) {
        return bad(e, CauseId::SumdbBadSignature);
    }
    let lines = text
        .lines()
        .filter(|l| l.starts_with(&format!("{path} {version}")))
        .map(str::to_string)
        .collect();
    SumdbResult::Record {
        db: name.to_string(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::gosumdb::parse_verifier_key;
    use crate::facts::DirectOutcome;

    const A: &str = "https://a.test";
    const B: &str = "https://b.test";

    fn url(u: &str, fallback: FallbackMode) -> ProxyEntry {
        ProxyEntry::Url {
            url: u.into(),
            fallback,
        }
    }
    use FallbackMode::{OnAnyError as PIPE, OnNotFound as COMMA};

    fn cfg(proxies: Vec<ProxyEntry>, sumdb: bool) -> SimConfig {
        SimConfig {
            proxies,
            goproxy_error: None,
            gonoproxy: String::new(),
            gonosumdb: String::new(),
            sumdb: sumdb.then(|| SumdbConfig::On {
                name: "sum.golang.org".into(),
                key: parse_verifier_key(note::SUM_GOLANG_ORG_KEY).unwrap(),
                url: None,
            }),
            gosumdb_error: None,
        }
    }

    fn target() -> Vec<SimTarget> {
        vec![SimTarget {
            path: "example.com/m".into(),
            version: Some("v1.0.0".into()),
            check_zip: false,
        }]
    }

    fn info(base: &str) -> String {
        format!("{base}/example.com/m/@v/v1.0.0.info")
    }

    fn obs(pairs: &[(String, Fetch)]) -> Observations {
        Observations {
            http: pairs.iter().cloned().collect(),
            ..Default::default()
        }
    }

    fn ok_module(base: &str) -> Vec<(String, Fetch)> {
        vec![
            (
                info(base),
                Fetch::status(200, "application/json", br#"{"Version":"v1.0.0"}"#),
            ),
            (
                format!("{base}/example.com/m/@v/v1.0.0.mod"),
                Fetch::status(200, "text/plain", b"module example.com/m\n"),
            ),
        ]
    }

    #[test]
    fn error_ranking_follows_try_proxies() {
        let s500 = Fetch::status(500, "text/plain", b"");
        let s404 = Fetch::status(404, "text/plain", b"");
        // (proxies, observations, expected error suffix, attempts)
        type Case = (Vec<ProxyEntry>, Vec<(String, Fetch)>, String, usize);
        let cases: Vec<Case> = vec![
            // A proxy error outranks a later not-found.
            (
                vec![url(A, PIPE), url(B, COMMA)],
                vec![(info(A), s500.clone()), (info(B), s404.clone())],
                format!("reading {}: 500 Internal Server Error", info(A)),
                2,
            ),
            // Among not-found errors the last wins.
            (
                vec![url(A, COMMA), url(B, COMMA)],
                vec![
                    (info(A), s404.clone()),
                    (info(B), Fetch::status(410, "", b"")),
                ],
                format!("reading {}: 410 Gone", info(B)),
                2,
            ),
            // A comma after a server error stops the walk: B is never asked.
            (
                vec![url(A, COMMA), url(B, COMMA)],
                vec![(info(A), s500.clone())],
                format!("reading {}: 500 Internal Server Error", info(A)),
                1,
            ),
            // off after a not-found: off's own not-found text is the last.
            (
                vec![url(A, COMMA), ProxyEntry::Off],
                vec![(info(A), s404.clone())],
                ERR_PROXY_OFF.to_string(),
                2,
            ),
        ];
        for (proxies, o, want, n) in cases {
            let p = simulate(&cfg(proxies, false), &target(), &obs(&o));
            assert!(!p.go_will_succeed && !p.inconclusive, "{p:#?}");
            assert_eq!(
                p.error_text.unwrap(),
                format!("go: example.com/m@v1.0.0: {want}")
            );
            assert_eq!(p.modules[0].stages[0].attempts.len(), n);
        }
    }

    #[test]
    fn direct_error_wins_over_proxy_not_found() {
        let mut o = obs(&[(info(A), Fetch::status(404, "", b""))]);
        o.direct.insert(
            "example.com/m".into(),
            DirectOutcome {
                ok: false,
                go_error: Some("unrecognized import path \"example.com/m\": https fetch: x".into()),
                not_found: true,
                class: CauseId::VcsMetaMissing,
                verified: true,
                unchecked: None,
                detail: vec![],
            },
        );
        let p = simulate(
            &cfg(vec![url(A, COMMA), ProxyEntry::Direct], false),
            &target(),
            &o,
        );
        assert_eq!(
            p.error_text.unwrap(),
            "go: example.com/m@v1.0.0: unrecognized import path \"example.com/m\": https fetch: x"
        );
        assert_eq!(p.modules[0].cause, Some(CauseId::VcsMetaMissing));
    }

    #[test]
    fn missing_observations_make_it_inconclusive() {
        let p = simulate(
            &cfg(vec![url(A, COMMA)], false),
            &target(),
            &Observations::default(),
        );
        assert!(p.inconclusive && !p.go_will_succeed);
        assert_eq!(p.missing, vec![info(A)]);
    }

    #[test]
    fn sumdb_supported_walk() {
        let sup = |b: &str| format!("{b}/sumdb/sum.golang.org/supported");
        let lookup = |b: &str| format!("{b}/lookup/example.com/m@v1.0.0");
        // A|direct with A's supported failing: Go falls through to https://sum.golang.org.
        let mut o = ok_module(A);
        o.push((sup(A), Fetch::status(500, "", b"")));
        let p = simulate(
            &cfg(vec![url(A, PIPE), ProxyEntry::Direct], true),
            &target(),
            &obs(&o),
        );
        assert_eq!(p.missing, vec![lookup("https://sum.golang.org")]);
        // A|B with A 500 and B 404: A's error is kept (gold: go 1.27 agrees).
        let mut o = ok_module(A);
        o.push((sup(A), Fetch::status(500, "", b"")));
        o.push((sup(B), Fetch::status(404, "", b"")));
        let p = simulate(
            &cfg(vec![url(A, PIPE), url(B, COMMA)], true),
            &target(),
            &obs(&o),
        );
        assert_eq!(p.modules[0].cause, Some(CauseId::SumdbProxyRouteBroken));
        assert!(p
            .error_text
            .unwrap()
            .ends_with(&format!("reading {}: 500 Internal Server Error", sup(A))));
        // 200: that proxy, exclusively.
        let mut o = ok_module(A);
        o.push((sup(A), Fetch::status(200, "", b"")));
        let p = simulate(&cfg(vec![url(A, COMMA)], true), &target(), &obs(&o));
        assert_eq!(
            p.missing,
            vec![lookup(&format!("{A}/sumdb/sum.golang.org"))]
        );
    }

    #[test]
    fn latest_query_uses_list_then_latest() {
        assert_eq!(
            latest_from_list("v1.0.0\nv1.10.0\nv1.9.0\nv2.0.0-rc1\n").as_deref(),
            Some("v1.10.0")
        );
        assert_eq!(
            latest_from_list("v2.0.0-rc1\nv2.0.0-beta\n").as_deref(),
            Some("v2.0.0-rc1")
        );
        assert_eq!(latest_from_list(""), None);
        let t = vec![SimTarget {
            path: "example.com/m".into(),
            version: None,
            check_zip: false,
        }];
        let o = obs(&[(
            format!("{A}/example.com/m/@v/list"),
            Fetch::status(200, "text/plain", b""),
        )]);
        let p = simulate(&cfg(vec![url(A, COMMA)], false), &t, &o);
        assert_eq!(p.missing, vec![format!("{A}/example.com/m/@latest")]);
        let o = obs(&[(
            format!("{A}/example.com/m/@v/list"),
            Fetch::status(404, "text/plain", b""),
        )]);
        let p = simulate(&cfg(vec![url(A, COMMA)], false), &t, &o);
        // Observed with go 1.27: `go: module example.com/m: reading .../@v/list: 404 Not Found`.
        assert_eq!(
            p.error_text.unwrap(),
            format!("go: module example.com/m: reading {A}/example.com/m/@v/list: 404 Not Found")
        );
    }

    #[test]
    fn sumdb_errors_print_the_lookup_path_like_go() {
        // Observed with go 1.27 (fidelity lab, sumdb.not_found): the text says `!upper`.
        let p = format!("{A}/example.com/%21upper/@v/v0.1.0");
        let o = obs(&[
            (
                format!("{p}.info"),
                Fetch::status(200, "application/json", br#"{"Version":"v0.1.0"}"#),
            ),
            (
                format!("{p}.mod"),
                Fetch::status(200, "text/plain", b"module example.com/Upper\n"),
            ),
            (
                format!("{A}/sumdb/sum.golang.org/supported"),
                Fetch::status(404, "text/plain", b""),
            ),
            (
                "https://sum.golang.org/lookup/example.com/%21upper@v0.1.0".into(),
                Fetch::status(404, "text/plain", b""),
            ),
        ]);
        let t = vec![SimTarget {
            path: "example.com/Upper".into(),
            version: Some("v0.1.0".into()),
            check_zip: false,
        }];
        let pred = simulate(&cfg(vec![url(A, COMMA)], true), &t, &o);
        assert_eq!(
            pred.error_text.as_deref(),
            Some("go: example.com/Upper@v0.1.0: verifying go.mod: example.com/Upper@v0.1.0/go.mod: reading https://sum.golang.org/lookup/example.com/!upper@v0.1.0: 404 Not Found"),
            "{pred:#?}"
        );
    }

    #[test]
    fn git_failure_for_a_query_has_no_invalid_version() {
        let mut o = obs(&[]);
        o.direct.insert(
            "example.com/m".into(),
            DirectOutcome {
                ok: false,
                go_error: Some("invalid version: git ls-remote -q --end-of-options https://example.com/m in /c/cache/vcs/x: exit status 128:\n\tfatal: x".into()),
                not_found: false,
                class: CauseId::VcsAuthRequired,
                verified: true,
                unchecked: None,
                detail: vec![],
            },
        );
        let q = vec![SimTarget {
            path: "example.com/m".into(),
            version: None,
            check_zip: false,
        }];
        let p = simulate(&cfg(vec![ProxyEntry::Direct], false), &q, &o);
        assert_eq!(
            p.error_text.as_deref(),
            Some("go: module example.com/m: git ls-remote -q --end-of-options https://example.com/m in /c/cache/vcs/x: exit status 128:\n\tfatal: x")
        );
        let p = simulate(&cfg(vec![ProxyEntry::Direct], false), &target(), &o);
        assert!(p
            .error_text
            .unwrap()
            .starts_with("go: example.com/m@v1.0.0: invalid version: git ls-remote"));
    }

    #[test]
    fn unchecked_git_access_is_not_a_success() {
        let mut o = obs(&[]);
        o.direct.insert(
            "example.com/m".into(),
            DirectOutcome {
                ok: true,
                go_error: None,
                not_found: false,
                class: CauseId::Ok,
                verified: false,
                unchecked: Some("git ls-remote -q --end-of-options https://example.com/m".into()),
                detail: vec![],
            },
        );
        let p = simulate(&cfg(vec![ProxyEntry::Direct], true), &target(), &o);
        assert!(p.inconclusive && !p.go_will_succeed, "{p:#?}");
        assert_eq!(
            p.missing,
            vec!["not checked: git ls-remote -q --end-of-options https://example.com/m (run with --vcs to check git access)".to_string()]
        );
        assert!(
            p.modules[0].assumptions[0].contains("not checked"),
            "{p:#?}"
        );
        // A `mod` root (or a checked repository) is a success.
        o.direct.get_mut("example.com/m").unwrap().unchecked = None;
        let mut c = cfg(vec![ProxyEntry::Direct], false);
        c.gonosumdb = "example.com".into();
        let p = simulate(&c, &target(), &o);
        assert!(p.go_will_succeed, "{p:#?}");
    }

    #[test]
    fn escaped_paths_in_urls() {
        assert_eq!(
            join_url("https://p/", "/example.com/!upper/@v/list"),
            "https://p/example.com/%21upper/@v/list"
        );
        assert_eq!(crate::vocab::module::go_escape_path("a b?c"), "a%20b%3Fc");
    }
}
