//! Windows: `reg query` and `netsh winhttp show proxy` output, parsed here on any OS; the
//! commands themselves run only on Windows (the thin runners at the bottom).

use super::proxy::{apply_wininet_bypass, apply_wininet_server_list, ProxySource, SystemProxy};
use super::run::lines;

/// The key WinINET (Internet Options, Settings > Network > Proxy) keeps its settings under.
pub const INTERNET_SETTINGS_KEY: &str =
    r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings";
/// The user's persisted environment (System Properties > Environment Variables > User, `setx`).
pub const USER_ENV_KEY: &str = r"HKCU\Environment";
/// The machine-wide persisted environment (`setx /M`).
pub const MACHINE_ENV_KEY: &str =
    r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment";

/// One value line of `reg query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegValue {
    pub name: String,
    /// `REG_SZ`, `REG_EXPAND_SZ`, `REG_DWORD`, `REG_BINARY`, `REG_MULTI_SZ`, ...
    pub kind: String,
    /// The data as printed: DWORDs as `0x1`, MULTI_SZ parts joined by `\0`.
    pub data: String,
}

/// One key block of `reg query` output: the key path line, then its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegKey {
    pub path: String,
    pub values: Vec<RegValue>,
}

impl RegKey {
    /// A value by name, case-insensitively (as the registry compares names).
    pub fn get(&self, name: &str) -> Option<&RegValue> {
        self.values
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(name))
    }
}

const REG_TYPES: &[&str] = &[
    "REG_SZ",
    "REG_EXPAND_SZ",
    "REG_MULTI_SZ",
    "REG_DWORD",
    "REG_QWORD",
    "REG_BINARY",
    "REG_NONE",
    "REG_DWORD_BIG_ENDIAN",
    "REG_LINK",
    "REG_RESOURCE_LIST",
    "REG_FULL_RESOURCE_DESCRIPTOR",
    "REG_RESOURCE_REQUIREMENTS_LIST",
];

/// Parses `reg query` output: a blank line, the key path (`HKEY_...`), then one line per value
/// indented by four spaces, `Name    REG_TYPE    Data`, fields separated by four spaces;
/// subkeys follow as bare `HKEY_...` lines. Value names may contain spaces (`User Agent`) and
/// the data may be empty. The type tokens are never translated, so this works on any display
/// language; names and data survive as long as the code page kept them.
pub fn parse_reg_query(text: &str) -> Vec<RegKey> {
    let mut keys: Vec<RegKey> = Vec::new();
    for line in lines(text) {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(body) = line.strip_prefix("    ") {
            if let (Some(key), Some(value)) = (keys.last_mut(), parse_value_line(body)) {
                key.values.push(value);
            }
        } else if line.starts_with("HKEY_") || line.starts_with("HK") {
            keys.push(RegKey {
                path: line.trim_end().to_string(),
                values: Vec::new(),
            });
        }
    }
    keys
}

/// `Name    REG_TYPE    Data` (after the four-space indent).
fn parse_value_line(body: &str) -> Option<RegValue> {
    let mut from = 0;
    while let Some(i) = body[from..].find("    REG_") {
        let at = from + i;
        let after = &body[at + 4..];
        let kind_len = after.find(' ').unwrap_or(after.len());
        let kind = &after[..kind_len];
        if REG_TYPES.contains(&kind) {
            let rest = &after[kind_len..];
            // Data follows four spaces; an empty value prints the separator or nothing.
            let data = rest.strip_prefix("    ").unwrap_or(rest.trim_start());
            return Some(RegValue {
                name: body[..at].to_string(),
                kind: kind.to_string(),
                data: data.to_string(),
            });
        }
        from = at + 4;
    }
    None
}

/// A `0x1`-style DWORD.
pub fn reg_dword(v: &RegValue) -> Option<u64> {
    let d = v.data.trim();
    let hex = d.strip_prefix("0x").or_else(|| d.strip_prefix("0X"))?;
    u64::from_str_radix(hex, 16).ok()
}

