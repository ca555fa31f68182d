//! `gomod-diag explain [TEXT | FILE | -]`: classify a pasted Go error or `go ... -x` log.
//!
//! Input: TEXT with whitespace is the error text itself; a single word is a file to read;
//! `-` or nothing reads standard input. Exit codes: 1 when a cause was identified, 3 when
//! nothing in the text is a known Go network error, 2 when the input cannot be read.

use crate::vocab::CauseId;
use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};

use anyhow::{bail, Context};

use crate::catalog::Catalog;
use crate::cli::ExplainArgs;
use crate::commands::Ctx;
use crate::exit;
use crate::explain::{explain_in, fix_values, probe_requests, Explanation};
use crate::redact::{mask_text, mask_value};

/// The most input explain keeps (256 MiB; a `go mod download -x` log of a large module graph is
/// tens of MiB). Go prints its error at the end, so a longer input keeps its last 256 MiB, from
/// the first line that starts inside them, and the output says so.
const MAX_INPUT: usize = 256 * 1024 * 1024;

/// The text to explain, and how much of the input it is.
struct Input {
    text: String,
    /// Bytes in the input.
    total: u64,
    /// Bytes kept (the tail when the input is longer than [`MAX_INPUT`]).
    kept: u64,
}

pub async fn run(ctx: &Ctx, args: &ExplainArgs) -> anyhow::Result<u8> {
    let input = read_input(args.text.as_deref(), MAX_INPUT)?;
    let text = input.text.as_str();
    let catalog = match &ctx.global.checks {
        Some(dir) => Catalog::with_overlay(dir)?,
        None => Catalog::builtin(),
    };
    let ex = explain_in(text, ctx.lang);
    let cut = input.kept < input.total;
    let goprivate = std::env::var("GOPRIVATE").unwrap_or_default();
    let values = fix_values(&ex, &goprivate);
    let fix = ex
        .top()
        .and_then(|c| crate::catalog::fixes_for(&catalog, c.id, ctx.lang, ctx.shell, &values));

    if ctx.global.json {
        let doc = serde_json::json!({
            "causes": ex.causes,
            "entities": ex.entities,
            "probe_requests": probe_requests(&ex),
            "fix": fix,
            "input": { "bytes": input.total, "read_bytes": input.kept, "cut": cut },
        });
        let mut doc = doc;
        mask_json(&mut doc);
        super::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    } else {
        let mut text = String::new();
        if cut {
            text.push_str(&cut_note(input.total, input.kept, ctx.lang));
        }
        text.push_str(&crate::render::explain::render(
            &ex, &catalog, ctx.lang, ctx.shell, &values,
        ));
        super::out(&mask_text(&text))?;
    }
    if args.probe {
        return probe_verdict(ctx, args, &ex).await;
    }
    Ok(if ex.causes.is_empty() {
        exit::INCONCLUSIVE
    } else {
        exit::GO_WILL_FAIL
    })
}

/// Masks every string in a JSON value: the net at the output edge (the entities and probe
/// requests are masked by their serialization; the pasted text may hold anything). Done per
/// string so that the JSON itself stays well-formed.
fn mask_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = mask_text(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(mask_json),
        serde_json::Value::Object(o) => o.values_mut().for_each(mask_json),
        _ => {}
    }
}

/// The line that says the input was cut to its tail.
fn cut_note(total: u64, kept: u64, lang: crate::cli::Lang) -> String {
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    if lang == crate::cli::Lang::Zh {
        format!(
            "注意：输入共 {:.1} MiB，只读取了最后 {:.1} MiB（Go 把错误打印在末尾）。\n\n",
            mib(total),
            mib(kept)
        )
    } else {
        format!(
            "Note: the input is {:.1} MiB; explain read only its last {:.1} MiB (Go prints its error at the end).\n\n",
            mib(total),
            mib(kept)
        )
    }
}

