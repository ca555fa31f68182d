//! The Go module protocol: GOPROXY requests, the checksum database, direct mode, and the
//! simulation of cmd/go.

pub mod command;
pub mod direct;
pub mod dirhash;
pub mod escape;
pub mod fetch;
pub mod note;
pub mod outcome;
pub mod simulate;
pub mod targets;
pub mod tlog;
