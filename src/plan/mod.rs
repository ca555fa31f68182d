//! The plan (pure): the routes Go would take for a module.
//!
//! `route_module` mirrors cmd/go's modfetch.lookup over proxyList (see
//! reference/go-network-semantics.md §1–§3): for each GOPROXY entry, in order, what cmd/go
//! does for this module and how it falls through; then how the checksum database is reached.

pub mod private;

use serde::{Deserialize, Serialize};

use crate::config::gosumdb::VerifierKey;
use crate::config::pattern::match_prefix_patterns;
use crate::config::{FallbackMode, GoConfig, ProxyChoice, ProxyEntry, SumdbConfig};
use crate::redact::{mask_value, Secret};
use crate::vocab::module::{escape_path, join_url};

/// A module to route, parsed from `PATH[@VERSION]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ModuleTarget {
    pub path: String,
    /// A version or query (`v1.2.3`, `v1.2`, `latest`, a branch or commit), None when absent.
    pub version: Option<String>,
}

impl std::fmt::Display for ModuleTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(v) => write!(f, "{}@{v}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// module.CheckPath, with a hint for the most common mistake (a URL instead of a path).
fn check_module_path(path: &str) -> Result<(), String> {
    if let Some((_, rest)) = path.split_once("://") {
        return Err(format!(
            "a module path has no scheme (write {rest}, not {path})"
        ));
    }
    crate::vocab::module::check_path(path)
}

/// A version or version query: semantic versions are checked (`v1`, `v1.2`, `v1.2.3`,
/// `v1.2.3-pre+build`); other words (latest, upgrade, patch, branches, commits) are accepted.
fn check_version(v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Err("empty version after '@'".into());
    }
    if let Some(c) = v.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("version contains {c:?}"));
    }
    if v.contains('@') {
        return Err("more than one '@'".into());
    }
    let looks_semver = v.starts_with('v') && v[1..].starts_with(|c: char| c.is_ascii_digit());
    if looks_semver && !is_semver_query(v) {
        return Err(format!(
            "{v:?} is not a valid semantic version (expected vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]], e.g. v1.2.3)"
        ));
    }
    Ok(())
}

fn is_semver_query(v: &str) -> bool {
    let rest = &v[1..];
    let (core, suffix) = match rest.find(['-', '+']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let nums: Vec<&str> = core.split('.').collect();
    let num_ok = |n: &&str| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.len() == 1 || !n.starts_with('0'))
    };
    if nums.len() > 3 || !nums.iter().all(num_ok) {
        return false;
    }
    if suffix.is_empty() {
        return true;
    }
    // Pre-release and build metadata only on a full version.
    nums.len() == 3
        && suffix[1..]
            .split(['.', '+', '-'])
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl ModuleTarget {
    /// Parses `PATH[@VERSION]` with a clear error naming the input.
    pub fn parse(input: &str) -> Result<ModuleTarget, String> {
        let bad = |why: String| {
            Err(format!(
                "invalid module {:?}: {why}; expected PATH[@VERSION], e.g. golang.org/x/text@v0.3.0",
                mask_value(input)
            ))
        };
        let (path, version) = match input.split_once('@') {
            Some((p, v)) => (p, Some(v)),
            None => (input, None),
        };
        if let Err(e) = check_module_path(path) {
            return bad(e);
        }
        if let Some(v) = version {
            if let Err(e) = check_version(v) {
                return bad(e);
            }
        }
        Ok(ModuleTarget {
            path: path.to_string(),
            version: version.map(str::to_string),
        })
    }
}

impl std::str::FromStr for ModuleTarget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ModuleTarget::parse(s)
    }
}

/// What cmd/go does at one GOPROXY entry for this module (modfetch.lookup).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepAction {
    /// Ask this module proxy (first request: `list_url`).
    AskProxy {
        /// The proxy base URL (shown masked).
        base: Secret,
        /// `<base>/<escaped module>/@v/list` (shown masked).
        list_url: Secret,
    },
    /// Fetch directly from the origin (VCS / `?go-get=1`), under `direct` or `noproxy`.
    FetchDirect {
        /// `https://<module path>?go-get=1`: the first request for hosts outside Go's static
        /// table (github.com, bitbucket.org are cloned with git straight away).
        meta_url: String,
    },
    /// A "not found" without touching the network: Go's own error text. Not-found errors
    /// always go on to the next entry.
    Skip {
        reason: SkipReason,
        go_error: String,
    },
}

