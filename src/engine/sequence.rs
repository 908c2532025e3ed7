//! One workflow's run: its steps in order (the rest skipped once one fails or Ctrl-C is
//! pressed), then the cleanups of the steps that passed, in reverse, and its summary.

use std::time::Instant;

use tracing::Instrument as _;

use crate::engine::spec::{cleanup_spec, step_spec};
use crate::engine::{Engine, RunEntry, RunResult};
use crate::event::{
    Event, Outcome, SkipReason, StepCounts, StepFailure, StepKind, StepReport, StepStart,
    WorkflowId, WorkflowInfo, WorkflowSummary,
};
use crate::redact::Redactor;
use crate::telemetry::spans;
use crate::vars::VarStore;
use crate::workflow::model::{Cleanup, Step, Workflow};

impl Engine {
    pub(super) async fn run_workflow(
        &self,
        id: WorkflowId,
        entry: &RunEntry,
        workflow: &Workflow,
        extracted: &mut VarStore,
        totals: &mut RunResult,
    ) -> (WorkflowSummary, VarStore, Redactor) {
        let started = Instant::now();
        tracing::debug!(
            workflow = %workflow.name,
            path = %workflow.source.path().display(),
            steps = workflow.steps.len(),
            "workflow started"
        );
        self.sink.emit(&Event::WorkflowStarted(WorkflowInfo {
            id: id.clone(),
            name: workflow.name.clone(),
            label: entry.label.clone(),
            path: workflow.source.path().display().to_string(),
            description: workflow.description.clone(),
            steps: workflow.steps.len(),
        }));
        let mut counts = StepCounts::default();
        let mut wf = match self.prepare(id.clone(), entry, workflow, extracted) {
            Ok(wf) => wf,
            Err(e) => {
                let report = Self::setup_failure(&id, e.to_string());
                counts.add(&report);
                self.sink.emit(&Event::StepFinished(Box::new(report)));
                return (
                    self.finish_workflow(&id, workflow, &counts, started, totals),
                    VarStore::new(),
                    Redactor::default(),
                );
            }
        };
        // Each passed step's cleanup, moved out of its step when the step was read for this
        // run (it is dropped once it is done): no copy of it is made.
        let mut cleanups: Vec<Box<Cleanup>> = Vec::new();
        let mut failed = false;
        for (i, step) in crate::workflow::load::read_steps(&workflow.steps).enumerate() {
            let mut step = match step {
                Ok(step) => step,
                Err(d) => {
                    // The static check read this step without error, so only a file written
                    // over since (a step read again from it no longer matches) gets here. It is a
                    // failed step all the same, under its own number.
                    let mut report = StepReport::new(
                        id.clone(),
                        i + 1,
                        StepKind::Step,
                        &format!("step {}", i + 1),
                    );
                    report.outcome = Outcome::Failed;
                    report.reason = Some(StepFailure::Invalid(d.to_string()).into());
                    failed = true;
                    counts.add(&report);
                    self.sink.emit(&Event::StepFinished(Box::new(report)));
                    continue;
                }
            };
            let span = spans::step(StepKind::Step, i + 1, &step.name);
            let report = if failed || self.cancel.is_cancelled() {
                Box::new(Self::skip_report(&id, i + 1, &step, failed))
            } else {
                if self.sink.wants_step_starts() {
                    self.sink.emit(&Event::StepStarted(StepStart {
                        workflow: id.clone(),
                        number: i + 1,
                        name: step.name.clone(),
                        kind: StepKind::Step,
                    }));
                }
                let spec = step_spec(&step, i + 1);
                // Without telemetry the step's future is awaited as it is, not moved once
                // more into a wrapper that would enter and leave an empty span.
                if span.is_disabled() {
                    self.run_step(&mut wf, &spec).await
                } else {
                    self.run_step(&mut wf, &spec).instrument(span.clone()).await
                }
            };
            spans::outcome(&span, report.outcome);
            match report.outcome {
                Outcome::Failed => failed = true,
                Outcome::Passed => {
                    // A step read for this run is owned: its cleanup is moved out of it.
                    let cleanup = match &mut step {
                        std::borrow::Cow::Owned(step) => step.cleanup.take(),
                        std::borrow::Cow::Borrowed(step) => step.cleanup.clone(),
                    };
                    if let Some(cleanup) = cleanup {
                        if !self.options.keep {
                            self.cancel
                                .owe((id.run, id.index), &workflow.name, &cleanup.name);
                        }
                        cleanups.push(cleanup);
                    }
                }
                Outcome::Skipped => {}
            }
            counts.add(&report);
            self.sink.emit(&Event::StepFinished(report));
        }
        if !self.options.keep {
            for (n, cleanup) in cleanups.iter().rev().enumerate() {
                let span = spans::step(StepKind::Cleanup, n + 1, &cleanup.name);
                let spec = cleanup_spec(cleanup, n + 1);
                self.cancel.cleanup_started((id.run, id.index));
                let report = self.run_step(&mut wf, &spec).instrument(span.clone()).await;
                self.cancel.cleanup_done((id.run, id.index));
                spans::outcome(&span, report.outcome);
                counts.add(&report);
                self.sink.emit(&Event::StepFinished(report));
            }
        }
        for name in wf.extracted {
            if let Some(var) = wf.vars.get(&name) {
                let secret = var.is_secret();
                extracted.declare(name, var.clone(), Some(secret));
            }
        }
        (
            self.finish_workflow(&id, workflow, &counts, started, totals),
            wf.vars,
            wf.redactor,
        )
    }

    fn finish_workflow(
        &self,
        id: &WorkflowId,
        workflow: &Workflow,
        counts: &StepCounts,
        started: Instant,
        totals: &mut RunResult,
    ) -> WorkflowSummary {
        totals.counts.steps_passed += counts.passed;
        totals.counts.steps_failed += counts.failed;
        totals.counts.steps_skipped += counts.skipped;
        totals.counts.cleanups_failed += counts.cleanups_failed;
        let summary = WorkflowSummary {
            id: id.clone(),
            name: workflow.name.clone(),
            outcome: if counts.failed + counts.cleanups_failed > 0 {
                Outcome::Failed
            } else {
                Outcome::Passed
            },
            passed: counts.passed,
            failed: counts.failed,
            skipped: counts.skipped,
            duration: started.elapsed(),
        };
        self.sink.emit(&Event::WorkflowFinished(summary.clone()));
        summary
    }

    fn skip_report(id: &WorkflowId, number: usize, step: &Step, after_failure: bool) -> StepReport {
        let mut report = StepReport::new(id.clone(), number, StepKind::Step, &step.name);
        report.doc.clone_from(&step.doc);
        report.outcome = Outcome::Skipped;
        let reason = if after_failure {
            SkipReason::EarlierStepFailed
        } else {
            SkipReason::Interrupted
        };
        report.reason = Some(reason.into());
        report
    }

    fn setup_failure(id: &WorkflowId, message: String) -> StepReport {
        let mut report = StepReport::new(id.clone(), 0, StepKind::Step, "variables");
        report.outcome = Outcome::Failed;
        report.reason = Some(StepFailure::Variables(message).into());
        report
    }
}
