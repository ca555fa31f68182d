//! Pure: a race's facts → a ranking with reasons, the GOPROXY / GOSUMDB advice, and the
//! `goproxy.slow` / `goproxy.stale_mirror` findings for the mirrors the user configured.

use serde::{Deserialize, Serialize};

use super::{MirrorFacts, MirrorRace, SumdbSupport};
use crate::vocab::{Area, CauseId};

/// Where a mirror stands, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Go would fetch and verify the reference module through it, and its list is current.
    Works,
    /// Works, but its version list lags behind another mirror's.
    Stale,
    /// Serves correct modules, but Go cannot reach the checksum database on this route
    /// (the mirror does not proxy it and sum.golang.org is unreachable): needs GOSUMDB.
    NeedsGosumdb,
    /// Reachable, but Go would fail through it (errors, broken checksum route, ...).
    Fails,
    /// Serves a zip whose hash differs from the checksum database's record.
    Tampered,
    /// Not reachable from here (DNS, TCP, TLS, proxy, deadline).
    Unreachable,
}

/// Why a mirror stands where it does (rendered in the report's language by
/// `render::mirrors`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The reference zip was fetched and verified as Go would.
    Verified {
        module: String,
    },
    /// The zip's content differs from the checksum database's record.
    Tampered {
        module: String,
    },
    /// Correct modules, no checksum-database proxy, and sum.golang.org unreachable.
    NeedsGosumdb,
    /// Go's error on this route (first line).
    GoError {
        text: String,
    },
    /// The deadline ended the measurement.
    Deadline,
    /// The version list lags behind another mirror's.
    Stale {
        newest: String,
        elsewhere: String,
    },
    SumdbProxied,
    SumdbNotProxied,
    SumdbBroken,
}

/// One line of the advice's reasoning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// No mirror works (or none before the deadline).
    NoneWorks { deadline: bool },
    /// `|` between two mirrors.
    Pipe { first: String, second: String },
    /// `,direct` at the end.
    CommaDirect,
    /// sum.golang.org unreachable, but the mirror proxies it.
    SumdbThroughMirror { mirror: String },
    /// sum.golang.org unreachable (and the mirror, if named, does not proxy it):
    /// GOSUMDB=sum.golang.google.cn.
    SumdbChina { mirror: Option<String> },
}

/// One mirror in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Ranked {
    pub name: String,
    pub url: String,
    pub standing: Standing,
    pub median_ms: Option<u64>,
    pub kib_per_s: Option<f64>,
    pub newest: Option<String>,
    pub sumdb: SumdbSupport,
    /// Why it stands where it does.
    pub reasons: Vec<Reason>,
}

/// What to set, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Advice {
    /// The GOPROXY value to set (`https://a|https://b,direct`); None when no mirror works.
    pub goproxy: Option<String>,
    /// The mirror part of it (before `,direct`): what the catalog's `{mirror}` names.
    pub mirror: Option<String>,
    /// GOSUMDB to set, when the checksum database is otherwise unreachable.
    pub gosumdb: Option<String>,
    /// The reasoning, one sentence each.
    pub notes: Vec<Note>,
}

/// A mirror this much slower (median), and at least [`SLOW_MS`], than the best one that
/// works is `goproxy.slow`.
pub const SLOW_FACTOR: u64 = 5;
pub const SLOW_MS: u64 = 2000;

fn is_network(c: CauseId) -> bool {
    matches!(c.area(), Area::Dns | Area::Tcp | Area::Tls | Area::Proxy)
        || c == CauseId::SumdbUnreachable
        || c == CauseId::GoproxySlow
}

/// The newer of two versions (semver).
fn newer(a: &str, b: &str) -> bool {
    a != b && crate::vocab::module::latest_from_list(&format!("{a}\n{b}")).as_deref() == Some(a)
}

