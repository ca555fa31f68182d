//! `gomod-diag mirrors`: race the module mirrors (built-in list, `--mirrors FILE`) from here,
//! print the ranking and the GOPROXY / GOSUMDB commands for the user's shell (`--json`: the
//! measurements). Also `run`'s hook: [`start`] the race beside the other probes when the
//! fix needs a mirror, and [`merge`] its result into the facts.

use std::future::Future;

use crate::cli::{MirrorsArgs, RunArgs};
use crate::commands::Ctx;
use crate::config::GoConfig;
use crate::facts::Facts;
use crate::mirrors::rank::{advise, rank};
use crate::mirrors::{race::race, MirrorList, MirrorRace};
use crate::probe::progress::Progress;
use crate::probe::ProbeOptions;
use crate::render::{self, Paint};
use crate::simulate::{Outcome, Prediction};
use crate::vocab::Area;

/// The built-in list, extended or replaced by `--mirrors FILE`.
pub fn list(ctx: &Ctx) -> anyhow::Result<MirrorList> {
    let builtin = MirrorList::builtin();
    match &ctx.global.mirrors {
        None => Ok(builtin),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!("--mirrors {}: cannot read it: {e}", path.display())
            })?;
            MirrorList::parse(&text, Some(&builtin))
                .map_err(|e| anyhow::anyhow!("--mirrors {}: {e}", path.display()))
        }
    }
}

pub async fn run(ctx: &Ctx, args: &MirrorsArgs) -> anyhow::Result<u8> {
    let list = list(ctx)?;
    let config = tokio::task::spawn_blocking(GoConfig::load_system).await?;
    // The deadline is the race's own: it starts once Go's configuration is read.
    let opts = ProbeOptions::with_system_dns(&args.system, ctx.global.timeout, &ctx.probe_hooks);
    let progress = Progress::new(ctx.progress);
    let race = race(&list, &config, &opts, &progress).await;
    let ranked = rank(&race);
    let advice = advise(&race, &ranked);
    let text = if ctx.global.json {
        let v = serde_json::json!({ "race": race, "ranking": ranked, "advice": advice });
        format!("{}\n", serde_json::to_string_pretty(&v)?)
    } else {
        render::mirrors::text(
            &race,
            &ranked,
            &advice,
            ctx.shell,
            ctx.lang,
            Paint { on: ctx.color },
        )
    };
    super::out_painted(&crate::redact::mask_text(&text), ctx.color)?;
    Ok(if advice.goproxy.is_some() {
        crate::exit::SUCCESS
    } else {
        crate::exit::GO_WILL_FAIL
    })
}

/// Whether `run`'s verdict may need a mirror: a module fails on the network or at a proxy,
/// not on configuration or version control alone.
fn needs_mirror(prediction: &Prediction) -> bool {
    prediction.modules.iter().any(|m| {
        m.outcome == Outcome::Failed
            && m.cause
                .is_none_or(|c| !matches!(c.area(), Area::Config | Area::Vcs | Area::Local))
    })
}

/// `run`'s hook: the race, to be awaited beside the other probes (under the same deadline
/// in `opts`); it resolves at once to None with `--no-mirrors` or when no mirror is needed.
/// A bad `--mirrors FILE` is an error here, before anything is sent.
pub fn start<'a>(
    ctx: &Ctx,
    args: &RunArgs,
    config: &'a GoConfig,
    prediction: &Prediction,
    opts: &'a ProbeOptions,
    progress: &'a Progress,
) -> anyhow::Result<impl Future<Output = Option<MirrorRace>> + 'a> {
    let list = list(ctx)?;
    let wanted = !args.no_mirrors && needs_mirror(prediction);
    Ok(async move {
        if wanted {
            Some(race(&list, config, opts, progress).await)
        } else {
            None
        }
    })
}

/// `run`'s hook: the race's result joins the facts (the diagnosis reads it from there, and
/// `report FILE` re-uses it).
pub fn merge(facts: &mut Facts, race: Option<MirrorRace>) {
    facts.mirrors = race;
}
