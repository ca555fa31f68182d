//! The vocabulary every stage shares: typed identifiers, no I/O, importing nothing of ours.

pub mod cause;
pub mod module;

pub use cause::{Area, CauseId};
