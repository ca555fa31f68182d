//! The simulation of cmd/go (pure): given the module's route (the plan: what cmd/go does at
//! each GOPROXY entry, how the checksum database is reached) and the recorded outcome of
//! every request Go would make, which GOPROXY entries Go tries and in which order,
//! where a `,` stops the walk and where `|` falls through, how the checksum database is
//! reached and what it answers, and the error `go mod download M@V` prints, in Go's format.
//!
//! Rules (cmd/go/internal/modfetch): proxy.go TryProxies (error ranking: direct/noproxy >
//! other proxy errors > not-found, last not-found wins; only 404/410 and Go's internal
//! not-found errors fall through a `,`), repo.go lookup, sumdb.go initBase (the `supported`
//! walk), fetch.go checkGoMod/checkSumDB (the go.mod hash is verified right after `.mod`,
//! before the zip is fetched). When a needed outcome is missing, the URL is listed in
//! `missing` and the module's outcome is `unknown`: the caller fetches it and runs again.

use serde::{Deserialize, Serialize};

use crate::facts::Observations;
use crate::plan::ModuleRoute;
use crate::redact::Secret;
use crate::vocab::CauseId;

pub mod proto;
mod proxies;
mod stages;
mod sumdb;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed,
    /// An outcome Go's path depends on was not observed.
    Unknown,
}

/// How one attempt at one GOPROXY entry (or step) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Stage {
    pub stage: StageName,
    pub attempts: Vec<Attempt>,
    pub outcome: Outcome,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Prediction {
    /// The command whose output is predicted.
    pub command: String,
    pub go_will_succeed: bool,
    /// Some outcome on Go's path was not observed.
    pub inconclusive: bool,
    pub modules: Vec<ModulePrediction>,
    /// The first failing module's error text, as Go prints it.
    pub error_text: Option<String>,
    /// What the prediction still needs (fetch it and simulate again), or repository access
    /// that only `--vcs` checks.
    pub missing: Vec<Missing>,
}

/// An outcome on Go's path that was not observed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "what", rename_all = "snake_case")]
pub enum Missing {
    /// A GET (module proxy, checksum database) nobody made yet, credentials included: the
    /// request is made from it (shown masked).
    Request(Secret),
    /// Direct mode for a module path (`?go-get=1`, the repository).
    Direct(String),
    /// Repository access that decides the outcome but was not checked (`git ls-remote ...`
    /// without `--vcs`).
    Unchecked(String),
}

impl Missing {
    /// What was not checked, with the way to check it.
    pub fn unchecked_text(&self) -> String {
        match self {
            Missing::Unchecked(what) if what.starts_with("git ") => {
                format!("{what} (run without --no-vcs to check git access)")
            }
            Missing::Unchecked(what) if what.starts_with("hg ") || what.starts_with("svn ") => {
                format!("{what} (run without --no-vcs to check it)")
            }
            Missing::Request(url) => url.masked(),
            Missing::Direct(what) | Missing::Unchecked(what) => what.clone(),
        }
    }
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::Request(url) => write!(f, "{url}"),
            Missing::Direct(path) => write!(f, "direct mode for {path}"),
            Missing::Unchecked(_) => write!(f, "not checked: {}", self.unchecked_text()),
        }
    }
}

/// The largest module zip whose `h1:` hash is computed (in memory, inside the run's
/// deadline); a larger one is reported as not verified.
pub const ZIP_HASH_LIMIT: usize = 16 << 20;

/// What the simulation walks besides the routes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimOptions {
    /// Also walk the `.zip` requests and verify the zip's hash against the checksum
    /// database (`run` does by default; `--no-zip` skips it).
    pub check_zip: bool,
}

