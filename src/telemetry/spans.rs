//! The spans of a run (README, Telemetry): run > workflow > step > HTTP attempt, with
//! OpenTelemetry's HTTP client attributes and steprun's own. What a span shows of a request
//! passes the workflow's redactor first, as a report does.
//!
//! Without a telemetry subscriber these spans are disabled callsites: nothing is formatted.

use tracing::Span;
use tracing::field::Empty;

use super::TARGET;
use crate::event::{Outcome, StepKind};
use crate::http::Prepared;
use crate::redact::Redactor;

/// The span of a whole `run` or `teach`; `tenant` is `sandbox` on the sandbox; `partition`
/// the shard under `--partition` (`count:2/4`), so the shards of one CI run can be told apart.
pub fn run(command: &str, tenant: Option<&str>, partition: Option<&str>) -> Span {
    tracing::info_span!(
        target: TARGET,
        "run",
        otel.name = %format!("steprun {command}"),
        steprun.command = command,
        steprun.tenant = tenant,
        steprun.partition = partition,
        steprun.outcome = Empty,
        otel.status_code = Empty,
    )
}

/// A workflow's span; `label` is its `--matrix` entry (the vars file's stem), which names
/// the tenant it runs against.
pub fn workflow(name: &str, label: Option<&str>) -> Span {
    tracing::info_span!(
        target: TARGET,
        "workflow",
        otel.name = name,
        steprun.workflow = name,
        steprun.matrix = label,
        steprun.tenant = label,
        steprun.outcome = Empty,
        otel.status_code = Empty,
    )
}

/// A step's or cleanup's span.
pub fn step(kind: StepKind, number: usize, name: &str) -> Span {
    tracing::info_span!(
        target: TARGET,
        "step",
        otel.name = name,
        steprun.step = name,
        steprun.step.number = as_int(number),
        steprun.step.kind = kind_name(kind),
        steprun.outcome = Empty,
        otel.status_code = Empty,
    )
}

/// One send of a step (its `attempt`-th, counting `retry`), as OpenTelemetry's HTTP client
/// conventions name it.
pub fn http(prepared: &Prepared, redactor: &Redactor, attempt: u32) -> Span {
    let method = prepared.method.as_str();
    let url = &prepared.url;
    // Field values are computed only when a subscriber takes the span: without telemetry
    // the URL is neither copied nor redacted here.
    tracing::info_span!(
        target: TARGET,
        "http",
        otel.name = method,
        otel.kind = "client",
        http.request.method = method,
        url.full = %full_url(url, redactor),
        server.address = url.host_str().map(|h| redactor.redact(h).into_owned()),
        server.port = url.port_or_known_default().map(i64::from),
        steprun.attempt = i64::from(attempt),
        http.response.status_code = Empty,
        http.request.resend_count = Empty,
        error.type = Empty,
        otel.status_code = Empty,
    )
}

/// `url.full` as the conventions want it: credentials in the URL replaced by `REDACTED`,
/// whatever the redactor knows, and every secret it knows shown as `«name»`.
fn full_url(url: &url::Url, redactor: &Redactor) -> String {
    let mut url = url.clone();
    if !url.username().is_empty() {
        let _ = url.set_username("REDACTED");
    }
    if url.password().is_some() {
        let _ = url.set_password(Some("REDACTED"));
    }
    redactor.redact(url.as_str()).into_owned()
}

/// The answer to an HTTP span's request: its status (an error from 400 on, as the
/// conventions say for a client) and the throttling re-sends (429, 503) behind it.
pub fn http_response(span: &Span, status: u16, sends: u32) {
    // Without telemetry there is nothing to record into (and each field would be looked up
    // by name for nothing, every step).
    if span.is_disabled() {
        return;
    }
    span.record("http.response.status_code", i64::from(status));
    if sends > 1 {
        span.record("http.request.resend_count", i64::from(sends - 1));
    }
    if status >= 400 {
        span.record("error.type", status.to_string());
        span.record("otel.status_code", "ERROR");
    }
}

/// An HTTP span's request that got no answer, and why (`timeout`, `connect_error`, …).
pub fn http_error(span: &Span, kind: &str) {
    if span.is_disabled() {
        return;
    }
    span.record("error.type", kind);
    span.record("otel.status_code", "ERROR");
}

/// How a run, workflow or step ended.
pub fn outcome(span: &Span, outcome: Outcome) {
    if span.is_disabled() {
        return;
    }
    let name = match outcome {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::Skipped => "skipped",
    };
    span.record("steprun.outcome", name);
    if outcome == Outcome::Failed {
        span.record("otel.status_code", "ERROR");
    }
}

/// How a whole run ended: `passed`, `failed`, `interrupted`, or `error` (it could not run).
pub fn run_outcome(span: &Span, outcome: &str) {
    span.record("steprun.outcome", outcome);
    if outcome != "passed" {
        span.record("otel.status_code", "ERROR");
    }
}

/// A count as an `i64`: tracing-opentelemetry exports unsigned values as text, and the
/// conventions type `http.response.status_code`, `server.port` and the like as integers.
fn as_int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn kind_name(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Step => "step",
        StepKind::Cleanup => "cleanup",
    }
}

#[cfg(test)]
mod tests {
    use super::full_url;
    use crate::redact::Redactor;

    #[test]
    fn url_full_hides_credentials_and_secrets() {
        let url =
            url::Url::parse("https://app:pw@auth.example/as/token?code=c0de-value").expect("url");
        let mut redactor = Redactor::default();
        redactor.add("authCode", "c0de-value");
        assert_eq!(
            full_url(&url, &redactor),
            "https://REDACTED:REDACTED@auth.example/as/token?code=«authCode»"
        );
    }
}
