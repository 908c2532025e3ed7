//! Runs one step or cleanup: condition, prompt, delay, render, send (with `retry`), check,
//! extract. Everything that goes wrong here is a result in the step's report, never an `Err`.

use std::time::Instant;

use serde_json::Value;

use crate::engine::attempt::Attempt;
use crate::engine::extract::Extracted;
use crate::engine::received;
use crate::engine::shown::shown_value_cow;
use crate::engine::skips::note_skip;
use crate::engine::spec::StepSpec;
use crate::engine::{Engine, WorkflowRun};
use crate::event::{
    ExpectationResult, Learned, Outcome, SkipReason, StepFailure, StepKind, StepReport,
};
use crate::workflow::model::Located;

impl Engine {
    /// The step's report, boxed from the start (as its event carries it): it is large, and
    /// it would otherwise be copied at each return on its way there.
    pub(crate) async fn run_step(
        &self,
        wf: &mut WorkflowRun,
        spec: &StepSpec<'_>,
    ) -> Box<StepReport> {
        let started = Instant::now();
        let mut report = new_report(wf, spec);
        match self.condition(wf, spec.when) {
            Ok(true) => {}
            Ok(false) => {
                note_skip(wf, (spec.kind, spec.number, spec.name), spec.extract);
                return skipped(report, SkipReason::WhenFalse);
            }
            Err(failure) => return failed(report, failure.redacted(&wf.redactor), started),
        }
        if let Err(failure) = self.prompt(wf, spec.prompt).await {
            return failed(report, failure.redacted(&wf.redactor), started);
        }
        let cancellable = spec.kind == StepKind::Step;
        if let Some(delay) = spec.delay
            && !self.cancel.sleep(delay, cancellable).await
        {
            return skipped(report, SkipReason::Interrupted);
        }
        let attempts = spec.retry.map_or(1, |r| r.attempts);
        let mut attempt = Attempt::default();
        for n in 1..=attempts {
            if n > 1 {
                attempt = Attempt::default();
            }
            self.attempt(wf, spec, n, &mut attempt).await;
            if let Some(reason) = attempt.held.take() {
                return held(wf, spec, report, &mut attempt, reason);
            }
            report.attempts += attempt.sends();
            if self.no_more_attempts(&attempt, (n, attempts), cancellable) {
                break;
            }
            if let Some(retry) = spec.retry
                && !self.cancel.sleep(retry.interval, cancellable).await
            {
                break;
            }
        }
        if attempts == 0 {
            return failed(report, StepFailure::NotSent, started);
        }
        self.finish(wf, report, &mut attempt, (started, &spec.request.url))
    }

    /// The step's report from its last attempt; `url` stands for the checks not written in
    /// the file (the implicit 2xx) when a failure is located.
    fn finish(
        &self,
        wf: &mut WorkflowRun,
        mut report: Box<StepReport>,
        attempt: &mut Attempt,
        (started, url): (Instant, &Located<String>),
    ) -> Box<StepReport> {
        let passed = attempt.passed();
        if passed {
            let extracted = std::mem::take(&mut attempt.extracted);
            self.store_extracted(wf, &mut report, extracted);
        } else {
            // Not kept, but secret all the same: the failure's details show the response
            // these values came from.
            for x in &attempt.extracted {
                if wf.extraction_is_secret(&x.name, x.secret) {
                    wf.hide(&x.name, &x.value);
                }
            }
        }
        report.outcome = if passed {
            Outcome::Passed
        } else {
            Outcome::Failed
        };
        report.reason = attempt
            .failure
            .take()
            .map(|f| f.redacted(&wf.redactor).into());
        report.request = attempt.request.take();
        report.response = attempt.response.as_ref().map(|r| {
            if passed && !self.options.full_exchanges {
                Self::response_status(r)
            } else {
                self.response_info(wf, r)
            }
        });
        let expectations = std::mem::take(&mut attempt.expectations);
        report.expectations = shown_expectations(wf, expectations, url);
        report.duration = started.elapsed();
        report
    }

    /// Stores a passed step's extracted values, and lists them in its report (with what
    /// they are and where they came from, when a reporter shows that).
    fn store_extracted(
        &self,
        wf: &mut WorkflowRun,
        report: &mut StepReport,
        extracted: Vec<Extracted>,
    ) {
        let learned = self.sink.wants_learned();
        for x in extracted {
            wf.unset_by_skip.remove(&x.name);
            if !learned {
                wf.set_var(&x.name, x.value, x.secret);
                report.extracted.push(x.name);
                continue;
            }
            let text = received::as_text(&x.value);
            let from = x.from.unwrap_or_default();
            wf.set_var(&x.name, x.value, x.secret);
            // Redacted once the value is stored: a secret one is hidden by then.
            let value = wf.redactor.redact_owned(text);
            let value = if value.len() <= Learned::VALUE_MAX {
                value
            } else {
                value.chars().take(Learned::VALUE_MAX).collect()
            };
            report.learned.push(Learned {
                name: x.name.clone(),
                value,
                from: wf.redactor.redact_owned(from),
            });
            report.extracted.push(x.name);
        }
    }

