//! The console report (README, Reports): streams a block per workflow — header, a line per step,
//! cleanups, result — and a summary line. When matrix runs interleave, each workflow's block
//! is still printed whole: one workflow streams, the others are held until it ends. Every
//! line is cut to the console's width, if it has one (see [`crate::report::width`]).

use std::io::{self, BufWriter, Write};
use std::time::{Duration, Instant};

use indicatif::ProgressDrawTarget;

use crate::event::{
    Event, Outcome, Reporter, RunSummary, StepKind, StepReport, StepStart, WorkflowId,
    WorkflowInfo, WorkflowSummary,
};
use closed_pipe::QuietWhenClosed;

use crate::report::console_step::{StepLayout, only_line_into, step_lines};
use crate::report::excerpt::{human_duration, plural};
use crate::report::progress::Progress;
use crate::report::style::{Paint, Style};
use crate::report::width::{columns, fit};

/// The stream the console writes to, on which its progress rows are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// How the console looks; the caller decides from `-v`, `--color` and the terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsoleOptions {
    /// 0: step lines; 1 (`-v`): plus request lines and docs; 2 (`-vv`): plus headers and bodies.
    pub verbosity: u8,
    pub color: bool,
    /// Show the running steps on progress rows drawn on this stream (only for a terminal:
    /// a log must hold no progress rows).
    pub progress: Option<Stream>,
    /// Columns every line is cut to; `None`: lines are written whole.
    pub width: Option<usize>,
    /// Output is flushed at the end of every workflow and otherwise at most this often (zero:
    /// after every event). Without a terminal (a file, a pipe, a CI log) the caller sets about
    /// 100 ms, so a long run does not pay a system call per step and a log still follows it.
    pub flush_every: Duration,
}

/// Writes the human-readable report as events arrive.
pub struct ConsoleReporter {
    out: BufWriter<QuietWhenClosed<Box<dyn Write + Send>>>,
    last_flush: Instant,
    opts: ConsoleOptions,
    paint: Paint,
    /// Workflows that started and have not finished, in start order.
    active: Vec<Block>,
    /// The workflow whose lines are written as they come; the others' are held.
    streaming: Option<WorkflowId>,
    /// Whole blocks of workflows that finished while another one was streaming.
    held: Vec<String>,
    progress: Option<Progress>,
    /// A step's line alone is written here, and the buffer kept for the next one: most steps
    /// of a run print only their line.
    line: String,
}

/// One workflow's state, and its lines while they are held.
struct Block {
    id: WorkflowId,
    title: String,
    number_width: usize,
    lines: Vec<String>,
    cleanups_started: bool,
    cleanups_failed: usize,
}

impl Block {
    fn new(id: WorkflowId, title: String, number_width: usize) -> Block {
        Block {
            id,
            title,
            number_width,
            lines: Vec::new(),
            cleanups_started: false,
            cleanups_failed: 0,
        }
    }
}

impl ConsoleReporter {
    pub fn new(out: Box<dyn Write + Send>, opts: ConsoleOptions) -> ConsoleReporter {
        ConsoleReporter {
            out: BufWriter::new(QuietWhenClosed::new(out)),
            last_flush: Instant::now(),
            opts,
            paint: Paint::new(opts.color),
            active: Vec::new(),
            streaming: None,
            held: Vec::new(),
            line: String::new(),
            progress: opts.progress.map(|stream| {
                let target = match stream {
                    Stream::Stdout => ProgressDrawTarget::stdout(),
                    Stream::Stderr => ProgressDrawTarget::stderr(),
                };
                Progress::new(target, opts.width)
            }),
        }
    }

    fn workflow_started(&mut self, info: &WorkflowInfo) -> io::Result<()> {
        let title = match &info.label {
            Some(label) => format!("{} [{label}]", info.name),
            None => info.name.clone(),
        };
        let header = format!(
            "{}  {}",
            self.paint.paint(Style::Bold, &title),
            self.paint.paint(Style::Dim, &info.path)
        );
        let number_width = info.steps.max(1).to_string().len();
        self.active
            .push(Block::new(info.id.clone(), title, number_width));
        self.emit(&info.id, vec![header])
    }

    fn step_finished(&mut self, report: &StepReport) -> io::Result<()> {
        let (paint, verbosity) = (self.paint, self.opts.verbosity);
        let block = self.block(&report.workflow);
        let mut heading = None;
        if report.kind == StepKind::Cleanup {
            if !block.cleanups_started {
                block.cleanups_started = true;
                heading = Some(format!("  {}", paint.paint(Style::Dim, "cleanup")));
            }
            if report.outcome == Outcome::Failed {
                block.cleanups_failed += 1;
            }
        }
        let layout = StepLayout {
            paint,
            verbosity,
            number_width: block.number_width,
            width: self.opts.width,
        };
        if heading.is_none() {
            let mut line = std::mem::take(&mut self.line);
            if only_line_into(report, &layout, &mut line) {
                let written = self.emit_line(&report.workflow, &line);
                self.line = line;
                return written;
            }
            self.line = line;
        }
        let mut lines = step_lines(report, &layout);
        if let Some(heading) = heading {
            lines.insert(0, heading);
        }
        self.emit(&report.workflow, lines)
    }