/// The newest release any mirror that works lists.
pub fn newest_listed(race: &MirrorRace) -> Option<String> {
    let mut best: Option<String> = None;
    for m in race.mirrors.iter().filter(|m| m.go.ok) {
        if let Some(v) = &m.newest {
            if best.as_deref().is_none_or(|b| newer(v, b)) {
                best = Some(v.clone());
            }
        }
    }
    best
}

fn standing(m: &MirrorFacts, newest: Option<&str>) -> Standing {
    let reached = m.endpoint.as_ref().is_some_and(|e| e.ok());
    if m.go.ok {
        match (m.newest.as_deref(), newest) {
            (Some(mine), Some(best)) if newer(best, mine) => Standing::Stale,
            _ => Standing::Works,
        }
    } else if m.go.cause == Some(CauseId::SumdbChecksumMismatch) {
        Standing::Tampered
    } else if !reached || (m.latency_ms.is_empty() && m.cut_by_deadline) {
        Standing::Unreachable
    } else if m.zip.as_ref().is_some_and(|z| z.h1.is_some())
        && m.sumdb != SumdbSupport::Proxied
        && m.go.cause.is_some_and(is_network)
        && m.go
            .go_error
            .as_deref()
            .is_some_and(|e| e.contains("verifying"))
    {
        Standing::NeedsGosumdb
    } else {
        Standing::Fails
    }
}

fn reasons(m: &MirrorFacts, s: Standing, newest: Option<&str>, zip: &str) -> Vec<Reason> {
    let mut out = vec![];
    match s {
        Standing::Works | Standing::Stale => out.push(Reason::Verified { module: zip.into() }),
        Standing::Tampered => out.push(Reason::Tampered { module: zip.into() }),
        Standing::NeedsGosumdb => out.push(Reason::NeedsGosumdb),
        Standing::Fails | Standing::Unreachable => {}
    }
    if let Some(f) = m.endpoint.as_ref().and_then(|e| e.failure.as_ref()) {
        out.push(Reason::GoError {
            text: f.go_error.clone(),
        });
    } else if !m.go.ok && s != Standing::Tampered {
        if let Some(e) = &m.go.go_error {
            out.push(Reason::GoError {
                text: e.lines().next().unwrap_or(e).to_string(),
            });
        }
    }
    if m.cut_by_deadline {
        out.push(Reason::Deadline);
    }
    if s == Standing::Stale {
        out.push(Reason::Stale {
            newest: m.newest.clone().unwrap_or_default(),
            elsewhere: newest.unwrap_or_default().to_string(),
        });
    }
    match m.sumdb {
        _ if s == Standing::NeedsGosumdb => {}
        SumdbSupport::Proxied => out.push(Reason::SumdbProxied),
        SumdbSupport::NotProxied => out.push(Reason::SumdbNotProxied),
        SumdbSupport::Broken => out.push(Reason::SumdbBroken),
        SumdbSupport::Unknown => {}
    }
    out
}

