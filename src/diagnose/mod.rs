//! Diagnosis: the decision tree, the root-cause catalog, fixes, and `explain` (pure).

pub mod catalog;
pub mod explain;
pub mod fixes;
pub mod tree;
