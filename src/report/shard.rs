//! A JSON report read back (`report merge`): the document `run --report json=…` writes, parsed
//! and checked, and its workflows turned back into the run's events so the usual reporters
//! write the merged report.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::event::{
    Event, ExpectationResult, Outcome, Reason, RequestInfo, ResponseInfo, SkipReason, StepCounts,
    StepFailure, StepKind, StepReport, WorkflowId, WorkflowInfo, WorkflowSummary,
};
use crate::report::json::FORMAT;

/// Why a file cannot be merged (invalid input, exit 2). Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("cannot read {}: {}", path.display(), crate::io_reason::Reason(source))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not JSON: {source}", path.display())]
    NotJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: not a steprun report ({why})", path.display())]
    NotSteprun { path: PathBuf, why: String },
    #[error(
        "{}: report format {found} is not one this steprun reads (it reads format {FORMAT}; the file was written by steprun {version})",
        path.display()
    )]
    UnknownFormat {
        path: PathBuf,
        found: String,
        version: String,
    },
    #[error("{}: a damaged steprun report: {why}", path.display())]
    Corrupt { path: PathBuf, why: String },
}

/// The head of the document, read first so a file that is not a report says so plainly.
#[derive(Deserialize)]
struct Head {
    tool: Option<String>,
    version: Option<String>,
    format: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Doc {
    workflows: Vec<ShardWorkflow>,
    summary: ShardSummary,
}

/// One workflow of a shard's report, as written.
#[derive(Deserialize)]
pub struct ShardWorkflow {
    pub name: String,
    pub path: String,
    pub label: Option<String>,
    /// Its place among its matrix entry's workflows.
    #[serde(default)]
    pub index: usize,
    #[serde(default)]
    description: Option<String>,
    steps: Vec<ShardStep>,
    cleanups: Vec<ShardStep>,
    /// `null` for a workflow that never ended (its run was stopped).
    outcome: Option<Outcome>,
    duration_ms: Option<f64>,
}

#[derive(Deserialize)]
struct ShardStep {
    number: usize,
    kind: StepKind,
    name: String,
    outcome: Outcome,
    message: Option<String>,
    request: Option<ShardRequest>,
    response: Option<ShardResponse>,
    expectations: Vec<ExpectationResult>,
    extracted: Vec<String>,
    attempts: u32,
    duration_ms: f64,
}

#[derive(Deserialize)]
struct ShardRequest {
    method: String,
    url: String,
    headers: Vec<ShardHeader>,
}

#[derive(Deserialize)]
struct ShardResponse {
    status: u16,
    duration_ms: f64,
    headers: Vec<ShardHeader>,
}

#[derive(Deserialize)]
struct ShardHeader {
    name: String,
    value: String,
}

/// A shard's own totals, as its run counted them.
#[derive(Deserialize, Debug, Default, Clone, PartialEq)]
pub struct ShardSummary {
    /// The shard under `--partition` (`count:2/4`); none for a run without it.
    #[serde(default)]
    pub partition: Option<String>,
    /// With it, how many units the partition shared out (absent from reports written before
    /// steprun said it).
    #[serde(default)]
    pub partition_units: Option<u64>,
    /// With it, the digest of the partition's unit keys (absent from older reports).
    #[serde(default)]
    pub partition_digest: Option<String>,
    #[serde(flatten)]
    pub counts: crate::event::Counts,
    #[serde(default)]
    pub interrupted: bool,
    #[serde(default)]
    pub duration_ms: f64,
}

/// A shard's report, read and checked.
pub struct Shard {
    pub path: PathBuf,
    pub workflows: Vec<ShardWorkflow>,
    pub summary: ShardSummary,
}

impl Shard {
    /// Reads `path` and checks that it is a whole steprun JSON report of a format this
    /// version knows, whose summary agrees with the workflows it lists.
    pub fn read(path: &Path) -> Result<Shard, ShardError> {
        let text = std::fs::read_to_string(path).map_err(|source| ShardError::Read {
            path: path.to_owned(),
            source,
        })?;
        check_head(path, &text)?;
        let doc: Doc = serde_json::from_str(&text).map_err(|e| ShardError::Corrupt {
            path: path.to_owned(),
            why: e.to_string(),
        })?;
        // A shard is told by its partition; one that is not a partition cannot be placed.
        if let Some(partition) = &doc.summary.partition
            && partition
                .parse::<crate::config::partition::Partition>()
                .is_err()
        {
            return Err(ShardError::Corrupt {
                path: path.to_owned(),
                why: format!(
                    "its partition {partition:?} is not count:I/N or hash:I/N with I from 1 to N"
                ),
            });
        }
        let shard = Shard {
            path: path.to_owned(),
            workflows: doc.workflows,
            summary: doc.summary,
        };
        shard.check_totals()?;
        Ok(shard)
    }

    /// The summary says what the workflows listed add up to (a hand-edited or damaged report
    /// may not).
    fn check_totals(&self) -> Result<(), ShardError> {
        let counted = self.counted();
        let said = ShardSummary {
            interrupted: counted.interrupted,
            duration_ms: counted.duration_ms,
            ..self.summary.clone()
        };
        if said == counted {
            return Ok(());
        }
        Err(ShardError::Corrupt {
            path: self.path.clone(),
            why: format!(
                "its summary ({}) does not agree with the workflows it lists ({})",
                totals_text(&said),
                totals_text(&counted)
            ),
        })
    }

