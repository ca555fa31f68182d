//! Names as crypto/x509 matches them: `VerifyHostname` (matchHostnames, IP SANs, the legacy
//! Common Name), the `HostnameError` text, and the chain's DNS/IP name constraints
//! (constraints.go).

use std::net::IpAddr;

use super::cert::{Cert, IpRange};

/// Go's `VerifyHostname`; the error is `HostnameError`'s text.
pub fn verify_hostname(c: &Cert, h: &str) -> Result<(), String> {
    let candidate_ip = if h.len() >= 3 && h.starts_with('[') && h.ends_with(']') {
        &h[1..h.len() - 1]
    } else {
        h
    };
    if let Ok(ip) = candidate_ip.parse::<IpAddr>() {
        let want = ip16(&ip);
        if c.ip_addresses.iter().any(|a| to16(a) == Some(want)) {
            return Ok(());
        }
        return Err(hostname_error(c, &go_ip_string(&ip)));
    }
    let candidate = h.to_ascii_lowercase();
    let valid_candidate = valid_hostname(&candidate, false);
    let parts = split_hostname(&candidate);
    for m in &c.dns_names {
        let ok = if valid_candidate && valid_hostname(m, true) {
            match_hostnames(m, &parts)
        } else {
            match_exactly(m, &candidate)
        };
        if ok {
            return Ok(());
        }
    }
    Err(hostname_error(c, h))
}

/// `HostnameError.Error()`.
fn hostname_error(c: &Cert, host: &str) -> String {
    const MAX_NAMES: usize = 100;
    if !c.has_san() && match_hostnames(&c.common_name, &split_hostname(host)) {
        return "x509: certificate relies on legacy Common Name field, use SANs instead".into();
    }
    let valid = if host.parse::<IpAddr>().is_ok() {
        if c.ip_addresses.is_empty() {
            return format!(
                "x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
            );
        }
        if c.ip_addresses.len() >= MAX_NAMES {
            return format!(
                "x509: certificate is valid for {} IP SANs, but none matched {host}",
                c.ip_addresses.len()
            );
        }
        c.ip_addresses
            .iter()
            .map(|b| ip_bytes_string(b))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        if c.dns_names.len() >= MAX_NAMES {
            return format!(
                "x509: certificate is valid for {} names, but none matched {host}",
                c.dns_names.len()
            );
        }
        c.dns_names.join(", ")
    };
    if valid.is_empty() {
        return format!("x509: certificate is not valid for any names, but wanted to match {host}");
    }
    format!("x509: certificate is valid for {valid}, not {host}")
}

fn split_hostname(host: &str) -> Vec<String> {
    let h = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    h.split('.').map(str::to_string).collect()
}

/// Go's `validHostname` (RFC 6125 2.2 with Go's leniency: `_`, a whole leftmost `*`).
fn valid_hostname(host: &str, is_pattern: bool) -> bool {
    let host = if is_pattern {
        host
    } else {
        host.strip_suffix('.').unwrap_or(host)
    };
    if host.is_empty() || host == "*" {
        return false;
    }
    for (i, part) in host.split('.').enumerate() {
        if part.is_empty() {
            return false;
        }
        if is_pattern && i == 0 && part == "*" {
            continue;
        }
        for (j, ch) in part.chars().enumerate() {
            let ok = ch.is_ascii_alphanumeric() || (ch == '-' && j != 0) || ch == '_';
            if !ok {
                return false;
            }
        }
    }
    true
}

fn match_exactly(a: &str, b: &str) -> bool {
    if a.is_empty() || a == "." || b.is_empty() || b == "." {
        return false;
    }
    a.eq_ignore_ascii_case(b)
}

fn match_hostnames(pattern: &str, host_parts: &[String]) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    if pattern.is_empty() || host_parts.is_empty() {
        return false;
    }
    let pp: Vec<&str> = pattern.split('.').collect();
    if pp.len() != host_parts.len() {
        return false;
    }
    pp.iter()
        .zip(host_parts)
        .enumerate()
        .all(|(i, (p, h))| (i == 0 && *p == "*") || p == h)
}

fn ip16(ip: &IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
        IpAddr::V6(a) => a.octets(),
    }
}

fn to16(b: &[u8]) -> Option<[u8; 16]> {
    match b.len() {
        4 => Some(
            std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3])
                .to_ipv6_mapped()
                .octets(),
        ),
        16 => <[u8; 16]>::try_from(b).ok(),
        _ => None,
    }
}

/// `net.IP.String()`: IPv4 (also v4-mapped) dotted, IPv6 per RFC 5952.
fn go_ip_string(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => a.to_string(),
        },
        IpAddr::V4(a) => a.to_string(),
    }
}

