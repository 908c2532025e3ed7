//! The `steprun` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let result = match steprun::cli::Cli::try_parse() {
        Ok(cli) => {
            steprun::logging::init();
            steprun::app::main(cli)
        }
        Err(e) => Err(e.into()),
    };
    ExitCode::from(steprun::error::finish(&result))
}