    /// Whether the attempt just made (the `n`-th of `attempts`) is the step's last: it
    /// passed, none is left, Ctrl-C was pressed (a cleanup goes on), or its request could
    /// not be rendered (another try would render it the same).
    #[inline]
    fn no_more_attempts(
        &self,
        attempt: &Attempt,
        (n, attempts): (u32, u32),
        cancellable: bool,
    ) -> bool {
        let done = attempt.passed() || n == attempts || (cancellable && self.cancel.is_cancelled());
        let retryable = !matches!(attempt.failure, Some(StepFailure::Render { .. }));
        done || !retryable
    }

    fn condition(&self, wf: &WorkflowRun, when: &[Located<String>]) -> Result<bool, StepFailure> {
        for cond in when {
            match self.templates.eval_condition(&cond.value, &wf.vars) {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(e) => {
                    return Err(StepFailure::Condition {
                        when: cond.value.clone(),
                        error: e.to_string(),
                    });
                }
            }
        }
        Ok(true)
    }

    async fn prompt(
        &self,
        wf: &mut WorkflowRun,
        prompts: &[(String, String)],
    ) -> Result<(), StepFailure> {
        for (name, question) in prompts {
            if wf.vars.contains(name) {
                continue;
            }
            // The question is a template (`Code emailed to <<userEmail>>?`), shown like any
            // output: secrets in it read `«name»` unless `--show-secrets`. One that cannot be
            // rendered is asked as written rather than not at all.
            let question = &match self.templates.render_string(question, &wf.vars) {
                Ok(text) => wf.redactor.redact(&text).into_owned(),
                Err(_) => question.clone(),
            };
            if !self.options.interactive {
                return Err(StepFailure::NoTerminal {
                    name: name.clone(),
                    question: question.clone(),
                });
            }
            // Ctrl-C while a person is being asked ends the wait (the reading thread is left
            // behind; the runtime does not wait for it).
            let answer = tokio::select! {
                answer = self.prompter.ask(question, wf.extraction_is_secret(name, None)) => {
                    answer.map_err(|e| StepFailure::Unanswered(format!("cannot read an answer: {e}")))?
                }
                () = self.cancel.cancelled() => return Err(StepFailure::Interrupted),
            };
            wf.set_var(name, Value::String(answer), None);
        }
        Ok(())
    }
}

/// The step's report before it runs, boxed from the start (see [`Engine::run_step`]).
#[inline]
fn new_report(wf: &WorkflowRun, spec: &StepSpec<'_>) -> Box<StepReport> {
    let mut report = Box::new(StepReport::new(
        wf.id.clone(),
        spec.number,
        spec.kind,
        spec.name,
    ));
    report.doc = spec.doc.map(str::to_owned);
    report
}

/// The report of a step the gate held back: skipped, with the request it was shown.
fn held(
    wf: &mut WorkflowRun,
    spec: &StepSpec<'_>,
    mut report: Box<StepReport>,
    attempt: &mut Attempt,
    reason: SkipReason,
) -> Box<StepReport> {
    note_skip(wf, (spec.kind, spec.number, spec.name), spec.extract);
    report.request = attempt.request.take();
    skipped(report, reason)
}

/// A step's expectations as its report shows them: redacted, and a failed check not written
/// in the file (the implicit 2xx) located at the step's request (`url`).
fn shown_expectations(
    wf: &WorkflowRun,
    expectations: Vec<ExpectationResult>,
    url: &Located<String>,
) -> Vec<ExpectationResult> {
    expectations
        .into_iter()
        .map(|mut e| {
            e.expected = shown_value_cow(&wf.redactor, e.expected);
            e.actual = shown_value_cow(&wf.redactor, e.actual);
            e.diff = e.diff.map(|d| wf.redactor.redact(&d).into_owned());
            if !e.passed && e.at.is_none() {
                e.at = Some(url.source.position(url.span.start));
            }
            e
        })
        .collect()
}

fn skipped(mut report: Box<StepReport>, reason: SkipReason) -> Box<StepReport> {
    report.outcome = Outcome::Skipped;
    report.reason = Some(reason.into());
    report
}

fn failed(mut report: Box<StepReport>, failure: StepFailure, started: Instant) -> Box<StepReport> {
    report.outcome = Outcome::Failed;
    report.reason = Some(failure.into());
    report.duration = started.elapsed();
    report
}