/// The mirrors, best first: by standing, then median latency, then zip throughput.
pub fn rank(race: &MirrorRace) -> Vec<Ranked> {
    let newest = newest_listed(race);
    let zip = &race.reference.zip;
    let mut out: Vec<Ranked> = race
        .mirrors
        .iter()
        .map(|m| {
            let s = standing(m, newest.as_deref());
            Ranked {
                name: m.name.clone(),
                url: m.url.clone(),
                standing: s,
                median_ms: m.median_ms(),
                kib_per_s: m.kib_per_s(),
                newest: m.newest.clone(),
                sumdb: m.sumdb,
                reasons: reasons(m, s, newest.as_deref(), zip),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.standing
            .cmp(&b.standing)
            .then(
                a.median_ms
                    .unwrap_or(u64::MAX)
                    .cmp(&b.median_ms.unwrap_or(u64::MAX)),
            )
            .then(
                b.kib_per_s
                    .unwrap_or(0.0)
                    .total_cmp(&a.kib_per_s.unwrap_or(0.0)),
            )
    });
    out
}

fn checksum_ok(race: &MirrorRace, gosumdb: &str) -> Option<bool> {
    race.checksum
        .iter()
        .find(|c| c.gosumdb == gosumdb)
        .map(|c| c.ok)
}

/// The GOPROXY (and GOSUMDB) to set: the best one or two mirrors that work.
pub fn advise(race: &MirrorRace, ranked: &[Ranked]) -> Advice {
    let mut a = Advice::default();
    let best = ranked.first().map(|r| r.standing);
    let mut picks: Vec<&Ranked> = match best {
        Some(s @ (Standing::Works | Standing::Stale | Standing::NeedsGosumdb)) => {
            ranked.iter().filter(|r| r.standing == s).take(2).collect()
        }
        _ => vec![],
    };
    let cn_ok = checksum_ok(race, "sum.golang.google.cn") == Some(true);
    if best == Some(Standing::NeedsGosumdb) && !cn_ok {
        picks.clear();
    }
    if picks.is_empty() {
        a.notes.push(Note::NoneWorks {
            deadline: race.deadline_expired,
        });
        return a;
    }
    let mirror = picks
        .iter()
        .map(|r| r.url.as_str())
        .collect::<Vec<_>>()
        .join("|");
    a.goproxy = Some(format!("{mirror},direct"));
    a.mirror = Some(mirror);
    if picks.len() > 1 {
        a.notes.push(Note::Pipe {
            first: picks[0].name.clone(),
            second: picks[1].name.clone(),
        });
    }
    a.notes.push(Note::CommaDirect);
    let direct_ok = checksum_ok(race, "sum.golang.org");
    if best == Some(Standing::NeedsGosumdb) {
        a.gosumdb = Some("sum.golang.google.cn".into());
        a.notes.push(Note::SumdbChina {
            mirror: Some(picks[0].name.clone()),
        });
    } else if direct_ok == Some(false) {
        if picks[0].sumdb == SumdbSupport::Proxied {
            a.notes.push(Note::SumdbThroughMirror {
                mirror: picks[0].name.clone(),
            });
        } else if cn_ok {
            a.gosumdb = Some("sum.golang.google.cn".into());
            a.notes.push(Note::SumdbChina { mirror: None });
        }
    }
    a
}

/// `goproxy.slow` and `goproxy.stale_mirror` for the GOPROXY entries the user configured
/// (`configured`: their URLs), from the race's measurements.
pub fn findings(race: &MirrorRace, configured: &[String]) -> Vec<(CauseId, String)> {
    let ranked = rank(race);
    let newest = newest_listed(race);
    let norm = |u: &str| u.trim_end_matches('/').to_ascii_lowercase();
    let mut out = vec![];
    for r in &ranked {
        if !configured.iter().any(|c| norm(c) == norm(&r.url)) {
            continue;
        }
        let fastest = ranked
            .iter()
            .filter(|o| o.url != r.url && o.standing == Standing::Works)
            .filter_map(|o| o.median_ms.map(|ms| (o, ms)))
            .min_by_key(|(_, ms)| *ms);
        if let (Some(mine), Some((o, theirs))) = (r.median_ms, fastest) {
            let works = matches!(r.standing, Standing::Works | Standing::Stale);
            if works && mine >= SLOW_MS && mine >= SLOW_FACTOR * theirs.max(1) {
                out.push((
                    CauseId::GoproxySlow,
                    format!(
                        "{} answers in {mine} ms (median); {} in {theirs} ms",
                        r.url, o.url
                    ),
                ));
            }
        }
        if r.standing == Standing::Stale {
            let other = ranked
                .iter()
                .find(|o| o.standing == Standing::Works && o.newest == newest);
            out.push((
                CauseId::GoproxyStaleMirror,
                format!(
                    "{} lists up to {} for {}, but {} already has {}",
                    r.url,
                    r.newest.as_deref().unwrap_or("?"),
                    race.reference.freshness,
                    other.map_or("another mirror", |o| o.url.as_str()),
                    newest.as_deref().unwrap_or("?")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
