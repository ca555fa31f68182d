//! The PAC script in a sandboxed JavaScript engine (boa): no I/O but what the host gives
//! ([`PacEnv`]: name resolution, the machine's addresses, the time), every run stopped after
//! a number of steps (and, when asked, a wall-clock limit), loops and recursion capped.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::rc::Rc;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use boa_engine::{
    js_string, Context, JsArgs, JsNativeError, JsResult, JsString, JsValue, NativeFunction, Script,
    Source,
};

use super::helpers::{self, Arg, PacClock};

/// What a PAC script may learn about the machine: the caller decides how (a bounded system
/// lookup at the I/O edge, a table in tests).
pub trait PacEnv {
    /// The addresses `host` resolves to (empty when it does not).
    fn resolve(&self, host: &str) -> Vec<IpAddr>;
    /// This machine's addresses, for `myIpAddress()`.
    fn my_addresses(&self) -> Vec<IpAddr>;
    /// Now, for `weekdayRange` / `dateRange` / `timeRange`.
    fn clock(&self) -> PacClock;
}

/// How much a script may do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The largest script accepted, in bytes.
    pub script_bytes: usize,
    /// Engine steps (each [`STEP_COST`] instruction-cost units) per run of the script.
    pub steps: u64,
    /// Loop iterations per function call.
    pub loop_iterations: u64,
    /// Nested calls.
    pub recursion: usize,
    /// Different names the script may resolve; later lookups find nothing.
    pub lookups: usize,
    /// A wall-clock limit per run, on top of the steps (the I/O edge sets it).
    pub wall: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            script_bytes: 1 << 20,
            steps: 100_000,
            loop_iterations: 1_000_000,
            recursion: 256,
            lookups: 64,
            wall: None,
        }
    }
}

/// Instruction cost between two looks at the limits.
pub const STEP_COST: u32 = 1024;

/// How a PAC script failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacFailure {
    /// Larger than [`Limits::script_bytes`].
    TooLarge,
    /// Not JavaScript the engine parses.
    Syntax,
    /// The script threw (its message is in the error).
    Threw,
    /// No `FindProxyForURL` function.
    NoFunction,
    /// `FindProxyForURL` returned something other than a string.
    NotAString,
    /// Stopped: too many steps, loop iterations, nested calls, or past the wall clock.
    Stopped,
}

/// A failure, naming the script and what happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PAC {pac}: {detail}")]
pub struct PacError {
    pub pac: String,
    pub kind: PacFailure,
    pub detail: String,
}

/// The host side the native helpers read: the environment and a bounded lookup cache.
struct Host {
    env: Rc<dyn PacEnv>,
    lookups: RefCell<BTreeMap<String, Vec<IpAddr>>>,
    max_lookups: usize,
}

thread_local! {
    /// The host of the script running on this thread (set for the length of a run).
    static HOST: RefCell<Option<Rc<Host>>> = const { RefCell::new(None) };
}

impl Host {
    fn resolve(&self, host: &str) -> Vec<IpAddr> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return vec![ip];
        }
        let key = host.to_ascii_lowercase();
        if let Some(a) = self.lookups.borrow().get(&key) {
            return a.clone();
        }
        if self.lookups.borrow().len() >= self.max_lookups {
            return Vec::new();
        }
        let addrs = self.env.resolve(&key);
        self.lookups.borrow_mut().insert(key, addrs.clone());
        addrs
    }
}

fn host(_: &Context) -> JsResult<Rc<Host>> {
    HOST.with(|h| h.borrow().clone()).ok_or_else(|| {
        JsNativeError::error()
            .with_message("PAC host missing")
            .into()
    })
}

fn arg_str(args: &[JsValue], i: usize, ctx: &mut Context) -> JsResult<String> {
    Ok(args
        .get_or_undefined(i)
        .to_string(ctx)?
        .to_std_string_escaped())
}

fn date_args(args: &[JsValue], ctx: &mut Context) -> JsResult<Vec<Arg>> {
    args.iter()
        .map(|a| match a.as_number() {
            Some(n) => Ok(Arg::Num(n)),
            None => Ok(Arg::Str(a.to_string(ctx)?.to_std_string_escaped())),
        })
        .collect()
}

fn first_v4(addrs: &[IpAddr]) -> Option<Ipv4Addr> {
    addrs.iter().find_map(|a| match a {
        IpAddr::V4(v4) => Some(*v4),
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
    })
}

fn joined(addrs: &[IpAddr]) -> JsValue {
    let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
    JsValue::from(JsString::from(list.join(";").as_str()))
}

fn s(v: &str) -> JsValue {
    JsValue::from(JsString::from(v))
}

type Native = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

