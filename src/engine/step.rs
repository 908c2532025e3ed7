//! Runs one step or cleanup: condition, prompt, delay, render, send (with `retry`), check,
//! extract. Everything that goes wrong here is a result in the step's report, never an `Err`.

use std::time::Instant;

use serde_json::Value;

use crate::engine::received::{self, Received};
use crate::engine::render::Renderer;
use crate::engine::shown::shown_value_cow;
use crate::engine::skips::{note_skip, skipped_setter};
use crate::engine::spec::StepSpec;
use crate::engine::verify::Extracted;
use crate::engine::{Engine, Preview, WorkflowRun};
use crate::event::{
    ExpectationResult, Learned, Outcome, RequestInfo, SkipReason, StepFailure, StepKind, StepReport,
};
use crate::http::{Response, SendOptions};
use crate::workflow::model::Located;

/// What one attempt produced. Filled in place by [`Engine::attempt`] and read in place by
/// [`Engine::finish`]: it holds the response and is large, and every move of it is a copy.
#[derive(Default)]
struct Attempt {
    response: Option<Response>,
    request: Option<RequestInfo>,
    expectations: Vec<ExpectationResult>,
    extracted: Vec<Extracted>,
    failure: Option<StepFailure>,
    /// Times the request went out when no response came of it (429/503 answers, then a
    /// failed send); a response counts its own.
    unanswered_sends: u32,
    /// Why the gate held the request back (`teach`): the step is skipped, not failed.
    held: Option<SkipReason>,
}

impl Attempt {
    fn passed(&self) -> bool {
        self.failure.is_none() && self.expectations.iter().all(|e| e.passed)
    }
}

