//! The HTML report (README, Reports): one self-contained page with each workflow's steps — doc,
//! request, response, expectations, timing — written as the run goes. One workflow streams
//! to the file; workflows running beside it (`--jobs`) are held until it ends, in a temporary
//! file but for each one's last few kilobytes, so memory grows neither with the run nor with
//! how long a workflow is. The summary is written last.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{self, BufWriter, Write};

use crate::event::{
    Event, Outcome, Reporter, RunSummary, StepReport, WorkflowInfo, WorkflowSummary,
};
use crate::report::html_markup::{self as markup, WorkflowRow};
use crate::report::html_page;
use crate::report::spool::{Held, Spool};

/// (matrix run, position): the order of the summary table.
type Key = (usize, usize);

/// Writes the HTML report as events arrive.
pub struct HtmlReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    head_written: bool,
    rows: BTreeMap<Key, WorkflowRow>,
    ids: BTreeMap<Key, crate::event::WorkflowId>,
    /// Workflows that started and have not finished, in start order.
    running: Vec<Key>,
    /// The workflow written straight to the file; the others' sections are held.
    streaming: Option<Key>,
    held: HashMap<Key, Held>,
    /// Whole sections of workflows that finished while another one was streaming, in the
    /// order they finished.
    done: VecDeque<Held>,
    /// Where held text waits.
    spool: Spool,
    summary: Option<RunSummary>,
    written: bool,
}

impl HtmlReporter {
    pub fn new(out: Box<dyn Write + Send>) -> HtmlReporter {
        HtmlReporter {
            out: BufWriter::new(out),
            head_written: false,
            rows: BTreeMap::new(),
            ids: BTreeMap::new(),
            running: Vec::new(),
            streaming: None,
            held: HashMap::new(),
            done: VecDeque::new(),
            spool: Spool::default(),
            summary: None,
            written: false,
        }
    }

    fn write_head(&mut self) -> io::Result<()> {
        if self.head_written {
            return Ok(());
        }
        self.head_written = true;
        let generated = jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M:%S UTC");
        let head = html_page::head(&format!(
            "steprun {} · {generated}",
            env!("CARGO_PKG_VERSION")
        ));
        self.out.write_all(head.as_bytes())
    }

    /// Sends a workflow's fragment to the file if it streams, else to its held section.
    fn emit(&mut self, key: Key, text: &str) -> io::Result<()> {
        if self.streaming.is_none() {
            self.streaming = Some(key);
        }
        if self.streaming == Some(key) {
            self.out.write_all(text.as_bytes())
        } else {
            self.held
                .entry(key)
                .or_default()
                .push(text, &mut self.spool)
        }
    }

    fn workflow_started(&mut self, info: &WorkflowInfo) -> io::Result<()> {
        let key = (info.id.run, info.id.index);
        self.rows.insert(
            key,
            WorkflowRow {
                title: markup::title(info),
                path: info.path.clone(),
                label: info.label.clone(),
                ..WorkflowRow::default()
            },
        );
        self.ids.insert(key, info.id.clone());
        self.running.push(key);
        let mut text = String::new();
        markup::workflow_head(&mut text, info);
        self.emit(key, &text)
    }

    fn step_finished(&mut self, report: &StepReport) -> io::Result<()> {
        let key = (report.workflow.run, report.workflow.index);
        let row = self.rows.entry(key).or_default();
        row.steps.add(report);
        self.ids
            .entry(key)
            .or_insert_with(|| report.workflow.clone());
        let mut text = String::new();
        markup::step(&mut text, report);
        self.emit(key, &text)
    }

    fn workflow_finished(&mut self, summary: &WorkflowSummary) -> io::Result<()> {
        let key = (summary.id.run, summary.id.index);
        let row = self.rows.entry(key).or_default();
        row.outcome = Some(summary.outcome);
        row.duration = Some(summary.duration);
        let mut text = String::new();
        markup::workflow_result(&mut text, summary, row.steps.cleanups_failed);
        self.emit(key, &text)?;
        self.running.retain(|k| *k != key);
        if self.streaming != Some(key) {
            let mut section = self.held.remove(&key).unwrap_or_default();
            section.park(&mut self.spool)?;
            self.done.push_back(section);
            return Ok(());
        }
        self.streaming = None;
        self.write_done()?;
        // The oldest workflow still running streams next, starting with what it held.
        if let Some(&next) = self.running.first() {
            self.streaming = Some(next);
            let mut section = self.held.remove(&next).unwrap_or_default();
            section.write_to(&mut self.spool, &mut self.out)?;
        }
        self.out.flush()
    }

