//! Pure: a race's facts → a ranking with reasons, the GOPROXY / GOSUMDB advice, and the
//! `goproxy.slow` / `goproxy.stale_mirror` findings for the mirrors the user configured.

use serde::{Deserialize, Serialize};

use super::{MirrorFacts, MirrorRace, SumdbSupport};
use crate::vocab::{Area, CauseId};

/// Where a mirror stands, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Works => "works",
            Standing::Stale => "works, stale",
            Standing::NeedsGosumdb => "works with GOSUMDB",
            Standing::Fails => "fails",
            Standing::Tampered => "WRONG CONTENT",
            Standing::Unreachable => "unreachable",
        }
    }
}

/// One mirror in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    pub name: String,
    pub url: String,
    pub standing: Standing,
    pub median_ms: Option<u64>,
    pub kib_per_s: Option<f64>,
    pub newest: Option<String>,
    pub sumdb: SumdbSupport,
    /// Why it stands where it does, for people.
    pub reasons: Vec<String>,
}

/// What to set, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    /// The GOPROXY value to set (`https://a|https://b,direct`); None when no mirror works.
    pub goproxy: Option<String>,
    /// The mirror part of it (before `,direct`): what the catalog's `{mirror}` names.
    pub mirror: Option<String>,
    /// GOSUMDB to set, when the checksum database is otherwise unreachable.
    pub gosumdb: Option<String>,
    /// The reasoning, one sentence a line.
    pub notes: Vec<String>,
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

fn reasons(m: &MirrorFacts, s: Standing, newest: Option<&str>, zip: &str) -> Vec<String> {
    let mut out = vec![];
    match s {
        Standing::Works | Standing::Stale => {
            out.push(format!("{zip} fetched and verified as Go would"));
        }
        Standing::Tampered => out.push(format!(
            "serves {zip} with content that does not match the checksum database: do not use it"
        )),
        Standing::NeedsGosumdb => out.push(
            "serves correct modules but does not proxy the checksum database, which is unreachable here"
                .into(),
        ),
        Standing::Fails | Standing::Unreachable => {}
    }
    if let Some(f) = m.endpoint.as_ref().and_then(|e| e.failure.as_ref()) {
        out.push(f.go_error.clone());
    } else if !m.go.ok && s != Standing::Tampered {
        if let Some(e) = &m.go.go_error {
            out.push(e.lines().next().unwrap_or(e).to_string());
        }
    }
    if m.cut_by_deadline {
        out.push("not finished before the deadline".into());
    }
    if s == Standing::Stale {
        out.push(format!(
            "version list lags: newest {} where another mirror has {}",
            m.newest.as_deref().unwrap_or("?"),
            newest.unwrap_or("?")
        ));
    }
    match m.sumdb {
        _ if s == Standing::NeedsGosumdb => {}
        SumdbSupport::Proxied => out.push("proxies the checksum database".into()),
        SumdbSupport::NotProxied => out.push("does not proxy the checksum database".into()),
        SumdbSupport::Broken => {
            out.push("its checksum-database endpoint is broken (Go gives up there)".into())
        }
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
        a.notes.push(if race.deadline_expired {
            "No mirror worked before the deadline: every mirror was unreachable or failed. Check the network (or the proxy Go uses), or try a longer --timeout.".into()
        } else {
            "No mirror works from here: every mirror was unreachable or failed. Check the network, or the proxy Go uses.".into()
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
        a.notes.push(format!(
            "`|` between {} and {}: when the first fails in any way, a network error included, Go tries the second (a `,` would stop at a network error).",
            picks[0].name, picks[1].name
        ));
    }
    a.notes.push(
        "`,direct` at the end: Go fetches from the origin only when the mirrors answer 404/410 (not found); a network error does not send it there, so a blocked origin is not waited on.".into(),
    );
    let direct_ok = checksum_ok(race, "sum.golang.org");
    if best == Some(Standing::NeedsGosumdb) {
        a.gosumdb = Some("sum.golang.google.cn".into());
        a.notes.push(format!(
            "{} does not proxy the checksum database and sum.golang.org is unreachable here: GOSUMDB=sum.golang.google.cn serves the same database (same key) from mainland China.",
            picks[0].name
        ));
    } else if direct_ok == Some(false) {
        if picks[0].sumdb == SumdbSupport::Proxied {
            a.notes.push(format!(
                "sum.golang.org is unreachable here, but {} proxies the checksum database: Go verifies through the mirror with sum.golang.org's key, nothing else to set.",
                picks[0].name
            ));
        } else if cn_ok {
            a.gosumdb = Some("sum.golang.google.cn".into());
            a.notes.push("sum.golang.org is unreachable here: GOSUMDB=sum.golang.google.cn serves the same database (same key).".into());
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
