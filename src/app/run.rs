//! `steprun run` and `teach`: checking the whole run first, then executing its entries with
//! the reporters, the sandbox and Ctrl-C handling.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use crate::cli::{RunArgs, TeachArgs};
use crate::config::RunConfig;
use crate::diagnostic::Diagnostic;
use crate::engine::{
    AlwaysSend, Cancel, Engine, EngineOptions, EventSink, Gate, RunEntry, RunResult,
};
use crate::error::{AppError, RunOutcome};
use crate::event::{Event, Reporter, RunInfo};
use crate::report::width::console_width;
use crate::report::{ConsoleOptions, ConsoleReporter, Fanout, Stream, color_enabled};
use crate::teach::TeachOptions;
use crate::template::Templates;
use crate::vars::VarStore;
use crate::vars::decl::VarDecl;
use crate::vars::layers as vars;
use crate::workflow::load::load_vars_and_tenant;
use crate::{prompt, sandbox, save, teach};

use super::check::{sandbox_layer, static_check};

pub(super) async fn run(args: &RunArgs) -> Result<RunOutcome, AppError> {
    let config = RunConfig::from_args(args).map_err(AppError::invalid)?;
    let result = run_config(&config, None).await;
    // The process ends next: freeing every loaded step one by one would only delay the exit
    // (about a millisecond per thousand steps).
    std::mem::forget(config);
    result
}

/// `steprun teach`: a run of one workflow with the teaching gate and reporter; a quit at the
/// prompt is an interruption (exit 130, cleanups ran), as documented in the README.
pub(super) async fn teach_command(args: &TeachArgs) -> Result<RunOutcome, AppError> {
    let config = RunConfig::from_teach_args(args).map_err(AppError::invalid)?;
    run_config(&config, Some(!args.yes)).await
}

/// Checks, starts the sandbox if asked, runs. `teach` is `Some(pause)` for `steprun teach`.
async fn run_config(config: &RunConfig, teach: Option<bool>) -> Result<RunOutcome, AppError> {
    let mut matrix_layers = Vec::new();
    for (label, path) in &config.matrix {
        let (decls, tenant) = load_vars_and_tenant(path).map_err(|d| AppError::invalid([d]))?;
        matrix_layers.push((label.clone(), decls, tenant));
    }
    let templates = Arc::new(Templates::new(&random_run_id()));
    let (errors, warnings) = if config.parallel_files() {
        // Side by side, no workflow sees another's extractions: each is checked alone.
        let mut all = (Vec::new(), Vec::new());
        for workflow in &config.workflows {
            let (errors, warnings) = static_check(
                std::slice::from_ref(workflow),
                &config.vars,
                &matrix_layers,
                &templates,
            );
            all.0.extend(errors);
            all.1.extend(warnings);
        }
        all
    } else {
        static_check(&config.workflows, &config.vars, &matrix_layers, &templates)
    };
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    for warning in warnings {
        say_err!("{warning}");
    }
    if config.verbosity > 0 {
        for skipped in &config.skipped {
            say_err!("skipped {skipped}");
        }
    }
    if config.network.insecure {
        // README, Step keys: `insecure = true` skips verification "with a warning"; the flag
        // is that key on every step.
        say_err!(
            "warning: --insecure: no request verifies TLS certificates (insecure = true on every step)"
        );
    }
    let sandbox = if config.vars.sandbox {
        let started = sandbox::start(([127, 0, 0, 1], 0).into()).await;
        Some(started.map_err(|e| AppError::tool("the sandbox cannot start", e))?)
    } else {
        None
    };
    let matrix_layers = matrix_layers
        .into_iter()
        .map(|(label, mut decls, _)| {
            // Held for the whole run: one small vars file per entry, without spare room.
            decls.shrink_to_fit();
            (label, decls)
        })
        .collect();
    let entries = run_entries(config, sandbox.as_ref(), matrix_layers);
    for i in 0..entries.len() {
        vars::resolve(&entries.get(i).layers, &VarStore::new(), &templates)
            .map_err(|e| AppError::invalid([Diagnostic::new(e.to_string())]))?;
    }
    let result = execute(config, entries, templates, teach).await;
    if let Some(s) = sandbox {
        s.shutdown().await;
    }
    result
}

