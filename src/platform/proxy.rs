//! The OS proxy settings model (what Windows, macOS and desktop Linux are told to use, and
//! Go never reads), the WinINET string forms, and the translation into the environment
//! variables Go does read. Everything here is pure.

use std::collections::BTreeMap;

/// Where a proxy setting was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProxySource {
    /// Windows Internet Options / Settings > Proxy (HKCU ...\Internet Settings): browsers, .NET.
    Wininet,
    /// `netsh winhttp` settings: Windows services, Windows Update.
    Winhttp,
    /// macOS System Settings > Network > Proxies, as `scutil --proxy` prints it.
    MacosScutil,
    /// GNOME Settings > Network Proxy (`gsettings org.gnome.system.proxy`).
    GnomeGsettings,
    /// KDE System Settings > Proxy (`~/.config/kioslaverc`).
    KdeKioslaverc,
}

/// One OS proxy configuration. Server strings are kept as the OS wrote them (`host:port`,
/// sometimes `http://host:port`, credentials included) and masked when serialized.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SystemProxy {
    pub source: ProxySource,
    /// A manual proxy server is switched on (WinINET ProxyEnable=1, a macOS/GNOME scheme
    /// enabled, WinHTTP not "direct access"). A PAC URL or auto-detection is reported
    /// separately and counts as configured on its own.
    pub enabled: bool,
    /// Per-scheme servers: keys `http`, `https`, `ftp`, `socks`. For macOS and GNOME only the
    /// enabled schemes appear here.
    #[serde(serialize_with = "crate::redact::serialize_masked_values")]
    pub servers: BTreeMap<String, String>,
    /// One server for http, https and ftp (the WinINET `host:port` form, GNOME use-same-proxy).
    #[serde(serialize_with = "crate::redact::serialize_masked_opt")]
    pub single_server: Option<String>,
    /// Bypass entries as the OS wrote them, without the `<local>` marker.
    pub bypass: Vec<String>,
    /// `<local>` (Windows) / ExcludeSimpleHostnames (macOS): names without a dot go direct.
    pub bypass_local: bool,
    /// The proxy auto-configuration script in use.
    #[serde(serialize_with = "crate::redact::serialize_masked_opt")]
    pub pac_url: Option<String>,
    /// WPAD auto-detection is on (macOS ProxyAutoDiscoveryEnable, GNOME mode 'auto' without URL,
    /// Windows AutoDetect when present).
    pub auto_detect: bool,
    /// The input lines that mattered, for the evidence chain (masked when serialized).
    #[serde(serialize_with = "crate::redact::serialize_masked_list")]
    pub raw: Vec<String>,
}

impl SystemProxy {
    pub fn new(source: ProxySource) -> SystemProxy {
        SystemProxy {
            source,
            enabled: false,
            servers: BTreeMap::new(),
            single_server: None,
            bypass: Vec::new(),
            bypass_local: false,
            pac_url: None,
            auto_detect: false,
            raw: Vec::new(),
        }
    }

    /// The server the OS would use for `scheme` (http, https, ftp) when the manual proxy is on:
    /// the per-scheme entry, else the single server.
    pub fn server_for(&self, scheme: &str) -> Option<&str> {
        if !self.enabled {
            return None;
        }
        self.servers
            .get(scheme)
            .or(self.single_server.as_ref())
            .map(String::as_str)
    }

    /// The OS sends (some) traffic through a proxy: a manual server, a PAC script or WPAD.
    pub fn is_active(&self) -> bool {
        (self.enabled && (self.single_server.is_some() || !self.servers.is_empty()))
            || self.pac_url.is_some()
            || self.auto_detect
    }
}

