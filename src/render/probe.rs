//! The text of `gomod-diag probe dns|tcp|tls|proxy|http`: one block of aligned `label value`
//! lines per probe, from its facts. Pure; `commands::probe` prints it (or the JSON).

use crate::catalog::details::localize;
use crate::cli::Lang;
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

/// The English text, or the Chinese under `--lang zh`.
fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

/// A line's label in Chinese (HTTP header names and protocol words stay as they are).
fn zh_label(label: &str) -> String {
    let (indent, word) = label.split_at(label.len() - label.trim_start().len());
    let zh = match word {
        "name" => "名字",
        "system" => "系统解析器",
        "hosts file" => "hosts 文件",
        "public" => "公共解析器",
        "agreement" => "比对结果",
        "bogon" => "异常地址",
        "points at" => "指向",
        "result" => "结果",
        "target" => "目标",
        "resolved" => "解析结果",
        "finding" => "发现",
        "time" => "用时",
        "endpoint" => "端点",
        "certificate" => "证书",
        "valid" => "有效期",
        "anchor" => "信任锚",
        "not sent" => "未发送",
        "go trust" => "Go 信任",
        "mozilla" => "Mozilla",
        "go roots" => "Go 根证书",
        "peer sent" => "对端发来",
        "go error" => "Go 报错",
        "proxy" => "代理",
        "proxy dns" => "代理 DNS",
        "proxy tls" => "代理 TLS",
        "auth" => "认证",
        "body" => "响应体",
        "listener" => "监听者",
        "tunnel tls" => "隧道 TLS",
        "proxy result" => "代理结果",
        "redirect" => "重定向",
        "status" => "状态",
        "clock" => "时钟",
        _ => return label.to_string(),
    };
    format!("{indent}{zh}")
}

/// Columns on a terminal: CJK characters take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{2e80}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

fn line(out: &mut String, lang: Lang, label: &str, value: impl AsRef<str>) {
    let label = if lang == Lang::Zh {
        zh_label(label)
    } else {
        label.to_string()
    };
    let pad = " ".repeat(14usize.saturating_sub(width(&label)));
    out.push_str(&format!("{label}{pad} {}\n", value.as_ref()));
}

fn resolver_line(a: &ResolverAnswer, lang: Lang) -> String {
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
        "{:<12} {} {} {}{rcode} {:.1} ms",
        snake(&a.class),
        a.server,
        pick(lang, "via", "经"),
        snake(&a.transport),
        a.time_ms
    );
    if !addrs.is_empty() {
        s.push_str(&format!("\n{:<15}{}", "", super::cut_list(addrs, ", ")));
    }
    if let Some(e) = &a.go_error {
        match lang {
            Lang::En => s.push_str(&format!("\n{:<15}go: {e}", "")),
            Lang::Zh => s.push_str(&format!("\n{:<15}Go 报错：`{e}`", "")),
        }
    }
    s
}

/// Go's error text after a Chinese label: in a code span, as it is.
fn go_text(e: &str, lang: Lang) -> String {
    match lang {
        Lang::En => e.to_string(),
        Lang::Zh => format!("`{e}`"),
    }
}

/// `probe dns`: every resolver's answer, the comparison, bogons and hints.
pub fn dns(f: &DnsFacts, lang: Lang) -> String {
    let mut o = String::new();
    line(&mut o, lang, "name", &f.name);
    line(&mut o, lang, "system", resolver_line(&f.system, lang));
    if let Some(os) = &f.os {
        line(&mut o, lang, "getaddrinfo", resolver_line(os, lang));
    }
    if let Some(h) = &f.hosts {
        let a = super::cut_list(h.addrs.iter().map(|a| a.to_string()), ", ");
        let pins = match lang {
            Lang::En => format!("{} pins {a}", h.path),
            Lang::Zh => format!("{} 把它固定解析为 {a}", h.path),
        };
        line(&mut o, lang, "hosts file", pins);
    }
    for p in &f.public {
        line(&mut o, lang, "public", resolver_line(p, lang));
    }
    if let Some(d) = &f.doh {
        line(&mut o, lang, "doh", resolver_line(d, lang));
    }
    line(&mut o, lang, "agreement", snake(&f.agreement));
    for b in &f.bogons {
        let from = match lang {
            Lang::En => format!("{} from {} ({})", b.addr, b.server, b.kind),
            Lang::Zh => format!("{}，来自 {}（{}）", b.addr, b.server, b.kind),
        };
        line(&mut o, lang, "bogon", from);
    }
    if !f.hints.is_empty() {
        line(
            &mut o,
            lang,
            "points at",
            crate::vocab::cause::join(&f.hints),
        );
    }
    line(
        &mut o,
        lang,
        "result",
        match (f.ok(), lang) {
            (true, Lang::En) => "ok: the system resolver answers",
            (false, Lang::En) => "FAIL: the system resolver gives Go no address",
            (true, Lang::Zh) => "ok：系统解析器有回答",
            (false, Lang::Zh) => "失败：系统解析器没有给 Go 任何地址",
        },
    );
    o
}

