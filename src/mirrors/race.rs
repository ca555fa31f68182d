//! The race (I/O): every mirror at once, under the run's deadline, through the HTTP proxy Go
//! would use. Per mirror: the DNS → TCP → TLS (→ proxy) chain ([`chain::probe_endpoint`]),
//! a few small requests (latency), the freshness module's version list, the checksum
//! database's `supported`, the reference zip (throughput, `h1:`), then cmd/go's fetch of the
//! reference module through that mirror alone, replayed by the simulation over the same
//! requests ([`observe`]) — so "works" means Go would fetch *and verify* it.
//!
//! Only the list's reference modules are requested: nothing of the user's modules.

use std::time::Instant;

use super::{
    ChecksumFacts, ChecksumSpec, GoThrough, MirrorFacts, MirrorList, MirrorRace, MirrorSpec,
    SumdbSupport, ZipFacts,
};
use crate::config::GoConfig;
use crate::facts::observed::Fetch;
use crate::facts::{DirectOutcome, Observations};
use crate::modfetch::fetch::{observe, Fetcher};
use crate::plan::{route_module, ModuleTarget, SumdbRoute};
use crate::probe::progress::Progress;
use crate::probe::{chain, ProbeOptions, Route};
use crate::simulate::{Outcome, SimOptions};
use crate::vocab::module::{escape_path, escape_version, join_url, latest_from_list};
use crate::vocab::CauseId;

/// The largest reference zip read (and hashed).
const MAX_ZIP: usize = 16 << 20;
/// The most a zip may inflate to while hashed (a bomb is not a module).
const MAX_UNZIPPED: u64 = 64 << 20;

/// Go's configuration with GOPROXY set to one mirror alone; GOSUMDB as the user has it
/// (the default database when it is off: correctness is still checked); no private patterns
/// (the reference modules are public).
pub fn through_mirror(config: &GoConfig, mirror: &str) -> GoConfig {
    let mut c = config.clone();
    let off = c.get("GOSUMDB") == "off";
    for v in c.values.iter_mut() {
        let new = match v.name.as_str() {
            "GOPROXY" => Some(mirror.to_string()),
            "GOSUMDB" if off || v.value.expose().is_empty() => Some("sum.golang.org".into()),
            "GONOPROXY" | "GONOSUMDB" | "GOPRIVATE" | "GOINSECURE" => Some(String::new()),
            _ => None,
        };
        if let Some(n) = new {
            v.value = crate::redact::Secret::new(n);
        }
    }
    c
}

/// The `h1:` hash of a module zip (dirhash.HashZip), None when it is not a readable zip.
pub fn zip_h1(body: &[u8]) -> Option<String> {
    crate::simulate::proto::dirhash::hash_zip(body, MAX_UNZIPPED).ok()
}

/// Races every mirror and checksum endpoint of `list` at once, bounded by `opts.deadline`.
pub async fn race(
    list: &MirrorList,
    config: &GoConfig,
    opts: &ProbeOptions,
    progress: &Progress,
) -> MirrorRace {
    let t0 = Instant::now();
    let fetcher = Fetcher::with_probe(Some(config.proxy_env()), opts);
    let remaining = opts
        .deadline
        .saturating_duration_since(tokio::time::Instant::now());
    let mirrors = crate::join::join_all(
        list.mirrors
            .iter()
            .map(|m| {
                let fetcher = &fetcher;
                async move {
                    let spinner = progress.start(&format!("mirror {}", m.name));
                    let out =
                        tokio::time::timeout(remaining, measure(m, list, config, fetcher, opts))
                            .await
                            .unwrap_or_else(|_| cut(m));
                    spinner.finish();
                    out
                }
            })
            .collect(),
    );
    let checksum = crate::join::join_all(
        list.checksum
            .iter()
            .map(|c| {
                let fetcher = &fetcher;
                async move {
                    tokio::time::timeout(remaining, checksum_latest(c, fetcher))
                        .await
                        .unwrap_or_else(|_| ChecksumFacts {
                            gosumdb: c.gosumdb.clone(),
                            url: c.url.clone(),
                            ok: false,
                            ms: remaining.as_millis() as u64,
                            go_error: Some("no answer before the deadline".into()),
                        })
                }
            })
            .collect(),
    );
    let (mirrors, checksum) = tokio::join!(mirrors, checksum);
    let deadline_expired = mirrors.iter().any(|m| m.cut_by_deadline);
    MirrorRace {
        reference: list.reference.clone(),
        mirrors,
        checksum,
        duration_ms: crate::probe::ms(t0.elapsed()),
        deadline_ms: remaining.as_millis() as u64,
        deadline_expired,
    }
}