/// Fills `servers` / `single_server` from a WinINET `ProxyServer` value (also WinHTTP's
/// "Proxy Server(s)" and KDE-style lists), the way WinINET reads it:
/// - `host:port` (or `http://host:port`): one server for http, https and ftp;
/// - `http=h:p;https=h:p;ftp=h:p;socks=h:p`: per scheme (separated by `;` or blanks);
/// - an entry without `=` among per-scheme ones is the server for the remaining schemes.
///
/// Scheme names are lower-cased; unknown schemes are kept under their own name.
pub fn apply_wininet_server_list(proxy: &mut SystemProxy, value: &str) {
    for entry in value
        .split(|c: char| c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        // `http://host:port` has no `=`; `https=http://host:port` has one before any `://`.
        let per_scheme = entry
            .find('=')
            .filter(|&eq| entry.find("://").is_none_or(|s| eq < s));
        match per_scheme {
            Some(eq) => {
                let scheme = entry[..eq].trim().to_ascii_lowercase();
                let server = entry[eq + 1..].trim();
                if !scheme.is_empty() && !server.is_empty() {
                    proxy.servers.insert(scheme, server.to_string());
                }
            }
            None => proxy.single_server = Some(entry.to_string()),
        }
    }
}

/// Splits a WinINET / WinHTTP bypass list (`<local>;*.corp.example;10.*`, also separated by
/// blanks or commas) into entries, setting `bypass_local` for `<local>`.
pub fn apply_wininet_bypass(proxy: &mut SystemProxy, value: &str) {
    for entry in value
        .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        if entry.eq_ignore_ascii_case("<local>") {
            proxy.bypass_local = true;
        } else {
            proxy.bypass.push(entry.to_string());
        }
    }
}

/// A bypass entry that has no exact NO_PROXY equivalent, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct DroppedBypass {
    pub entry: String,
    pub reason: String,
}

/// The environment that makes Go use what the OS uses.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SuggestedEnv {
    /// The value for HTTPS_PROXY (what Go uses for proxy.golang.org and sum.golang.org).
    pub https_proxy: String,
    /// The value for HTTP_PROXY, when the OS names a server for http:// URLs.
    pub http_proxy: Option<String>,
    /// The bypass list in Go's NO_PROXY syntax, when anything translated.
    pub no_proxy: Option<String>,
    /// Bypass entries left out (including `<local>`), each with the reason.
    pub dropped_bypass: Vec<DroppedBypass>,
    /// Caveats the user should read (SOCKS4 vs 5, a guess from an http-only entry ...).
    pub notes: Vec<String>,
}

/// What to tell the user to do with an OS proxy setting.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ProxySuggestion {
    /// A concrete server: set these variables.
    Env(SuggestedEnv),
    /// Only a PAC script: no address to copy. Read the script and use the proxy it returns.
    ReadPac { pac_url: String, advice: String },
    /// Only WPAD auto-detection: the proxy is found at run time by the OS.
    AutoDetect { advice: String },
}

/// Turns a proxy server string from the OS into a Go proxy URL: `host:port` →
/// `http://host:port` (`socks5://` for a SOCKS entry). A scheme written in the OS entry
/// (`http://h:p`, `https://h:p`) is replaced: WinINET, macOS and GNOME talk plain HTTP to an
/// HTTP proxy whatever prefix the entry carries, while Go would start TLS for `https://`.
fn as_proxy_url(server: &str, scheme: &str) -> String {
    let bare = server.split_once("://").map_or(server, |(_, rest)| rest);
    format!("{scheme}://{}", bare.trim_end_matches('/'))
}

/// The environment variables that make Go use the OS proxy, or None when the OS names no
/// concrete server (nothing configured, PAC or WPAD only: see [`suggestion`]).
///
/// HTTPS_PROXY is the https server, else the single server, else the socks server
/// (`socks5://`), else the http server (with a note: Windows itself would send https direct).
/// NO_PROXY is the bypass list translated by [`translate_bypass`].
pub fn suggested_env(sys: &SystemProxy) -> Option<SuggestedEnv> {
    if !sys.enabled {
        return None;
    }
    let mut notes = Vec::new();
    let https_proxy = if let Some(s) = sys.servers.get("https").or(sys.single_server.as_ref()) {
        as_proxy_url(s, "http")
    } else if let Some(s) = sys.servers.get("socks") {
        if sys.source == ProxySource::Wininet || sys.source == ProxySource::Winhttp {
            notes.push(
                "Windows speaks SOCKS4 to a `socks=` proxy; Go speaks SOCKS5 (most local proxy \
                 clients accept both)."
                    .to_string(),
            );
        }
        as_proxy_url(s, "socks5")
    } else if let Some(s) = sys.servers.get("http") {
        notes.push(format!(
            "The OS names a proxy only for http:// URLs; it is suggested for HTTPS_PROXY too, \
             which works when that proxy accepts CONNECT (most do). Source: {}.",
            source_label(sys.source)
        ));
        as_proxy_url(s, "http")
    } else {
        return None;
    };
    let http_proxy = sys
        .servers
        .get("http")
        .or(sys.single_server.as_ref())
        .map(|s| as_proxy_url(s, "http"));
    let (entries, dropped_bypass) = translate_bypass(&sys.bypass, sys.bypass_local);
    let no_proxy = (!entries.is_empty()).then(|| entries.join(","));
    Some(SuggestedEnv {
        https_proxy,
        http_proxy,
        no_proxy,
        dropped_bypass,
        notes,
    })
}

