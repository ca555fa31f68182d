//! The text of `gomod-diag probe dns|tcp|tls|proxy|http`: one block of aligned `label value`
//! lines per probe, from its facts. Pure; `commands::probe` prints it (or the JSON).

use crate::probe::chain::EndpointFacts;
use crate::probe::dns::{DnsFacts, ResolverAnswer};
use crate::probe::http::HttpFacts;
use crate::probe::join_host_port;
use crate::probe::proxy::{ProxyClass, ProxyFacts};
use crate::probe::tcp::{TcpAttempt, TcpFacts};
use crate::probe::tls::TlsFacts;
use crate::vocab::CauseId;

fn snake<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn line(out: &mut String, label: &str, value: impl AsRef<str>) {
    out.push_str(&format!("{label:<14} {}\n", value.as_ref()));
}

fn resolver_line(a: &ResolverAnswer) -> String {
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
        s.push_str(&format!("\n{:<15}{}", "", super::cut_list(addrs, ", ")));
    }
    if let Some(e) = &a.go_error {
        s.push_str(&format!("\n{:<15}go: {e}", ""));
    }
    s
}

/// `probe dns`: every resolver's answer, the comparison, bogons and hints.
pub fn dns(f: &DnsFacts) -> String {
    let mut o = String::new();
    line(&mut o, "name", &f.name);
    line(&mut o, "system", resolver_line(&f.system));
    if let Some(os) = &f.os {
        line(&mut o, "getaddrinfo", resolver_line(os));
    }
    if let Some(h) = &f.hosts {
        let a = super::cut_list(h.addrs.iter().map(|a| a.to_string()), ", ");
        line(&mut o, "hosts file", format!("{} pins {a}", h.path));
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

fn tcp_lines(o: &mut String, attempts: &[TcpAttempt]) {
    for a in attempts.iter().take(super::LIST_KEEP) {
        let mut s = format!("{:<12} {} {:.1} ms", snake(&a.class), a.addr, a.time_ms);
        if let Some(e) = &a.go_error {
            s.push_str(&format!("  go: {e}"));
        }
        line(o, "tcp", s);
    }
    if attempts.len() > super::LIST_KEEP {
        let rest = super::thousands(attempts.len() - super::LIST_KEEP);
        line(o, "tcp", format!("… and {rest} more attempts"));
    }
}

/// `probe tcp`: the resolution and each connect.
pub fn tcp(f: &TcpFacts) -> String {
    let mut o = String::new();
    line(&mut o, "target", join_host_port(&f.host, f.port));
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

/// `probe tls` (and the chain under `probe http`): each stage of the chain to one endpoint.
pub fn endpoint(f: &EndpointFacts) -> String {
    let mut o = String::new();
    line(&mut o, "endpoint", format!("{} via {}", f.url, f.route));
    if let Some(d) = &f.dns {
        line(&mut o, "resolved", resolver_line(d));
    }
    tcp_lines(&mut o, &f.tcp);
    if let Some(p) = &f.proxy {
        o.push_str(&proxy(p));
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

/// `probe proxy`: the way to the proxy, its answer, and TLS through the tunnel.
pub fn proxy(f: &ProxyFacts) -> String {
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
                line(&mut o, k, v.masked().replace(['\r', '\n'], " "));
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
        (ProxyClass::Ok, _) if f.ok() => "ok: tunnel open".to_string(),
        (ProxyClass::Ok, _) => "proxy ok, but TLS through the tunnel fails".to_string(),
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

/// `probe http`: the GET, its redirects and answer, and the chain probe that explains a failure.
pub fn http(f: &HttpFacts) -> String {
    let mut o = String::new();
    line(&mut o, "GET", format!("{} via {}", f.url, f.route));
    for r in &f.redirects {
        line(&mut o, "redirect", r.to_string());
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
        for l in endpoint(c).lines() {
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
