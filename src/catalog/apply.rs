//! `gomod-diag fix`, the pure part: which of a verdict's steps become changes to Go's env
//! file, which are refused and why, and the file as `go env -w` / `-u` will write it. The
//! policy is in `commands/fix.rs`; the I/O (running go, the backup) too.

use crate::catalog::schema::StepTemplate;
use crate::catalog::FixValues;
use crate::redact::MASK;
use crate::shell::Shell;

/// One change to Go's env file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `go env -w VAR=VALUE`.
    Set { var: String, value: String },
    /// `go env -u VAR`.
    Unset { var: String },
}

impl Change {
    pub fn var(&self) -> &str {
        match self {
            Change::Set { var, .. } | Change::Unset { var } => var,
        }
    }
}

/// A step `fix` will not apply, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The step weakens verification; `--allow-insecure` applies it.
    Insecure { change: Change, why: String },
    /// A non-empty OS variable wins over the env file.
    OsOverride {
        var: String,
        os_value: String,
        unset: String,
    },
    /// A value the verdict does not know (or knows only masked, from a saved report).
    Unknown { var: String, what: String },
}

/// What `fix` will do for a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub refused: Vec<Refusal>,
    /// Steps of other kinds (OS settings, commands to run), for the person to do.
    pub by_hand: Vec<String>,
    /// Changes already in effect (the env file or the OS environment has the value).
    pub already: Vec<Change>,
}

/// Whether a step starts another way to fix the cause ("Or use a mirror ...").
fn is_alternative(step: &StepTemplate) -> bool {
    let t = step.en.trim_start();
    t.starts_with("Or ") || t.starts_with("Or,")
}

fn is_go_env(step: &StepTemplate) -> bool {
    step.go_env_w.is_some() || step.go_env_u.is_some()
}

/// The `go env -w` / `-u` changes of a catalog entry's steps, placeholders filled with the
/// real values. The steps form alternatives (a step beginning "Or" starts the next one):
/// only the first alternative with a `go env` step is applied, its other steps and the
/// other alternatives are returned as their English text, to be done by hand.
pub fn changes_from_steps(
    steps: &[StepTemplate],
    values: &FixValues,
) -> (Vec<(Change, bool)>, Vec<Refusal>, Vec<String>) {
    let mut groups: Vec<Vec<&StepTemplate>> = vec![];
    for step in steps {
        match groups.last_mut() {
            Some(g) if !is_alternative(step) => g.push(step),
            _ => groups.push(vec![step]),
        }
    }
    let chosen = groups.iter().position(|g| g.iter().any(|s| is_go_env(s)));
    let mut changes = vec![];
    let mut unknown = vec![];
    let mut by_hand = vec![];
    for (i, group) in groups.iter().enumerate() {
        for step in group {
            if Some(i) != chosen || !is_go_env(step) {
                let note = if Some(i) == chosen || chosen.is_none() {
                    ""
                } else {
                    "(another way) "
                };
                by_hand.push(format!("{note}{}", step.en.trim()));
                continue;
            }
            let change = if let Some(t) = &step.go_env_w {
                let (var, value) = t.split_once('=').unwrap_or((t, ""));
                match (fill(var, values), fill(value, values)) {
                    (Ok(var), Ok(value)) => Ok(Change::Set { var, value }),
                    (Err(what), _) | (_, Err(what)) => Err((var.to_string(), what)),
                }
            } else {
                let t = step.go_env_u.as_deref().unwrap_or_default();
                fill(t, values)
                    .map(|var| Change::Unset { var })
                    .map_err(|what| (t.to_string(), what))
            };
            match change {
                Ok(c) => changes.push((c, step.weakens_security)),
                Err((var, what)) => unknown.push(Refusal::Unknown { var, what }),
            }
        }
    }
    (changes, unknown, by_hand)
}

/// Fills `{name}` placeholders with the real values; an unknown or masked value is an error
/// naming it (a masked password written to the env file would break the login).
fn fill(template: &str, values: &FixValues) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        match values.get(name) {
            Some(v) => out.push_str(v),
            None => return Err(format!("the value of {{{name}}} is not known")),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if out.contains(&format!("{MASK}@")) || out.contains(&format!(":{MASK}")) {
        return Err(
            "the value holds a masked credential (a saved report keeps only the masked value)"
                .into(),
        );
    }
    Ok(out)
}

