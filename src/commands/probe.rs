use crate::app::{not_implemented, Ctx};
use crate::cli::{ProbeArgs, ProbeKind};

pub async fn run(ctx: &Ctx, args: &ProbeArgs) -> anyhow::Result<u8> {
    match &args.kind {
        // The module-protocol probes belong to modfetch.
        ProbeKind::Goproxy { .. } | ProbeKind::Sumdb { .. } => {
            crate::modfetch::command::run_probe(ctx, &args.kind).await
        }
        _ => not_implemented("`probe`"),
    }
}
