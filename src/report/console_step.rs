//! How one finished step reads on the console: its line, and the details under it (failure,
//! `-v` request line and doc, `-vv` headers and bodies).

use std::fmt::Write as _;

use crate::event::{ExpectationResult, Outcome, RequestInfo, ResponseInfo, StepReport};
use crate::report::excerpt::{
    BODY_MAX_BYTES, BODY_MAX_LINES, VALUE_MAX, body_excerpt, end_ellipsis, readable_body, short_url,
};
use crate::report::style::{Paint, Style};

mod headline;

use headline::{headline, push_headline};

/// Columns a step's doc is wrapped to under `-v` (fewer on a narrower console).
const DOC_WIDTH: usize = 80;

/// What shapes a step's lines besides the step itself.
#[derive(Debug, Clone, Copy)]
pub struct StepLayout {
    pub paint: Paint,
    pub verbosity: u8,
    /// Width of the step number column (digits of the workflow's step count).
    pub number_width: usize,
    /// The console's columns, if limited: the step line gives up columns of the name and the
    /// request target so that its status and duration still fit.
    pub width: Option<usize>,
}

impl StepLayout {
    /// Details start under the step's name.
    fn indent(&self) -> String {
        " ".repeat(self.number_width + 5)
    }
}

/// The lines for one finished step or cleanup, without trailing newlines.
pub fn step_lines(report: &StepReport, layout: &StepLayout) -> Vec<String> {
    let mut lines = vec![headline(report, layout)];
    if headline_only(report, layout) {
        return lines;
    }
    let indent = layout.indent();
    let dim = |text: &str| format!("{indent}{}", layout.paint.paint(Style::Dim, text));
    if layout.verbosity >= 1
        && let Some(doc) = report.doc.as_deref()
    {
        // The whole doc, as Markdown reads on a terminal; dimmed, so no other styling.
        let width = layout.width.map_or(DOC_WIDTH, |w| w.min(DOC_WIDTH));
        let doc = crate::markdown::to_lines(
            doc,
            "",
            width.saturating_sub(indent.len()).max(20),
            Paint::new(false),
        );
        lines.extend(
            doc.iter()
                .map(|l| if l.is_empty() { String::new() } else { dim(l) }),
        );
    }
    if layout.verbosity >= 2 {
        lines.extend(exchange(report).iter().map(|l| dim(l)));
    } else if let (1, Some(request)) = (layout.verbosity, &report.request) {
        // On a limited width the URL loses ids rather than its end.
        let room = layout.width.map_or(usize::MAX, |w| {
            w.saturating_sub(indent.len() + request.method.len() + 1)
        });
        let url = short_url(&request.url, room);
        lines.push(dim(&format!("{} {url}", request.method)));
    }
    if report.outcome == Outcome::Failed {
        lines.extend(failure(report, layout));
    }
    lines
}

/// The step's one line when nothing goes under it (as [`step_lines`] gives it), written into
/// `line` (emptied first), without a list made for it: most steps of a run print only their
/// line. `false`, and `line` left as it was, when more lines go under it.
pub fn only_line_into(report: &StepReport, layout: &StepLayout, line: &mut String) -> bool {
    if !headline_only(report, layout) {
        return false;
    }
    line.clear();
    // Room for a usual line (made once: the buffer is kept).
    line.reserve(160);
    push_headline(line, report, layout);
    true
}

/// Whether a step shows its line alone: passed below `-v`, or skipped.
fn headline_only(report: &StepReport, layout: &StepLayout) -> bool {
    let quiet = layout.verbosity == 0 && report.outcome == Outcome::Passed;
    quiet || report.outcome == Outcome::Skipped
}