/// The standard PAC functions, by name and argument count.
const NATIVES: &[(&str, usize, Native)] = &[
    ("isPlainHostName", 1, |_, a, c| {
        Ok(helpers::is_plain_host_name(&arg_str(a, 0, c)?).into())
    }),
    ("dnsDomainIs", 2, |_, a, c| {
        Ok(helpers::dns_domain_is(&arg_str(a, 0, c)?, &arg_str(a, 1, c)?).into())
    }),
    ("localHostOrDomainIs", 2, |_, a, c| {
        Ok(helpers::local_host_or_domain_is(&arg_str(a, 0, c)?, &arg_str(a, 1, c)?).into())
    }),
    ("dnsDomainLevels", 1, |_, a, c| {
        Ok((helpers::dns_domain_levels(&arg_str(a, 0, c)?) as i32).into())
    }),
    ("shExpMatch", 2, |_, a, c| {
        Ok(helpers::sh_exp_match(&arg_str(a, 0, c)?, &arg_str(a, 1, c)?).into())
    }),
    ("dnsResolve", 1, |_, a, c| {
        let name = arg_str(a, 0, c)?;
        Ok(first_v4(&host(c)?.resolve(&name)).map_or(JsValue::null(), |ip| s(&ip.to_string())))
    }),
    ("dnsResolveEx", 1, |_, a, c| {
        let name = arg_str(a, 0, c)?;
        Ok(joined(&host(c)?.resolve(&name)))
    }),
    ("isResolvable", 1, |_, a, c| {
        let name = arg_str(a, 0, c)?;
        Ok(first_v4(&host(c)?.resolve(&name)).is_some().into())
    }),
    ("isResolvableEx", 1, |_, a, c| {
        let name = arg_str(a, 0, c)?;
        Ok((!host(c)?.resolve(&name).is_empty()).into())
    }),
    ("isInNet", 3, |_, a, c| {
        // `isInNet(dnsResolve(host), ...)` for a name that does not resolve: no lookup of "null".
        if a.get_or_undefined(0).is_null_or_undefined() {
            return Ok(false.into());
        }
        let (name, pattern, mask) = (arg_str(a, 0, c)?, arg_str(a, 1, c)?, arg_str(a, 2, c)?);
        Ok(first_v4(&host(c)?.resolve(&name))
            .is_some_and(|ip| helpers::is_in_net(ip, &pattern, &mask))
            .into())
    }),
    ("isInNetEx", 2, |_, a, c| {
        let (name, prefix) = (arg_str(a, 0, c)?, arg_str(a, 1, c)?);
        let addrs = host(c)?.resolve(&name);
        Ok(addrs
            .iter()
            .any(|ip| helpers::is_in_net_ex(*ip, &prefix))
            .into())
    }),
    ("myIpAddress", 0, |_, _, c| {
        let ip = first_v4(&host(c)?.env.my_addresses()).unwrap_or(Ipv4Addr::LOCALHOST);
        Ok(s(&ip.to_string()))
    }),
    ("myIpAddressEx", 0, |_, _, c| {
        Ok(joined(&host(c)?.env.my_addresses()))
    }),
    ("sortIpAddressList", 1, |_, a, c| {
        let list = arg_str(a, 0, c)?;
        Ok(helpers::sort_ip_address_list(&list).map_or(false.into(), |l| s(&l)))
    }),
    ("weekdayRange", 1, |_, a, c| {
        let args = date_args(a, c)?;
        Ok(helpers::weekday_range(&args, &host(c)?.env.clock()).into())
    }),
    ("dateRange", 1, |_, a, c| {
        let args = date_args(a, c)?;
        Ok(helpers::date_range(&args, &host(c)?.env.clock()).into())
    }),
    ("timeRange", 1, |_, a, c| {
        let args = date_args(a, c)?;
        Ok(helpers::time_range(&args, &host(c)?.env.clock()).into())
    }),
    ("getClientVersion", 0, |_, _, _| Ok(s("1.0"))),
    // Browsers log it; nothing is shown here.
    ("alert", 1, |_, _, _| Ok(JsValue::undefined())),
    // Netscape's internal helper that some scripts call directly.
    ("convert_addr", 1, |_, a, c| {
        let ip = arg_str(a, 0, c)?.trim().parse::<Ipv4Addr>().ok();
        Ok(ip.map_or(0.0, |ip| f64::from(u32::from(ip))).into())
    }),
];

/// A loaded PAC script, ready to answer `FindProxyForURL` questions.
pub struct Pac {
    ctx: Context,
    host: Rc<Host>,
    name: String,
    limits: Limits,
    /// `FindProxyForURLEx` (Microsoft's IPv6-aware entry point) wins when defined, as in WinINET.
    entry: &'static str,
    /// Set once a run was stopped: the engine is left mid-run and answers nothing more.
    stopped: Option<PacError>,
}