/// Predicts `go mod download` for each routed module.
pub fn simulate(routes: &[ModuleRoute], obs: &Observations, opts: &SimOptions) -> Prediction {
    let mut missing = vec![];
    let modules: Vec<ModulePrediction> = routes
        .iter()
        .map(|r| stages::simulate_module(r, opts, obs, &mut missing))
        .collect();
    missing.sort();
    missing.dedup();
    let failed = modules.iter().find(|m| m.outcome == Outcome::Failed);
    let inconclusive = modules.iter().any(|m| m.outcome == Outcome::Unknown);
    let command = format!(
        "go mod download {}",
        routes
            .iter()
            .map(|r| format!(
                "{}@{}",
                r.module.path,
                r.module.version.as_deref().unwrap_or("latest")
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Prediction {
        command,
        go_will_succeed: failed.is_none() && !inconclusive,
        inconclusive,
        error_text: failed.and_then(|m| m.error_text.clone()),
        modules,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{FallbackMode, ProxyEntry};
    use crate::facts::observed::Fetch;
    use crate::facts::DirectOutcome;
    use crate::vocab::module::{join_url, latest_from_list};

    const A: &str = "https://a.test";
    const B: &str = "https://b.test";

    fn url(u: &str, fallback: FallbackMode) -> ProxyEntry {
        ProxyEntry::Url {
            url: u.into(),
            fallback,
        }
    }
    use FallbackMode::{OnAnyError as PIPE, OnNotFound as COMMA};

    fn strings(m: &[Missing]) -> Vec<String> {
        m.iter().map(ToString::to_string).collect()
    }

    /// The configuration a test gives: the GOPROXY entries, the default checksum database or
    /// none, GONOSUMDB.
    struct TestCfg {
        proxies: Vec<ProxyEntry>,
        sumdb: bool,
        gonosumdb: String,
    }

    fn cfg(proxies: Vec<ProxyEntry>, sumdb: bool) -> TestCfg {
        TestCfg {
            proxies,
            sumdb,
            gonosumdb: String::new(),
        }
    }

    /// A module to predict.
    struct SimTarget {
        path: String,
        version: Option<String>,
        check_zip: bool,
    }

    fn target() -> Vec<SimTarget> {
        vec![SimTarget {
            path: "example.com/m".into(),
            version: Some("v1.0.0".into()),
            check_zip: false,
        }]
    }

    /// The routes the plan gives for the test's configuration, then the simulation.
    fn simulate(c: &TestCfg, targets: &[SimTarget], obs: &Observations) -> Prediction {
        let goproxy: String = c
            .proxies
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let sep = if i + 1 == c.proxies.len() {
                    ""
                } else {
                    e.fallback().separator()
                };
                format!("{}{sep}", e.display())
            })
            .collect();
        let gosumdb = if c.sumdb { "sum.golang.org" } else { "off" };
        let config = crate::config::test_config(
            &[
                ("GOPROXY", goproxy.as_str()),
                ("GOSUMDB", gosumdb),
                ("GONOSUMDB", c.gonosumdb.as_str()),
            ],
            None,
        );
        let routes: Vec<ModuleRoute> = targets
            .iter()
            .map(|t| {
                crate::plan::route_module(
                    &config,
                    &crate::plan::ModuleTarget {
                        path: t.path.clone(),
                        version: t.version.clone(),
                    },
                )
            })
            .collect();
        let opts = SimOptions {
            check_zip: targets.iter().any(|t| t.check_zip),
        };
        super::simulate(&routes, obs, &opts)
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
                crate::plan::SkipReason::Off.go_error().to_string(),
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
    fn a_refusal_go_would_meet_with_goauth_credentials_is_not_its_answer() {
        let s401 = Fetch::status(401, "text/plain", b"");
        let mut o = obs(&[(info(A), s401.clone())]);
        // Without unrun GOAUTH entries the 401 is Go's answer.
        let p = simulate(&cfg(vec![url(A, COMMA)], false), &target(), &o);
        assert!(!p.go_will_succeed && !p.inconclusive, "{p:#?}");
        assert_eq!(p.modules[0].cause, Some(CauseId::GoproxyForbidden));
        // A GOAUTH command gomod-diag did not run: what Go would get is not observed.
        o.goauth_not_run = vec!["GOAUTH command /usr/bin/helper: not run".into()];
        let p = simulate(&cfg(vec![url(A, COMMA)], false), &target(), &o);
        assert!(p.inconclusive && !p.go_will_succeed, "{p:#?}");
        let missing = strings(&p.missing).join("\n");
        assert!(
            missing.contains("GOAUTH command /usr/bin/helper: not run"),
            "{missing}"
        );
        assert!(missing.contains(&info(A)), "{missing}");
    }

    #[test]
    fn missing_observations_make_it_inconclusive() {
        let p = simulate(
            &cfg(vec![url(A, COMMA)], false),
            &target(),
            &Observations::default(),
        );
        assert!(p.inconclusive && !p.go_will_succeed);
        assert_eq!(strings(&p.missing), vec![info(A)]);
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
        assert_eq!(strings(&p.missing), vec![lookup("https://sum.golang.org")]);
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
            strings(&p.missing),
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
        assert_eq!(
            strings(&p.missing),
            vec![format!("{A}/example.com/m/@latest")]
        );
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

    // Go 1.27 in the lab: a failed hg fetch for `@latest` names the query, not the module.
    #[test]
    fn hg_failure_for_a_query_names_the_query() {
        let mut o = obs(&[]);
        o.direct.insert(
            "example.com/m".into(),
            DirectOutcome {
                ok: false,
                go_error: Some("hg pull -f in /c/cache/vcs/x: exit status 255:\n\tabort: HTTP Error 404: Not Found".into()),
                not_found: true,
                class: CauseId::GoproxyModuleNotFound,
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
            Some("go: example.com/m@latest: hg pull -f in /c/cache/vcs/x: exit status 255:\n\tabort: HTTP Error 404: Not Found")
        );
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
            strings(&p.missing),
            vec!["not checked: git ls-remote -q --end-of-options https://example.com/m (run without --no-vcs to check git access)".to_string()]
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
        // ... whose unverified part (a commit that is no ref tip) the prediction states.
        o.direct.get_mut("example.com/m").unwrap().detail = vec![
            "not observed: commit 50b2f64444a3 is not the tip of a branch or tag (git ls-remote lists only those); assumed to exist (Go fetches it from the repository)".into(),
        ];
        let p = simulate(&c, &target(), &o);
        assert!(p.go_will_succeed, "{p:#?}");
        assert!(
            p.modules[0]
                .assumptions
                .iter()
                .any(|a| a.starts_with("direct mode: commit 50b2f64444a3 is not the tip")),
            "{p:#?}"
        );
        // A verified success assumes nothing about the repository.
        o.direct.get_mut("example.com/m").unwrap().verified = true;
        let p = simulate(&c, &target(), &o);
        assert!(
            !p.modules[0]
                .assumptions
                .iter()
                .any(|a| a.starts_with("direct mode")),
            "{p:#?}"
        );
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
