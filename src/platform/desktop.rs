//! Desktop Linux / BSD: GNOME (`gsettings list-recursively org.gnome.system.proxy`) and KDE
//! (`~/.config/kioslaverc`). Browsers and GLib apps use these; Go does not.

use std::collections::BTreeMap;

use super::proxy::{ProxySource, SystemProxy};
use super::run::lines;
use crate::redact::MASK;

/// A GVariant text value: `'str'` (with `\'` and `\\` escapes), a number, `true`/`false`.
fn gvariant_string(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(inner) => unescape_gvariant(inner),
        None => v.to_string(),
    }
}

fn unescape_gvariant(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A GVariant string array: `['localhost', '127.0.0.0/8']`, `@as []`.
pub fn gvariant_string_array(v: &str) -> Vec<String> {
    let v = v.trim().trim_start_matches("@as").trim();
    let Some(inner) = v.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let quote = c;
            let mut item = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            item.push(n);
                        }
                    }
                    c if c == quote => break,
                    c => item.push(c),
                }
            }
            out.push(item);
        }
    }
    out
}

/// `gsettings list-recursively org.gnome.system.proxy` → SystemProxy. Mode `'manual'` uses the
/// per-scheme hosts (a scheme with an empty host or port 0 is unset), `'auto'` the
/// autoconfig-url (PAC) or WPAD when it is empty, `'none'` nothing. The password line is
/// never kept.
pub fn parse_gsettings(text: &str) -> Option<SystemProxy> {
    let mut kv: BTreeMap<String, String> = BTreeMap::new();
    let mut raw = Vec::new();
    for line in lines(text) {
        let mut parts = line.splitn(3, ' ');
        let (Some(schema), Some(key), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Some(section) = schema.strip_prefix("org.gnome.system.proxy") else {
            continue;
        };
        let section = section.trim_start_matches('.');
        let name = if section.is_empty() {
            key.to_string()
        } else {
            format!("{section}.{key}")
        };
        if key == "authentication-password" {
            if gvariant_string(value).is_empty() {
                raw.push(line.to_string());
            } else {
                raw.push(format!("{schema} {key} '{MASK}'"));
            }
            kv.insert(name, String::new());
            continue;
        }
        raw.push(line.to_string());
        kv.insert(name, value.to_string());
    }
    let mode = gvariant_string(kv.get("mode")?);
    let mut p = SystemProxy::new(ProxySource::GnomeGsettings);
    p.raw = raw
        .into_iter()
        .filter(|l| {
            l.contains(" mode ")
                || l.contains(" host ")
                || l.contains(" port ")
                || l.contains("autoconfig-url")
                || l.contains("ignore-hosts")
        })
        .collect();
    p.bypass = kv
        .get("ignore-hosts")
        .map(|v| gvariant_string_array(v))
        .unwrap_or_default();
    match mode.as_str() {
        "manual" => {
            for scheme in ["http", "https", "socks", "ftp"] {
                let host = kv
                    .get(&format!("{scheme}.host"))
                    .map(|h| gvariant_string(h))
                    .unwrap_or_default();
                let port = kv
                    .get(&format!("{scheme}.port"))
                    .map(|h| gvariant_string(h))
                    .unwrap_or_default();
                if !host.is_empty() && port != "0" && !port.is_empty() {
                    p.servers
                        .insert(scheme.to_string(), format!("{host}:{port}"));
                }
            }
            p.enabled = !p.servers.is_empty();
        }
        "auto" => {
            let url = kv
                .get("autoconfig-url")
                .map(|u| gvariant_string(u))
                .unwrap_or_default();
            if url.is_empty() {
                p.auto_detect = true;
            } else {
                p.pac_url = Some(url);
            }
        }
        _ => {}
    }
    Some(p)
}

/// `~/.config/kioslaverc`, group `[Proxy Settings]`: ProxyType 0 none, 1 manual, 2 PAC
/// (`Proxy Config Script`), 3 WPAD, 4 "use environment variables" (nothing to add for Go).
/// Servers are written `http://host port` (older) or `http://host:port`. With
/// `ReversedException=true` the list names what IS proxied, so it is not a bypass list.
pub fn parse_kioslaverc(text: &str) -> Option<SystemProxy> {
    let mut in_group = false;
    let mut kv: BTreeMap<String, String> = BTreeMap::new();
    for line in lines(text) {
        let t = line.trim();
        if t.starts_with('[') {
            in_group = t == "[Proxy Settings]";
            continue;
        }
        if in_group {
            if let Some((k, v)) = t.split_once('=') {
                kv.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
    }
    let kind: u8 = kv.get("ProxyType")?.parse().ok()?;
    let mut p = SystemProxy::new(ProxySource::KdeKioslaverc);
    p.raw.push(format!("ProxyType={kind}"));
    match kind {
        1 => {
            for (key, scheme) in [
                ("httpProxy", "http"),
                ("httpsProxy", "https"),
                ("socksProxy", "socks"),
                ("ftpProxy", "ftp"),
            ] {
                let Some(v) = kv.get(key).filter(|v| !v.is_empty()) else {
                    continue;
                };
                p.raw.push(format!("{key}={v}"));
                // `http://host 8080` → host:8080; the scheme is KDE's, the env gets its own.
                let v = v.split_once("://").map_or(v.as_str(), |(_, rest)| rest);
                let server = match v.split_once(' ') {
                    Some((host, port)) => format!("{}:{}", host.trim(), port.trim()),
                    None => v.to_string(),
                };
                p.servers.insert(scheme.to_string(), server);
            }
            p.enabled = !p.servers.is_empty();
        }
        2 => {
            p.pac_url = kv
                .get("Proxy Config Script")
                .filter(|u| !u.is_empty())
                .map(|u| u.to_string());
        }
        3 => p.auto_detect = true,
        _ => {}
    }
    if kv.get("ReversedException").map(String::as_str) != Some("true") {
        if let Some(list) = kv.get("NoProxyFor") {
            p.bypass = list
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(String::from)
                .collect();
        }
    }
    Some(p)
}

/// Where GSettings could find a value of its own for the proxy schema, as GLib and dconf
/// look: a backend or dconf profile chosen by the environment, a dconf profile file (it may
/// name system databases), the user's dconf database, and the schema directories whose
/// `*.gschema.override` files may change the defaults.
#[derive(Debug, PartialEq)]
pub struct GnomeSources {
    /// GSETTINGS_BACKEND or DCONF_PROFILE is set: only gsettings knows what they lead to.
    pub chosen_by_env: bool,
    /// Files whose existence means settings (or databases) may be there.
    pub files: Vec<std::path::PathBuf>,
    /// Directories of `*.gschema.override` files.
    pub schema_dirs: Vec<std::path::PathBuf>,
}

/// The [`GnomeSources`] of this user: `env` reads a variable, `uid` is the user's id (dconf's
/// runtime profile is `/run/dconf/user/UID`).
pub fn gnome_sources(env: impl Fn(&str) -> Option<String>, uid: Option<u32>) -> GnomeSources {
    use std::path::PathBuf;
    let var = |k: &str| env(k).filter(|v| !v.is_empty());
    let home = var("HOME").map(PathBuf::from);
    let config = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let data_home = var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".local/share")));
    let data_dirs: Vec<PathBuf> = var("XDG_DATA_DIRS")
        .unwrap_or_else(|| "/usr/local/share/:/usr/share/".into())
        .split(':')
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .collect();
    let mut files: Vec<PathBuf> = config.iter().map(|c| c.join("dconf/user")).collect();
    files.extend(uid.map(|u| PathBuf::from(format!("/run/dconf/user/{u}"))));
    files.push(PathBuf::from("/etc/dconf/profile/user"));
    files.extend(data_dirs.iter().map(|d| d.join("dconf/profile/user")));
    let mut schema_dirs: Vec<PathBuf> = var("GSETTINGS_SCHEMA_DIR")
        .map(|v| v.split(':').map(PathBuf::from).collect())
        .unwrap_or_default();
    schema_dirs.extend(data_home.iter().map(|d| d.join("glib-2.0/schemas")));
    schema_dirs.extend(data_dirs.iter().map(|d| d.join("glib-2.0/schemas")));
    GnomeSources {
        chosen_by_env: var("GSETTINGS_BACKEND").is_some() || var("DCONF_PROFILE").is_some(),
        files,
        schema_dirs,
    }
}

