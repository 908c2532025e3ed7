//! `steprun report merge`: the JSON reports of shards (runs that each took a share of the
//! units, in other CI jobs or on other machines) made into one report of the whole run. The
//! shards' workflows are replayed as events through the usual reporters, so a merged report
//! is written by the same code as any other, in any format.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::config::partition::Partition;
use crate::event::{Event, Reporter, RunInfo, RunSummary, WorkflowId};
use crate::report::shard::{Shard, ShardError};
use crate::report::{Fanout, ReportError, ReportSpec};

/// Why shards cannot be merged: a file that is not a shard's report, or shards that are not
/// parts of one run (invalid input, exit 2); or a report that cannot be written (exit 3).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(transparent)]
    Shard(#[from] ShardError),
    #[error("{} and {} are the same file: the same shard twice", first.display(), second.display())]
    SameFile { first: PathBuf, second: PathBuf },
    #[error(
        "{} and {} both hold {unit}: the same shard twice, or partitions that overlap",
        first.display(),
        second.display()
    )]
    Overlap {
        first: PathBuf,
        second: PathBuf,
        unit: String,
    },
    #[error(
        "{} ran with --matrix (its workflows have tenant labels) and {} did not: not shards of one run",
        labelled.display(),
        unlabelled.display()
    )]
    Mixed {
        labelled: PathBuf,
        unlabelled: PathBuf,
    },
    #[error("{} is {} and {} is {}: not shards of one partition", first.display(), shown(first_is.as_ref()), second.display(), shown(second_is.as_ref()))]
    Partitions {
        first: PathBuf,
        first_is: Option<String>,
        second: PathBuf,
        second_is: Option<String>,
    },
    #[error("{} and {} are both shard {shard}: the same shard twice", first.display(), second.display())]
    SameShard {
        first: PathBuf,
        second: PathBuf,
        shard: String,
    },
    #[error(
        "{} is a shard of {first_units} units and {} of {second_units}: not shards of one run (were tenants or workflows added between them?)",
        first.display(),
        second.display()
    )]
    Units {
        first: PathBuf,
        first_units: u64,
        second: PathBuf,
        second_units: u64,
    },
    #[error(
        "{} and {} are shards of runs over different units (as many, but not the same: were tenants or workflows changed between them?)",
        first.display(),
        second.display()
    )]
    OtherUnits { first: PathBuf, second: PathBuf },
    #[error(transparent)]
    Open(#[from] ReportError),
    #[error("cannot write the merged report")]
    Write(#[source] io::Error),
}

impl MergeError {
    /// The report could not be written: the tool failed, the inputs were fine.
    pub fn is_output(&self) -> bool {
        matches!(self, MergeError::Open(_) | MergeError::Write(_))
    }
}

/// What the merged report holds.
#[derive(Debug)]
pub struct Merged {
    pub summary: RunSummary,
    /// Distinct matrix labels (0 for shards run without `--matrix`).
    pub tenants: usize,
    pub shards: usize,
    /// The shards of the partition no report was given for (`count:3/4`), in order: the
    /// first [`MISSING_NAMED`] of them.
    pub missing: Vec<String>,
    /// How many more shards have no report than `missing` names.
    pub missing_more: u64,
}

/// Missing shards named one by one; the rest are counted, so a partition of many shards (N
/// may be any 64-bit number) is not listed, or even enumerated, whole.
pub const MISSING_NAMED: usize = 10;

/// How a shard's partition reads in a refusal.
fn shown(partition: Option<&String>) -> String {
    match partition {
        Some(p) => format!("shard {p}"),
        None => "a run without --partition".to_owned(),
    }
}

/// Shards that say their partition (steprun writes it under `--partition`) are of one
/// partition, scheme and N alike, each shard once; a run without `--partition` is not
/// merged with one that has it. Returns the first shards no report was given for and how
/// many more there are.
fn check_partitions(shards: &[Shard]) -> Result<(Vec<String>, u64), MergeError> {
    let mut seen: Vec<(usize, Option<Partition>)> = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let said = &shard.summary.partition;
        let parsed = said.as_deref().and_then(|p| p.parse::<Partition>().ok());
        for &(j, other) in &seen {
            let refuse = || MergeError::Partitions {
                first: shards[j].path.clone(),
                first_is: shards[j].summary.partition.clone(),
                second: shard.path.clone(),
                second_is: said.clone(),
            };
            match (other, parsed) {
                (None, None) => {}
                (Some(a), Some(b)) if a.scheme == b.scheme && a.total == b.total => {
                    check_units_shared(&shards[j], shard)?;
                    if a.index == b.index {
                        return Err(MergeError::SameShard {
                            first: shards[j].path.clone(),
                            second: shard.path.clone(),
                            shard: a.to_string(),
                        });
                    }
                }
                _ => return Err(refuse()),
            }
        }
        seen.push((i, parsed));
    }
    let Some(Some(any)) = seen.first().map(|(_, p)| *p) else {
        return Ok((Vec::new(), 0));
    };
    // Each shard is given once (checked above), so the missing ones are counted, not walked.
    let given = seen.iter().filter(|(_, p)| p.is_some()).count() as u64;
    let absent = any.total - given;
    let named: Vec<String> = (1..=any.total)
        .filter(|&index| {
            !seen
                .iter()
                .any(|(_, p)| p.is_some_and(|p| p.index == index))
        })
        .take(MISSING_NAMED)
        .map(|index| Partition { index, ..any }.to_string())
        .collect();
    let more = absent - named.len() as u64;
    Ok((named, more))
}