    fn workflow_finished(&mut self, summary: &WorkflowSummary) -> io::Result<()> {
        let paint = self.paint;
        let block = self.block(&summary.id);
        let line = workflow_line(summary, &block.title, block.cleanups_failed, paint);
        if let Some(progress) = &mut self.progress {
            progress.done(&summary.id);
        }
        self.emit(&summary.id, vec![line, String::new()])?;
        let Some(position) = self.active.iter().position(|b| b.id == summary.id) else {
            return Ok(());
        };
        let block = self.active.remove(position);
        if self.streaming.as_ref() != Some(&summary.id) {
            self.held.extend(block.lines);
            return Ok(());
        }
        self.streaming = None;
        let held = std::mem::take(&mut self.held);
        self.write_lines(&held)?;
        // The oldest workflow still running streams next, starting with what it held.
        if let Some(next) = self.active.first_mut() {
            self.streaming = Some(next.id.clone());
            let lines = std::mem::take(&mut next.lines);
            self.write_lines(&lines)?;
        }
        Ok(())
    }

    /// Writes everything still held: finished blocks, then unfinished ones (an interrupted
    /// run ends with workflows that never finished).
    fn release_all(&mut self) -> io::Result<()> {
        let mut lines = std::mem::take(&mut self.held);
        for block in self.active.drain(..) {
            lines.extend(block.lines);
        }
        self.streaming = None;
        self.write_lines(&lines)
    }

    fn run_finished(&mut self, summary: &RunSummary) -> io::Result<()> {
        self.clear_progress()?;
        self.release_all()?;
        let lines = summary_lines(summary, self.paint, self.opts.width);
        self.write_lines(&lines)
    }

    /// The block of workflow `id`, created if no `WorkflowStarted` announced it.
    fn block(&mut self, id: &WorkflowId) -> &mut Block {
        let position = self.active.iter().position(|b| &b.id == id);
        let position = position.unwrap_or_else(|| {
            let title = format!("workflow {}", id.index + 1);
            self.active.push(Block::new(id.clone(), title, 2));
            self.active.len() - 1
        });
        &mut self.active[position]
    }

    /// Whether `id`'s lines are written as they come: it is the workflow streaming, or nothing
    /// is and it starts to.
    fn streams(&mut self, id: &WorkflowId) -> bool {
        if self.streaming.is_none() {
            self.streaming = Some(id.clone());
        }
        self.streaming.as_ref() == Some(id)
    }

    /// Writes `lines` now if `id` is streaming (or nothing is), else holds them in its block.
    fn emit(&mut self, id: &WorkflowId, lines: Vec<String>) -> io::Result<()> {
        if self.streams(id) {
            return self.write_lines(&lines);
        }
        self.block(id).lines.extend(lines);
        Ok(())
    }

    /// [`emit`](Self::emit) of a single line, with no list made for it (copied only when held).
    fn emit_line(&mut self, id: &WorkflowId, line: &str) -> io::Result<()> {
        if self.streams(id) {
            return self.write_lines(&[line]);
        }
        self.block(id).lines.push(line.to_owned());
        Ok(())
    }

    fn write_lines(&mut self, lines: &[impl AsRef<str>]) -> io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let (out, width) = (&mut self.out, self.opts.width);
        let mut write = |flush: bool| -> io::Result<()> {
            for line in lines {
                out.write_all(fit(line.as_ref(), width).as_bytes())?;
                out.write_all(b"\n")?;
            }
            if flush { out.flush() } else { Ok(()) }
        };
        match &self.progress {
            // The rows are erased, the lines written, and the rows drawn again below them.
            Some(progress) => progress.suspend(|| write(true)),
            None => write(false),
        }
    }

    fn show_progress(&mut self, start: &StepStart) {
        let title = self.block(&start.workflow).title.clone();
        let what = match start.kind {
            StepKind::Step => format!("{title}: {} {}", start.number, start.name),
            StepKind::Cleanup => format!("{title}: cleanup {}", start.name),
        };
        let text = self
            .paint
            .paint(Style::Dim, format!("  … {what}"))
            .to_string();
        if let Some(progress) = &mut self.progress {
            progress.show(&start.workflow, &text);
        }
    }

    fn clear_progress(&mut self) -> io::Result<()> {
        match &mut self.progress {
            Some(progress) => progress.clear(),
            None => Ok(()),
        }
    }
}

