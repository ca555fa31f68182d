//! The edge: parse the command line, settle the output context, dispatch, map to exit codes.

use std::process::ExitCode;

use crate::cli::Command;
use crate::commands::{self, Ctx};
use crate::{exit, redact};

pub fn main() -> ExitCode {
    // A child started to evaluate a PAC script in its own capped address space.
    if std::env::var_os(crate::probe::pac_child::CHILD_ENV).is_some() {
        return crate::probe::pac_child::serve();
    }
    // aws-lc's random generator is seeded (tens of ms of CPU) while the run starts.
    crate::probe::start_rng_seeding();
    // One crypto provider for every rustls user in the process (reqwest, hickory, our probes).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();

    let cli = match crate::cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        // clap prints help/version (exit 0) or the usage error (exit 2) itself.
        Err(e) => e.exit(),
    };
    let ctx = Ctx::new(cli.global.clone());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gomod-diag: error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::INCONCLUSIVE);
        }
    };
    let result = runtime.block_on(async {
        // Ctrl-C ends the run by dropping it: its spinners clear their lines on drop, so a
        // terminal is left clean, and the exit code is the shell's 128 + SIGINT.
        // `biased`: the handler is installed (first poll) before the run draws anything.
        tokio::select! {
            biased;
            _ = tokio::signal::ctrl_c() => Ok(None),
            r = dispatch(&ctx, cli.command, cli.run) => r.map(Some),
        }
    });
    // Probes may leave blocking lookups behind; never let them hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(Some(code)) => ExitCode::from(code),
        Ok(None) => {
            eprintln!("gomod-diag: interrupted");
            ExitCode::from(exit::INTERRUPTED)
        }
        Err(e) => {
            // An error may quote a peer or a file: escaped like every output.
            eprintln!(
                "gomod-diag: error: {}",
                crate::render::escape::text(&redact::mask_text(&format!("{e:#}")))
            );
            ExitCode::from(exit::USAGE)
        }
    }
}

async fn dispatch(
    ctx: &Ctx,
    command: Option<Command>,
    run: crate::cli::RunArgs,
) -> anyhow::Result<u8> {
    // Markdown is a report format: the other commands print text or JSON.
    let markdown_ok = matches!(
        command,
        None | Some(Command::Run(_)) | Some(Command::Report(_))
    );
    if ctx.global.output_format() == crate::cli::OutputFormat::Markdown && !markdown_ok {
        anyhow::bail!("--format markdown is for `run` and `report`; this command prints text or JSON (--format text|json)");
    }
    match command {
        None => commands::run::run(ctx, &run).await,
        Some(Command::Run(args)) => commands::run::run(ctx, &args).await,
        Some(Command::Env(args)) => commands::env::run(ctx, &args),
        Some(Command::Probe(args)) => commands::probe::run(ctx, &args).await,
        Some(Command::Explain(args)) => commands::explain::run(ctx, &args).await,
        Some(Command::Report(args)) => commands::report::run(ctx, &args),
        Some(Command::Mirrors(args)) => commands::mirrors::run(ctx, &args).await,
        Some(Command::Completions(args)) => commands::completions::run(&args),
        Some(Command::Man) => commands::man::run(),
        Some(Command::Fix(args)) => commands::fix::run(ctx, &args).await,
    }
}
