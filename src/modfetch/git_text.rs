//! The texts Go and git print when direct mode fails, and what a git failure points at, pure
//! (matched against captured git/ssh stderr in the tests).

use crate::vocab::CauseId;

/// Go's text when git cannot be executed (cmd/go runs `git version` before the first
/// `git init` of a repository's cache directory).
pub fn git_missing_text(exec_error: &str) -> String {
    format!("unable to resolve git version: failed to execute git version: {exec_error}")
}

/// The `exec:` error Go's os/exec gives for a program that cannot be started.
pub(crate) fn exec_error_text(program_name: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("exec: {program_name:?}: executable file not found in $PATH")
        }
        std::io::ErrorKind::PermissionDenied => {
            format!("exec: {program_name:?}: permission denied")
        }
        _ => format!("exec: {program_name:?}: {e}"),
    }
}

/// codehost.RunError for `git ls-remote` (with the `invalid version:` wrapper the module
/// error adds): the command, the directory, the exit status, git's stderr indented by a tab
/// (trailing newlines dropped), and Go's help text after "could not read Username".
pub fn ls_remote_error_text(remote: &str, dir: &str, status: &str, stderr: &str) -> String {
    let mut text =
        format!("invalid version: git ls-remote -q --end-of-options {remote} in {dir}: {status}");
    // bytes.TrimRight(stderr, "\n"): a `\r` that ssh writes stays.
    let stderr = stderr.trim_end_matches('\n');
    if !stderr.is_empty() {
        text.push_str(":\n\t");
        text.push_str(&stderr.replace('\n', "\n\t"));
    }
    if stderr.contains("fatal: could not read Username") {
        text.push_str("\nConfirm the import path was entered correctly.\nIf this is a private repository, see https://go.dev/doc/faq#git_https for additional information.");
    }
    text
}

/// The ROOT_CAUSES identifier for git's stderr after a failed `git ls-remote`.
pub fn classify_git_stderr(stderr: &str) -> CauseId {
    let has = |s: &str| stderr.contains(s);
    let lower = stderr.to_ascii_lowercase();
    if has("ssh: connect to host")
        || has("ssh: Could not resolve hostname")
        || has("kex_exchange_identification")
        || has("fatal: unable to connect to")
        || has("fatal: unable to look up")
    {
        CauseId::VcsSshBlocked
    } else if has("could not read Username")
        || has("could not read Password")
        || has("terminal prompts disabled")
        || has("Authentication failed")
        || has("Permission denied (publickey")
        || has("Invalid username or password")
        || has("HTTP Basic: Access denied")
        || has("returned error: 401")
        || has("returned error: 403")
    {
        CauseId::VcsAuthRequired
    } else if has("Received HTTP code 407") || has("CONNECT tunnel failed, response 407") {
        CauseId::ProxyAuthRequired
    } else if has("SSL certificate problem") || has("server certificate verification failed") {
        CauseId::TlsUntrustedInterception
    } else if has("Could not resolve host") {
        CauseId::DnsNoResolution
    } else if lower.contains("timed out") || has("Timeout was reached") {
        CauseId::TcpTimeout
    } else if has("Failed to connect to") || has("Couldn't connect to server") {
        CauseId::TcpRefused
    } else if has("Repository not found")
        || has("returned error: 404")
        || lower.contains("not found")
    {
        CauseId::GoproxyModuleNotFound
    } else {
        // The usual reason git fails on a repository that Go must fetch directly.
        CauseId::VcsAuthRequired
    }
}

/// How a TCP connect to an ssh/git:// endpoint went (the predicted stderr depends on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The name did not resolve.
    Resolve,
    Refused,
    TimedOut,
    NoRoute,
    NetworkUnreachable,
}

impl ConnectFailure {
    pub(crate) fn strerror(self) -> &'static str {
        match self {
            ConnectFailure::Resolve => "Name or service not known",
            ConnectFailure::Refused => "Connection refused",
            ConnectFailure::TimedOut => "Connection timed out",
            ConnectFailure::NoRoute => "No route to host",
            ConnectFailure::NetworkUnreachable => "Network is unreachable",
        }
    }
}

/// What git (with OpenSSH, or its own git:// client) prints when it cannot connect: the
/// stderr Go indents into its error. Linux strerror texts.
pub fn connect_failure_stderr(proto: &str, host: &str, port: u16, why: ConnectFailure) -> String {
    const SSH_TAIL: &str = "fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.";
    if proto == "ssh" {
        let first = match why {
            ConnectFailure::Resolve => {
                format!("ssh: Could not resolve hostname {host}: {}", why.strerror())
            }
            _ => format!(
                "ssh: connect to host {host} port {port}: {}",
                why.strerror()
            ),
        };
        // OpenSSH ends its own messages with "\r\n" (log.c); git's are plain lines.
        return format!("{first}\r\n{SSH_TAIL}");
    }
    match why {
        ConnectFailure::Resolve => format!(
            "fatal: unable to look up {host} (port {port}) ({})",
            why.strerror()
        ),
        _ => format!(
            "fatal: unable to connect to {host}:\n{host}: errno={}",
            why.strerror()
        ),
    }
}
