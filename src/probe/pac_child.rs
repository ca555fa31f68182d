//! The PAC script runs in a child process (this same executable, started with
//! [`CHILD_ENV`]) whose address space is capped: the engine's step and loop limits stop
//! endless work, but a script that keeps doubling a string allocates gigabytes between two
//! step checks. In the child, that ends as one failed allocation and an abort, which the
//! parent reports as the script's memory use; the run goes on.
//!
//! The protocol is one JSON value per line. The parent writes a [`Request`]; the child
//! writes [`ChildMessage`]s: a name lookup it needs (the parent does it with the run's
//! system resolver and writes back the addresses), each answer as it is found, then `Done`.

use std::io::{BufRead, Write};
use std::net::IpAddr;
use std::rc::Rc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

use crate::pac::{Limits, Pac, PacAnswer, PacClock, PacEnv};

/// Set (to anything) in the environment of the child that evaluates a script.
pub const CHILD_ENV: &str = "GOMOD_DIAG_INTERNAL_PAC_CHILD";
/// The child's address space. A debug build's child maps about 110 MiB before the script
/// runs; real PAC scripts then need a few MiB more.
pub const CHILD_ADDRESS_SPACE: u64 = 384 << 20;
/// The longest line the parent reads from the child (answers and errors are clipped
/// shorter than this by the child).
const MAX_LINE: u64 = 64 << 10;

#[derive(Serialize, Deserialize)]
struct Request {
    name: String,
    source: String,
    targets: Vec<(String, String)>,
    my_addresses: Vec<IpAddr>,
    clock: PacClock,
    wall_ms: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChildMessage {
    Resolve(String),
    Answer(PacAnswer),
    LoadError(String),
    Done,
}

/// What the parent gives the child for it to evaluate.
pub struct Evaluation<'a> {
    pub name: &'a str,
    pub source: String,
    pub targets: &'a [(String, String)],
    pub my_addresses: Vec<IpAddr>,
    pub clock: PacClock,
    pub wall: Duration,
}

/// Runs the script in a child and returns its answers; a script that does not load gives
/// the error. A child that dies (its memory cap) or overstays leaves the remaining URLs
/// with an error saying so.
pub async fn evaluate_in_child<F, Fut>(
    job: Evaluation<'_>,
    mut resolve: F,
) -> Result<Vec<PacAnswer>, String>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Vec<IpAddr>>,
{
    let name = job.name.to_string();
    let targets = job.targets.to_vec();
    let request = Request {
        name: name.clone(),
        source: job.source,
        targets: targets.clone(),
        my_addresses: job.my_addresses,
        clock: job.clock,
        wall_ms: job.wall.as_millis() as u64,
    };
    let exe = std::env::current_exe()
        .map_err(|e| format!("PAC {name}: cannot find this program to run the script: {e}"))?;
    let mut cmd = tokio::process::Command::new(exe);
    cmd.env(CHILD_ENV, "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    cap_memory(&mut cmd);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("PAC {name}: cannot start the evaluation: {e}"))?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(format!("PAC {name}: cannot talk to the evaluation"));
    };
    // The child's last words (Rust's "memory allocation of N bytes failed"), bounded.
    let last_words = tokio::spawn(async move {
        let mut buf = Vec::new();
        let _ = stderr.take(4096).read_to_end(&mut buf).await;
        String::from_utf8_lossy(&buf).into_owned()
    });
    let mut line = serde_json::to_vec(&request).map_err(|e| e.to_string())?;
    line.push(b'\n');
    // A child that dies at once leaves a broken pipe here: its exit is read below.
    let _ = stdin.write_all(&line).await;

    // Each URL's run has its own wall limit in the child; this is the backstop.
    let budget = job.wall * (targets.len() as u32 + 1) + Duration::from_secs(3);
    let deadline = tokio::time::Instant::now() + budget;
    let mut out = tokio::io::BufReader::new(stdout);
    let mut answers: Vec<PacAnswer> = Vec::new();
    let ended = loop {
        let mut buf = Vec::new();
        let mut limited = (&mut out).take(MAX_LINE);
        let n = match tokio::time::timeout_at(deadline, limited.read_until(b'\n', &mut buf)).await {
            Err(_) => {
                break Some(format!(
                    "the evaluation did not finish within {} s",
                    budget.as_secs()
                ))
            }
            Ok(Err(e)) => break Some(format!("cannot read the evaluation's answer: {e}")),
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            break None; // the child ended without `Done`: its exit says why
        }
        let msg: ChildMessage = match serde_json::from_slice(&buf) {
            Ok(m) => m,
            Err(_) => break Some("the evaluation answered something unreadable".into()),
        };
        match msg {
            ChildMessage::Resolve(host) => {
                let addrs = resolve(host).await;
                let mut reply = serde_json::to_vec(&addrs).unwrap_or_else(|_| b"[]".to_vec());
                reply.push(b'\n');
                let _ = stdin.write_all(&reply).await;
            }
            ChildMessage::Answer(a) => answers.push(a),
            ChildMessage::LoadError(e) => return Err(e),
            ChildMessage::Done => return Ok(answers),
        }
    };
    let why = match ended {
        Some(why) => {
            let _ = child.start_kill();
            why
        }
        None => {
            let status = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
            let words = last_words.await.unwrap_or_default();
            died_because(status.ok().and_then(Result::ok), &words)
        }
    };
    let error = format!("PAC {name}: {why}");
    if answers.is_empty() && targets.is_empty() {
        return Err(error);
    }
    for (url, host) in targets.into_iter().skip(answers.len()) {
        answers.push(PacAnswer {
            url,
            host,
            answer: None,
            proxy: None,
            error: Some(error.clone()),
            notes: Vec::new(),
        });
    }
    Ok(answers)
}

