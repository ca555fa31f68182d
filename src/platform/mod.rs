//! OS-specific inputs (proxy settings, persisted environment, hosts file): thin runners, plain parsers.
//!
//! Every OS query is a small `#[cfg(target_os = ...)]` function that runs the OS's own tool
//! (`reg`, `netsh`, `scutil`, `gsettings`) through [`run::run_with_timeout`] and hands the text
//! to a parser that compiles and is tested everywhere against captured outputs in
//! `fixtures/platform/`. What is read:
//! - Windows: `reg query "HKCU\...\Internet Settings"` (WinINET: ProxyEnable, ProxyServer,
//!   ProxyOverride, AutoConfigURL), `netsh winhttp show proxy`, `reg query HKCU\Environment`
//!   and the machine Environment key;
//! - macOS: `scutil --proxy`; the shell's startup files;
//! - Linux/BSD: `gsettings list-recursively org.gnome.system.proxy` (when installed),
//!   `~/.config/kioslaverc`, the shell's startup files;
//! - everywhere: the hosts file path.

pub mod container;
pub mod desktop;
pub mod env;
pub mod macos;
pub mod proxy;
pub mod run;
pub mod shell;
pub mod windows;
pub mod wsl;

use std::path::PathBuf;

pub use env::{PersistScope, PersistedSetting, PersistedVar, SkippedAssignment, StaleEnv};
pub use proxy::{
    suggested_env, suggestion, system_proxy_ignored_candidate, DroppedBypass, ProxySource,
    ProxySuggestion, SuggestedEnv, SystemProxy,
};

use crate::shell::{Shell, ShellDetection};

/// Everything this module learns about the machine, for the facts record. Values are kept as
/// read and masked when serialized or shown.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SystemFacts {
    /// `std::env::consts::OS`: windows, macos, linux ...
    pub os: String,
    /// Every OS proxy configuration found (on Windows: WinINET first, then WinHTTP), active
    /// or not: a disabled leftover is evidence too.
    pub system_proxies: Vec<SystemProxy>,
    /// Persisted values this process does not have.
    pub stale_env: Vec<StaleEnv>,
    /// Profile-file assignments of watched variables that were not evaluated.
    pub skipped_profile_lines: Vec<SkippedAssignment>,
    pub hosts_path: String,
    pub shell: ShellDetection,
    /// Windows: directories on the persisted PATH that hold go.exe but are missing from this
    /// process's PATH (Go was installed after the terminal opened).
    #[serde(default)]
    pub go_dirs_not_in_path: Vec<String>,
    /// Every watched variable found persisted (registry or profile file; for a name assigned
    /// several times, every assignment in load order), values shown masked.
    #[serde(default)]
    pub persisted: Vec<PersistedSetting>,
    /// Linux inside WSL: its version and networking mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsl: Option<wsl::Wsl>,
    /// A container (Docker, Podman, Kubernetes, a dev container, Codespaces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<container::Container>,
    /// Loopback ports tried as a local NTLM/Kerberos helper (px, cntlm, alpaca), when the
    /// configured proxy accepts only those schemes (filled by `run`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_helpers: Vec<crate::probe::local_helper::LocalHelper>,
    /// The PAC script (`--pac`, else the OS's) and what it returns for Go's URLs (filled by
    /// `run`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pac: Option<crate::pac::PacFacts>,
}

impl SystemFacts {
    /// The first OS proxy that is in use (WinINET before WinHTTP on Windows).
    pub fn active_proxy(&self) -> Option<&SystemProxy> {
        self.system_proxies.iter().find(|p| p.is_active())
    }

    /// The candidate for `config.system_proxy_ignored` (see
    /// [`proxy::system_proxy_ignored_candidate`]).
    pub fn system_proxy_ignored_candidate(&self, env_has_https_proxy: bool) -> bool {
        self.active_proxy()
            .is_some_and(|p| system_proxy_ignored_candidate(p, env_has_https_proxy))
    }

