//! A `FindProxyForURL` answer (`"PROXY a:8080; SOCKS5 b:1080; DIRECT"`) and the one proxy
//! URL Go can be given for it: Go takes a single HTTPS_PROXY (http://, https://, socks5://)
//! and never falls back to a second entry or to a direct connection.

/// One entry of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacEntry {
    Direct,
    /// `PROXY` / `HTTP`: a plain HTTP proxy (Go: `http://`).
    Http(String),
    /// `HTTPS`: TLS to the proxy (Go: `https://`).
    Https(String),
    /// `SOCKS` / `SOCKS5` (Go: `socks5://`).
    Socks5(String),
    /// `SOCKS4`: Go speaks only SOCKS5.
    Socks4(String),
    /// Anything else (`QUIC host:port`, a typo), as written.
    Unknown(String),
}

/// What Go should be told for one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoChoice {
    /// The proxy URL for HTTPS_PROXY, or None for a direct connection.
    pub proxy: Option<String>,
    /// What the user should know: entries Go cannot use, fallbacks Go never tries.
    pub notes: Vec<String>,
}

/// The default port of each kind when the entry names none (as browsers fill it in).
fn with_port(hostport: &str, default: u16) -> String {
    let has_port = match hostport.rfind(']') {
        Some(close) => hostport[close..].contains(':'),
        None => hostport.contains(':'),
    };
    if has_port {
        hostport.to_string()
    } else {
        format!("{hostport}:{default}")
    }
}

/// Splits an answer into its entries (`;`-separated, keywords in any case).
pub fn parse_entries(answer: &str) -> Vec<PacEntry> {
    answer
        .split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let mut words = e.split_whitespace();
            let kw = words.next().unwrap_or("").to_ascii_uppercase();
            let rest: Vec<&str> = words.collect();
            match (kw.as_str(), rest.as_slice()) {
                ("DIRECT", []) => PacEntry::Direct,
                ("PROXY" | "HTTP", [hp]) => PacEntry::Http(with_port(hp, 80)),
                ("HTTPS", [hp]) => PacEntry::Https(with_port(hp, 443)),
                ("SOCKS" | "SOCKS5", [hp]) => PacEntry::Socks5(with_port(hp, 1080)),
                ("SOCKS4", [hp]) => PacEntry::Socks4(with_port(hp, 1080)),
                _ => PacEntry::Unknown(e.to_string()),
            }
        })
        .collect()
}

fn label(e: &PacEntry) -> String {
    match e {
        PacEntry::Direct => "DIRECT".into(),
        PacEntry::Http(h) => format!("PROXY {h}"),
        PacEntry::Https(h) => format!("HTTPS {h}"),
        PacEntry::Socks5(h) => format!("SOCKS5 {h}"),
        PacEntry::Socks4(h) => format!("SOCKS4 {h}"),
        PacEntry::Unknown(s) => s.clone(),
    }
}

/// The first entry Go can use, and notes on what Go loses. An empty answer means DIRECT (as
/// in browsers); an answer with no usable entry is an error naming what it held.
pub fn go_choice(answer: &str) -> Result<GoChoice, String> {
    let entries = parse_entries(answer);
    let mut notes = Vec::new();
    if entries.is_empty() {
        notes.push("the PAC returned an empty answer, which means DIRECT".into());
        return Ok(GoChoice { proxy: None, notes });
    }
    for (i, e) in entries.iter().enumerate() {
        let proxy = match e {
            PacEntry::Direct => None,
            PacEntry::Http(h) => Some(format!("http://{h}")),
            PacEntry::Https(h) => Some(format!("https://{h}")),
            PacEntry::Socks5(h) => Some(format!("socks5://{h}")),
            PacEntry::Socks4(_) => {
                notes.push(format!(
                    "`{}` skipped: Go speaks only SOCKS5 to a proxy",
                    label(e)
                ));
                continue;
            }
            PacEntry::Unknown(s) => {
                notes.push(format!("`{s}` skipped: not an entry Go can use"));
                continue;
            }
        };
        let rest: Vec<String> = entries[i + 1..].iter().map(label).collect();
        if !rest.is_empty() {
            notes.push(format!(
                "the PAC lists fallbacks ({}) that Go never tries: it uses one proxy, or none",
                rest.join("; ")
            ));
        }
        return Ok(GoChoice { proxy, notes });
    }
    Err(format!(
        "no entry Go can use in `{answer}` (accepted: DIRECT, PROXY, HTTPS, SOCKS, SOCKS5)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_usable_entry_in_go_form() {
        let c = go_choice("PROXY proxy.corp:8080; DIRECT").unwrap();
        assert_eq!(c.proxy.as_deref(), Some("http://proxy.corp:8080"));
        assert!(c.notes[0].contains("DIRECT"), "{:?}", c.notes);
        assert_eq!(go_choice("DIRECT").unwrap().proxy, None);
        assert_eq!(
            go_choice("https secure.corp").unwrap().proxy.as_deref(),
            Some("https://secure.corp:443")
        );
        assert_eq!(
            go_choice("SOCKS s.corp:1080").unwrap().proxy.as_deref(),
            Some("socks5://s.corp:1080")
        );
        let c = go_choice("SOCKS4 old:1080; PROXY [fd00::1]:3128").unwrap();
        assert_eq!(c.proxy.as_deref(), Some("http://[fd00::1]:3128"));
        assert!(c.notes[0].contains("SOCKS5"), "{:?}", c.notes);
        assert_eq!(
            go_choice("PROXY plain").unwrap().proxy.as_deref(),
            Some("http://plain:80")
        );
    }

    #[test]
    fn empty_and_junk_answers() {
        assert_eq!(go_choice("  ").unwrap().proxy, None);
        let e = go_choice("QUIC q:443; SOCKS4 s:1").unwrap_err();
        assert!(e.contains("QUIC q:443"), "{e}");
        assert_eq!(
            parse_entries("PROXY a b"),
            vec![PacEntry::Unknown("PROXY a b".into())]
        );
    }
}
