use crate::app::{not_implemented, Ctx};

pub fn run(_ctx: &Ctx, _args: &crate::cli::EnvArgs) -> anyhow::Result<u8> {
    not_implemented("`env`")
}