    /// The totals of the workflows listed (interruption and duration taken from the summary).
    fn counted(&self) -> ShardSummary {
        let mut totals = ShardSummary {
            partition: self.summary.partition.clone(),
            partition_units: self.summary.partition_units,
            partition_digest: self.summary.partition_digest.clone(),
            interrupted: self.summary.interrupted,
            duration_ms: self.summary.duration_ms,
            ..ShardSummary::default()
        };
        for workflow in &self.workflows {
            let counts = workflow.counts();
            totals.counts.workflows += 1;
            totals.counts.workflows_failed +=
                usize::from(workflow.outcome == Some(Outcome::Failed));
            totals.counts.steps_passed += counts.passed;
            totals.counts.steps_failed += counts.failed;
            totals.counts.steps_skipped += counts.skipped;
            totals.counts.cleanups_failed += counts.cleanups_failed;
        }
        totals
    }
}

/// The file is JSON, a steprun report, and of the `format` this steprun reads: what is read
/// of it before the whole document, so that each of those is said as such.
fn check_head(path: &Path, text: &str) -> Result<(), ShardError> {
    let not_steprun = |why: String| ShardError::NotSteprun {
        path: path.to_owned(),
        why,
    };
    let head: Head = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => not_steprun(
            "not an object with `tool`, `version`, `format`, `workflows` and `summary`".to_owned(),
        ),
        serde_json::error::Category::Eof => ShardError::Corrupt {
            path: path.to_owned(),
            why: format!("it is cut short ({e})"),
        },
        _ => ShardError::NotJson {
            path: path.to_owned(),
            source: e,
        },
    })?;
    if head.tool.as_deref() != Some("steprun") {
        return Err(not_steprun(match head.tool {
            Some(tool) => format!("its `tool` is {tool:?}"),
            None => "it has no `tool`".to_owned(),
        }));
    }
    let version = head.version.unwrap_or_else(|| "(unknown)".to_owned());
    match head.format {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(FORMAT) => Ok(()),
        found => Err(ShardError::UnknownFormat {
            path: path.to_owned(),
            found: found.map_or_else(
                || "(none: written before reports could be merged)".to_owned(),
                |f| f.to_string(),
            ),
            version,
        }),
    }
}

fn totals_text(s: &ShardSummary) -> String {
    format!(
        "{} workflows, {} failed; steps {} passed, {} failed, {} skipped; {} cleanups failed",
        s.counts.workflows,
        s.counts.workflows_failed,
        s.counts.steps_passed,
        s.counts.steps_failed,
        s.counts.steps_skipped,
        s.counts.cleanups_failed
    )
}

impl ShardWorkflow {
    fn counts(&self) -> StepCounts {
        let mut counts = StepCounts::default();
        for step in self.steps.iter().chain(&self.cleanups) {
            counts.add(&step.report(&WorkflowId { run: 0, index: 0 }));
        }
        counts
    }

    /// The events the run sent for this workflow, as workflow `id` of the merged run: its
    /// start, each step and cleanup, and its end if it ended.
    pub fn events(&self, id: &WorkflowId) -> Vec<Event> {
        let mut events = Vec::with_capacity(self.steps.len() + self.cleanups.len() + 2);
        events.push(Event::WorkflowStarted(WorkflowInfo {
            id: id.clone(),
            name: self.name.clone(),
            label: self.label.clone(),
            path: self.path.clone(),
            description: self.description.clone(),
            steps: self.steps.len(),
        }));
        let mut counts = StepCounts::default();
        for step in self.steps.iter().chain(&self.cleanups) {
            let report = step.report(id);
            counts.add(&report);
            events.push(Event::StepFinished(Box::new(report)));
        }
        if let Some(outcome) = self.outcome {
            events.push(Event::WorkflowFinished(WorkflowSummary {
                id: id.clone(),
                name: self.name.clone(),
                outcome,
                passed: counts.passed,
                failed: counts.failed,
                skipped: counts.skipped,
                duration: duration(self.duration_ms.unwrap_or(0.0)),
            }));
        }
        events
    }
}

impl ShardStep {
    /// The step's report as the run sent it, less what the JSON report does not keep: its
    /// doc, bodies, request body and learned values.
    fn report(&self, id: &WorkflowId) -> StepReport {
        let url = self.request.as_ref().map(|r| r.url.clone());
        StepReport {
            workflow: id.clone(),
            number: self.number,
            kind: self.kind,
            name: self.name.clone(),
            doc: None,
            outcome: self.outcome,
            reason: self.message.as_deref().map(|m| reason(self.outcome, m)),
            request: self.request.as_ref().map(|r| RequestInfo {
                method: r.method.clone().into(),
                url: r.url.clone(),
                headers: pairs(&r.headers),
                body: None,
            }),
            response: self.response.as_ref().map(|r| ResponseInfo {
                status: r.status,
                headers: pairs(&r.headers),
                body: String::new(),
                body_truncated: false,
                duration: duration(r.duration_ms),
                url: url.unwrap_or_default(),
            }),
            expectations: self.expectations.clone(),
            extracted: self.extracted.clone(),
            learned: Vec::new(),
            attempts: self.attempts,
            duration: duration(self.duration_ms),
        }
    }
}

/// A reason from its words: a skip reason is one of the known ones; anything else is kept
/// as written.
fn reason(outcome: Outcome, text: &str) -> Reason {
    let skip = SkipReason::ALL.into_iter().find(|r| r.to_string() == text);
    match skip {
        Some(skip) if outcome == Outcome::Skipped => skip.into(),
        _ => StepFailure::Recorded(text.to_owned()).into(),
    }
}

fn pairs(headers: &[ShardHeader]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect()
}

/// Milliseconds as written; a negative or absurd value (a hand-edited file) is zero.
fn duration(ms: f64) -> Duration {
    Duration::try_from_secs_f64(ms / 1000.0).unwrap_or_default()
}
