//! `gomod-diag [run]`: the whole pipeline — configuration → targets → plan → probes (under
//! one deadline) → simulation of cmd/go → diagnosis → rendering.

use std::collections::BTreeSet;
use std::time::{Instant, SystemTime};

use crate::cli::{FailOn, RunArgs};
use crate::commands::Ctx;
use crate::config::GoConfig;
use crate::facts::observed::Fetch;
use crate::facts::Observations;
use crate::facts::{rfc3339, Facts};
use crate::modfetch::direct::{probe_direct_with, DirectOptions, GitSetup};
use crate::modfetch::fetch::{observe, Fetcher};
use crate::modfetch::targets::{select_targets, RoutePatterns};
use crate::plan::{route_module, ModuleRoute, ModuleTarget};
use crate::platform::SystemFacts;
use crate::probe::progress::Progress;
use crate::probe::{chain, dns, ProbeOptions, Route};
use crate::report::{self, Style};
use crate::simulate::{simulate, Prediction, SimOptions};

/// Rounds one GOPROXY entry may take for one module: list, latest, info, mod, zip.
const ROUNDS_PER_ENTRY: usize = 5;
/// Rounds of the checksum database: lookup, then the tiles it names, and their parents.
const SUMDB_ROUNDS: usize = 4;

/// How many simulate → fetch rounds the walk may take: enough for Go to fall through every
/// GOPROXY entry at every stage (each round follows Go one step further), plus the checksum
/// database. Rounds run only while something is missing, so this is a bound, not a cost.
pub fn walk_rounds(plan: &[ModuleRoute]) -> usize {
    let entries = plan.iter().map(|r| r.steps.len()).max().unwrap_or(0).max(1);
    entries * ROUNDS_PER_ENTRY + SUMDB_ROUNDS
}

pub async fn run(ctx: &Ctx, args: &RunArgs) -> anyhow::Result<u8> {
    let report = diagnose(ctx, args).await?;
    super::emit(ctx, &report, args.fail_on == FailOn::Findings)
}

/// The whole pipeline up to the report (also what `fix` acts on).
pub async fn diagnose(ctx: &Ctx, args: &RunArgs) -> anyhow::Result<report::Report> {
    let started = SystemTime::now();
    let t0 = Instant::now();
    let timeout = crate::probe::pace::run_deadline(
        ctx.global.timeout,
        ctx.global.timeout_given,
        args.patient,
    );
    let mut opts = ProbeOptions::from_args(&args.dns, timeout, &ctx.probe_hooks)
        .map_err(anyhow::Error::msg)?;
    if args.patient {
        opts = opts.patient();
    }
    opts.pace.set_deadline(opts.deadline);
    // Go's wait for a silent resolver comes from resolv.conf (timeout:, attempts:, search).
    let resolv = crate::probe::dns::system::read_resolv_conf();
    opts.pace
        .set_dns_wait(resolv.wait_per_server(), resolv.go_wait_text());
    // Every wait of this run is paced by the answers seen in it (probe::pace).
    let pace = opts.pace.clone();
    // Boxed: the pipeline is a deep future, its layout is not inlined into the caller's.
    let pipeline: std::pin::Pin<Box<dyn std::future::Future<Output = _> + '_>> =
        Box::pin(pipeline(ctx, args, opts, started, t0));
    crate::probe::pace::scope(pace, pipeline).await
}