/// One entry per matrix vars file (or one for the command line), each with the sandbox's
/// variables under the vars files.
fn run_entries(
    config: &RunConfig,
    sandbox: Option<&sandbox::Sandbox>,
    matrix: Vec<(String, Vec<VarDecl>)>,
) -> Entries {
    let mut base = config.vars.layers.clone();
    if let Some(s) = sandbox {
        base.files.insert(0, sandbox_layer(s.vars().entries()));
    }
    Entries { base, matrix }
}

/// The run's entries, each made when it is needed: the layers every entry shares are held
/// once, so a matrix of thousands holds one small vars file per entry, not a copy of them all.
struct Entries {
    base: crate::vars::layers::Layers,
    matrix: Vec<(String, Vec<VarDecl>)>,
}

impl Entries {
    fn len(&self) -> usize {
        self.matrix.len().max(1)
    }

    /// Entry `i`: the shared layers with matrix vars file `i` on top.
    fn get(&self, i: usize) -> RunEntry {
        let mut layers = self.base.clone();
        let label = self.matrix.get(i).map(|(label, decls)| {
            layers.files.push(decls.clone());
            label.clone()
        });
        RunEntry { label, layers }
    }
}

async fn execute(
    config: &RunConfig,
    entries: Entries,
    templates: Arc<Templates>,
    teach: Option<bool>,
) -> Result<RunOutcome, AppError> {
    let (reporter, gate) =
        front(config, teach).map_err(|e| AppError::tool("cannot open a report", e))?;
    let sink = Arc::new(EventSink::new(reporter));
    let cancel = Arc::new(Cancel::new());
    let engine = Engine {
        templates,
        clients: crate::http::Clients::with_network(config.network.clone()),
        options: EngineOptions {
            keep: config.keep,
            fail_fast: config.fail_fast,
            show_secrets: show_secrets(config),
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            body_limit: crate::engine::BODY_LIMIT,
            full_exchanges: teach.is_some() || !config.reports.is_empty() || config.verbosity >= 2,
        },
        sink: Arc::clone(&sink),
        cancel: Arc::clone(&cancel),
        prompter: Arc::new(prompt::TerminalPrompter),
        gate,
    };
    let interrupter = {
        let cancel = Arc::clone(&cancel);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.interrupt();
            }
        })
    };
    let started = Instant::now();
    sink.emit(&Event::RunStarted(RunInfo {
        workflows: config.workflows.len(),
        runs: entries.len(),
    }));
    let (engine_ref, entries_ref) = (&engine, &entries);
    let (save_to, labelled) = (config.save_vars.as_deref(), entries.len() > 1);
    // A finished entry leaves only its counts, added to the run's: its variables are saved
    // (`--save-vars`) as it ends, then dropped with its redactor, so a big matrix runs in
    // flat memory.
    let (totals, unsaved) =
        futures_util::stream::iter(units(config, &entries).into_iter().enumerate())
            .map(|(i, (entry, workflows))| async move {
                let entry = entries_ref.get(entry);
                let result = engine_ref.run(i, &entry, workflows).await;
                let saved = save_to.map_or(Ok(()), |path| {
                    save::save_entry(path, labelled, &entry, &result, config.save_secrets)
                });
                (i, result, saved)
            })
            .buffer_unordered(config.jobs.max(1))
            .fold(
                (RunResult::default(), None::<(usize, save::SaveError)>),
                |(mut totals, mut unsaved), (i, result, saved)| async move {
                    add_counts(&mut totals, &result);
                    // The first entry (in the run's order) that could not be saved is the one said.
                    if let Err(e) = saved
                        && unsaved.as_ref().is_none_or(|(first, _)| i < *first)
                    {
                        unsaved = Some((i, e));
                    }
                    (totals, unsaved)
                },
            )
            .await;
    interrupter.abort();
    let summary = engine.summarize(std::slice::from_ref(&totals), started);
    sink.finish()
        .map_err(|e| AppError::tool("cannot write a report", e))?;
    if let Some((_, e)) = unsaved {
        return Err(AppError::tool("cannot save the variables", e));
    }
    Ok(if summary.interrupted {
        RunOutcome::Interrupted
    } else if summary.steps_failed + summary.cleanups_failed + summary.workflows_failed > 0 {
        RunOutcome::Failed
    } else {
        RunOutcome::Passed
    })
}