/// What to tell the user for any active OS proxy: concrete variables, or how to find the
/// address behind a PAC script / WPAD.
pub fn suggestion(sys: &SystemProxy) -> Option<ProxySuggestion> {
    if let Some(env) = suggested_env(sys) {
        return Some(ProxySuggestion::Env(env));
    }
    if let Some(url) = &sys.pac_url {
        return Some(ProxySuggestion::ReadPac {
            pac_url: url.clone(),
            advice: format!(
                "The OS picks the proxy with the script at {url}. Download it (open the URL in a \
                 browser), look at the `PROXY host:port` it returns for proxy.golang.org, and set \
                 HTTPS_PROXY=http://host:port."
            ),
        });
    }
    if sys.auto_detect {
        return Some(ProxySuggestion::AutoDetect {
            advice: "The OS detects its proxy automatically (WPAD). Ask IT for the proxy address, \
                     or open http://wpad/wpad.dat and use the `PROXY host:port` it returns as \
                     HTTPS_PROXY=http://host:port."
                .to_string(),
        });
    }
    None
}

/// A human name for where the setting lives.
pub fn source_label(source: ProxySource) -> &'static str {
    match source {
        ProxySource::Wininet => "Windows Internet Options (WinINET)",
        ProxySource::Winhttp => "netsh winhttp",
        ProxySource::MacosScutil => "macOS network proxy settings",
        ProxySource::GnomeGsettings => "GNOME proxy settings",
        ProxySource::KdeKioslaverc => "KDE proxy settings",
    }
}

/// The candidate for `config.system_proxy_ignored`: the OS is configured to use a proxy
/// (manual, PAC or WPAD) and this process has no HTTPS_PROXY, so Go goes direct. Whether the
/// direct route actually fails is for the decision tree to judge from the probes.
pub fn system_proxy_ignored_candidate(sys: &SystemProxy, env_has_https_proxy: bool) -> bool {
    !env_has_https_proxy && sys.is_active()
}

/// Translates OS bypass entries into Go NO_PROXY entries. Returns the entries and what was
/// dropped with the reason. Rules (Go: `x/net/http/httpproxy`):
/// - `<local>` / simple host names: no Go equivalent (Go has no "names without a dot");
/// - `*.corp.example` → `.corp.example` (both mean: subdomains only);
/// - `10.*`, `192.168.*`, `172.16.*.*` → CIDR when every wildcard is a whole trailing octet;
/// - macOS short CIDR `169.254/16` → `169.254.0.0/16`;
/// - plain names, IPs, CIDRs, `host:port` are kept; other wildcards are dropped.
pub fn translate_bypass(
    entries: &[String],
    bypass_local: bool,
) -> (Vec<String>, Vec<DroppedBypass>) {
    let mut out: Vec<String> = Vec::new();
    let mut dropped = Vec::new();
    if bypass_local {
        dropped.push(DroppedBypass {
            entry: "<local>".to_string(),
            reason: "names without a dot go direct in the OS; Go's NO_PROXY cannot say that: \
                     list such hosts by name"
                .to_string(),
        });
    }
    for entry in entries {
        let e = entry.trim().to_ascii_lowercase();
        if e.is_empty() {
            continue;
        }
        match translate_one(&e) {
            Ok(t) => {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
            Err(reason) => dropped.push(DroppedBypass {
                entry: entry.clone(),
                reason: reason.to_string(),
            }),
        }
    }
    (out, dropped)
}

fn translate_one(e: &str) -> Result<String, &'static str> {
    if e == "*" {
        return Ok("*".to_string());
    }
    if let Some(cidr) = wildcard_ip_to_cidr(e) {
        return Ok(cidr);
    }
    if let Some(cidr) = short_cidr(e) {
        return Ok(cidr);
    }
    if let Some(rest) = e.strip_prefix("*.") {
        if !rest.is_empty() && !rest.contains(['*', '?']) {
            return Ok(format!(".{rest}"));
        }
    }
    if e.contains(['*', '?']) {
        return Err("a wildcard Go's NO_PROXY cannot express (only a leading `*.` or `.` works)");
    }
    if e.contains(['/', ':'])
        && !is_cidr(e)
        && !is_host_port(e)
        && e.parse::<std::net::IpAddr>().is_err()
    {
        return Err("not a host name, IP address or CIDR");
    }
    Ok(e.to_string())
}