async fn pipeline(
    ctx: &Ctx,
    args: &RunArgs,
    opts: ProbeOptions,
    started: SystemTime,
    t0: Instant,
) -> anyhow::Result<report::Report> {
    // An overlay given with --checks is read first, so a bad file stops the run before any
    // probe (the built-in entries are parsed only when the report renders them).
    let catalog = super::catalog(ctx)?;
    let progress = Progress::new(ctx.progress);

    // The shell the fixes are written for: `--shell` when given, else detected. The OS
    // inputs are independent of Go's configuration: collected meanwhile.
    let shell = match ctx.global.shell {
        Some(_) => crate::shell::ShellDetection {
            shell: ctx.shell,
            reason: "--shell".into(),
        },
        None => crate::platform::shell::detect(),
    };
    let system = tokio::task::spawn_blocking(move || crate::platform::collect_for(shell));
    // The trust stores are read once per process, and the random generator seeded: both
    // now, off the runtime's workers, so no probe's timing includes them.
    let trust = tokio::task::spawn_blocking(|| {
        crate::probe::trust::trust();
        crate::probe::seed_rng();
    });
    // `go env -json` (a child process, ~0.1 s) is off the critical path: the configuration is
    // computed from the same files with GOROOT found beside the `go` on PATH, and the probes
    // start; `go env -json` confirms it meanwhile. Should it disagree, the probes run again
    // with Go's own answer.
    let spinner = progress.start("reading Go's configuration");
    let full = tokio::task::spawn_blocking(GoConfig::load_system);
    let guess = GoConfig::load_system_guess();
    let _ = trust.await;
    spinner.finish();
    // The OS's settings, and the PAC's answers for Go's URLs, are gathered beside Go's walk.
    let (config, seen, system) = match guess {
        Some(guess) => {
            let (seen, system) = tokio::join!(
                observe_all(ctx, args, &guess, &opts, &progress),
                system_facts(system, args, &guess, &opts)
            );
            let full = full.await?;
            if full.same_inputs(&guess) {
                (full, seen?, system)
            } else {
                let (again, system) = tokio::join!(
                    observe_all(ctx, args, &full, &opts, &progress),
                    pac_again(system, args, &full, &opts)
                );
                (full, again?, system)
            }
        }
        None => {
            let full = full.await?;
            let (seen, system) = tokio::join!(
                observe_all(ctx, args, &full, &opts, &progress),
                system_facts(system, args, &full, &opts)
            );
            (full, seen?, system)
        }
    };
    let Observed {
        selection,
        plan,
        prediction,
        observations,
        deadline_expired,
        dns,
        endpoints,
        clock,
        mirrors,
    } = seen;
    let mut system = system;
    // An NTLM/Kerberos-only proxy: is a local helper (px, cntlm, alpaca) already running?
    if let (Some(sys), Some((host, port))) = (system.as_mut(), auth_unsupported_target(&endpoints))
    {
        let ports = crate::probe::local_helper::helper_ports(
            std::env::var("GOMOD_DIAG_HELPER_PORTS").ok().as_deref(),
        )
        .map_err(|e| anyhow::anyhow!(e))?;
        sys.local_helpers =
            crate::probe::local_helper::probe_local_helpers(&host, port, &ports, &opts).await;
    }

    let mut facts = Facts {
        started_at: rfc3339(started),
        finished_at: rfc3339(SystemTime::now()),
        duration_ms: crate::probe::ms(t0.elapsed()),
        deadline_ms: opts.run_timeout.as_millis() as u64,
        deadline_expired: deadline_expired || opts.pace.past_deadline(),
        assumptions: opts.pace.notes(),
        targets: selection.choices(),
        clock,
        observations,
        endpoints,
        dns,
        system,
        mirrors: None,
    };
    super::mirrors::merge(&mut facts, mirrors);
    let style = Style {
        catalog: &catalog,
        lang: ctx.lang,
        shell: ctx.shell,
    };
    Ok(report::build(&config, plan, facts, prediction, &style))
}

/// What the probes saw for one configuration.
struct Observed {
    selection: crate::modfetch::targets::TargetSelection,
    plan: Vec<ModuleRoute>,
    prediction: Prediction,
    observations: Observations,
    deadline_expired: bool,
    dns: Vec<dns::DnsFacts>,
    endpoints: Vec<chain::EndpointFacts>,
    clock: Vec<crate::probe::clock::ClockFacts>,
    mirrors: Option<crate::mirrors::MirrorRace>,
}

/// The modules to check and Go's route for each (pure, from the configuration and go.mod).
fn plan_for(
    config: &GoConfig,
    args: &RunArgs,
) -> anyhow::Result<(crate::modfetch::targets::TargetSelection, Vec<ModuleRoute>)> {
    let cwd = std::env::current_dir()?;
    let patterns = RoutePatterns {
        gonoproxy: config.effective_gonoproxy().to_string(),
        gonosumdb: config.effective_gonosumdb().to_string(),
    };
    let selection = select_targets(&cwd, &args.modules, &patterns).map_err(anyhow::Error::msg)?;
    let plan: Vec<ModuleRoute> = selection
        .targets
        .iter()
        .map(|t| {
            route_module(
                config,
                &ModuleTarget {
                    path: t.path.clone(),
                    version: t.version.clone(),
                },
            )
        })
        .collect();
    Ok((selection, plan))
}

/// The OS's proxy and trust settings, with the PAC script's answers for Go's URLs.
async fn system_facts(
    system: tokio::task::JoinHandle<SystemFacts>,
    args: &RunArgs,
    config: &GoConfig,
    opts: &ProbeOptions,
) -> Option<SystemFacts> {
    pac_again(system.await.ok(), args, config, opts).await
}

