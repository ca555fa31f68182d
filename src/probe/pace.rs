//! Adaptive silence: how long a peer may stay quiet before the run calls it silent.
//!
//! Go waits its own fixed timeouts (5 s per DNS exchange, 30 s per dial, 10 s per TLS
//! handshake). A diagnosis does not need to: once other peers on the same network have
//! answered, a peer that has not answered within `max(SILENCE_FLOOR, SILENCE_FACTOR × the
//! slowest answer seen)` is silent, and Go's verdict is the one it reaches after its full wait.
//! Every such cut is recorded as a plain-words assumption for the report; `--patient` turns the
//! cut off and waits as long as Go would. With no answer seen at all, nothing is assumed: the
//! step waits its full budget. The numbers are chosen from measurements in docs/DESIGN.md.
//!
//! The pace of a run is a task-local ([`scope`]): probe functions keep their `budget`
//! signatures, and work spawned onto other tasks simply waits its full budget.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// Never call a peer silent sooner than this.
pub const SILENCE_FLOOR: Duration = Duration::from_millis(800);
/// A peer is silent after this many times the slowest answer seen on the network.
pub const SILENCE_FACTOR: u32 = 10;

/// Go's DNS defaults (resolv.conf `timeout:5`, `attempts:2`).
pub const GO_DNS_TIMEOUT: Duration = Duration::from_secs(5);
pub const GO_DNS_ATTEMPTS: u32 = 2;
/// net/http's DefaultTransport: the dialer's timeout and the TLS handshake timeout.
pub const GO_DIAL_TIMEOUT: Duration = Duration::from_secs(30);
pub const GO_TLS_TIMEOUT: Duration = Duration::from_secs(10);
/// net/http's limit on a proxy's answer to CONNECT.
pub const GO_CONNECT_TIMEOUT: Duration = Duration::from_secs(60);

/// The run's deadline under `--patient` when `--timeout` is not given: Go's longest wait for
/// one request — a 30 s dial (the lookup is inside it), 1 min for a proxy's answer to CONNECT
/// and a 10 s TLS handshake — with 20 s left for the rest of the run.
pub const PATIENT_DEADLINE: Duration = Duration::from_secs(120);

/// The run's deadline: `--timeout` when given; under `--patient` at least
/// [`PATIENT_DEADLINE`], so waiting as long as Go is not cut by the default 15 s.
pub fn run_deadline(timeout: Duration, timeout_given: bool, patient: bool) -> Duration {
    if patient && !timeout_given {
        timeout.max(PATIENT_DEADLINE)
    } else {
        timeout
    }
}

/// A network step that may be cut, and how long Go itself waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// One DNS exchange with a resolver.
    Dns,
    /// A TCP connect.
    Dial,
    /// A TLS handshake.
    Tls,
    /// A proxy's answer to CONNECT (or a SOCKS reply).
    ProxyAnswer,
}

impl Step {
    /// How long Go waits for this step.
    pub fn go_wait(self) -> Duration {
        match self {
            Step::Dns => GO_DNS_TIMEOUT * GO_DNS_ATTEMPTS,
            Step::Dial => GO_DIAL_TIMEOUT,
            Step::Tls => GO_TLS_TIMEOUT,
            Step::ProxyAnswer => GO_CONNECT_TIMEOUT,
        }
    }

    /// Go's wait in words.
    pub fn go_wait_text(self) -> &'static str {
        match self {
            Step::Dns => "Go waits 2 × 5 s per resolver, then fails",
            Step::Dial => "Go waits 30 s for the connect, then fails",
            Step::Tls => "Go waits 10 s for the TLS handshake, then fails",
            Step::ProxyAnswer => "Go waits 1 min for the proxy's answer, then fails",
        }
    }
}

/// The slowest answer seen so far, and who gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub who: String,
    pub rtt: Duration,
}

/// The answers seen in one run, and the assumptions made from them.
#[derive(Debug, Default)]
pub struct Pace {
    patient: bool,
    /// The run deadline: a wait it ends is not observed, not a failure.
    deadline: Mutex<Option<Instant>>,
    /// Go's wait for one silent resolver, and its words, from resolv.conf (`None`: Go's
    /// defaults, [`Step::go_wait`]).
    dns_wait: Mutex<Option<(Duration, String)>>,
    slowest: Mutex<Option<Answer>>,
    notes: Mutex<Vec<String>>,
    changed: tokio::sync::Notify,
}

tokio::task_local! {
    static PACE: Arc<Pace>;
}

/// Runs `fut` with `pace` as the pace of every step it waits for (on this task).
pub async fn scope<F: Future>(pace: Arc<Pace>, fut: F) -> F::Output {
    PACE.scope(pace, fut).await
}

/// The pace of the current task, if any.
pub fn current() -> Option<Arc<Pace>> {
    PACE.try_with(Arc::clone).ok()
}

/// Records an answer from `who` after `rtt` on the current task's pace.
pub fn answered(who: impl FnOnce() -> String, rtt: Duration) {
    if let Some(p) = current() {
        p.record(who(), rtt);
    }
}

