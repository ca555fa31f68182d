//! Diagnosis: the decision tree, the root-cause catalog, fixes, and `explain` (pure).
