//! `gomod-diag probe goproxy|sumdb`.

use crate::app::{not_implemented, Ctx};
use crate::cli::ProbeKind;

pub async fn run_probe(_ctx: &Ctx, _kind: &ProbeKind) -> anyhow::Result<u8> {
    not_implemented("`probe goproxy` / `probe sumdb`")
}
