use std::process::ExitCode;

fn main() -> ExitCode {
    kubelint::cli::main()
}
