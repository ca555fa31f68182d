//! The network layers in Go's and git's words: git's messages, TLS and x509 errors, DNS and
//! TCP failures.

use super::entities::{dial_target, lookup_name};
use super::rules::{hit, Hit};
use crate::redact::redact_text;
use crate::vocab::CauseId;

pub(super) fn classify_git(s: &str) -> Option<Hit> {
    let git = s.contains("git ls-remote")
        || s.contains("git fetch")
        || s.contains("fatal:")
        || s.contains("unable to access '");
    if !git {
        return None;
    }
    let has = |w: &str| s.contains(w);
    if has("could not read Username")
        || has("could not read Password")
        || has("terminal prompts disabled")
        || has("Authentication failed")
        || has("Permission denied (publickey")
        || has("Repository not found")
    {
        return Some(hit(
            CauseId::VcsAuthRequired,
            0.9,
            "git needs credentials and cmd/go disables its prompts",
            "git 需要凭据，而 cmd/go 禁用了它的交互提示",
        ));
    }
    if (has("port 22") || has("port 9418")) && !has("port 443") {
        return Some(hit(
            CauseId::VcsSshBlocked,
            0.85,
            "git uses ssh (port 22) or git:// (port 9418), which this network blocks",
            "git 走 ssh（22 端口）或 git://（9418 端口），而这个网络封了这些端口",
        ));
    }
    if has("Could not resolve host") || has("Could not resolve proxy") {
        return Some(hit(
            CauseId::DnsNoResolution,
            0.7,
            "git cannot resolve the repository's host name",
            "git 无法解析仓库的主机名",
        ));
    }
    if has("SSL certificate problem") || has("server certificate verification failed") {
        if has("certificate has expired") {
            return Some(hit(
                CauseId::TlsExpired,
                0.75,
                "git: the server's certificate has expired",
                "git：服务器证书已过期",
            ));
        }
        return Some(hit(
            CauseId::TlsUntrustedInterception,
            0.8,
            "git does not trust the certificate chain (TLS inspection?)",
            "git 不信任证书链（TLS 审查？）",
        ));
    }
    if has("Received HTTP code 407") || has("Proxy CONNECT aborted") {
        return Some(hit(
            CauseId::ProxyAuthRequired,
            0.75,
            "git's proxy asks for authentication",
            "git 使用的代理要求认证",
        ));
    }
    if has("gnutls_handshake() failed")
        || has("SSL_ERROR_SYSCALL")
        || has("Connection was reset")
        || has("Recv failure")
    {
        return Some(hit(
            CauseId::TlsResetDuringHandshake,
            0.7,
            "git's TLS connection is cut during the handshake",
            "git 的 TLS 连接在握手时被切断",
        ));
    }
    if has("Failed to connect to") || has("Couldn't connect to server") {
        if has("Connection refused") {
            return Some(hit(
                CauseId::TcpRefused,
                0.75,
                "git: connection refused",
                "git：连接被拒绝",
            ));
        }
        if has("timed out") || has("Timed out") {
            return Some(hit(
                CauseId::TcpTimeout,
                0.75,
                "git: the connection times out",
                "git：连接超时",
            ));
        }
        return Some(hit(
            CauseId::TcpTimeout,
            0.5,
            "git cannot connect to the host",
            "git 连不上主机",
        ));
    }
    None
}

pub(super) fn classify_tls(s: &str) -> Vec<Hit> {
    let has = |w: &str| s.contains(w);
    if has("certificate signed by unknown authority") || has("certificate is not trusted") {
        return vec![hit(
            CauseId::TlsUntrustedInterception,
            0.9,
            "the certificate chain ends in a CA Go does not trust (TLS inspection?)",
            "证书链的根 CA 不受 Go 信任（TLS 审查？）",
        )];
    }
    if has("x509: certificate is valid for")
        || has("certificate is not valid for any names")
        || has("x509: cannot validate certificate for")
    {
        return vec![hit(
            CauseId::TlsHostnameMismatch,
            0.9,
            "the certificate belongs to another name: the wrong server answered",
            "证书属于别的域名：应答的是错误的服务器",
        )];
    }
    if has("certificate has expired or is not yet valid") {
        let (id, what, what_zh) = if has(" is before ") {
            (CauseId::TlsNotYetValid, "is not valid yet", "尚未生效")
        } else {
            (CauseId::TlsExpired, "has expired", "已过期")
        };
        return vec![
            hit(
                id,
                0.85,
                format!("the server's certificate {what}"),
                format!("服务器证书{what_zh}"),
            ),
            hit(
                CauseId::LocalClockSkew,
                0.4,
                "or this machine's clock is wrong (compare the current time in the message)",
                "也可能是本机时钟不准（对比报错中的 current time）",
            ),
        ];
    }
    if has("first record does not look like a TLS handshake")
        || has("server gave HTTP response to HTTPS client")
    {
        return vec![hit(
            CauseId::TlsNotTls,
            0.85,
            "the server does not speak TLS on that port",
            "该端口上的服务不是 TLS",
        )];
    }
    if has("TLS handshake timeout") {
        return vec![hit(
            CauseId::TlsHandshakeTimeout,
            0.85,
            "TCP connects but the TLS handshake does not complete",
            "TCP 能连上，但 TLS 握手没有完成",
        )];
    }
    if has("remote error: tls:") || has("tls: no supported versions") || has("tls: no cipher suite")
    {
        return vec![hit(
            CauseId::TlsHandshakeFailure,
            0.85,
            "the server aborts the TLS handshake with an alert",
            "服务器用告警中止了 TLS 握手",
        )];
    }
    Vec::new()
}

