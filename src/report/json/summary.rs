//! The JSON report's summary: the run's totals as the run reported them, or counted from what
//! was seen when it never did, with each matrix entry's totals; written last, one level deep.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::JsonReporter;
use crate::event::{Outcome, RunSummary};
use crate::report::excerpt::millis;

#[derive(Serialize, Clone, Default)]
pub(super) struct JsonSummary {
    workflows: usize,
    workflows_passed: usize,
    workflows_failed: usize,
    steps_passed: usize,
    steps_failed: usize,
    steps_skipped: usize,
    cleanups_failed: usize,
    interrupted: bool,
    duration_ms: f64,
    /// Under `--partition`: the shard this report is, `count:2/4`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) partition: Option<String>,
    /// With it: how many units (matrix entry × workflow file) the partition shared out among
    /// all its shards, so that shards of runs over different units are told apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) partition_units: Option<usize>,
    /// With it: a digest of the keys of those units, so that shards of runs over different
    /// units of one number are told apart too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) partition_digest: Option<String>,
    /// With `--matrix`: each entry's totals, in the run's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) tenants: Vec<TenantSummary>,
}

/// One matrix entry's totals.
#[derive(Serialize, Clone, Default)]
pub(super) struct TenantSummary {
    label: String,
    workflows: usize,
    workflows_failed: usize,
    steps_passed: usize,
    steps_failed: usize,
    steps_skipped: usize,
    cleanups_failed: usize,
}

impl JsonReporter {
    pub(super) fn run_finished(&mut self, summary: &RunSummary) {
        self.summary = Some(JsonSummary {
            workflows: summary.counts.workflows,
            workflows_passed: summary.counts.workflows - summary.counts.workflows_failed,
            workflows_failed: summary.counts.workflows_failed,
            steps_passed: summary.counts.steps_passed,
            steps_failed: summary.counts.steps_failed,
            steps_skipped: summary.counts.steps_skipped,
            cleanups_failed: summary.counts.cleanups_failed,
            interrupted: summary.interrupted,
            duration_ms: millis(summary.duration),
            partition: None,
            partition_units: None,
            partition_digest: None,
            tenants: Vec::new(),
        });
    }

    /// Each labelled run's totals, counted from what its workflows reported.
    pub(super) fn tenants(&self) -> Vec<TenantSummary> {
        let mut tenants: BTreeMap<usize, TenantSummary> = BTreeMap::new();
        for (&(run, _), counts) in &self.counts {
            let Some(label) = self.labels.get(&run) else {
                continue;
            };
            let tenant = tenants.entry(run).or_insert_with(|| TenantSummary {
                label: label.clone(),
                ..TenantSummary::default()
            });
            tenant.workflows += 1;
            tenant.workflows_failed += usize::from(counts.outcome == Some(Outcome::Failed));
            tenant.steps_passed += counts.steps.passed;
            tenant.steps_failed += counts.steps.failed;
            tenant.steps_skipped += counts.steps.skipped;
            tenant.cleanups_failed += counts.steps.cleanups_failed;
        }
        tenants.into_values().collect()
    }

    /// The summary of a run that never reported its end, counted from what was seen; such a
    /// run was cut short, so it is marked interrupted.
    pub(super) fn derived_summary(&self) -> JsonSummary {
        let mut summary = JsonSummary {
            workflows: self.counts.len(),
            interrupted: true,
            ..JsonSummary::default()
        };
        for counts in self.counts.values() {
            match counts.outcome {
                Some(Outcome::Failed) => summary.workflows_failed += 1,
                Some(_) => summary.workflows_passed += 1,
                None => {}
            }
            summary.steps_passed += counts.steps.passed;
            summary.steps_failed += counts.steps.failed;
            summary.steps_skipped += counts.steps.skipped;
            summary.cleanups_failed += counts.steps.cleanups_failed;
        }
        summary
    }
}

/// Indents every line after the first by two spaces: the summary sits one level deep.
pub(super) struct Indented<W: Write>(pub(super) W);

impl<W: Write> Write for Indented<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for (i, line) in buf.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.0.write_all(b"\n  ")?;
            }
            self.0.write_all(line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
