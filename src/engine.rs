//! Runs workflows: steps in order, one cookie jar per workflow, a variable store shared by the
//! workflows of a run, cleanups in reverse. It emits events and never prints.

mod attempt;
mod cancel;
mod exchange;
pub mod expect;
mod extract;
mod gate;
pub mod json_diff;
pub mod read_error;
mod received;
pub mod render;
mod sequence;
mod shown;
mod sink;
mod skips;
mod spec;
mod step;
mod timing;
mod verify;
mod workflow_run;

use std::sync::Arc;
use std::time::Instant;

use tracing::Instrument as _;

pub use cancel::Cancel;
pub use gate::{AlwaysSend, Decision, Gate, Preview};
pub use sink::EventSink;
pub(crate) use workflow_run::WorkflowRun;

use crate::event::{Counts, Event, Outcome, RunSummary, WorkflowId};
use crate::http::Clients;
use crate::redact::Redactor;
use crate::telemetry::spans;
use crate::template::Templates;
use crate::vars::VarStore;
use crate::vars::layers::Layers;
use crate::workflow::model::Workflow;

/// Response bodies kept in events are cut here, so a run never holds large bodies.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub keep: bool,
    pub fail_fast: bool,
    pub show_secrets: bool,
    /// A person can answer `prompt`s.
    pub interactive: bool,
    pub body_limit: usize,
    /// Keep every step's request and response headers and bodies in its report. Without it
    /// (only the console, below `-vv`) a report carries the method, URL and status (a passed
    /// step's response without its final URL), plus the response of a failed step: nothing
    /// else would show them, and copying and redacting each body is most of a step's own cost.
    pub full_exchanges: bool,
    /// `--expect-duration`: the response-time limits of a step whose file sets none.
    pub default_duration: Vec<(
        crate::workflow::model::Predicate,
        crate::workflow::model::Located<std::time::Duration>,
    )>,
}

/// Asks a person for a value (`prompt`). The console asks on the terminal; tests script it.
pub trait Prompter: Send + Sync {
    /// Asks `question`; the answer to a `secret` one is not shown as it is typed (README, Secrets).
    fn ask<'a>(
        &'a self,
        question: &'a str,
        secret: bool,
    ) -> std::pin::Pin<Box<dyn Future<Output = std::io::Result<String>> + Send + 'a>>;
}

pub struct Engine {
    pub templates: Arc<Templates>,
    /// Shared by the run's workflows; each has its own cookie jar.
    pub clients: Clients,
    pub options: EngineOptions,
    pub sink: Arc<EventSink>,
    pub cancel: Arc<Cancel>,
    pub prompter: Arc<dyn Prompter>,
    /// Consulted before each step is sent (`teach`); `run` passes [`AlwaysSend`].
    pub gate: Arc<dyn Gate>,
}

/// One run over all workflows: the command line's variables, or one matrix entry's.
#[derive(Debug, Clone)]
pub struct RunEntry {
    pub label: Option<String>,
    pub layers: Layers,
}

/// What a run left behind.
#[derive(Debug, Default)]
pub struct RunResult {
    pub counts: Counts,
    /// The variables at the end of the run (for `--save-vars`).
    pub vars: VarStore,
    /// The last workflow's redactor, derived forms included (for `--save-vars`).
    pub redactor: Redactor,
}

impl Engine {
    /// Runs every workflow of one run entry, in order, sharing extracted variables.
    pub async fn run(
        &self,
        run: usize,
        entry: &RunEntry,
        workflows: &[Arc<Workflow>],
    ) -> RunResult {
        let mut result = RunResult::default();
        let mut extracted = VarStore::new();
        let mut last_vars = VarStore::new();
        let mut last_redactor = Redactor::default();
        for (index, workflow) in workflows.iter().enumerate() {
            if self.cancel.should_stop() {
                break;
            }
            let id = WorkflowId { run, index };
            let span = spans::workflow(&workflow.name, entry.label.as_deref());
            let (summary, vars, redactor) = self
                .run_workflow(id, entry, workflow, &mut extracted, &mut result)
                .instrument(span.clone())
                .await;
            spans::outcome(&span, summary.outcome);
            last_vars = vars;
            last_redactor = redactor;
            result.counts.workflows += 1;
            if summary.outcome == Outcome::Failed {
                result.counts.workflows_failed += 1;
                if self.options.fail_fast {
                    self.cancel.stop();
                }
            }
        }
        result.vars = last_vars;
        result.redactor = last_redactor;
        result
    }

    /// Emits the run's summary (its units' counts, added up) and finishes the reporters.
    pub fn summarize(&self, counts: Counts, started: Instant) -> RunSummary {
        let summary = RunSummary {
            counts,
            interrupted: self.cancel.is_interrupted(),
            duration: started.elapsed(),
        };
        self.sink.emit(&Event::RunFinished(summary.clone()));
        summary
    }
}