/// The message, every failed expectation, and the start of the response body.
fn failure(report: &StepReport, layout: &StepLayout) -> Vec<String> {
    let indent = layout.indent();
    let paint = layout.paint;
    let mut lines = Vec::new();
    if let Some(reason) = &report.reason {
        lines.push(format!("{indent}{}", paint.paint(Style::Fail, reason)));
    }
    for e in report.expectations.iter().filter(|e| !e.passed) {
        lines.extend(expectation_lines(e, paint).map(|l| format!("{indent}{l}")));
    }
    // At -vv the whole body is already shown above.
    let body = report
        .response
        .as_ref()
        .filter(|r| !r.body.trim().is_empty());
    if layout.verbosity < 2
        && let Some(response) = body
    {
        let gutter = format!("{indent}{} ", paint.paint(Style::Dim, "│"));
        let preview = body_preview(response);
        lines.extend(preview.iter().map(|l| format!("{gutter}{l}")));
    }
    lines
}

/// `status: expected 302 / actual 400  (w.toml:12:10)`, or for objects and arrays a diff
/// under `$.user: expected (-) / actual (+)  (w.toml:14:1)`.
fn expectation_lines(e: &ExpectationResult, paint: Paint) -> impl Iterator<Item = String> {
    let at =
        e.at.as_ref()
            .map(|at| format!("  {}", paint.paint(Style::Dim, format_args!("({at})"))))
            .unwrap_or_default();
    let (first, diff) = match &e.diff {
        Some(diff) => (
            format!("{}: expected (-) / actual (+){at}", e.subject),
            diff.lines()
                .map(|l| match l.as_bytes().first() {
                    Some(b'-') => format!("  {}", paint.paint(Style::Fail, l)),
                    Some(b'+') => format!("  {}", paint.paint(Style::Pass, l)),
                    _ => format!("  {l}"),
                })
                .collect(),
        ),
        None => (
            format!(
                "{}: expected {} / actual {}{at}",
                e.subject,
                end_ellipsis(&e.expected, VALUE_MAX),
                end_ellipsis(&e.actual, VALUE_MAX)
            ),
            Vec::new(),
        ),
    };
    std::iter::once(first).chain(diff)
}

/// The first lines of a response body, and what was left out.
fn body_preview(response: &ResponseInfo) -> Vec<String> {
    let excerpt = body_excerpt(
        &readable_body(&response.body),
        BODY_MAX_LINES,
        BODY_MAX_BYTES,
    );
    let mut lines = excerpt.lines;
    if excerpt.omitted_bytes > 0 {
        lines.push(format!("… ({} more bytes)", excerpt.omitted_bytes));
    } else if response.body_truncated {
        lines.push("… (body truncated)".to_owned());
    }
    lines
}

/// `-vv`: the request and response as sent and received, curl-style.
fn exchange(report: &StepReport) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(request) = &report.request {
        lines.extend(request_lines(request));
    }
    if let Some(response) = &report.response {
        lines.extend(response_lines(response, report.request.as_ref()));
    }
    lines
}

fn request_lines(request: &RequestInfo) -> Vec<String> {
    let mut lines = vec![format!("> {} {}", request.method, request.url)];
    lines.extend(request.headers.iter().map(|(n, v)| format!("> {n}: {v}")));
    if let Some(body) = request.body.as_deref().filter(|b| !b.is_empty()) {
        lines.push(">".to_owned());
        lines.extend(readable_body(body).lines().map(|l| format!("> {l}")));
    }
    lines
}

fn response_lines(response: &ResponseInfo, request: Option<&RequestInfo>) -> Vec<String> {
    let mut first = format!(
        "< {}  ({} ms)",
        response.status,
        response.duration.as_millis()
    );
    if request.is_none_or(|r| r.url != response.url) {
        let _ = write!(first, "  {}", response.url);
    }
    let mut lines = vec![first];
    lines.extend(response.headers.iter().map(|(n, v)| format!("< {n}: {v}")));
    if !response.body.is_empty() {
        lines.push("<".to_owned());
        lines.extend(
            readable_body(&response.body)
                .lines()
                .map(|l| format!("< {l}")),
        );
        if response.body_truncated {
            lines.push("< … (body truncated)".to_owned());
        }
    }
    lines
}

#[cfg(test)]
mod tests;
