//! The properties every parser keeps on any input, shared by the cargo-fuzz targets
#![allow(dead_code)]
//! (`fuzz/fuzz_targets/*.rs`, a million inputs each via `scripts/fuzz.sh`) and the bounded
//! proptest run in the normal suite (`tests/it/fuzz_props.rs`). Each takes raw bytes and
//! panics only when a property is broken: no panic, and a round trip where there is one.

use std::collections::BTreeMap;

use gomod_diag::config::{ConfigInputs, FileInput, GoConfig, OsKind};

/// Input split into up to `n` fields on NUL (so one byte string drives several arguments).
fn fields(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut f: Vec<String> = text.splitn(n, '\0').map(str::to_string).collect();
    f.resize(n, String::new());
    f
}

fn config_from(pairs: &[(String, String)], env_file: Option<String>, os: OsKind) -> GoConfig {
    let env: BTreeMap<String, String> = pairs.iter().cloned().collect();
    GoConfig::from_inputs(&ConfigInputs {
        os: Some(os),
        env,
        env_file: env_file.map(|c| FileInput {
            path: "/fuzz/go/env".into(),
            contents: Some(c),
        }),
        ..ConfigInputs::default()
    })
}

/// Configuration values: an env file and variables, everything computed from them.
pub fn config_values(data: &[u8]) {
    let f = fields(data, 4);
    let _ = gomod_diag::config::goenv::parse_env_file(&f[0]);
    let names: Vec<&str> = gomod_diag::config::variables().collect();
    let name = names[f[1].len() % names.len()];
    let os = [OsKind::Linux, OsKind::Windows, OsKind::Macos][f[3].len() % 3];
    let config = config_from(
        &[
            (name.to_string(), f[2].clone()),
            ("GOFLAGS".into(), f[3].clone()),
        ],
        Some(f[0].clone()),
        os,
    );
    let _ = config.proxy_list();
    let _ = config.sumdb();
    let _ = config.govcs();
    let _ = config.is_private(&f[3]);
    let _ = config.proxy_env().invalid_values();
    let _ = gomod_diag::config::warnings::check(&config);
    let _ = gomod_diag::config::gosumdb::parse_gosumdb(&f[2]);
    let _ = gomod_diag::config::gosumdb::parse_verifier_key(&f[2]);
    let _ = gomod_diag::config::govcs::parse_govcs(&f[2]);
    let _ = gomod_diag::config::gourl::parse(&f[2]);
    let _ = gomod_diag::config::gourl::parse_masked(&f[2]);
    // The configuration is a report field: it survives its own JSON.
    let json = serde_json::to_string(&config).expect("serialize");
    let _: GoConfig = serde_json::from_str(&json).expect("read back");
}

/// GOPROXY lists and each URL in them.
pub fn goproxy(data: &[u8]) {
    let f = fields(data, 2);
    if let Ok(list) = gomod_diag::config::goproxy::proxy_list(&f[0], &f[1]) {
        for e in &list {
            let _ = e.display();
            let _ = e.fallback();
        }
    }
    let _ = gomod_diag::config::goproxy::check_proxy_url(&f[0]);
}

/// GOPRIVATE / GONOPROXY / GONOSUMDB patterns against module paths.
pub fn goprivate(data: &[u8]) {
    let f = fields(data, 2);
    let m = gomod_diag::config::pattern::match_prefix_patterns(&f[0], &f[1]);
    // An empty pattern list matches nothing.
    if f[0].trim_matches(',').is_empty() {
        assert!(!m, "{:?} matched {:?}", f[0], f[1]);
    }
}

/// NO_PROXY against hosts and ports.
pub fn no_proxy(data: &[u8]) {
    let f = fields(data, 3);
    let env = gomod_diag::config::ProxyEnv::new("http://p.test:1", "http://p.test:1", &f[0], false);
    let _ = env.use_proxy(&f[1], &f[2]);
    let _ = env.proxy_for_str(&format!("https://{}/x", f[1]));
    let _ = env.invalid_values();
}