/// Plans the changes against the env file's current text and the OS environment.
pub fn plan(
    changes: Vec<(Change, bool)>,
    mut refused: Vec<Refusal>,
    by_hand: Vec<String>,
    env_file: &str,
    os_env: &dyn Fn(&str) -> Option<String>,
    shell: Shell,
    allow_insecure: bool,
) -> Plan {
    let current = file_values(env_file);
    let mut plan = Plan {
        by_hand,
        ..Plan::default()
    };
    for (change, flagged) in changes {
        let var = change.var().to_string();
        let os_value = os_env(&var).filter(|v| !v.is_empty());
        let in_file = current
            .iter()
            .rev()
            .find(|(k, _)| *k == var)
            .map(|(_, v)| *v);
        let effective_now = match &change {
            Change::Set { value, .. } => {
                os_value.as_deref() == Some(value.as_str())
                    || (os_value.is_none() && in_file == Some(value.as_str()))
            }
            Change::Unset { .. } => os_value.is_none() && in_file.is_none(),
        };
        if effective_now {
            plan.already.push(change);
            continue;
        }
        if let Some(os_value) = os_value {
            plan.refused.push(Refusal::OsOverride {
                unset: crate::shell::unset_env_session(shell, &var),
                var,
                os_value,
            });
            continue;
        }
        let why = match &change {
            Change::Set { var, value } => {
                weakens(var, value, in_file.unwrap_or("")).or_else(|| {
                    flagged.then(|| {
                        "the catalog marks this step as weakening verification".to_string()
                    })
                })
            }
            Change::Unset { .. } => None,
        };
        match why {
            Some(why) if !allow_insecure => refused.push(Refusal::Insecure { change, why }),
            _ => plan.changes.push(change),
        }
    }
    plan.refused.extend(refused);
    plan
}

/// Public code hosts where a pattern must name at least an owner to stay narrow.
const PUBLIC_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "gitee.com",
    "golang.org",
    "google.golang.org",
    "go.googlesource.com",
    "gopkg.in",
    "go.uber.org",
    "k8s.io",
    "sigs.k8s.io",
];

/// Why setting `var` to `value` weakens verification (None when it does not).
pub fn weakens(var: &str, value: &str, old: &str) -> Option<String> {
    let value_t = value.trim();
    match var {
        "GOINSECURE" if !value_t.is_empty() => Some(
            "GOINSECURE lets Go fetch these modules over plain HTTP or with any certificate".into(),
        ),
        "GONOSUMDB" | "GOFLAGS" | "GOPRIVATE" | "GOSUMDB" | "GOPROXY" | "GOVCS" => {
            weakens_listed(var, value_t, old)
        }
        _ => None,
    }
}

fn weakens_listed(var: &str, value: &str, old: &str) -> Option<String> {
    match var {
        "GOSUMDB" if value == "off" => {
            Some("GOSUMDB=off turns off the checksum database for every module".into())
        }
        "GOFLAGS"
            if value
                .split_whitespace()
                .any(|f| f.trim_start_matches('-') == "insecure") =>
        {
            Some("-insecure in GOFLAGS allows plain HTTP and unverified certificates".into())
        }
        "GOPROXY"
            if value
                .split([',', '|'])
                .any(|e| e.trim().starts_with("http://")) =>
        {
            Some("a plain-http GOPROXY entry can be tampered with on the way".into())
        }
        "GOVCS" if value.split(',').any(|r| r.trim() == "*:all") => {
            Some("GOVCS=*:all lets any module use any version control system".into())
        }
        "GOPRIVATE" | "GONOSUMDB" => {
            let before: Vec<&str> = old.split(',').map(str::trim).collect();
            value
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty() && !before.contains(p))
                .find(|p| broad_pattern(p))
                .map(|p| {
                    format!(
                        "{var} pattern {p:?} skips the checksum database for public modules too"
                    )
                })
        }
        _ => None,
    }
}

/// A module path pattern that covers public modules: `*`, a wildcard first element, a public
/// code host with fewer than two path elements.
fn broad_pattern(p: &str) -> bool {
    let mut parts = p.trim_end_matches('/').split('/');
    let host = parts.next().unwrap_or("");
    let depth = parts.filter(|s| !s.is_empty()).count();
    let wild_owner = p
        .split('/')
        .nth(1)
        .is_some_and(|o| o.contains(['*', '?', '[']));
    host.contains(['*', '?', '['])
        || !host.contains('.')
        || (PUBLIC_HOSTS.contains(&host) && (depth == 0 || wild_owner))
}

/// The KEY=VALUE lines of an env file (cmd/go's `lineToKey`: a key has no `#`).
fn file_values(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            (!k.contains('#')).then_some((k, v))
        })
        .collect()
}

