//! The stages of `go mod download M@V` (fetch.go): the version (`.info`, or the list and
//! `@latest`), `.mod`, the checksum database for the go.mod hash, then the zip.

use super::proxies::{
    direct_assumption, direct_query_step, direct_step, get_bytes, lookup, mark_unknown, stage_from,
    try_proxies, GoErr, Lookup, Step,
};
use super::sumdb::{check_line, sumdb_stage, SumdbResult};
use super::{Missing, ModulePrediction, Outcome, SimOptions, StageName};
use crate::facts::observed::{go_json_error, looks_like_html, looks_like_zip};
use crate::facts::Observations;
use crate::plan::ModuleRoute;
use crate::simulate::proto::dirhash;
use crate::vocab::module::{escape_path, escape_version, join_url, latest_from_list};
use crate::vocab::CauseId;

pub(super) fn content_info(body: &[u8], base: &str, version: &str) -> Result<String, GoErr> {
    if let Some(e) = go_json_error(body) {
        return Err(GoErr {
            // cmd/go names the proxy's redactedBase.
            text: format!(
                "invalid response from proxy {:?}: {e}",
                crate::redact::mask_url(base)
            ),
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

pub(super) fn simulate_module(
    route: &ModuleRoute,
    opts: &SimOptions,
    obs: &Observations,
    missing: &mut Vec<Missing>,
) -> ModulePrediction {
    let t = &route.module;
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
    if let Some(e) = &route.goproxy_error {
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
            let walk = try_proxies(&route.steps, |e| match lookup(e) {
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
            if let Some(a) = direct_assumption(obs, &t.path, &walk) {
                m.assumptions.push(a);
            }
            let label = format!("{}@{v}", t.path);
            let Some(_) = settle(&mut m, missing, &label, walk.result) else {
                return m;
            };
            v.clone()
        }
        None => {
            let walk = try_proxies(&route.steps, |e| match lookup(e) {
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
            if let Some(a) = direct_assumption(obs, &t.path, &walk) {
                m.assumptions.push(a);
            }
            let label = match &walk.result {
                // A failed hg fetch names the query (observed with go 1.27: `M@latest: hg pull
                // -f in ...`); everything else names the module.
                Step::Err(e) if e.text.starts_with("hg ") => format!("{}@latest", t.path),
                _ => format!("module {}", t.path),
            };
            let Some(v) = settle(&mut m, missing, &label, walk.result) else {
                return m;
            };
            v
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
    let walk = try_proxies(&route.steps, |e| match lookup(e) {
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
    let Some(go_mod) = settle(&mut m, missing, &mv, walk.result) else {
        return m;
    };
    // `go mod download` stores any 200 body as go.mod (observed with go 1.27); only later
    // commands parse it.
    if go_mod.as_deref().is_some_and(|b| looks_like_html("", b)) {
        m.assumptions.push(
            "the .mod file is an HTML page: `go mod download` stores it, but `go get`/`go build` will fail to parse it".into(),
        );
    }

    // 3. The checksum database, for the go.mod hash (the zip's line is in the same record).
    let record = match sumdb_stage(route, &version, obs, &mut m) {
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

    // 4. The zip, verified against the checksum database record as Go verifies it.
    if opts.check_zip {
        // A zip that is still downloading when the step limit ends is not a failure: Go has
        // no timeout and keeps downloading. It is left unverified, and the verdict says so.
        let mut zip_unfinished = false;
        let walk = try_proxies(&route.steps, |e| match lookup(e) {
            Lookup::Fail(err) => (None, Step::Err(err)),
            Lookup::Direct => (None, direct_step(obs, &t.path).map(|()| String::new())),
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
                    Step::Ok(_) => Step::Ok(url.clone()),
                    Step::Err(e) if e.class == CauseId::GoproxySlow => {
                        zip_unfinished = true;
                        Step::Ok(String::new())
                    }
                    Step::Err(e) => Step::Err(e),
                    Step::Missing(u) => Step::Missing(u),
                };
                (Some(url), step)
            }
        });
        if zip_unfinished {
            m.assumptions.push(
                "the .zip did not finish downloading within the step limit (Go keeps downloading): not verified against the checksum database".into(),
            );
        }
        m.stages.push(stage_from(StageName::Zip, &walk));
        let zip_url = match walk.result {
            Step::Err(e) if e.text.starts_with("zip: ") => {
                // Go prints the archive error without the module (observed with go 1.27).
                fail(&mut m, "", &e);
                m.error_text = Some(format!("go: {}", e.text));
                return m;
            }
            result => match settle(&mut m, missing, &mv, result) {
                Some(u) => u,
                None => return m,
            },
        };
        match (&record, obs.zip_h1.get(&zip_url)) {
            (Some((db, lines)), Some(h)) => {
                if let Err(e) = check_line(lines, &t.path, &version, h, db, "module") {
                    fail(&mut m, &mv, &e);
                    return m;
                }
            }
            // Fetched directly (git), or too large to hash within the run's bounds.
            (Some(_), None) if !zip_url.is_empty() => m.assumptions.push(format!(
                "the .zip was not hashed (larger than {} MiB): assumed to match the checksum database",
                super::ZIP_HASH_LIMIT >> 20
            )),
            _ => {}
        }
    } else {
        m.assumptions.push(
            "the .zip was not downloaded (use --zip): assumed to come from the same source as .mod"
                .into(),
        );
    }
    m
}

/// A stage's value, or None once the module's outcome is decided by it: failed with the
/// stage's error (`go: <label>: <error>`), or unknown on an outcome nobody observed.
fn settle<T>(
    m: &mut ModulePrediction,
    missing: &mut Vec<Missing>,
    label: &str,
    result: Step<T>,
) -> Option<T> {
    match result {
        Step::Ok(v) => Some(v),
        Step::Err(e) => {
            fail(m, label, &e);
            None
        }
        Step::Missing(u) => {
            mark_unknown(m, missing, u);
            None
        }
    }
}

/// The module fails with Go's `go: <label>: <error>`.
fn fail(m: &mut ModulePrediction, label: &str, e: &GoErr) {
    m.outcome = Outcome::Failed;
    m.cause = Some(e.class);
    m.error_text = Some(format!("go: {label}: {}", e.text));
}