/// Why an entry is a "not found" without a request (modfetch.lookup's internal errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// `off`: errProxyOff.
    Off,
    /// A proxy entry for a module GONOPROXY matches: errNoproxy.
    Private,
    /// The internal `noproxy` entry for a module GONOPROXY does not match: errUseProxy.
    NotPrivate,
}

impl SkipReason {
    /// The text Go puts in the error.
    pub fn go_error(self) -> &'static str {
        match self {
            SkipReason::Off => "module lookup disabled by GOPROXY=off",
            SkipReason::Private => "disabled by GOPRIVATE/GONOPROXY",
            SkipReason::NotPrivate => "path does not match GOPRIVATE/GONOPROXY",
        }
    }
}

/// One GOPROXY entry and what happens there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct RouteStep {
    /// `noproxy`, `direct`, `off`, or the proxy URL (shown masked).
    pub entry: Secret,
    pub action: StepAction,
    /// How a failure here continues (`,` → only 404/410 go on; `|` → any error goes on).
    pub fallback: FallbackMode,
    /// The HTTP proxy the first request of this step goes through (None for Skip and for
    /// file:// proxies).
    pub http_proxy: Option<ProxyChoice>,
    /// The URL `http_proxy` was computed for (shown masked).
    pub http_proxy_for_url: Option<Secret>,
}

/// How the checksum database is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SumdbRoute {
    /// Not consulted; `reason` says why (GOSUMDB=off, GONOSUMDB/GOPRIVATE match).
    NotUsed { reason: String },
    /// Consulted but GOSUMDB does not parse: every lookup fails with `go_error`.
    Invalid { go_error: String },
    /// Consulted at an explicit URL from GOSUMDB (bypassing GOPROXY).
    Explicit {
        name: String,
        /// Shown masked.
        url: Secret,
        /// The key the signed tree heads must verify with.
        key: VerifierKey,
        http_proxy: ProxyChoice,
    },
    /// Consulted by walking the GOPROXY list (`<proxy>/sumdb/<name>/supported`: 200 → that
    /// proxy exclusively; 404/410 or a `|` entry → next; other errors behind `,` → the
    /// database is unavailable), else `https://<name>` directly.
    ViaProxies {
        name: String,
        key: VerifierKey,
        candidates: Vec<SumdbCandidate>,
        /// `https://<name>`, used when no proxy supports it (or at direct/off).
        direct_url: String,
        direct_http_proxy: ProxyChoice,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SumdbCandidate {
    /// The proxy base URL (shown masked), or `direct`.
    pub proxy: Secret,
    /// A `direct` entry: no request; its "not found" outranks the proxies' errors in
    /// TryProxies, so reaching it sends Go to the database itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub direct: bool,
    /// `<proxy>/sumdb/<name>/supported` (shown masked).
    pub supported_url: Secret,
    pub fallback: FallbackMode,
    /// None for file:// proxies.
    pub http_proxy: Option<ProxyChoice>,
}

/// The full route for one module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ModuleRoute {
    pub module: ModuleTarget,
    /// Go's escaped module path (`!` + lower case for upper-case letters).
    pub escaped_path: String,
    pub matches_goprivate: bool,
    /// Against the effective GONOPROXY (GOPRIVATE when GONOPROXY is empty).
    pub matches_gonoproxy: bool,
    /// Against the effective GONOSUMDB (GOPRIVATE when GONOSUMDB is empty).
    pub matches_gonosumdb: bool,
    /// GOINSECURE applies to direct fetches only.
    pub matches_goinsecure: bool,
    /// The GOPROXY list could not be parsed: Go fails with this error before any request.
    pub goproxy_error: Option<String>,
    pub steps: Vec<RouteStep>,
    /// Whether any step fetches directly (VCS / `?go-get=1`).
    pub fetches_direct: bool,
    pub sumdb: SumdbRoute,
    /// Every outside service that learns this module path: module proxy URLs asked and the
    /// checksum database route (shown masked).
    pub sent_to: Vec<Secret>,
    /// The part of `sent_to` that is a well-known public service (proxy.golang.org,
    /// sum.golang.org, goproxy.cn, goproxy.io, ...), shown masked.
    #[serde(default)]
    pub public_services: Vec<Secret>,
    /// Why the module looks private although no GOPRIVATE/GONOPROXY/GONOSUMDB pattern matches
    /// it (a pattern that would match once whitespace is trimmed, an internal-looking host,
    /// a GOINSECURE match); None when it looks public or is excluded.
    pub looks_private: Option<String>,
    /// The module looks private and is nevertheless sent to a public module proxy or the
    /// public checksum database.
    pub leaks_to_public: bool,
}

