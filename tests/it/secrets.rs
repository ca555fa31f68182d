//! Secrets never leave the machine: credentials planted in every input (proxy URLs, GOPROXY
//! userinfo, GOSUMDB URL, .netrc, GOAUTH, a pasted error) must not appear in any output of
//! any subcommand, text or JSON. Every address is on loopback with nothing listening, so the
//! runs fail fast without sending anything off the machine.

use assert_cmd::Command;

const SECRETS: &[&str] = &[
    "hunter2pw",
    "ghp_tok3n",
    "s3cretsum",
    "netrcpass9",
    "goauthtok",
    "pastedpw7",
];

fn gomod_diag(home: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("gomod-diag").expect("binary");
    c.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env("HTTPS_PROXY", "http://alice:hunter2pw@127.0.0.1:9")
        .env("HTTP_PROXY", "http://alice:hunter2pw@127.0.0.1:9")
        .env(
            "GOPROXY",
            "https://ghp_tok3n@127.0.0.1:9/mod|https://bob:ghp_tok3n@127.0.0.2:9,direct",
        )
        .env(
            "GOSUMDB",
            "sum.golang.org https://carol:s3cretsum@127.0.0.1:9",
        )
        .env("GOAUTH", "netrc")
        .env("NETRC", home.join(".netrc"))
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(60));
    c
}

fn assert_clean(what: &str, out: &std::process::Output) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for s in SECRETS {
        assert!(!text.contains(s), "{what}: secret {s:?} leaked:\n{text}");
    }
    assert!(!text.contains("panicked"), "{what}: panicked:\n{text}");
    // A usage error would print nothing worth checking.
    assert_ne!(out.status.code(), Some(2), "{what}: usage error:\n{text}");
}

#[test]
fn no_secret_in_any_output() {
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(
        home.path().join(".netrc"),
        "machine 127.0.0.1 login dave password netrcpass9\nmachine proxy.golang.org login x password netrcpass9\n",
    )
    .expect("netrc");
    let report = home.path().join("report.json");
    let pasted = "go: example.com/m@v1.0.0: Get \"https://eve:pastedpw7@proxy.example/x\": proxyconnect tcp: \
                  dial tcp http://frank:pastedpw7@127.0.0.1:9: connect: connection refused\nProxy-Authorization: Basic pastedpw7";

    let runs: Vec<(&str, Vec<&str>, Option<&str>)> = vec![
        ("env", vec!["env"], None),
        (
            "env --json",
            vec!["env", "--json", "--module", "example.com/m@v1.0.0"],
            None,
        ),
        (
            "run",
            vec!["--timeout", "8s", "--module", "example.com/m@v1.0.0"],
            None,
        ),
        (
            "run -v",
            vec!["-v", "--timeout", "8s", "--module", "example.com/m@v1.0.0"],
            None,
        ),
        (
            "run --ci",
            vec![
                "--ci",
                "--timeout",
                "8s",
                "--module",
                "example.com/m@v1.0.0",
            ],
            None,
        ),
        (
            "probe proxy",
            vec![
                "probe",
                "proxy",
                "127.0.0.1:443",
                "--proxy",
                "http://alice:hunter2pw@127.0.0.1:9",
            ],
            None,
        ),
        (
            "probe http",
            vec!["probe", "http", "https://ghp_tok3n@127.0.0.1:9/x"],
            None,
        ),
        (
            "probe http --json",
            vec![
                "--json",
                "probe",
                "http",
                "https://bob:ghp_tok3n@127.0.0.1:9/x",
            ],
            None,
        ),
        ("explain", vec!["explain", "-"], Some(pasted)),
        (
            "explain --json",
            vec!["--json", "explain", "-"],
            Some(pasted),
        ),
    ];
    for (what, args, stdin) in runs {
        let mut c = gomod_diag(home.path());
        c.args(&args);
        if let Some(input) = stdin {
            c.write_stdin(input);
        }
        let out = c.output().expect("run");
        assert_clean(what, &out);
        if what.starts_with("env") {
            // The inputs were read and shown, masked: the test looks at real output.
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("alice:xxxxx@127.0.0.1:9"),
                "{what}: proxy not shown masked:\n{text}"
            );
        }
    }

    // The JSON report, and what a helpdesk renders from it.
    let out = gomod_diag(home.path())
        .args([
            "--json",
            "--timeout",
            "8s",
            "--module",
            "example.com/m@v1.0.0",
        ])
        .output()
        .expect("run --json");
    assert_clean("run --json", &out);
    assert!(!out.stdout.is_empty(), "run --json printed nothing");
    std::fs::write(&report, &out.stdout).expect("save report");
    for args in [
        vec!["report", report.to_str().unwrap()],
        vec!["--json", "report", report.to_str().unwrap()],
    ] {
        let out = gomod_diag(home.path())
            .args(&args)
            .output()
            .expect("report");
        assert_clean("report", &out);
    }
}
