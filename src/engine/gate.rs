//! The pause before a step is sent. `teach` asks a person whether to send, skip or quit;
//! `run` uses [`AlwaysSend`], so it never waits.

use std::future::Future;
use std::pin::Pin;

use crate::engine::{Engine, WorkflowRun};
use crate::event::{RequestInfo, SkipReason};
use crate::http::Prepared;

/// What a gate decided for one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the request.
    Send,
    /// Do not send it; the step is reported as skipped and the workflow goes on.
    Skip,
    /// Stop like Ctrl-C: the rest is skipped, cleanups run, the run exits 130.
    Quit,
}

/// A step about to be sent: its request rendered with the current variables, and redacted.
#[derive(Debug, Clone, Copy)]
pub struct Preview<'a> {
    pub number: usize,
    pub name: &'a str,
    pub doc: Option<&'a str>,
    pub request: &'a RequestInfo,
    /// The `Cookie` header the jar adds when sending (redacted); the request's own headers
    /// do not show it.
    pub cookies: Option<&'a str>,
    /// The request as a `curl` command (redacted as the rest).
    pub curl: &'a str,
}

/// Consulted once per step (not per retry, not for cleanups) before its request is sent.
pub trait Gate: Send + Sync {
    /// `false` when the gate sends everything unseen, so the engine need not build a preview
    /// (keeps `run`'s per-step cost as it was).
    fn wants_preview(&self) -> bool {
        true
    }

    fn decide<'a>(
        &'a self,
        step: Preview<'a>,
    ) -> Pin<Box<dyn Future<Output = Decision> + Send + 'a>>;
}

/// The gate of `run`: every step is sent, at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlwaysSend;

impl Gate for AlwaysSend {
    fn wants_preview(&self) -> bool {
        false
    }

    fn decide<'a>(&'a self, _: Preview<'a>) -> Pin<Box<dyn Future<Output = Decision> + Send + 'a>> {
        Box::pin(std::future::ready(Decision::Send))
    }
}

/// The cookies the jar will send with `prepared`, unless the step sets `Cookie` itself.
pub(crate) fn jar_cookies(wf: &WorkflowRun, prepared: &Prepared) -> Option<String> {
    if prepared.headers.contains_key(reqwest::header::COOKIE) {
        return None;
    }
    let value = wf.http.cookie_header(&prepared.url)?;
    Some(wf.redactor.redact(&value).into_owned())
}

impl Engine {
    /// Asks the gate about a step; `Some(reason)` when it must not be sent. Ctrl-C while the
    /// gate waits counts as a quit.
    pub(crate) async fn ask_gate(&self, step: Preview<'_>) -> Option<SkipReason> {
        let decision = tokio::select! {
            d = self.gate.decide(step) => d,
            () = self.cancel.cancelled() => return Some(SkipReason::Interrupted),
        };
        match decision {
            Decision::Send => None,
            Decision::Skip => Some(SkipReason::SkippedAtGate),
            Decision::Quit => {
                self.cancel.interrupt();
                Some(SkipReason::QuitAtGate)
            }
        }
    }
}
