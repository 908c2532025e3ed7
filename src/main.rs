//! The `steprun` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let (result, color) = match steprun::Cli::read() {
        Ok(cli) => {
            let telemetry = steprun::init_logging();
            let color = cli.color();
            let result = steprun::main(cli);
            // Bounded (README, Telemetry): a silent collector delays the exit a few seconds
            // at most and changes no exit code.
            if let Some(telemetry) = telemetry {
                telemetry.finish();
            }
            (result, color)
        }
        // clap colours its own errors.
        Err(e) => (Err(e.into()), steprun::ColorChoice::Auto),
    };
    ExitCode::from(steprun::finish(&result, color))
}
