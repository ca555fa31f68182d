//! TryProxies and the observations it replays: Go's walk over the GOPROXY entries of a
//! module's route (proxy.go), what modfetch.lookup does at each entry, and how a recorded
//! response reads to cmd/go.

use super::{Attempt, AttemptResult, Missing, ModulePrediction, Outcome, Stage, StageName};
use crate::config::FallbackMode;
use crate::facts::observed::{http_error_text, looks_like_html, Fetch};
use crate::facts::Observations;
use crate::plan::{RouteStep, SkipReason, StepAction, SumdbCandidate};
use crate::redact::Secret;
use crate::vocab::CauseId;

/// A Go error with its "not found" (fs.ErrNotExist) bit.
#[derive(Debug, Clone)]
pub(super) struct GoErr {
    pub text: String,
    pub not_exist: bool,
    pub class: CauseId,
}

pub(super) enum Step<T> {
    Ok(T),
    Err(GoErr),
    Missing(Missing),
}

pub(super) struct Walk<T> {
    pub attempts: Vec<Attempt>,
    pub result: Step<T>,
}

/// An entry of a TryProxies walk: a GOPROXY entry of the module's route, or a proxy that may
/// serve the checksum database.
pub(super) trait WalkEntry {
    /// The entry (`direct`, the proxy URL; shown masked).
    fn name(&self) -> Secret;
    fn fallback(&self) -> FallbackMode;
    /// A direct fetch: its error outranks every proxy error.
    fn is_direct(&self) -> bool;
}

impl WalkEntry for RouteStep {
    fn name(&self) -> Secret {
        self.entry.clone()
    }
    fn fallback(&self) -> FallbackMode {
        self.fallback
    }
    fn is_direct(&self) -> bool {
        matches!(self.action, StepAction::FetchDirect { .. })
    }
}

impl WalkEntry for SumdbCandidate {
    fn name(&self) -> Secret {
        self.proxy.clone()
    }
    fn fallback(&self) -> FallbackMode {
        self.fallback
    }
    fn is_direct(&self) -> bool {
        self.direct
    }
}

