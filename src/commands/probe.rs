//! `gomod-diag probe dns|tcp|tls|proxy|http` (goproxy|sumdb belong to modfetch): one probe
//! alone, like dig / telnet / openssl s_client / curl -x, classified with Go's semantics.
//! Exit code: 0 when the probe's result is ok, 1 when it classified a failure, 2 for bad input.

use crate::vocab::CauseId;
use anyhow::anyhow;

use crate::app::Ctx;
use crate::cli::{ProbeArgs, ProbeKind};
use crate::exit;
use crate::probe::{
    self, chain::EndpointFacts, dns::DnsFacts, http::HttpFacts, proxy::ProxyFacts, tcp::TcpFacts,
    tls::TlsFacts, ProbeOptions, Route,
};

/// Bytes of body the `probe http` command keeps.
const HTTP_BODY_LIMIT: usize = 64 * 1024;

pub async fn run(ctx: &Ctx, args: &ProbeArgs) -> anyhow::Result<u8> {
    let timeout = ctx.global.timeout;
    let hooks = &ctx.probe_hooks;
    let progress = probe::progress::Progress::new(ctx.progress);
    match &args.kind {
        // The module-protocol probes belong to modfetch.
        ProbeKind::Goproxy { .. } | ProbeKind::Sumdb { .. } => {
            crate::modfetch::command::run_probe(ctx, &args.kind).await
        }
        ProbeKind::Dns { name, dns } => {
            let name = validate_name(name)?;
            let opts = ProbeOptions::from_args(dns, timeout, hooks).map_err(|e| anyhow!(e))?;
            let sp = progress.start(&format!("dns {name}"));
            let facts = probe::dns::probe_dns(&name, &opts).await;
            sp.finish();
            emit(ctx, &facts, render_dns)?;
            Ok(code(facts.ok()))
        }
        ProbeKind::Tcp { target, system } => {
            let (host, port) = probe::parse_host_port(target, None).map_err(|e| anyhow!(e))?;
            let opts = ProbeOptions::with_system_dns(system, timeout, hooks);
            let sp = progress.start(&format!("tcp {}", probe::join_host_port(&host, port)));
            let facts = probe::tcp::probe_tcp(&host, port, &opts).await;
            sp.finish();
            emit(ctx, &facts, render_tcp)?;
            Ok(code(facts.ok()))
        }
        ProbeKind::Tls { target, system } => {
            let (host, port) = probe::parse_host_port(target, Some(443)).map_err(|e| anyhow!(e))?;
            let url = url::Url::parse(&format!("https://{}/", probe::join_host_port(&host, port)))
                .map_err(|e| anyhow!("invalid target {target:?}: {e}; expected HOST[:PORT]"))?;
            let opts = ProbeOptions::with_system_dns(system, timeout, hooks);
            let sp = progress.start(&format!("tls {}", probe::join_host_port(&host, port)));
            let facts = probe::chain::probe_endpoint(&url, &Route::Direct, &opts).await;
            sp.finish();
            emit(ctx, &facts, render_endpoint)?;
            Ok(code(facts.ok()))
        }
        ProbeKind::Proxy {
            target,
            proxy,
            system,
        } => {
            let (host, port) = probe::parse_host_port(target, Some(443)).map_err(|e| anyhow!(e))?;
            let url = url::Url::parse(&format!("https://{}/", probe::join_host_port(&host, port)))
                .map_err(|e| anyhow!("invalid target {target:?}: {e}; expected HOST[:PORT]"))?;
            let route = match proxy {
                Some(p) => Route::parse_proxy_arg(p).map_err(|e| anyhow!(e))?,
                None => Route::from_env_for(&url).map_err(|e| anyhow!(e))?,
            };
            let Route::Proxy(purl) = &route else {
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
            emit(ctx, &facts, render_proxy)?;
            Ok(code(facts.ok()))
        }
        ProbeKind::Http { url, proxy, system } => {
            let parsed = url::Url::parse(url.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
                .ok_or_else(|| anyhow!("invalid URL {:?}: expected an http:// or https:// URL, e.g. https://proxy.golang.org/golang.org/x/text/@v/list", crate::redact::redact_url(url)))?;
            let route = match proxy {
                Some(p) => Route::parse_proxy_arg(p).map_err(|e| anyhow!(e))?,
                None => Route::from_env_for(&parsed).map_err(|e| anyhow!(e))?,
            };
            let opts = ProbeOptions::with_system_dns(system, timeout, hooks);
            let sp = progress.start(&format!(
                "http GET {}",
                crate::redact::redact_url(parsed.as_str())
            ));
            let facts = probe::http::probe_http(&parsed, &route, HTTP_BODY_LIMIT, &opts).await;
            sp.finish();
            emit(ctx, &facts, render_http)?;
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

fn validate_name(name: &str) -> anyhow::Result<String> {
    let n = name.trim().trim_end_matches('.');
    let valid = !n.is_empty()
        && n.len() <= 253
        && n.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    if !valid {
        return Err(anyhow!(
            "invalid host name {name:?}: expected a DNS name such as proxy.golang.org (no scheme, port or path)"
        ));
    }
    Ok(n.to_ascii_lowercase())
}

/// Prints JSON (`--json`) or the text rendering; everything passes through redaction.
fn emit<T: serde::Serialize>(ctx: &Ctx, facts: &T, text: fn(&T) -> String) -> anyhow::Result<()> {
    let out = if ctx.global.json {
        serde_json::to_string_pretty(facts)?
    } else {
        text(facts)
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stdout().lock(),
        "{}",
        crate::redact::redact_text(out.trim_end())
    );
    Ok(())
}

fn snake<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn line(out: &mut String, label: &str, value: impl AsRef<str>) {
    out.push_str(&format!("{label:<14} {}\n", value.as_ref()));
}

fn resolver_line(a: &probe::dns::ResolverAnswer) -> String {
    let addrs: Vec<String> = a
        .answers
        .iter()
        .map(|r| match r.ttl {
            Some(t) => format!("{} (ttl {t})", r.addr),
            None => r.addr.to_string(),
        })
        .collect();
    let rcode = a
        .rcode
        .as_ref()
        .map(|r| format!(" [{r}]"))
        .unwrap_or_default();
    let mut s = format!(
        "{:<12} {} via {}{rcode} {:.1} ms",
        snake(&a.class),
        a.server,
        snake(&a.transport),
        a.time_ms
    );
    if !addrs.is_empty() {
        s.push_str(&format!("\n{:<15}{}", "", addrs.join(", ")));
    }
    if let Some(e) = &a.go_error {
        s.push_str(&format!("\n{:<15}go: {e}", ""));
    }
    s
}

fn render_dns(f: &DnsFacts) -> String {
    let mut o = String::new();
    line(&mut o, "name", &f.name);
    line(&mut o, "system", resolver_line(&f.system));
    if let Some(os) = &f.os {
        line(&mut o, "getaddrinfo", resolver_line(os));
    }
    if let Some(h) = &f.hosts {
        let a: Vec<String> = h.addrs.iter().map(|a| a.to_string()).collect();
        line(
            &mut o,
            "hosts file",
            format!("{} pins {}", h.path, a.join(", ")),
        );
    }
    for p in &f.public {
        line(&mut o, "public", resolver_line(p));
    }
    if let Some(d) = &f.doh {
        line(&mut o, "doh", resolver_line(d));
    }
    line(&mut o, "agreement", snake(&f.agreement));
    for b in &f.bogons {
        line(
            &mut o,
            "bogon",
            format!("{} from {} ({})", b.addr, b.server, b.kind),
        );
    }
    if !f.hints.is_empty() {
        line(&mut o, "points at", crate::vocab::cause::join(&f.hints));
    }
    line(
        &mut o,
        "result",
        if f.ok() {
            "ok: the system resolver answers"
        } else {
            "FAIL: the system resolver gives Go no address"
        },
    );
    o
}

fn tcp_lines(o: &mut String, attempts: &[probe::tcp::TcpAttempt]) {
    for a in attempts {
        let mut s = format!("{:<12} {} {:.1} ms", snake(&a.class), a.addr, a.time_ms);
        if let Some(e) = &a.go_error {
            s.push_str(&format!("  go: {e}"));
        }
        line(o, "tcp", s);
    }
}

fn render_tcp(f: &TcpFacts) -> String {
    let mut o = String::new();
    line(&mut o, "target", probe::join_host_port(&f.host, f.port));
    if let Some(d) = &f.dns {
        line(&mut o, "resolved", resolver_line(d));
    }
    tcp_lines(&mut o, &f.attempts);
    if f.ipv6_broken {
        line(
            &mut o,
            "finding",
            "tcp.ipv6_broken: IPv6 fails while IPv4 works",
        );
    }
    let r = match (f.ok(), &f.go_error) {
        (true, _) => "ok: connected".to_string(),
        (false, Some(e)) => format!("FAIL {}: {e}", snake(&f.class)),
        (false, None) => format!("FAIL {}", snake(&f.class)),
    };
    line(&mut o, "result", r);
    line(&mut o, "time", format!("{:.1} ms", f.time_ms));
    o
}

fn tls_lines(o: &mut String, t: &TlsFacts, label: &str) {
    let mut s = format!(
        "{} with {} in {:.1} ms",
        snake(&t.class),
        t.server_name,
        t.time_ms
    );
    if let (Some(v), Some(k)) = (&t.version, &t.key_exchange) {
        s.push_str(&format!(
            " ({v}, {k}, alpn {})",
            t.alpn.clone().unwrap_or_else(|| "none".into())
        ));
    }
    line(o, label, s);
    if let Some(leaf) = t.chain.first() {
        line(
            o,
            "  certificate",
            format!(
                "{} (names: {})",
                leaf.subject,
                leaf.dns_names
                    .iter()
                    .chain(leaf.ip_addresses.iter())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        line(
            o,
            "  valid",
            format!("{} .. {}", leaf.not_before, leaf.not_after),
        );
    }
    if let Some(a) = &t.anchor {
        line(o, "  anchor", a);
    }
    if let Some(m) = &t.missing_issuer {
        let at = m.ca_issuers.join(", ");
        line(o, "  not sent", format!("{} (published at {at})", m.name));
    }
    if let Some(g) = &t.go_trust {
        line(
            o,
            "  go trust",
            if g.trusted {
                "trusted".to_string()
            } else {
                format!("NOT trusted ({})", g.error.clone().unwrap_or_default())
            },
        );
    }
    if let Some(m) = &t.mozilla_trust {
        line(
            o,
            "  mozilla",
            if m.trusted {
                "trusted".to_string()
            } else {
                "not trusted".to_string()
            },
        );
    }
    line(o, "  go roots", &t.go_roots);
    if let Some(p) = &t.peer_response {
        line(o, "  peer sent", p);
    }
    if let Some(e) = &t.go_error {
        line(o, "  go error", e);
    }
}

fn render_endpoint(f: &EndpointFacts) -> String {
    let mut o = String::new();
    line(&mut o, "endpoint", format!("{} via {}", f.url, f.route));
    if let Some(d) = &f.dns {
        line(&mut o, "resolved", resolver_line(d));
    }
    tcp_lines(&mut o, &f.tcp);
    if let Some(p) = &f.proxy {
        o.push_str(&render_proxy(p));
    }
    if let Some(t) = &f.tls {
        tls_lines(&mut o, t, "tls");
    }
    for fi in &f.findings {
        line(&mut o, "finding", fi);
    }
    let r = match &f.failure {
        None => "ok".to_string(),
        Some(fl) => format!(
            "FAIL at {} ({} → {}): {}",
            snake(&fl.stage),
            fl.class,
            fl.cause.map_or("-", CauseId::as_str),
            fl.go_error
        ),
    };
    line(&mut o, "result", r);
    line(&mut o, "time", format!("{:.1} ms", f.time_ms));
    o
}

fn render_proxy(f: &ProxyFacts) -> String {
    let mut o = String::new();
    line(
        &mut o,
        "proxy",
        format!(
            "{} ({}) to {}{}",
            f.proxy,
            f.proxy_addr,
            f.target,
            if f.credentials {
                ", with credentials"
            } else {
                ""
            }
        ),
    );
    if let Some(d) = &f.dns {
        line(&mut o, "proxy dns", resolver_line(d));
    }
    tcp_lines(&mut o, &f.tcp);
    if let Some(t) = &f.proxy_tls {
        tls_lines(&mut o, t, "proxy tls");
    }
    if let Some(c) = &f.connect {
        line(&mut o, "CONNECT", &c.status_line);
        if !c.auth_schemes.is_empty() {
            line(&mut o, "  auth", c.auth_schemes.join(", "));
        }
        for (k, v) in [
            ("  proxy-agent", &c.proxy_agent),
            ("  via", &c.via),
            ("  server", &c.server),
            ("  body", &c.body_preview),
        ] {
            if let Some(v) = v {
                line(&mut o, k, v.replace(['\r', '\n'], " "));
            }
        }
    }
    if let Some(s) = &f.socks {
        line(
            &mut o,
            "socks5",
            format!(
                "method {:?}, auth {:?}, reply {}",
                s.method,
                s.auth_ok,
                s.reply_text.clone().unwrap_or_default()
            ),
        );
    }
    if let Some(l) = &f.listener {
        line(&mut o, "listener", format!("what answers there: {l}"));
    }
    if let Some(t) = &f.tunnel_tls {
        tls_lines(&mut o, t, "tunnel tls");
    }
    let r = match (f.class, &f.go_error) {
        (probe::proxy::ProxyClass::Ok, _) if f.ok() => "ok: tunnel open".to_string(),
        (probe::proxy::ProxyClass::Ok, _) => {
            "proxy ok, but TLS through the tunnel fails".to_string()
        }
        (c, Some(e)) => format!(
            "FAIL {} ({}): {e}",
            snake(&c),
            c.cause_id().map_or("", CauseId::as_str)
        ),
        (c, None) => format!("FAIL {}", snake(&c)),
    };
    line(&mut o, "proxy result", r);
    o
}

fn render_http(f: &HttpFacts) -> String {
    let mut o = String::new();
    line(&mut o, "GET", format!("{} via {}", f.url, f.route));
    for r in &f.redirects {
        line(&mut o, "redirect", r);
    }
    if let Some(s) = f.status_text() {
        line(&mut o, "status", s);
    }
    for (k, v) in &f.headers {
        line(&mut o, &format!("  {k}"), v);
    }
    if let Some(p) = &f.body_preview {
        let one: String = p
            .chars()
            .take(160)
            .collect::<String>()
            .replace(['\r', '\n'], " ");
        line(
            &mut o,
            "body",
            format!(
                "{} bytes{}: {one}",
                f.size,
                if f.truncated { " (truncated)" } else { "" }
            ),
        );
    }
    if let Some(c) = &f.clock {
        line(
            &mut o,
            "clock",
            format!(
                "local is {:+.0} s off the server's Date{}",
                c.skew_secs,
                if c.significant {
                    " (local.clock_skew)"
                } else {
                    ""
                }
            ),
        );
    }
    line(
        &mut o,
        "time",
        format!(
            "first byte {} ms, total {:.1} ms",
            f.timings
                .first_byte_ms
                .map(|v| format!("{v:.1}"))
                .unwrap_or_else(|| "-".into()),
            f.timings.total_ms
        ),
    );
    if let Some(c) = &f.chain {
        o.push_str("why (the chain probe of this endpoint):\n");
        for l in render_endpoint(c).lines() {
            o.push_str(&format!("  {l}\n"));
        }
    }
    match &f.error {
        None => line(
            &mut o,
            "result",
            if f.status.is_some_and(|s| (200..300).contains(&s)) {
                "ok"
            } else {
                "FAIL: not a success status"
            },
        ),
        Some(e) => line(
            &mut o,
            "result",
            format!(
                "FAIL at {} ({} → {}): {}",
                snake(&e.stage),
                e.class,
                e.cause,
                e.go_error
            ),
        ),
    }
    o
}
