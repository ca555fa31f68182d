//! The Go module protocol on the wire (I/O): the GOPROXY and checksum-database requests Go
//! makes and direct mode (`?go-get=1`, git); `commands/probe_module.rs` is their command. What the
//! requests observe is recorded in `facts`; `simulate` replays it.

pub mod direct;
pub mod fetch;
pub mod git_text;
pub mod gitrefs;
pub mod meta;
pub mod othervcs;
pub mod sshkeys;
pub mod targets;
pub mod vcs_cmd;
