//! The explaining reporter of `teach`: the workflow's description, then for each step what
//! came back, which checks held and what was learned from it, then cleanups and a summary.
//! The request itself is shown by the gate, before it is sent.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::event::{
    Event, ExpectationResult, Learned, Outcome, Reason, Reporter, ResponseInfo, RunSummary,
    SkipReason, StepKind, StepReport, WorkflowInfo,
};
use crate::markdown;
use crate::report::excerpt::{VALUE_MAX, end_ellipsis, human_duration, short_target};
use crate::report::style::{Paint, Style};
use crate::teach::gate::Out;
use crate::teach::text;

/// Longest cleanup target (path and query) shown, in characters.
const CLEANUP_TARGET_MAX: usize = 72;

/// How the explainer shows things.
#[derive(Debug, Clone, Copy)]
pub struct ExplainOptions {
    pub paint: Paint,
    /// `-v`: every response header, not only the ones a flow reads.
    pub all_headers: bool,
    /// Whether the gate waits for the person (not `--yes`).
    pub pausing: bool,
    /// `--keep`: cleanups do not run.
    pub keep: bool,
    /// Columns that prose is wrapped to (see `text::output_width`).
    pub width: usize,
}

pub struct Explainer {
    out: Out,
    opts: ExplainOptions,
    /// Shared with the gate, for "Step 2 of 12".
    total: Arc<AtomicUsize>,
    cleanups_shown: bool,
    learned: Vec<String>,
}

impl Explainer {
    pub fn new(out: Out, opts: ExplainOptions, total: Arc<AtomicUsize>) -> Explainer {
        Explainer {
            out,
            opts,
            total,
            cleanups_shown: false,
            learned: Vec::new(),
        }
    }

    fn workflow(&mut self, info: &WorkflowInfo) -> Vec<String> {
        let p = self.opts.paint;
        self.total.store(info.steps, Ordering::Relaxed);
        self.cleanups_shown = false;
        let mut lines = vec![
            p.paint(Style::Bold, &info.name).to_string(),
            p.paint(Style::Dim, "═".repeat(markdown::display_width(&info.name)))
                .to_string(),
            p.paint(Style::Dim, format!("{} · {} steps", info.path, info.steps))
                .to_string(),
        ];
        if let Some(description) = &info.description {
            lines.push(String::new());
            lines.extend(markdown::to_lines(description, "", self.opts.width, p));
        }
        lines.push(String::new());
        let how = if self.opts.pausing {
            "Before each step you see the request about to be sent. Press Enter to send it, \
             s then Enter to skip it, c then Enter to see it as a curl command, q then Enter \
             to quit (cleanups still run)."
        } else {
            "Each request is shown, then sent without pausing (--yes)."
        };
        lines.extend(
            markdown::wrap(how, self.opts.width)
                .into_iter()
                .map(|l| p.paint(Style::Dim, l).to_string()),
        );
        lines
    }

    fn step(&mut self, report: &StepReport) -> Vec<String> {
        let p = self.opts.paint;
        let total = self.total.load(Ordering::Relaxed);
        let title = text::step_title(report.number, total, &report.name);
        if let Some(lines) = brief_skip(report, &title, p) {
            return lines;
        }
        let mut lines = Vec::new();
        // A step the gate saw has its heading, doc and request on screen already.
        if report.request.is_none() {
            lines.extend([String::new(), text::heading(p, &title, self.opts.width)]);
            if let Some(doc) = &report.doc {
                lines.extend(markdown::to_lines(doc, "  ", self.opts.width, p));
            }
        }
        if report.outcome == Outcome::Skipped {
            let (label, why) = skip_reason(report.reason.as_ref());
            let first = format!("  {} ", p.paint(Style::Skip, label));
            lines.extend(markdown::wrap_indented(
                &why,
                &first,
                "    ",
                self.opts.width,
            ));
            return lines;
        }
        if let Some(response) = &report.response {
            lines.extend(self.response(response, report.attempts));
        }
        lines.extend(checks(&report.expectations, p));
        lines.extend(learned(&report.learned, p));
        self.learned
            .extend(report.learned.iter().map(|l| l.name.clone()));
        lines.push(String::new());
        lines.extend(verdict(report, p, self.opts.width));
        lines
    }

