//! The `steprun` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let result = match steprun::Cli::try_parse() {
        Ok(cli) => {
            steprun::init_logging();
            steprun::main(cli)
        }
        Err(e) => Err(e.into()),
    };
    ExitCode::from(steprun::finish(&result))
}
