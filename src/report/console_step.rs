//! How one finished step reads on the console: its line, and the details under it (failure,
//! `-v` request line and doc, `-vv` headers and bodies).

use std::fmt::Write as _;

use crate::event::{ExpectationResult, Outcome, RequestInfo, ResponseInfo, StepKind, StepReport};
use crate::report::excerpt::{
    BODY_MAX_BYTES, BODY_MAX_LINES, TARGET_MAX, VALUE_MAX, body_excerpt, end_ellipsis,
    readable_body, short_target, short_url,
};
use crate::report::style::{Paint, Style};
use crate::report::width::columns;

/// Columns a step's doc is wrapped to under `-v` (fewer on a narrower console).
const DOC_WIDTH: usize = 80;

/// Step names are padded to this width so that short names line up.
const NAME_WIDTH: usize = 32;
/// On a narrow console the name column shrinks (never below this) to leave the request
/// target at least [`TARGET_MIN`] columns.
const NAME_MIN: usize = 16;
const TARGET_MIN: usize = 25;
/// Columns kept after the duration for `  → ` and the start of the extracted names.
const EXTRACTED_MIN: usize = 8;
/// Columns of `  POST ` and of `  200  1234 ms`, the usual method and tail around a target.
const TYPICAL_METHOD: usize = 7;
const TYPICAL_TAIL: usize = 14;

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

/// The mark a step's line starts with, and its style.
fn mark(report: &StepReport) -> (Style, &'static str) {
    match (report.outcome, report.kind) {
        (Outcome::Passed, StepKind::Step) => (Style::Pass, "✓"),
        (Outcome::Passed, StepKind::Cleanup) => (Style::Pass, "↺"),
        (Outcome::Failed, _) => (Style::Fail, "✗"),
        (Outcome::Skipped, _) => (Style::Skip, "-"),
    }
}

/// `  ✓ 2 Create a web application      POST /v1/…/applications  201  120 ms  → appID`
///
/// On a limited width the name column and the target are sized so that the status and the
/// duration fit; the extracted names, last, are what a cut of the line takes.
///
/// Written piece by piece rather than through `format!`: every step of a run prints one.
fn headline(report: &StepReport, layout: &StepLayout) -> String {
    // Room for a usual line, so that it is not grown piece by piece.
    let mut line = String::with_capacity(160);
    push_headline(&mut line, report, layout);
    line
}

/// [`headline`], written into `line` (empty).
fn push_headline(line: &mut String, report: &StepReport, layout: &StepLayout) {
    let paint = layout.paint;
    line.push_str("  ");
    let (style, mark) = mark(report);
    paint.push(line, style, mark);
    line.push(' ');
    push_decimal(line, report.number as u64, layout.number_width);
    line.push(' ');
    let lead_end = line.len();
    // The name column depends on the width only (a typical `  POST ` and `  200  1234 ms`),
    // so that the names of one workflow line up whatever each step's method and duration.
    let name_width = layout.width.map_or(NAME_WIDTH, |w| {
        w.saturating_sub(columns(line) + TYPICAL_METHOD + TYPICAL_TAIL + TARGET_MIN)
            .clamp(NAME_MIN, NAME_WIDTH)
    });
    if report.outcome == Outcome::Skipped {
        let reason = report
            .reason
            .as_ref()
            .map_or_else(|| "not run".to_owned(), ToString::to_string);
        let name = name_column(&report.name, name_width);
        let _ = write!(
            line,
            "{name}  {}",
            paint.paint(Style::Skip, format_args!("skipped: {reason}"))
        );
        return;
    }
    let Some(w) = layout.width else {
        // Nothing is cut on an unlimited console, so nothing needs measuring: the line is
        // written straight through.
        push_name_column(line, &report.name, name_width);
        if let Some(request) = &report.request {
            push_target(line, request, TARGET_MAX);
        }
        push_tail(line, report, paint);
        if let Some((first, rest)) = report.extracted.split_first() {
            push_names(line, first, rest);
        }
        return;
    };
    let mut tail = String::with_capacity(48);
    push_tail(&mut tail, report, paint);
    let method = report.request.as_ref().map_or(0, |r| r.method.len() + 3);
    // The tail counts as at least a typical one, so that how the target and the extracted
    // names are cut does not change with a step's duration (`9 ms` or `1234 ms`).
    let tail_width = columns(&tail).max(TYPICAL_TAIL);
    // Columns for the name and the target together.
    let room = w.saturating_sub(columns(&line[..lead_end]) + method + tail_width);
    push_name_column(line, &report.name, name_width);
    if let Some(request) = &report.request {
        // A few columns stay for the extracted names, so a cut line still shows `→ app…`
        // and never cuts the duration.
        let extracted = report.extracted.iter().map(|n| n.len() + 2).sum::<usize>();
        let keep = if extracted > 0 {
            (extracted + 2).min(EXTRACTED_MIN)
        } else {
            0
        };
        let max = room
            .saturating_sub(columns(&line[lead_end..]) + keep)
            .max(1);
        push_target(line, request, max);
    }
    line.push_str(&tail);
    if let Some((first, rest)) = report.extracted.split_first() {
        let mut names = String::with_capacity(8 + first.len());
        push_names(&mut names, first, rest);
        // Measured without the tail, as if it were a typical one (see `tail_width`).
        let used = columns(line) - columns(&tail) + tail_width;
        line.push_str(&end_ellipsis(&names, w.saturating_sub(used)));
    }
}