fn tcp_lines(o: &mut String, attempts: &[TcpAttempt], lang: Lang) {
    for a in attempts.iter().take(super::LIST_KEEP) {
        let mut s = format!("{:<12} {} {:.1} ms", snake(&a.class), a.addr, a.time_ms);
        if let Some(e) = &a.go_error {
            match lang {
                Lang::En => s.push_str(&format!("  go: {e}")),
                Lang::Zh => s.push_str(&format!("  Go 报错：`{e}`")),
            }
        }
        line(o, lang, "tcp", s);
    }
    if attempts.len() > super::LIST_KEEP {
        let rest = super::thousands(attempts.len() - super::LIST_KEEP);
        let more = match lang {
            Lang::En => format!("… and {rest} more attempts"),
            Lang::Zh => format!("… 另有 {rest} 次尝试"),
        };
        line(o, lang, "tcp", more);
    }
}

/// `probe tcp`: the resolution and each connect.
pub fn tcp(f: &TcpFacts, lang: Lang) -> String {
    let mut o = String::new();
    line(&mut o, lang, "target", join_host_port(&f.host, f.port));
    if let Some(d) = &f.dns {
        line(&mut o, lang, "resolved", resolver_line(d, lang));
    }
    tcp_lines(&mut o, &f.attempts, lang);
    if f.ipv6_broken {
        line(
            &mut o,
            lang,
            "finding",
            format!(
                "{}{}",
                CauseId::TcpIpv6Broken,
                pick(
                    lang,
                    ": IPv6 fails while IPv4 works",
                    "：IPv6 连不上，而 IPv4 正常"
                ),
            ),
        );
    }
    let r = match (f.ok(), &f.go_error) {
        (true, _) => pick(lang, "ok: connected", "ok：已连接").to_string(),
        (false, Some(e)) => format!(
            "{} {}{}{}",
            pick(lang, "FAIL", "失败"),
            snake(&f.class),
            pick(lang, ": ", "："),
            go_text(e, lang)
        ),
        (false, None) => format!("{} {}", pick(lang, "FAIL", "失败"), snake(&f.class)),
    };
    line(&mut o, lang, "result", r);
    line(&mut o, lang, "time", format!("{:.1} ms", f.time_ms));
    o
}

fn tls_lines(o: &mut String, t: &TlsFacts, label: &str, lang: Lang) {
    let class = snake(&t.class);
    let mut s = match lang {
        Lang::En => format!("{class} with {} in {:.1} ms", t.server_name, t.time_ms),
        Lang::Zh => format!(
            "{class}，服务器名 {}，用时 {:.1} ms",
            t.server_name, t.time_ms
        ),
    };
    if let (Some(v), Some(k)) = (&t.version, &t.key_exchange) {
        let alpn = t
            .alpn
            .clone()
            .unwrap_or_else(|| pick(lang, "none", "无").into());
        s.push_str(&match lang {
            Lang::En => format!(" ({v}, {k}, alpn {alpn})"),
            Lang::Zh => format!("（{v}, {k}, alpn {alpn}）"),
        });
    }
    line(o, lang, label, s);
    if let Some(leaf) = t.chain.first() {
        let names = leaf
            .dns_names
            .iter()
            .chain(leaf.ip_addresses.iter())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let cert = match lang {
            Lang::En => format!("{} (names: {names})", leaf.subject),
            Lang::Zh => format!("{}（名字：{names}）", leaf.subject),
        };
        line(o, lang, "  certificate", cert);
        line(
            o,
            lang,
            "  valid",
            format!("{} .. {}", leaf.not_before, leaf.not_after),
        );
    }
    if let Some(a) = &t.anchor {
        line(o, lang, "  anchor", a);
    }
    if let Some(m) = &t.missing_issuer {
        let at = m.ca_issuers.join(", ");
        let sent = match lang {
            Lang::En => format!("{} (published at {at})", m.name),
            Lang::Zh => format!("{}（公布在 {at}）", m.name),
        };
        line(o, lang, "  not sent", sent);
    }
    if let Some(g) = &t.go_trust {
        let err = g.error.clone().unwrap_or_default();
        let trust = match (g.trusted, lang) {
            (true, _) => pick(lang, "trusted", "受信任").to_string(),
            (false, Lang::En) => format!("NOT trusted ({err})"),
            (false, Lang::Zh) => format!("不受信任（`{err}`）"),
        };
        line(o, lang, "  go trust", trust);
    }
    if let Some(m) = &t.mozilla_trust {
        let trust = match m.trusted {
            true => pick(lang, "trusted", "受信任"),
            false => pick(lang, "not trusted", "不受信任"),
        };
        line(o, lang, "  mozilla", trust);
    }
    line(o, lang, "  go roots", localize(&t.go_roots, lang));
    if let Some(p) = &t.peer_response {
        line(o, lang, "  peer sent", p);
    }
    if let Some(e) = &t.go_error {
        line(o, lang, "  go error", go_text(e, lang));
    }
}

