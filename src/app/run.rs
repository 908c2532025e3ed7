//! `steprun run` and `teach`: checking the whole run first, then executing its entries with
//! the reporters, the sandbox and Ctrl-C handling.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use tracing::Instrument as _;

use crate::cli::{RunArgs, TeachArgs};
use crate::config::{PlanEntry, RunPlan};
use crate::diagnostic::Diagnostic;
use crate::engine::{Cancel, Engine, EngineOptions, EventSink, Gate, RunEntry, RunResult};
use crate::error::{AppError, RunOutcome};
use crate::event::{Counts, Event, RunInfo, RunSummary};
use crate::template::Templates;
use crate::vars::VarStore;
use crate::vars::layers as vars;
use crate::workflow::model::Workflow;
use crate::{prompt, sandbox, save};

use super::check::{sandbox_layer, static_check};

mod front;
use front::{front, show_secrets};

pub(super) async fn run(args: &RunArgs) -> Result<RunOutcome, AppError> {
    let plan = RunPlan::from_run_args(args)?;
    let result = execute_plan(&plan, None).await;
    // The process ends next: freeing every loaded step one by one would only delay the exit
    // (about a millisecond per thousand steps).
    std::mem::forget(plan);
    result
}

/// `steprun teach`: a run of one workflow with the teaching gate and reporter; a quit at the
/// prompt is an interruption (exit 130, cleanups ran), as documented in the README.
pub(super) async fn teach_command(args: &TeachArgs) -> Result<RunOutcome, AppError> {
    let plan = RunPlan::from_teach_args(args)?;
    execute_plan(&plan, Some(!args.yes)).await
}

/// Checks, starts the sandbox if asked, runs. `teach` is `Some(pause)` for `steprun teach`.
async fn execute_plan(plan: &RunPlan, teach: Option<bool>) -> Result<RunOutcome, AppError> {
    let templates = Arc::new(Templates::new(&plan.entries[0].run_id()));
    let (errors, warnings) = check_units(plan, &templates);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    say_notes(plan, warnings);
    let sandbox = if plan.vars.sandbox {
        let faults = plan.vars.sandbox_faults.clone();
        let started = sandbox::start_with_faults(([127, 0, 0, 1], 0).into(), faults).await;
        Some(started.map_err(|e| AppError::tool("the sandbox cannot start", e))?)
    } else {
        None
    };
    let entries = run_entries(plan, sandbox.as_ref());
    check_entries(&entries, &templates)?;
    let span = run_span(plan, teach);
    let result = execute(plan, entries, templates, teach)
        .instrument(span.clone())
        .await;
    crate::telemetry::spans::run_outcome(&span, outcome_name(&result));
    drop(span);
    if let Some(s) = sandbox {
        s.shutdown().await;
    }
    result
}

/// What is said on stderr before the run: the check's warnings, the files left out (with
/// `-v`), the partition run, and that `--insecure` verifies no certificate.
fn say_notes(plan: &RunPlan, warnings: Vec<String>) {
    for warning in warnings {
        say_err!("{warning}");
    }
    if plan.verbosity > 0 {
        for skipped in &plan.skipped {
            say_err!("skipped {skipped}");
        }
    }
    if let Some((partition, total)) = &plan.partition {
        say_err!("{}", partition.share(plan.units.len(), *total));
    }
    if plan.network.insecure {
        // README, Step keys: `insecure = true` skips verification "with a warning"; the flag
        // is that key on every step.
        say_err!(
            "warning: --insecure: no request verifies TLS certificates (insecure = true on every step)"
        );
    }
}

/// Every entry read and its variables resolved before anything is sent: a bad one stops the
/// run (exit 2).
fn check_entries(entries: &Entries<'_>, templates: &Templates) -> Result<(), AppError> {
    for i in 0..entries.len() {
        let entry = entries.get(i).map_err(|d| AppError::invalid([d]))?;
        vars::resolve(&entry.layers, &VarStore::new(), templates)
            .map_err(|e| AppError::invalid([Diagnostic::new(e.to_string())]))?;
    }
    Ok(())
}

/// The run's telemetry span: `run` or `teach`, against the sandbox, or the tenant a vars
/// file names (`--matrix` entries name their own).
fn run_span(plan: &RunPlan, teach: Option<bool>) -> tracing::Span {
    crate::telemetry::spans::run(
        if teach.is_some() { "teach" } else { "run" },
        if plan.vars.sandbox {
            Some("sandbox")
        } else {
            plan.vars.tenant_label.as_deref()
        },
        plan.partition
            .as_ref()
            .map(|(p, _)| p.to_string())
            .as_deref(),
    )
}

