//! A run resolved from its command line, as ripgrep's high-level args are from its low-level
//! ones: the workflows and the units they run in, the variable layers, the matrix entries with
//! their `run_id`s, the network, the reports, the flags. Built in one function per command
//! with typed errors; `run` and `teach` then only execute the plan.

mod matrix;
mod units;

pub use matrix::matrix_labels;
use matrix::{matrix_entries, matrix_label};
pub use units::listed_shard;
use units::{shard_units, whole_units};

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::cli::{self, RunArgs, TeachArgs};
use crate::diagnostic::Diagnostic;
use crate::http::Network;
use crate::report::{ColorChoice, ReportSpec};
use crate::vars::decl::VarDecl;
use crate::workflow::load::vars_from_text;
use crate::workflow::model::{Located, Predicate, Workflow};
use crate::workflow::requires::Tenant;

use super::partition::Partition;
use super::{TagFilter, VarConfig, load_workflows, load_workflows_noting, some_workflows};

/// Why a command line cannot become a plan.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A flag's value, or flags that do not go together (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Files that cannot be read or are not valid: every diagnostic (exit 2).
    #[error("invalid input")]
    Invalid(Vec<Diagnostic>),
}

impl From<Vec<Diagnostic>> for PlanError {
    fn from(diagnostics: Vec<Diagnostic>) -> PlanError {
        PlanError::Invalid(diagnostics)
    }
}

impl From<Diagnostic> for PlanError {
    fn from(diagnostic: Diagnostic) -> PlanError {
        PlanError::Invalid(vec![diagnostic])
    }
}

/// One run over some workflows with one set of variables: the command line's, or one
/// `--matrix` vars file's on top of them.
#[derive(Debug, Clone)]
pub struct PlanEntry {
    /// The matrix vars file's path and its text as read (`None` without `--matrix`). Its
    /// declarations are made from this text again where they are needed
    /// ([`vars`](Self::vars)), and its label from the path: a matrix of thousands holds each
    /// small file's path and text, not its parsed declarations, for the whole run.
    file: Option<(Box<Path>, Box<str>)>,
    /// The entry's `run_id` ([`run_id`](Self::run_id)): entries that share an environment must
    /// not collide on the names they create. A variable named `run_id` (a vars file's,
    /// `--var`'s) still wins.
    run_id: u32,
}

impl PlanEntry {
    /// The matrix file's stem; `None` for the command line's entry.
    pub fn label(&self) -> Option<Cow<'_, str>> {
        self.file.as_ref().map(|(path, _)| matrix_label(path))
    }

    /// The entry's `run_id`: eight hex characters (README, Templates).
    pub fn run_id(&self) -> String {
        format!("{:08x}", self.run_id)
    }

    /// The matrix vars file's declarations and `[tenant]` (none without `--matrix`). The text
    /// was read without error when the plan was made, so it reads the same way again.
    pub fn vars(&self) -> Result<(Vec<VarDecl>, Option<Tenant>), Diagnostic> {
        match &self.file {
            Some((path, text)) => vars_from_text(path, text.to_string()),
            None => Ok((Vec::new(), None)),
        }
    }
}

/// Which workflows a unit runs: one list shared by every entry of a matrix.
pub type Workflows = Arc<[Arc<Workflow>]>;

/// What runs with its own variable store and cookie jars: an entry and workflows, in order.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Index into [`RunPlan::entries`].
    pub entry: usize,
    pub workflows: Workflows,
}

/// A `steprun run` or `teach`, resolved.
pub struct RunPlan {
    /// Every workflow the paths and tags select, in run order (before `--partition`).
    pub workflows: Vec<Arc<Workflow>>,
    pub vars: VarConfig,
    /// One per `--matrix` vars file, or the command line's one.
    pub entries: Vec<PlanEntry>,
    /// Whether `entries` are a matrix's.
    pub matrix: bool,
    /// What runs, in order; with `--partition`, only this shard's units.
    pub units: Vec<Unit>,
    /// `--partition`, with how many units there were to share.
    pub partition: Option<(Partition, usize)>,
    /// With `--partition`: a digest of every unit's key, the same for every shard of one run.
    pub partition_digest: Option<String>,
    pub keep: bool,
    pub fail_fast: bool,
    pub jobs: usize,
    pub reports: Vec<ReportSpec>,
    pub save_vars: Option<PathBuf>,
    pub save_secrets: bool,
    pub verbosity: u8,
    pub show_secrets: bool,
    pub color: ColorChoice,
    /// What the directories held that is not run, for `-v`.
    pub skipped: Vec<String>,
    /// `--cacert`, `--cert`/`--key`, `--proxy`, `--connect-timeout`, `--insecure`.
    pub network: Network,
    /// `--expect-duration`: the limits of a step whose file sets none.
    pub expect_duration: Vec<(Predicate, Located<Duration>)>,
}

