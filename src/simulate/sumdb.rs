//! The checksum database (sumdb.go): its route (an explicit URL, the `supported` walk over
//! the GOPROXY list, or `https://<name>`), the lookup, the signed tree head, the tiles and
//! the inclusion proof — then whether the record carries the download's hash.

use super::proxies::{get_bytes, not_exist, try_proxies, GoErr, Step};
use super::{Attempt, AttemptResult, Missing, ModulePrediction, Outcome, Stage, StageName};
use crate::facts::Observations;
use crate::plan::{ModuleRoute, SkipReason, SumdbRoute};
use crate::simulate::proto::{note, tlog};
use crate::vocab::module::{escape_path, escape_version, join_url};
use crate::vocab::{Area, CauseId};

const SUMDB_MISMATCH: &str = "\n\nSECURITY ERROR\nThis download does NOT match the one reported by the checksum server.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.\n";
const SUMDB_ABSENT: &str = "\n\nSECURITY ERROR\nThis download does NOT match one reported by the checksum server.\nThe checksum server has provided checksums, but the checksums do\nnot contain an entry for the download.\nThe checksum server may be malfunctioning, or an attacker may have\nintercepted the checksum request.\nThe download cannot be verified.\n\nFor more information, see 'go help module-auth'.\n";

/// fetch.go checkSumDB: the record's line for `path version` must carry our hash.
pub(super) fn check_line(
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

pub(super) enum SumdbResult {
    NotUsed,
    Missing(Missing),
    Failed(GoErr),
    Record { db: String, lines: Vec<String> },
}

/// sumdb.go: the route (explicit URL, the `supported` walk, or `https://<name>`), then
/// `/lookup`, the signed note, and the tiles.
pub(super) fn sumdb_stage(
    route: &ModuleRoute,
    version: &str,
    obs: &Observations,
    m: &mut ModulePrediction,
) -> SumdbResult {
    let t = &route.module;
    let (name, key, explicit, candidates) = match &route.sumdb {
        SumdbRoute::Invalid { go_error } => {
            m.sumdb_route = "invalid GOSUMDB".into();
            return SumdbResult::Failed(GoErr {
                text: go_error.clone(),
                not_exist: false,
                class: CauseId::ConfigGosumdbInvalid,
            });
        }
        SumdbRoute::NotUsed { reason } => {
            m.sumdb_route = format!("not consulted: {reason}");
            return SumdbResult::NotUsed;
        }
        SumdbRoute::Explicit { name, key, url, .. } => (name, key, Some(url), &[][..]),
        SumdbRoute::ViaProxies {
            name,
            key,
            candidates,
            ..
        } => (name, key, None, &candidates[..]),
    };
    let mut stage = Stage {
        stage: StageName::Sumdb,
        attempts: vec![],
        outcome: Outcome::Ok,
        error: None,
    };
    let base = match explicit {
        Some(u) => u.expose().to_string(),
        // No proxy to ask (GOPROXY=direct or off): Go goes to the database itself.
        None if candidates.iter().all(|c| c.direct) => format!("https://{name}"),
        None => {
            let walk = try_proxies(candidates, |c| {
                if c.direct {
                    return (
                        None,
                        Step::Err(not_exist(SkipReason::Off.go_error(), CauseId::Ok)),
                    );
                }
                let step = match get_bytes(obs, c.supported_url.expose()) {
                    Step::Ok(_) => Step::Ok(join_url(c.proxy.expose(), &format!("sumdb/{name}"))),
                    Step::Err(mut e) => {
                        if !e.not_exist && e.class.area() == Area::Goproxy {
                            e.class = CauseId::SumdbProxyRouteBroken;
                        }
                        Step::Err(e)
                    }
                    Step::Missing(u) => Step::Missing(u),
                };
                (Some(c.supported_url.expose().to_string()), step)
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

pub(super) fn sumdb_lookup(
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
