//! The hosts file, read the way Go's resolver reads it (pure parsing; the read is separate).

use std::net::IpAddr;
use std::path::PathBuf;

/// Where the OS keeps its hosts file.
pub fn default_path() -> PathBuf {
    if cfg!(windows) {
        let root = std::env::var_os("SystemRoot").unwrap_or_else(|| "C:\\Windows".into());
        PathBuf::from(root).join("System32\\drivers\\etc\\hosts")
    } else {
        PathBuf::from("/etc/hosts")
    }
}

/// One `address name...` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostsEntry {
    pub addr: IpAddr,
    pub names: Vec<String>,
}

/// Parses hosts-file text: `#` starts a comment, fields are separated by blanks, the first
/// field is an IP (an IPv6 zone `%eth0` is dropped), names are matched case-insensitively.
/// Lines whose address does not parse are skipped, as Go does.
pub fn parse(text: &str) -> Vec<HostsEntry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut fields = line.split_whitespace();
        let Some(addr) = fields.next() else { continue };
        let addr = addr.split('%').next().unwrap_or(addr);
        let Ok(addr) = addr.parse::<IpAddr>() else {
            continue;
        };
        let names: Vec<String> = fields
            .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        if !names.is_empty() {
            out.push(HostsEntry { addr, names });
        }
    }
    out
}

/// The addresses the hosts file pins `name` to, in file order, without duplicates.
pub fn lookup(entries: &[HostsEntry], name: &str) -> Vec<IpAddr> {
    let want = name.trim_end_matches('.').to_ascii_lowercase();
    let mut out: Vec<IpAddr> = Vec::new();
    for e in entries {
        if e.names.contains(&want) && !out.contains(&e.addr) {
            out.push(e.addr);
        }
    }
    out
}

/// Reads and parses a hosts file; a missing or unreadable file is an empty one (as for Go).
pub fn read(path: &std::path::Path) -> Vec<HostsEntry> {
    std::fs::read(path)
        .map(|b| parse(&String::from_utf8_lossy(&b)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_go() {
        let text = "127.0.0.1\tlocalhost\n\
                    # comment line\n\
                    10.1.2.3  Proxy.Golang.ORG proxy  # pinned\n\
                    fe80::1%lo0 link.local\n\
                    not-an-ip name\n\
                    ::1 localhost ip6-localhost\n\
                    192.0.2.9 proxy.golang.org.\n\
                    192.0.2.10\n";
        let e = parse(text);
        assert_eq!(
            lookup(&e, "proxy.golang.org"),
            vec![
                "10.1.2.3".parse::<IpAddr>().unwrap(),
                "192.0.2.9".parse().unwrap()
            ]
        );
        assert_eq!(
            lookup(&e, "PROXY.golang.org."),
            lookup(&e, "proxy.golang.org")
        );
        assert_eq!(
            lookup(&e, "link.local"),
            vec!["fe80::1".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(lookup(&e, "localhost").len(), 2);
        assert!(lookup(&e, "name").is_empty());
        assert!(lookup(&e, "sum.golang.org").is_empty());
    }

    #[test]
    fn windows_line_endings_and_blank_lines() {
        let e = parse("\r\n  \r\n10.0.0.1 a.example\r\n");
        assert_eq!(
            lookup(&e, "a.example"),
            vec!["10.0.0.1".parse::<IpAddr>().unwrap()]
        );
    }
}