    /// Writes the sections of the workflows that finished while another one streamed.
    fn write_done(&mut self) -> io::Result<()> {
        while let Some(mut section) = self.done.pop_front() {
            section.write_to(&mut self.spool, &mut self.out)?;
        }
        Ok(())
    }

    /// The summary of a run that never reported its end, counted from what was seen.
    fn derived_summary(&self) -> RunSummary {
        let rows = self.rows.values();
        RunSummary {
            counts: crate::event::Counts {
                workflows: self.rows.len(),
                workflows_failed: rows
                    .clone()
                    .filter(|r| r.outcome == Some(Outcome::Failed))
                    .count(),
                steps_passed: rows.clone().map(|r| r.steps.passed).sum(),
                steps_failed: rows.clone().map(|r| r.steps.failed).sum(),
                steps_skipped: rows.clone().map(|r| r.steps.skipped).sum(),
                cleanups_failed: rows.map(|r| r.steps.cleanups_failed).sum(),
            },
            interrupted: true,
            duration: std::time::Duration::ZERO,
        }
    }

    /// Closes the sections of workflows that never finished, then writes the summary.
    fn write_end(&mut self) -> io::Result<()> {
        self.write_head()?;
        let mut rest = Vec::new();
        for key in std::mem::take(&mut self.running) {
            let mut section = self.held.remove(&key).unwrap_or_default();
            let mut end = String::new();
            markup::workflow_unfinished(&mut end);
            section.push(&end, &mut self.spool)?;
            if self.streaming == Some(key) {
                section.write_to(&mut self.spool, &mut self.out)?;
            } else {
                rest.push(section);
            }
        }
        self.streaming = None;
        self.write_done()?;
        for mut section in rest {
            section.write_to(&mut self.spool, &mut self.out)?;
        }
        let summary = self
            .summary
            .clone()
            .unwrap_or_else(|| self.derived_summary());
        let rows = self
            .rows
            .iter()
            .filter_map(|(key, row)| Some((self.ids.get(key)?, row)));
        self.out.write_all(html_page::MAIN_END.as_bytes())?;
        // Written as it is made: with a matrix of thousands the summary (a row per workflow
        // and per tenant) is hundreds of kilobytes, better not held in memory at the end.
        let mut out = FmtToIo {
            out: &mut self.out,
            error: None,
        };
        html_page::summary(&mut out, &summary, rows);
        if let Some(e) = out.error {
            return Err(e);
        }
        self.out.write_all(html_page::tail().as_bytes())
    }
}

/// Text written with `fmt::Write` into a file; the first I/O error is kept to be returned.
struct FmtToIo<'w, W: Write> {
    out: &'w mut W,
    error: Option<io::Error>,
}

impl<W: Write> std::fmt::Write for FmtToIo<'_, W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.error.is_some() {
            return Err(std::fmt::Error);
        }
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

impl Reporter for HtmlReporter {
    fn wants_step_starts(&self) -> bool {
        false
    }

    fn wants_learned(&self) -> bool {
        false
    }

    fn event(&mut self, event: &Event) -> io::Result<()> {
        self.write_head()?;
        match event {
            Event::RunStarted(_) | Event::StepStarted(_) => Ok(()),
            Event::WorkflowStarted(info) => self.workflow_started(info),
            Event::StepFinished(report) => self.step_finished(report),
            Event::WorkflowFinished(summary) => self.workflow_finished(summary),
            Event::RunFinished(summary) => {
                self.summary = Some(summary.clone());
                Ok(())
            }
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.written {
            return Ok(());
        }
        self.written = true;
        self.write_end()?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests;
