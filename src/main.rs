//! The `steprun` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let (result, color) = match steprun::Cli::try_parse() {
        Ok(cli) => {
            steprun::init_logging();
            let color = cli.color();
            (steprun::main(cli), color)
        }
        // clap colours its own errors.
        Err(e) => (Err(e.into()), steprun::ColorChoice::Auto),
    };
    ExitCode::from(steprun::finish(&result, color))
}
