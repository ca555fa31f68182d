//! `gomod-diag explain [TEXT | FILE | -]`: classify a pasted Go error or `go ... -x` log.
//!
//! Input: TEXT with whitespace is the error text itself; a single word is a file to read;
//! `-` or nothing reads standard input. Exit codes: 1 when a cause was identified, 3 when
//! nothing in the text is a known Go network error, 2 when the input cannot be read.

use crate::vocab::CauseId;
use std::io::Read;

use anyhow::{bail, Context};

use crate::catalog::Catalog;
use crate::cli::ExplainArgs;
use crate::commands::Ctx;
use crate::exit;
use crate::explain::{explain_in, fix_values, probe_requests, Explanation};
use crate::redact::{mask_text, mask_value};

/// The most input we read: a long `-x` log is a few hundred KiB.
const MAX_INPUT: u64 = 16 * 1024 * 1024;

pub async fn run(ctx: &Ctx, args: &ExplainArgs) -> anyhow::Result<u8> {
    let text = read_input(args.text.as_deref())?;
    let catalog = match &ctx.global.checks {
        Some(dir) => Catalog::with_overlay(dir)?,
        None => Catalog::builtin(),
    };
    let ex = explain_in(&text, ctx.lang);
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
        });
        let mut doc = doc;
        mask_json(&mut doc);
        super::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    } else {
        let text = crate::render::explain::render(&ex, &catalog, ctx.lang, ctx.shell, &values);
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

/// Reads the text to explain; a clear error names the input when it cannot be read.
fn read_input(arg: Option<&str>) -> anyhow::Result<String> {
    let (what, bytes) = match arg {
        None | Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(MAX_INPUT)
                .read_to_end(&mut buf)
                .context("explain: cannot read standard input")?;
            ("standard input".to_string(), buf)
        }
        Some(t) if t.split_whitespace().count() > 1 || t.contains('\n') => {
            ("the text argument".to_string(), t.as_bytes().to_vec())
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
            let mut buf = Vec::new();
            std::fs::File::open(path)
                .with_context(|| format!("explain: cannot open {path:?}"))?
                .take(MAX_INPUT)
                .read_to_end(&mut buf)
                .with_context(|| format!("explain: cannot read {path:?}"))?;
            (format!("{path:?}"), buf)
        }
    };
    // Windows consoles may hand over non-UTF-8 bytes: keep what is readable.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if text.trim().is_empty() {
        bail!(
            "explain: {what} is empty: paste the output of the failing `go get` / `go mod download` (e.g. `go mod download -x 2>&1 | gomod-diag explain -`)"
        );
    }
    Ok(text)
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