/// This machine's DNS domains, where WPAD looks: resolv.conf's search list, and on a
/// Windows domain member USERDNSDOMAIN.
fn dns_domains() -> Vec<String> {
    let mut domains = crate::probe::dns::system::read_resolv_conf().search;
    domains.extend(
        std::env::var("USERDNSDOMAIN")
            .ok()
            .filter(|d| !d.is_empty()),
    );
    domains
}

/// The PAC's answers (again) for the URLs on Go's path under `config`.
async fn pac_again(
    system: Option<SystemFacts>,
    args: &RunArgs,
    config: &GoConfig,
    opts: &ProbeOptions,
) -> Option<SystemFacts> {
    let mut sys = system?;
    if let (Some((urls, origin)), Ok((_, plan))) = (
        sys.pac_source(args.pac.as_deref(), dns_domains),
        plan_for(config, args),
    ) {
        let targets = crate::pac::go_path_urls(&plan);
        sys.pac = Some(crate::probe::pac::pac_facts(&urls, origin, targets, opts).await);
    }
    Some(sys)
}

/// Targets → plan → Go's walk beside the resolver comparison and the clock → the evidence
/// along the path.
async fn observe_all(
    ctx: &Ctx,
    args: &RunArgs,
    config: &GoConfig,
    opts: &ProbeOptions,
    progress: &Progress,
) -> anyhow::Result<Observed> {
    let (selection, plan) = plan_for(config, args)?;

    // The resolvers are compared for the names Go asks first while Go's walk runs: their
    // answers are also the run's first measure of the network (probe::pace).
    let compared = dns::cache::ComparisonCache::default();
    let first = simulate(&plan, &Observations::default(), &SimOptions::default());
    let first_urls: Vec<String> = first
        .missing
        .iter()
        .filter_map(|m| match m {
            crate::simulate::Missing::Request(u) => Some(u.expose().to_string()),
            _ => None,
        })
        .collect();
    let early_hosts = direct_hosts(config, first_urls.iter().map(String::as_str));
    let early = crate::join::join_all(
        early_hosts
            .iter()
            .map(|h| compared.probe(h, opts))
            .collect(),
    );
    let (walk, _) = tokio::join!(follow_go(ctx, args, config, &plan, opts, progress), early);
    let Walked {
        prediction,
        mut observations,
        deadline_expired,
        cache,
        clock,
    } = walk;
    // The mirror race (only when the fix will need a mirror) runs beside the evidence.
    let mirror_race = super::mirrors::start(ctx, args, config, &prediction, opts, progress)?;
    let ((dns, endpoints), mirrors) = tokio::join!(
        probe_path(config, &observations, opts, progress, &cache, &compared),
        mirror_race
    );
    // The chain probes know the exact error Go prints (` on <resolver>`, the address dialed):
    // replay the walk with them.
    let prediction = if precise_net_errors(&mut observations, &endpoints) {
        simulate(
            &plan,
            &observations,
            &SimOptions {
                check_zip: !args.no_zip,
            },
        )
    } else {
        prediction
    };
    Ok(Observed {
        selection,
        plan,
        prediction,
        observations,
        deadline_expired,
        dns,
        endpoints,
        clock: clock.into_iter().collect(),
        mirrors,
    })
}

/// The target host behind a proxy that offers only NTLM/Negotiate/Kerberos, if one does.
fn auth_unsupported_target(endpoints: &[chain::EndpointFacts]) -> Option<(String, u16)> {
    endpoints
        .iter()
        .find(|e| {
            e.proxy
                .as_ref()
                .is_some_and(|p| p.class == crate::probe::proxy::ProxyClass::AuthUnsupported)
        })
        .map(|e| (e.host.clone(), e.port))
}

/// What following Go's requests gave.
struct Walked {
    prediction: Prediction,
    observations: Observations,
    /// The run's deadline cut the walk.
    deadline_expired: bool,
    /// The endpoint chains the walk's requests started.
    cache: std::sync::Arc<chain::ChainCache>,
    /// The local clock against the first https server that answered Go's requests.
    clock: Option<crate::probe::clock::ClockFacts>,
}