fn blank(m: &MirrorSpec) -> MirrorFacts {
    MirrorFacts {
        name: m.name.clone(),
        url: m.url.clone(),
        documented_sumdb: m.sumdb,
        endpoint: None,
        latency_ms: vec![],
        newest: None,
        sumdb: SumdbSupport::Unknown,
        zip: None,
        go: GoThrough {
            ok: false,
            cause: None,
            go_error: None,
        },
        cut_by_deadline: false,
    }
}

fn cut(m: &MirrorSpec) -> MirrorFacts {
    let mut f = blank(m);
    f.cut_by_deadline = true;
    f.go.cause = Some(CauseId::GoproxySlow);
    f.go.go_error = Some(format!("{}: no answer before the deadline", m.url));
    f
}

async fn checksum_latest(c: &ChecksumSpec, fetcher: &Fetcher) -> ChecksumFacts {
    let url = join_url(&c.url, "latest");
    let f = fetcher.get(&url, 64 << 10).await;
    let (ok, go_error) = match &f {
        Fetch::Status {
            code: 200, body, ..
        } if !body.is_empty() => (true, None),
        Fetch::Status { code, reason, .. } => (false, Some(format!("{url}: {code} {reason}"))),
        Fetch::NetError { go_error, .. } => (false, Some(go_error.clone())),
    };
    ChecksumFacts {
        gosumdb: c.gosumdb.clone(),
        url: c.url.clone(),
        ok,
        ms: f.elapsed_ms(),
        go_error,
    }
}

