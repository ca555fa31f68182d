//! The vocabulary every stage shares: typed identifiers, no I/O, importing nothing of ours.

pub mod cause;

pub use cause::{Area, CauseId};