/// `10.*` → `10.0.0.0/8`, `10.1.*.*` → `10.1.0.0/16`: exact only when the leading octets are
/// numbers and every wildcard is a whole trailing octet.
fn wildcard_ip_to_cidr(e: &str) -> Option<String> {
    let parts: Vec<&str> = e.split('.').collect();
    if parts.len() > 4 || !parts.contains(&"*") {
        return None;
    }
    let fixed: Vec<u8> = parts
        .iter()
        .take_while(|p| **p != "*")
        .map(|p| p.parse::<u8>().ok())
        .collect::<Option<Vec<u8>>>()?;
    if fixed.is_empty() || parts[fixed.len()..].iter().any(|p| *p != "*") {
        return None;
    }
    let mut octets = [0u8; 4];
    octets[..fixed.len()].copy_from_slice(&fixed);
    Some(format!(
        "{}.{}.{}.{}/{}",
        octets[0],
        octets[1],
        octets[2],
        octets[3],
        fixed.len() * 8
    ))
}

/// macOS writes `169.254/16` and `10/8`: pad the address to four octets.
fn short_cidr(e: &str) -> Option<String> {
    let (addr, bits) = e.split_once('/')?;
    let bits: u8 = bits.parse().ok().filter(|b| *b <= 32)?;
    let parts: Vec<u8> = addr
        .split('.')
        .map(|p| p.parse::<u8>().ok())
        .collect::<Option<Vec<u8>>>()?;
    if parts.is_empty() || parts.len() >= 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    octets[..parts.len()].copy_from_slice(&parts);
    Some(format!(
        "{}.{}.{}.{}/{bits}",
        octets[0], octets[1], octets[2], octets[3]
    ))
}

fn is_cidr(e: &str) -> bool {
    e.parse::<ipnet::IpNet>().is_ok()
}

fn is_host_port(e: &str) -> bool {
    match e.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty() && !host.contains(':') && port.parse::<u16>().is_ok()
        }
        None => false,
    }
}