/// Shards of one partition were cut from one set of units, so they say the same number of
/// units and the same digest of their keys (where both say them: reports of older steprun
/// versions do not). Shards of runs over different tenants or workflows can hold no unit in
/// common and still not make one run.
fn check_units_shared(first: &Shard, second: &Shard) -> Result<(), MergeError> {
    if let (Some(a), Some(b)) = (
        first.summary.partition_units,
        second.summary.partition_units,
    ) && a != b
    {
        return Err(MergeError::Units {
            first: first.path.clone(),
            first_units: a,
            second: second.path.clone(),
            second_units: b,
        });
    }
    match (
        &first.summary.partition_digest,
        &second.summary.partition_digest,
    ) {
        (Some(a), Some(b)) if a != b => Err(MergeError::OtherUnits {
            first: first.path.clone(),
            second: second.path.clone(),
        }),
        _ => Ok(()),
    }
}

/// Reads and checks every file, then writes the merged report to each of `reports`. Outputs
/// are opened only once every input has been read and found consistent, so a refused merge
/// leaves them as they were.
pub fn merge(files: &[PathBuf], reports: &[ReportSpec]) -> Result<Merged, MergeError> {
    let mut shards = Vec::with_capacity(files.len());
    let mut seen: Vec<(PathBuf, PathBuf)> = Vec::new();
    for path in files {
        let shard = Shard::read(path)?;
        // `read` succeeded, so the file exists and can be resolved.
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if let Some((first, _)) = seen.iter().find(|(_, r)| *r == real) {
            return Err(MergeError::SameFile {
                first: first.clone(),
                second: path.clone(),
            });
        }
        seen.push((path.clone(), real));
        shards.push(shard);
    }
    let (missing, missing_more) = check_partitions(&shards)?;
    check_units(&shards)?;
    let mut fanout = Fanout::default();
    for spec in reports {
        fanout.push(spec.open()?);
    }
    let merged = replay(&shards, &mut fanout).map(|m| Merged {
        missing,
        missing_more,
        ..m
    });
    let finished = fanout.finish();
    let merged = merged.map_err(MergeError::Write)?;
    finished.map_err(MergeError::Write)?;
    Ok(merged)
}

/// Shards of one run hold each unit (matrix entry × workflow file) once, and either all ran
/// with `--matrix` or none did.
fn check_units(shards: &[Shard]) -> Result<(), MergeError> {
    let mut owner: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    let mut labelled: Option<usize> = None;
    let mut unlabelled: Option<usize> = None;
    for (i, shard) in shards.iter().enumerate() {
        for workflow in &shard.workflows {
            let slot = if workflow.label.is_some() {
                &mut labelled
            } else {
                &mut unlabelled
            };
            slot.get_or_insert(i);
            let unit = (workflow.label.as_deref(), workflow.path.as_str());
            let first = *owner.entry(unit).or_insert(i);
            if first != i {
                return Err(MergeError::Overlap {
                    first: shards[first].path.clone(),
                    second: shard.path.clone(),
                    unit: unit_name(workflow.label.as_deref(), &workflow.path),
                });
            }
        }
    }
    if let (Some(l), Some(u)) = (labelled, unlabelled) {
        return Err(MergeError::Mixed {
            labelled: shards[l].path.clone(),
            unlabelled: shards[u].path.clone(),
        });
    }
    Ok(())
}