/// Adds a finished entry's counts to the run's.
fn add_counts(totals: &mut RunResult, result: &RunResult) {
    totals.workflows += result.workflows;
    totals.workflows_failed += result.workflows_failed;
    totals.steps_passed += result.steps_passed;
    totals.steps_failed += result.steps_failed;
    totals.steps_skipped += result.steps_skipped;
    totals.cleanups_failed += result.cleanups_failed;
}

/// What runs side by side, each with its own variable store: the matrix entries (every
/// workflow, in order, in each), or without a matrix and with `--jobs` above 1, each workflow
/// named on the command line alone, as `hurl --parallel` runs files. A unit is an entry's
/// number and its workflows.
fn units<'a>(
    config: &'a RunConfig,
    entries: &Entries,
) -> Vec<(usize, &'a [Arc<crate::workflow::model::Workflow>])> {
    if entries.len() == 1 && config.parallel_files() {
        (config.workflows.iter())
            .map(|w| (0, std::slice::from_ref(w)))
            .collect()
    } else {
        (0..entries.len())
            .map(|entry| (entry, config.workflows.as_slice()))
            .collect()
    }
}

/// What a run talks to: its reporters, and the gate consulted before each step.
type Front = (Box<dyn Reporter>, Arc<dyn Gate>);

/// The reporters and the gate: the console and `--report`s for `run`; for `teach`
/// (`Some(pause)`), its explaining reporter and interactive gate.
fn front(config: &RunConfig, teach: Option<bool>) -> Result<Front, crate::report::ReportError> {
    let Some(pause) = teach else {
        return Ok((Box::new(reporters(config)?), Arc::new(AlwaysSend)));
    };
    let (gate, reporter) = teach::session(TeachOptions {
        pause,
        color: color_enabled(config.color, std::io::stdout().is_terminal()),
        verbose: config.verbosity > 0,
        keep: config.keep,
    });
    Ok((reporter, gate))
}

fn reporters(config: &RunConfig) -> Result<Fanout, crate::report::ReportError> {
    let mut fanout = Fanout::default();
    let stdout_taken = config.reports.iter().any(|r| r.target.is_stdout());
    let (out, tty, stream, term): (Box<dyn Write + Send>, bool, _, _) = if stdout_taken {
        let tty = std::io::stderr().is_terminal();
        (
            Box::new(std::io::stderr()),
            tty,
            Stream::Stderr,
            console::Term::stderr(),
        )
    } else {
        let tty = std::io::stdout().is_terminal();
        (
            Box::new(std::io::stdout()),
            tty,
            Stream::Stdout,
            console::Term::stdout(),
        )
    };
    fanout.push(Box::new(ConsoleReporter::new(
        out,
        ConsoleOptions {
            verbosity: config.verbosity,
            color: color_enabled(config.color, tty),
            // A pipe or a file gets no progress rows: a log keeps only finished lines.
            progress: tty.then_some(stream),
            width: console_width(tty.then_some(&term)),
            flush_every: if tty {
                Duration::ZERO
            } else {
                Duration::from_millis(100)
            },
        },
    )));
    for spec in &config.reports {
        fanout.push(spec.open()?);
    }
    Ok(fanout)
}

/// `--show-secrets` is for a person at a terminal: never into a pipe, a file or a report.
fn show_secrets(config: &RunConfig) -> bool {
    if !config.show_secrets {
        return false;
    }
    // Both streams: the tool's trace (`STEPRUN_LOG`) and warnings go to stderr, which may be
    // a log file while stdout is the terminal.
    let at_terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let saved = config.save_vars.is_some();
    if at_terminal && config.reports.is_empty() && !saved {
        return true;
    }
    say_err!(
        "warning: --show-secrets ignored: output is not a terminal, or a report or --save-vars file is being written"
    );
    false
}

fn random_run_id() -> String {
    let n: u32 = rand::random();
    format!("{n:08x}")
}