impl Pac {
    /// Parses and runs `source` (its top level), named `name` in errors.
    pub fn load(
        name: &str,
        source: &str,
        env: Rc<dyn PacEnv>,
        limits: Limits,
    ) -> Result<Pac, PacError> {
        let fail = |kind, detail: String| PacError {
            pac: name.to_string(),
            kind,
            detail,
        };
        if source.len() > limits.script_bytes {
            return Err(fail(
                PacFailure::TooLarge,
                format!(
                    "the script is {} bytes; at most {} are accepted",
                    source.len(),
                    limits.script_bytes
                ),
            ));
        }
        let mut ctx = Context::default();
        ctx.runtime_limits_mut()
            .set_loop_iteration_limit(limits.loop_iterations);
        ctx.runtime_limits_mut()
            .set_recursion_limit(limits.recursion);
        for (fname, len, f) in NATIVES {
            ctx.register_global_callable(js_string!(*fname), *len, NativeFunction::from_fn_ptr(*f))
                .map_err(|e| fail(PacFailure::Threw, e.to_string()))?;
        }
        let mut pac = Pac {
            ctx,
            host: Rc::new(Host {
                env,
                lookups: RefCell::new(BTreeMap::new()),
                max_lookups: limits.lookups,
            }),
            name: name.to_string(),
            limits,
            entry: "FindProxyForURL",
            stopped: None,
        };
        pac.run(source, "loading the script")?;
        let kind = |pac: &mut Pac, f: &str| {
            pac.run(&format!("typeof {f}"), "looking for the function")
                .map(|v| v.as_string().map(|s| s.to_std_string_escaped()))
        };
        if kind(&mut pac, "FindProxyForURLEx")?.as_deref() == Some("function") {
            pac.entry = "FindProxyForURLEx";
        } else if kind(&mut pac, "FindProxyForURL")?.as_deref() != Some("function") {
            return Err(fail(
                PacFailure::NoFunction,
                "the script defines no FindProxyForURL function".into(),
            ));
        }
        Ok(pac)
    }

    /// The script's answer for `url` (whose host is `host`), as it returned it.
    pub fn find_proxy(&mut self, url: &str, host: &str) -> Result<String, PacError> {
        let call = format!(
            "{}({}, {})",
            self.entry,
            serde_json::Value::from(url),
            serde_json::Value::from(host)
        );
        let what = format!("{}({url})", self.entry);
        let v = self.run(&call, &what)?;
        match v.as_string() {
            Some(s) => Ok(s.to_std_string_escaped()),
            None => Err(self.error(
                PacFailure::NotAString,
                format!(
                    "{what} returned {} ({}), not a string",
                    v.type_of(),
                    v.display()
                ),
            )),
        }
    }

    fn error(&self, kind: PacFailure, detail: String) -> PacError {
        PacError {
            pac: self.name.clone(),
            kind,
            detail,
        }
    }

    /// Runs `source` to completion, a step at a time, stopping at the limits.
    fn run(&mut self, source: &str, what: &str) -> Result<JsValue, PacError> {
        if let Some(e) = &self.stopped {
            return Err(e.clone());
        }
        let script = match Script::parse(Source::from_bytes(source), None, &mut self.ctx) {
            Ok(s) => s,
            Err(e) => return Err(self.error(PacFailure::Syntax, format!("{what}: {e}"))),
        };
        let start = Instant::now();
        let limits = self.limits;
        let previous = HOST.with(|h| h.replace(Some(self.host.clone())));
        let mut steps = 0u64;
        let outcome = {
            let fut = script.evaluate_async_with_budget(&mut self.ctx, STEP_COST);
            let mut fut = std::pin::pin!(fut);
            let mut cx = TaskContext::from_waker(Waker::noop());
            loop {
                if let Poll::Ready(r) = fut.as_mut().poll(&mut cx) {
                    break Ok(r);
                }
                steps += 1;
                if steps > limits.steps {
                    break Err(format!(
                        "{what} did not finish within {} steps (an endless loop?)",
                        limits.steps
                    ));
                }
                if let Some(wall) = limits.wall.filter(|w| start.elapsed() > *w) {
                    break Err(format!(
                        "{what} did not finish within {} ms (an endless loop?)",
                        wall.as_millis()
                    ));
                }
            }
        };
        HOST.with(|h| *h.borrow_mut() = previous);
        match outcome {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                let limit = e.try_native(&mut self.ctx).is_ok_and(|n| {
                    matches!(n.kind, boa_engine::error::JsNativeErrorKind::RuntimeLimit)
                });
                if limit {
                    let e = self.error(PacFailure::Stopped, format!("{what}: {e}"));
                    self.stopped = Some(e.clone());
                    Err(e)
                } else {
                    Err(self.error(PacFailure::Threw, format!("{what} threw {e}")))
                }
            }
            Err(detail) => {
                let e = self.error(PacFailure::Stopped, detail);
                self.stopped = Some(e.clone());
                Err(e)
            }
        }
    }
}
