//! The network layers in Go's, git's and the OS's words: git's messages, TLS and x509 errors,
//! DNS and TCP failures. Fixed phrases are table rows; reasons that name an address and
//! answers that depend on the URL's scheme stay code.

use super::entities::{dial_target, lookup_name};
use super::rules::{
    first_match, hit, phrases, Hit, Rule,
    When::{All, Has, Test},
};
use crate::redact::mask_value;
use crate::vocab::CauseId as Id;

/// Phrases one of which is in every record these classifiers name a cause for.
pub(super) fn triggers(out: &mut Vec<&'static str>) {
    for table in [GIT, TLS_TRUST, TLS_HANDSHAKE, DNS, TCP_LAST] {
        phrases(table, out);
    }
    // The code arms and the `Test` conditions of the tables.
    out.extend_from_slice(&[
        "Failed to connect to",
        "Couldn't connect to server",
        "port 22",
        "port 9418",
        "certificate has expired or is not yet valid",
        "lookup ",
        "getaddrinfow",
        "refused",
        "i/o timeout",
        "connection attempt failed because the connected party did not properly respond",
        "timed out",
        "unreachable",
        "no route to host",
        "connection reset by peer",
        "forcibly closed by the remote host",
        "invalid argument",
        "EOF",
    ]);
}

/// git's own messages, when the record shows git at work.
pub(super) fn classify_git(s: &str) -> Option<Vec<Hit>> {
    let git = s.contains("git ls-remote")
        || s.contains("git fetch")
        || s.contains("fatal:")
        || s.contains("unable to access '");
    if !git {
        return None;
    }
    if let Some(hits) = first_match(GIT, s) {
        return Some(hits);
    }
    // curl's connection failures, by how they failed.
    let has = |w: &str| s.contains(w);
    if !(has("Failed to connect to") || has("Couldn't connect to server")) {
        return None;
    }
    let h = if has("Connection refused") {
        hit(
            Id::TcpRefused,
            0.75,
            "git: connection refused",
            "git：连接被拒绝",
        )
    } else if has("timed out") || has("Timed out") {
        hit(
            Id::TcpTimeout,
            0.75,
            "git: the connection times out",
            "git：连接超时",
        )
    } else {
        hit(
            Id::TcpTimeout,
            0.5,
            "git cannot connect to the host",
            "git 连不上主机",
        )
    };
    Some(vec![h])
}

#[rustfmt::skip]
const GIT: &[Rule] = &[
    // `fatal: repository 'URL' not found` after the server accepted the request (with or without
    // credentials): the path names no repository the user can see.
    Rule::new(&[All(&["fatal: repository '", "' not found"])], Id::GoproxyModuleNotFound, 0.8, "the git server has no repository at that path (or hides a private one)", "git 服务器上没有这个路径的仓库（或者是看不到的私有仓库）")
        .or(Id::VcsAuthRequired, 0.55, "if the repository is private, git needs credentials", "如果这是私有仓库，git 需要凭据"),
    Rule::new(&[Has("could not read Username"), Has("could not read Password"), Has("terminal prompts disabled"), Has("Authentication failed"), Has("Permission denied (publickey"), Has("Repository not found")], Id::VcsAuthRequired, 0.9, "git needs credentials and cmd/go disables its prompts", "git 需要凭据，而 cmd/go 禁用了它的交互提示"),
    Rule::new(&[Test(ssh_or_git_port_only)], Id::VcsSshBlocked, 0.85, "git uses ssh (port 22) or git:// (port 9418), which this network blocks", "git 走 ssh（22 端口）或 git://（9418 端口），而这个网络封了这些端口"),
    Rule::new(&[Has("Could not resolve host"), Has("Could not resolve proxy")], Id::DnsNoResolution, 0.7, "git cannot resolve the repository's host name", "git 无法解析仓库的主机名"),
    Rule::new(&[All(&["SSL certificate problem", "certificate has expired"]), All(&["server certificate verification failed", "certificate has expired"])], Id::TlsExpired, 0.75, "git: the server's certificate has expired", "git：服务器证书已过期"),
    Rule::new(&[Has("SSL certificate problem"), Has("server certificate verification failed")], Id::TlsUntrustedInterception, 0.8, "git does not trust the certificate chain (TLS inspection?)", "git 不信任证书链（TLS 审查？）"),
    Rule::new(&[Has("Received HTTP code 407"), Has("Proxy CONNECT aborted")], Id::ProxyAuthRequired, 0.75, "git's proxy asks for authentication", "git 使用的代理要求认证"),
    Rule::new(&[Has("gnutls_handshake() failed"), Has("SSL_ERROR_SYSCALL"), Has("Connection was reset"), Has("Recv failure")], Id::TlsResetDuringHandshake, 0.7, "git's TLS connection is cut during the handshake", "git 的 TLS 连接在握手时被切断"),
];

