//! What a run talks to: the console and `--report` files for `run`, teach's explaining
//! reporter and gate for `teach`; and whether `--show-secrets` may show them anything.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use crate::config::RunPlan;
use crate::engine::{AlwaysSend, Gate};
use crate::event::Reporter;
use crate::report::width::console_width;
use crate::report::{ConsoleOptions, ConsoleReporter, Fanout, Stream, color_enabled};
use crate::teach::{self, TeachOptions};

/// What a run talks to: its reporters, and the gate consulted before each step.
pub(super) type Front = (Box<dyn Reporter>, Arc<dyn Gate>);

/// The reporters and the gate: the console and `--report`s for `run`; for `teach`
/// (`Some(pause)`), its explaining reporter and interactive gate.
pub(super) fn front(
    plan: &RunPlan,
    teach: Option<bool>,
) -> Result<Front, crate::report::ReportError> {
    let Some(pause) = teach else {
        return Ok((Box::new(reporters(plan)?), Arc::new(AlwaysSend)));
    };
    let (gate, reporter) = teach::session(TeachOptions {
        pause,
        color: color_enabled(plan.color, std::io::stdout().is_terminal()),
        verbose: plan.verbosity > 0,
        keep: plan.keep,
    });
    Ok((reporter, gate))
}

fn reporters(plan: &RunPlan) -> Result<Fanout, crate::report::ReportError> {
    let mut fanout = Fanout::default();
    let stdout_taken = plan.reports.iter().any(|r| r.target.is_stdout());
    let (out, tty, stream, term): (Box<dyn Write + Send>, bool, _, _) = if stdout_taken {
        let tty = std::io::stderr().is_terminal();
        (
            Box::new(std::io::stderr()),
            tty,
            Stream::Stderr,
            console::Term::stderr(),
        )
    } else {
        let tty = std::io::stdout().is_terminal();
        (
            Box::new(std::io::stdout()),
            tty,
            Stream::Stdout,
            console::Term::stdout(),
        )
    };
    fanout.push(Box::new(ConsoleReporter::new(
        out,
        ConsoleOptions {
            verbosity: plan.verbosity,
            color: color_enabled(plan.color, tty),
            // A pipe or a file gets no progress rows: a log keeps only finished lines.
            progress: tty.then_some(stream),
            width: console_width(tty.then_some(&term)),
            flush_every: if tty {
                Duration::ZERO
            } else {
                Duration::from_millis(100)
            },
        },
    )));
    for spec in &plan.reports {
        fanout.push(spec.open()?);
    }
    Ok(fanout)
}

/// `--show-secrets` is for a person at a terminal: never into a pipe, a file or a report.
pub(super) fn show_secrets(plan: &RunPlan) -> bool {
    if !plan.show_secrets {
        return false;
    }
    // Both streams: the tool's trace (`STEPRUN_LOG`) and warnings go to stderr, which may be
    // a log file while stdout is the terminal.
    let at_terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let saved = plan.save_vars.is_some();
    // Exported spans are a report too (README, Telemetry).
    if at_terminal && plan.reports.is_empty() && !saved && !crate::telemetry::wanted() {
        return true;
    }
    say_err!(
        "warning: --show-secrets ignored: output is not a terminal, or a report, --save-vars file or telemetry is being written"
    );
    false
}
