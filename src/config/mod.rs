//! Go's configuration exactly as cmd/go reads it (pure).