/// Reads the text to explain (at most its last `cap` bytes); a clear error names the input when
/// it cannot be read.
fn read_input(arg: Option<&str>, cap: usize) -> anyhow::Result<Input> {
    let (what, (bytes, total)) = match arg {
        None | Some("-") => (
            "standard input".to_string(),
            read_tail(&mut std::io::stdin().lock(), cap)
                .context("explain: cannot read standard input")?,
        ),
        Some(t) if t.split_whitespace().count() > 1 || t.contains('\n') => {
            let tail = t.as_bytes();
            let total = tail.len() as u64;
            (
                "the text argument".to_string(),
                (cut_to_tail(tail.to_vec(), total, cap), total),
            )
        }
        Some(path) => {
            let meta = std::fs::metadata(path).with_context(|| {
                format!(
                    "explain: cannot read {path:?}: a single word is read as a file; pass the error text in quotes, a file, or - for standard input"
                )
            })?;
            if !meta.is_file() {
                bail!("explain: {path:?} is not a file; pass the error text in quotes, a file, or - for standard input");
            }
            let mut file = std::fs::File::open(path)
                .with_context(|| format!("explain: cannot open {path:?}"))?;
            // A file can be read from where its last `cap` bytes start.
            let len = meta.len();
            let skip = len.saturating_sub(cap as u64);
            file.seek(SeekFrom::Start(skip))
                .with_context(|| format!("explain: cannot read {path:?}"))?;
            // Read in place: one buffer of the file's size, no chunks to join.
            let mut bytes = Vec::with_capacity((len - skip) as usize);
            file.take(cap as u64)
                .read_to_end(&mut bytes)
                .with_context(|| format!("explain: cannot read {path:?}"))?;
            let bytes = if skip > 0 {
                cut_to_tail(bytes, len, 0)
            } else {
                bytes
            };
            (format!("{path:?}"), (bytes, len))
        }
    };
    let kept = bytes.len() as u64;
    // Windows consoles may hand over non-UTF-8 bytes: keep what is readable (no copy when the
    // input is valid UTF-8).
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    if text.trim().is_empty() {
        bail!(
            "explain: {what} is empty: paste the output of the failing `go get` / `go mod download` (e.g. `go mod download -x 2>&1 | gomod-diag explain -`)"
        );
    }
    Ok(Input { text, total, kept })
}

/// Reads all of `r`, keeping its last `cap` bytes (in chunks, so memory stays near `cap`);
/// returns them, cut to the first line that starts inside them when the input was longer, and
/// the input's length.
fn read_tail(r: &mut impl Read, cap: usize) -> std::io::Result<(Vec<u8>, u64)> {
    const CHUNK: usize = 1 << 20;
    let mut chunks: VecDeque<Vec<u8>> = VecDeque::new();
    let (mut held, mut total) = (0usize, 0u64);
    loop {
        let mut chunk = vec![0u8; CHUNK];
        let n = match r.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        chunk.truncate(n);
        total += n as u64;
        held += n;
        chunks.push_back(chunk);
        // Drop whole chunks that lie before the last `cap` bytes.
        while chunks.front().is_some_and(|c| held - c.len() >= cap) {
            held -= chunks.pop_front().map_or(0, |c| c.len());
        }
    }
    let mut bytes = Vec::with_capacity(held);
    chunks.iter().for_each(|c| bytes.extend_from_slice(c));
    Ok((cut_to_tail(bytes, total, cap), total))
}

/// The last `cap` bytes of `bytes` (the end of an input of `total` bytes), from the first line
/// that starts inside them when anything before was dropped. `cap == 0`: already the tail.
fn cut_to_tail(mut bytes: Vec<u8>, total: u64, cap: usize) -> Vec<u8> {
    if cap > 0 && bytes.len() > cap {
        bytes.drain(..bytes.len() - cap);
    }
    if (bytes.len() as u64) < total {
        match bytes.iter().position(|&b| b == b'\n') {
            Some(i) => {
                bytes.drain(..=i);
            }
            None => bytes.clear(),
        }
    }
    bytes
}

