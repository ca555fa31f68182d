//! The Go module protocol on the wire (I/O): the GOPROXY and checksum-database requests Go
//! makes, direct mode (`?go-get=1`, git), and the `probe module` command's edge. What the
//! requests observe is recorded in `facts`; `simulate` replays it.

pub mod command;
pub mod direct;
pub mod fetch;
pub mod git_text;
pub mod meta;
pub mod targets;