/// WinINET settings from `reg query "HKCU\...\Internet Settings"`: ProxyEnable, ProxyServer,
/// ProxyOverride, AutoConfigURL (in use whenever present: unticking "Use setup script" removes
/// it), AutoDetect (when a policy or tool wrote it as a value). Returns None when the output
/// holds no key.
pub fn parse_internet_settings(text: &str) -> Option<SystemProxy> {
    let keys = parse_reg_query(text);
    let key = keys.first()?;
    let mut p = SystemProxy::new(ProxySource::Wininet);
    for name in [
        "ProxyEnable",
        "ProxyServer",
        "ProxyOverride",
        "AutoConfigURL",
        "AutoDetect",
    ] {
        if let Some(v) = key.get(name) {
            p.raw
                .push(format!("{}    {}    {}", v.name, v.kind, v.data));
        }
    }
    p.enabled = key.get("ProxyEnable").and_then(reg_dword).unwrap_or(0) != 0;
    if let Some(v) = key.get("ProxyServer") {
        apply_wininet_server_list(&mut p, &v.data);
    }
    if let Some(v) = key.get("ProxyOverride") {
        apply_wininet_bypass(&mut p, &v.data);
    }
    p.pac_url = key
        .get("AutoConfigURL")
        .map(|v| v.data.trim().to_string())
        .filter(|u| !u.is_empty())
        .map(|u| u.to_string());
    p.auto_detect = key.get("AutoDetect").and_then(reg_dword).unwrap_or(0) != 0;
    Some(p)
}

/// `netsh winhttp show proxy`, in any display language. The layout is what is relied on:
/// a header line ending in `:`, then indented lines. An indented line without a `label: value`
/// separator is the "direct access (no proxy server)" sentence; otherwise the first labelled
/// line is the proxy server list and the second the bypass list (label words are checked
/// first for English, German, Chinese and Japanese, then position decides, so a code page that
/// mangled the words still parses). A parenthesised value such as `(none)` / `(keine)` / `(无)`
/// means empty. Returns None when the output does not have that shape.
pub fn parse_netsh_winhttp(text: &str) -> Option<SystemProxy> {
    let mut p = SystemProxy::new(ProxySource::Winhttp);
    let mut labelled: Vec<(String, String)> = Vec::new();
    let mut saw_header = false;
    let mut saw_direct = false;
    for line in lines(text) {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') && !line.starts_with('\t') {
            saw_header = true;
            continue;
        }
        let body = line.trim();
        match split_label(body) {
            Some((label, value)) => labelled.push((label.to_string(), value.to_string())),
            None => saw_direct = true,
        }
        p.raw.push(body.to_string());
    }
    if !saw_header && labelled.is_empty() && !saw_direct {
        return None;
    }
    let is_bypass_label = |l: &str| {
        let l = l.to_lowercase();
        ["bypass", "umgehung", "绕过", "略過", "バイパス", "繞過"]
            .iter()
            .any(|w| l.contains(w))
    };
    let (mut servers, mut bypass) = (None, None);
    for (label, value) in &labelled {
        if is_bypass_label(label) {
            bypass = Some(value.clone());
        } else if servers.is_none() {
            servers = Some(value.clone());
        } else if bypass.is_none() {
            bypass = Some(value.clone());
        }
    }
    let not_none = |v: &String| {
        let t = v.trim();
        !(t.is_empty() || (t.starts_with('(') && t.ends_with(')')))
    };
    if let Some(s) = servers.filter(not_none) {
        apply_wininet_server_list(&mut p, &s);
        p.enabled = p.single_server.is_some() || !p.servers.is_empty();
    }
    if let Some(b) = bypass.filter(not_none) {
        apply_wininet_bypass(&mut p, &b);
    }
    Some(p)
}

/// `Label :  value` / `标签:  value` / `ラベル：value`: the first `:` (or full-width `：`)
/// followed by a blank or the end. A `host:port` or `http://` colon is never followed by a
/// blank, so values with colons are not split.
fn split_label(body: &str) -> Option<(&str, &str)> {
    for (i, c) in body.char_indices() {
        if c == ':' || c == '：' {
            let after = &body[i + c.len_utf8()..];
            if after.is_empty() || after.starts_with([' ', '\t']) || c == '：' {
                return Some((body[..i].trim(), after.trim()));
            }
        }
    }
    None
}

/// Runs the two Windows proxy queries.
#[cfg(target_os = "windows")]
pub fn query_system_proxy() -> Vec<SystemProxy> {
    use super::run::{decode_console, run_with_timeout, QUERY_TIMEOUT};
    let mut out = Vec::new();
    if let Some(b) = run_with_timeout("reg", &["query", INTERNET_SETTINGS_KEY], QUERY_TIMEOUT) {
        out.extend(parse_internet_settings(&decode_console(&b)));
    }
    if let Some(b) = run_with_timeout("netsh", &["winhttp", "show", "proxy"], QUERY_TIMEOUT) {
        out.extend(parse_netsh_winhttp(&decode_console(&b)));
    }
    out
}

