//! The x509 differential oracle: Go's crypto/x509 (tests/x509_oracle, built here with the
//! CI's Go) and the tool's verifier judge the same generated chains — each defect alone and
//! in combination — with the same roots, host and time; they must agree on every chain on
//! accept/reject, class and Go's exact text.

use std::path::Path;
use std::process::Command;

use gomod_diag::probe::trust::{anchor_subjects, go_verdict};
use gomod_diag::probe::x509::Pool;
use rustls_pki_types::CertificateDer;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    name: String,
    host: String,
    time: i64,
    chain: Vec<String>,
    roots: Vec<String>,
}

#[derive(Deserialize)]
struct Verdict {
    name: String,
    ok: bool,
    class: String,
    text: String,
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex from the generator"))
        .collect()
}

fn go(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(args[0]);
    c.args(&args[1..])
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-modcacherw")
        .env("GOTELEMETRY", "off");
    c
}

fn run(mut c: Command, what: &str) -> Vec<u8> {
    let o = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        o.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// The tool's verdict, as the handshake's verifier reaches it (roots → pool + anchors).
fn tool_verdict(c: &Case) -> (bool, String, String) {
    let chain: Vec<CertificateDer<'static>> = c
        .chain
        .iter()
        .map(|h| CertificateDer::from(unhex(h)))
        .collect();
    let roots: Vec<CertificateDer<'static>> = c
        .roots
        .iter()
        .map(|h| CertificateDer::from(unhex(h)))
        .collect();
    let mut store = rustls::RootCertStore::empty();
    for r in &roots {
        let _ = store.add(r.clone());
    }
    let anchors = anchor_subjects(&store);
    let pool = Pool::new(roots.iter().map(|r| r.as_ref()));
    match go_verdict(&chain, &pool, Some(&anchors), &c.host, c.time) {
        Ok(()) => (true, "ok".into(), String::new()),
        Err(r) => {
            let class = serde_json::to_value(r.class).unwrap();
            (false, class.as_str().unwrap().to_string(), r.text)
        }
    }
}

#[test]
fn the_tool_judges_certificates_as_go_does() {
    if !crate::go_or_skip("the x509 oracle") {
        return;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/x509_oracle");
    let tmp = std::env::temp_dir().join(format!("gomod-diag-x509-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let bin = tmp.join("x509_oracle");
    let cases_file = tmp.join("cases.json");
    run(
        go(&src, &["go", "build", "-o", bin.to_str().unwrap(), "."]),
        "building the oracle",
    );
    // Only the generator may make small RSA keys; the judge runs with Go's defaults.
    let mut gen = go(
        &src,
        &[bin.to_str().unwrap(), "gen", cases_file.to_str().unwrap()],
    );
    gen.env("GODEBUG", "rsa1024min=0");
    run(gen, "generating chains");
    let verdicts = run(
        go(
            &src,
            &[bin.to_str().unwrap(), "judge", cases_file.to_str().unwrap()],
        ),
        "the oracle's verdicts",
    );
    let cases: Vec<Case> =
        serde_json::from_slice(&std::fs::read(&cases_file).unwrap()).expect("cases.json");
    let verdicts: Vec<Verdict> = serde_json::from_slice(&verdicts).expect("verdicts");
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(cases.len(), verdicts.len());
    assert!(cases.len() >= 200, "only {} chains", cases.len());

    let mut disagreements = Vec::new();
    let mut rejected = 0;
    for (c, g) in cases.iter().zip(&verdicts) {
        assert_eq!(c.name, g.name);
        rejected += usize::from(!g.ok);
        let (ok, class, text) = tool_verdict(c);
        if ok != g.ok || class != g.class || text != g.text {
            disagreements.push(format!(
                "{} (host {})\n    go:   {} {}\n    tool: {} {}",
                c.name, c.host, g.class, g.text, class, text
            ));
        }
    }
    println!(
        "x509 oracle: {} chains ({} rejected by Go), {} disagreements",
        cases.len(),
        rejected,
        disagreements.len()
    );
    // The generator must exercise both outcomes, or agreement says nothing.
    assert!(rejected > 0 && rejected < cases.len());
    assert!(
        disagreements.is_empty(),
        "{} of {} chains judged differently:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}
