//! Go's error texts: the strings Go's net, net/http, crypto/tls, crypto/x509 and
//! x/net/internal/socks packages print for network failures, so that every `go_error` a probe records reads exactly like the line `go`
//! prints. Text in, text out: no I/O, nothing of ours imported.

use std::fmt::Display;
use std::io::{self, ErrorKind};

/// A read, write or dial that ran past its deadline.
pub const IO_TIMEOUT: &str = "i/o timeout";
/// The peer closed the connection.
pub const EOF: &str = "EOF";
/// The peer closed the connection in the middle of an answer (`io.ErrUnexpectedEOF`).
pub const UNEXPECTED_EOF: &str = "unexpected EOF";
/// A request's context ran out (what net/http prints for a proxy that never answers CONNECT).
pub const CONTEXT_DEADLINE: &str = "context deadline exceeded";
/// The name does not exist, or has no address (NXDOMAIN, or NOERROR without records).
pub const NO_SUCH_HOST: &str = "no such host";
/// The resolver answered SERVFAIL or REFUSED.
pub const SERVER_MISBEHAVING: &str = "server misbehaving";
/// The first bytes from a server (or https:// proxy) are not a TLS record.
pub const TLS_NOT_A_HANDSHAKE: &str = "tls: first record does not look like a TLS handshake";

/// Go's description of a socket error (`connection refused`, `network is unreachable`).
pub fn os_error_text(e: &io::Error) -> String {
    match e.kind() {
        ErrorKind::ConnectionRefused => "connection refused".into(),
        ErrorKind::ConnectionReset => "connection reset by peer".into(),
        ErrorKind::HostUnreachable => "no route to host".into(),
        ErrorKind::NetworkUnreachable => "network is unreachable".into(),
        ErrorKind::TimedOut => IO_TIMEOUT.into(),
        ErrorKind::UnexpectedEof => EOF.into(),
        _ => {
            let s = e.to_string();
            // std appends " (os error N)"; Go does not.
            match s.find(" (os error") {
                Some(i) => s[..i].to_ascii_lowercase(),
                None => s,
            }
        }
    }
}

/// Go's text for a failed connect: `connect: connection refused` on Unix,
/// `connectex: No connection could be made ...` on Windows.
pub fn connect_text(e: &io::Error) -> String {
    if cfg!(windows) {
        if e.kind() == ErrorKind::ConnectionRefused {
            return "connectex: No connection could be made because the target machine actively refused it.".into();
        }
        return format!("connectex: {}", os_error_text(e));
    }
    format!("connect: {}", os_error_text(e))
}

/// Go's text for a failed read: `read: connection reset by peer` on Unix, `wsarecv: ...` on Windows.
pub fn read_text(e: &io::Error) -> String {
    if cfg!(windows) {
        if e.kind() == ErrorKind::ConnectionReset {
            return "wsarecv: An existing connection was forcibly closed by the remote host."
                .into();
        }
        return format!("wsarecv: {}", os_error_text(e));
    }
    format!("read: {}", os_error_text(e))
}

/// Whether `text` is a bare [`read_text`], still without the `read tcp L->R: ` Go puts before it.
pub fn is_bare_read(text: &str) -> bool {
    text.starts_with("read: ") || text.starts_with("wsarecv: ")
}

/// `dial NET ADDR: WHY` (`dial tcp 1.2.3.4:443: connect: connection refused`).
pub fn dial(net: &str, addr: impl Display, why: impl Display) -> String {
    format!("dial {net} {addr}: {why}")
}

/// `dial tcp: WHY`: a dial that never had an address (the lookup failed).
pub fn dial_unresolved(why: impl Display) -> String {
    format!("dial tcp: {why}")
}

/// `read NET LOCAL->REMOTE: WHY` (`read udp 10.0.0.5:5353->1.1.1.1:53: i/o timeout`).
pub fn read(net: &str, local: impl Display, remote: impl Display, why: impl Display) -> String {
    format!("read {net} {local}->{remote}: {why}")
}

/// `lookup NAME on SERVER: WHY`, or `lookup NAME: WHY` when no server is named (the OS
/// resolver, or no server asked).
pub fn lookup(name: &str, server: &str, why: impl Display) -> String {
    if server.is_empty() {
        format!("lookup {name}: {why}")
    } else {
        format!("lookup {name} on {server}: {why}")
    }
}

/// `proxyconnect tcp: WHY`: a failure on the way to (or at) an http:// or https:// proxy.
pub fn proxyconnect(why: impl Display) -> String {
    format!("proxyconnect tcp: {why}")
}