/// The text of `reg query <key>` for the persisted environment, or None.
#[cfg(target_os = "windows")]
pub fn query_env_key(key: &str) -> Option<String> {
    use super::run::{decode_console, run_with_timeout, QUERY_TIMEOUT};
    run_with_timeout("reg", &["query", key], QUERY_TIMEOUT).map(|b| decode_console(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: &str = include_str!("../../fixtures/platform/reg-inet-none.txt");
    const SINGLE: &str = include_str!("../../fixtures/platform/reg-inet-single.txt");
    const PER_SCHEME: &str = include_str!("../../fixtures/platform/reg-inet-per-scheme.txt");
    const BYPASS_LOCAL: &str = include_str!("../../fixtures/platform/reg-inet-bypass-local.txt");
    const PAC_ONLY: &str = include_str!("../../fixtures/platform/reg-inet-pac-only.txt");
    const LEFTOVER: &str = include_str!("../../fixtures/platform/reg-inet-disabled-leftover.txt");

    #[test]
    fn fixtures_have_windows_line_endings() {
        for t in [NONE, SINGLE, PER_SCHEME, BYPASS_LOCAL, PAC_ONLY, LEFTOVER] {
            assert!(t.contains("\r\n") && !t.replace("\r\n", "").contains('\n'));
        }
    }

    #[test]
    fn reg_query_layout() {
        let keys = parse_reg_query(SINGLE);
        assert_eq!(
            keys[0].path,
            r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
        );
        assert_eq!(keys.len(), 12, "the key and its 11 subkeys");
        assert!(keys[1..].iter().all(|k| k.values.is_empty()));
        let ua = keys[0].get("user agent").unwrap();
        assert_eq!(ua.name, "User Agent");
        assert_eq!(ua.kind, "REG_SZ");
        assert_eq!(ua.data, "Mozilla/4.0 (compatible; MSIE 8.0; Win32)");
        assert_eq!(
            reg_dword(keys[0].get("SecureProtocols").unwrap()),
            Some(0xa80)
        );
        assert_eq!(
            keys[0].get("ZonesSecurityUpgrade").unwrap().kind,
            "REG_BINARY"
        );
    }

    #[test]
    fn empty_data_and_odd_names() {
        let k = parse_reg_query(
            "\r\nHKEY_CURRENT_USER\\Environment\r\n    GOFLAGS    REG_SZ    \r\n    A    B    REG_SZ    x    y\r\n    (默认)    REG_SZ    \r\n",
        );
        assert_eq!(k[0].get("GOFLAGS").unwrap().data, "");
        assert_eq!(k[0].get("A    B").unwrap().data, "x    y");
        assert_eq!(k[0].values.len(), 3);
    }

    #[test]
    fn no_proxy() {
        let p = parse_internet_settings(NONE).unwrap();
        assert!(!p.enabled && !p.is_active());
        assert_eq!(p.single_server, None);
        assert_eq!(p.raw, ["ProxyEnable    REG_DWORD    0x0"]);
    }

    #[test]
    fn single_host_port() {
        let p = parse_internet_settings(SINGLE).unwrap();
        assert!(p.enabled && p.is_active());
        assert_eq!(p.single_server.as_deref(), Some("proxy.corp.example:8080"));
        assert_eq!(p.server_for("https"), Some("proxy.corp.example:8080"));
        assert_eq!(p.pac_url, None);
    }

    #[test]
    fn per_scheme() {
        let p = parse_internet_settings(PER_SCHEME).unwrap();
        assert!(p.enabled);
        assert_eq!(p.single_server, None);
        assert_eq!(p.servers["http"], "proxy.corp.example:3128");
        assert_eq!(p.servers["https"], "proxy.corp.example:3129");
        assert_eq!(p.servers["socks"], "127.0.0.1:1080");
        assert_eq!(p.bypass, ["localhost", "127.*"]);
        assert!(!p.bypass_local);
    }

    #[test]
    fn bypass_with_local() {
        let p = parse_internet_settings(BYPASS_LOCAL).unwrap();
        assert!(p.bypass_local);
        assert_eq!(
            p.bypass,
            ["*.corp.example", "10.*", "192.168.*", "*intranet*"]
        );
        let env = super::super::proxy::suggested_env(&p).unwrap();
        assert_eq!(
            env.no_proxy.as_deref(),
            Some(".corp.example,10.0.0.0/8,192.168.0.0/16")
        );
        let dropped: Vec<&str> = env
            .dropped_bypass
            .iter()
            .map(|d| d.entry.as_str())
            .collect();
        assert_eq!(dropped, ["<local>", "*intranet*"]);
    }

    #[test]
    fn pac_only() {
        let p = parse_internet_settings(PAC_ONLY).unwrap();
        assert!(!p.enabled);
        assert!(p.is_active());
        assert_eq!(
            p.pac_url.as_deref(),
            Some("http://wpad.corp.example/proxy.pac")
        );
        assert_eq!(super::super::proxy::suggested_env(&p), None);
    }

    #[test]
    fn switched_off_leftover_is_not_active() {
        let p = parse_internet_settings(LEFTOVER).unwrap();
        assert!(!p.enabled && !p.is_active());
        // Still recorded, so a report can say "a proxy client left 127.0.0.1:7890 behind".
        assert_eq!(p.single_server.as_deref(), Some("127.0.0.1:7890"));
        assert_eq!(p.server_for("https"), None);
    }

    #[test]
    fn not_reg_output() {
        assert_eq!(parse_internet_settings(""), None);
        assert_eq!(
            parse_internet_settings(
                "ERROR: The system was unable to find the specified registry key or value.\r\n"
            ),
            None
        );
    }

    #[test]
    fn netsh_direct_access_in_three_languages() {
        for t in [
            include_str!("../../fixtures/platform/netsh-direct-en.txt"),
            include_str!("../../fixtures/platform/netsh-direct-de.txt"),
            include_str!("../../fixtures/platform/netsh-direct-zh.txt"),
        ] {
            let p = parse_netsh_winhttp(t).unwrap();
            assert!(!p.enabled && !p.is_active(), "{t}");
            assert!(p.servers.is_empty() && p.single_server.is_none());
            assert_eq!(p.raw.len(), 1);
        }
        let mangled = String::from_utf8_lossy(include_bytes!(
            "../../fixtures/platform/netsh-direct-zh-cp936.bin"
        ));
        let p = parse_netsh_winhttp(&mangled).unwrap();
        assert!(!p.enabled);
    }

    #[test]
    fn netsh_with_a_proxy_in_every_language() {
        let zh936 = String::from_utf8_lossy(include_bytes!(
            "../../fixtures/platform/netsh-proxy-zh-cp936.bin"
        ))
        .into_owned();
        let cases: Vec<(String, &str, Vec<&str>, bool)> = vec![
            (
                include_str!("../../fixtures/platform/netsh-proxy-en.txt").into(),
                "proxy.corp.example:8080",
                vec!["*.corp.example"],
                true,
            ),
            (
                include_str!("../../fixtures/platform/netsh-proxy-de.txt").into(),
                "proxy.corp.example:8080",
                vec![],
                false,
            ),
            (
                include_str!("../../fixtures/platform/netsh-proxy-zh.txt").into(),
                "127.0.0.1:7890",
                vec!["10.*"],
                true,
            ),
            (zh936, "127.0.0.1:7890", vec!["10.*"], true),
            (
                include_str!("../../fixtures/platform/netsh-proxy-ja.txt").into(),
                "proxy.corp.example:8080",
                vec![],
                true,
            ),
        ];
        for (text, server, bypass, local) in cases {
            let p = parse_netsh_winhttp(&text).unwrap();
            assert!(p.enabled, "{text}");
            assert_eq!(p.single_server.as_deref(), Some(server), "{text}");
            assert_eq!(p.bypass, bypass, "{text}");
            assert_eq!(p.bypass_local, local, "{text}");
        }
    }

    #[test]
    fn netsh_per_scheme_and_none_bypass() {
        let p = parse_netsh_winhttp(include_str!(
            "../../fixtures/platform/netsh-per-scheme-en.txt"
        ))
        .unwrap();
        assert_eq!(p.servers["https"], "proxy.corp.example:3129");
        assert!(p.bypass.is_empty() && !p.bypass_local);
        assert_eq!(parse_netsh_winhttp(""), None);
    }

    #[test]
    fn label_split_keeps_host_port() {
        assert_eq!(
            split_label("Proxy Server(s) :  http=a:1;https=b:2"),
            Some(("Proxy Server(s)", "http=a:1;https=b:2"))
        );
        assert_eq!(
            split_label("代理服务器：1.2.3.4:80"),
            Some(("代理服务器", "1.2.3.4:80"))
        );
        assert_eq!(split_label("Direct access (no proxy server)."), None);
    }
}
