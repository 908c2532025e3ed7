//! A step's entry in the JSON report: what of a step's report the document holds (its request
//! and response heads, never a body), as serde writes it.

use serde::Serialize;

use crate::event::{ExpectationResult, Outcome, StepKind, StepReport};
use crate::report::excerpt::millis;

#[derive(Serialize)]
pub(super) struct JsonStep<'a> {
    number: usize,
    kind: StepKind,
    name: &'a str,
    outcome: Outcome,
    /// The reason's text, as the report has always written it (the schema is unchanged).
    message: Option<String>,
    request: Option<JsonRequest<'a>>,
    response: Option<JsonResponse<'a>>,
    expectations: &'a [ExpectationResult],
    extracted: &'a [String],
    attempts: u32,
    duration_ms: f64,
}

#[derive(Serialize)]
struct JsonRequest<'a> {
    method: &'a str,
    url: &'a str,
    headers: Vec<JsonHeader<'a>>,
}

#[derive(Serialize)]
struct JsonResponse<'a> {
    status: u16,
    duration_ms: f64,
    headers: Vec<JsonHeader<'a>>,
}

/// A header as `{ "name", "value" }`: a list keeps repeated headers such as `Set-Cookie`.
#[derive(Serialize)]
struct JsonHeader<'a> {
    name: &'a str,
    value: &'a str,
}

pub(super) fn json_step(report: &StepReport) -> JsonStep<'_> {
    JsonStep {
        number: report.number,
        kind: report.kind,
        name: &report.name,
        outcome: report.outcome,
        message: report.reason.as_ref().map(ToString::to_string),
        request: report.request.as_ref().map(|request| JsonRequest {
            method: &request.method,
            url: &request.url,
            headers: json_headers(&request.headers),
        }),
        response: report.response.as_ref().map(|response| JsonResponse {
            status: response.status,
            duration_ms: millis(response.duration),
            headers: json_headers(&response.headers),
        }),
        expectations: &report.expectations,
        extracted: &report.extracted,
        attempts: report.attempts,
        duration_ms: millis(report.duration),
    }
}

fn json_headers(headers: &[(String, String)]) -> Vec<JsonHeader<'_>> {
    headers
        .iter()
        .map(|(name, value)| JsonHeader { name, value })
        .collect()
}
