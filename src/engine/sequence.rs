//! One workflow's run: its steps in order (the rest skipped once one fails or Ctrl-C is
//! pressed), then the cleanups of the steps that passed, in reverse, and its summary.

use std::borrow::Cow;
use std::time::Instant;

use tracing::Instrument as _;

use crate::diagnostic::Diagnostic;
use crate::engine::spec::{cleanup_spec, step_spec};
use crate::engine::{Engine, RunEntry, RunResult};
use crate::event::{
    Event, Outcome, SkipReason, StepCounts, StepFailure, StepKind, StepReport, StepStart,
    WorkflowId, WorkflowInfo, WorkflowSummary,
};
use crate::redact::Redactor;
use crate::telemetry::spans;
use crate::vars::VarStore;
use crate::vars::layers::VarError;
use crate::workflow::model::{Cleanup, Step, Workflow};

/// What a workflow's steps have come to so far.
#[derive(Default)]
struct Course {
    counts: StepCounts,
    /// Each passed step's cleanup, moved out of its step when the step was read for this
    /// run (it is dropped once it is done): no copy of it is made.
    #[allow(clippy::vec_box)] // each comes boxed out of its step
    cleanups: Vec<Box<Cleanup>>,
    /// A step failed: the rest are skipped.
    failed: bool,
}

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
        self.workflow_started(&id, entry, workflow);
        let mut wf = match self.prepare(id.clone(), entry, workflow, extracted) {
            Ok(wf) => wf,
            Err(e) => return self.setup_failed(&id, workflow, &e, started, totals),
        };
        let mut course = Course::default();
        for (i, step) in crate::workflow::load::read_steps(&workflow.steps).enumerate() {
            let mut step = match step {
                Ok(step) => step,
                Err(d) => {
                    self.step_unreadable(&id, i + 1, &d, &mut course);
                    continue;
                }
            };
            let span = spans::step(StepKind::Step, i + 1, &step.name);
            let report = if course.failed || self.cancel.is_cancelled() {
                Box::new(Self::skip_report(&id, i + 1, &step, course.failed))
            } else {
                self.step_started(&id, i + 1, &step.name);
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
            self.step_done(&id, &workflow.name, report, &mut step, &mut course);
        }
        if !self.options.keep {
            for (n, cleanup) in course.cleanups.iter().rev().enumerate() {
                let span = spans::step(StepKind::Cleanup, n + 1, &cleanup.name);
                let spec = cleanup_spec(cleanup, n + 1);
                self.cancel.cleanup_started((id.run, id.index));
                let report = self.run_step(&mut wf, &spec).instrument(span.clone()).await;
                self.cleanup_done(&id, &span, report, &mut course.counts);
            }
        }
        hand_on(wf.extracted, &wf.vars, extracted);
        (
            self.finish_workflow(&id, workflow, &course.counts, started, totals),
            wf.vars,
            wf.redactor,
        )
    }

    /// Logs and emits the start of the workflow.
    fn workflow_started(&self, id: &WorkflowId, entry: &RunEntry, workflow: &Workflow) {
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
    }

    /// Emits the start of a step, when a reporter wants it.
    #[inline]
    fn step_started(&self, id: &WorkflowId, number: usize, name: &str) {
        if self.sink.wants_step_starts() {
            self.sink.emit(&Event::StepStarted(StepStart {
                workflow: id.clone(),
                number,
                name: name.to_owned(),
                kind: StepKind::Step,
            }));
        }
    }

    /// Counts a step's (or cleanup's) report into the workflow's and emits it.
    #[inline]
    fn step_finished(&self, report: Box<StepReport>, counts: &mut StepCounts) {
        counts.add(&report);
        self.sink.emit(&Event::StepFinished(report));
    }

    /// Takes in a step's report: counts and emits it, owes a passed step's cleanup, and
    /// after a failed one skips the rest.
    fn step_done(
        &self,
        id: &WorkflowId,
        workflow: &str,
        report: Box<StepReport>,
        step: &mut Cow<'_, Box<Step>>,
        course: &mut Course,
    ) {
        match report.outcome {
            Outcome::Failed => course.failed = true,
            Outcome::Passed => course
                .cleanups
                .extend(self.owed_cleanup(id, workflow, step)),
            Outcome::Skipped => {}
        }
        self.step_finished(report, &mut course.counts);
    }

    /// Takes in a cleanup's report: the run no longer owes it.
    fn cleanup_done(
        &self,
        id: &WorkflowId,
        span: &tracing::Span,
        report: Box<StepReport>,
        counts: &mut StepCounts,
    ) {
        self.cancel.cleanup_done((id.run, id.index));
        spans::outcome(span, report.outcome);
        self.step_finished(report, counts);
    }

    /// The cleanup of a step that passed, owed to the run (Ctrl-C waits for it) unless
    /// `--keep`. A step read for this run is owned: its cleanup is moved out of it.
    fn owed_cleanup(
        &self,
        id: &WorkflowId,
        workflow: &str,
        step: &mut Cow<'_, Box<Step>>,
    ) -> Option<Box<Cleanup>> {
        let cleanup = match step {
            Cow::Owned(step) => step.cleanup.take(),
            Cow::Borrowed(step) => step.cleanup.clone(),
        }?;
        if !self.options.keep {
            self.cancel.owe((id.run, id.index), workflow, &cleanup.name);
        }
        Some(cleanup)
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

    /// Reports a step that cannot be read: the static check read it without error, so only a
    /// file written over since (a step read again from it no longer matches) gets here. It is
    /// a failed step all the same, under its own number.
    fn step_unreadable(
        &self,
        id: &WorkflowId,
        number: usize,
        error: &Diagnostic,
        course: &mut Course,
    ) {
        let mut report = StepReport::new(
            id.clone(),
            number,
            StepKind::Step,
            &format!("step {number}"),
        );
        report.outcome = Outcome::Failed;
        report.reason = Some(StepFailure::Invalid(error.to_string()).into());
        course.failed = true;
        self.step_finished(Box::new(report), &mut course.counts);
    }

    /// The workflow's summary when its variables cannot be resolved: one failed step says why.
    fn setup_failed(
        &self,
        id: &WorkflowId,
        workflow: &Workflow,
        error: &VarError,
        started: Instant,
        totals: &mut RunResult,
    ) -> (WorkflowSummary, VarStore, Redactor) {
        let mut counts = StepCounts::default();
        let report = Self::setup_failure(id, error.to_string());
        self.step_finished(Box::new(report), &mut counts);
        (
            self.finish_workflow(id, workflow, &counts, started, totals),
            VarStore::new(),
            Redactor::default(),
        )
    }

    fn setup_failure(id: &WorkflowId, message: String) -> StepReport {
        let mut report = StepReport::new(id.clone(), 0, StepKind::Step, "variables");
        report.outcome = Outcome::Failed;
        report.reason = Some(StepFailure::Variables(message).into());
        report
    }
}

/// Hands the values the workflow extracted (`names`, now in `vars`) on to the unit's later
/// workflows, with their secrecy.
fn hand_on(names: Vec<String>, vars: &VarStore, extracted: &mut VarStore) {
    for name in names {
        if let Some(var) = vars.get(&name) {
            let secret = var.is_secret();
            extracted.declare(name, var.clone(), Some(secret));
        }
    }
}