    fn response(&self, response: &ResponseInfo, attempts: u32) -> Vec<String> {
        let p = self.opts.paint;
        let style = if response.status < 400 {
            Style::Pass
        } else {
            Style::Fail
        };
        let mut head = format!(
            "  {}  {} · {} ms",
            p.paint(Style::Bold, "← Response"),
            p.paint(style, text::status_text(response.status)),
            response.duration.as_millis()
        );
        if attempts > 1 {
            let _ = write!(head, " · sent {attempts} times");
        }
        let mut lines = vec![String::new(), head];
        let (shown, hidden) = text::shown_headers(&response.headers, self.opts.all_headers);
        lines.extend(shown.iter().map(|(n, v)| format!("    {n}: {v}")));
        if hidden > 0 {
            lines.push(
                p.paint(
                    Style::Dim,
                    format!("    ({hidden} more headers; -v shows them)"),
                )
                .to_string(),
            );
        }
        lines.push(String::new());
        lines.extend(text::body_lines(
            &response.body,
            "    ",
            !self.opts.all_headers,
        ));
        if response.body_truncated {
            lines.push("    … (body cut when received)".to_owned());
        }
        lines
    }

    fn cleanup(&mut self, report: &StepReport) -> Vec<String> {
        let p = self.opts.paint;
        let mut lines = Vec::new();
        if !self.cleanups_shown {
            self.cleanups_shown = true;
            lines.extend([
                String::new(),
                text::heading(p, "Cleanups", self.opts.width),
                p.paint(
                    Style::Dim,
                    "  What the steps created is deleted again, newest first.",
                )
                .to_string(),
            ]);
        }
        let (mark, style) = mark(report.outcome);
        let mut line = format!("  {} {}", p.paint(style, mark), report.name);
        if let Some(response) = &report.response {
            let _ = write!(line, " → {}", text::status_text(response.status));
        }
        lines.push(line);
        if let Some(request) = &report.request {
            let target = short_target(&request.url, CLEANUP_TARGET_MAX);
            let shown = format!("      {} {target}", request.method);
            lines.push(p.paint(Style::Dim, shown).to_string());
        }
        if report.outcome == Outcome::Failed {
            lines.extend(report.reason.iter().map(|m| format!("      {m}")));
            lines.extend(
                checks(&report.expectations, p)
                    .into_iter()
                    .filter(|l| l.contains('✗')),
            );
        }
        lines
    }

    fn summary(&self, s: &RunSummary) -> Vec<String> {
        let p = self.opts.paint;
        let mut lines = vec![String::new(), text::heading(p, "Summary", self.opts.width)];
        let mut counts = vec![
            p.paint(Style::Pass, format!("{} passed", s.counts.steps_passed))
                .to_string(),
        ];
        if s.counts.steps_failed > 0 {
            counts.push(
                p.paint(Style::Fail, format!("{} failed", s.counts.steps_failed))
                    .to_string(),
            );
        }
        if s.counts.steps_skipped > 0 {
            counts.push(
                p.paint(Style::Skip, format!("{} skipped", s.counts.steps_skipped))
                    .to_string(),
            );
        }
        if s.counts.cleanups_failed > 0 {
            counts.push(
                p.paint(
                    Style::Fail,
                    format!("{} cleanups failed", s.counts.cleanups_failed),
                )
                .to_string(),
            );
        }
        lines.push(format!(
            "  Steps: {} · {}",
            counts.join(", "),
            human_duration(s.duration)
        ));
        if !self.learned.is_empty() {
            lines.extend(markdown::wrap_indented(
                &format!("Learned: {}", self.learned.join(", ")),
                "  ",
                "  ",
                self.opts.width,
            ));
        }
        if self.opts.keep {
            lines.push(
                "  Cleanups did not run (--keep): what the steps created is still there."
                    .to_owned(),
            );
        }
        if s.interrupted {
            lines.push(
                p.paint(Style::Skip, "  Stopped before the end (exit code 130).")
                    .to_string(),
            );
        }
        lines
    }
}

impl Reporter for Explainer {
    fn wants_step_starts(&self) -> bool {
        false
    }

    fn event(&mut self, event: &Event) -> io::Result<()> {
        let lines = match event {
            Event::WorkflowStarted(info) => self.workflow(info),
            Event::StepFinished(report) if report.kind == StepKind::Cleanup => self.cleanup(report),
            Event::StepFinished(report) => self.step(report),
            Event::RunFinished(summary) => self.summary(summary),
            Event::RunStarted(_) | Event::StepStarted(_) | Event::WorkflowFinished(_) => {
                return Ok(());
            }
        };
        for line in lines {
            writeln!(self.out, "{line}")?;
        }
        self.out.flush()
    }
}