/// Why a child ended without finishing, from its exit and what it wrote on stderr.
fn died_because(status: Option<std::process::ExitStatus>, stderr: &str) -> String {
    if stderr.contains("memory allocation of") {
        return format!(
            "the script needed more than the {} MiB of memory it may use",
            CHILD_ADDRESS_SPACE >> 20
        );
    }
    match status {
        Some(s) => format!("the evaluation ended abnormally ({s})"),
        None => "the evaluation ended abnormally".into(),
    }
}

/// Caps the child's address space (an allocation past it fails; Rust then aborts).
#[cfg(unix)]
fn cap_memory(cmd: &mut tokio::process::Command) {
    // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: CHILD_ADDRESS_SPACE as libc::rlim_t,
                rlim_max: CHILD_ADDRESS_SPACE as libc::rlim_t,
            };
            // A platform that refuses the limit still runs the script (with its step limits).
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
}

/// Windows: no address-space limit here (the step and loop limits still hold); a crash
/// still ends only the child.
#[cfg(not(unix))]
fn cap_memory(_cmd: &mut tokio::process::Command) {}

/// The child's side: reads the request, answers, exits. Nothing else is written to stdout.
pub fn serve() -> std::process::ExitCode {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut first = String::new();
    if input.read_line(&mut first).is_err() {
        return std::process::ExitCode::from(2);
    }
    let Ok(req) = serde_json::from_str::<Request>(&first) else {
        return std::process::ExitCode::from(2);
    };
    let pipe = Rc::new(PipeEnv {
        io: std::cell::RefCell::new(input),
        my: req.my_addresses.clone(),
        clock: req.clock,
    });
    let limits = Limits {
        wall: Some(Duration::from_millis(req.wall_ms)),
        ..Limits::default()
    };
    let env: Rc<dyn PacEnv> = pipe;
    match Pac::load(&req.name, &req.source, env, limits) {
        Err(e) => send(&ChildMessage::LoadError(crate::pac::clip(e.to_string()))),
        Ok(mut pac) => {
            for (url, host) in &req.targets {
                send(&ChildMessage::Answer(crate::pac::answer_for(
                    &mut pac, &req.name, url, host,
                )));
            }
            send(&ChildMessage::Done);
        }
    }
    std::process::ExitCode::SUCCESS
}

fn send(msg: &ChildMessage) {
    let mut out = std::io::stdout().lock();
    if let Ok(mut line) = serde_json::to_vec(msg) {
        line.push(b'\n');
        let _ = out.write_all(&line);
        let _ = out.flush();
    }
}

/// The script's view of the machine in the child: lookups go to the parent.
struct PipeEnv {
    io: std::cell::RefCell<std::io::StdinLock<'static>>,
    my: Vec<IpAddr>,
    clock: PacClock,
}

impl PacEnv for PipeEnv {
    fn resolve(&self, host: &str) -> Vec<IpAddr> {
        send(&ChildMessage::Resolve(host.to_string()));
        let mut line = String::new();
        match self.io.borrow_mut().read_line(&mut line) {
            Ok(n) if n > 0 => serde_json::from_str(&line).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
    fn my_addresses(&self) -> Vec<IpAddr> {
        self.my.clone()
    }
    fn clock(&self) -> PacClock {
        self.clock
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_allocation_reads_as_the_scripts_memory() {
        let why = died_because(None, "memory allocation of 1073741824 bytes failed\n");
        assert!(why.contains("more than the 384 MiB"), "{why}");
        assert_eq!(died_because(None, ""), "the evaluation ended abnormally");
    }

    #[test]
    fn messages_are_one_line_each() {
        let m = ChildMessage::Resolve("a\nb".into());
        let line = serde_json::to_string(&m).unwrap();
        assert!(!line.contains('\n'), "{line}");
        assert!(matches!(
            serde_json::from_str::<ChildMessage>(&line).unwrap(),
            ChildMessage::Resolve(h) if h == "a\nb"
        ));
    }
}
