//! Windows Subsystem for Linux: whether this Linux runs inside WSL, which version, and how
//! WSL 2 networks (NAT or mirrored). Under NAT the Windows proxy settings and Windows'
//! `127.0.0.1` are not this Linux's (golang/go#38610). Parsing is plain functions over the
//! texts (tested against fixtures/platform/wsl-*); [`detect`] reads them at the edge.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum WslNetworking {
    /// WSL 2's default: a virtual NAT; Windows' localhost is another machine.
    Nat,
    /// `networkingMode=mirrored`: Windows' interfaces (and localhost) are shared.
    Mirrored,
    /// `networkingMode=virtioproxy`.
    Virtioproxy,
    /// WSL 1 shares Windows' network stack.
    Shared,
    /// `networkingMode=none`.
    None,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Wsl {
    /// 1 or 2.
    pub version: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<String>,
    pub networking: WslNetworking,
    /// `.wslconfig` `autoProxy` (WSL 2.0+ passes the Windows proxy on as environment
    /// variables when true); None when not set or not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_proxy: Option<bool>,
    /// How the facts were read (`/proc/version`, `wslinfo --networking-mode`, `.wslconfig`).
    pub evidence: Vec<String>,
}

/// What [`parse`] reads.
#[derive(Debug, Clone, Default)]
pub struct WslInputs<'a> {
    /// `/proc/version` (or `/proc/sys/kernel/osrelease`).
    pub proc_version: &'a str,
    /// `/proc/sys/fs/binfmt_misc/WSLInterop` (or `WSLInterop-late`) exists.
    pub interop: bool,
    /// `WSL_DISTRO_NAME`.
    pub distro: Option<&'a str>,
    /// `WSL_INTEROP` is set (WSL 2 only).
    pub interop_socket: bool,
    /// The output of `wslinfo --networking-mode` (WSL 2.0+).
    pub wslinfo_mode: Option<&'a str>,
    /// `%USERPROFILE%\.wslconfig`.
    pub wslconfig: Option<&'a str>,
}

/// WSL, when the inputs show it; None on any other Linux.
pub fn parse(i: &WslInputs) -> Option<Wsl> {
    let pv = i.proc_version.to_ascii_lowercase();
    let kernel_says = pv.contains("microsoft") || pv.contains("wsl");
    if !(kernel_says || i.interop || i.distro.is_some_and(|d| !d.is_empty())) {
        return None;
    }
    let mut evidence = Vec::new();
    if kernel_says {
        evidence.push("/proc/version names a Microsoft (WSL) kernel".to_string());
    }
    if i.interop {
        evidence.push("/proc/sys/fs/binfmt_misc/WSLInterop exists".into());
    }
    if let Some(d) = i.distro.filter(|d| !d.is_empty()) {
        evidence.push(format!("WSL_DISTRO_NAME={d}"));
    }
    // WSL 2 kernels are `...-microsoft-standard-WSL2`; WSL 1 reports Windows' build as
    // `4.4.0-19041-Microsoft` (capital M, no WSL2).
    let version = if pv.contains("wsl2") || pv.contains("microsoft-standard") || i.interop_socket {
        2
    } else if i.proc_version.contains("-Microsoft") {
        1
    } else {
        2
    };
    let from_config = i.wslconfig.map(parse_wslconfig).unwrap_or_default();
    let networking = if version == 1 {
        WslNetworking::Shared
    } else if let Some(m) = i.wslinfo_mode.and_then(mode_named) {
        evidence.push(format!(
            "wslinfo --networking-mode: {}",
            i.wslinfo_mode.unwrap_or("").trim()
        ));
        m
    } else if let Some(m) = from_config.mode {
        evidence.push(".wslconfig networkingMode".into());
        m
    } else if i.wslconfig.is_some() {
        // A .wslconfig without networkingMode: the default.
        WslNetworking::Nat
    } else {
        WslNetworking::Unknown
    };
    Some(Wsl {
        version,
        distro: i.distro.filter(|d| !d.is_empty()).map(str::to_string),
        networking,
        auto_proxy: from_config.auto_proxy,
        evidence,
    })
}

fn mode_named(s: &str) -> Option<WslNetworking> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "nat" => WslNetworking::Nat,
        "mirrored" => WslNetworking::Mirrored,
        "virtioproxy" => WslNetworking::Virtioproxy,
        "none" => WslNetworking::None,
        _ => return None,
    })
}

#[derive(Debug, Default, PartialEq)]
struct WslConfig {
    mode: Option<WslNetworking>,
    auto_proxy: Option<bool>,
}

/// `networkingMode` and `autoProxy` of a `.wslconfig` (INI): in `[wsl2]`, or in
/// `[experimental]` where WSL 2.0 first read them. Comments (`#`, `;`) are skipped.
fn parse_wslconfig(text: &str) -> WslConfig {
    let mut out = WslConfig::default();
    let mut section = String::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = s.trim().to_ascii_lowercase();
            continue;
        }
        if section != "wsl2" && section != "experimental" {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.split(['#', ';']).next().unwrap_or("").trim();
        match k.trim().to_ascii_lowercase().as_str() {
            "networkingmode" => out.mode = mode_named(v).or(out.mode),
            "autoproxy" => {
                out.auto_proxy = match v.to_ascii_lowercase().as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => out.auto_proxy,
                }
            }
            _ => {}
        }
    }
    out
}