/// DNS and TCP failures, in the words of net and net/http.
pub(super) fn classify_transport(s: &str) -> Vec<Hit> {
    let has = |w: &str| s.contains(w);
    let lookup = has("lookup ") || has("getaddrinfow");
    if lookup {
        if has("no such host")
            || has("No such host is known")
            || has("no data of the requested type")
        {
            return vec![hit(
                CauseId::DnsNxdomainFiltered,
                0.7,
                format!(
                    "the system resolver says {} does not exist (compare with a public resolver: --probe)",
                    lookup_name(s).unwrap_or_else(|| "the name".into())
                ), format!("系统 DNS 说 {} 不存在（可用 --probe 与公共 DNS 对比）", lookup_name(s).unwrap_or_else(|| "该域名".into()))
            )];
        }
        if has("server misbehaving") {
            return vec![hit(
                CauseId::DnsSystemResolverDown,
                0.8,
                "the system resolver fails (SERVFAIL: server misbehaving)",
                "系统 DNS 出错（SERVFAIL：server misbehaving）",
            )];
        }
        if has("Temporary failure in name resolution")
            || has("temporary error during hostname resolution")
        {
            return vec![
                hit(
                    CauseId::DnsSystemResolverDown,
                    0.7,
                    "the system resolver does not answer",
                    "系统 DNS 没有应答",
                ),
                hit(
                    CauseId::DnsNoResolution,
                    0.4,
                    "or this machine is offline",
                    "也可能本机没有联网",
                ),
            ];
        }
        if (has(":53:") || has("dial udp")) && (has("network is unreachable") || has("refused")) {
            return vec![
                hit(
                    CauseId::DnsNoResolution,
                    0.75,
                    "the DNS server itself cannot be reached: offline?",
                    "连 DNS 服务器本身都访问不到：没有联网？",
                ),
                hit(
                    CauseId::DnsSystemResolverDown,
                    0.4,
                    "or the configured resolver is down",
                    "也可能是配置的 DNS 服务器宕了",
                ),
            ];
        }
        if has("i/o timeout") {
            return vec![
                hit(
                    CauseId::DnsSystemResolverDown,
                    0.75,
                    "the system resolver times out",
                    "系统 DNS 超时",
                ),
                hit(
                    CauseId::DnsNoResolution,
                    0.4,
                    "or DNS is blocked entirely",
                    "也可能 DNS 被整体屏蔽",
                ),
            ];
        }
    }
    let addr = dial_target(s).unwrap_or_else(|| "the server".to_string());
    let addr = redact_text(&addr);
    if has("connection refused") || has("actively refused") {
        return vec![hit(
            CauseId::TcpRefused,
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
            CauseId::TcpTimeout,
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
            CauseId::TcpUnreachable,
            0.85,
            format!("no route to {addr}"),
            format!("没有到 {addr} 的路由"),
        )];
        if addr.starts_with('[') {
            hits.push(hit(
                CauseId::TcpIpv6Broken,
                0.4,
                "the address is IPv6: this machine may lack IPv6 connectivity",
                "这是 IPv6 地址：本机可能没有 IPv6 网络",
            ));
        }
        return hits;
    }
    let https = has("Get \"https://");
    if has("connection reset by peer") || has("forcibly closed by the remote host") {
        if https {
            return vec![
                hit(
                    CauseId::TlsResetDuringHandshake,
                    0.7,
                    format!("the connection to {addr} is reset (on an https URL, typically right after the TLS ClientHello)"), format!("到 {addr} 的连接被重置（在 https URL 上，通常发生在 TLS ClientHello 之后）")
                ),
                hit(CauseId::TcpReset, 0.55, "the connection is reset", "连接被重置"),
            ];
        }
        return vec![hit(
            CauseId::TcpReset,
            0.8,
            format!("the connection to {addr} is reset"),
            format!("到 {addr} 的连接被重置"),
        )];
    }
    if https
        && s.lines()
            .next()
            .is_some_and(|l| l.trim_end().ends_with("\": EOF"))
    {
        return vec![
            hit(
                CauseId::TlsResetDuringHandshake,
                0.65,
                "the server closes the connection right after the TLS ClientHello (EOF)",
                "服务器在 TLS ClientHello 之后立即关闭了连接（EOF）",
            ),
            hit(
                CauseId::TcpReset,
                0.4,
                "the connection is closed",
                "连接被关闭",
            ),
        ];
    }
    if has("unexpected EOF") {
        return vec![hit(
            CauseId::TcpReset,
            0.5,
            "the connection breaks during the download",
            "下载过程中连接中断",
        )];
    }
    if has("i/o timeout") {
        return vec![hit(
            CauseId::TcpTimeout,
            0.5,
            "a network operation times out",
            "某个网络操作超时",
        )];
    }
    Vec::new()
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
