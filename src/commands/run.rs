use crate::app::{not_implemented, Ctx};

pub async fn run(_ctx: &Ctx, _args: &crate::cli::RunArgs) -> anyhow::Result<u8> {
    not_implemented("`run`")
}
