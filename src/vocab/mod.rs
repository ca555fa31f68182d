//! The vocabulary every stage shares: typed identifiers, module paths and Go's error texts;
//! no I/O, importing nothing of ours.

pub mod cause;
pub mod goerr;
pub mod module;

pub use cause::{Area, CauseId};