/// `✗ Simple login: failed (2 passed, 1 failed, 1 skipped; 1 cleanup failed) in 312 ms`
fn workflow_line(
    summary: &WorkflowSummary,
    title: &str,
    cleanups_failed: usize,
    paint: Paint,
) -> String {
    let (style, mark, word) = match summary.outcome {
        Outcome::Passed => (Style::Pass, "✓", "passed"),
        Outcome::Failed => (Style::Fail, "✗", "failed"),
        Outcome::Skipped => (Style::Skip, "-", "skipped"),
    };
    let mut counts = format!(
        "{} passed, {} failed, {} skipped",
        summary.passed, summary.failed, summary.skipped
    );
    if cleanups_failed > 0 {
        let failed = plural(cleanups_failed, "cleanup", "cleanups");
        counts = format!(
            "{counts}; {}",
            paint.paint(Style::Fail, format!("{failed} failed"))
        );
    }
    format!(
        "{} {title}: {} ({counts}) in {}",
        paint.paint(style, mark),
        paint.paint(style, word),
        human_duration(summary.duration)
    )
}

/// `✗ 2 workflows: 0 passed, 2 failed · steps: 3 passed, 2 failed, 1 skipped · 1.52 s`
///
/// On a console too narrow for it, the step counts go to a second line, so that the first
/// keeps the outcome, the workflow counts and the duration:
/// `✓ 53 workflows: 53 passed, 0 failed · 1.32 s` / `  steps: 728 passed, 0 failed, 0 skipped`.
fn summary_lines(summary: &RunSummary, paint: Paint, width: Option<usize>) -> Vec<String> {
    let failed = summary.counts.workflows_failed > 0
        || summary.counts.steps_failed > 0
        || summary.counts.cleanups_failed > 0;
    let mut head = Vec::new();
    if summary.interrupted {
        head.push(paint.paint(Style::Skip, "interrupted").to_string());
    }
    head.push(format!(
        "{}: {} passed, {} failed",
        plural(summary.counts.workflows, "workflow", "workflows"),
        summary
            .counts
            .workflows
            .saturating_sub(summary.counts.workflows_failed),
        summary.counts.workflows_failed
    ));
    let mut steps = vec![format!(
        "steps: {} passed, {} failed, {} skipped",
        summary.counts.steps_passed, summary.counts.steps_failed, summary.counts.steps_skipped
    )];
    if summary.counts.cleanups_failed > 0 {
        let cleanups = plural(summary.counts.cleanups_failed, "cleanup", "cleanups");
        steps.push(
            paint
                .paint(Style::Fail, format!("{cleanups} failed"))
                .to_string(),
        );
    }
    let duration = human_duration(summary.duration);
    let mark = match (failed, summary.interrupted) {
        (true, _) => paint.paint(Style::Fail, "✗"),
        (false, true) => paint.paint(Style::Skip, "-"),
        (false, false) => paint.paint(Style::Pass, "✓"),
    };
    let one = format!(
        "{mark} {} · {} · {duration}",
        head.join(" · "),
        steps.join(" · ")
    );
    // The duration counts as at least `12.34 s`, so that whether the line splits does not
    // depend on how long this run took.
    let needed = columns(&one) - columns(&duration) + columns(&duration).max(7);
    if width.is_none_or(|w| needed <= w) {
        return vec![one];
    }
    vec![
        format!("{mark} {} · {duration}", head.join(" · ")),
        format!("  {}", steps.join(" · ")),
    ]
}

impl Reporter for ConsoleReporter {
    fn wants_step_starts(&self) -> bool {
        self.progress.is_some()
    }

    fn wants_learned(&self) -> bool {
        false
    }

    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::WorkflowStarted(info) => self.workflow_started(info)?,
            Event::StepStarted(start) if self.progress.is_some() => self.show_progress(start),
            Event::RunStarted(_) | Event::StepStarted(_) => {}
            Event::StepFinished(report) => self.step_finished(report)?,
            Event::WorkflowFinished(summary) => self.workflow_finished(summary)?,
            Event::RunFinished(summary) => self.run_finished(summary)?,
        }
        let boundary = matches!(event, Event::WorkflowFinished(_) | Event::RunFinished(_));
        if boundary || self.last_flush.elapsed() >= self.opts.flush_every {
            self.last_flush = Instant::now();
            self.out.flush()?;
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.clear_progress()?;
        self.release_all()?;
        self.out.flush()
    }
}

mod closed_pipe;
#[cfg(test)]
mod tests;
