//! One send of a step (a `retry` makes several): render the request, ask the gate, send
//! it, then check the response and extract from it, all into an [`Attempt`].

use crate::engine::received::Received;
use crate::engine::render::Renderer;
use crate::engine::skips::skipped_setter;
use crate::engine::spec::StepSpec;
use crate::engine::verify::Extracted;
use crate::engine::{Engine, Preview, WorkflowRun};
use crate::event::{ExpectationResult, RequestInfo, SkipReason, StepFailure, StepKind};
use crate::http::{Response, SendOptions};

/// What one attempt produced. Filled in place by [`Engine::attempt`] and read in place by
/// [`Engine::finish`]: it holds the response and is large, and every move of it is a copy.
#[derive(Default)]
pub(super) struct Attempt {
    pub(super) response: Option<Response>,
    pub(super) request: Option<RequestInfo>,
    pub(super) expectations: Vec<ExpectationResult>,
    pub(super) extracted: Vec<Extracted>,
    pub(super) failure: Option<StepFailure>,
    /// Times the request went out when no response came of it (429/503 answers, then a
    /// failed send); a response counts its own.
    pub(super) unanswered_sends: u32,
    /// Why the gate held the request back (`teach`): the step is skipped, not failed.
    pub(super) held: Option<SkipReason>,
}

impl Attempt {
    pub(super) fn passed(&self) -> bool {
        self.failure.is_none() && self.expectations.iter().all(|e| e.passed)
    }
}

impl Engine {
    /// The `n`-th send of the step, into `attempt` (empty); the gate is asked before the
    /// first one.
    pub(super) async fn attempt(
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
