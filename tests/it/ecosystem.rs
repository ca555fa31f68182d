//! How gomod-diag fits its ecosystem (issue 15): the man page and every shell's completions
//! (checked by the shells that are installed), the Markdown report for tickets and GitHub job
//! summaries, the JSON Schema every report validates against, the composite Action, the
//! Chinese README and output, and `gomod-diag fix` against a temporary go env file with the
//! real `go`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

use crate::scenarios::harness;
use gomod_diag::shell::Shell;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with nothing inherited but PATH, and a closed loopback port as public resolver.
pub(crate) fn bin(home: &Path) -> Command {
    let mut c = Command::cargo_bin("gomod-diag").unwrap();
    c.env_clear()
        .current_dir(home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub(crate) fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    )
}

/// Whether `tool` runs; otherwise the check skips with a reason — unless CI=true.
fn have(tool: &str, probe: &[&str], what: &str) -> bool {
    let ok = std::process::Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {tool} is not installed ({what})"
        );
        eprintln!("skipping {what}: {tool} is not installed (CI=true makes this fatal)");
    }
    ok
}

fn scenario(name: &str) -> harness::Scenario {
    harness::load_all()
        .into_iter()
        .find(|(n, _)| n.trim_end_matches(".json") == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
        .1
}

/// A golden scenario's report saved as `gomod-diag --json` would write it.
pub(crate) fn saved_report(dir: &Path, name: &str, shell: Shell) -> PathBuf {
    let r = harness::build_report(&scenario(name), shell);
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&r).unwrap()).unwrap();
    path
}

#[test]
fn man_prints_a_roff_page_title_first() {
    let home = tempfile::tempdir().unwrap();
    let o = bin(home.path()).arg("man").output().unwrap();
    assert!(o.status.success(), "{}", show(&o));
    let page = text(&o.stdout);
    assert!(page.starts_with(".TH gomod-diag "), "{page:.300}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}");
    }
    assert!(page.contains("\\-\\-format"), "the options are listed");
    // Where man-db is installed it renders the page without complaint.
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok()
    {
        let file = home.path().join("gomod-diag.1");
        std::fs::write(&file, &page).unwrap();
        let r = std::process::Command::new("man")
            .arg("-l")
            .arg(&file)
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        assert!(r.status.success(), "man -l: {}", text(&r.stderr));
        assert!(text(&r.stdout).contains("gomod-diag"));
    }
}

#[test]
fn every_shell_gets_a_completion_script_its_shell_accepts() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = bin(home.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(o.status.success(), "{shell}: {}", show(&o));
        let script = text(&o.stdout);
        assert!(
            script.contains("gomod-diag") && script.contains("fix") && script.contains("man"),
            "{shell}: the script does not name the command and its subcommands"
        );
        let check: &[&str] = match shell {
            "bash" => &["-n"],
            "zsh" => &["-n"],
            "fish" => &["--no-execute"],
            _ => continue,
        };
        if !have(
            shell,
            &["-c", "exit 0"],
            &format!("{shell} -n on the completions"),
        ) {
            continue;
        }
        let file = home.path().join(format!("completion.{shell}"));
        std::fs::write(&file, &script).unwrap();
        let r = std::process::Command::new(shell)
            .args(check)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            r.status.success(),
            "{shell} rejects its completion script: {}",
            text(&r.stderr)
        );
    }
}

/// The first fenced `json` block of a Markdown text.
fn json_block(md: &str) -> &str {
    let start = md.find("```json\n").expect("a ```json block") + "```json\n".len();
    let end = md[start..].find("\n```").expect("the block ends") + start;
    &md[start..end]
}