/// git failed on ssh's or git://'s port, and https (443) is not the one that failed.
fn ssh_or_git_port_only(s: &str) -> bool {
    (s.contains("port 22") || s.contains("port 9418")) && !s.contains("port 443")
}

/// TLS and x509 errors.
pub(super) fn classify_tls(s: &str) -> Vec<Hit> {
    if let Some(hits) = first_match(TLS_TRUST, s) {
        return hits;
    }
    if s.contains("certificate has expired or is not yet valid") {
        let (id, what, what_zh) = if s.contains(" is before ") {
            (Id::TlsNotYetValid, "is not valid yet", "尚未生效")
        } else {
            (Id::TlsExpired, "has expired", "已过期")
        };
        return vec![
            hit(
                id,
                0.85,
                format!("the server's certificate {what}"),
                format!("服务器证书{what_zh}"),
            ),
            hit(
                Id::LocalClockSkew,
                0.4,
                "or this machine's clock is wrong (compare the current time in the message)",
                "也可能是本机时钟不准（对比报错中的 current time）",
            ),
        ];
    }
    first_match(TLS_HANDSHAKE, s).unwrap_or_default()
}

/// Who the certificate belongs to and who signed it (before its validity period).
#[rustfmt::skip]
const TLS_TRUST: &[Rule] = &[
    // A DNS sinkhole answered for the name and shows its own certificate.
    Rule::new(&[All(&["x509: certificate is valid for", "sinkhole"])], Id::DnsHijacked, 0.85, "a DNS sinkhole answered for the name: the certificate is the sinkhole's", "DNS 黑洞（sinkhole）替这个域名作了应答：证书是黑洞自己的")
        .or(Id::TlsHostnameMismatch, 0.6, "the certificate belongs to another name", "证书属于别的域名"),
    Rule::new(&[Has("certificate signed by unknown authority"), Has("certificate is not trusted")], Id::TlsUntrustedInterception, 0.9, "the certificate chain ends in a CA Go does not trust (TLS inspection?)", "证书链的根 CA 不受 Go 信任（TLS 审查？）"),
    Rule::new(&[Has("x509: certificate is valid for"), Has("certificate is not valid for any names"), Has("x509: cannot validate certificate for"), Has("relies on legacy Common Name field")], Id::TlsHostnameMismatch, 0.9, "the certificate belongs to another name: the wrong server answered", "证书属于别的域名：应答的是错误的服务器"),
    Rule::new(&[Has("x509: certificate specifies an incompatible key usage"), Has("is not authorized to sign other certificates"), Has("is not authorized to sign for this name"), Has("x509: too many intermediates for path length constraint"), Has("x509: unhandled critical extension"), Has("tls: failed to parse certificate from server")], Id::TlsCertificateInvalid, 0.85, "the server's certificate breaks a rule of Go's crypto/x509 (key usage, name constraints, a non-CA intermediate)", "服务器的证书违反了 Go 的 crypto/x509 规则（密钥用途、名称约束、中间证书不是 CA）"),
];

/// The handshake itself (after the certificate checks).
#[rustfmt::skip]
const TLS_HANDSHAKE: &[Rule] = &[
    Rule::new(&[Has("first record does not look like a TLS handshake"), Has("server gave HTTP response to HTTPS client")], Id::TlsNotTls, 0.85, "the server does not speak TLS on that port", "该端口上的服务不是 TLS"),
    Rule::new(&[Has("TLS handshake timeout")], Id::TlsHandshakeTimeout, 0.85, "TCP connects but the TLS handshake does not complete", "TCP 能连上，但 TLS 握手没有完成"),
    Rule::new(&[Has("remote error: tls:"), Has("tls: no supported versions"), Has("tls: no cipher suite")], Id::TlsHandshakeFailure, 0.85, "the server aborts the TLS handshake with an alert", "服务器用告警中止了 TLS 握手"),
];

