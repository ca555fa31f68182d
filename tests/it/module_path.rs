//! `--module` paths are judged by module.CheckPath exactly as the real `go` judges them: the
//! same paths are refused, with Go's own text, and the same are accepted.

use std::process::Command;

/// Paths on both sides of each of CheckPath's rules, and combinations of them.
fn paths() -> Vec<String> {
    let mut v: Vec<String> = [
        "golang.org/x/text",
        "MOD.TEST/M",
        "mod.test/M",
        "a.b/c/",
        "a.b/.c",
        "a.b/c.",
        "a.b/c..",
        "a.b/../c",
        "a.b/./c",
        "a.b/con/x",
        "a.b/CON.txt",
        "a.b/lpt9x",
        "a.b/x~1",
        "a.b/x~y",
        "a.b/x~",
        "a.b/x/v1",
        "a.b/x/v0",
        "a.b/x/v2",
        "a.b/x/v02",
        "a.b/x/v2.1",
        "gopkg.in/yaml",
        "gopkg.in/yaml.v3",
        "gopkg.in/yaml.v0",
        "gopkg.in/yaml.v03",
        "gopkg.in/yaml.v3-unstable",
        "gopkg.in/user/pkg.v1",
        "a_b.c/d",
        "a-b.c/d_e~f",
        "a.b/c%20d",
        "a.b/c+d",
        "a.b/é",
        "fmt",
        "a.b//c",
        "x.y/z/v3/w",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every single-character element in the first and a later position.
    for c in ['A', '_', '~', '-', '.', '+', '!', '%'] {
        v.push(format!("a{c}b.c/d"));
        v.push(format!("a.b/x{c}y"));
    }
    v
}

/// Go's verdict on a path: Err(text after `go: PATH@v1.0.0: `) when it refuses the path.
fn go_verdict(dir: &std::path::Path, path: &str) -> Result<(), String> {
    let o = Command::new("go")
        .args(["mod", "download", &format!("{path}@v1.0.0")])
        .current_dir(dir)
        .env("GOPROXY", "off")
        .env("GOPATH", dir.join("gopath"))
        .env("GOFLAGS", "-modcacherw")
        .env("GOTOOLCHAIN", "local")
        .env("GOTELEMETRY", "off")
        .env("GONOSUMDB", "")
        .env("GOPRIVATE", "")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    match err.find("malformed module path") {
        Some(i) => Err(err[i..].lines().next().unwrap().to_string()),
        None => Ok(()),
    }
}

#[test]
fn module_paths_are_judged_as_go_judges_them() {
    if !crate::go_or_skip("module path differential") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut refused = 0;
    for path in paths() {
        let want = go_verdict(dir.path(), &path);
        let o = Command::new(env!("CARGO_BIN_EXE_gomod-diag"))
            .args(["env", "--module", &format!("{path}@v1.0.0")])
            .env("GOMOD_DIAG_PUBLIC_DNS", "127.0.0.1:9")
            .env("GOFLAGS", "-modcacherw")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        match want {
            Ok(()) => assert_eq!(o.status.code(), Some(0), "{path}: go accepts it: {stderr}"),
            Err(text) => {
                refused += 1;
                assert_eq!(o.status.code(), Some(2), "{path}: go refuses it ({text})");
                assert!(
                    stderr.contains(&text),
                    "{path}: want {text:?}, got {stderr}"
                );
            }
        }
    }
    // The list must exercise both sides.
    assert!(refused >= 20, "only {refused} paths refused");
}
