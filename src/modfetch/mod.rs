//! The Go module protocol: GOPROXY requests, the checksum database, direct mode, and the simulation of cmd/go.

pub mod command;
