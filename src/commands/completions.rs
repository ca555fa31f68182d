use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<u8> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "gomod-diag", &mut script);
    super::out(&String::from_utf8_lossy(&script))?;
    Ok(exit::SUCCESS)
}
