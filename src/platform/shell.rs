//! Which shell the user runs, read from this process's parent and environment (the decision
//! itself is `shell::detect_shell`, pure and tested on captured inputs).

use crate::shell::{detect_shell, ShellDetection};

/// Detects the shell of this process's user: the parent process's name where std can get it
/// cheaply (Linux /proc, macOS `ps`), then the environment.
pub fn detect() -> ShellDetection {
    detect_shell(cfg!(windows), parent_process_name().as_deref(), &|k| {
        std::env::var(k).ok()
    })
}

/// The parent process's name: /proc on Linux, `ps` on macOS; None elsewhere (Windows needs
/// OS APIs std does not offer).
fn parent_process_name() -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let ppid = std::os::unix::process::parent_id();
        std::fs::read_to_string(format!("/proc/{ppid}/comm"))
            .ok()
            .map(|s| s.trim().to_string())
    }
    #[cfg(target_os = "macos")]
    {
        let ppid = std::os::unix::process::parent_id().to_string();
        super::run::run_with_timeout(
            "ps",
            &["-o", "comm=", "-p", &ppid],
            std::time::Duration::from_secs(1),
        )
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    {
        None
    }
}
