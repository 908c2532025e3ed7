//! The units a plan runs: each entry with every workflow, a workflow alone under `--jobs`, or
//! with `--partition` the share of (entry × tied group of files) this shard takes.

use std::sync::Arc;

use crate::config::partition::{Partition, stable_hash};
use crate::config::ties::tie_groups;
use crate::workflow::model::Workflow;

use super::{PlanEntry, Unit, Workflows};

/// Without `--partition`: a unit per entry holding every workflow, or with `--jobs` above 1
/// and no matrix, a unit per workflow (as `hurl --parallel` runs files).
pub(super) fn whole_units(
    workflows: &[Arc<Workflow>],
    entries: &[PlanEntry],
    matrix: bool,
    jobs: usize,
) -> Vec<Unit> {
    if jobs > 1 && !matrix && workflows.len() > 1 {
        return workflows
            .iter()
            .map(|w| Unit {
                entry: 0,
                workflows: Arc::new([Arc::clone(w)]),
            })
            .collect();
    }
    let all: Workflows = workflows.into();
    (0..entries.len())
        .map(|entry| Unit {
            entry,
            workflows: Arc::clone(&all),
        })
        .collect()
}

/// With `--partition`: every (entry × tied group of workflow files), keyed by the entry's
/// label and the group's first file, and the share `partition` takes, in run order; how many
/// units there were; and a digest of their keys, which shards of one run share.
pub(super) fn shard_units(
    workflows: &[Arc<Workflow>],
    entries: &[PlanEntry],
    partition: &Partition,
) -> (Vec<Unit>, usize, String) {
    let groups = tie_groups(workflows);
    let mut keys = Vec::with_capacity(entries.len() * groups.len());
    for entry in entries {
        for group in &groups {
            keys.push(unit_key(entry.label().as_deref(), &workflows[group[0]]));
        }
    }
    let taken = partition.select(&keys);
    let units = taken
        .iter()
        .enumerate()
        .filter(|(_, taken)| **taken)
        .map(|(i, _)| Unit {
            entry: i / groups.len(),
            workflows: groups[i % groups.len()]
                .iter()
                .map(|&w| Arc::clone(&workflows[w]))
                .collect(),
        })
        .collect();
    (units, keys.len(), units_digest(&keys))
}

/// The first 16 hex digits of a SHA-256 of the unit keys, sorted (each ended by a newline):
/// two runs cut the same units exactly when they agree, whatever order their paths were
/// named in. The hash is the one `hash:I/N` places units by.
fn units_digest(keys: &[String]) -> String {
    let mut sorted: Vec<&str> = keys.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let mut all = String::with_capacity(sorted.iter().map(|k| k.len() + 1).sum());
    for key in sorted {
        all.push_str(key);
        all.push('\n');
    }
    format!("{:016x}", stable_hash(&all))
}

/// A unit's name for `--partition`: the workflow file's path as found, after the matrix label.
fn unit_key(label: Option<&str>, workflow: &Workflow) -> String {
    let path = workflow.source.path().display();
    match label {
        Some(label) => format!("{label}\0{path}"),
        None => path.to_string(),
    }
}

/// `list --partition`: the units the shard takes, in run order: each the index of its entry
/// in `labels` (`[None]` without `--matrix`) and its group of `workflows` (indices); and how
/// many units there were to share.
pub fn listed_shard(
    workflows: &[Arc<Workflow>],
    labels: &[Option<String>],
    partition: &Partition,
) -> (Vec<(usize, Vec<usize>)>, usize) {
    let groups = tie_groups(workflows);
    let mut units = Vec::with_capacity(labels.len() * groups.len());
    let mut keys = Vec::with_capacity(labels.len() * groups.len());
    for (entry, label) in labels.iter().enumerate() {
        for group in &groups {
            keys.push(unit_key(label.as_deref(), &workflows[group[0]]));
            units.push((entry, group.clone()));
        }
    }
    let taken = units
        .into_iter()
        .zip(partition.select(&keys))
        .filter(|(_, taken)| *taken)
        .map(|(unit, _)| unit)
        .collect();
    (taken, keys.len())
}