/// Proxy URLs (HTTP(S)_PROXY, `--proxy`) and CONNECT replies.
pub fn proxy_url(data: &[u8]) {
    let f = fields(data, 1);
    if let Ok(Some(p)) = gomod_diag::config::httpproxy::parse_proxy(&f[0], "HTTPS_PROXY") {
        let _ = p.host_port();
        let _ = p.full_url();
        // The redacted form never carries the password: it is the same whatever the
        // password is. (A substring test is not the property: the password may also be
        // part of the user name or the host, `http://:6666@6666.test`.)
        if p.password.is_some() {
            let mut other = p.clone();
            other.password = Some(gomod_diag::redact::Secret::new(
                "\u{1}another password\u{1}".to_string(),
            ));
            assert_eq!(p.redacted(), other.redacted());
            assert!(!other.redacted().contains("another password"));
        }
    }
    let _ = gomod_diag::probe::Route::parse_proxy_arg(&f[0]);
    if let Ok(Some((reply, used))) = gomod_diag::probe::proxy::parse_connect_reply(data) {
        assert!(used <= data.len());
        let _ = gomod_diag::probe::proxy::classify_connect(&reply, true);
    }
    let _ = gomod_diag::probe::parse_host_port(&f[0], Some(443));
}

/// go.mod files and the targets chosen from them.
pub fn go_mod(data: &[u8]) {
    use gomod_diag::modfetch::targets::{parse_go_mod, select_from_go_mod, RoutePatterns};
    let text = String::from_utf8_lossy(data);
    let gm = parse_go_mod(&text);
    let pats = RoutePatterns {
        gonoproxy: "corp.example,*.internal".into(),
        gonosumdb: "corp.example".into(),
    };
    let sel = select_from_go_mod(&gm, "go.mod", &pats);
    assert!(!sel.targets.is_empty(), "always something to probe");
    assert_eq!(sel.why.len(), sel.targets.len(), "one reason per target");
    let _ = sel.choices();
    let _ = gomod_diag::modfetch::targets::parse_target(&text);
}

/// `?go-get=1` HTML and the go-import match.
pub fn go_import(data: &[u8]) {
    use gomod_diag::modfetch::meta::{match_go_import, parse_instead_of, parse_meta_go_imports};
    let f = fields(data, 2);
    let imports = parse_meta_go_imports(&f[0]);
    if let Ok(m) = match_go_import(&imports, &f[1]) {
        assert!(imports.contains(&m));
    }
    let _ = parse_instead_of(&f[0]);
    let _ = gomod_diag::modfetch::git_text::classify_git_stderr(&f[0]);
}

/// Signed notes, tree notes, lookup records and tiles of a checksum database.
pub fn note_tile(data: &[u8]) {
    use gomod_diag::simulate::proto::{note, tlog};
    let signer = note::Signer::from_seed("sum.fuzz.test", &[7; 32]).expect("signer");
    let known = [signer.verifier()];
    if let Ok(n) = note::open(data, &known) {
        assert!(n.text.ends_with('\n'));
    }
    // A note signed here opens, whatever its text (Go's Open refuses control characters
    // other than newline, which Sign lets through).
    let text = String::from_utf8_lossy(data);
    let clean = !text.chars().any(|c| (c as u32) < 0x20 && c != '\n');
    if let Some(signed) = signer.sign_note(&text).ok().filter(|_| clean) {
        let n = note::open(signed.as_bytes(), &known).expect("own signature opens");
        assert_eq!(n.text, text);
    }
    let _ = note::Verifier::parse(&text);
    if let Ok(tree) = tlog::parse_tree(&text) {
        assert_eq!(tlog::parse_tree(&tlog::format_tree(&tree)), Ok(tree));
        let _ = tlog::plan_record_tiles(&tree, (data.len() as i64) * 7);
    }
    let _ = tlog::parse_record(data);
    if let Some(t) = tlog::Tile::parse_path(&text) {
        assert_eq!(tlog::Tile::parse_path(&t.path()), Some(t));
        let _ = tlog::hash_from_tile(&t, data, data.len() as i64);
    }
}

