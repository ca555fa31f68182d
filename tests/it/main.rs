//! The integration suites that need neither root nor a real Go toolchain to be meaningful, as
//! one test binary: each former `tests/*.rs` file is a module here, so a change in `src/`
//! relinks one test executable instead of seven. The fixtures (`netlab`, `modlab`) are shared
//! modules; `tests/fidelity.rs` (network namespaces, root) and `tests/go_env_oracle.rs` (real
//! `go`) stay separate binaries and include the fixtures by `#[path]`.
//!
//! Run one suite with `cargo test --test it probes::` (module name = former file name).

mod modlab;
mod netlab;

mod architecture;
mod bad_response;
mod cli_run;
mod config_env;
mod corporate;
mod ecosystem;
mod edges;
mod explain;
mod fuzz_props;
mod hostile;
mod mirrors;
mod modfetch;
mod module_path;
mod pac;
mod probes;
mod scenarios;
mod secrets;
mod speed;
mod x509_oracle;
mod zh_subcommands;

/// Whether the real `go` can judge a test: true when it is on PATH; otherwise the test skips
/// `what` with a printed reason — unless CI=true, where a missing toolchain is a failure.
pub fn go_or_skip(what: &str) -> bool {
    if std::process::Command::new("go")
        .arg("version")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but the go toolchain is not on PATH"
    );
    eprintln!("skipping {what}: no `go` on PATH (CI=true makes this fatal)");
    false
}
