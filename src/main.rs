use std::process::ExitCode;

fn main() -> ExitCode {
    gomod_diag::app::main()
}