#[test]
fn markdown_report_has_heading_table_cause_and_a_json_report_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    for (name, shell, cause) in [
        (
            "config-private-not-excluded",
            Shell::Bash,
            "config.private_not_excluded",
        ),
        (
            "proxy-auth-rejected",
            Shell::PowerShell,
            "proxy.auth_rejected",
        ),
    ] {
        let file = saved_report(dir.path(), name, shell);
        let shell_flag = if shell == Shell::Bash {
            "bash"
        } else {
            "powershell"
        };
        let o = bin(dir.path())
            .args(["report", file.to_str().unwrap(), "--format", "markdown"])
            .args(["--shell", shell_flag])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: {}", show(&o));
        let md = text(&o.stdout);
        assert!(md.starts_with("## gomod-diag: "), "{name}: {md:.200}");
        assert!(md.contains(&format!("(`{cause}`)")), "{name}: no cause id");
        assert!(md.contains("\n|---|"), "{name}: no table");
        assert!(md.contains("### Fix ("), "{name}: no fix");
        assert!(
            md.contains(&format!("```{shell_flag}\n")),
            "{name}: the fix is not in a {shell_flag} block"
        );
        assert!(md.contains("<details>") && md.contains("</details>"));
        // Secrets stay masked in the ticket, the JSON block included.
        assert!(
            !md.contains("Winter2026"),
            "{name}: a password in the Markdown"
        );
        // The helpdesk re-diagnoses what it pastes back: the JSON block, or the whole text.
        let back = bin(dir.path())
            .args(["report", "-", "--json"])
            .write_stdin(json_block(&md))
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&back.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", show(&back)));
        assert_eq!(v["verdict"]["cause"]["id"], cause, "{name}");
        let md_file = dir.path().join(format!("{name}.md"));
        std::fs::write(&md_file, md.replace('\n', "\r\n")).unwrap();
        let back = bin(dir.path())
            .args(["report", md_file.to_str().unwrap(), "--json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&back.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", show(&back)));
        assert_eq!(
            v["verdict"]["cause"]["id"], cause,
            "{name} (from a CRLF .md)"
        );
    }
    // --json is --format json: asking for both is clap's conflict; markdown only for reports.
    let file = saved_report(dir.path(), "ok-default", Shell::Bash);
    let f = file.to_str().unwrap();
    for args in [
        vec!["report", f, "--json", "--format", "markdown"],
        vec!["env", "--format", "markdown"],
    ] {
        let o = bin(dir.path()).args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", show(&o));
        assert!(
            text(&o.stderr).contains("--format"),
            "{args:?}: {}",
            show(&o)
        );
    }
    let o = bin(dir.path())
        .args(["report", f, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    serde_json::from_slice::<Value>(&o.stdout).expect("--format json is JSON");
    let o = bin(dir.path())
        .args(["env", "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice::<Value>(&o.stdout)
        .unwrap_or_else(|e| panic!("env --format json: {e}\n{}", show(&o)));
    let not_a_report = dir.path().join("notes.md");
    std::fs::write(&not_a_report, "# notes\n\nno report here\n").unwrap();
    let o = bin(dir.path())
        .args(["report", not_a_report.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(text(&o.stderr).contains("```json"), "{}", show(&o));
}

#[test]
fn ci_appends_the_markdown_summary_to_the_github_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = saved_report(dir.path(), "tls-untrusted-interception", Shell::Bash);
    let summary = dir.path().join("step_summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    for _ in 0..2 {
        let o = bin(dir.path())
            .args(["report", file.to_str().unwrap(), "--ci"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", show(&o));
        assert!(text(&o.stdout).contains("gomod-diag: FAIL tls.untrusted_interception"));
        assert!(text(&o.stdout).contains("::error title="));
    }
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("earlier step\n"),
        "appended, not replaced"
    );
    assert_eq!(written.matches("## gomod-diag: ").count(), 2, "{written}");
    assert!(written.contains("`tls.untrusted_interception`"));
    // Outside GitHub Actions the file is not GitHub's: left alone.
    let other = dir.path().join("other.md");
    let o = bin(dir.path())
        .args(["report", file.to_str().unwrap(), "--ci"])
        .env("GITHUB_STEP_SUMMARY", &other)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(!other.exists());
}

#[test]
fn a_live_ci_run_writes_the_job_summary() {
    let (_lab, vars) = crate::cli_run::lab("127.0.0.71");
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let s = summary.to_str().unwrap();
    let o = crate::cli_run::diag(
        &vars,
        &[("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", s)],
        &["--ci", "--module", "example.com/hello@v1.0.0"],
    );
    assert!(o.status.code().is_some(), "{}", show(&o));
    let written = std::fs::read_to_string(&summary).unwrap_or_else(|e| panic!("{e}: {}", show(&o)));
    assert!(written.starts_with("## gomod-diag: ✅"), "{written:.300}");
    assert!(written.contains("### Probes and timings"));
    assert!(written.contains("example.com/hello"));
}

// ---- the JSON Schema -------------------------------------------------------------------

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/report.schema.json"))
        .expect("docs/report.schema.json (UPDATE_SCHEMA=1 cargo test --lib schema:: writes it)");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// A validator for the part of JSON Schema 2020-12 that schemars emits for the report: type,
/// properties, required, additionalProperties, items, enum, const, anyOf, oneOf, minimum,
/// maximum and local `$ref`s (`format`, `description` and `default` are annotations).
/// Returns the first violation with its JSON path.
fn validate(root: &Value, schema: &Value, v: &Value, path: &str) -> Result<(), String> {
    let known = [
        "$schema",
        "$id",
        "title",
        "description",
        "default",
        "format",
        "$defs",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "anyOf",
        "oneOf",
        "minimum",
        "maximum",
        "$ref",
    ];
    let Some(obj) = schema.as_object() else {
        return match schema {
            Value::Bool(true) => Ok(()),
            _ => Err(format!("{path}: schema {schema} rejects everything")),
        };
    };
    if let Some(k) = obj.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!(
            "{path}: the schema uses {k:?}, which this validator does not know: teach it"
        ));
    }
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let name = r
            .strip_prefix("#/$defs/")
            .ok_or_else(|| format!("{path}: non-local $ref {r}"))?;
        let target = &root["$defs"][name];
        if target.is_null() {
            return Err(format!("{path}: $ref to a missing definition {r}"));
        }
        validate(root, target, v, path)?;
    }
    if let Some(t) = obj.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => return Err(format!("{path}: bad type {t}")),
        };
        let is = |t: &str| match t {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64(),
            _ => false,
        };
        if !types.iter().any(|t| is(t)) {
            return Err(format!("{path}: {v} is not of type {t}"));
        }
    }
    if let Some(e) = obj.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            return Err(format!(
                "{path}: {v} is not one of {}",
                Value::Array(e.clone())
            ));
        }
    }
    if let Some(c) = obj.get("const") {
        if c != v {
            return Err(format!("{path}: {v} is not {c}"));
        }
    }
    if let Some(n) = v.as_f64() {
        if let Some(min) = obj.get("minimum").and_then(Value::as_f64) {
            if n < min {
                return Err(format!("{path}: {n} < minimum {min}"));
            }
        }
        if let Some(max) = obj.get("maximum").and_then(Value::as_f64) {
            if n > max {
                return Err(format!("{path}: {n} > maximum {max}"));
            }
        }
    }
    if let Some(o) = v.as_object() {
        let props = obj.get("properties").and_then(Value::as_object);
        for req in obj
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let req = req.as_str().unwrap_or_default();
            if !o.contains_key(req) {
                return Err(format!("{path}: required property {req:?} is missing"));
            }
        }
        for (k, val) in o {
            let p = format!("{path}/{k}");
            match props.and_then(|ps| ps.get(k)) {
                Some(s) => validate(root, s, val, &p)?,
                None => match obj.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        return Err(format!("{path}: property {k:?} is not allowed"))
                    }
                    Some(s) if s.is_object() => validate(root, s, val, &p)?,
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(a)) = (obj.get("items"), v.as_array()) {
        for (i, val) in a.iter().enumerate() {
            validate(root, items, val, &format!("{path}/{i}"))?;
        }
    }
    if let Some(any) = obj.get("anyOf").and_then(Value::as_array) {
        let errs: Vec<String> = any
            .iter()
            .filter_map(|s| validate(root, s, v, path).err())
            .collect();
        if errs.len() == any.len() {
            return Err(format!(
                "{path}: matches no anyOf branch: {}",
                errs.join(" / ")
            ));
        }
    }
    if let Some(one) = obj.get("oneOf").and_then(Value::as_array) {
        let results: Vec<Result<(), String>> =
            one.iter().map(|s| validate(root, s, v, path)).collect();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        if ok != 1 {
            let errs: Vec<String> = results.into_iter().filter_map(Result::err).collect();
            return Err(format!(
                "{path}: matches {ok} oneOf branches (exactly one expected): {}",
                errs.join(" / ")
            ));
        }
    }
    Ok(())
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let s = schema();
    let r = harness::build_report(&scenario("tls-expired"), Shell::Bash);
    let good = serde_json::to_value(&r).unwrap();
    validate(&s, &s, &good, "").unwrap();
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("verdict");
    assert!(validate(&s, &s, &missing, "")
        .unwrap_err()
        .contains("verdict"));
    let mut bad_id = good.clone();
    bad_id["verdict"]["cause"]["id"] = "tls.no_such_cause".into();
    assert!(validate(&s, &s, &bad_id, "")
        .unwrap_err()
        .contains("/verdict/cause/id"));
    let mut bad_type = good.clone();
    bad_type["schema_version"] = "1".into();
    assert!(validate(&s, &s, &bad_type, "").is_err());
    let mut bad_kind = good;
    bad_kind["config"]["values"][0]["source"] = serde_json::json!({"kind": "somewhere"});
    assert!(validate(&s, &s, &bad_kind, "").is_err());
}