/// How the run ended, as its span records it.
fn outcome_name(result: &Result<RunOutcome, AppError>) -> &'static str {
    match result {
        Ok(RunOutcome::Passed) => "passed",
        Ok(RunOutcome::Failed) => "failed",
        Ok(RunOutcome::Interrupted) => "interrupted",
        Err(_) => "error",
    }
}

/// The static check, of what shares a variable store: every workflow in order, per matrix
/// entry; or, when units run apart (`--jobs` without a matrix, `--partition`), each unit's
/// workflows alone, with the entries that run them.
fn check_units(plan: &RunPlan, templates: &Templates) -> (Vec<Diagnostic>, Vec<String>) {
    let matrix = |entries: &[usize]| -> Vec<&PlanEntry> {
        if plan.matrix {
            entries.iter().map(|&e| &plan.entries[e]).collect()
        } else {
            Vec::new()
        }
    };
    if !plan.units_apart() {
        let all: Vec<usize> = (0..plan.entries.len()).collect();
        return static_check(&plan.workflows, &plan.vars, &matrix(&all), templates);
    }
    // Each distinct list of workflows once, with the entries that run it.
    let mut lists: Vec<(&[Arc<Workflow>], Vec<usize>)> = Vec::new();
    let mut index: HashMap<Vec<*const Workflow>, usize> = HashMap::new();
    for unit in &plan.units {
        let key = unit.workflows.iter().map(Arc::as_ptr).collect();
        let at = *index.entry(key).or_insert_with(|| {
            lists.push((&unit.workflows[..], Vec::new()));
            lists.len() - 1
        });
        lists[at].1.push(unit.entry);
    }
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for (workflows, entries) in lists {
        let (e, w) = static_check(workflows, &plan.vars, &matrix(&entries), templates);
        errors.extend(e);
        for warning in w {
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
    }
    (errors, warnings)
}

/// The run's entries (a matrix vars file each, or the command line's), each with the sandbox's
/// variables under the vars files.
fn run_entries<'p>(plan: &'p RunPlan, sandbox: Option<&sandbox::Sandbox>) -> Entries<'p> {
    let mut base = plan.vars.layers.clone();
    if let Some(s) = sandbox {
        base.files
            .insert(0, sandbox_layer(s.vars().entries()).into());
    }
    Entries { base, plan }
}

/// The run's entries, each made when it is needed: the layers every entry shares are held
/// once, so a matrix of thousands holds one small vars file per entry, not a copy of them all.
struct Entries<'p> {
    base: crate::vars::layers::Layers,
    plan: &'p RunPlan,
}

impl Entries<'_> {
    fn len(&self) -> usize {
        self.plan.entries.len()
    }

    /// Entry `i`: the shared layers, with matrix vars file `i` on top.
    fn get(&self, i: usize) -> Result<RunEntry, Diagnostic> {
        let mut layers = self.base.clone();
        let entry = &self.plan.entries[i];
        if self.plan.matrix {
            layers.files.push(entry.vars()?.0.into());
        }
        Ok(RunEntry {
            label: entry.label().map(Cow::into_owned),
            layers,
        })
    }
}

async fn execute(
    plan: &RunPlan,
    entries: Entries<'_>,
    templates: Arc<Templates>,
    teach: Option<bool>,
) -> Result<RunOutcome, AppError> {
    let (reporter, gate) =
        front(plan, teach).map_err(|e| AppError::tool("cannot open a report", e))?;
    let sink = Arc::new(EventSink::new(reporter));
    let cancel = Arc::new(Cancel::new());
    let engine = run_engine(plan, templates, teach, (&sink, &cancel), gate);
    let interrupter = super::signals::watch(Arc::clone(&cancel))
        .map_err(|e| AppError::tool("cannot listen for Ctrl-C and SIGTERM", e))?;
    let started = Instant::now();
    sink.emit(&Event::RunStarted(RunInfo {
        workflows: plan.workflows.len(),
        runs: entries.len(),
        partition: plan.partition.as_ref().map(|(p, _)| p.to_string()),
        partition_units: plan.partition.as_ref().map(|&(_, units)| units),
        partition_digest: plan.partition_digest.clone(),
    }));
    let (totals, unsaved) = unit_runs(plan, &engine, &entries)
        .fold((Counts::default(), None), |totals, unit| async move {
            add_unit(totals, unit)
        })
        .await;
    let summary = engine.summarize(totals, started);
    sink.finish()
        .map_err(|e| AppError::tool("cannot write a report", e))?;
    // Until here a second Ctrl-C still stops at once, even while the reports are written.
    interrupter.abort();
    if let Some((_, e)) = unsaved {
        return Err(AppError::tool("cannot save the variables", e));
    }
    Ok(outcome(&summary))
}

