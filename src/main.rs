//! The `steprun` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match steprun::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                steprun::exit::INVALID
            } else {
                steprun::exit::OK
            });
        }
    };
    steprun::init_logging();
    ExitCode::from(steprun::main(cli))
}
