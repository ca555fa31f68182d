//! module.MatchPrefixPatterns and a faithful port of Go's path.Match.

/// Reports whether any glob in the comma-separated `globs` matches a prefix of `target`.
pub fn match_prefix_patterns(globs: &str, target: &str) -> bool {
    let _ = (globs, target);
    false
}

/// path.Match; Err(()) is path.ErrBadPattern.
pub fn path_match(pattern: &str, name: &str) -> Result<bool, ()> {
    let _ = (pattern, name);
    Ok(false)
}

/// The comma-separated entries that contain whitespace (they can never match).
pub fn whitespace_entries(globs: &str) -> Vec<String> {
    let _ = globs;
    Vec::new()
}