/// The proxies a PAC script can return, in order of appearance: `PROXY h:p` → `http://h:p`,
/// `HTTPS h:p` → `https://h:p`, `SOCKS5 h:p` / `SOCKS h:p` → `socks5://h:p`. A text scan, not
/// JavaScript: it lists candidates for the user (the probes may try them), it does not decide
/// which one the script picks for a given URL.
pub fn pac_proxy_candidates(script: &str) -> Vec<String> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let upper = script.to_ascii_uppercase();
    for (keyword, scheme) in [
        ("PROXY ", "http"),
        ("HTTPS ", "https"),
        ("SOCKS5 ", "socks5"),
        ("SOCKS ", "socks5"),
    ] {
        let mut from = 0;
        while let Some(i) = upper[from..].find(keyword) {
            let start = from + i;
            from = start + keyword.len();
            // Whole word only: `MYPROXY ` is not a directive.
            if start > 0 && upper.as_bytes()[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            let rest = &script[from..];
            let hp: String = rest
                .trim_start()
                .chars()
                .take_while(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_')
                })
                .collect();
            if is_host_port(&hp) || (hp.starts_with('[') && hp.contains("]:")) {
                out.push((start, format!("{scheme}://{hp}")));
            }
        }
    }
    out.sort_by_key(|(pos, _)| *pos);
    let mut seen: Vec<String> = Vec::new();
    for (_, url) in out {
        if !seen.contains(&url) {
            seen.push(url);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wininet(server: &str, bypass: &str) -> SystemProxy {
        let mut p = SystemProxy::new(ProxySource::Wininet);
        p.enabled = true;
        apply_wininet_server_list(&mut p, server);
        apply_wininet_bypass(&mut p, bypass);
        p
    }

    #[test]
    fn server_list_forms() {
        let p = wininet("proxy.corp.example:8080", "");
        assert_eq!(p.single_server.as_deref(), Some("proxy.corp.example:8080"));
        assert!(p.servers.is_empty());
        assert_eq!(p.server_for("https"), Some("proxy.corp.example:8080"));

        let p = wininet("http=h1:3128;https=h2:3129;socks=h3:1080", "");
        assert_eq!(p.single_server, None);
        assert_eq!(p.servers["http"], "h1:3128");
        assert_eq!(p.servers["https"], "h2:3129");
        assert_eq!(p.servers["socks"], "h3:1080");

        let p = wininet("http://proxy:80", "");
        assert_eq!(p.single_server.as_deref(), Some("http://proxy:80"));

        let p = wininet("HTTPS=http://h2:1 ; ftp=f:21", "");
        assert_eq!(p.servers["https"], "http://h2:1");
        assert_eq!(p.servers["ftp"], "f:21");

        // Kept as the OS wrote it; masked when serialized.
        let p = wininet("u:secret@proxy:8080", "");
        assert_eq!(p.single_server.as_deref(), Some("u:secret@proxy:8080"));
        let json = serde_json::to_string(&p).unwrap();
        assert!(
            !json.contains("secret") && json.contains("u:xxxxx@proxy:8080"),
            "{json}"
        );
    }

    #[test]
    fn suggested_env_single_server_is_exactly_the_os_proxy() {
        let p = wininet("proxy.corp.example:8080", "<local>;*.corp.example;10.*");
        let s = suggested_env(&p).unwrap();
        assert_eq!(s.https_proxy, "http://proxy.corp.example:8080");
        assert_eq!(
            s.http_proxy.as_deref(),
            Some("http://proxy.corp.example:8080")
        );
        assert_eq!(s.no_proxy.as_deref(), Some(".corp.example,10.0.0.0/8"));
        assert_eq!(s.dropped_bypass.len(), 1);
        assert_eq!(s.dropped_bypass[0].entry, "<local>");
        assert!(s.notes.is_empty());
    }

    #[test]
    fn suggested_env_per_scheme_and_fallbacks() {
        let s = suggested_env(&wininet("http=h1:3128;https=h2:3129;socks=h3:1080", "")).unwrap();
        assert_eq!(s.https_proxy, "http://h2:3129");
        assert_eq!(s.http_proxy.as_deref(), Some("http://h1:3128"));
        assert_eq!(s.no_proxy, None);

        let s = suggested_env(&wininet("socks=127.0.0.1:1080", "")).unwrap();
        assert_eq!(s.https_proxy, "socks5://127.0.0.1:1080");
        assert_eq!(s.http_proxy, None);
        assert!(s.notes[0].contains("SOCKS4"));

        let s = suggested_env(&wininet("https=https://h2:3129/;http=http://h1:3128", "")).unwrap();
        assert_eq!(
            s.https_proxy, "http://h2:3129",
            "the OS talks plain HTTP to it"
        );
        assert_eq!(s.http_proxy.as_deref(), Some("http://h1:3128"));

        let s = suggested_env(&wininet("http=h1:3128", "")).unwrap();
        assert_eq!(s.https_proxy, "http://h1:3128");
        assert!(s.notes[0].contains("only for http://"));

        let mut off = wininet("proxy:8080", "");
        off.enabled = false;
        assert_eq!(suggested_env(&off), None);
        assert!(!off.is_active());
    }

    #[test]
    fn pac_only_and_wpad_suggestions() {
        let mut p = SystemProxy::new(ProxySource::Wininet);
        p.pac_url = Some("http://wpad.corp.example/proxy.pac".into());
        assert!(p.is_active());
        assert_eq!(suggested_env(&p), None);
        match suggestion(&p).unwrap() {
            ProxySuggestion::ReadPac { pac_url, advice } => {
                assert_eq!(pac_url, "http://wpad.corp.example/proxy.pac");
                assert!(advice.contains("http://wpad.corp.example/proxy.pac"));
            }
            other => panic!("{other:?}"),
        }
        let mut w = SystemProxy::new(ProxySource::MacosScutil);
        w.auto_detect = true;
        assert!(matches!(
            suggestion(&w),
            Some(ProxySuggestion::AutoDetect { .. })
        ));
        assert_eq!(suggestion(&SystemProxy::new(ProxySource::Winhttp)), None);
    }

    #[test]
    fn candidate_needs_an_active_os_proxy_and_no_env_proxy() {
        let p = wininet("proxy:8080", "");
        assert!(system_proxy_ignored_candidate(&p, false));
        assert!(!system_proxy_ignored_candidate(&p, true));
        assert!(!system_proxy_ignored_candidate(
            &SystemProxy::new(ProxySource::Wininet),
            false
        ));
    }

    #[test]
    fn bypass_translation_table() {
        let cases: &[(&str, Result<&str, ()>)] = &[
            ("*.corp.example", Ok(".corp.example")),
            ("*.LOCAL", Ok(".local")),
            ("10.*", Ok("10.0.0.0/8")),
            ("192.168.*", Ok("192.168.0.0/16")),
            ("172.16.*.*", Ok("172.16.0.0/16")),
            ("10.1.2.*", Ok("10.1.2.0/24")),
            ("169.254/16", Ok("169.254.0.0/16")),
            ("10/8", Ok("10.0.0.0/8")),
            ("127.0.0.0/8", Ok("127.0.0.0/8")),
            ("::1", Ok("::1")),
            ("localhost", Ok("localhost")),
            ("intranet.corp.example", Ok("intranet.corp.example")),
            ("git.corp.example:8443", Ok("git.corp.example:8443")),
            (".corp.example", Ok(".corp.example")),
            ("*", Ok("*")),
            ("*corp*", Err(())),
            ("*.corp.*", Err(())),
            ("10.*.1.*", Err(())),
            ("300.*", Err(())),
            ("http://x/y", Err(())),
        ];
        for (input, want) in cases {
            let (got, dropped) = translate_bypass(&[input.to_string()], false);
            match want {
                Ok(w) => assert_eq!(got, vec![w.to_string()], "{input}"),
                Err(()) => {
                    assert!(got.is_empty(), "{input} -> {got:?}");
                    assert_eq!(dropped[0].entry, *input);
                }
            }
        }
    }

    #[test]
    fn bypass_splitting() {
        let p = wininet("p:1", "<local>; *.a.example 10.*,b.example;;");
        assert!(p.bypass_local);
        assert_eq!(p.bypass, ["*.a.example", "10.*", "b.example"]);
    }

    #[test]
    fn pac_candidates() {
        let pac = r#"function FindProxyForURL(url, host) {
            if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example")) return "DIRECT";
            if (shExpMatch(host, "*.golang.org")) return "PROXY proxy1.corp.example:8080; PROXY proxy2.corp.example:3128; DIRECT";
            var MYPROXY = "x";
            return "SOCKS5 127.0.0.1:1080; HTTPS secure.corp.example:443; proxy1.corp.example:8080";
        }"#;
        assert_eq!(
            pac_proxy_candidates(pac),
            [
                "http://proxy1.corp.example:8080",
                "http://proxy2.corp.example:3128",
                "socks5://127.0.0.1:1080",
                "https://secure.corp.example:443",
            ]
        );
        assert!(pac_proxy_candidates("return \"DIRECT\";").is_empty());
    }
}
