//! The PAC script's I/O edge: fetch it (file://, or http(s):// without a proxy, as WinINET
//! does), give it bounded name lookups, this machine's address and the time, and ask it
//! about Go's URLs ([`crate::pac`] does the asking).

use std::net::IpAddr;
use std::time::Duration;

use crate::pac::{CivilTime, PacClock, PacFacts, PacOrigin};
use crate::redact::mask_value;

/// The largest PAC script read (corporate scripts are a few KiB to a few hundred).
pub const MAX_PAC_BYTES: usize = 1 << 20;
/// One fetch of the script.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// One `FindProxyForURL` run (the engine's step limit usually ends a loop first).
pub const RUN_WALL: Duration = Duration::from_secs(2);
/// One name lookup the script asks for.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

/// The script's text from `url`: `file://` (or a plain path), `http://`, `https://`.
pub async fn fetch_pac(url: &str, timeout: Duration) -> Result<String, String> {
    let bytes = match url::Url::parse(url) {
        Ok(u) if u.scheme() == "file" => {
            let path = u
                .to_file_path()
                .map_err(|_| "not a local file path".to_string())?;
            read_file(&path)?
        }
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => fetch_http(u, timeout).await?,
        // A Windows drive letter parses as a scheme.
        Ok(u) if u.scheme().len() > 1 => {
            return Err(format!(
                "scheme `{}:` is not supported; accepted: file://, http://, https://, or a path",
                u.scheme()
            ))
        }
        _ => read_file(std::path::Path::new(url))?,
    };
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

fn read_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut buf = Vec::new();
    f.take(MAX_PAC_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    too_large(buf)
}

fn too_large(buf: Vec<u8>) -> Result<Vec<u8>, String> {
    if buf.len() > MAX_PAC_BYTES {
        Err(format!("larger than {MAX_PAC_BYTES} bytes"))
    } else {
        Ok(buf)
    }
}

async fn fetch_http(u: url::Url, timeout: Duration) -> Result<Vec<u8>, String> {
    use crate::probe::client::{base_client_builder, reqwest_error_chain};
    let client = base_client_builder(timeout)?
        .no_proxy()
        .redirect(reqwest::redirect::Policy::limited(5))
        .timeout(timeout)
        .build()
        .map_err(reqwest_error_chain)?;
    let work = async {
        let mut resp = client.get(u).send().await.map_err(reqwest_error_chain)?;
        if !resp.status().is_success() {
            return Err(format!("HTTP {}", resp.status()));
        }
        let mut buf = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(reqwest_error_chain)? {
            buf.extend_from_slice(&chunk);
            if buf.len() > MAX_PAC_BYTES {
                break;
            }
        }
        too_large(buf)
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| format!("no answer within {} s", timeout.as_secs()))?
}

/// The local time offset from UTC at `secs` after the epoch, in seconds (0 when unknown).
#[cfg(unix)]
fn local_offset(secs: i64) -> i64 {
    let t = secs as libc::time_t;
    // SAFETY: localtime_r writes into the zeroed `tm` we own and reads only `t`.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            0
        } else {
            tm.tm_gmtoff as i64
        }
    }
}

/// Windows: the time helpers read UTC (no time-zone database is linked).
#[cfg(not(unix))]
fn local_offset(_secs: i64) -> i64 {
    0
}

/// Now, in local time and UTC.
pub fn clock_now() -> PacClock {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    PacClock {
        local: CivilTime::from_unix(secs + local_offset(secs)),
        utc: CivilTime::from_unix(secs),
    }
}

/// This machine's address on the default route, as browsers find it: a UDP socket
/// "connected" to a documentation address (nothing is sent), else loopback.
pub fn my_addresses() -> Vec<IpAddr> {
    let via = |bind: &str, to: &str| {
        let s = std::net::UdpSocket::bind(bind).ok()?;
        s.connect(to).ok()?;
        s.local_addr().ok().map(|a| a.ip())
    };
    let mut out: Vec<IpAddr> = [
        via("0.0.0.0:0", "192.0.2.1:9"),
        via("[::]:0", "[2001:db8::1]:9"),
    ]
    .into_iter()
    .flatten()
    .filter(|ip| !ip.is_unspecified())
    .collect();
    if out.is_empty() {
        out.push(IpAddr::from([127, 0, 0, 1]));
    }
    out
}

/// Fetches the script (the first of `candidates` that answers: one URL, or WPAD's list)
/// and asks it about every `(url, host)` on Go's path.
pub async fn pac_facts(
    candidates: &[String],
    origin: PacOrigin,
    targets: Vec<(String, String)>,
    opts: &super::ProbeOptions,
) -> PacFacts {
    let mut facts = PacFacts {
        url: candidates.first().cloned().unwrap_or_default(),
        origin,
        error: None,
        answers: Vec::new(),
    };
    // One budget for the whole search (WPAD's candidates are mostly names that do not exist).
    let budget = FETCH_TIMEOUT.min(opts.per_probe_timeout.max(FETCH_TIMEOUT / 5));
    let deadline = tokio::time::Instant::now() + budget;
    let mut failures: Vec<String> = Vec::new();
    let mut found: Option<(String, String)> = None;
    for url in candidates {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            failures.push(format!(
                "{}: not tried, the time for the search was used up",
                mask_value(url)
            ));
            continue;
        }
        match fetch_pac(url, left).await {
            Ok(source) => {
                found = Some((url.clone(), source));
                break;
            }
            Err(e) => failures.push(format!("{}: {e}", mask_value(url))),
        }
    }
    let Some((url, source)) = found else {
        facts.error = Some(match origin {
            PacOrigin::Wpad => format!("WPAD: no PAC script found ({})", failures.join("; ")),
            _ => format!("PAC {}", failures.join("; ")),
        });
        return facts;
    };
    facts.url = url.clone();
    let url = url.as_str();
    let job = super::pac_child::Evaluation {
        name: &mask_value(url),
        source,
        targets: &targets,
        my_addresses: my_addresses(),
        clock: clock_now(),
        wall: RUN_WALL,
    };
    // The script's lookups: the run's system resolver, each bounded.
    let resolve = |host: String| async move {
        let lookup = super::dns::system::resolve_system(&host, opts);
        tokio::time::timeout(LOOKUP_TIMEOUT, lookup)
            .await
            .map(|(answer, _)| answer.addrs())
            .unwrap_or_default()
    };
    // The run's deadline holds here too (the child is killed when this is dropped).
    let evaluation = super::pac_child::evaluate_in_child(job, resolve);
    match tokio::time::timeout_at(opts.deadline, evaluation).await {
        Ok(Ok(answers)) => facts.answers = answers,
        Ok(Err(e)) => facts.error = Some(e),
        Err(_) => {
            facts.error = Some(format!(
                "PAC {}: the evaluation was cut at the run's deadline",
                mask_value(url)
            ))
        }
    }
    facts
}
