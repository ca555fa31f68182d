//! Progress: one spinner per running probe on stderr, only when `Ctx::progress` is true
//! (interactive stderr, not `--json`, not `--ci`); hidden otherwise.

use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Clone)]
pub struct Progress {
    multi: MultiProgress,
    enabled: bool,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        let target = if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Progress {
            multi: MultiProgress::with_draw_target(target),
            enabled,
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Starts a spinner labelled `what` (e.g. `tls proxy.golang.org:443`).
    pub fn start(&self, what: &str) -> Spinner {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(crate::redact::mask_text(what));
        if self.enabled {
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        Spinner { bar }
    }

    /// Prints a line above the spinners without tearing them.
    pub fn println(&self, line: &str) {
        if self.enabled {
            let _ = self.multi.println(line);
        }
    }
}

pub struct Spinner {
    bar: ProgressBar,
}

impl Spinner {
    /// Ends the spinner, leaving nothing behind (the result is printed by the caller).
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}