    /// The PAC script to evaluate, as candidate URLs tried in order: `--pac` when given,
    /// else the active OS proxy's, else (the OS detects its proxy automatically) WPAD's
    /// URLs for the machine's DNS domains (read only then: `domains`).
    pub fn pac_source(
        &self,
        cli: Option<&str>,
        domains: impl FnOnce() -> Vec<String>,
    ) -> Option<(Vec<String>, crate::pac::PacOrigin)> {
        use crate::pac::PacOrigin;
        if let Some(u) = cli {
            return Some((vec![u.to_string()], PacOrigin::CommandLine));
        }
        let active = self.active_proxy()?;
        if let Some(u) = &active.pac_url {
            return Some((vec![u.clone()], PacOrigin::Os));
        }
        if !active.auto_detect || !active.servers.is_empty() {
            return None;
        }
        let wpad = crate::pac::wpad::candidates(&domains());
        (!wpad.is_empty()).then_some((wpad, PacOrigin::Wpad))
    }

    /// What to set so Go uses the proxy the OS uses.
    pub fn proxy_suggestion(&self) -> Option<ProxySuggestion> {
        self.active_proxy().and_then(suggestion)
    }
}

/// The hosts file for `windows` (`%SystemRoot%\System32\drivers\etc\hosts`, SystemRoot from
/// `lookup`, `C:\Windows` when unset) or Unix (`/etc/hosts`).
pub fn hosts_path_for(windows: bool, lookup: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    if windows {
        let root = lookup("SystemRoot")
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| r"C:\Windows".to_string());
        PathBuf::from(format!(
            r"{}\System32\drivers\etc\hosts",
            root.trim_end_matches('\\')
        ))
    } else {
        PathBuf::from("/etc/hosts")
    }
}

/// This OS's hosts file.
pub fn hosts_path() -> PathBuf {
    hosts_path_for(cfg!(windows), &|k| std::env::var(k).ok())
}

/// The hosts file's text (lossy UTF-8, a BOM removed), or None when it cannot be read. Parse
/// it with `crate::probe::hosts::parse` (one parser for the whole crate).
pub fn read_hosts() -> Option<String> {
    std::fs::read(hosts_path())
        .ok()
        .map(|b| run::decode_console(&b))
}

/// The addresses this OS's hosts file pins `name` to (parsed by `crate::probe::hosts`).
pub fn hosts_entries_for(name: &str) -> Vec<std::net::IpAddr> {
    let entries = read_hosts()
        .map(|t| crate::probe::hosts::parse(&t))
        .unwrap_or_default();
    crate::probe::hosts::lookup(&entries, name)
}

/// The OS proxy settings of this machine. Empty when none can be read.
pub fn query_system_proxy() -> Vec<SystemProxy> {
    #[cfg(target_os = "windows")]
    {
        windows::query_system_proxy()
    }
    #[cfg(target_os = "macos")]
    {
        macos::query_system_proxy()
    }
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        desktop::query_system_proxy()
    }
    #[cfg(not(any(unix, windows)))]
    {
        Vec::new()
    }
}

/// What the persisted environment holds (values as read: compare, do not print).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersistedEnv {
    pub vars: Vec<PersistedVar>,
    /// Profile lines assigning a watched variable that were not evaluated.
    pub skipped: Vec<SkippedAssignment>,
    /// Windows: persisted PATH directories with go.exe that this process's PATH lacks.
    pub go_dirs_not_in_path: Vec<String>,
}

/// The persisted values of the watched variables: the registry on Windows, the startup files
/// of `shell` elsewhere.
pub fn query_persisted_env(shell: Shell) -> PersistedEnv {
    #[cfg(target_os = "windows")]
    {
        let _ = shell;
        let (vars, go_dirs_not_in_path) = env::query_registry_env();
        PersistedEnv {
            vars,
            skipped: Vec::new(),
            go_dirs_not_in_path,
        }
    }
    #[cfg(unix)]
    {
        let (vars, skipped) = env::query_profile_env(shell);
        PersistedEnv {
            vars,
            skipped,
            go_dirs_not_in_path: Vec::new(),
        }
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = shell;
        PersistedEnv::default()
    }
}