/// DNS and TCP failures, in the words of net and net/http.
pub(super) fn classify_transport(s: &str) -> Vec<Hit> {
    let has = |w: &str| s.contains(w);
    if has("lookup ") || has("getaddrinfow") {
        if has("no such host")
            || has("No such host is known")
            || has("no data of the requested type")
        {
            return vec![hit(
                Id::DnsNxdomainFiltered,
                0.7,
                format!(
                    "the system resolver says {} does not exist (compare with a public resolver: --probe)",
                    lookup_name(s).unwrap_or_else(|| "the name".into())
                ), format!("系统 DNS 说 {} 不存在（可用 --probe 与公共 DNS 对比）", lookup_name(s).unwrap_or_else(|| "该域名".into()))
            )];
        }
        if let Some(hits) = first_match(DNS, s) {
            return hits;
        }
    }
    let target = dial_target(s);
    // A dial to 0.0.0.0 or [::]: the resolver answered a blocklist's sinkhole address.
    if let Some(ip) = target
        .as_deref()
        .and_then(|t| t.parse::<std::net::SocketAddr>().ok())
        .map(|a| a.ip())
        .filter(|ip| ip.is_unspecified())
    {
        return vec![
            hit(
                Id::DnsHijacked,
                0.85,
                format!("the name resolved to {ip}, a DNS blocklist's sinkhole address"),
                format!("域名被解析成 {ip}，这是 DNS 屏蔽列表使用的“黑洞”地址"),
            ),
            hit(
                Id::TcpRefused,
                0.3,
                "nothing listens at that address on this machine",
                "本机该地址上没有服务在监听",
            ),
        ];
    }
    let addr = target.unwrap_or_else(|| "the server".to_string());
    let addr = mask_value(&addr);
    if has("connection refused") || has("actively refused") {
        return vec![hit(
            Id::TcpRefused,
            0.85,
            format!("{addr} refuses the connection: nothing listens, or a firewall rejects"),
            format!("{addr} 拒绝连接：没有服务在监听，或被防火墙拒绝"),
        )];
    }
    if (has("dial tcp") && has("i/o timeout"))
        || has("connection attempt failed because the connected party did not properly respond")
        || has("connect: connection timed out")
        || has("operation timed out")
    {
        return vec![hit(
            Id::TcpTimeout,
            0.85,
            format!("connecting to {addr} times out: packets are dropped"),
            format!("连接 {addr} 超时：数据包被丢弃"),
        )];
    }
    if has("network is unreachable")
        || has("no route to host")
        || has("unreachable network")
        || has("unreachable host")
    {
        let mut hits = vec![hit(
            Id::TcpUnreachable,
            0.85,
            format!("no route to {addr}"),
            format!("没有到 {addr} 的路由"),
        )];
        if addr.starts_with('[') {
            hits.push(hit(
                Id::TcpIpv6Broken,
                0.4,
                "the address is IPv6: this machine may lack IPv6 connectivity",
                "这是 IPv6 地址：本机可能没有 IPv6 网络",
            ));
        }
        return hits;
    }
    if has("connection reset by peer") || has("forcibly closed by the remote host") {
        if has("Get \"https://") || has("Get https://") {
            return vec![
                hit(
                    Id::TlsResetDuringHandshake,
                    0.7,
                    format!("the connection to {addr} is reset (on an https URL, typically right after the TLS ClientHello)"), format!("到 {addr} 的连接被重置（在 https URL 上，通常发生在 TLS ClientHello 之后）")
                ),
                hit(Id::TcpReset, 0.55, "the connection is reset", "连接被重置"),
            ];
        }
        return vec![hit(
            Id::TcpReset,
            0.8,
            format!("the connection to {addr} is reset"),
            format!("到 {addr} 的连接被重置"),
        )];
    }
    first_match(TCP_LAST, s).unwrap_or_default()
}

/// A failed lookup (after NXDOMAIN, which names the host).
#[rustfmt::skip]
const DNS: &[Rule] = &[
    Rule::new(&[Has("server misbehaving")], Id::DnsSystemResolverDown, 0.8, "the system resolver fails (SERVFAIL: server misbehaving)", "系统 DNS 出错（SERVFAIL：server misbehaving）"),
    Rule::new(&[Has("Temporary failure in name resolution"), Has("temporary error during hostname resolution")], Id::DnsSystemResolverDown, 0.7, "the system resolver does not answer", "系统 DNS 没有应答")
        .or(Id::DnsNoResolution, 0.4, "or this machine is offline", "也可能本机没有联网"),
    Rule::new(&[Test(loopback_resolver_refused)], Id::DnsSystemResolverDown, 0.8, "nothing answers DNS on the local resolver address: the resolver service is not running", "本机 DNS 地址上没有服务应答：本地 DNS 服务没有运行")
        .or(Id::DnsNoResolution, 0.45, "or DNS does not work at all", "也可能 DNS 完全不可用"),
    Rule::new(&[Test(dns_server_unreachable)], Id::DnsNoResolution, 0.75, "the DNS server itself cannot be reached: offline?", "连 DNS 服务器本身都访问不到：没有联网？")
        .or(Id::DnsSystemResolverDown, 0.4, "or the configured resolver is down", "也可能是配置的 DNS 服务器宕了"),
    Rule::new(&[Has("i/o timeout")], Id::DnsSystemResolverDown, 0.75, "the system resolver times out", "系统 DNS 超时")
        .or(Id::DnsNoResolution, 0.4, "or DNS is blocked entirely", "也可能 DNS 被整体屏蔽"),
];