/// A failure's stage, class, cause and Go's error, after `FAIL at`.
fn failed_at(stage: &str, class: &str, cause: &str, go_error: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("FAIL at {stage} ({class} → {cause}): {go_error}"),
        Lang::Zh => format!("失败于 {stage}（{class} → {cause}）：`{go_error}`"),
    }
}

/// `{url} via {route}`.
fn via(url: &str, route: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{url} via {route}"),
        Lang::Zh if route == "direct" => format!("{url} 直连"),
        Lang::Zh => format!("{url} 经 {route}"),
    }
}

/// `probe tls` (and the chain under `probe http`): each stage of the chain to one endpoint.
pub fn endpoint(f: &EndpointFacts, lang: Lang) -> String {
    let mut o = String::new();
    line(
        &mut o,
        lang,
        "endpoint",
        via(&f.url.to_string(), &f.route.to_string(), lang),
    );
    if let Some(d) = &f.dns {
        line(&mut o, lang, "resolved", resolver_line(d, lang));
    }
    tcp_lines(&mut o, &f.tcp, lang);
    if let Some(p) = &f.proxy {
        o.push_str(&proxy(p, lang));
    }
    if let Some(t) = &f.tls {
        tls_lines(&mut o, t, "tls", lang);
    }
    for fi in &f.findings {
        line(&mut o, lang, "finding", fi);
    }
    let r = match &f.failure {
        None => "ok".to_string(),
        Some(fl) => failed_at(
            &snake(&fl.stage),
            &fl.class.to_string(),
            fl.cause.map_or("-", CauseId::as_str),
            &fl.go_error,
            lang,
        ),
    };
    line(&mut o, lang, "result", r);
    line(&mut o, lang, "time", format!("{:.1} ms", f.time_ms));
    o
}

