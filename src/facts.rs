//! The facts: one serializable record of everything the probes observed.