/// `C:\Users\me` (from `USERPROFILE` passed through `WSLENV`, or `cmd.exe`) as the Linux
/// path of its `.wslconfig` under the default automount root.
pub fn wslconfig_path(userprofile: &str) -> Option<String> {
    let p = userprofile.trim();
    let (drive, rest) = p.split_once(":\\").or_else(|| p.split_once(":/"))?;
    if drive.len() != 1 || !drive.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(format!(
        "/mnt/{}/{}/.wslconfig",
        drive.to_ascii_lowercase(),
        rest.replace('\\', "/").trim_end_matches('/')
    ))
}

/// Reads this machine's WSL facts (Linux only; elsewhere None).
pub fn detect() -> Option<Wsl> {
    #[cfg(target_os = "linux")]
    {
        use super::run::{decode_console, run_with_timeout, QUERY_TIMEOUT};
        let proc_version = std::fs::read_to_string("/proc/version").unwrap_or_default();
        let interop = std::path::Path::new("/proc/sys/fs/binfmt_misc/WSLInterop").exists()
            || std::path::Path::new("/proc/sys/fs/binfmt_misc/WSLInterop-late").exists();
        let distro = std::env::var("WSL_DISTRO_NAME").ok();
        let mut inputs = WslInputs {
            proc_version: &proc_version,
            interop,
            distro: distro.as_deref(),
            interop_socket: std::env::var_os("WSL_INTEROP").is_some(),
            ..Default::default()
        };
        // Only on WSL: never run Windows tools elsewhere.
        parse(&inputs)?;
        let mode = run_with_timeout("wslinfo", &["--networking-mode"], QUERY_TIMEOUT)
            .map(|b| decode_console(&b));
        inputs.wslinfo_mode = mode.as_deref();
        let profile = std::env::var("USERPROFILE").ok().or_else(|| {
            run_with_timeout("cmd.exe", &["/c", "echo", "%USERPROFILE%"], QUERY_TIMEOUT)
                .map(|b| decode_console(&b).trim().to_string())
        });
        let config = profile
            .as_deref()
            .and_then(wslconfig_path)
            .and_then(|p| std::fs::read(p).ok())
            .map(|b| decode_console(&b));
        inputs.wslconfig = config.as_deref();
        parse(&inputs)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The Windows proxy (WinINET) as seen from WSL through Windows interop (`reg.exe`): Linux
/// programs never see it otherwise.
pub fn query_windows_proxy() -> Vec<super::SystemProxy> {
    #[cfg(target_os = "linux")]
    {
        use super::run::{decode_console, run_with_timeout, QUERY_TIMEOUT};
        run_with_timeout(
            "reg.exe",
            &["query", super::windows::INTERNET_SETTINGS_KEY],
            QUERY_TIMEOUT,
        )
        .and_then(|b| super::windows::parse_internet_settings(&decode_console(&b)))
        .into_iter()
        .collect()
    }
    #[cfg(not(target_os = "linux"))]
    {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/fixtures/platform/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn wsl2_nat_by_default() {
        let pv = fx("wsl2-proc-version.txt");
        let w = parse(&WslInputs {
            proc_version: &pv,
            interop: true,
            distro: Some("Ubuntu-22.04"),
            interop_socket: true,
            wslinfo_mode: None,
            wslconfig: Some(&fx("wslconfig-memory-only.txt")),
        })
        .unwrap();
        assert_eq!(w.version, 2);
        assert_eq!(w.networking, WslNetworking::Nat);
        assert_eq!(w.distro.as_deref(), Some("Ubuntu-22.04"));
        assert_eq!(w.auto_proxy, None);
    }

    #[test]
    fn mirrored_from_wslinfo_wins_over_the_config() {
        let pv = fx("wsl2-proc-version.txt");
        let w = parse(&WslInputs {
            proc_version: &pv,
            interop: true,
            wslinfo_mode: Some(&fx("wslinfo-mirrored.txt")),
            wslconfig: Some(&fx("wslconfig-memory-only.txt")),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(w.networking, WslNetworking::Mirrored);
        assert!(w.evidence.iter().any(|e| e.contains("wslinfo")));
    }

    #[test]
    fn mirrored_and_auto_proxy_from_wslconfig() {
        let pv = fx("wsl2-proc-version.txt");
        for (file, auto) in [
            ("wslconfig-mirrored.txt", Some(true)),
            ("wslconfig-experimental.txt", Some(false)),
        ] {
            let w = parse(&WslInputs {
                proc_version: &pv,
                wslconfig: Some(&fx(file)),
                ..Default::default()
            })
            .unwrap();
            assert_eq!(w.networking, WslNetworking::Mirrored, "{file}");
            assert_eq!(w.auto_proxy, auto, "{file}");
        }
    }

    #[test]
    fn wsl1_shares_windows_networking() {
        let pv = fx("wsl1-proc-version.txt");
        let w = parse(&WslInputs {
            proc_version: &pv,
            distro: Some("Ubuntu"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(w.version, 1);
        assert_eq!(w.networking, WslNetworking::Shared);
    }

    #[test]
    fn plain_linux_is_not_wsl() {
        let pv = fx("linux-proc-version.txt");
        assert_eq!(
            parse(&WslInputs {
                proc_version: &pv,
                distro: Some(""),
                ..Default::default()
            }),
            None
        );
    }

    #[test]
    fn wslconfig_paths() {
        assert_eq!(
            wslconfig_path(r"C:\Users\alice").as_deref(),
            Some("/mnt/c/Users/alice/.wslconfig")
        );
        assert_eq!(wslconfig_path("%USERPROFILE%"), None);
        assert_eq!(wslconfig_path(""), None);
    }
}