fn http_choice(config_proxy: &crate::config::ProxyEnv, url: &str) -> Option<ProxyChoice> {
    if url.starts_with("file:") {
        None
    } else {
        Some(config_proxy.proxy_for_str(url))
    }
}

/// Why a path that matches no private pattern still looks private (see ModuleRoute).
fn private_hint(config: &GoConfig, path: &str) -> Option<String> {
    for var in ["GOPRIVATE", "GONOPROXY", "GONOSUMDB"] {
        let spaced = config
            .get(var)
            .split(',')
            .filter(|g| g.chars().any(char::is_whitespace));
        for entry in spaced {
            if match_prefix_patterns(entry.trim(), path) {
                return Some(format!(
                    "{var} has the entry {entry:?}, which would match it without the whitespace"
                ));
            }
        }
    }
    let host = path.split('/').next().unwrap_or("");
    if let Some(reason) = private::internal_host(host) {
        return Some(reason);
    }
    if match_prefix_patterns(config.get("GOINSECURE"), path) {
        return Some("it matches GOINSECURE (a host you reach without TLS checks)".into());
    }
    None
}

/// Whether a URL's host is a well-known public Go service.
fn is_public_service(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or(url, |(_, r)| r)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    private::is_public_service_host(host.split(':').next().unwrap_or(""))
}