#[test]
fn every_golden_report_and_a_live_json_report_validate_against_the_schema() {
    let s = schema();
    assert_eq!(
        s["title"],
        format!(
            "gomod-diag report, schema_version {}",
            gomod_diag::report::SCHEMA_VERSION
        )
    );
    let mut checked = 0;
    for (name, sc) in harness::load_all() {
        for shell in [Shell::Bash, Shell::PowerShell, Shell::Cmd] {
            let r = harness::build_report(&sc, shell);
            let v = serde_json::to_value(&r).unwrap();
            validate(&s, &s, &v, "").unwrap_or_else(|e| panic!("{name} ({shell:?}): {e}"));
            checked += 1;
        }
    }
    assert!(checked >= 150, "only {checked} reports");
    let (_lab, vars) = crate::cli_run::lab("127.0.0.72");
    let o = crate::cli_run::diag(
        &vars,
        &[],
        &["--json", "--module", "example.com/hello@v1.0.0"],
    );
    let live: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(&o)));
    validate(&s, &s, &live, "").unwrap_or_else(|e| panic!("live --json: {e}"));
}

// ---- the Action, the READMEs ------------------------------------------------------------

#[test]
fn action_yml_is_a_composite_action_whose_inputs_exist() {
    let path = root().join("action.yml");
    let raw = std::fs::read_to_string(&path).expect("action.yml at the repository root");
    if !have(
        "python3",
        &["-c", "import yaml"],
        "parsing action.yml with PyYAML",
    ) {
        return;
    }
    let o = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "action.yml is not YAML: {}",
        text(&o.stderr)
    );
    let a: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(a["name"].is_string() && a["description"].is_string());
    assert_eq!(a["runs"]["using"], "composite");
    let inputs: BTreeSet<String> = a["inputs"]
        .as_object()
        .expect("inputs")
        .keys()
        .cloned()
        .collect();
    for want in [
        "modules",
        "timeout",
        "fail-on",
        "version",
        "build-from-source",
    ] {
        assert!(inputs.contains(want), "no input {want}");
    }
    // Every `${{ inputs.X }}` names a declared input.
    let mut used = BTreeSet::new();
    for part in raw.split("inputs.").skip(1) {
        let name: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        used.insert(name);
    }
    let undeclared: Vec<_> = used.difference(&inputs).collect();
    assert!(
        undeclared.is_empty(),
        "inputs used but not declared: {undeclared:?}"
    );
    let unused: Vec<_> = inputs.difference(&used).collect();
    assert!(
        unused.is_empty(),
        "inputs declared but never used: {unused:?}"
    );
    // Composite run steps need a shell; their scripts are valid bash.
    let steps = a["runs"]["steps"].as_array().expect("steps");
    let dir = tempfile::tempdir().unwrap();
    for (i, step) in steps.iter().enumerate() {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        assert_eq!(step["shell"], "bash", "step {i} needs `shell: bash`");
        let plain = script.replace("${{", "\"$(").replace("}}", ")\"");
        let file = dir.path().join(format!("step{i}.sh"));
        std::fs::write(&file, plain).unwrap();
        let r = std::process::Command::new("bash")
            .arg("-n")
            .arg(&file)
            .output()
            .unwrap();
        assert!(r.status.success(), "step {i}: {}", text(&r.stderr));
    }
}

