//! One send of a step (a `retry` makes several): render the request, ask the gate, send
//! it, then check the response and extract from it, all into an [`Attempt`].

use tracing::Span;
use url::Url;

use crate::engine::extract::{ExtractError, Extracted};
use crate::engine::received::Received;
use crate::engine::render::Renderer;
use crate::engine::skips::skipped_setter;
use crate::engine::spec::StepSpec;
use crate::engine::verify::CheckError;
use crate::engine::{Engine, Preview, WorkflowRun};
use crate::event::{ExpectationResult, RequestInfo, SkipReason, StepFailure, StepKind};
use crate::http::{HttpError, Prepared, Response, SendOptions};
use crate::redact::Redactor;
use crate::workflow::model::{ExtractSource, Extraction, Request};

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

    /// Times the request went out: a response's own count, else the unanswered sends (at
    /// least one).
    #[inline]
    pub(super) fn sends(&self) -> u32 {
        self.response
            .as_ref()
            .map_or(self.unanswered_sends.max(1), |r| r.sends)
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
        let Some(prepared) = self.render_request(wf, spec, attempt) else {
            return;
        };
        let request = self.request_info(wf, &prepared);
        let opts = send_options(spec.request);
        if first && spec.kind == StepKind::Step && self.gate.wants_preview() {
            let parts = PreviewParts::new(wf, spec, &prepared, &opts);
            attempt.held = self.ask_gate(parts.preview(spec, &request)).await;
        }
        attempt.request = Some(request);
        if attempt.held.is_some() {
            return;
        }
        log_sending(spec.name, &prepared, &wf.redactor);
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
            (Some(Ok(())), Some(r)) => {
                crate::telemetry::spans::http_response(&span, r.status.as_u16(), r.sends);
                r
            }
            (sent, _) => {
                record_unanswered(sent, attempt, &span, spec.name, &wf.redactor);
                return;
            }
        };
        drop(span);
        let verdict = self.examine(wf, spec, &prepared.url, response);
        attempt.record(verdict);
    }

    /// The step's request rendered with the current variables; `None` when it cannot be,
    /// with the failure (and the step to send, when a skipped one would have set the
    /// variable) in `attempt`.
    fn render_request(
        &self,
        wf: &mut WorkflowRun,
        spec: &StepSpec<'_>,
        attempt: &mut Attempt,
    ) -> Option<Prepared> {
        let renderer = Renderer {
            templates: &self.templates,
            vars: &wf.vars,
            urls: &wf.urls,
        };
        match renderer.request(spec.request, &mut wf.redactor) {
            Ok(p) => Some(p),
            Err(e) => {
                attempt.failure = Some(StepFailure::Render {
                    error: e.to_string(),
                    hint: skipped_setter(wf, &e),
                });
                None
            }
        }
    }

    /// What `response` comes to: its checks and extractions, with every secret it shows
    /// hidden from here on (salvaged ones and signed JWTs included).
    fn examine(
        &self,
        wf: &mut WorkflowRun,
        spec: &StepSpec<'_>,
        url: &Url,
        response: &Response,
    ) -> Verdict {
        log_received(spec.name, response);
        let received = Received::new(response, url, &wf.http);
        let (checked, (extracted, extract_error), signed) =
            self.check_and_extract(wf, spec, &received);
        // JSON checks of a body that is not JSON all fail; the failure says why, once.
        let not_json =
            (!spec.expect.json.is_empty() && !received.is_json()).then(|| received.not_json());
        for (name, value) in salvaged_secrets(wf, spec.extract, &received) {
            wf.hide(&name, &serde_json::Value::String(value));
        }
        for token in &signed {
            wf.redactor.add(crate::engine::render::SIGNED_JWT, token);
        }
        Verdict {
            checked,
            not_json,
            extracted,
            extract_error,
        }
    }

    /// The response's checks (`expect.vars` included), its extractions and the JWTs signed
    /// while rendering them, all under the step's file (for templates that read files).
    fn check_and_extract(
        &self,
        wf: &WorkflowRun,
        spec: &StepSpec<'_>,
        received: &Received<'_>,
    ) -> (Checked, Extractions, Vec<String>) {
        let file = spec.request.url.source.path();
        let ((checked, extracted, vars_checked), signed) =
            crate::template::scope_of_file(file, || {
                // Extractions run even when the expectations could not be checked: their secrets
                // must be hidden in the failure, which shows this response.
                let checked = self.check(wf, spec.expect, received);
                let described = self.sink.wants_learned();
                let extracted = self.extract(wf, spec.extract, received, described);
                // `expect.vars` reads the variables as the extractions leave them.
                let vars_checked = self.check_vars(wf, spec.expect, &extracted.0);
                (checked, extracted, vars_checked)
            });
        let checked = checked.and_then(|mut results| {
            results.extend(vars_checked?);
            Ok(results)
        });
        (checked, extracted, signed)
    }
}

