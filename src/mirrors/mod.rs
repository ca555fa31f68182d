//! Public module mirrors: the built-in list (`data/mirrors.toml`, compiled in) that a site
//! extends or replaces with `--mirrors FILE`, the facts of one race ([`MirrorRace`], recorded
//! in the report so `report FILE` re-uses them), the pure ranking and advice ([`rank`]), and
//! the race itself ([`race`], the only I/O here).
//!
//! Only the reference modules named in the list are ever requested from a mirror: the user's
//! module paths never leave for a public mirror through the race.

pub mod race;
pub mod rank;

use serde::{Deserialize, Serialize};

use crate::probe::chain::EndpointFacts;
use crate::vocab::CauseId;

/// The built-in list.
pub const BUILTIN: &str = include_str!("../../data/mirrors.toml");

/// The public modules the race asks every mirror for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// A fast-moving module path: its `@v/list` is compared across mirrors.
    pub freshness: String,
    /// `path@version` of a small module: its zip gives throughput and is hashed.
    pub zip: String,
}

/// One mirror of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MirrorSpec {
    pub name: String,
    /// The GOPROXY entry (no trailing slash).
    pub url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub operator: String,
    /// What the operator documents about proxying the checksum database (None: nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sumdb: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

/// A checksum database endpoint, named by the GOSUMDB value that selects it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecksumSpec {
    pub gosumdb: String,
    pub url: String,
}

/// The mirrors a race measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct MirrorList {
    pub reference: Reference,
    pub mirrors: Vec<MirrorSpec>,
    pub checksum: Vec<ChecksumSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    /// true: the file replaces the built-in list instead of extending it.
    #[serde(default)]
    replace: bool,
    #[serde(default)]
    reference: Option<Reference>,
    #[serde(default)]
    mirror: Vec<MirrorSpec>,
    #[serde(default)]
    checksum: Vec<ChecksumSpec>,
}

const FORMAT: &str = "expected TOML with [[mirror]] tables (name, url = \"https://...\", optional operator, sumdb = true|false, docs), optional [[checksum]] tables (gosumdb, url), an optional [reference] (freshness = \"module/path\", zip = \"module/path@version\") and replace = true|false";

impl MirrorList {
    /// The list compiled into the binary.
    pub fn builtin() -> MirrorList {
        MirrorList::parse(BUILTIN, None).expect("data/mirrors.toml is valid (tested)")
    }

    /// Parses a list file; with `base`, the file extends it (an entry with the same URL
    /// replaces the base's) unless it says `replace = true`.
    pub fn parse(text: &str, base: Option<&MirrorList>) -> Result<MirrorList, String> {
        let raw: RawList = toml::from_str(text).map_err(|e| format!("{e}; {FORMAT}"))?;
        for m in &raw.mirror {
            check_url(&m.url).map_err(|e| format!("mirror {:?}: {e}", m.name))?;
            if m.name.trim().is_empty() {
                return Err(format!("mirror with url {:?} has no name; {FORMAT}", m.url));
            }
        }
        for c in &raw.checksum {
            check_url(&c.url).map_err(|e| format!("checksum {:?}: {e}", c.gosumdb))?;
        }
        if let Some(r) = &raw.reference {
            check_reference(r)?;
        }
        let normalize = |mut m: MirrorSpec| {
            m.url = m.url.trim_end_matches('/').to_string();
            m
        };
        let mut out = match (base, raw.replace) {
            (Some(b), false) => b.clone(),
            _ => MirrorList {
                reference: raw.reference.clone().ok_or_else(|| {
                    format!("a list that replaces the built-in one needs a [reference]; {FORMAT}")
                })?,
                mirrors: vec![],
                checksum: vec![],
            },
        };
        if let Some(r) = raw.reference {
            out.reference = r;
        }
        for m in raw.mirror.into_iter().map(normalize) {
            match out.mirrors.iter_mut().find(|o| o.url == m.url) {
                Some(o) => *o = m,
                None => out.mirrors.push(m),
            }
        }
        for c in raw.checksum {
            match out.checksum.iter_mut().find(|o| o.gosumdb == c.gosumdb) {
                Some(o) => *o = c,
                None => out.checksum.push(c),
            }
        }
        if out.mirrors.is_empty() {
            return Err(format!("the list names no mirror; {FORMAT}"));
        }
        Ok(out)
    }

    /// The zip reference as (path, version).
    pub fn zip_module(&self) -> (&str, &str) {
        self.reference
            .zip
            .split_once('@')
            .unwrap_or((&self.reference.zip, ""))
    }
}

fn check_url(u: &str) -> Result<(), String> {
    let parsed = url::Url::parse(u).map_err(|e| format!("url {u:?} does not parse ({e})"))?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
        return Err(format!(
            "url {u:?} must be an http(s) URL with a host, e.g. https://goproxy.cn"
        ));
    }
    Ok(())
}

fn check_reference(r: &Reference) -> Result<(), String> {
    let (path, version) = r.zip.split_once('@').unwrap_or((&r.zip, ""));
    if version.is_empty() || crate::vocab::module::escape_version(version).is_err() {
        return Err(format!(
            "reference zip {:?} must be path@version, e.g. golang.org/x/mod@v0.20.0",
            r.zip
        ));
    }
    for p in [path, r.freshness.as_str()] {
        crate::vocab::module::escape_path(p)
            .map_err(|e| format!("reference module {p:?} is not a module path ({e})"))?;
    }
    Ok(())
}