impl RunPlan {
    /// `steprun run`'s plan. Flag values are checked before any file is read, so a usage
    /// mistake is said alone.
    pub fn from_run_args(args: &RunArgs) -> Result<RunPlan, PlanError> {
        let partition = args
            .partition
            .as_deref()
            .map(str::parse::<Partition>)
            .transpose()
            .map_err(PlanError::Usage)?;
        let sandbox_faults = sandbox_faults(args.sandbox_faults.as_deref())?;
        let expect_duration = match &args.expect_duration {
            Some(text) => super::duration_default::parse(text).map_err(PlanError::Usage)?,
            None => Vec::new(),
        };
        check_save_vars(args, partition.as_ref())?;
        let reports = report_specs(&args.reports)?;
        let tags = TagFilter::new(&args.tags, &args.skip_tags);
        let mut skipped = Vec::new();
        let loaded = load_workflows_noting(&args.paths, &tags, &mut skipped)?;
        let workflows = some_workflows(loaded, &args.paths, &tags)?;
        let mut vars = VarConfig::from_args(&args.vars)?;
        vars.sandbox_faults = sandbox_faults;
        let network = super::network_config(&args.net)?;
        let matrix = match &args.matrix {
            Some(pattern) => matrix_entries(pattern)?,
            None => Vec::new(),
        };
        let is_matrix = !matrix.is_empty();
        let entries = if is_matrix {
            matrix
        } else {
            vec![command_line_entry()]
        };
        let jobs = args.jobs as usize;
        let (units, partition, partition_digest) = match partition {
            None => (
                whole_units(&workflows, &entries, is_matrix, jobs),
                None,
                None,
            ),
            Some(p) => {
                let (units, total, digest) = shard_units(&workflows, &entries, &p);
                (units, Some((p, total)), Some(digest))
            }
        };
        Ok(RunPlan {
            workflows,
            vars,
            entries,
            matrix: is_matrix,
            units,
            partition,
            partition_digest,
            keep: args.keep,
            fail_fast: args.fail_fast,
            jobs,
            reports,
            save_vars: args.save_vars.clone(),
            save_secrets: args.save_secrets,
            verbosity: args.verbose,
            show_secrets: args.show_secrets,
            color: color_choice(args.color),
            skipped,
            network,
            expect_duration,
        })
    }

    /// `steprun teach`: one workflow file, one run, no reports; the console is the teacher's.
    pub fn from_teach_args(args: &TeachArgs) -> Result<RunPlan, PlanError> {
        if args.path.is_dir() {
            return Err(Diagnostic::new(format!(
                "teach takes one workflow file, and {} is a directory",
                args.path.display()
            ))
            .into());
        }
        let sandbox_faults = sandbox_faults(args.sandbox_faults.as_deref())?;
        let workflows = load_workflows(std::slice::from_ref(&args.path), &TagFilter::ALL)?;
        let mut vars = VarConfig::from_args(&args.vars)?;
        vars.sandbox_faults = sandbox_faults;
        let network = super::network_config(&args.net)?;
        let entries = vec![command_line_entry()];
        let units = whole_units(&workflows, &entries, false, 1);
        Ok(RunPlan {
            workflows,
            vars,
            entries,
            matrix: false,
            units,
            partition: None,
            partition_digest: None,
            keep: args.keep,
            fail_fast: false,
            jobs: 1,
            reports: Vec::new(),
            save_vars: None,
            save_secrets: false,
            verbosity: args.verbose,
            show_secrets: args.show_secrets,
            color: color_choice(args.color),
            skipped: Vec::new(),
            network,
            expect_duration: Vec::new(),
        })
    }

    /// Whether units run with their own variable stores rather than one per entry: `--jobs`
    /// without `--matrix` (each named workflow alone), or `--partition`.
    pub fn units_apart(&self) -> bool {
        self.units.len() > self.entries.len() || self.partition.is_some()
    }
}

/// `--save-vars` saves one store: not with `--partition` or with `--jobs` but no `--matrix`,
/// where each unit or workflow runs with its own.
fn check_save_vars(args: &RunArgs, partition: Option<&Partition>) -> Result<(), PlanError> {
    if args.save_vars.is_none() {
        return Ok(());
    }
    if partition.is_some() {
        return Err(PlanError::Usage(
            "--save-vars with --partition: each unit runs with its own variables, so there is no one set to save"
                .into(),
        ));
    }
    if args.jobs > 1 && args.matrix.is_none() {
        return Err(Diagnostic::new(
            "--save-vars with --jobs but no --matrix: each workflow runs with its own variables, so there is no one set to save",
        ).with_help("run without --jobs to save the variables the workflows share").into());
    }
    Ok(())
}

/// The `--report FORMAT=PATH` values, read, with their targets checked writable.
fn report_specs(values: &[String]) -> Result<Vec<ReportSpec>, PlanError> {
    let reports = values
        .iter()
        .map(|r| {
            r.parse::<ReportSpec>()
                .map_err(|e| Diagnostic::new(format!("--report: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    super::check_report_targets(&reports)?;
    Ok(reports)
}

fn command_line_entry() -> PlanEntry {
    PlanEntry {
        file: None,
        run_id: one_random_u32(),
    }
}

/// A random `u32` from the operating system. One number does not need `rand::random()`'s
/// thread-local generator, whose set-up (seeding it, probing the CPU for its SIMD code)
/// costs a run more than the call itself.
fn one_random_u32() -> u32 {
    use rand::TryRng as _;
    rand::rngs::SysRng
        .try_next_u32()
        .unwrap_or_else(|_| rand::random())
}

/// `--sandbox-faults SPEC`, read before any file: a bad SPEC is a usage error.
fn sandbox_faults(spec: Option<&str>) -> Result<Option<crate::sandbox::FaultSpec>, PlanError> {
    spec.map(|s| {
        crate::sandbox::parse_faults(s)
            .map_err(|e| PlanError::Usage(format!("--sandbox-faults: {e}")))
    })
    .transpose()
}

pub(crate) fn color_choice(choice: cli::ColorChoice) -> ColorChoice {
    match choice {
        cli::ColorChoice::Auto => ColorChoice::Auto,
        cli::ColorChoice::Always => ColorChoice::Always,
        cli::ColorChoice::Never => ColorChoice::Never,
    }
}

#[cfg(test)]
mod tests;
