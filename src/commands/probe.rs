//! `gomod-diag probe dns|tcp|tls|proxy|http` (goproxy|sumdb belong to modfetch): one probe
//! alone, like dig / telnet / openssl s_client / curl -x, classified with Go's semantics.
//! Exit code: 0 when the probe's result is ok, 1 when it classified a failure, 2 for bad input.

use anyhow::anyhow;

use crate::catalog::details::localize;
use crate::cli::{Lang, ProbeArgs, ProbeKind};
use crate::commands::Ctx;
use crate::exit;
use crate::probe::{self, ProbeOptions, Route};
use crate::render::probe as text;

/// Bytes of body the `probe http` command keeps.
const HTTP_BODY_LIMIT: usize = 64 * 1024;

pub async fn run(ctx: &Ctx, args: &ProbeArgs) -> anyhow::Result<u8> {
    let timeout = ctx.global.timeout;
    let hooks = &ctx.probe_hooks;
    let progress = probe::progress::Progress::new(ctx.progress);
    match &args.kind {
        // The module-protocol probes belong to modfetch.
        ProbeKind::Goproxy { .. } | ProbeKind::Sumdb { .. } => {
            super::probe_module::run_probe(ctx, &args.kind).await
        }
        ProbeKind::Dns { name, dns } => {
            let name = validate_name(name, ctx.lang)?;
            let opts = ProbeOptions::from_args(dns, timeout, hooks)
                .map_err(|e| anyhow!(localize(&e, ctx.lang)))?;
            let sp = progress.start(&format!("dns {name}"));
            let facts = probe::dns::probe_dns(&name, &opts).await;
            sp.finish();
            emit(ctx, &facts, text::dns)?;
            Ok(code(facts.ok()))
        }
        ProbeKind::Tcp { target, system } => {
            let (host, port) = probe::parse_host_port(target, None)
                .map_err(|e| anyhow!(localize(&e, ctx.lang)))?;
            let opts = ProbeOptions::with_system_dns(system, timeout, hooks);
            let sp = progress.start(&format!("tcp {}", probe::join_host_port(&host, port)));
            let facts = probe::tcp::probe_tcp(&host, port, &opts).await;
            sp.finish();
            emit(ctx, &facts, text::tcp)?;
            Ok(code(facts.ok()))
        }
        ProbeKind::Tls { target, system } => {
            let (host, port) = probe::parse_host_port(target, Some(443))
                .map_err(|e| anyhow!(localize(&e, ctx.lang)))?;
            let url = url::Url::parse(&format!("https://{}/", probe::join_host_port(&host, port)))
                .map_err(|e| {
                    anyhow!(localize(
                        &format!("invalid target {target:?}: {e}; expected HOST[:PORT]"),
                        ctx.lang
                    ))
                })?;
            let opts = ProbeOptions::with_system_dns(system, timeout, hooks);
            let sp = progress.start(&format!("tls {}", probe::join_host_port(&host, port)));
            let facts = probe::chain::probe_endpoint(&url, &Route::Direct, &opts).await;
            sp.finish();
            emit(ctx, &facts, text::endpoint)?;
            Ok(code(facts.ok()))
        }
        ProbeKind::Proxy {
            target,
            proxy,
            system,
        } => {
            let (host, port) = probe::parse_host_port(target, Some(443))
                .map_err(|e| anyhow!(localize(&e, ctx.lang)))?;
            let url = url::Url::parse(&format!("https://{}/", probe::join_host_port(&host, port)))
                .map_err(|e| {
                    anyhow!(localize(
                        &format!("invalid target {target:?}: {e}; expected HOST[:PORT]"),
                        ctx.lang
                    ))
                })?;
            let route = match proxy {
                Some(p) => {
                    Route::parse_proxy_arg(p).map_err(|e| anyhow!(localize(&e, ctx.lang)))?
                }
                None => Route::for_url(&process_proxy_env(), &url)
                    .map_err(|e| anyhow!(localize(&e, ctx.lang)))?,
            };
            let Route::Proxy(purl) = &route else {
                if ctx.lang == Lang::Zh {
                    return Err(anyhow!(
                        "没有可探测的代理：Go 会直接连接 {url}（没有设置 HTTPS_PROXY/https_proxy，或者 NO_PROXY 匹配）；请用 --proxy URL 指定，例如 --proxy http://proxy.corp:3128"
                    ));
                }
                return Err(anyhow!(
                    "no proxy to probe: Go would connect directly to {url} (HTTPS_PROXY/https_proxy unset, or NO_PROXY matches); pass --proxy URL, e.g. --proxy http://proxy.corp:3128"
                ));
            };
            let opts = ProbeOptions::with_system_dns(system, timeout, hooks);
            let sp = progress.start(&format!(
                "proxy {} via {}",
                probe::join_host_port(&host, port),
                route.display()
            ));
            let facts = probe::proxy::probe_via(purl, &host, port, true, &opts).await;
            sp.finish();
            emit(ctx, &facts, text::proxy)?;
            Ok(code(facts.ok()))
        }
        ProbeKind::Http { url, proxy, system } => {
            let parsed = url::Url::parse(url.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
                .ok_or_else(|| {
                    let shown = crate::redact::mask_value(url);
                    match ctx.lang {
                        Lang::En => anyhow!("invalid URL {shown:?}: expected an http:// or https:// URL, e.g. https://proxy.golang.org/golang.org/x/text/@v/list"),
                        Lang::Zh => anyhow!("无效的 URL {shown:?}：应为 http:// 或 https:// 开头的 URL，例如 https://proxy.golang.org/golang.org/x/text/@v/list"),
                    }
                })?;
            let route = match proxy {
                Some(p) => {
                    Route::parse_proxy_arg(p).map_err(|e| anyhow!(localize(&e, ctx.lang)))?
                }
                None => Route::for_url(&process_proxy_env(), &parsed)
                    .map_err(|e| anyhow!(localize(&e, ctx.lang)))?,
            };
            let opts = ProbeOptions::with_system_dns(system, timeout, hooks);
            let sp = progress.start(&format!(
                "http GET {}",
                crate::redact::mask_url(parsed.as_str())
            ));
            let facts = probe::http::probe_http(&parsed, &route, HTTP_BODY_LIMIT, &opts).await;
            sp.finish();
            emit(ctx, &facts, text::http)?;
            let ok = facts.error.is_none() && facts.status.is_some_and(|s| (200..300).contains(&s));
            Ok(code(ok))
        }
    }
}

fn code(ok: bool) -> u8 {
    if ok {
        exit::SUCCESS
    } else {
        exit::GO_WILL_FAIL
    }
}

fn validate_name(name: &str, lang: Lang) -> anyhow::Result<String> {
    let n = name.trim().trim_end_matches('.');
    let valid = !n.is_empty()
        && n.len() <= 253
        && n.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    if !valid && lang == Lang::Zh {
        return Err(anyhow!(
            "无效的主机名 {name:?}：应为 DNS 名字，例如 proxy.golang.org（不带协议、端口或路径）"
        ));
    }
    if !valid {
        return Err(anyhow!(
            "invalid host name {name:?}: expected a DNS name such as proxy.golang.org (no scheme, port or path)"
        ));
    }
    Ok(n.to_ascii_lowercase())
}

/// Prints JSON (`--json`) or the text rendering; everything passes through redaction.
fn emit<T: serde::Serialize>(
    ctx: &Ctx,
    facts: &T,
    render: fn(&T, Lang) -> String,
) -> anyhow::Result<()> {
    let out = if ctx.global.json {
        serde_json::to_string_pretty(facts)?
    } else {
        render(facts, ctx.lang)
    };
    super::out(&format!("{}\n", crate::redact::mask_text(out.trim_end())))
}

/// The proxy settings Go reads: this process's environment (read here, at the edge).
pub(crate) fn process_proxy_env() -> crate::config::ProxyEnv {
    crate::config::ProxyEnv::from_lookup(&|k| std::env::var(k).unwrap_or_default())
}