/// Replays cmd/go: simulate, fetch what Go would fetch next, repeat — under the run deadline.
/// Also asks the GOPROXY entries Go never reaches, as evidence for `config.comma_blocks_fallback`.
async fn follow_go(
    ctx: &Ctx,
    args: &RunArgs,
    config: &GoConfig,
    plan: &[ModuleRoute],
    opts: &ProbeOptions,
    progress: &Progress,
) -> Walked {
    let sim = SimOptions {
        check_zip: !args.no_zip,
    };
    // GETs go through the probes: the resolver Go uses (or --system-dns), Go-format errors.
    let credentials = super::credentials(config);
    let known = Observations {
        goauth_not_run: credentials.not_observed.clone(),
        ..Observations::default()
    };
    let fetcher = Fetcher::with_probe(Some(config.proxy_env()), opts).with_credentials(credentials);
    let cache = fetcher.chain_cache().unwrap_or_default();
    let direct_opts = DirectOptions {
        gonoproxy_private: false,
        goprivate: config.get("GOPRIVATE").to_string(),
        govcs: config.govcs().ok(),
        goinsecure: config.get("GOINSECURE").to_string(),
        ls_remote: !args.no_vcs,
        version: None,
        timeout: opts.per_probe_timeout,
        dns: Some(opts.clone()),
    };
    let spinner = progress.start(&format!(
        "following go mod download for {} module(s)",
        plan.len()
    ));
    let walk = observe(
        plan,
        &sim,
        &fetcher,
        known.clone(),
        walk_rounds(plan),
        |path| {
            let fetcher = &fetcher;
            let mut o = direct_opts.clone();
            o.gonoproxy_private =
                crate::config::pattern::match_prefix_patterns(config.effective_gonoproxy(), &path);
            o.version = plan
                .iter()
                .find(|r| r.module.path == path)
                .and_then(|r| r.module.version.clone());
            // Go's own GOMODCACHE (also when set only with `go env -w`): git runs in it.
            let git = GitSetup {
                gomodcache: config.get("GOMODCACHE").to_string(),
                ..GitSetup::default()
            };
            async move { probe_direct_with(&path, fetcher, &o, &git).await }
        },
    );
    let remaining = opts
        .deadline
        .saturating_duration_since(tokio::time::Instant::now());
    let result = tokio::time::timeout(remaining, walk).await;
    spinner.finish();
    let (prediction, mut observations, expired) = match result {
        Ok((p, o)) => (p, o, false),
        Err(_) => {
            let o = known;
            (simulate(plan, &o, &sim), o, true)
        }
    };
    if !expired {
        let extra = alternative_requests(config, &prediction, &observations);
        let remaining = opts
            .deadline
            .saturating_duration_since(tokio::time::Instant::now());
        let fetches =
            crate::join::join_all(extra.iter().map(|u| fetcher.get(u, 1 << 20)).collect());
        if let Ok(results) = tokio::time::timeout(remaining, fetches).await {
            for (u, f) in extra.into_iter().zip(results) {
                observations.http.insert(u, f);
            }
        }
    }
    let _ = ctx;
    Walked {
        prediction,
        observations,
        deadline_expired: expired,
        cache,
        clock: fetcher.clock(),
    }
}