#[test]
fn the_chinese_readme_exists_and_both_readmes_link_each_other() {
    let en = std::fs::read_to_string(root().join("README.md")).unwrap();
    let zh = std::fs::read_to_string(root().join("README.zh-CN.md")).expect("README.zh-CN.md");
    assert!(
        en.contains("(README.zh-CN.md)"),
        "README.md links README.zh-CN.md"
    );
    assert!(zh.contains("(README.md)"), "README.zh-CN.md links back");
    let han = zh
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    assert!(
        han > 500,
        "README.zh-CN.md has only {han} Chinese characters"
    );
    for cmd in [
        "gomod-diag fix",
        "--format markdown",
        "--lang zh",
        "go env -w",
    ] {
        assert!(zh.contains(cmd), "README.zh-CN.md does not mention {cmd}");
    }
}

// ---- gomod-diag fix against a temporary go env file ------------------------------------

/// `gomod-diag fix ARGS` with GOENV in `dir` and nothing of this machine's Go settings.
fn fix(dir: &Path, args: &[&str], extra: &[(&str, &str)]) -> Output {
    let mut c = bin(dir);
    c.env("GOENV", dir.join("go.env"))
        .env("GOPATH", dir.join("gopath"))
        .env("GOMODCACHE", dir.join("modcache"))
        .env("GOCACHE", dir.join("gocache"))
        .arg("fix")
        .args(args)
        .args(["--shell", "bash"]);
    for (k, v) in extra {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn go_env(dir: &Path, var: &str) -> String {
    let o = std::process::Command::new("go")
        .args(["env", var])
        .env("GOENV", dir.join("go.env"))
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env_remove(var)
        .output()
        .unwrap();
    text(&o.stdout).trim().to_string()
}

#[test]
fn fix_applies_the_go_env_steps_shows_a_diff_and_undo_restores() {
    if !crate::go_or_skip("gomod-diag fix with the real go") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env_file = d.join("go.env");
    let original = "# my settings\nGOFLAGS=-modcacherw\n";
    std::fs::write(&env_file, original).unwrap();
    let report = saved_report(d, "config-private-not-excluded", Shell::Bash);
    let want = harness::build_report(&scenario("config-private-not-excluded"), Shell::Bash);
    let cmd = want.verdict.fixes.as_ref().unwrap().steps[0]
        .command
        .clone()
        .unwrap();
    let value = cmd
        .trim_start_matches("go env -w ")
        .trim_matches('\'')
        .trim_start_matches("GOPRIVATE=")
        .to_string();
    assert!(!value.is_empty(), "{cmd}");
    let r = report.to_str().unwrap();

    let o = fix(d, &["--from-report", r, "--dry-run"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let out = text(&o.stdout);
    assert!(out.contains(&format!("+ GOPRIVATE={value}")), "{out}");
    assert!(out.contains("dry run"), "{out}");
    assert_eq!(std::fs::read_to_string(&env_file).unwrap(), original);
    assert!(!d.join("go.env.gomod-diag-backup").exists());

    let o = fix(d, &["--from-report", r], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(text(&o.stdout).contains("backup"), "{}", show(&o));
    assert_eq!(go_env(d, "GOPRIVATE"), value, "go reads the change");
    assert_eq!(go_env(d, "GOFLAGS"), "-modcacherw", "other settings kept");
    assert_eq!(
        std::fs::read_to_string(d.join("go.env.gomod-diag-backup")).unwrap(),
        original
    );
    // Applied already: nothing left to do.
    let o = fix(d, &["--from-report", r], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        text(&o.stdout).contains("already in effect"),
        "{}",
        show(&o)
    );

    let o = fix(d, &["--undo"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        text(&o.stdout).contains(&format!("- GOPRIVATE={value}")),
        "{}",
        show(&o)
    );
    assert_eq!(std::fs::read_to_string(&env_file).unwrap(), original);
    assert_eq!(go_env(d, "GOPRIVATE"), "");
    let o = fix(d, &["--undo"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(text(&o.stderr).contains("no backup"), "{}", show(&o));

    // An OS variable would override the env file: refused, saying which and how.
    let o = fix(d, &["--from-report", r], &[("GOPRIVATE", "other.example")]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    let out = text(&o.stdout);
    assert!(
        out.contains("GOPRIVATE=other.example") && out.contains("unset GOPRIVATE"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&env_file).unwrap(), original);
}

#[test]
fn fix_refuses_when_goenv_is_off_or_go_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let r = saved_report(d, "config-private-not-excluded", Shell::Bash);
    let o = bin(d)
        .env("PATH", d)
        .args(["fix", "--from-report", r.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(text(&o.stderr).contains("go env GOENV"), "{}", show(&o));
    if !crate::go_or_skip("fix with GOENV=off") {
        return;
    }
    let o = fix(
        d,
        &["--from-report", r.to_str().unwrap()],
        &[("GOENV", "off")],
    );
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(text(&o.stderr).contains("GOENV"), "{}", show(&o));
}

// ---- --lang zh --------------------------------------------------------------------------

/// The first run of four or more English words (two of them lower-case) in `line`, once
/// what may stay as it is has been taken out: `code`, "quoted" and “quoted” text (Go's
/// error texts, values), URLs.
pub(crate) fn english_sentence(line: &str) -> Option<String> {
    let mut plain = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let close = match c {
            '`' => Some('`'),
            '"' => Some('"'),
            '“' => Some('”'),
            _ => None,
        };
        match close {
            Some(end) => {
                for d in chars.by_ref() {
                    if d == end {
                        break;
                    }
                }
                plain.push(' ');
            }
            None => plain.push(c),
        }
    }
    let plain: Vec<&str> = plain
        .split(|c: char| c.is_whitespace() || "，。：；（）、".contains(c))
        .filter(|w| !w.contains("://"))
        .collect();
    let is_word = |w: &str| {
        let w = w
            .trim_end_matches([',', ';', ':', '.', ')'])
            .trim_start_matches('(');
        w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic() || c == '\'')
    };
    let mut run: Vec<&str> = vec![];
    for w in plain.iter().chain([&""]) {
        if is_word(w) {
            run.push(w);
            continue;
        }
        let lower = run
            .iter()
            .filter(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
            .count();
        if run.len() >= 4 && lower >= 2 {
            return Some(run.join(" "));
        }
        run.clear();
    }
    None
}

/// The words of `t` (letters and apostrophes), one space apart.
pub(crate) fn english_words(t: &str) -> String {
    t.split(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_sentence_detector_sees_english_and_lets_values_be() {
    assert!(english_sentence("8.8.8.8:53 cannot be reached from this network").is_some());
    assert!(english_sentence("在这个网络里无法访问 8.8.8.8:53").is_none());
    assert!(
        english_sentence("Go 报 `tls: failed to verify certificate: x509: unknown authority`")
            .is_none()
    );
    assert!(english_sentence("由 Corp SSL Inspection CA 签发").is_none());
    assert!(english_sentence("见 https://go.dev/ref/mod#private-modules 的说明").is_none());
}

/// Every text of a Chinese verdict but Go's own text: the evidence as the renderers show it
/// (Go's and the peers' texts in it are quoted).
fn chinese_texts(r: &gomod_diag::report::Report) -> Vec<(String, String)> {
    let v = &r.verdict;
    let mut out = vec![
        ("title".to_string(), v.cause.title.clone()),
        ("summary".to_string(), v.cause.summary.clone()),
        ("explanation".to_string(), v.cause.explanation.clone()),
    ];
    for f in &v.findings {
        out.push((format!("finding {} title", f.id), f.title.clone()));
        out.push((format!("finding {} detail", f.id), f.summary.clone()));
    }
    for (i, e) in v.evidence.iter().enumerate() {
        let zh = |t: &str| gomod_diag::catalog::details::localize(t, gomod_diag::cli::Lang::Zh);
        out.push((format!("evidence {} fact", i + 1), zh(&e.fact)));
        out.push((
            format!("evidence {} observation", i + 1),
            zh(&e.observation),
        ));
    }
    if let Some(fixes) = &v.fixes {
        for (i, s) in fixes.steps.iter().enumerate() {
            out.push((format!("fix step {}", i + 1), s.text.clone()));
        }
        if let Some(w) = &fixes.warning {
            out.push(("fix warning".into(), w.clone()));
        }
    }
    out
}

/// Every string value in `v`, masked as the evidence shows it.
fn strings_in(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(gomod_diag::redact::mask_value(s)),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings_in(x, out)),
        // `why` is the simulation's own sentence, not an observation.
        serde_json::Value::Object(o) => o
            .iter()
            .filter(|(k, _)| *k != "why")
            .for_each(|(_, x)| strings_in(x, out)),
        _ => {}
    }
}

#[test]
fn chinese_output_leaves_no_english_sentence() {
    let catalog = gomod_diag::catalog::Catalog::builtin();
    let style = gomod_diag::report::Style {
        catalog: &catalog,
        lang: gomod_diag::cli::Lang::Zh,
        shell: Shell::PowerShell,
    };
    let mut left = vec![];
    let mut findings = 0;
    for (name, sc) in harness::load_all() {
        let en = harness::build_report(&sc, Shell::PowerShell);
        let zh = gomod_diag::report::rediagnose(en, &style).unwrap();
        findings += zh.verdict.findings.len();
        // Go's own text may be quoted anywhere, also unfenced in an explanation.
        let mut go_texts = vec![];
        for l in zh.verdict.go_error.iter().flat_map(|e| e.lines()) {
            go_texts.push(l.to_string());
            if let Some((_, rest)) = l.strip_prefix("go: ").and_then(|r| r.split_once(": ")) {
                go_texts.push(rest.to_string());
            }
        }
        go_texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
        // What the probes and the simulation recorded (Go's texts, peers' answers): evidence
        // may show it as it is.
        let mut observed = vec![];
        strings_in(
            &serde_json::to_value(&zh.prediction).unwrap(),
            &mut observed,
        );
        strings_in(&serde_json::to_value(&zh.facts).unwrap(), &mut observed);
        for (what, text) in chinese_texts(&zh) {
            if what.starts_with("evidence") && observed.iter().any(|o| o.contains(&text)) {
                continue;
            }
            // Whole texts: a `code` span may be wrapped over two lines.
            let mut text = text.replace('\n', " ");
            for g in go_texts.iter().filter(|g| g.len() > 8) {
                text = text.replace(g.as_str(), " ");
            }
            if let Some(s) = english_sentence(&text) {
                left.push(format!("{name}: {what}: {s:?} in {text:?}"));
            }
        }
    }
    assert!(
        findings >= 10,
        "only {findings} findings: the test would see little"
    );
    assert!(
        left.is_empty(),
        "English left in --lang zh:\n{}",
        left.join("\n")
    );
    // The binary's own Chinese output, for one scenario with findings.
    let dir = tempfile::tempdir().unwrap();
    let file = saved_report(dir.path(), "ok-insecure-settings", Shell::Bash);
    let o = bin(dir.path())
        .args([
            "report",
            file.to_str().unwrap(),
            "--lang",
            "zh",
            "--no-color",
        ])
        .output()
        .unwrap();
    let out = text(&o.stdout);
    assert!(out.contains("其他发现："), "{}", show(&o));
    let findings: Vec<&str> = out.lines().filter(|l| l.starts_with("  - ")).collect();
    assert!(!findings.is_empty(), "{out}");
    for l in findings {
        assert_eq!(english_sentence(l), None, "{l}");
    }
}

#[test]
fn chinese_rendered_reports_leave_no_english_sentence() {
    // What the renderers add around the verdict (labels, why each module is probed, where a
    // setting comes from, CI annotations), in every format a person reads.
    use gomod_diag::render::{self, ReportFormat};
    let catalog = gomod_diag::catalog::Catalog::builtin();
    let style = gomod_diag::report::Style {
        catalog: &catalog,
        lang: gomod_diag::cli::Lang::Zh,
        shell: Shell::Bash,
    };
    let mut left = vec![];
    for (name, sc) in harness::load_all() {
        let en = harness::build_report(&sc, Shell::Bash);
        let zh = gomod_diag::report::rediagnose(en, &style).unwrap();
        // Facts as observed (Go's texts, peers' answers) and the commands to run stay as they are.
        let mut kept = vec![];
        strings_in(&serde_json::to_value(&zh.prediction).unwrap(), &mut kept);
        strings_in(&serde_json::to_value(&zh.facts).unwrap(), &mut kept);
        kept.extend(
            zh.verdict
                .go_error
                .iter()
                .flat_map(|e| e.lines().map(str::to_string)),
        );
        for s in zh.verdict.fixes.iter().flat_map(|f| &f.steps) {
            kept.extend(s.command.iter().flat_map(|c| c.lines().map(str::to_string)));
        }
        kept.retain(|k| k.trim().len() > 8);
        kept.sort_by_key(|k| std::cmp::Reverse(k.len()));
        for fmt in [
            ReportFormat::Text(render::terminal::TextStyle {
                paint: render::Paint { on: false },
                verbose: 0,
            }),
            ReportFormat::Markdown,
            ReportFormat::Ci {
                github_actions: true,
            },
        ] {
            let out = render::report(&zh, fmt);
            let mut fenced = false;
            for line in out.lines() {
                if line.trim_start().starts_with("```") {
                    fenced = !fenced;
                    continue;
                }
                // The CI summary line keeps its English keywords for log parsers.
                if fenced || line.starts_with("gomod-diag: ") {
                    continue;
                }
                let mut line = line.replace("%0A", "\n");
                for k in &kept {
                    line = line.replace(k.trim(), " ");
                }
                // A sentence may also be a piece of a kept text the line shows in part.
                let words = |t: &str| english_words(&t.replace("&lt;", "<").replace("<br>", " "));
                if let Some(s) = english_sentence(&line) {
                    if !kept.iter().any(|k| words(k).contains(&words(&s))) {
                        left.push(format!("{name}: {s:?} in {line:?}"));
                    }
                }
            }
        }
    }
    assert!(
        left.is_empty(),
        "English left in rendered --lang zh reports:\n{}",
        left.join("\n")
    );
}