/// Saved reports: any bytes are decoded, parsed and re-diagnosed or refused, never a panic;
/// a report that parses survives its own JSON.
pub fn report_json(data: &[u8]) {
    let Ok(text) = gomod_diag::report::decode_report_text(data) else {
        return;
    };
    if let Ok(r) = serde_json::from_str::<gomod_diag::report::Report>(&text) {
        let json = serde_json::to_string(&r).expect("serialize");
        let back: gomod_diag::report::Report = serde_json::from_str(&json).expect("read back");
        let catalog = catalog();
        let style = gomod_diag::report::Style {
            catalog,
            lang: gomod_diag::cli::Lang::En,
            shell: gomod_diag::shell::Shell::Bash,
        };
        if let Ok(r) = gomod_diag::report::rediagnose(back, &style) {
            let _ = gomod_diag::render::report(
                &r,
                gomod_diag::render::ReportFormat::Ci {
                    github_actions: true,
                },
            );
        }
    }
}

/// Pasted Go errors: classified, and the rendered answer, on its way out, holds no control
/// character without colour and none but the six colour codes with colour.
pub fn explain_text(data: &[u8]) {
    use gomod_diag::render::escape;
    let text = String::from_utf8_lossy(data);
    let ex = gomod_diag::explain::explain(&text);
    let catalog = catalog();
    let answer = gomod_diag::render::explain::render(
        &ex,
        catalog,
        gomod_diag::cli::Lang::En,
        gomod_diag::shell::Shell::Bash,
        &Default::default(),
    );
    for shown in [&answer, &text.to_string()] {
        let plain = escape::output(shown, false);
        assert!(!plain.chars().any(escape::is_hostile), "{plain:?}");
        let painted = escape::output(shown, true);
        for (i, _) in painted.match_indices('\x1b') {
            let rest = &painted[i..];
            assert!(
                ["\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m"]
                    .iter()
                    .any(|p| rest.starts_with(p)),
                "{rest:?}"
            );
        }
        let others = painted.chars().filter(|&c| c != '\x1b');
        assert!(!others.into_iter().any(escape::is_hostile), "{painted:?}");
    }
}

/// What the OS commands print, read by the platform parsers (every OS's, on any OS).
pub fn os_outputs(data: &[u8]) {
    use gomod_diag::platform::{desktop, env, macos, run, windows};
    let _ = run::decode_console(data);
    let text = String::from_utf8_lossy(data);
    let _ = macos::parse_scutil_proxy(&text);
    let _ = desktop::parse_gsettings(&text);
    let _ = desktop::parse_kioslaverc(&text);
    let _ = windows::parse_reg_query(&text);
    let _ = windows::parse_internet_settings(&text);
    let _ = windows::parse_netsh_winhttp(&text);
    let _ = env::parse_profile(&text, "~/.profile", env::ProfileSyntax::Posix);
    let _ = env::parse_profile(&text, "config.fish", env::ProfileSyntax::Fish);
    let _ = gomod_diag::probe::hosts::parse(&text);
    let _ = gomod_diag::probe::dns::system::parse_resolv_conf_nameservers(&text);
}

/// A property over raw bytes.
pub type Property = fn(&[u8]);

/// Every property, by name (the fuzz target names).
pub const ALL: &[(&str, Property)] = &[
    ("config_values", config_values),
    ("goproxy", goproxy),
    ("goprivate", goprivate),
    ("no_proxy", no_proxy),
    ("proxy_url", proxy_url),
    ("go_mod", go_mod),
    ("go_import", go_import),
    ("note_tile", note_tile),
    ("report_json", report_json),
    ("explain_text", explain_text),
    ("os_outputs", os_outputs),
];

/// The built-in catalog, parsed once (it is the same for every input).
fn catalog() -> &'static gomod_diag::catalog::Catalog {
    static CATALOG: std::sync::OnceLock<gomod_diag::catalog::Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(gomod_diag::catalog::Catalog::builtin)
}