/// The same requests at the other GOPROXY URL entries: for a failed stage (did a later entry
/// that Go never reached work? — `config.comma_blocks_fallback`), and for the version list and
/// `.info` Go used (is a mirror slow or stale? — `goproxy.slow`, `goproxy.stale_mirror`).
fn alternative_requests(
    config: &GoConfig,
    prediction: &Prediction,
    obs: &Observations,
) -> Vec<String> {
    let Ok(entries) = config.proxy_list() else {
        return vec![];
    };
    let bases: Vec<String> = entries
        .iter()
        .filter_map(|e| match e {
            crate::config::ProxyEntry::Url { url, .. } => {
                Some(url.expose().trim_end_matches('/').to_string())
            }
            _ => None,
        })
        .collect();
    if bases.len() < 2 {
        return vec![];
    }
    let mut out = BTreeSet::new();
    for m in &prediction.modules {
        let failed = m.outcome == crate::simulate::Outcome::Failed;
        for stage in &m.stages {
            let stopped_here = failed && stage.outcome == crate::simulate::Outcome::Failed;
            if !stopped_here && !matches!(stage.stage.as_str(), "list" | "info") {
                continue;
            }
            let Some(url) = stage.attempts.last().and_then(|a| a.url.as_ref()) else {
                continue;
            };
            let url = url.expose();
            let Some(i) = bases.iter().position(|b| url.starts_with(b.as_str())) else {
                continue;
            };
            let suffix = &url[bases[i].len()..];
            for (j, other) in bases.iter().enumerate() {
                let candidate = format!("{other}{suffix}");
                if j != i && !obs.http.contains_key(&candidate) {
                    out.insert(candidate);
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Replaces the HTTP client's view of a network failure with the chain probe's (Go's exact
/// text and the cause it points at). True when anything changed.
fn precise_net_errors(obs: &mut Observations, endpoints: &[chain::EndpointFacts]) -> bool {
    let mut changed = false;
    for (url, fetch) in obs.http.iter_mut() {
        let Fetch::NetError {
            go_error, class, ..
        } = fetch
        else {
            continue;
        };
        let Ok(u) = url::Url::parse(url) else {
            continue;
        };
        let endpoint = endpoints.iter().find(|e| {
            Some(e.host.as_str()) == u.host_str()
                && Some(e.port) == u.port_or_known_default()
                && e.scheme == u.scheme()
        });
        let Some(e) = endpoint else { continue };
        let (Some(text), Some(f)) = (e.go_error(url), &e.failure) else {
            continue;
        };
        let Some(cause) = f.cause else { continue };
        if *go_error != text || *class != cause {
            *go_error = text;
            *class = cause;
            changed = true;
        }
    }
    changed
}

/// The names Go resolves itself among `urls`: only names, and only on direct routes (through
/// a proxy, the proxy resolves).
fn direct_hosts<'a>(config: &GoConfig, urls: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    let env = config.proxy_env();
    urls.filter_map(|key| {
        let u = url::Url::parse(key).ok()?;
        if !matches!(u.scheme(), "http" | "https") {
            return None;
        }
        let route = Route::from_choice(&env.proxy_for(&u)).unwrap_or(Route::Direct);
        match u.host() {
            Some(url::Host::Domain(h)) if route == Route::Direct => Some(h.to_string()),
            _ => None,
        }
    })
    .collect()
}

/// Evidence along Go's path: every host name Go contacted, compared across resolvers, and
/// the DNS → TCP → TLS / proxy chain of every endpoint — all at once, one spinner each.
async fn probe_path(
    config: &GoConfig,
    obs: &Observations,
    opts: &ProbeOptions,
    progress: &Progress,
    cache: &chain::ChainCache,
    compared: &dns::cache::ComparisonCache,
) -> (Vec<dns::DnsFacts>, Vec<chain::EndpointFacts>) {
    let hosts = direct_hosts(config, obs.http.keys().map(String::as_str));
    let mut endpoints: Vec<(url::Url, Route)> = vec![];
    let mut seen = BTreeSet::new();
    let env = config.proxy_env();
    for key in obs.http.keys() {
        let Ok(u) = url::Url::parse(key) else {
            continue;
        };
        let Some(host) = u.host_str() else { continue };
        if !matches!(u.scheme(), "http" | "https") {
            continue;
        }
        let route = Route::from_choice(&env.proxy_for(&u)).unwrap_or(Route::Direct);
        let id = (
            u.scheme().to_string(),
            host.to_string(),
            u.port_or_known_default(),
            route.display(),
        );
        if seen.insert(id) {
            let mut base = u.clone();
            base.set_path("/");
            base.set_query(None);
            endpoints.push((base, route));
        }
    }
    let remaining = opts
        .deadline
        .saturating_duration_since(tokio::time::Instant::now());
    let dns_probes = crate::join::join_all(
        hosts
            .iter()
            .map(|h| async move {
                let spinner = progress.start(&format!("dns {h}"));
                let facts = compared.probe(h, opts).await;
                spinner.finish();
                facts
            })
            .collect(),
    );
    let chains = crate::join::join_all(
        endpoints
            .iter()
            .map(|(u, r)| async move {
                let what = match r {
                    Route::Direct => format!("{} {}", u.scheme(), u.host_str().unwrap_or("")),
                    Route::Proxy(_) => format!(
                        "{} {} via {}",
                        u.scheme(),
                        u.host_str().unwrap_or(""),
                        r.display()
                    ),
                };
                let spinner = progress.start(&what);
                // Chains the walk started are finished or in flight: shared, not repeated.
                let facts = cache.probe(u, r, opts).await;
                spinner.finish();
                (*facts).clone()
            })
            .collect(),
    );
    let out = tokio::time::timeout(remaining, async { tokio::join!(dns_probes, chains) }).await;
    out.unwrap_or_default()
}