/// `socks connect tcp PROXY->TARGET`, the prefix of every SOCKS5 failure.
pub fn socks_connect(proxy: impl Display, target: impl Display) -> String {
    format!("socks connect tcp {proxy}->{target}")
}

/// The SOCKS5 greeting was not answered with version 5.
pub fn socks_bad_version(version: u8) -> String {
    format!("unexpected protocol version {version}")
}

/// The SOCKS5 server chose a method Go cannot speak.
pub fn socks_unsupported_method(method: u8) -> String {
    format!("unsupported authentication method {method}")
}

/// The SOCKS5 server accepts none of the methods offered.
pub const SOCKS_NO_ACCEPTABLE_METHODS: &str = "no acceptable authentication methods";
/// The SOCKS5 server rejected the username and password.
pub const SOCKS_AUTH_FAILED: &str = "username/password authentication failed";

/// Go's text for a SOCKS5 reply code.
pub fn socks_reply_text(code: u8) -> String {
    match code {
        0 => "succeeded",
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => return format!("unknown code: {code}"),
    }
    .to_string()
}

/// A SOCKS5 CONNECT that the server answered with a failure code.
pub fn socks_reply_error(code: u8) -> String {
    format!("unknown error {}", socks_reply_text(code))
}

// ------------------------------------------------------------------ TLS and x509

/// The handshake did not finish in time (net/http's own timeout).
pub const TLS_HANDSHAKE_TIMEOUT: &str = "net/http: TLS handshake timeout";
/// An https:// URL (or proxy) answered in plain HTTP.
pub const HTTP_RESPONSE_TO_HTTPS: &str = "http: server gave HTTP response to HTTPS client";
/// The chain does not lead to a root Go trusts.
pub const X509_UNKNOWN_AUTHORITY: &str = "x509: certificate signed by unknown authority";
/// `x509.CertificateInvalidError` (IncompatibleUsage): no chain allows serverAuth.
pub const X509_INCOMPATIBLE_USAGE: &str = "x509: certificate specifies an incompatible key usage";
/// crypto/tls when a certificate the server sent does not parse.
pub const TLS_PARSE_CERT: &str =
    "tls: failed to parse certificate from server: x509: malformed certificate";
/// A certificate without SANs, for a name.
pub const X509_LEGACY_COMMON_NAME: &str =
    "x509: certificate relies on legacy Common Name field, use SANs instead";

/// `remote error: tls: ALERT`: the peer sent an alert (named by [`tls_alert_name`]).
pub fn tls_remote_error(alert: impl Display) -> String {
    format!("remote error: tls: {alert}")
}

/// `tls: WHY`: a handshake failure of our own side.
pub fn tls(why: impl Display) -> String {
    format!("tls: {why}")
}

/// `tls: failed to verify certificate: WHY` (WHY is an `x509: ...` text).
pub fn tls_verify_failed(why: impl Display) -> String {
    format!("tls: failed to verify certificate: {why}")
}

/// The name crypto/tls gives an alert, by its code (alert.go).
pub fn tls_alert_name(code: u8) -> String {
    match code {
        0 => "close notify",
        10 => "unexpected message",
        20 => "bad record MAC",
        22 => "record overflow",
        40 => "handshake failure",
        42 => "bad certificate",
        43 => "unsupported certificate",
        44 => "revoked certificate",
        45 => "expired certificate",
        46 => "unknown certificate",
        47 => "illegal parameter",
        48 => "unknown certificate authority",
        49 => "access denied",
        50 => "error decoding message",
        51 => "error decrypting message",
        70 => "protocol version not supported",
        71 => "insufficient security level",
        80 => "internal error",
        86 => "inappropriate fallback",
        90 => "user canceled",
        100 => "no renegotiation",
        109 => "missing extension",
        110 => "unsupported extension",
        112 => "unrecognized name",
        120 => "no application protocol",
        other => return format!("alert({other})"),
    }
    .to_string()
}

/// `x509.HostnameError` when the certificate names others: `x509: certificate is valid for
/// A, B, not HOST`.
pub fn x509_valid_for(names: &[String], host: &str) -> String {
    format!(
        "x509: certificate is valid for {}, not {host}",
        names.join(", ")
    )
}

/// `x509.HostnameError` for an IP address the certificate has no IP SANs for.
pub fn x509_no_ip_sans(host: &str) -> String {
    format!("x509: cannot validate certificate for {host} because it doesn't contain any IP SANs")
}

/// A name mismatch when the certificate itself is not at hand.
pub fn x509_not_valid_for(host: &str) -> String {
    format!("x509: certificate is not valid for {host}")
}

