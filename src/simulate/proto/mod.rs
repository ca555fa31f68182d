//! The checksum database's protocol, verified offline: signed notes, the tiled transparency
//! log and the module hash (golang.org/x/mod/sumdb/{note,tlog}, golang.org/x/mod/sumdb/dirhash).

pub mod dirhash;
pub mod note;
pub mod tlog;