/// Whether an override file's text touches the proxy schema.
pub fn overrides_proxy_schema(text: &str) -> bool {
    text.contains("org.gnome.system.proxy")
}

/// Whether gsettings could answer anything but the proxy schema's defaults (mode 'none',
/// no proxy). Only then is it run: it is a GLib process of several ms of CPU, which on a
/// server or CI runner without dconf settings would only confirm "no proxy".
#[cfg(all(unix, not(target_os = "macos")))]
fn gnome_may_have_settings() -> bool {
    // SAFETY: getuid cannot fail and touches no memory.
    let uid = unsafe { libc::getuid() };
    let sources = gnome_sources(|k| std::env::var(k).ok(), Some(uid));
    if sources.chosen_by_env || sources.files.iter().any(|f| f.exists()) {
        return true;
    }
    sources.schema_dirs.iter().any(|dir| {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return false;
        };
        entries.flatten().any(|e| {
            let name = e.file_name();
            name.to_string_lossy().ends_with(".gschema.override")
                && std::fs::read_to_string(e.path()).is_ok_and(|t| overrides_proxy_schema(&t))
        })
    })
}

/// GNOME (when gsettings is installed, the schema exists and something may set it) and KDE
/// (when the file says so).
#[cfg(all(unix, not(target_os = "macos")))]
pub fn query_system_proxy() -> Vec<SystemProxy> {
    use super::run::{decode_console, run_with_timeout, QUERY_TIMEOUT};
    let mut out = Vec::new();
    if gnome_may_have_settings() {
        if let Some(b) = run_with_timeout(
            "gsettings",
            &["list-recursively", "org.gnome.system.proxy"],
            QUERY_TIMEOUT,
        ) {
            out.extend(parse_gsettings(&decode_console(&b)));
        }
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".config")));
    if let Some(dir) = config {
        if let Ok(b) = std::fs::read(dir.join("kioslaverc")) {
            out.extend(parse_kioslaverc(&String::from_utf8_lossy(&b)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::proxy::{suggested_env, suggestion, ProxySuggestion};
    use super::*;

    #[test]
    fn gnome_sources_follow_glib_and_dconf() {
        use std::path::PathBuf;
        let env = crate::test_support::env_of;
        let s = gnome_sources(env(&[("HOME", "/home/u")]), Some(1000));
        assert!(!s.chosen_by_env);
        assert_eq!(
            s.files,
            [
                PathBuf::from("/home/u/.config/dconf/user"),
                PathBuf::from("/run/dconf/user/1000"),
                PathBuf::from("/etc/dconf/profile/user"),
                PathBuf::from("/usr/local/share/dconf/profile/user"),
                PathBuf::from("/usr/share/dconf/profile/user"),
            ]
        );
        assert_eq!(
            s.schema_dirs,
            [
                PathBuf::from("/home/u/.local/share/glib-2.0/schemas"),
                PathBuf::from("/usr/local/share/glib-2.0/schemas"),
                PathBuf::from("/usr/share/glib-2.0/schemas"),
            ]
        );
        let s = gnome_sources(
            env(&[
                ("HOME", "/home/u"),
                ("XDG_CONFIG_HOME", "/cfg"),
                ("XDG_DATA_DIRS", "/opt/share"),
                ("GSETTINGS_SCHEMA_DIR", "/s1:/s2"),
            ]),
            None,
        );
        assert_eq!(s.files[0], PathBuf::from("/cfg/dconf/user"));
        assert_eq!(s.files[2], PathBuf::from("/opt/share/dconf/profile/user"));
        assert_eq!(s.schema_dirs[0], PathBuf::from("/s1"));
        assert_eq!(s.schema_dirs[1], PathBuf::from("/s2"));
        assert!(gnome_sources(env(&[("GSETTINGS_BACKEND", "memory")]), None).chosen_by_env);
        assert!(gnome_sources(env(&[("DCONF_PROFILE", "corp")]), None).chosen_by_env);
        // An empty variable is unset, as GLib reads it.
        assert!(!gnome_sources(env(&[("DCONF_PROFILE", "")]), None).chosen_by_env);
        assert!(overrides_proxy_schema(
            "[org.gnome.system.proxy]\nmode='manual'\n"
        ));
        assert!(!overrides_proxy_schema(
            "[org.gnome.desktop.interface]\nclock-format='24h'\n"
        ));
    }

    #[test]
    fn gsettings_none_captured_here() {
        let p =
            parse_gsettings(include_str!("../../fixtures/platform/gsettings-none.txt")).unwrap();
        assert!(!p.enabled && !p.is_active());
        assert_eq!(p.bypass, ["localhost", "127.0.0.0/8", "::1"]);
    }

    #[test]
    fn gsettings_manual() {
        let text = include_str!("../../fixtures/platform/gsettings-manual.txt");
        let p = parse_gsettings(text).unwrap();
        assert!(p.enabled);
        assert_eq!(p.servers["http"], "proxy.corp.example:3128");
        assert_eq!(p.servers["https"], "proxy.corp.example:3129");
        assert!(!p.servers.contains_key("socks"));
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
        let env = suggested_env(&p).unwrap();
        assert_eq!(env.https_proxy, "http://proxy.corp.example:3129");
        assert_eq!(
            env.no_proxy.as_deref(),
            Some("localhost,127.0.0.0/8,::1,.corp.example,10.0.0.0/8")
        );
    }

    #[test]
    fn gsettings_auto_is_pac() {
        let p =
            parse_gsettings(include_str!("../../fixtures/platform/gsettings-auto.txt")).unwrap();
        assert!(p.bypass.is_empty());
        assert!(matches!(
            suggestion(&p),
            Some(ProxySuggestion::ReadPac { .. })
        ));
        assert_eq!(
            parse_gsettings("No such schema “org.gnome.system.proxy”"),
            None
        );
    }

    #[test]
    fn gvariant_arrays() {
        assert_eq!(gvariant_string_array("@as []"), Vec::<String>::new());
        assert_eq!(gvariant_string_array(r"['a\'b', 'c']"), ["a'b", "c"]);
        assert_eq!(gvariant_string(r"'it\'s'"), "it's");
    }

    #[test]
    fn kde_manual() {
        let p = parse_kioslaverc(include_str!(
            "../../fixtures/platform/kioslaverc-manual.txt"
        ))
        .unwrap();
        assert!(p.enabled);
        assert_eq!(p.servers["https"], "proxy.corp.example:3128");
        assert_eq!(p.servers["socks"], "127.0.0.1:1080");
        assert_eq!(p.bypass, ["localhost", "127.0.0.1", ".corp.example"]);
        assert_eq!(
            suggested_env(&p).unwrap().https_proxy,
            "http://proxy.corp.example:3128"
        );
        let none = parse_kioslaverc("[Proxy Settings]\nProxyType=0\n").unwrap();
        assert!(!none.is_active());
        assert_eq!(parse_kioslaverc("[General]\nx=1\n"), None);
    }
}