/// For each GOPROXY entry in Go's order what cmd/go does for this module, and how the
/// checksum database is reached.
pub fn route_module(config: &GoConfig, target: &ModuleTarget) -> ModuleRoute {
    let path = target.path.as_str();
    // A path Go cannot escape is refused at parsing; the raw path stands in for display.
    let escaped = escape_path(path).unwrap_or_else(|_| path.to_string());
    let proxy_env = config.proxy_env();
    let matches_goprivate = match_prefix_patterns(config.get("GOPRIVATE"), path);
    let matches_gonoproxy = match_prefix_patterns(config.effective_gonoproxy(), path);
    let matches_gonosumdb = match_prefix_patterns(config.effective_gonosumdb(), path);
    let matches_goinsecure = match_prefix_patterns(config.get("GOINSECURE"), path);
    let meta_url = format!("https://{path}?go-get=1");

    let (list, goproxy_error) = match config.proxy_list() {
        Ok(l) => (l, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let mut steps = Vec::new();
    let mut sent_to = Vec::new();
    let mut public_services = Vec::new();
    for entry in &list {
        let direct = |steps: &mut Vec<RouteStep>| {
            steps.push(RouteStep {
                entry: entry.name(),
                action: StepAction::FetchDirect {
                    meta_url: meta_url.clone(),
                },
                fallback: entry.fallback(),
                http_proxy: http_choice(&proxy_env, &meta_url),
                http_proxy_for_url: Some(meta_url.as_str().into()),
            })
        };
        let skip = |steps: &mut Vec<RouteStep>, reason: SkipReason| {
            steps.push(RouteStep {
                entry: entry.name(),
                action: StepAction::Skip {
                    reason,
                    go_error: reason.go_error().into(),
                },
                fallback: entry.fallback(),
                http_proxy: None,
                http_proxy_for_url: None,
            })
        };
        if matches_gonoproxy {
            match entry {
                ProxyEntry::Noproxy | ProxyEntry::Direct => direct(&mut steps),
                _ => skip(&mut steps, SkipReason::Private),
            }
            continue;
        }
        match entry {
            ProxyEntry::Off => skip(&mut steps, SkipReason::Off),
            ProxyEntry::Direct => direct(&mut steps),
            ProxyEntry::Noproxy => skip(&mut steps, SkipReason::NotPrivate),
            ProxyEntry::Url { url, fallback } => {
                let list_url = join_url(url.expose(), &format!("{escaped}/@v/list"));
                sent_to.push(url.clone());
                if is_public_service(url.expose()) {
                    public_services.push(url.clone());
                }
                steps.push(RouteStep {
                    entry: entry.name(),
                    action: StepAction::AskProxy {
                        base: url.clone(),
                        list_url: list_url.as_str().into(),
                    },
                    fallback: *fallback,
                    http_proxy: http_choice(&proxy_env, &list_url),
                    http_proxy_for_url: Some(list_url.into()),
                });
            }
        }
    }
    let fetches_direct = steps
        .iter()
        .any(|s| matches!(s.action, StepAction::FetchDirect { .. }));

    let sumdb = if config.get("GOSUMDB") == "off" {
        SumdbRoute::NotUsed {
            reason: "GOSUMDB=off".into(),
        }
    } else if matches_gonosumdb {
        let derived = matches!(
            config.value("GONOSUMDB").map(|v| &v.source),
            Some(crate::config::Source::Derived { .. }) | None
        );
        let var = if derived || config.get("GONOSUMDB").is_empty() {
            "GOPRIVATE"
        } else {
            "GONOSUMDB"
        };
        SumdbRoute::NotUsed {
            reason: format!("the module matches {var}"),
        }
    } else {
        match config.sumdb() {
            Err(e) => SumdbRoute::Invalid { go_error: e },
            Ok(SumdbConfig::Off) => SumdbRoute::NotUsed {
                reason: "GOSUMDB=off".into(),
            },
            Ok(SumdbConfig::On {
                name,
                url: Some(url),
                key,
            }) => {
                let what = Secret::new(format!("checksum database {name} at {}", url.expose()));
                if is_public_service(url.expose()) {
                    public_services.push(what.clone());
                }
                sent_to.push(what);
                SumdbRoute::Explicit {
                    http_proxy: proxy_env.proxy_for_str(&join_url(url.expose(), "lookup/x")),
                    name,
                    key,
                    url,
                }
            }
            Ok(SumdbConfig::On {
                name,
                url: None,
                key,
            }) => {
                let candidates: Vec<SumdbCandidate> = list
                    .iter()
                    .filter_map(|e| match e {
                        ProxyEntry::Url { url, fallback } => {
                            let supported =
                                join_url(url.expose(), &format!("sumdb/{name}/supported"));
                            Some(SumdbCandidate {
                                proxy: url.clone(),
                                direct: false,
                                http_proxy: http_choice(&proxy_env, &supported),
                                supported_url: supported.into(),
                                fallback: *fallback,
                            })
                        }
                        ProxyEntry::Direct => Some(SumdbCandidate {
                            proxy: "direct".into(),
                            direct: true,
                            supported_url: Secret::default(),
                            fallback: e.fallback(),
                            http_proxy: None,
                        }),
                        // `off` and `noproxy` are "not found" of the lowest rank: the walk
                        // goes on as if they were not there.
                        _ => None,
                    })
                    .collect();
                let direct_url = format!("https://{name}");
                let what = Secret::new(if candidates.iter().all(|c| c.direct) {
                    format!("checksum database {name} at {direct_url}")
                } else {
                    format!(
                        "checksum database {name} (through {}, else {direct_url})",
                        candidates
                            .iter()
                            .filter(|c| !c.direct)
                            .map(|c| c.proxy.expose())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
                let public = is_public_service(&direct_url)
                    || list.iter().any(|e| {
                        matches!(e, ProxyEntry::Url { url, .. } if is_public_service(url.expose()))
                    });
                if public {
                    public_services.push(what.clone());
                }
                sent_to.push(what);
                SumdbRoute::ViaProxies {
                    direct_http_proxy: proxy_env.proxy_for_str(&join_url(&direct_url, "lookup/x")),
                    name,
                    key,
                    candidates,
                    direct_url,
                }
            }
        }
    };

    let looks_private = if matches_goprivate && matches_gonoproxy && matches_gonosumdb {
        None
    } else if matches_goprivate {
        Some("it matches GOPRIVATE, but GONOPROXY or GONOSUMDB is set to a value that does not cover it".into())
    } else {
        private_hint(config, path)
    };
    let leaks_to_public = looks_private.is_some() && !public_services.is_empty();
    ModuleRoute {
        module: target.clone(),
        escaped_path: escaped,
        matches_goprivate,
        matches_gonoproxy,
        matches_gonosumdb,
        matches_goinsecure,
        goproxy_error,
        steps,
        fetches_direct,
        sumdb,
        sent_to,
        public_services,
        looks_private,
        leaks_to_public,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> GoConfig {
        crate::config::test_config(pairs, None)
    }

    fn target(s: &str) -> ModuleTarget {
        ModuleTarget::parse(s).unwrap()
    }

    #[test]
    fn parses_targets() {
        assert_eq!(
            target("golang.org/x/text@v0.3.0"),
            ModuleTarget {
                path: "golang.org/x/text".into(),
                version: Some("v0.3.0".into())
            }
        );
        assert_eq!(target("github.com/Azure/go-autorest").version, None);
        for ok in [
            "a.b/c@latest",
            "a.b/c@v1.2",
            "a.b/c@v1.2.3-rc.1+meta",
            "a.b/c@master",
            "a.b/c@abc123def",
            "gopkg.in/yaml.v3@v3.0.1",
        ] {
            assert!(ModuleTarget::parse(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("", "malformed module path \"\": empty string"),
            ("@v1.0.0", "empty string"),
            ("a.b/c@", "empty version"),
            ("a.b /c", "invalid char ' '"),
            ("a.b/c@v1 .0", "version contains ' '"),
            (
                "MOD.TEST/M@v1.0.0",
                "malformed module path \"MOD.TEST/M\": invalid char 'M' in first path element",
            ),
            ("fmt", "missing dot"),
            ("a.b//c", "double slash"),
            ("a.b/c@v1.2.3.4", "not a valid semantic version"),
            ("a.b/c@v01.2.3", "not a valid semantic version"),
            ("a.b/c@v1@v2", "more than one"),
            ("a.b/c?x", "invalid char '?'"),
            ("https://a.b/c", "no scheme (write a.b/c"),
        ] {
            let e = ModuleTarget::parse(bad).unwrap_err();
            assert!(
                e.contains(why) && e.contains("PATH[@VERSION]"),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn escapes_like_go() {
        assert_eq!(
            escape_path("github.com/Azure/Go").unwrap(),
            "github.com/!azure/!go"
        );
    }

    #[test]
    fn acceptance_route_leaks_private_module() {
        let c = config(&[
            ("HOME", "/h"),
            (
                "GOPROXY",
                "https://goproxy.cn|https://proxy.golang.org,direct",
            ),
            ("GOPRIVATE", "github.com/acme, git.corp.example"),
            ("HTTP_PROXY", "http://u:secret@127.0.0.1:3128"),
        ]);
        let r = route_module(&c, &target("git.corp.example/team/lib@v1.2.0"));
        assert!(!r.matches_goprivate && !r.matches_gonoproxy && !r.matches_gonosumdb);
        // GONOPROXY (= GOPRIVATE) is set, so the internal noproxy entry comes first.
        let entries: Vec<&str> = r.steps.iter().map(|s| s.entry.expose()).collect();
        assert_eq!(
            entries,
            [
                "noproxy",
                "https://goproxy.cn",
                "https://proxy.golang.org",
                "direct"
            ]
        );
        assert_eq!(
            r.steps[0].action,
            StepAction::Skip {
                reason: SkipReason::NotPrivate,
                go_error: "path does not match GOPRIVATE/GONOPROXY".into()
            }
        );
        assert_eq!(r.steps[1].fallback, FallbackMode::OnAnyError);
        assert_eq!(r.steps[2].fallback, FallbackMode::OnNotFound);
        assert_eq!(
            r.steps[1].action,
            StepAction::AskProxy {
                base: "https://goproxy.cn".into(),
                list_url: "https://goproxy.cn/git.corp.example/team/lib/@v/list".into()
            }
        );
        // HTTP_PROXY only: https requests go direct.
        assert_eq!(r.steps[1].http_proxy, Some(ProxyChoice::Direct));
        assert!(r.fetches_direct);
        assert_eq!(r.sent_to.len(), 3, "{:?}", r.sent_to);
        assert_eq!(r.public_services, r.sent_to);
        match &r.sumdb {
            SumdbRoute::ViaProxies {
                name, candidates, ..
            } => {
                assert_eq!(name, "sum.golang.org");
                assert_eq!(
                    candidates[0].supported_url,
                    "https://goproxy.cn/sumdb/sum.golang.org/supported"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(r
            .looks_private
            .as_deref()
            .unwrap()
            .contains("\" git.corp.example\""));
        assert!(r.leaks_to_public);
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains("secret"), "{json}");
    }

    #[test]
    fn private_module_is_fetched_directly_and_skips_sumdb() {
        let c = config(&[
            ("GOPRIVATE", "git.corp.example"),
            ("HTTPS_PROXY", "http://p:3128"),
            ("NO_PROXY", ".corp.example"),
        ]);
        let r = route_module(&c, &target("git.corp.example/team/lib"));
        assert!(r.matches_goprivate && r.matches_gonoproxy && r.matches_gonosumdb);
        assert!(matches!(r.steps[0].action, StepAction::FetchDirect { .. }));
        assert_eq!(r.steps[0].http_proxy, Some(ProxyChoice::Direct));
        assert_eq!(
            r.steps[1].action,
            StepAction::Skip {
                reason: SkipReason::Private,
                go_error: "disabled by GOPRIVATE/GONOPROXY".into()
            }
        );
        assert_eq!(
            r.sumdb,
            SumdbRoute::NotUsed {
                reason: "the module matches GOPRIVATE".into()
            }
        );
        assert!(r.sent_to.is_empty());
        assert!(!r.leaks_to_public);
        // A public module goes through the proxy and HTTPS_PROXY.
        let p = route_module(&c, &target("golang.org/x/text"));
        assert!(matches!(
            p.steps[1].http_proxy,
            Some(ProxyChoice::Via { .. })
        ));
        assert!(p.looks_private.is_none() && !p.leaks_to_public);
        // Declared private, but GONOPROXY=none sends it to the public proxy: a leak.
        let c = config(&[("GOPRIVATE", "git.corp.example"), ("GONOPROXY", "none")]);
        let r = route_module(&c, &target("git.corp.example/team/lib"));
        assert!(r.leaks_to_public && r.matches_goprivate && !r.matches_gonoproxy);
        assert_eq!(
            r.public_services,
            vec!["https://proxy.golang.org".to_string()]
        );
        // A company proxy is not a public service.
        let c = config(&[
            ("GOPROXY", "https://u:pw@athens.corp.example|direct"),
            ("GOSUMDB", "off"),
        ]);
        let r = route_module(&c, &target("git.corp.example/team/lib"));
        assert!(r.looks_private.is_some() && !r.leaks_to_public, "{r:?}");
        assert!(is_public_service("https://u:pw@goproxy.cn:443/x"));
        assert!(!is_public_service("https://goproxy.cn.evil.example/"));
    }

    #[test]
    fn off_explicit_sumdb_and_invalid_goproxy() {
        let c = config(&[
            ("GOPROXY", "off"),
            ("GOPRIVATE", "corp.example"),
            ("GOSUMDB", "sum.golang.google.cn"),
        ]);
        let r = route_module(&c, &target("example.org/m"));
        assert_eq!(
            r.steps.iter().map(|s| s.action.clone()).collect::<Vec<_>>(),
            vec![
                StepAction::Skip {
                    reason: SkipReason::NotPrivate,
                    go_error: "path does not match GOPRIVATE/GONOPROXY".into()
                },
                StepAction::Skip {
                    reason: SkipReason::Off,
                    go_error: "module lookup disabled by GOPROXY=off".into()
                },
            ]
        );
        assert!(
            matches!(&r.sumdb, SumdbRoute::Explicit { url, .. } if url == "https://sum.golang.google.cn")
        );
        let priv_route = route_module(&c, &target("corp.example/m"));
        assert!(matches!(
            priv_route.steps[0].action,
            StepAction::FetchDirect { .. }
        ));

        let bad = config(&[("GOPROXY", "proxy.example.com|Direct"), ("GOSUMDB", "nope")]);
        let r = route_module(&bad, &target("example.org/m"));
        assert_eq!(
            r.goproxy_error.as_deref(),
            Some("invalid proxy URL missing scheme: Direct")
        );
        assert!(r.steps.is_empty());
        assert_eq!(
            r.sumdb,
            SumdbRoute::Invalid {
                go_error: "invalid GOSUMDB: malformed verifier id".into()
            }
        );
        let off = config(&[("GOSUMDB", "off")]);
        assert_eq!(
            route_module(&off, &target("example.org/m")).sumdb,
            SumdbRoute::NotUsed {
                reason: "GOSUMDB=off".into()
            }
        );
    }

    proptest::proptest! {
        #[test]
        fn target_parser_never_panics(s in "\\PC{0,40}", t in "[a-zA-Z0-9./@_~-]{0,30}") {
            let _ = ModuleTarget::parse(&s);
            if let Ok(m) = ModuleTarget::parse(&t) {
                let _ = route_module(&config(&[("GOPRIVATE", "*.x"), ("GOPROXY", "https://a.example|direct")]), &m);
            }
        }
    }
}