/// The env file after the changes, as cmd/go's `updateEnvFile` writes it: the last copy of a
/// key is kept, a set key is updated in place (else appended), an unset key removed, and
/// each run of KEY=VALUE lines sorted by key.
pub fn apply_to_file(text: &str, changes: &[Change]) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if let Some(last) = lines.last_mut() {
        if !last.ends_with('\n') {
            last.push('\n');
        }
    }
    let key = |l: &str| -> Option<String> {
        let i = l.find('=')?;
        (!l[..i].contains('#')).then(|| l[..i].to_string())
    };
    let mut last: std::collections::BTreeMap<String, usize> = Default::default();
    for i in 0..lines.len() {
        if let Some(k) = key(&lines[i]) {
            if let Some(p) = last.insert(k, i) {
                lines[p].clear();
            }
        }
    }
    for c in changes {
        match c {
            Change::Set { var, value } => match last.get(var) {
                Some(&p) => lines[p] = format!("{var}={value}\n"),
                None => {
                    last.insert(var.clone(), lines.len());
                    lines.push(format!("{var}={value}\n"));
                }
            },
            Change::Unset { var } => {
                if let Some(p) = last.remove(var) {
                    lines[p].clear();
                }
            }
        }
    }
    let mut start = 0;
    for i in 0..=lines.len() {
        if i == lines.len() || key(&lines[i]).is_none() {
            lines[start..i].sort_by_key(|l| key(l));
            start = i + 1;
        }
    }
    lines.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(var: &str, value: &str) -> Change {
        Change::Set {
            var: var.into(),
            value: value.into(),
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn plan_of(
        changes: Vec<Change>,
        file: &str,
        env: &dyn Fn(&str) -> Option<String>,
        allow: bool,
    ) -> Plan {
        let changes = changes.into_iter().map(|c| (c, false)).collect();
        plan(changes, vec![], vec![], file, env, Shell::Bash, allow)
    }

    #[test]
    fn file_edits_follow_cmd_go() {
        // Update in place, keep only the last copy, append new keys, sort a run of keys.
        let before = "# mine\nGOPROXY=a\nGOFLAGS=-mod=mod\nGOPROXY=b";
        let after = apply_to_file(
            before,
            &[
                set("GOPROXY", "https://goproxy.cn,direct"),
                set("GOPRIVATE", "corp.example"),
            ],
        );
        assert_eq!(
            after,
            "# mine\nGOFLAGS=-mod=mod\nGOPRIVATE=corp.example\nGOPROXY=https://goproxy.cn,direct\n"
        );
        let after = apply_to_file(
            "GOSUMDB=off\nGOPROXY=x\n",
            &[Change::Unset {
                var: "GOSUMDB".into(),
            }],
        );
        assert_eq!(after, "GOPROXY=x\n");
        assert_eq!(
            apply_to_file("", &[set("GOPROXY", "direct")]),
            "GOPROXY=direct\n"
        );
    }

    #[test]
    fn an_os_variable_that_wins_is_refused_with_the_command_to_unset_it() {
        let env = |k: &str| (k == "GOPROXY").then(|| "https://old.example".to_string());
        let p = plan_of(
            vec![set("GOPROXY", "https://goproxy.cn,direct")],
            "",
            &env,
            false,
        );
        assert!(p.changes.is_empty());
        assert_eq!(
            p.refused,
            vec![Refusal::OsOverride {
                var: "GOPROXY".into(),
                os_value: "https://old.example".into(),
                unset: "unset GOPROXY".into()
            }]
        );
        // The same value in the OS environment: already in effect, nothing to do.
        let env = |k: &str| (k == "GOPROXY").then(|| "direct".to_string());
        let p = plan_of(vec![set("GOPROXY", "direct")], "", &env, false);
        assert_eq!(p.already.len(), 1);
        assert!(p.refused.is_empty() && p.changes.is_empty());
        // An empty OS value does not override (cmd/go's Getenv).
        let env = |k: &str| (k == "GOPROXY").then(String::new);
        let p = plan_of(vec![set("GOPROXY", "direct")], "", &env, false);
        assert_eq!(p.changes, vec![set("GOPROXY", "direct")]);
    }

    #[test]
    fn weakening_steps_need_allow_insecure() {
        for (var, value) in [
            ("GOINSECURE", "corp.example"),
            ("GONOSUMDB", "*"),
            ("GOSUMDB", "off"),
            ("GOFLAGS", "-mod=mod -insecure"),
            ("GOPROXY", "http://mirror.example,direct"),
            ("GOPRIVATE", "github.com"),
            ("GOPRIVATE", "corp.example,*.com"),
            ("GOPRIVATE", "github.com/*"),
            ("GOVCS", "*:all"),
        ] {
            let p = plan_of(vec![set(var, value)], "", &no_env, false);
            assert!(p.changes.is_empty(), "{var}={value}");
            assert!(
                matches!(p.refused[..], [Refusal::Insecure { .. }]),
                "{var}={value}: {p:?}"
            );
            let p = plan_of(vec![set(var, value)], "", &no_env, true);
            assert_eq!(p.changes.len(), 1, "{var}={value} with --allow-insecure");
        }
        for (var, value, old) in [
            ("GOPRIVATE", "corp.example", ""),
            ("GOPRIVATE", "github.com/acme,corp.example", ""),
            // A broad pattern the user already had is not this fix's doing.
            ("GOPRIVATE", "github.com,corp.example", "github.com"),
            ("GOPROXY", "https://goproxy.cn,direct", ""),
            ("GOSUMDB", "sum.golang.google.cn", ""),
        ] {
            assert_eq!(weakens(var, value, old), None, "{var}={value}");
        }
        // Restoring a default never weakens anything.
        let p = plan_of(
            vec![Change::Unset {
                var: "GOSUMDB".into(),
            }],
            "GOSUMDB=off\n",
            &no_env,
            false,
        );
        assert_eq!(p.changes.len(), 1);
        // The catalog's own flag counts too.
        let p = plan(
            vec![(set("GOPROXY", "direct"), true)],
            vec![],
            vec![],
            "",
            &no_env,
            Shell::Bash,
            false,
        );
        assert!(matches!(p.refused[..], [Refusal::Insecure { .. }]));
    }

    #[test]
    fn steps_become_changes_with_real_values_or_refusals() {
        let steps = vec![
            StepTemplate {
                en: "Add it".into(),
                go_env_w: Some("GOPRIVATE={goprivate_new}".into()),
                ..Default::default()
            },
            StepTemplate {
                en: "Unset it".into(),
                go_env_u: Some("{var}".into()),
                ..Default::default()
            },
            StepTemplate {
                en: "Set the proxy".into(),
                go_env_w: Some("GOPROXY={goproxy_new}".into()),
                ..Default::default()
            },
            StepTemplate {
                en: "Retry:".into(),
                run: Some("go mod download -x {module}".into()),
                ..Default::default()
            },
        ];
        let values = FixValues::new()
            .with("goprivate_new", "corp.example")
            .with("var", "GOINSECURE");
        let (changes, unknown, by_hand) = changes_from_steps(&steps, &values);
        assert_eq!(
            changes,
            vec![
                (set("GOPRIVATE", "corp.example"), false),
                (
                    Change::Unset {
                        var: "GOINSECURE".into()
                    },
                    false
                )
            ]
        );
        assert!(matches!(&unknown[..], [Refusal::Unknown { var, .. }] if var == "GOPROXY"));
        assert_eq!(by_hand, vec!["Retry:"]);
        // Only the first way with a go env step is applied; the others are listed.
        let mut alt = steps[..1].to_vec();
        alt.insert(
            0,
            StepTemplate {
                en: "Ask the administrator.".into(),
                ..Default::default()
            },
        );
        alt.push(StepTemplate {
            en: "Or, exempt it from the checksum database only:".into(),
            weakens_security: true,
            go_env_w: Some("GONOSUMDB={goprivate_new}".into()),
            ..Default::default()
        });
        let (changes, _, by_hand) = changes_from_steps(&alt, &values);
        assert_eq!(changes, vec![(set("GOPRIVATE", "corp.example"), false)]);
        assert_eq!(
            by_hand,
            vec![
                "Ask the administrator.",
                "(another way) Or, exempt it from the checksum database only:"
            ]
        );
        // A value known only masked (a saved report) is never written.
        let values = FixValues::new().with("goproxy_new", "https://u:xxxxx@mirror.example");
        let (changes, unknown, _) = changes_from_steps(&steps[2..3], &values);
        assert!(changes.is_empty() && unknown.len() == 1);
    }

    #[test]
    fn nothing_to_do_when_the_file_already_has_it() {
        let p = plan_of(
            vec![set("GOPROXY", "direct")],
            "GOPROXY=direct\n",
            &no_env,
            false,
        );
        assert_eq!(p.already.len(), 1);
        let p = plan_of(
            vec![Change::Unset {
                var: "GOSUMDB".into(),
            }],
            "",
            &no_env,
            false,
        );
        assert_eq!(p.already.len(), 1);
    }
}
