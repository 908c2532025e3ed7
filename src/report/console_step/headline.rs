//! A finished step's one line (`  ✓ 2 Create an app  POST /v1/…  201  120 ms  → appID`): every
//! step of a run prints one, so it is written piece by piece into one buffer, and on a limited
//! width its columns are sized so that the status and the duration fit.

use std::fmt::Write as _;

use super::StepLayout;
use crate::event::{Outcome, RequestInfo, StepKind, StepReport};
use crate::report::excerpt::{TARGET_MAX, end_ellipsis, short_target};
use crate::report::style::{Paint, Style};
use crate::report::width::columns;

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
pub(super) fn headline(report: &StepReport, layout: &StepLayout) -> String {
    // Room for a usual line, so that it is not grown piece by piece.
    let mut line = String::with_capacity(160);
    push_headline(&mut line, report, layout);
    line
}

/// [`headline`], written into `line` (empty).
pub(super) fn push_headline(line: &mut String, report: &StepReport, layout: &StepLayout) {
    push_lead(line, report, layout.number_width, layout.paint);
    let lead_end = line.len();
    // The name column depends on the width only (a typical `  POST ` and `  200  1234 ms`),
    // so that the names of one workflow line up whatever each step's method and duration.
    let name_width = layout.width.map_or(NAME_WIDTH, |w| {
        w.saturating_sub(columns(line) + TYPICAL_METHOD + TYPICAL_TAIL + TARGET_MIN)
            .clamp(NAME_MIN, NAME_WIDTH)
    });
    if report.outcome == Outcome::Skipped {
        push_skipped(line, report, name_width, layout.paint);
        return;
    }
    match layout.width {
        Some(w) => push_fitted(line, report, name_width, lead_end, w, layout.paint),
        None => push_whole(line, report, name_width, layout.paint),
    }
}

/// `  ✓ 2 `: the mark and the step number, right-aligned in the workflow's number column.
fn push_lead(line: &mut String, report: &StepReport, number_width: usize, paint: Paint) {
    line.push_str("  ");
    let (style, mark) = mark(report);
    paint.push(line, style, mark);
    line.push(' ');
    push_decimal(line, report.number as u64, number_width);
    line.push(' ');
}

/// A skipped step's name and why it was skipped (`not run` when no reason is known).
fn push_skipped(line: &mut String, report: &StepReport, name_width: usize, paint: Paint) {
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
}

/// The rest of the line on an unlimited console: nothing is cut, so nothing needs measuring
/// and the line is written straight through.
fn push_whole(line: &mut String, report: &StepReport, name_width: usize, paint: Paint) {
    push_name_column(line, &report.name, name_width);
    if let Some(request) = &report.request {
        push_target(line, request, TARGET_MAX);
    }
    push_tail(line, report, paint);
    if let Some((first, rest)) = report.extracted.split_first() {
        push_names(line, first, rest);
    }
}

/// The rest of the line within `w` columns: the name column and the target give up columns
/// so that the status and the duration fit, and the extracted names are cut at the end.
fn push_fitted(
    line: &mut String,
    report: &StepReport,
    name_width: usize,
    lead_end: usize,
    w: usize,
    paint: Paint,
) {
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
        let max = room
            .saturating_sub(columns(&line[lead_end..]) + extracted_keep(&report.extracted))
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

/// Columns the target leaves for the extracted names: a few stay, so a cut line still shows
/// `→ app…` and never cuts the duration; none when nothing was extracted.
fn extracted_keep(extracted: &[String]) -> usize {
    let extracted = extracted.iter().map(|n| n.len() + 2).sum::<usize>();
    if extracted > 0 {
        (extracted + 2).min(EXTRACTED_MIN)
    } else {
        0
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
