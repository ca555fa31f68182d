//! ANSI colour for the text renderers (in its own file so that renderers import it without
//! importing `render/mod.rs`, which imports them).

/// ANSI styling that collapses to plain text when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub on: bool,
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        // A painted value may be a peer's text: it cannot bring escapes of its own (only
        // the colours painted inside it, for nesting).
        let s = super::escape::output(s, self.on);
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.into_owned()
        }
    }
    pub fn red(self, s: &str) -> String {
        self.wrap("31", s)
    }
    pub fn green(self, s: &str) -> String {
        self.wrap("32", s)
    }
    pub fn yellow(self, s: &str) -> String {
        self.wrap("33", s)
    }
    pub fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
    pub fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }
}