/// `probe proxy`: the way to the proxy, its answer, and TLS through the tunnel.
pub fn proxy(f: &ProxyFacts, lang: Lang) -> String {
    let mut o = String::new();
    let head = match lang {
        Lang::En => format!(
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
        Lang::Zh => format!(
            "{}（{}）到 {}{}",
            f.proxy,
            f.proxy_addr,
            f.target,
            if f.credentials { "，带凭据" } else { "" }
        ),
    };
    line(&mut o, lang, "proxy", head);
    if let Some(d) = &f.dns {
        line(&mut o, lang, "proxy dns", resolver_line(d, lang));
    }
    tcp_lines(&mut o, &f.tcp, lang);
    if let Some(t) = &f.proxy_tls {
        tls_lines(&mut o, t, "proxy tls", lang);
    }
    if let Some(c) = &f.connect {
        line(&mut o, lang, "CONNECT", &c.status_line);
        if !c.auth_schemes.is_empty() {
            line(&mut o, lang, "  auth", c.auth_schemes.join(", "));
        }
        for (k, v) in [
            ("  proxy-agent", &c.proxy_agent),
            ("  via", &c.via),
            ("  server", &c.server),
            ("  body", &c.body_preview),
        ] {
            if let Some(v) = v {
                line(&mut o, lang, k, v.masked().replace(['\r', '\n'], " "));
            }
        }
    }
    if let Some(s) = &f.socks {
        let reply = s.reply_text.clone().unwrap_or_default();
        let socks = match lang {
            Lang::En => format!("method {:?}, auth {:?}, reply {reply}", s.method, s.auth_ok),
            Lang::Zh => format!("方法 {:?}，认证 {:?}，回复 {reply}", s.method, s.auth_ok),
        };
        line(&mut o, lang, "socks5", socks);
    }
    if let Some(l) = &f.listener {
        let what = match lang {
            Lang::En => format!("what answers there: {l}"),
            Lang::Zh => format!("在那里应答的是：{l}"),
        };
        line(&mut o, lang, "listener", what);
    }
    if let Some(t) = &f.tunnel_tls {
        tls_lines(&mut o, t, "tunnel tls", lang);
    }
    let fail = pick(lang, "FAIL", "失败");
    let r = match (f.class, &f.go_error) {
        (ProxyClass::Ok, _) if f.ok() => {
            pick(lang, "ok: tunnel open", "ok：隧道已打通").to_string()
        }
        (ProxyClass::Ok, _) => pick(
            lang,
            "proxy ok, but TLS through the tunnel fails",
            "代理正常，但经隧道的 TLS 失败",
        )
        .to_string(),
        (c, Some(e)) => {
            let cause = c.cause_id().map_or("", CauseId::as_str);
            match lang {
                Lang::En => format!("FAIL {} ({cause}): {e}", snake(&c)),
                Lang::Zh => format!("失败 {}（{cause}）：`{e}`", snake(&c)),
            }
        }
        (c, None) => format!("{fail} {}", snake(&c)),
    };
    line(&mut o, lang, "proxy result", r);
    o
}

/// `probe http`: the GET, its redirects and answer, and the chain probe that explains a failure.
pub fn http(f: &HttpFacts, lang: Lang) -> String {
    let mut o = String::new();
    line(
        &mut o,
        lang,
        "GET",
        via(&f.url.to_string(), &f.route.to_string(), lang),
    );
    for r in &f.redirects {
        line(&mut o, lang, "redirect", r.to_string());
    }
    if let Some(s) = f.status_text() {
        line(&mut o, lang, "status", s);
    }
    for (k, v) in &f.headers {
        line(&mut o, lang, &format!("  {k}"), v);
    }
    if let Some(p) = &f.body_preview {
        let one: String = p
            .chars()
            .take(160)
            .collect::<String>()
            .replace(['\r', '\n'], " ");
        let body = match lang {
            Lang::En => format!(
                "{} bytes{}: {one}",
                f.size,
                if f.truncated { " (truncated)" } else { "" }
            ),
            Lang::Zh => format!(
                "{} 字节{}：{one}",
                f.size,
                if f.truncated { "（已截断）" } else { "" }
            ),
        };
        line(&mut o, lang, "body", body);
    }
    if let Some(c) = &f.clock {
        let cause = crate::probe::clock::cause(c);
        let skew = match lang {
            Lang::En => format!(
                "local is {:+.0} s off the server's Date{}",
                c.skew_secs,
                cause.map(|id| format!(" ({id})")).unwrap_or_default()
            ),
            Lang::Zh => format!(
                "本机时间与服务器的 Date 相差 {:+.0} 秒{}",
                c.skew_secs,
                cause.map(|id| format!("（{id}）")).unwrap_or_default()
            ),
        };
        line(&mut o, lang, "clock", skew);
    }
    let first = f
        .timings
        .first_byte_ms
        .map(|v| format!("{v:.1}"))
        .unwrap_or_else(|| "-".into());
    let total = f.timings.total_ms;
    let time = match lang {
        Lang::En => format!("first byte {first} ms, total {total:.1} ms"),
        Lang::Zh => format!("首字节 {first} ms，总计 {total:.1} ms"),
    };
    line(&mut o, lang, "time", time);
    if let Some(c) = &f.chain {
        o.push_str(pick(
            lang,
            "why (the chain probe of this endpoint):\n",
            "原因（对这个端点的链路探测）：\n",
        ));
        for l in endpoint(c, lang).lines() {
            o.push_str(&format!("  {l}\n"));
        }
    }
    match &f.error {
        None => line(
            &mut o,
            lang,
            "result",
            if f.status.is_some_and(|s| (200..300).contains(&s)) {
                "ok"
            } else {
                pick(
                    lang,
                    "FAIL: not a success status",
                    "失败：不是表示成功的状态码",
                )
            },
        ),
        Some(e) => line(
            &mut o,
            lang,
            "result",
            failed_at(
                &snake(&e.stage),
                &e.class.to_string(),
                e.cause.as_ref(),
                &e.go_error,
                lang,
            ),
        ),
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_labels_line_up_with_english_ones() {
        let row = |lang, label| {
            let mut o = String::new();
            line(&mut o, lang, label, "ok");
            o
        };
        assert_eq!(row(Lang::En, "result"), "result         ok\n");
        // CJK characters take two columns: the values start in the same column.
        assert_eq!(row(Lang::Zh, "result"), "结果           ok\n");
        assert_eq!(row(Lang::Zh, "  go trust"), "  Go 信任      ok\n");
        // Header names and protocol words stay as they are.
        assert_eq!(row(Lang::Zh, "  Content-Type"), "  Content-Type ok\n");
        assert_eq!(row(Lang::Zh, "CONNECT"), "CONNECT        ok\n");
    }
}
