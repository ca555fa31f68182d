//! Exit codes: a documented contract (README, "Exit codes").

/// Go will succeed for every target module.
pub const SUCCESS: u8 = 0;
/// Go will fail (or, with `--fail-on findings`, a finding was made); the cause is named.
pub const GO_WILL_FAIL: u8 = 1;
/// gomod-diag was used wrongly: a bad flag, a bad value, an unreadable input.
pub const USAGE: u8 = 2;
/// Inconclusive: the facts do not allow a prediction (for example the run deadline expired
/// before the probes on Go's path finished, or git access was not checked with `--no-vcs`).
pub const INCONCLUSIVE: u8 = 3;
/// Interrupted by Ctrl-C (SIGINT): the shell's 128 + 2.
pub const INTERRUPTED: u8 = 130;