/// The expectations' results, or why they could not be checked.
type Checked = Result<Vec<ExpectationResult>, CheckError>;
/// The values the extractions found, and the first error among them.
type Extractions = (Vec<Extracted>, Option<ExtractError>);

/// What a response came to, for [`Attempt::record`].
struct Verdict {
    checked: Checked,
    /// Why the body is not JSON, when the step has JSON checks and it is not.
    not_json: Option<String>,
    extracted: Vec<Extracted>,
    extract_error: Option<ExtractError>,
}

impl Attempt {
    /// Takes in what the response came to: the first failure among the checks and the
    /// extractions, else the checks' results.
    fn record(&mut self, verdict: Verdict) {
        let Verdict {
            checked,
            not_json,
            extracted,
            extract_error,
        } = verdict;
        match checked {
            Ok(results) => self.expectations = results,
            Err(e) => self.failure = Some(StepFailure::Check(e.to_string())),
        }
        if self.failure.is_none()
            && self.expectations.iter().any(|e| !e.passed)
            && let Some(why) = not_json
        {
            self.failure = Some(StepFailure::Check(format!(
                "cannot check the JSON expectations: {why}"
            )));
        }
        self.extracted = extracted;
        if self.failure.is_none() {
            self.failure = extract_error.map(|e| StepFailure::Extraction(e.to_string()));
        }
    }
}

/// The step's redirect, TLS and timeout settings for the send.
#[inline]
fn send_options(request: &Request) -> SendOptions {
    SendOptions {
        timeout: request.timeout,
        follow_redirects: request.follow_redirects,
        max_redirects: request.max_redirects,
        insecure: request.insecure,
    }
}

/// What the gate's preview shows beside the request: the cookies the jar adds, and the
/// request as a `curl` command, both redacted.
struct PreviewParts {
    cookies: Option<String>,
    curl: String,
}

impl PreviewParts {
    fn new(wf: &WorkflowRun, spec: &StepSpec<'_>, prepared: &Prepared, opts: &SendOptions) -> Self {
        let cookies = super::gate::jar_cookies(wf, prepared);
        let redact = |text: &str| wf.redactor.redact(text).into_owned();
        let user = crate::curl::basic_user_variable(&spec.request.auth);
        let curl = crate::curl::command(prepared, cookies.as_deref(), opts, &redact, user);
        PreviewParts { cookies, curl }
    }

    fn preview<'a>(&'a self, spec: &StepSpec<'a>, request: &'a RequestInfo) -> Preview<'a> {
        Preview {
            number: spec.number,
            name: spec.name,
            doc: spec.doc,
            request,
            cookies: self.cookies.as_deref(),
            curl: &self.curl,
        }
    }
}

#[inline]
fn log_sending(step: &str, prepared: &Prepared, redactor: &Redactor) {
    tracing::debug!(
        step,
        method = %prepared.method,
        url = %redactor.redact(prepared.url.as_str()),
        "sending"
    );
}

#[inline]
fn log_received(step: &str, response: &Response) {
    tracing::debug!(
        step,
        status = response.status.as_u16(),
        sends = response.sends,
        duration = ?response.duration,
        bytes = response.body.len(),
        "received"
    );
}

/// Records in `attempt` why no response came of the send: it was given up at Ctrl-C, it
/// failed, or (never, as `send` writes a response whenever it succeeds) it left none.
fn record_unanswered(
    sent: Option<Result<(), HttpError>>,
    attempt: &mut Attempt,
    span: &Span,
    step: &str,
    redactor: &Redactor,
) {
    match sent {
        None => {
            crate::telemetry::spans::http_error(span, "cancelled");
            // A send given up mid-way may have left a throttled answer behind.
            attempt.response = None;
            attempt.failure = Some(StepFailure::Interrupted);
        }
        Some(Err(e)) => {
            crate::telemetry::spans::http_error(span, e.kind());
            let message = e.to_string();
            tracing::debug!(step, error = %redactor.redact(&message), "not sent");
            attempt.failure = Some(StepFailure::Send(message));
            attempt.unanswered_sends = e.sends();
        }
        Some(Ok(())) => {
            crate::telemetry::spans::http_error(span, "no response");
            attempt.failure = Some(StepFailure::NotSent);
        }
    }
}

/// The secrets a body that is not JSON carries, by extraction name: it yields no value to
/// extract, yet the failure shows it, so they are found by their key and hidden all the same.
/// Only JSONPath extractions are looked at, so a step without one does not parse the body for
/// this (and one that has one has read it already).
fn salvaged_secrets(
    wf: &WorkflowRun,
    extractions: &[Extraction],
    received: &Received<'_>,
) -> Vec<(String, String)> {
    extractions
        .iter()
        .filter_map(|ex| match &ex.source {
            ExtractSource::JsonPath(p) => Some((ex, p)),
            _ => None,
        })
        .filter(|&(ex, _)| !received.is_json() && wf.extraction_is_secret(&ex.name, ex.secret))
        .filter_map(|(ex, p)| received.salvage(&p.value).map(|v| (ex.name.clone(), v)))
        .collect()
}
