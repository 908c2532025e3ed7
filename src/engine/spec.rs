//! What running a step or a cleanup needs of it, borrowed from either: both run the same way.

use std::time::Duration;

use crate::event::StepKind;
use crate::workflow::model::{Cleanup, Expect, Extraction, Located, Request, Retry, Step};

/// The parts of a step or cleanup that running it needs.
pub struct StepSpec<'a> {
    pub kind: StepKind,
    pub number: usize,
    pub name: &'a str,
    pub doc: Option<&'a str>,
    pub when: &'a [Located<String>],
    pub prompt: &'a [(String, String)],
    pub request: &'a Request,
    pub delay: Option<Duration>,
    pub retry: Option<Retry>,
    pub expect: &'a Expect,
    pub extract: &'a [Extraction],
}

pub(super) fn step_spec(step: &Step, number: usize) -> StepSpec<'_> {
    StepSpec {
        kind: StepKind::Step,
        number,
        name: &step.name,
        doc: step.doc.as_deref(),
        when: &step.when,
        prompt: &step.prompt,
        request: &step.request,
        delay: step.delay,
        retry: step.retry,
        expect: &step.expect,
        extract: &step.extract,
    }
}

pub(super) fn cleanup_spec(cleanup: &Cleanup, number: usize) -> StepSpec<'_> {
    StepSpec {
        kind: StepKind::Cleanup,
        number,
        name: &cleanup.name,
        doc: None,
        when: &cleanup.when,
        prompt: &[],
        request: &cleanup.request,
        delay: cleanup.delay,
        retry: cleanup.retry,
        expect: &cleanup.expect,
        extract: &[],
    }
}