/// How a mirror answers `/sumdb/<name>/supported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SumdbSupport {
    /// 200: Go reads the checksum database through this mirror.
    Proxied,
    /// 404/410: Go goes to the database itself.
    NotProxied,
    /// Any other answer: Go gives up on the checksum database (`sumdb.proxy_route_broken`).
    Broken,
    /// Not asked (the mirror was not reached).
    Unknown,
}

/// The zip download of the reference module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ZipFacts {
    pub bytes: u64,
    pub ms: u64,
    /// The zip's `h1:` hash (None when it is not a readable zip).
    pub h1: Option<String>,
}

/// What Go would do fetching the reference module through this mirror alone
/// (`GOPROXY=<mirror>`, the user's GOSUMDB): the simulation over the race's requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct GoThrough {
    pub ok: bool,
    #[serde(with = "crate::vocab::cause::empty_is_none", default)]
    #[cfg_attr(test, schemars(with = "crate::schema::CauseOrEmpty"))]
    pub cause: Option<CauseId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_error: Option<String>,
}

/// Everything measured for one mirror.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct MirrorFacts {
    pub name: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documented_sumdb: Option<bool>,
    /// The DNS → TCP → TLS (→ proxy) chain to the mirror.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<EndpointFacts>,
    /// Milliseconds of each small request that got an HTTP answer.
    #[serde(default)]
    pub latency_ms: Vec<u64>,
    /// The newest release in the freshness module's version list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest: Option<String>,
    pub sumdb: SumdbSupport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<ZipFacts>,
    pub go: GoThrough,
    /// The race's deadline ended this mirror's measurement.
    #[serde(default)]
    pub cut_by_deadline: bool,
}

impl MirrorFacts {
    /// The median of the small requests' latencies.
    pub fn median_ms(&self) -> Option<u64> {
        let mut v = self.latency_ms.clone();
        v.sort_unstable();
        v.get(v.len().checked_sub(1)? / 2).copied()
    }

    /// Zip throughput in KiB/s.
    pub fn kib_per_s(&self) -> Option<f64> {
        let z = self.zip.as_ref()?;
        Some(z.bytes as f64 / 1024.0 / (z.ms.max(1) as f64 / 1000.0))
    }
}

/// One checksum database endpoint reached directly (`/latest`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ChecksumFacts {
    pub gosumdb: String,
    pub url: String,
    pub ok: bool,
    pub ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_error: Option<String>,
}

/// The facts of one race: every mirror and checksum endpoint, measured at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct MirrorRace {
    pub reference: Reference,
    pub mirrors: Vec<MirrorFacts>,
    pub checksum: Vec<ChecksumFacts>,
    pub duration_ms: f64,
    pub deadline_ms: u64,
    /// The deadline ended the race before every measurement did.
    pub deadline_expired: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_is_valid_and_documents_the_checksum_database() {
        let l = MirrorList::builtin();
        let url = |n: &str| l.mirrors.iter().find(|m| m.name == n).unwrap();
        assert_eq!(url("goproxy.cn").sumdb, Some(true));
        assert_eq!(url("mirrors.aliyun.com").sumdb, Some(false));
        assert_eq!(
            url("mirrors.aliyun.com").url,
            "https://mirrors.aliyun.com/goproxy"
        );
        assert!(l.mirrors.len() >= 7);
        assert!(l
            .checksum
            .iter()
            .any(|c| c.gosumdb == "sum.golang.google.cn"));
        assert_eq!(l.zip_module().0, "golang.org/x/mod");
    }

    #[test]
    fn a_site_file_extends_or_replaces() {
        let base = MirrorList::builtin();
        let ext = MirrorList::parse(
            "[[mirror]]\nname = \"corp\"\nurl = \"https://goproxy.corp.example/\"\n",
            Some(&base),
        )
        .unwrap();
        assert_eq!(ext.mirrors.len(), base.mirrors.len() + 1);
        assert_eq!(
            ext.mirrors.last().unwrap().url,
            "https://goproxy.corp.example"
        );
        let rep = MirrorList::parse(
            "replace = true\n[reference]\nfreshness = \"example.com/a\"\nzip = \"example.com/b@v1.0.0\"\n[[mirror]]\nname = \"only\"\nurl = \"https://only.example\"\n",
            Some(&base),
        )
        .unwrap();
        assert_eq!(rep.mirrors.len(), 1);
        assert!(rep.checksum.is_empty());
        assert_eq!(rep.reference.zip, "example.com/b@v1.0.0");
    }

    #[test]
    fn bad_files_name_the_problem() {
        let base = MirrorList::builtin();
        for (text, needle) in [
            (
                "[[mirror]]\nname = \"x\"\nurl = \"ftp://x\"\n",
                "http(s) URL",
            ),
            ("[[mirror]]\nname = \"\"\nurl = \"https://x\"\n", "no name"),
            ("mirrors = 1\n", "[[mirror]]"),
            (
                "replace = true\n[[mirror]]\nname = \"a\"\nurl = \"https://a\"\n",
                "[reference]",
            ),
            (
                "[reference]\nfreshness = \"a.example/b\"\nzip = \"a.example/b\"\n",
                "path@version",
            ),
        ] {
            let e = MirrorList::parse(text, Some(&base)).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn median_of_latencies() {
        let mut f = MirrorFacts {
            name: "m".into(),
            url: "https://m".into(),
            documented_sumdb: None,
            endpoint: None,
            latency_ms: vec![30, 10, 20, 400],
            newest: None,
            sumdb: SumdbSupport::Unknown,
            zip: None,
            go: GoThrough {
                ok: false,
                cause: None,
                go_error: None,
            },
            cut_by_deadline: false,
        };
        assert_eq!(f.median_ms(), Some(20));
        f.latency_ms.clear();
        assert_eq!(f.median_ms(), None);
    }
}
