//! The JSON report: one document describing the whole run, for machines (CI dashboards,
//! scripts). It never holds response bodies, and it is written as the run goes: a step's
//! entry goes to the file when the step ends, so memory does not grow with the run. One
//! workflow streams; workflows running beside it (`--jobs`, `--matrix`) are held until it
//! ends, then written in the order the run lists them. What is held waits in a temporary file,
//! but for each running workflow's last few kilobytes. The summary comes last.
//!
//! The document is line-oriented: a line per workflow head and per step, so a long report
//! can be read with `grep` as well as with a JSON parser.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};

use crate::event::{
    Event, Outcome, Reporter, StepCounts, StepKind, StepReport, WorkflowInfo, WorkflowSummary,
};
use crate::report::spool::{Held, Spool};
use section::{json_text, section_end, steps_end, workflow_head, workflow_head_text};
use step::json_step;
use summary::{Indented, JsonSummary};

/// (matrix run, position): the document's order.
type Key = (usize, usize);

/// The version of the document's shape, written as `format`: `report merge` reads the
/// formats it knows and refuses the others. Adding a field keeps it; changing or removing one
/// raises it.
pub const FORMAT: u64 = 1;

/// Writes the JSON report as events arrive.
pub struct JsonReporter {
    out: BufWriter<Box<dyn Write + Send>>,
    head_written: bool,
    /// Running workflows whose sections are not written out yet, by key.
    open: BTreeMap<Key, Section>,
    /// Finished workflows waiting for their turn, their sections in `spool`.
    parked: BTreeMap<Key, Held>,
    spool: Spool,
    /// The workflow written straight to the file.
    streaming: Option<Key>,
    /// Workflow sections begun in the file (for the commas between them).
    begun: usize,
    /// What each workflow counted, for a summary the run never sent and the tenants' totals.
    counts: BTreeMap<Key, Counts>,
    /// Each matrix entry's label, by run.
    labels: BTreeMap<usize, String>,
    summary: Option<JsonSummary>,
    /// `--partition`'s shard, said in the summary so `report merge` can tell shards apart.
    partition: Option<String>,
    /// With it, how many units the partition shared out: shards of one run agree on it.
    partition_units: Option<usize>,
    partition_digest: Option<String>,
    written: bool,
}

/// A workflow's section: its text not yet written (all of it unless it streams; all but its
/// latest few kilobytes in `spool`), and where its arrays stand.
#[derive(Default)]
struct Section {
    held: Held,
    steps: usize,
    cleanups: usize,
    in_cleanups: bool,
    finished: bool,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    outcome: Option<Outcome>,
    steps: StepCounts,
}

const STEP_INDENT: &str = "      ";

impl JsonReporter {
    /// A reporter that writes its document to `out` as the run goes.
    pub fn new(out: Box<dyn Write + Send>) -> JsonReporter {
        JsonReporter {
            out: BufWriter::new(out),
            head_written: false,
            open: BTreeMap::new(),
            parked: BTreeMap::new(),
            spool: Spool::default(),
            streaming: None,
            begun: 0,
            counts: BTreeMap::new(),
            labels: BTreeMap::new(),
            summary: None,
            partition: None,
            partition_units: None,
            partition_digest: None,
            written: false,
        }
    }

    fn write_head(&mut self) -> io::Result<()> {
        if self.head_written {
            return Ok(());
        }
        self.head_written = true;
        let version = env!("CARGO_PKG_VERSION");
        write!(
            self.out,
            "{{\n  \"tool\": \"steprun\",\n  \"version\": {},\n  \"format\": {FORMAT},\n  \"workflows\": [",
            json_text(&version)
        )
    }

    /// Starts a workflow's section in the file: the comma after the previous one, if any.
    fn begin(&mut self) -> io::Result<()> {
        let sep = if self.begun == 0 { "\n" } else { ",\n" };
        self.begun += 1;
        self.out.write_all(sep.as_bytes())
    }

    /// Sends a workflow's text to the file if it streams, else to its held section.
    fn emit(&mut self, key: Key, text: &str) -> io::Result<()> {
        if self.streaming.is_none()
            && self.open.keys().next() == Some(&key)
            && self.parked.keys().next().is_none_or(|first| *first > key)
        {
            self.streaming = Some(key);
            self.begin()?;
            let mut held = std::mem::take(&mut self.section(key).held);
            held.write_to(&mut self.spool, &mut self.out)?;
        }
        if self.streaming == Some(key) {
            self.out.write_all(text.as_bytes())
        } else {
            let section = self.open.entry(key).or_default();
            section.held.push(text, &mut self.spool)
        }
    }

    fn section(&mut self, key: Key) -> &mut Section {
        self.open.entry(key).or_default()
    }

    fn workflow_started(&mut self, info: &WorkflowInfo) -> io::Result<()> {
        let key = (info.id.run, info.id.index);
        self.counts.entry(key).or_default();
        if let Some(label) = &info.label {
            self.labels.insert(info.id.run, label.clone());
        }
        let head = workflow_head(info);
        self.section(key);
        self.emit(key, &head)
    }