fn unit_name(label: Option<&str>, path: &str) -> String {
    match label {
        Some(label) => format!("{path} [{label}]"),
        None => path.to_owned(),
    }
}

/// Sends the merged run to `reporter`: each tenant (matrix label, in order) a run of its own,
/// its workflows in the order the run lists them (then by path: without `--matrix`, each
/// workflow of a `--jobs` run is a run of its own); then the summed summary.
fn replay(shards: &[Shard], reporter: &mut dyn Reporter) -> io::Result<Merged> {
    let mut groups: BTreeMap<Option<&str>, Vec<(usize, usize)>> = BTreeMap::new();
    for (s, shard) in shards.iter().enumerate() {
        for (w, workflow) in shard.workflows.iter().enumerate() {
            groups
                .entry(workflow.label.as_deref())
                .or_default()
                .push((s, w));
        }
    }
    let paths: std::collections::BTreeSet<&str> = (shards.iter())
        .flat_map(|s| s.workflows.iter().map(|w| w.path.as_str()))
        .collect();
    let mut first_error = None;
    let mut send = |event: &Event| {
        if let Err(e) = reporter.event(event) {
            first_error.get_or_insert(e);
        }
    };
    send(&Event::RunStarted(RunInfo {
        workflows: paths.len(),
        runs: groups.len().max(1),
        partition: None,
        partition_units: None,
        partition_digest: None,
    }));
    for (run, members) in groups.values_mut().enumerate() {
        let workflow = |&(s, w): &(usize, usize)| &shards[s].workflows[w];
        members.sort_by_key(|m| (workflow(m).index, &workflow(m).path));
        for (index, member) in members.iter().enumerate() {
            for event in workflow(member).events(&WorkflowId { run, index }) {
                send(&event);
            }
        }
    }
    let summary = summed(shards);
    send(&Event::RunFinished(summary.clone()));
    if let Some(e) = first_error {
        return Err(e);
    }
    Ok(Merged {
        summary,
        tenants: groups.keys().filter(|label| label.is_some()).count(),
        shards: shards.len(),
        missing: Vec::new(),
        missing_more: 0,
    })
}

/// The shards' totals added up; the run took as long as its longest shard (shards run side
/// by side), and was cut short if any shard was.
fn summed(shards: &[Shard]) -> RunSummary {
    let mut summary = RunSummary {
        counts: crate::event::Counts::default(),
        interrupted: false,
        duration: Duration::ZERO,
    };
    for shard in shards {
        let s = &shard.summary;
        summary.counts.add(&s.counts);
        summary.interrupted |= s.interrupted;
        let took = Duration::try_from_secs_f64(s.duration_ms / 1000.0).unwrap_or_default();
        summary.duration = summary.duration.max(took);
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    fn write_json(events: &[Event], path: &std::path::Path) {
        let spec: ReportSpec = format!("json={}", path.display()).parse().unwrap();
        let mut reporter = spec.open().unwrap();
        for event in events {
            reporter.event(event).unwrap();
        }
        reporter.finish().unwrap();
    }

    #[test]
    fn one_shard_merged_alone_is_written_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("shard.json");
        write_json(&fixtures::run(), &shard);
        let merged = dir.path().join("merged.json");
        let spec: ReportSpec = format!("json={}", merged.display()).parse().unwrap();
        let result = merge(std::slice::from_ref(&shard), &[spec]).unwrap();
        assert_eq!(result.summary.counts.workflows, 2);
        assert_eq!(result.tenants, 0);
        let read = |p: &std::path::Path| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        assert_eq!(read(&merged), read(&shard));
    }

    #[test]
    fn an_unfinished_workflow_stays_unfinished_and_the_run_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("shard.json");
        let login = fixtures::login_workflow();
        write_json(&login[..5], &shard);
        let merged = dir.path().join("merged.json");
        let spec: ReportSpec = format!("json={}", merged.display()).parse().unwrap();
        let result = merge(&[shard], &[spec]).unwrap();
        assert!(result.summary.interrupted);
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&merged).unwrap()).unwrap();
        assert_eq!(doc["workflows"][0]["outcome"], serde_json::Value::Null);
        assert_eq!(doc["summary"]["interrupted"], true);
    }
}
