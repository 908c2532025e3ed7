//! `steprun teach`: one workflow, step by step, showing what is sent, what comes back and what
//! was learned from it (teaching, one of its three jobs). The engine only consults a [`Gate`] and emits events;
//! this module is the person's side of it: the interactive gate, which shows each request and
//! waits for an answer, and the explaining reporter, which shows the rest.

mod explain;
mod gate;
mod text;

use std::io::IsTerminal;
use std::sync::Arc;

pub use explain::{ExplainOptions, Explainer};
pub use gate::{Answers, Out, TeachGate};

use crate::engine::Gate;
use crate::event::Reporter;
use crate::report::style::Paint;

/// How a teaching session runs.
#[derive(Debug, Clone, Copy)]
pub struct TeachOptions {
    /// Wait for the person before each step (`false` with `--yes`).
    pub pause: bool,
    pub color: bool,
    /// `-v`: every response header.
    pub verbose: bool,
    /// `--keep`: cleanups do not run.
    pub keep: bool,
}

/// The gate and the reporter of a session on this process's terminal (or pipes): the
/// explanation goes to standard output, the question to standard error, answers come from
/// standard input.
pub fn session(opts: TeachOptions) -> (Arc<dyn Gate>, Box<dyn Reporter>) {
    let paint = Paint::new(opts.color);
    let answers = Answers::Stdin {
        echo: !std::io::stdin().is_terminal(),
    };
    let streams: (Out, Out) = (Box::new(std::io::stdout()), Box::new(std::io::stderr()));
    let width = text::output_width();
    let gate = TeachGate::new(answers, opts.pause, paint, streams).with_width(width);
    let explainer = Explainer::new(
        Box::new(std::io::stdout()),
        ExplainOptions {
            paint,
            all_headers: opts.verbose,
            pausing: opts.pause,
            keep: opts.keep,
            width,
        },
        gate.total(),
    );
    (Arc::new(gate), Box::new(explainer))
}
