use crate::app::{not_implemented, Ctx};

pub async fn run(_ctx: &Ctx, _args: &crate::cli::ExplainArgs) -> anyhow::Result<u8> {
    not_implemented("`explain`")
}