/// The query to the DNS server (port 53, UDP) itself fails to leave this machine.
fn dns_server_unreachable(s: &str) -> bool {
    (s.contains(":53:") || s.contains("dial udp"))
        && (s.contains("network is unreachable")
            || s.contains("refused")
            || s.contains("no route to host")
            // A resolver address this host cannot use at all (`dial udp [fec0::2]:53`).
            || s.contains("invalid argument"))
}

/// The configured resolver is this machine (`on 127.0.0.53:53`, `on [::1]:53`) and refuses.
fn loopback_resolver_refused(s: &str) -> bool {
    s.contains("refused") && (s.contains(" on 127.") || s.contains(" on [::1]:"))
}

/// What is left once no address-naming TCP failure matched.
#[rustfmt::skip]
const TCP_LAST: &[Rule] = &[
    Rule::new(&[Test(closed_after_client_hello)], Id::TlsResetDuringHandshake, 0.65, "the server closes the connection right after the TLS ClientHello (EOF)", "服务器在 TLS ClientHello 之后立即关闭了连接（EOF）")
        .or(Id::TcpReset, 0.4, "the connection is closed", "连接被关闭"),
    Rule::new(&[Test(closed_without_answer)], Id::GoproxyBadResponse, 0.6, "the server closes the connection without answering (EOF)", "服务器没有应答就关闭了连接（EOF）")
        .or(Id::TcpReset, 0.4, "the connection is closed", "连接被关闭"),
    Rule::new(&[Has("unexpected EOF")], Id::TcpReset, 0.5, "the connection breaks during the download", "下载过程中连接中断"),
    Rule::new(&[Has("i/o timeout")], Id::TcpTimeout, 0.5, "a network operation times out", "某个网络操作超时"),
];

/// An https request whose first line ends in a bare EOF: the server hung up on the ClientHello.
fn closed_after_client_hello(s: &str) -> bool {
    first_line_ends_in_eof(s, "https://")
}

/// A plain-http request whose answer never came: the server hung up (EOF).
fn closed_without_answer(s: &str) -> bool {
    first_line_ends_in_eof(s, "http://")
}

/// `Get "SCHEME...": EOF` (or Go before 1.14's unquoted `Get SCHEME...: EOF`) ends the first line.
fn first_line_ends_in_eof(s: &str, scheme: &str) -> bool {
    let Some(line) = s.lines().next() else {
        return false;
    };
    let line = line.trim_end();
    (line.contains(&format!("Get \"{scheme}")) && line.ends_with("\": EOF"))
        || (line.contains(&format!("Get {scheme}")) && line.ends_with(": EOF"))
}

/// A few words on how the connection failed, for reasons (en, zh).
pub(super) fn net_failure_words(s: &str) -> (&'static str, &'static str) {
    if s.contains("no such host") || s.contains("No such host") {
        ("its name does not resolve", "它的域名解析不了")
    } else if s.contains("refused") {
        (
            "connection refused (is the proxy client running?)",
            "连接被拒绝（代理客户端在运行吗？）",
        )
    } else if s.contains("timeout") || s.contains("timed out") {
        ("the connection times out", "连接超时")
    } else if s.contains("unreachable") || s.contains("no route") {
        ("no route to it", "没有到它的路由")
    } else {
        ("the connection fails", "连接失败")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dial_to_the_unspecified_address_is_a_dns_sinkhole() {
        // Go 1.27 behind dnsmasq's `address=/proxy.golang.org/#` (the fidelity lab).
        let text = "Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": dial tcp 0.0.0.0:443: connect: connection refused";
        assert_eq!(classify_transport(text)[0].id, Id::DnsHijacked);
        let v6 = "Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": dial tcp [::]:443: connect: connection refused";
        assert_eq!(classify_transport(v6)[0].id, Id::DnsHijacked);
        let refused = "Get \"https://proxy.golang.org/m/@v/v1.0.0.info\": dial tcp 127.0.1.1:443: connect: connection refused";
        assert_eq!(classify_transport(refused)[0].id, Id::TcpRefused);
    }
}