/// Waits for `fut` at most `budget` (and at most Go's own wait for `step`); sooner, when the
/// current pace calls the peer silent. `None` when the wait ended without an answer.
pub async fn bounded<F: Future>(
    step: Step,
    what: impl FnOnce() -> String,
    budget: Duration,
    fut: F,
) -> Option<F::Output> {
    match current() {
        Some(p) => {
            let budget = budget.min(p.go_wait(step));
            p.wait(step, what, budget, fut).await
        }
        None => tokio::time::timeout(budget.min(step.go_wait()), fut)
            .await
            .ok(),
    }
}

/// The cut as a pure function: when a wait that started at `start` ends, given the slowest
/// answer seen (`None`: none yet) and the hard limit.
pub fn cut_at(start: Instant, slowest: Option<Duration>, hard: Instant) -> Instant {
    match slowest {
        Some(rtt) => (start + silence_after(rtt)).min(hard),
        None => hard,
    }
}

/// How long a peer may stay quiet when the slowest answer on the network took `rtt`.
pub fn silence_after(rtt: Duration) -> Duration {
    SILENCE_FLOOR.max(rtt.saturating_mul(SILENCE_FACTOR))
}

/// A duration as people read it: `3 ms`, `0.8 s`, `12 s`.
pub fn human(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        format!("{:.2} ms", ms)
    } else if ms < 100.0 {
        format!("{:.0} ms", ms)
    } else if ms < 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{:.0} s", ms / 1000.0)
    }
}

impl Pace {
    pub fn new(patient: bool) -> Arc<Pace> {
        Arc::new(Pace {
            patient,
            ..Pace::default()
        })
    }

    pub fn patient(&self) -> bool {
        self.patient
    }

    /// Sets the run deadline (`--timeout`), so waits it ends are stated as such.
    pub fn set_deadline(&self, at: Instant) {
        *self.deadline.lock().unwrap_or_else(|p| p.into_inner()) = Some(at);
    }

    /// How long Go waits for one silent resolver, and the words for it — from resolv.conf's
    /// `timeout:` and `attempts:` (`ResolvConf::wait_per_server`, `ResolvConf::go_wait_text`;
    /// passed as values so the pacing does not depend on the resolver's configuration).
    pub fn set_dns_wait(&self, wait: Duration, words: String) {
        *self.dns_wait.lock().unwrap_or_else(|p| p.into_inner()) = Some((wait, words));
    }

    /// How long Go waits for `step` in this run.
    pub fn go_wait(&self, step: Step) -> Duration {
        match (
            step,
            &*self.dns_wait.lock().unwrap_or_else(|p| p.into_inner()),
        ) {
            (Step::Dns, Some((d, _))) => *d,
            _ => step.go_wait(),
        }
    }

    /// [`Pace::go_wait`] in words.
    pub fn go_wait_text(&self, step: Step) -> String {
        match (
            step,
            &*self.dns_wait.lock().unwrap_or_else(|p| p.into_inner()),
        ) {
            (Step::Dns, Some((_, t))) => t.clone(),
            _ => step.go_wait_text().to_string(),
        }
    }