    fn step_finished(&mut self, report: &StepReport) -> io::Result<()> {
        let key = (report.workflow.run, report.workflow.index);
        self.counts.entry(key).or_default().steps.add(report);
        let mut text = String::new();
        if !self.open.contains_key(&key) {
            // A step of a workflow that was never announced is still recorded, under no name.
            let index = report.workflow.index;
            text.push_str(&workflow_head_text("", "", (None, index), None));
        }
        let section = self.section(key);
        let first = match report.kind {
            StepKind::Cleanup if !section.in_cleanups => {
                section.in_cleanups = true;
                text.push_str(steps_end(section.steps));
                true
            }
            StepKind::Cleanup => section.cleanups == 0,
            // Steps never follow cleanups; if one did, it is listed among them.
            StepKind::Step if section.in_cleanups => section.cleanups == 0,
            StepKind::Step => section.steps == 0,
        };
        if section.in_cleanups {
            section.cleanups += 1;
        } else {
            section.steps += 1;
        }
        text.push_str(if first { "\n" } else { ",\n" });
        text.push_str(STEP_INDENT);
        let step = serde_json::to_string(&json_step(report)).map_err(io::Error::other)?;
        text.push_str(&step);
        self.emit(key, &text)
    }

    fn workflow_finished(&mut self, summary: &WorkflowSummary) -> io::Result<()> {
        let key = (summary.id.run, summary.id.index);
        self.counts.entry(key).or_default().outcome = Some(summary.outcome);
        let section = self.section(key);
        section.finished = true;
        let text = section_end(section, Some(summary.outcome), Some(summary.duration));
        self.emit(key, &text)?;
        if self.streaming == Some(key) {
            self.open.remove(&key);
            self.streaming = None;
            self.advance()?;
        } else if let Some(mut section) = self.open.remove(&key) {
            section.held.park(&mut self.spool)?;
            self.parked.insert(key, section.held);
        }
        self.out.flush()
    }

    /// After the streaming workflow ends: writes the held sections that follow it in order,
    /// up to the first one still running, which then streams.
    fn advance(&mut self) -> io::Result<()> {
        loop {
            let first_open = self.open.keys().next().copied();
            match self.parked.first_key_value() {
                Some((key, _)) if first_open.is_none_or(|open| *key < open) => {
                    let Some((_, mut held)) = self.parked.pop_first() else {
                        break;
                    };
                    self.begin()?;
                    held.write_to(&mut self.spool, &mut self.out)?;
                    continue;
                }
                _ => {}
            }
            let Some(mut entry) = self.open.first_entry() else {
                break;
            };
            let section = entry.get_mut();
            let mut held = std::mem::take(&mut section.held);
            let finished = section.finished;
            if finished {
                entry.remove();
            } else {
                self.streaming = Some(*entry.key());
            }
            self.begin()?;
            held.write_to(&mut self.spool, &mut self.out)?;
            if !finished {
                break;
            }
        }
        Ok(())
    }

    /// Closes the sections of workflows that never finished (their outcome `null`), then
    /// writes the summary.
    fn write_end(&mut self) -> io::Result<()> {
        self.write_head()?;
        for section in self.open.values_mut().filter(|s| !s.finished) {
            let end = section_end(section, None, None);
            section.held.push(&end, &mut self.spool)?;
            section.finished = true;
        }
        if let Some(key) = self.streaming.take()
            && let Some(mut section) = self.open.remove(&key)
        {
            section.held.write_to(&mut self.spool, &mut self.out)?;
        }
        self.advance()?;
        let mut summary = self
            .summary
            .take()
            .unwrap_or_else(|| self.derived_summary());
        summary.tenants = self.tenants();
        summary.partition.clone_from(&self.partition);
        summary.partition_units = self.partition_units;
        summary.partition_digest.clone_from(&self.partition_digest);
        let close = if self.begun == 0 { "]" } else { "\n  ]" };
        write!(self.out, "{close},\n  \"summary\": ")?;
        // Written as it is made: with a matrix of thousands the summary (a group per tenant)
        // is hundreds of kilobytes, better not held twice in memory at the run's end.
        serde_json::to_writer_pretty(Indented(&mut self.out), &summary)
            .map_err(io::Error::other)?;
        write!(self.out, "\n}}\n")
    }
}

impl Reporter for JsonReporter {
    fn wants_step_starts(&self) -> bool {
        false
    }

    fn wants_learned(&self) -> bool {
        false
    }

    fn event(&mut self, event: &Event) -> io::Result<()> {
        self.write_head()?;
        match event {
            Event::RunStarted(info) => {
                self.partition.clone_from(&info.partition);
                self.partition_units = info.partition_units;
                self.partition_digest.clone_from(&info.partition_digest);
                Ok(())
            }
            Event::StepStarted(_) => Ok(()),
            Event::WorkflowStarted(info) => self.workflow_started(info),
            Event::StepFinished(report) => self.step_finished(report),
            Event::WorkflowFinished(summary) => self.workflow_finished(summary),
            Event::RunFinished(summary) => {
                self.run_finished(summary);
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

mod section;
mod step;
mod summary;

#[cfg(test)]
mod tests;