/// Collects [`SystemFacts`] for this machine, detecting the shell.
pub fn collect() -> SystemFacts {
    collect_for(shell::detect())
}

/// Collects [`SystemFacts`] with a known shell (`--shell`). The proxy and environment queries
/// run at the same time, each bounded by [`run::QUERY_TIMEOUT`].
pub fn collect_for(shell: ShellDetection) -> SystemFacts {
    let sh = shell.shell;
    let wsl = wsl::detect();
    let in_wsl = wsl.is_some();
    let (system_proxies, persisted) = std::thread::scope(|s| {
        let proxies = s.spawn(move || {
            let mut p = query_system_proxy();
            // Linux programs in WSL never see the Windows proxy; read it through interop.
            if in_wsl {
                p.extend(wsl::query_windows_proxy());
            }
            p
        });
        let persisted = s.spawn(move || query_persisted_env(sh));
        (
            proxies.join().unwrap_or_default(),
            persisted.join().unwrap_or_default(),
        )
    });
    let stale_env = env::stale_env(&persisted.vars, &|k| std::env::var(k).ok());
    SystemFacts {
        os: std::env::consts::OS.to_string(),
        system_proxies,
        stale_env,
        skipped_profile_lines: persisted.skipped,
        hosts_path: hosts_path().display().to_string(),
        shell,
        go_dirs_not_in_path: persisted.go_dirs_not_in_path,
        persisted: persisted
            .vars
            .iter()
            .map(PersistedVar::to_setting)
            .collect(),
        wsl,
        container: container::detect(),
        local_helpers: Vec::new(),
        pac: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::set_env_session;

    fn facts_with(proxy: SystemProxy) -> SystemFacts {
        SystemFacts {
            os: "linux".into(),
            system_proxies: vec![proxy],
            stale_env: Vec::new(),
            skipped_profile_lines: Vec::new(),
            hosts_path: "/etc/hosts".into(),
            shell: ShellDetection {
                shell: Shell::Bash,
                reason: "test".into(),
            },
            go_dirs_not_in_path: Vec::new(),
            persisted: Vec::new(),
            wsl: None,
            container: None,
            local_helpers: Vec::new(),
            pac: None,
        }
    }

    #[test]
    fn the_pac_comes_from_the_command_line_then_the_os_then_wpad() {
        use crate::pac::PacOrigin;
        let domains = vec!["eng.corp.example".to_string()];
        let mut auto = SystemProxy::new(ProxySource::KdeKioslaverc);
        auto.auto_detect = true;
        let sys = facts_with(auto.clone());
        assert_eq!(
            sys.pac_source(None, || domains.clone()),
            Some((
                vec![
                    "http://wpad.eng.corp.example/wpad.dat".to_string(),
                    "http://wpad.corp.example/wpad.dat".to_string()
                ],
                PacOrigin::Wpad
            ))
        );
        assert_eq!(
            sys.pac_source(None, Vec::new),
            None,
            "no domain: nowhere to look"
        );
        assert_eq!(
            sys.pac_source(Some("file:///p.pac"), || domains.clone()),
            Some((vec!["file:///p.pac".to_string()], PacOrigin::CommandLine))
        );
        let mut with_url = auto.clone();
        with_url.pac_url = Some("http://pac.corp.example/p.pac".into());
        assert_eq!(
            facts_with(with_url).pac_source(None, || domains.clone()),
            Some((
                vec!["http://pac.corp.example/p.pac".to_string()],
                PacOrigin::Os
            ))
        );
        // A manual server beside auto-detection (macOS allows both): no search.
        let mut manual = auto;
        manual.enabled = true;
        manual
            .servers
            .insert("https".into(), "proxy.corp.example:8080".into());
        assert_eq!(
            facts_with(manual).pac_source(None, || domains.clone()),
            None
        );
        let off = SystemProxy::new(ProxySource::KdeKioslaverc);
        assert_eq!(facts_with(off).pac_source(None, || domains.clone()), None);
    }

    #[test]
    fn hosts_paths() {
        assert_eq!(
            hosts_path_for(true, &|_| Some(r"D:\WINDOWS".into())),
            PathBuf::from(r"D:\WINDOWS\System32\drivers\etc\hosts")
        );
        assert_eq!(
            hosts_path_for(true, &|_| None),
            PathBuf::from(r"C:\Windows\System32\drivers\etc\hosts")
        );
        assert_eq!(
            hosts_path_for(false, &|_| None),
            PathBuf::from("/etc/hosts")
        );
    }

    /// The acceptance path for `config.system_proxy_ignored`: recorded WinINET output →
    /// facts → JSON → back → suggestion → the PowerShell line.
    #[test]
    fn recorded_windows_facts_give_the_exact_powershell_fix() {
        let wininet = windows::parse_internet_settings(include_str!(
            "../../fixtures/platform/reg-inet-single.txt"
        ))
        .unwrap();
        let winhttp = windows::parse_netsh_winhttp(include_str!(
            "../../fixtures/platform/netsh-direct-en.txt"
        ))
        .unwrap();
        let mut facts = facts_with(wininet);
        facts.os = "windows".into();
        facts.system_proxies.push(winhttp);
        facts.hosts_path = r"C:\Windows\System32\drivers\etc\hosts".into();
        facts.shell.shell = Shell::PowerShell;
        let json = serde_json::to_string(&facts).unwrap();
        let facts: SystemFacts = serde_json::from_str(&json).unwrap();
        assert!(facts.system_proxy_ignored_candidate(false));
        assert!(!facts.system_proxy_ignored_candidate(true));
        let Some(ProxySuggestion::Env(env)) = facts.proxy_suggestion() else {
            panic!("{:?}", facts.proxy_suggestion());
        };
        assert_eq!(
            set_env_session(facts.shell.shell, "HTTPS_PROXY", &env.https_proxy),
            r#"$env:HTTPS_PROXY = "http://proxy.corp.example:8080""#
        );
    }

    /// The acceptance path for `config.stale_shell_env`: recorded HKCU\Environment, a
    /// PowerShell opened before `setx` → the PowerShell line sets exactly the persisted value.
    #[test]
    fn recorded_registry_env_gives_the_exact_powershell_fix() {
        let persisted = env::persisted_from_registry(
            Some(include_str!("../../fixtures/platform/reg-env-user.txt")),
            Some(include_str!("../../fixtures/platform/reg-env-machine.txt")),
            &|_| None,
        );
        let live = |k: &str| {
            let k = k.to_ascii_uppercase();
            match k.as_str() {
                "GOPROXY" => Some("https://goproxy.cn,direct".to_string()),
                "NO_PROXY" => Some("localhost,.corp.example".to_string()),
                "GOPRIVATE" => Some("*.corp.example".to_string()),
                "SSL_CERT_DIR" => Some(r"%ProgramData%\corp\certs".to_string()),
                _ => None,
            }
        };
        let stale = env::stale_env(&persisted, &live);
        assert_eq!(stale.len(), 1, "{stale:?}");
        assert_eq!(
            set_env_session(
                Shell::PowerShell,
                &stale[0].variable,
                stale[0].persisted.expose()
            ),
            r#"$env:HTTPS_PROXY = "http://proxy.corp.example:8080""#
        );
    }

    #[test]
    fn collect_runs_on_this_machine() {
        let start = std::time::Instant::now();
        let facts = collect_for(ShellDetection {
            shell: Shell::Bash,
            reason: "test".into(),
        });
        assert_eq!(facts.os, std::env::consts::OS);
        assert!(start.elapsed() < std::time::Duration::from_secs(8));
        serde_json::to_string(&facts).unwrap();
    }
}
