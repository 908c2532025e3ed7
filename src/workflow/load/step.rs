//! One `[[steps]]` entry, or its cleanup, as the model's `Step`: its request, `when`, delay,
//! retry, prompts, expectations (timed by the file's defaults) and extractions.

use std::sync::Arc;

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::workflow::assertions;
use crate::workflow::convert::{Cx, is_identifier};
use crate::workflow::model::{Cleanup, Defaults, Expect, Retry, Step};
use crate::workflow::raw::{RawCleanup, RawRetry, RawStep, Table};
use crate::workflow::request;
use crate::workflow::source::Span;

/// Takes what the step keeps out of `r`.
pub(super) fn step(
    cx: &Cx,
    r: &mut RawStep,
    span: Span,
    defaults: &Defaults,
) -> Result<Step, Diagnostic> {
    let name = r
        .name
        .take()
        .ok_or_else(|| cx.error("this step has no `name`", span.clone()))?
        .into_inner();
    let request = request::request(cx, r.request_keys(), defaults, span.clone())?;
    let cleanup = match r.cleanup.as_deref_mut() {
        Some(c) => Some(Box::new(cleanup(cx, c, &name, defaults)?)),
        None => None,
    };
    Ok(Step {
        name,
        doc: r.doc.take(),
        source: Arc::clone(&cx.source),
        span,
        when: r.when.iter().map(|w| cx.located(w)).collect(),
        request,
        delay: r.delay.as_ref().map(|d| cx.duration(d)).transpose()?,
        retry: r.retry.as_ref().map(|x| retry(cx, x)).transpose()?,
        prompt: prompts(cx, r.prompt.as_deref())?,
        expect: timed(assertions::expect(cx, r.expect.as_ref())?, defaults),
        extract: match r.extract.take() {
            Some(t) => assertions::extractions(cx, t)?,
            None => Vec::new(),
        },
        cleanup,
        requires: Vec::new(),
    })
}

fn cleanup(
    cx: &Cx,
    raw: &mut Spanned<RawCleanup>,
    step_name: &str,
    defaults: &Defaults,
) -> Result<Cleanup, Diagnostic> {
    let span = cx.span(raw);
    let r = raw.get_mut();
    if r.prompt.is_some() {
        return Err(cx.error("a cleanup cannot `prompt`", span));
    }
    Ok(Cleanup {
        name: r.name.as_ref().map_or_else(
            || format!("cleanup of {step_name}"),
            |n| n.get_ref().clone(),
        ),
        when: r.when.iter().map(|w| cx.located(w)).collect(),
        request: request::request(cx, r.request_keys(), defaults, span)?,
        delay: r.delay.as_ref().map(|d| cx.duration(d)).transpose()?,
        retry: r.retry.as_ref().map(|x| retry(cx, x)).transpose()?,
        expect: timed(assertions::expect(cx, r.expect.as_ref())?, defaults),
    })
}

/// A step's own `expect.duration` replaces the file's `[defaults.expect] duration`.
fn timed(mut expect: Expect, defaults: &Defaults) -> Expect {
    if expect.duration.is_empty() {
        expect.duration.clone_from(&defaults.duration);
    }
    expect
}

fn retry(cx: &Cx, raw: &Spanned<RawRetry>) -> Result<Retry, Diagnostic> {
    let r = raw.get_ref();
    if r.attempts == 0 {
        return Err(cx.error("`retry.attempts` must be at least 1", cx.span(raw)));
    }
    Ok(Retry {
        attempts: r.attempts,
        interval: match &r.interval {
            Some(i) => cx.duration(i)?,
            None => std::time::Duration::from_secs(1),
        },
    })
}

fn prompts(cx: &Cx, raw: Option<&Spanned<Table>>) -> Result<Vec<(String, String)>, Diagnostic> {
    let Some(table) = raw else {
        return Ok(Vec::new());
    };
    cx.string_entries(table, "prompt")?
        .into_iter()
        .map(|(name, question)| {
            if is_identifier(&name) {
                Ok((name, question.value))
            } else {
                Err(cx.error(format!("invalid variable name `{name}`"), question.span))
            }
        })
        .collect()
}
