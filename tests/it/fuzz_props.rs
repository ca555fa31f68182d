//! The fuzz targets' properties (fuzz/props.rs), run a bounded 2,000 cases each in the normal
//! suite: inputs built from the parsers' own tokens and raw bytes, so the structure the
//! parsers look for turns up without a fuzzer's feedback. The million-input runs are
//! `scripts/fuzz.sh` (cargo-fuzz, nightly).

#[path = "../../fuzz/props.rs"]
mod props;

use proptest::prelude::*;

/// Pieces of every format the parsers read, plus any byte.
fn input() -> impl Strategy<Value = Vec<u8>> {
    const TOKENS: &[&str] = &[
        "https://",
        "http://",
        "socks5://",
        "direct",
        "off",
        ",",
        "|",
        "\0",
        "@",
        ":",
        "/",
        "v1.0.0",
        "require ",
        "replace ",
        "exclude ",
        " => ",
        "(",
        ")",
        "\n",
        "\r\n",
        " ",
        "<meta name=\"go-import\" content=\"",
        "\">",
        "<head>",
        "</head>",
        "go.sum database tree\n",
        "\u{2014} ",
        "+",
        "tile/8/0/",
        ".p/",
        "x001/",
        "data/",
        "{",
        "}",
        "\"",
        "*",
        ".",
        "[",
        "]",
        "%",
        "=",
        "127.0.0.1",
        "[::1]",
        "example.com",
        "corp.example",
        "user:pw@",
        "HTTP/1.1 200 Connection established\r\n",
        "Proxy-Authenticate: NTLM\r\n",
        "export ",
        "set -gx ",
        "ProxyEnable    REG_DWORD    0x1",
        "HTTPProxy : ",
        "go: ",
        "dial tcp ",
        "\u{feff}",
        "\u{1b}[2J",
        "GOPROXY",
        "GOPRIVATE",
        "NO_PROXY",
    ];
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
            1 => any::<u8>().prop_map(|b| vec![b]),
            1 => "[0-9a-z.]{1,12}".prop_map(String::into_bytes),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

macro_rules! props {
    ($($name:ident),* $(,)?) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]
            $(
                #[test]
                fn $name(data in input()) {
                    props::$name(&data);
                }
            )*
        }
    };
}

props!(
    config_values,
    goproxy,
    goprivate,
    no_proxy,
    proxy_url,
    go_mod,
    go_import,
    note_tile,
    report_json,
    explain_text,
    os_outputs,
);

#[test]
fn every_fuzz_target_is_run_here() {
    let mut targets: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/fuzz_targets"))
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect();
    targets.sort();
    let mut here: Vec<String> = props::ALL.iter().map(|(n, _)| n.to_string()).collect();
    here.sort();
    assert_eq!(targets, here);
}

#[test]
fn a_saved_report_survives_the_report_property() {
    // The report property on a real report, in every encoding `report` reads.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gomod-diag"))
        .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
        .env("GOMOD_DIAG_SYSTEM_DNS", "127.0.0.1:9")
        .env("GOPROXY", "off")
        .args([
            "--module",
            "example.com/m@v1.0.0",
            "--json",
            "--timeout",
            "3s",
        ])
        .output()
        .unwrap();
    let json = String::from_utf8(o.stdout).unwrap();
    assert!(json.contains("schema_version"), "{json}");
    props::report_json(json.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    for u in json.encode_utf16() {
        le.extend(u.to_le_bytes());
    }
    props::report_json(&le);
}

/// Inputs the million-input runs stopped on, kept as regressions of the properties.
#[test]
fn fuzz_findings_stay_fixed() {
    // proxy_url: the password "6666" is also part of the host; only its place in the
    // userinfo is masked (findings of the property, not of the product: it now checks
    // that the redacted form does not depend on the password at all).
    props::proxy_url(b":6666@66666666666666666666666)0000000151120000151123862z");
    // ... and the password "++++++++" is also part of the user name ".++++++++++".
    props::proxy_url(b".++++++++++:++++++++@..A.5");
}
