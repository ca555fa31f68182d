//! One module per subcommand: each turns parsed arguments into work and output.

pub mod completions;
pub mod env;
pub mod explain;
pub mod probe;
pub mod report;
pub mod run;