/// `  POST /v1/…/applications`: the method and the request target, cut to `max` columns.
fn push_target(line: &mut String, request: &RequestInfo, max: usize) {
    let target = short_target(&request.url, max);
    line.push_str("  ");
    line.push_str(&request.method);
    line.push(' ');
    line.push_str(&target);
}

/// `  201  120 ms  (2 attempts)`: the status, the duration and any re-sends.
fn push_tail(tail: &mut String, report: &StepReport, paint: Paint) {
    if let Some(response) = &report.response {
        tail.push_str("  ");
        let failed = report.outcome == Outcome::Failed;
        if failed {
            paint.begin(tail, Style::Fail);
        }
        push_decimal(tail, response.status.into(), 0);
        if failed {
            paint.end(tail);
        }
    }
    tail.push_str("  ");
    paint.begin(tail, Style::Dim);
    // Whole milliseconds fit a u64 for any duration a step can take.
    let ms = u64::try_from(report.duration.as_millis()).unwrap_or(u64::MAX);
    push_decimal(tail, ms, 0);
    tail.push_str(" ms");
    paint.end(tail);
    if report.attempts > 1 {
        tail.push_str("  (");
        push_decimal(tail, report.attempts.into(), 0);
        tail.push_str(" attempts)");
    }
}

/// `  → a, b`: the names a step extracted.
fn push_names(out: &mut String, first: &str, rest: &[String]) {
    out.push_str("  → ");
    out.push_str(first);
    for name in rest {
        out.push_str(", ");
        out.push_str(name);
    }
}

/// Appends `n` in decimal, right-aligned in `width` columns (a console line is made without
/// the formatting machinery: every step of a run prints one).
fn push_decimal(out: &mut String, n: u64, width: usize) {
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(n);
    push_spaces(out, width.saturating_sub(digits.len()));
    out.push_str(digits);
}

/// Appends `n` spaces.
fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// A step's name padded to `width` columns, or cut to them when `width` is below the
/// default column (on a narrow console; on a wide one a long name is kept whole).
fn name_column(name: &str, width: usize) -> String {
    let mut out = String::new();
    push_name_column(&mut out, name, width);
    out
}

/// Appends [`name_column`]'s text to `out`.
fn push_name_column(out: &mut String, name: &str, width: usize) {
    let start = out.len();
    if width < NAME_WIDTH {
        out.push_str(&end_ellipsis(name, width));
    } else {
        out.push_str(name);
    }
    let pad = width.saturating_sub(columns(&out[start..]));
    push_spaces(out, pad);
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