impl Engine {
    /// The step's report, boxed from the start (as its event carries it): it is large, and
    /// it would otherwise be copied at each return on its way there.
    pub(crate) async fn run_step(
        &self,
        wf: &mut WorkflowRun,
        spec: &StepSpec<'_>,
    ) -> Box<StepReport> {
        let started = Instant::now();
        let mut report = Box::new(StepReport::new(
            wf.id.clone(),
            spec.number,
            spec.kind,
            spec.name,
        ));
        report.doc = spec.doc.map(str::to_owned);
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
                note_skip(wf, (spec.kind, spec.number, spec.name), spec.extract);
                report.request = attempt.request.take();
                return skipped(report, reason);
            }
            report.attempts += attempt
                .response
                .as_ref()
                .map_or(attempt.unanswered_sends.max(1), |r| r.sends);
            let done =
                attempt.passed() || n == attempts || (cancellable && self.cancel.is_cancelled());
            let retryable = !matches!(attempt.failure, Some(StepFailure::Render { .. }));
            if done || !retryable {
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
            let learned = self.sink.wants_learned();
            for x in std::mem::take(&mut attempt.extracted) {
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
        report.expectations = std::mem::take(&mut attempt.expectations)
            .into_iter()
            .map(|mut e| {
                e.expected = shown_value_cow(&wf.redactor, e.expected);
                e.actual = shown_value_cow(&wf.redactor, e.actual);
                e.diff = e.diff.map(|d| wf.redactor.redact(&d).into_owned());
                // A check not written in the file (the implicit 2xx) is the step's request's.
                if !e.passed && e.at.is_none() {
                    e.at = Some(url.source.position(url.span.start));
                }
                e
            })
            .collect();
        report.duration = started.elapsed();
        report
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

    /// The `n`-th send of the step, into `attempt` (empty); the gate is asked before the
    /// first one.
    async fn attempt(
        &self,
        wf: &mut WorkflowRun,
        spec: &StepSpec<'_>,
        n: u32,
        attempt: &mut Attempt,
    ) {
        let first = n == 1;
        let renderer = Renderer {
            templates: &self.templates,
            vars: &wf.vars,
            urls: &wf.urls,
        };
        let prepared = match renderer.request(spec.request, &mut wf.redactor) {
            Ok(p) => p,
            Err(e) => {
                attempt.failure = Some(StepFailure::Render {
                    error: e.to_string(),
                    hint: skipped_setter(wf, &e),
                });
                return;
            }
        };
        let request = self.request_info(wf, &prepared);
        let opts = SendOptions {
            timeout: spec.request.timeout,
            follow_redirects: spec.request.follow_redirects,
            max_redirects: spec.request.max_redirects,
            insecure: spec.request.insecure,
        };
        if first && spec.kind == StepKind::Step && self.gate.wants_preview() {
            let cookies = super::gate::jar_cookies(wf, &prepared);
            let redact = |text: &str| wf.redactor.redact(text).into_owned();
            let user = crate::curl::basic_user_variable(&spec.request.auth);
            let curl = crate::curl::command(&prepared, cookies.as_deref(), &opts, &redact, user);
            let preview = Preview {
                number: spec.number,
                name: spec.name,
                doc: spec.doc,
                request: &request,
                cookies: cookies.as_deref(),
                curl: &curl,
            };
            attempt.held = self.ask_gate(preview).await;
        }
        attempt.request = Some(request);
        if attempt.held.is_some() {
            return;
        }
        tracing::debug!(
            step = spec.name,
            method = %prepared.method,
            url = %wf.redactor.redact(prepared.url.as_str()),
            "sending"
        );
        let span = crate::telemetry::spans::http(&prepared, &wf.redactor, n);
        // The send is made where it is awaited: a future held in a variable first is kept
        // twice in this one's state (once as the variable, once where it is polled).
        // The response is written straight into the attempt (see `Http::send`).
        let into = &mut attempt.response;
        let sent = if spec.kind == StepKind::Step {
            tokio::select! {
                r = wf.http.send(&prepared, opts, into) => Some(r),
                () = &mut wf.interrupted => None,
            }
        } else {
            Some(wf.http.send(&prepared, opts, into).await)
        };
        let response = match (sent, &attempt.response) {
            (None, _) => {
                crate::telemetry::spans::http_error(&span, "cancelled");
                // A send given up mid-way may have left a throttled answer behind.
                attempt.response = None;
                attempt.failure = Some(StepFailure::Interrupted);
                return;
            }
            (Some(Err(e)), _) => {
                crate::telemetry::spans::http_error(&span, e.kind());
                let message = e.to_string();
                tracing::debug!(step = spec.name, error = %wf.redactor.redact(&message), "not sent");
                attempt.failure = Some(StepFailure::Send(message));
                attempt.unanswered_sends = e.sends();
                return;
            }
            (Some(Ok(())), Some(r)) => {
                crate::telemetry::spans::http_response(&span, r.status.as_u16(), r.sends);
                r
            }
            // `send` writes a response whenever it succeeds.
            (Some(Ok(())), None) => {
                crate::telemetry::spans::http_error(&span, "no response");
                attempt.failure = Some(StepFailure::NotSent);
                return;
            }
        };
        drop(span);
        tracing::debug!(
            step = spec.name,
            status = response.status.as_u16(),
            sends = response.sends,
            duration = ?response.duration,
            bytes = response.body.len(),
            "received"
        );
        let received = Received::new(response, &prepared.url, &wf.http);
        let file = spec.request.url.source.path();
        let ((checked, (values, error), vars_checked), signed) =
            crate::template::scope_of_file(file, || {
                // Extractions run even when the expectations could not be checked: their secrets
                // must be hidden in the failure, which shows this response.
                let checked = self.check(wf, spec.expect, &received);
                let described = self.sink.wants_learned();
                let (values, error) = self.extract(wf, spec.extract, &received, described);
                // `expect.vars` reads the variables as the extractions leave them.
                let vars_checked = self.check_vars(wf, spec.expect, &values);
                (checked, (values, error), vars_checked)
            });
        // JSON checks of a body that is not JSON all fail; the failure says why, once.
        let not_json =
            (!spec.expect.json.is_empty() && !received.is_json()).then(|| received.not_json());
        // A body that is not JSON yields no value to extract, yet the failure shows it: the
        // secrets it carries are found by their key and hidden all the same. Only JSONPath
        // extractions are looked at, so a step without one does not parse the body for this
        // (and one that has one has read it already).
        let salvaged: Vec<(String, String)> = spec
            .extract
            .iter()
            .filter_map(|ex| match &ex.source {
                crate::workflow::model::ExtractSource::JsonPath(p) => Some((ex, p)),
                _ => None,
            })
            .filter(|&(ex, _)| !received.is_json() && wf.extraction_is_secret(&ex.name, ex.secret))
            .filter_map(|(ex, p)| received.salvage(&p.value).map(|v| (ex.name.clone(), v)))
            .collect();
        for (name, value) in salvaged {
            wf.hide(&name, &serde_json::Value::String(value));
        }
        for token in &signed {
            wf.redactor.add(crate::engine::render::SIGNED_JWT, token);
        }
        match checked.and_then(|mut results| {
            results.extend(vars_checked?);
            Ok(results)
        }) {
            Ok(results) => attempt.expectations = results,
            Err(e) => attempt.failure = Some(StepFailure::Check(e.to_string())),
        }
        if attempt.failure.is_none()
            && attempt.expectations.iter().any(|e| !e.passed)
            && let Some(why) = not_json
        {
            attempt.failure = Some(StepFailure::Check(format!(
                "cannot check the JSON expectations: {why}"
            )));
        }
        attempt.extracted = values;
        if attempt.failure.is_none() {
            attempt.failure = error.map(|e| StepFailure::Extraction(e.to_string()));
        }
    }
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
