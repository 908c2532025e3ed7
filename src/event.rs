//! What the engine tells reporters, as it happens. Events are already redacted: a reporter
//! can print anything it receives without leaking a secret.

use std::borrow::Cow;
use std::time::Duration;

use serde::{Deserialize, Serialize};

mod reason;
pub use reason::{Reason, SkipReason, StepFailure};

/// One event of a run, in the order it happened for its workflow.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted(RunInfo),
    WorkflowStarted(WorkflowInfo),
    /// A step is about to be sent (lets a progress bar or `teach` show it).
    StepStarted(StepStart),
    StepFinished(Box<StepReport>),
    WorkflowFinished(WorkflowSummary),
    RunFinished(RunSummary),
}

#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub workflows: usize,
    /// Number of matrix entries (1 without `--matrix`).
    pub runs: usize,
    /// The shard this run is under `--partition` (`count:2/4`), for `report merge`.
    pub partition: Option<String>,
    /// Under `--partition`: how many units the partition shared out among all its shards.
    pub partition_units: Option<usize>,
    /// Under `--partition`: a digest of all the partition's unit keys (shards of one run agree).
    pub partition_digest: Option<String>,
}

/// Identifies a workflow within a run: `run` is the matrix entry, `index` the position.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct WorkflowId {
    pub run: usize,
    pub index: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkflowInfo {
    pub id: WorkflowId,
    pub name: String,
    /// The matrix label (vars file stem), when running with `--matrix`.
    pub label: Option<String>,
    pub path: String,
    pub description: Option<String>,
    pub steps: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepStart {
    pub workflow: WorkflowId,
    pub number: usize,
    pub name: String,
    pub kind: StepKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Step,
    Cleanup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
}

/// Everything known about one finished step or cleanup.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub workflow: WorkflowId,
    /// 1-based position among the workflow's steps; cleanups are numbered on their own.
    pub number: usize,
    pub kind: StepKind,
    pub name: String,
    pub doc: Option<String>,
    pub outcome: Outcome,
    /// Why the step was skipped or, for a failure that is not an expectation, what went wrong
    /// (connection refused, timeout, template error, missing extraction, ...).
    pub reason: Option<Reason>,
    pub request: Option<RequestInfo>,
    pub response: Option<ResponseInfo>,
    pub expectations: Vec<ExpectationResult>,
    /// Names of the variables this step set.
    pub extracted: Vec<String>,
    /// The same variables with their values (redacted) and where each came from, for `teach`;
    /// empty when no reporter of the run reads it (see [`Reporter::wants_learned`]).
    pub learned: Vec<Learned>,
    /// Number of times the request was sent (retries and 429/503 re-sends included).
    pub attempts: u32,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
}

impl StepReport {
    /// A step's report before anything happened: passed, with nothing sent, learned or checked.
    pub fn new(workflow: WorkflowId, number: usize, kind: StepKind, name: &str) -> StepReport {
        StepReport {
            workflow,
            number,
            kind,
            name: name.to_owned(),
            doc: None,
            outcome: Outcome::Passed,
            reason: None,
            request: None,
            response: None,
            expectations: Vec::new(),
            extracted: Vec::new(),
            learned: Vec::new(),
            attempts: 0,
            duration: Duration::ZERO,
        }
    }
}

/// A variable a step set: its value as text (redacted, cut at [`Learned::VALUE_MAX`]
/// characters) and its source, e.g. ``JSONPath `$.id` `` or ``header `Location` with query `flowId` ``.
#[derive(Debug, Clone, Serialize)]
pub struct Learned {
    pub name: String,
    pub value: String,
    pub from: String,
}

impl Learned {
    /// Longest value kept in an event, so a run never holds large extracted bodies.
    pub const VALUE_MAX: usize = 1024;
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestInfo {
    /// Borrowed for the standard methods (no copy made for every step).
    pub method: Cow<'static, str>,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseInfo {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8), cut at a bound so a run never holds large bodies.
    pub body: String,
    pub body_truncated: bool,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
    /// The final URL, after any redirects the step followed.
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExpectationResult {
    /// What was checked, e.g. `status`, `$.id exists`, `header Location contains`, `body contains`
    /// (borrowed when it is a fixed word, as `status` is).
    pub subject: Cow<'static, str>,
    pub passed: bool,
    /// Expected value, as JSON text (borrowed when it is a fixed text, as a status code is).
    pub expected: Cow<'static, str>,
    /// Actual value, as JSON text (`(none)` when nothing matched; borrowed as `expected` is).
    pub actual: Cow<'static, str>,
    /// Where the check is written (`file:line:col`), for a failed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// A failed comparison of objects or arrays: expected and actual as indented JSON, line by
    /// line (`-` expected only, `+` actual only), secrets hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkflowSummary {
    pub id: WorkflowId,
    pub name: String,
    pub outcome: Outcome,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
}

/// How many workflows and steps passed and failed: the totals of a run, of a matrix entry, of a
/// shard's report. Flattened into each, so the JSON report keeps its shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counts {
    pub workflows: usize,
    pub workflows_failed: usize,
    pub steps_passed: usize,
    pub steps_failed: usize,
    pub steps_skipped: usize,
    pub cleanups_failed: usize,
}

impl Counts {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Counts) {
        self.workflows += other.workflows;
        self.workflows_failed += other.workflows_failed;
        self.steps_passed += other.steps_passed;
        self.steps_failed += other.steps_failed;
        self.steps_skipped += other.steps_skipped;
        self.cleanups_failed += other.cleanups_failed;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    #[serde(flatten)]
    pub counts: Counts,
    pub interrupted: bool,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` signature
fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    #[allow(clippy::cast_precision_loss)]
    let ms = d.as_secs_f64() * 1000.0;
    s.serialize_f64((ms * 1000.0).round() / 1000.0)
}

/// Anything that consumes events: console, JSON, JUnit, HTML, `teach`.
pub trait Reporter: Send {
    /// Called for every event, in order.
    fn event(&mut self, event: &Event) -> std::io::Result<()>;
    /// Whether `StepStarted` events do anything here (the console's progress rows): when no
    /// reporter of a run wants them, the engine does not make them, one a step.
    fn wants_step_starts(&self) -> bool {
        true
    }
    /// Whether a step's [`StepReport::learned`] does anything here (`teach` shows it): when no
    /// reporter of a run reads it, the engine leaves it empty rather than copy, redact and
    /// describe every extracted value for nothing.
    fn wants_learned(&self) -> bool {
        true
    }
    /// Called once after `RunFinished`; writes files that can only be written whole.
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Steps of one workflow by outcome, and its failed cleanups (a passed or skipped cleanup is
/// not counted).
#[derive(Debug, Default, Clone, Copy)]
pub struct StepCounts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub cleanups_failed: usize,
}

impl StepCounts {
    pub fn add(&mut self, report: &StepReport) {
        match (report.kind, report.outcome) {
            (StepKind::Cleanup, Outcome::Failed) => self.cleanups_failed += 1,
            (StepKind::Cleanup, _) => {}
            (_, Outcome::Passed) => self.passed += 1,
            (_, Outcome::Failed) => self.failed += 1,
            (_, Outcome::Skipped) => self.skipped += 1,
        }
    }
}