/// Skips that need no heading: those after a failure or an interruption, one line each;
/// and Ctrl-C at the prompt, which ends the open prompt line first.
fn brief_skip(report: &StepReport, title: &str, p: Paint) -> Option<Vec<String>> {
    if report.outcome != Outcome::Skipped {
        return None;
    }
    let reason = report.reason.as_ref().and_then(Reason::skip)?;
    if *reason == SkipReason::Interrupted && report.request.is_some() {
        let why = "interrupted (Ctrl-C); nothing more is sent, the remaining steps are \
                   skipped and cleanups run now.";
        let stopped = format!("  {} {why}", p.paint(Style::Skip, "■ Stopped:"));
        return Some(vec![String::new(), stopped]);
    }
    if matches!(
        reason,
        SkipReason::EarlierStepFailed | SkipReason::Interrupted
    ) {
        let mark = p.paint(Style::Skip, "↷");
        return Some(vec![format!("  {mark} {title} — skipped: {reason}")]);
    }
    None
}

/// Each extracted variable, its value (redacted by the engine) and where it came from.
fn learned(learned: &[Learned], p: Paint) -> Vec<String> {
    if learned.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        format!("  {}", p.paint(Style::Bold, "✎ Learned")),
    ];
    for l in learned {
        lines.push(format!(
            "    {} = {}   {}",
            p.paint(Style::Bold, &l.name),
            text::short_value(&l.value),
            p.paint(Style::Dim, format!("← {}", l.from))
        ));
    }
    lines
}

fn mark(outcome: Outcome) -> (&'static str, Style) {
    match outcome {
        Outcome::Passed => ("✓", Style::Pass),
        Outcome::Failed => ("✗", Style::Fail),
        Outcome::Skipped => ("↷", Style::Skip),
    }
}

/// How a skip is labelled, and what it means for the rest of the workflow.
fn skip_reason(reason: Option<&Reason>) -> (&'static str, String) {
    match reason.and_then(Reason::skip) {
        Some(SkipReason::SkippedAtGate) => (
            "↷ Skipped:",
            "nothing was sent. Later steps that need what this step would have learned \
             will fail."
                .to_owned(),
        ),
        Some(SkipReason::QuitAtGate) => (
            "■ Stopped:",
            "you quit; nothing more is sent, the remaining steps are skipped and cleanups \
             run now."
                .to_owned(),
        ),
        _ => (
            "↷ Skipped:",
            reason.map(ToString::to_string).unwrap_or_default(),
        ),
    }
}

fn checks(expectations: &[ExpectationResult], p: Paint) -> Vec<String> {
    if expectations.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        format!("  {}", p.paint(Style::Bold, "✔ Checks")),
    ];
    for e in expectations {
        let expected = end_ellipsis(&e.expected, VALUE_MAX);
        lines.push(if e.passed {
            format!(
                "    {} {}: {expected}",
                p.paint(Style::Pass, "✓"),
                e.subject
            )
        } else {
            let actual = end_ellipsis(&e.actual, VALUE_MAX);
            format!(
                "    {} {}: expected {expected}, got {actual}",
                p.paint(Style::Fail, "✗"),
                e.subject
            )
        });
    }
    lines
}

fn verdict(report: &StepReport, p: Paint, width: usize) -> Vec<String> {
    if report.outcome == Outcome::Passed {
        return vec![format!("  {}", p.paint(Style::Pass, "✓ Passed"))];
    }
    let mut lines = Vec::new();
    let failed_checks = report.expectations.iter().filter(|e| !e.passed).count();
    let why = match (&report.reason, failed_checks) {
        (Some(reason), _) => reason.to_string(),
        (None, 1) => "a check did not hold (above)".to_owned(),
        (None, n) => format!("{n} checks did not hold (above)"),
    };
    let first = format!("  {} ", p.paint(Style::Fail, "✗ Failed:"));
    lines.extend(markdown::wrap_indented(&why, &first, "    ", width));
    let stops = "A failed step stops its workflow: the remaining steps are skipped; cleanups \
                 still run.";
    lines.extend(
        markdown::wrap_indented(stops, "  ", "  ", width)
            .into_iter()
            .map(|l| p.paint(Style::Dim, l).to_string()),
    );
    lines
}

#[cfg(test)]
mod tests;
