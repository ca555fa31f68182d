//! Running an OS command (reg, netsh, scutil, gsettings) with a deadline: the only I/O helper
//! the per-OS runners share. Std only, so it compiles on every OS.

use std::process::{Command, Stdio};
use std::time::Duration;

/// How long one OS query may take. These commands answer in milliseconds; a hung one (a
/// policy-locked registry, a stuck D-Bus for gsettings) must not hold the diagnosis.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(3);

/// Runs `program args...` with stdin closed and stderr discarded, and returns its stdout when it
/// exits successfully within `timeout`. Any failure (not found, non-zero exit, timeout) is None:
/// an OS query that cannot be made is simply a fact we do not have. A child that outlives the
/// deadline is killed.
pub fn run_with_timeout(program: &str, args: &[&str], timeout: Duration) -> Option<Vec<u8>> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let (out, status) = crate::child::stdout_within(&mut child, timeout)?;
    status.success().then_some(out)
}

/// Decodes console output: UTF-8 when it is, UTF-16LE when it starts with a BOM (some Windows
/// tools write that when redirected), otherwise lossily — a console code page such as 936
/// (GBK) or 850 turns localized labels into U+FFFD, which is why the parsers work from the
/// layout and ASCII tokens rather than from the words.
pub fn decode_console(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

/// Lines without their CR, for output that may have CRLF endings.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn returns_stdout_of_a_successful_command() {
        let out = run_with_timeout("sh", &["-c", "printf 'a\\r\\nb'"], QUERY_TIMEOUT).unwrap();
        assert_eq!(out, b"a\r\nb");
    }

    #[cfg(unix)]
    #[test]
    fn failure_and_missing_program_are_none() {
        assert_eq!(
            run_with_timeout("sh", &["-c", "echo x; exit 1"], QUERY_TIMEOUT),
            None
        );
        assert_eq!(
            run_with_timeout("/nonexistent/gomod-diag-no-such-tool", &[], QUERY_TIMEOUT),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_hung_command_is_killed_at_the_deadline() {
        let start = std::time::Instant::now();
        let out = run_with_timeout("sleep", &["10"], Duration::from_millis(200));
        assert_eq!(out, None);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn decodes_utf8_utf16_and_garbage() {
        assert_eq!(decode_console("代理服务器:".as_bytes()), "代理服务器:");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Proxy".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_console(&utf16), "Proxy");
        // GBK bytes for "代理" are not UTF-8: replaced, ASCII kept.
        assert_eq!(
            decode_console(b"\xb4\xfa\xc0\xed: 1.2.3.4:80"),
            "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}: 1.2.3.4:80"
        );
        assert_eq!(decode_console(b"\xEF\xBB\xBFok"), "ok");
        assert_eq!(lines("a\r\nb\n").collect::<Vec<_>>(), ["a", "b"]);
    }
}