/// `x509.CertificateInvalidError` (Expired) after the certificate's end; times in RFC 3339.
pub fn x509_expired(now: &str, not_after: &str) -> String {
    format!("x509: certificate has expired or is not yet valid: current time {now} is after {not_after}")
}

/// `x509.CertificateInvalidError` (Expired) before the certificate's start.
pub fn x509_not_yet_valid(now: &str, not_before: &str) -> String {
    format!("x509: certificate has expired or is not yet valid: current time {now} is before {not_before}")
}

/// Another x509 failure, described by the verifier.
pub fn x509(why: impl Display) -> String {
    format!("x509: {why}")
}

/// Go's `%q` of a string (strconv.Quote), as Go's error messages print names and values.
pub fn go_quote(s: &str) -> String {
    go_quote_bytes(s.as_bytes())
}

/// Go's `%q` of bytes: bytes that are not UTF-8 print as `\xNN`, as in Go.
pub fn go_quote_bytes(s: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_quoted(&mut out, c, '"');
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

/// Go's `%q` of a rune (strconv.QuoteRune): `'M'`, `' '`, `'\x1b'`.
pub fn go_quote_rune(c: char) -> String {
    let mut out = String::from("'");
    push_quoted(&mut out, c, '\'');
    out.push('\'');
    out
}

fn push_quoted(out: &mut String, c: char, quote: char) {
    match c {
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        '\\' => out.push_str("\\\\"),
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
        // unicode.IsPrint, near enough: no controls, no spaces but U+0020.
        c if c.is_control() || (c.is_whitespace() && c != ' ') || c == '\u{ad}' => {
            if (c as u32) < 0x10000 {
                out.push_str(&format!("\\u{:04x}", c as u32))
            } else {
                out.push_str(&format!("\\U{:08x}", c as u32))
            }
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_errors_without_std_suffix() {
        let refused = io::Error::from(ErrorKind::ConnectionRefused);
        assert_eq!(os_error_text(&refused), "connection refused");
        assert_eq!(
            os_error_text(&io::Error::from(ErrorKind::UnexpectedEof)),
            "EOF"
        );
        assert_eq!(
            os_error_text(&io::Error::from_raw_os_error(13)),
            "permission denied"
        );
        if !cfg!(windows) {
            assert_eq!(connect_text(&refused), "connect: connection refused");
            let reset = io::Error::from(ErrorKind::ConnectionReset);
            assert_eq!(read_text(&reset), "read: connection reset by peer");
            assert!(is_bare_read(&read_text(&reset)));
        }
        assert!(!is_bare_read("read tcp 1.2.3.4:5->6.7.8.9:443: read: EOF"));
    }

    #[test]
    fn dial_read_and_lookup_forms() {
        assert_eq!(
            dial("tcp", "1.2.3.4:443", IO_TIMEOUT),
            "dial tcp 1.2.3.4:443: i/o timeout"
        );
        assert_eq!(
            dial_unresolved(lookup("a.b", "127.0.0.53:53", NO_SUCH_HOST)),
            "dial tcp: lookup a.b on 127.0.0.53:53: no such host"
        );
        assert_eq!(lookup("a.b", "", IO_TIMEOUT), "lookup a.b: i/o timeout");
        assert_eq!(
            read("udp", "10.0.0.5:5353", "1.1.1.1:53", IO_TIMEOUT),
            "read udp 10.0.0.5:5353->1.1.1.1:53: i/o timeout"
        );
        assert_eq!(
            proxyconnect(dial("tcp", "10.0.0.1:3128", "connect: connection refused")),
            "proxyconnect tcp: dial tcp 10.0.0.1:3128: connect: connection refused"
        );
    }

    #[test]
    fn socks_texts() {
        assert_eq!(socks_reply_text(5), "connection refused");
        assert_eq!(socks_reply_text(2), "connection not allowed by ruleset");
        assert_eq!(socks_reply_text(42), "unknown code: 42");
        assert_eq!(
            format!(
                "{}: {}",
                socks_connect("p:1080", "t:443"),
                socks_reply_error(5)
            ),
            "socks connect tcp p:1080->t:443: unknown error connection refused"
        );
    }

    #[test]
    fn tls_and_x509_forms() {
        assert_eq!(tls_alert_name(40), "handshake failure");
        assert_eq!(tls_alert_name(112), "unrecognized name");
        assert_eq!(tls_alert_name(116), "alert(116)");
        assert_eq!(
            tls_remote_error(tls_alert_name(70)),
            "remote error: tls: protocol version not supported"
        );
        assert_eq!(
            tls_verify_failed(x509_valid_for(&["a.example".into(), "b.example".into()], "c")),
            "tls: failed to verify certificate: x509: certificate is valid for a.example, b.example, not c"
        );
    }
}
