//! Helpers shared by the unit tests.

/// A variable lookup over fixed pairs, for the pure functions that read the environment
/// through `env: impl Fn(&str) -> Option<String>`.
pub fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    }
}
