//! gomod-diag: why `go get` / `go mod download` fails on this network, and the fix.
//!
//! The pipeline (docs/DESIGN.md): configuration (pure) → plan (pure) → probes (I/O)
//! → facts → simulation of cmd/go (pure) → diagnosis (pure) → rendering.

// The run pipeline is one deep future (probes inside paced, concurrent waits).
#![recursion_limit = "256"]

pub mod app;
pub mod catalog;
pub mod child;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnose;
pub mod exit;
pub mod explain;
pub mod facts;
pub mod join;
pub mod mirrors;
pub mod modfetch;
pub mod pac;
pub mod plan;
pub mod platform;
pub mod probe;
pub mod redact;
pub mod render;
pub mod report;
#[cfg(test)]
mod schema;
pub mod shell;
pub mod simulate;
#[cfg(test)]
mod test_support;
pub mod vocab;