/// TryProxies: f per entry in order, Go's fall-through and error ranking.
pub(super) fn try_proxies<E: WalkEntry, T>(
    entries: &[E],
    mut f: impl FnMut(&E) -> (Option<String>, Step<T>),
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
                let why = match &u {
                    Missing::Unchecked(_) => u.to_string(),
                    _ => "not observed".into(),
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
                if e.is_direct() {
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

pub(super) fn not_exist(text: &str, class: CauseId) -> GoErr {
    GoErr {
        text: text.into(),
        not_exist: true,
        class,
    }
}

/// What modfetch.lookup does at one step of the route: a proxy base to ask, direct mode, or
/// an immediate "not found".
pub(super) enum Lookup {
    Proxy(String),
    Direct,
    Fail(GoErr),
}

pub(super) fn lookup(step: &RouteStep) -> Lookup {
    match &step.action {
        StepAction::AskProxy { base, .. } => Lookup::Proxy(base.expose().to_string()),
        StepAction::FetchDirect { .. } => Lookup::Direct,
        StepAction::Skip { reason, .. } => {
            let class = match reason {
                SkipReason::Off => CauseId::ConfigGoproxyOff,
                SkipReason::Private | SkipReason::NotPrivate => CauseId::GoproxyModuleNotFound,
            };
            Lookup::Fail(not_exist(reason.go_error(), class))
        }
    }
}

/// Classifies a non-200 status as cmd/go sees it.
pub(super) fn status_err(url: &str, f: &Fetch) -> GoErr {
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
pub(super) fn get_bytes(obs: &Observations, url: &str) -> Step<Vec<u8>> {
    match obs.http.get(url) {
        None => Step::Missing(Missing::Request(url.into())),
        // Go reads a protocol file to its end (io.ReadAll): one cut at the limit is too large
        // to judge here, or never ends — not "not JSON".
        Some(f @ Fetch::Status { code: 200, body, .. }) if f.cut() && !url.ends_with(".zip") => {
            Step::Err(GoErr {
                text: format!(
                    "reading {}: the response is larger than {} MiB or never ends (Go reads on until it ends)",
                    crate::redact::go_error_url(url),
                    body.len() >> 20
                ),
                not_exist: false,
                class: CauseId::GoproxySlow,
            })
        }
        Some(Fetch::Status {
            code: 200, body, ..
        }) => Step::Ok(body.clone()),
        // cmd/go adds GOAUTH's credentials to https requests; those of a command or of
        // `git credential fill` were not obtained, so this refusal may not be Go's answer.
        Some(Fetch::Status { code: 401 | 403, .. })
            if url.starts_with("https://") && !obs.goauth_not_run.is_empty() =>
        {
            Step::Missing(Missing::Unchecked(format!(
                "{} (Go would add their credentials to {})",
                obs.goauth_not_run.join("; "),
                crate::redact::go_error_url(url)
            )))
        }
        Some(f) => Step::Err(status_err(url, f)),
    }
}

pub(super) fn direct_step(obs: &Observations, path: &str) -> Step<()> {
    match obs.direct.get(path) {
        None => Step::Missing(Missing::Direct(path.to_string())),
        // Go's outcome rests on repository access nobody checked: unknown, not ok.
        Some(d) if d.ok && d.unchecked.is_some() => {
            Step::Missing(Missing::Unchecked(d.unchecked.clone().unwrap_or_default()))
        }
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

/// The assumption behind a direct-mode success that the probe could not verify (a commit
/// that is no ref tip, a version query answered from go.mod files, a go-import `mod`
/// root): the prediction states it instead of calling the success observed.
pub(super) fn direct_assumption<T>(
    obs: &Observations,
    path: &str,
    walk: &Walk<T>,
) -> Option<String> {
    // Direct attempts name no URL; Go stopped at one only when the walk ends there.
    let last = walk.attempts.last()?;
    if !matches!(walk.result, Step::Ok(_)) || last.url.is_some() {
        return None;
    }
    let d = obs
        .direct
        .get(path)
        .filter(|d| d.ok && !d.verified && d.unchecked.is_none())?;
    Some(
        match d
            .detail
            .iter()
            .find_map(|l| l.strip_prefix("not observed: "))
        {
            Some(what) => format!("direct mode: {what}"),
            None => format!(
                "direct mode's success was not verified ({})",
                d.detail
                    .last()
                    .map(String::as_str)
                    .unwrap_or("no repository contacted")
            ),
        },
    )
}

/// Direct mode for a version query (`@latest`): Go's text for a failed `git ls-remote` is
/// the bare RunError there (observed with go 1.27: `module M: git ls-remote ...`), without
/// the `invalid version:` a Stat of an explicit version adds.
pub(super) fn direct_query_step(obs: &Observations, path: &str) -> Step<String> {
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

pub(super) fn stage_from<T>(name: StageName, walk: &Walk<T>) -> Stage {
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

/// The module's outcome depends on `u`, which was not observed.
pub(super) fn mark_unknown(m: &mut ModulePrediction, missing: &mut Vec<Missing>, u: Missing) {
    if let Missing::Unchecked(_) = &u {
        m.assumptions.push(format!(
            "Go's outcome depends on repository access that was not checked: {}",
            u.unchecked_text()
        ));
    }
    missing.push(u);
    m.outcome = Outcome::Unknown;
}

impl Step<()> {
    pub(super) fn map_latest(self) -> Step<String> {
        match self {
            Step::Ok(()) => Step::Ok(String::new()),
            Step::Err(e) => Step::Err(e),
            Step::Missing(u) => Step::Missing(u),
        }
    }
}

impl<T> Step<T> {
    pub(super) fn map<U>(self, f: impl FnOnce(T) -> U) -> Step<U> {
        match self {
            Step::Ok(v) => Step::Ok(f(v)),
            Step::Err(e) => Step::Err(e),
            Step::Missing(u) => Step::Missing(u),
        }
    }

    pub(super) fn map_none<U>(self) -> Step<Option<U>> {
        match self {
            Step::Ok(_) => Step::Ok(None),
            Step::Err(e) => Step::Err(e),
            Step::Missing(u) => Step::Missing(u),
        }
    }
}