async fn measure(
    m: &MirrorSpec,
    list: &MirrorList,
    config: &GoConfig,
    fetcher: &Fetcher,
    opts: &ProbeOptions,
) -> MirrorFacts {
    let mut facts = blank(m);
    let Ok(base) = url::Url::parse(&m.url) else {
        facts.go.go_error = Some(format!("invalid mirror URL {:?}", m.url));
        return facts;
    };
    let route = Route::for_url(&config.proxy_env(), &base).unwrap_or(Route::Direct);
    let endpoint = chain::probe_endpoint(&base, &route, opts).await;
    if let Some(f) = &endpoint.failure {
        facts.go.cause = f.cause;
        facts.go.go_error = endpoint.go_error(&m.url);
        facts.endpoint = Some(endpoint);
        return facts;
    }
    facts.endpoint = Some(endpoint);

    let (zpath, zver) = list.zip_module();
    let (Ok(ep), Ok(ev), Ok(fp)) = (
        escape_path(zpath),
        escape_version(zver),
        escape_path(&list.reference.freshness),
    ) else {
        return facts;
    };
    let cfg = through_mirror(config, &m.url);
    let target = ModuleTarget {
        path: zpath.to_string(),
        version: Some(zver.to_string()),
    };
    let plan = route_module(&cfg, &target);
    let supported = match &plan.sumdb {
        SumdbRoute::ViaProxies { candidates, .. } => candidates
            .first()
            .map(|c| c.supported_url.expose().to_string()),
        _ => None,
    };
    let small: Vec<String> = [
        Some(join_url(&m.url, &format!("{fp}/@v/list"))),
        Some(join_url(&m.url, &format!("{ep}/@v/{ev}.info"))),
        Some(join_url(&m.url, &format!("{ep}/@v/{ev}.mod"))),
        supported.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let answers =
        crate::join::join_all(small.iter().map(|u| fetcher.get(u, 1 << 20)).collect()).await;
    let mut obs = Observations::default();
    for (u, f) in small.iter().zip(answers) {
        if let Fetch::Status {
            code, elapsed_ms, ..
        } = &f
        {
            facts.latency_ms.push(*elapsed_ms);
            if Some(u) == supported.as_ref() {
                facts.sumdb = match code {
                    200 => SumdbSupport::Proxied,
                    404 | 410 => SumdbSupport::NotProxied,
                    _ => SumdbSupport::Broken,
                };
            }
        } else if Some(u) == supported.as_ref() {
            facts.sumdb = SumdbSupport::Broken;
        }
        if u == &small[0] {
            if let Fetch::Status {
                code: 200, body, ..
            } = &f
            {
                facts.newest = latest_from_list(&String::from_utf8_lossy(body));
            }
        } else {
            obs.http.insert(u.clone(), f);
        }
    }

    let zip_url = join_url(&m.url, &format!("{ep}/@v/{ev}.zip"));
    let zip = fetcher.get(&zip_url, MAX_ZIP).await;
    if let Fetch::Status {
        code: 200,
        body,
        size,
        elapsed_ms,
        ..
    } = &zip
    {
        let h1 = zip_h1(body);
        if let Some(h) = &h1 {
            obs.zip_h1.insert(zip_url.clone(), h.clone());
        }
        facts.zip = Some(ZipFacts {
            bytes: *size,
            ms: *elapsed_ms,
            h1,
        });
    }
    obs.http.insert(zip_url, zip);

    // cmd/go through this mirror alone: lookup, signed tree head and tiles are fetched here.
    let sim = SimOptions { check_zip: true };
    let (prediction, _) = observe(
        std::slice::from_ref(&plan),
        &sim,
        fetcher,
        obs,
        8,
        |_| async { not_direct() },
    )
    .await;
    if let Some(p) = prediction.modules.first() {
        facts.go = GoThrough {
            ok: p.outcome == Outcome::Ok,
            cause: p.cause,
            go_error: p.error_text.clone(),
        };
    }
    facts
}

/// The race's GOPROXY has no `direct`: the simulation never asks for it.
fn not_direct() -> DirectOutcome {
    DirectOutcome {
        ok: false,
        go_error: Some("direct mode is not part of a mirror race".into()),
        not_found: false,
        class: CauseId::Inconclusive,
        verified: false,
        unchecked: None,
        detail: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_hash_matches_dirhash() {
        use std::io::Write as _;
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let o = zip::write::SimpleFileOptions::default();
            w.start_file("example.com/m@v1.2.3/m.go", o).unwrap();
            w.write_all(b"package m\n").unwrap();
            w.start_file("example.com/m@v1.2.3/go.mod", o).unwrap();
            w.write_all(b"module example.com/m\n\ngo 1.21\n").unwrap();
            w.finish().unwrap();
        }
        // The same two files as dirhash's test vector observed with Go 1.27.
        assert_eq!(
            zip_h1(buf.get_ref()).as_deref(),
            Some("h1:CXGiIalcC8b5E7RQI+sUdbIEb5/3nDWFUtXN7Ipj5LU=")
        );
        assert_eq!(zip_h1(b"PK\x03\x04 not a zip"), None);
    }

    #[test]
    fn the_race_config_names_only_the_mirror() {
        let cfg = crate::config::test_config(
            &[
                ("GOPROXY", "https://corp.example/goproxy,direct"),
                ("GOPRIVATE", "corp.example"),
                ("GOSUMDB", "off"),
            ],
            None,
        );
        let c = through_mirror(&cfg, "https://goproxy.cn");
        assert_eq!(c.get("GOPROXY"), "https://goproxy.cn");
        assert_eq!(c.get("GOPRIVATE"), "");
        assert_eq!(c.get("GOSUMDB"), "sum.golang.org");
    }
}
