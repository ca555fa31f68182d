//! Reading and waiting for a child process with a deadline (std only): the OS queries
//! (platform) and `go env -json` (config) share it.

use std::io::Read;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// The child's whole stdout (piped) and exit status, within `timeout`; killed (None) past
/// it. Read on a thread, so a child that fills the pipe still exits; the pipe closes as the
/// child exits (these commands start no grandchildren), so the answer is complete the
/// moment it does, with no polling.
pub fn stdout_within(child: &mut Child, timeout: Duration) -> Option<(Vec<u8>, ExitStatus)> {
    let deadline = Instant::now() + timeout;
    let mut stdout = child.stdout.take()?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    let Ok(out) = rx.recv_timeout(timeout) else {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    };
    let status = wait_until(child, deadline)?;
    Some((out, status))
}

/// The exit status of a child that has closed its output (so is exiting), waiting at most
/// until `deadline`; killed (None) past it.
pub fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    let mut nap = Duration::from_micros(200);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(10));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_child_past_the_deadline_is_killed_and_one_that_exits_is_reaped() {
        let mut quick = std::process::Command::new("true").spawn().unwrap();
        let status = wait_until(&mut quick, Instant::now() + Duration::from_secs(5));
        assert!(status.is_some_and(|s| s.success()));

        let mut slow = std::process::Command::new("sleep")
            .arg("10")
            .spawn()
            .unwrap();
        let start = Instant::now();
        assert_eq!(
            wait_until(&mut slow, start + Duration::from_millis(100)),
            None
        );
        assert!(start.elapsed() < Duration::from_secs(5));
        // Killed and reaped: nothing is left to wait for.
        assert!(slow.try_wait().unwrap().is_some());
    }
}