    /// Whether the run deadline has passed.
    pub fn past_deadline(&self) -> bool {
        self.deadline
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|d| Instant::now() + Duration::from_millis(5) >= d)
    }

    /// Records an answer (any answer: a DNS reply, a SYN-ACK or RST, a finished handshake).
    pub fn record(&self, who: String, rtt: Duration) {
        let mut s = self.slowest.lock().unwrap_or_else(|p| p.into_inner());
        if s.as_ref().is_none_or(|a| rtt > a.rtt) {
            *s = Some(Answer { who, rtt });
            drop(s);
            self.changed.notify_waiters();
        }
    }

    /// The slowest answer seen so far.
    pub fn slowest(&self) -> Option<Answer> {
        self.slowest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The assumptions made so far, in plain words (each once).
    pub fn notes(&self) -> Vec<String> {
        self.notes.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn note(&self, text: String) {
        let mut n = self.notes.lock().unwrap_or_else(|p| p.into_inner());
        if !n.contains(&text) {
            n.push(text);
        }
    }

    async fn wait<F: Future>(
        &self,
        step: Step,
        what: impl FnOnce() -> String,
        budget: Duration,
        fut: F,
    ) -> Option<F::Output> {
        let start = Instant::now();
        let hard = start + budget;
        tokio::pin!(fut);
        loop {
            // Registered before the answer is read, so no new answer is missed.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let slowest = if self.patient { None } else { self.slowest() };
            let cut = cut_at(start, slowest.as_ref().map(|a| a.rtt), hard);
            tokio::select! {
                biased;
                v = &mut fut => return Some(v),
                _ = tokio::time::sleep_until(cut) => {
                    let deadline = *self.deadline.lock().unwrap_or_else(|p| p.into_inner());
                    // An empty description: a wait nobody needs to be told about.
                    let what = what();
                    if what.is_empty() {
                        return None;
                    }
                    if cut == hard && deadline.is_some_and(|d| d <= hard + Duration::from_millis(5)) {
                        self.note(format!(
                            "{}: not observed, the run deadline (--timeout) ended the wait after {}",
                            what,
                            human(cut - start)
                        ));
                    } else if cut < hard {
                        if let Some(a) = slowest {
                            self.note(format!(
                                "{}: no answer within {} while {} answered in {}; {}",
                                what,
                                human(cut - start),
                                a.who,
                                human(a.rtt),
                                self.go_wait_text(step)
                            ));
                        }
                    }
                    return None;
                }
                _ = &mut changed => continue,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cut_is_the_floor_or_k_times_the_slowest_answer() {
        let t = Instant::now();
        let hard = t + Duration::from_secs(5);
        assert_eq!(
            cut_at(t, None, hard),
            hard,
            "nothing answered: no assumption"
        );
        assert_eq!(
            cut_at(t, Some(Duration::from_millis(3)), hard),
            t + SILENCE_FLOOR
        );
        assert_eq!(
            cut_at(t, Some(Duration::from_millis(200)), hard),
            t + Duration::from_secs(2)
        );
        assert_eq!(cut_at(t, Some(Duration::from_secs(1)), hard), hard);
    }

    #[test]
    fn patient_runs_get_a_deadline_as_long_as_go_waits() {
        let default = Duration::from_secs(15);
        let longest = GO_DIAL_TIMEOUT + GO_CONNECT_TIMEOUT + GO_TLS_TIMEOUT;
        assert!(run_deadline(default, false, true) > longest);
        assert_eq!(run_deadline(default, false, false), default);
        // An explicit --timeout is the user's word, patient or not.
        let given = Duration::from_secs(3);
        assert_eq!(run_deadline(given, true, true), given);
        assert_eq!(
            run_deadline(Duration::from_secs(600), false, true),
            Duration::from_secs(600)
        );
    }

    #[test]
    fn resolv_conf_sets_gos_dns_wait_and_its_words() {
        let p = Pace::new(false);
        assert_eq!(p.go_wait(Step::Dns), Duration::from_secs(10));
        let conf = crate::probe::dns::system::parse_resolv_conf(
            "nameserver 10.0.0.1\noptions timeout:1 attempts:3\n",
        );
        p.set_dns_wait(conf.wait_per_server(), conf.go_wait_text());
        assert_eq!(p.go_wait(Step::Dns), Duration::from_secs(3));
        assert!(p
            .go_wait_text(Step::Dns)
            .starts_with("Go waits 3 × 1 s per resolver"));
        assert_eq!(p.go_wait(Step::Tls), GO_TLS_TIMEOUT);
    }

    #[test]
    fn the_slowest_answer_is_kept() {
        let p = Pace::new(false);
        p.record("a".into(), Duration::from_millis(5));
        p.record("b".into(), Duration::from_millis(2));
        assert_eq!(p.slowest().unwrap().who, "a");
        p.record("c".into(), Duration::from_millis(9));
        assert_eq!(p.slowest().unwrap().who, "c");
    }

    #[tokio::test]
    async fn a_silent_peer_is_cut_once_another_answered_and_the_cut_is_stated() {
        let p = Pace::new(false);
        p.record("the public resolver".into(), Duration::from_millis(3));
        let r = scope(
            p.clone(),
            bounded(
                Step::Dns,
                || "the system resolver 127.0.0.53:53".into(),
                Duration::from_secs(5),
                std::future::pending::<()>(),
            ),
        )
        .await;
        assert!(r.is_none());
        let notes = p.notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("no answer within 0.8 s"), "{}", notes[0]);
        assert!(notes[0].contains("the public resolver answered in 3 ms"));
        assert!(notes[0].contains("Go waits 2 × 5 s"));
    }

    #[tokio::test]
    async fn an_answer_that_arrives_during_the_wait_moves_the_cut() {
        let p = Pace::new(false);
        let started = Instant::now();
        let waiter = {
            let p = p.clone();
            tokio::spawn(scope(
                p,
                bounded(
                    Step::Tls,
                    || "x".into(),
                    Duration::from_secs(5),
                    std::future::pending::<()>(),
                ),
            ))
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        p.record("peer".into(), Duration::from_millis(1));
        assert!(waiter.await.unwrap().is_none());
        // Cut by the floor counted from the start of the wait, not Go's 5 s budget.
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(p.notes().len(), 1);
    }

    #[tokio::test]
    async fn patient_and_unanswered_runs_assume_nothing() {
        for patient in [true, false] {
            let p = Pace::new(patient);
            if patient {
                p.record("peer".into(), Duration::from_millis(1));
            }
            let r = scope(
                p.clone(),
                bounded(
                    Step::Dial,
                    || "x".into(),
                    Duration::from_millis(200),
                    std::future::pending::<()>(),
                ),
            )
            .await;
            assert!(r.is_none());
            assert!(p.notes().is_empty(), "patient={patient}");
        }
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human(Duration::from_millis(800)), "0.8 s");
        assert_eq!(human(Duration::from_millis(3)), "3 ms");
        assert_eq!(human(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human(Duration::from_secs(30)), "30 s");
    }
}