/// `--probe`: runs exactly the probes the text points at (concurrently, under the run
/// deadline) and says whether this network still shows the failure, and which cause it is.
async fn probe_verdict(ctx: &Ctx, args: &ExplainArgs, ex: &Explanation) -> anyhow::Result<u8> {
    use crate::explain::ProbeRequest;
    use crate::probe::{chain, dns, tcp, ProbeOptions, Route};

    let opts = ProbeOptions::from_args(&args.dns, ctx.global.timeout, &ctx.probe_hooks)
        .map_err(anyhow::Error::msg)?;
    let requests = probe_requests(ex);
    if requests.is_empty() {
        eprintln!("gomod-diag: the text names no host, address or URL to probe");
        return Ok(exit::INCONCLUSIVE);
    }
    let results = crate::join::join_all(
        requests
            .iter()
            .map(|r| {
                let opts = &opts;
                async move {
                    match r {
                        ProbeRequest::Dns(name) => {
                            let f = dns::probe_dns(name, opts).await;
                            let cause = (!f.ok()).then_some(CauseId::DnsNoResolution);
                            (format!("dns {name}"), cause, serde_json::to_value(&f).ok())
                        }
                        ProbeRequest::Tcp(addr) => {
                            match crate::probe::parse_host_port(addr, None) {
                                Ok((host, port)) => {
                                    let f = tcp::probe_tcp(&host, port, opts).await;
                                    let cause = f.class.cause_id();
                                    (
                                        format!("tcp {}", mask_value(addr)),
                                        cause,
                                        serde_json::to_value(&f).ok(),
                                    )
                                }
                                Err(e) => (
                                    format!("tcp {}", mask_value(addr)),
                                    None,
                                    Some(serde_json::json!({ "error": e })),
                                ),
                            }
                        }
                        ProbeRequest::Tls(host, port) => {
                            endpoint_probe(&format!("https://{host}:{port}/"), None, opts).await
                        }
                        ProbeRequest::Http(url) => endpoint_probe(url, None, opts).await,
                        ProbeRequest::Proxy(proxy) => {
                            // Through the proxy the text names, to the first https URL it names.
                            let target = ex
                                .entities
                                .urls
                                .iter()
                                .find(|u| u.starts_with("https://"))
                                .cloned();
                            let target =
                                target.unwrap_or_else(|| "https://proxy.golang.org/".to_string());
                            endpoint_probe(&target, Some(proxy.as_str()), opts).await
                        }
                    }
                }
            })
            .collect(),
    )
    .await;

    async fn endpoint_probe(
        url: &str,
        proxy: Option<&str>,
        opts: &ProbeOptions,
    ) -> (String, Option<CauseId>, Option<serde_json::Value>) {
        let Ok(u) = url::Url::parse(url) else {
            return (format!("http {}", mask_value(url)), None, None);
        };
        let route = match proxy {
            Some(p) => Route::parse_proxy_arg(p),
            None => Route::for_url(&super::probe::process_proxy_env(), &u),
        }
        .unwrap_or(Route::Direct);
        let label = format!(
            "{} {}",
            if route == Route::Direct {
                "https"
            } else {
                "proxy"
            },
            mask_value(url)
        );
        let f = chain::probe_endpoint(&u, &route, opts).await;
        let cause = f.failure.as_ref().and_then(|x| x.cause);
        (label, cause, serde_json::to_value(&f).ok())
    }

    let failures: Vec<&(String, Option<CauseId>, Option<serde_json::Value>)> =
        results.iter().filter(|r| r.1.is_some()).collect();
    let top = ex.top().map(|c| c.id);
    // The confirmed cause: the explained one if a probe shows it, else what the probes show.
    let confirmed = failures
        .iter()
        .find(|r| r.1 == top)
        .or_else(|| failures.first())
        .and_then(|r| r.1);
    if ctx.global.json {
        let mut doc = serde_json::json!({
            "probes": results.iter().map(|(what, cause, facts)| serde_json::json!({
                "probe": what, "cause": cause, "facts": facts,
            })).collect::<Vec<_>>(),
            "explained": top,
            "confirmed": confirmed,
        });
        mask_json(&mut doc);
        super::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    } else {
        let probes: Vec<(&str, Option<CauseId>)> = results
            .iter()
            .map(|(what, cause, _)| (what.as_str(), *cause))
            .collect();
        super::out(&mask_text(&crate::render::explain::probe_verdict(
            &probes, top, confirmed,
        )))?;
    }
    Ok(match confirmed {
        Some(_) => exit::GO_WILL_FAIL,
        None => exit::SUCCESS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_input_keeps_its_tail_from_a_line_start() {
        let input = b"first line\nsecond line\nthe error at the end\n";
        let (kept, total) = read_tail(&mut &input[..], 30).unwrap();
        assert_eq!(total, input.len() as u64);
        assert_eq!(kept, b"the error at the end\n");
        // Short inputs are kept whole.
        let (kept, _) = read_tail(&mut &input[..], 1000).unwrap();
        assert_eq!(kept, input);
        // Chunks larger than the cap are cut too.
        let big = "x".repeat(3 << 20) + "\ngo: m@v1: the error";
        let (kept, total) = read_tail(&mut big.as_bytes(), 1 << 20).unwrap();
        assert_eq!(
            (kept.as_slice(), total),
            (&b"go: m@v1: the error"[..], big.len() as u64)
        );
    }

    #[test]
    fn a_file_longer_than_the_cap_is_read_from_where_its_tail_starts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        let log = "# get https://proxy.golang.org/m/@v/v1.0.0.info: 200 OK (0.01s)\n".repeat(100)
            + "go: m@v1.0.0: the error at the end\n";
        std::fs::write(&path, &log).unwrap();
        // The last 60 bytes start inside the line before the error: that line is dropped.
        let input = read_input(path.to_str(), 60).unwrap();
        assert_eq!(input.text, "go: m@v1.0.0: the error at the end\n");
        assert_eq!(input.total, log.len() as u64);
        assert!(input.kept < input.total);
        let note = cut_note(300 << 20, 256 << 20, crate::cli::Lang::En);
        assert!(
            note.contains("300.0 MiB") && note.contains("last 256.0 MiB"),
            "{note}"
        );
        // Within the cap, everything is kept.
        let input = read_input(path.to_str(), 1 << 20).unwrap();
        assert_eq!(
            (input.text.as_str(), input.kept),
            (log.as_str(), log.len() as u64)
        );
    }
}