fn ip_bytes_string(b: &[u8]) -> String {
    match to16(b) {
        Some(x) => go_ip_string(&IpAddr::V6(x.into())),
        None => format!(
            "?{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
    }
}

// ------------------------------------------------------------------ name constraints

/// Go's `domainNameValid(s, false)`: no trailing dot, printable ASCII, no empty label.
fn domain_name_valid(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    if s.ends_with('.') || s.bytes().any(|b| !(33..=126).contains(&b)) {
        return false;
    }
    s.split('.').all(|l| !l.is_empty())
}

/// Go's `dnsHasSuffix(constraint, name)`: case-insensitive, on a label boundary; a
/// leading-period constraint matches subdomains only.
fn dns_has_suffix(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > b.len() {
        return false;
    }
    let tail = &b[b.len() - a.len()..];
    if !tail.eq_ignore_ascii_case(a) {
        return false;
    }
    !(a.first() != Some(&b'.') && b.len() > a.len() && b[b.len() - a.len() - 1] != b'.')
}

fn trim_first_label(s: &str) -> &str {
    s.find('.').map_or("", |i| &s[i..])
}

/// The constraint (from `list`) that covers DNS name `s`, if any.
fn dns_query<'a>(list: &'a [String], s: &str, permitted: bool) -> Option<&'a str> {
    if let Some(all) = list.iter().find(|c| c.is_empty()) {
        return Some(all);
    }
    if let Some(c) = list.iter().find(|c| dns_has_suffix(c, s)) {
        return Some(c);
    }
    // An excluded name is also hit by a wildcard SAN one level above it.
    if !permitted && s.starts_with('*') {
        let t = trim_first_label(s).to_ascii_lowercase();
        return list
            .iter()
            .rev()
            .find(|c| {
                let tc = trim_first_label(c);
                !tc.is_empty() && tc.eq_ignore_ascii_case(&t)
            })
            .map(String::as_str);
    }
    None
}

fn ip_in(r: &IpRange, ip: &[u8]) -> bool {
    r.0.len() == ip.len()
        && r.0
            .iter()
            .zip(&r.1)
            .zip(ip)
            .all(|((n, m), x)| n & m == x & m)
}

fn ip_range_string(r: &IpRange) -> String {
    let net: Vec<u8> = r.0.iter().zip(&r.1).map(|(n, m)| n & m).collect();
    let bits: Vec<bool> =
        r.1.iter()
            .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
            .collect();
    let ones = bits.iter().take_while(|b| **b).count();
    let canonical = bits[ones..].iter().all(|b| !b);
    if canonical {
        format!("{}/{ones}", ip_bytes_string(&net))
    } else {
        let hex: String = r.1.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}/{hex}", ip_bytes_string(&net))
    }
}

/// Go's `checkChainConstraints`: every SAN of every certificate below a constraining CA
/// must be permitted and not excluded by it. The error is the detail Go appends to
/// "x509: a root or intermediate certificate is not authorized to sign for this name: ".
pub fn check_chain_constraints(chain: &[&Cert]) -> Result<(), String> {
    let constrained: Vec<usize> = (0..chain.len())
        .filter(|i| chain[*i].name_constraints.is_some())
        .collect();
    if constrained.is_empty() {
        return Ok(());
    }
    let q = go_quote;
    for (i, c) in chain.iter().enumerate() {
        if !c.has_san() {
            continue;
        }
        for &j in constrained.iter().filter(|j| **j > i) {
            let Some(nc) = &chain[j].name_constraints else {
                continue;
            };
            for ip in &c.ip_addresses {
                let shown = ip_bytes_string(ip);
                if !nc.permitted_ip.is_empty() && !nc.permitted_ip.iter().any(|r| ip_in(r, ip)) {
                    return Err(format!(
                        "IP address {} is not permitted by any constraint",
                        q(&shown)
                    ));
                }
                if let Some(r) = nc.excluded_ip.iter().find(|r| ip_in(r, ip)) {
                    return Err(format!(
                        "IP address {} is excluded by constraint {}",
                        q(&shown),
                        q(&ip_range_string(r))
                    ));
                }
            }
            for d in &c.dns_names {
                if !domain_name_valid(d) {
                    return Err(format!("x509: cannot parse dnsName {}", q(d)));
                }
                if !nc.permitted_dns.is_empty() && dns_query(&nc.permitted_dns, d, true).is_none() {
                    return Err(format!(
                        "DNS name {} is not permitted by any constraint",
                        q(d)
                    ));
                }
                if !nc.excluded_dns.is_empty() {
                    if let Some(k) = dns_query(&nc.excluded_dns, d, false) {
                        return Err(format!(
                            "DNS name {} is excluded by constraint {}",
                            q(d),
                            q(k)
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Go's `%q` (strconv.Quote) for the texts that appear in its errors.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_like_go() {
        assert!(dns_has_suffix("example.com", "a.example.com"));
        assert!(dns_has_suffix("example.com", "EXAMPLE.com"));
        assert!(!dns_has_suffix("example.com", "aexample.com"));
        assert!(dns_has_suffix(".example.com", "a.example.com"));
        assert!(!dns_has_suffix(".example.com", "example.com"));
    }

    #[test]
    fn wildcards_only_as_whole_leftmost_label() {
        let parts = split_hostname("h1.test");
        assert!(match_hostnames("*.test", &parts));
        assert!(!match_hostnames("*.h1.test", &parts));
        assert!(!valid_hostname("h*.test", true));
        assert!(valid_hostname("*.test", true));
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }

    #[test]
    fn ip_ranges() {
        let r = (vec![10, 0, 0, 0], vec![255, 0, 0, 0]);
        assert!(ip_in(&r, &[10, 1, 2, 3]));
        assert!(!ip_in(&r, &[11, 1, 2, 3]));
        assert_eq!(ip_range_string(&r), "10.0.0.0/8");
    }
}