/// The run's engine, talking to `sink`, stopped by `cancel`, consulting `gate`.
fn run_engine(
    plan: &RunPlan,
    templates: Arc<Templates>,
    teach: Option<bool>,
    (sink, cancel): (&Arc<EventSink>, &Arc<Cancel>),
    gate: Arc<dyn Gate>,
) -> Engine {
    Engine {
        templates,
        clients: crate::http::Clients::with_network(plan.network.clone()),
        options: EngineOptions {
            keep: plan.keep,
            fail_fast: plan.fail_fast,
            show_secrets: show_secrets(plan),
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            body_limit: crate::engine::BODY_LIMIT,
            full_exchanges: teach.is_some() || !plan.reports.is_empty() || plan.verbosity >= 2,
            default_duration: plan.expect_duration.clone(),
        },
        sink: Arc::clone(sink),
        cancel: Arc::clone(cancel),
        prompter: Arc::new(prompt::TerminalPrompter),
        gate,
    }
}

/// What a unit left: its index in the run, its result, and whether its variables were saved.
type UnitDone = (usize, RunResult, Result<(), save::SaveError>);

/// The first unit (in the run's order) whose variables could not be saved, and why.
type Unsaved = Option<(usize, save::SaveError)>;

/// The run's units, as they finish. A finished unit leaves only its counts, added to the
/// run's: its variables are saved (`--save-vars`, where a unit is a whole entry) as it ends,
/// then dropped with its redactor, so a big matrix runs in flat memory.
fn unit_runs<'a>(
    plan: &'a RunPlan,
    engine_ref: &'a Engine,
    entries_ref: &'a Entries<'a>,
) -> impl futures_util::Stream<Item = UnitDone> + 'a {
    let (save_to, labelled) = (plan.save_vars.as_deref(), entries_ref.len() > 1);
    let units = futures_util::stream::iter(plan.units.iter().enumerate()).map(
        move |(i, unit)| async move {
            let entry = match entries_ref.get(unit.entry) {
                Ok(entry) => entry,
                // Not expected: every entry was read the same way before the run started.
                Err(d) => return (i, unreadable(&d, unit.workflows.len()), Ok(())),
            };
            let result = if plan.matrix {
                // Each matrix entry names what it creates with its own `run_id`.
                let own = entry_engine(engine_ref, &plan.entries[unit.entry].run_id());
                own.run(i, &entry, &unit.workflows).await
            } else {
                engine_ref.run(i, &entry, &unit.workflows).await
            };
            let saved = save_to.map_or(Ok(()), |path| {
                save::save_entry(path, labelled, &entry, &result, plan.save_secrets)
            });
            (i, result, saved)
        },
    );
    // One unit at a time (the default) runs in order without `buffer_unordered`, whose set
    // wakes the run again each time its only unit waits (to let other tasks in), for a poll
    // that finds nothing to do: one more turn of the runtime for every request.
    if plan.jobs <= 1 {
        units.then(|unit| unit).left_stream()
    } else {
        units.buffer_unordered(plan.jobs).right_stream()
    }
}

/// Adds a finished unit's counts to the run's, and keeps the first unit (in the run's order)
/// that could not be saved: it is the one said.
fn add_unit(
    (mut totals, mut unsaved): (Counts, Unsaved),
    (i, result, saved): UnitDone,
) -> (Counts, Unsaved) {
    totals.add(&result.counts);
    if let Err(e) = saved
        && unsaved.as_ref().is_none_or(|(first, _)| i < *first)
    {
        unsaved = Some((i, e));
    }
    (totals, unsaved)
}

/// How the run ended: interrupted, failed (a step, a cleanup or a workflow), or passed.
fn outcome(summary: &RunSummary) -> RunOutcome {
    if summary.interrupted {
        RunOutcome::Interrupted
    } else if summary.counts.steps_failed
        + summary.counts.cleanups_failed
        + summary.counts.workflows_failed
        > 0
    {
        RunOutcome::Failed
    } else {
        RunOutcome::Passed
    }
}

/// A unit whose entry could not be read: said on stderr, its workflows failed.
fn unreadable(d: &Diagnostic, workflows: usize) -> crate::engine::RunResult {
    say_err!("{d}");
    let mut result = crate::engine::RunResult::default();
    result.counts.workflows = workflows;
    result.counts.workflows_failed = workflows;
    result
}

/// The run's engine with templates whose `run_id` is `run_id`; the rest is shared.
fn entry_engine(engine: &Engine, run_id: &str) -> Engine {
    Engine {
        templates: Arc::new(engine.templates.with_run_id(run_id)),
        clients: engine.clients.clone(),
        options: engine.options.clone(),
        sink: Arc::clone(&engine.sink),
        cancel: Arc::clone(&engine.cancel),
        prompter: Arc::clone(&engine.prompter),
        gate: Arc::clone(&engine.gate),
    }
}
