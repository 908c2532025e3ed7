//! The commands: each turns its config into work and its outcome into an exit code.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use crate::cli::{
    CheckArgs, Cli, Command, ImportCommand, ListArgs, PostmanArgs, RunArgs, SandboxArgs, TeachArgs,
};
use crate::config::{RunConfig, VarConfig, load_workflows};
use crate::diagnostic::Diagnostic;
use crate::engine::{
    AlwaysSend, Cancel, Engine, EngineOptions, EventSink, Gate, RunEntry, RunResult,
};
use crate::event::{Event, Reporter, RunInfo};
use crate::exit;
use crate::report::{ConsoleOptions, ConsoleReporter, Fanout, color_enabled};
use crate::teach::TeachOptions;
use crate::template::Templates;
use crate::vars::{self, VarStore};
use crate::workflow::check;
use crate::workflow::load::load_vars_file;
use crate::workflow::model::{VarDecl, Workflow};
use crate::{prompt, sandbox, save, teach};

/// `println!` and `eprintln!` panic when their stream is closed (`steprun … | head`); these
/// drop the line instead.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! say_err {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Names every run defines: the built-ins, and the sandbox's variables under `--sandbox`.
const BUILTINS: &[&str] = &["run_id"];
pub const SANDBOX_VARS: &[&str] = &[
    "target",
    "apiPath",
    "authPath",
    "sandboxPath",
    "orgID",
    "adminEnvID",
    "adminAppID",
    "adminAppSecret",
    "envID",
];

pub fn main(cli: Cli) -> u8 {
    // One step at a time is latency-bound: a single-threaded runtime saves a thread hand-off
    // (and a context switch) per request. Parallel runs (`--jobs`) and the sandbox server,
    // which signs tokens, get worker threads.
    let parallel = match &cli.command {
        Command::Run(args) => args.jobs > 1,
        Command::Sandbox(_) => true,
        Command::Check(_) | Command::List(_) | Command::Teach(_) | Command::Schema => false,
        // No runtime: converting files sends nothing.
        Command::Import(ImportCommand::Postman(args)) => return import_postman(args),
    };
    let mut builder = if parallel {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            say_err!("error: cannot start the async runtime: {e}");
            return exit::TOOL;
        }
    };
    let code = match cli.command {
        Command::Run(args) => runtime.block_on(run(&args)),
        Command::Teach(args) => runtime.block_on(teach_command(&args)),
        Command::Check(args) => check_command(&args),
        Command::List(args) => list(&args),
        Command::Sandbox(args) => runtime.block_on(serve_sandbox(&args)),
        Command::Schema => print_schema(),
        Command::Import(_) => exit::OK,
    };
    // A thread still blocked reading a `prompt` answer must not keep an interrupted run alive.
    runtime.shutdown_background();
    code
}

/// `steprun import postman`: write the workflows, then say what they need.
fn import_postman(args: &PostmanArgs) -> u8 {
    let options = crate::import::PostmanOptions {
        file: args.file.clone(),
        out: args.out.clone(),
        force: args.force,
    };
    match crate::import::postman(&options) {
        Ok(report) => {
            say!("{report}");
            exit::OK
        }
        Err(e) => {
            say_err!("{}", e.to_string().trim_end());
            e.exit_code()
        }
    }
}

/// `steprun schema`: the workflow format's JSON Schema, pretty-printed on stdout.
fn print_schema() -> u8 {
    let schema = crate::workflow::schema::workflow_schema();
    let written = serde_json::to_string_pretty(&schema)
        .map_err(std::io::Error::other)
        .and_then(|text| writeln!(std::io::stdout().lock(), "{text}"));
    match written {
        Ok(()) => exit::OK,
        Err(e) => {
            say_err!("error: cannot write the schema: {e}");
            exit::TOOL
        }
    }
}

fn report_invalid(diagnostics: &[Diagnostic]) -> u8 {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{d}");
    }
    let _ = writeln!(
        err,
        "{} error{} found; nothing was sent",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" }
    );
    exit::INVALID
}

fn known_names(vars: &VarConfig, extra: &[Vec<VarDecl>]) -> BTreeSet<String> {
    let mut names = vars.names();
    names.extend(BUILTINS.iter().map(|s| (*s).to_owned()));
    if vars.sandbox {
        names.extend(SANDBOX_VARS.iter().map(|s| (*s).to_owned()));
    }
    names.extend(extra.iter().flatten().map(|d| d.name.clone()));
    names
}

/// The static check of a run: vars files' values, then every workflow in order.
fn static_check(
    workflows: &[Arc<Workflow>],
    vars: &VarConfig,
    extra: &[Vec<VarDecl>],
    templates: &Templates,
) -> Vec<Diagnostic> {
    let known = known_names(vars, extra);
    let mut errors = Vec::new();
    for decls in vars.layers.files.iter().chain(extra) {
        errors.extend(check::check_decls(decls, &known, templates));
    }
    errors.extend(check::check(workflows, &known, templates));
    errors
}

fn check_command(args: &CheckArgs) -> u8 {
    let workflows = match load_workflows(&args.paths, &[]) {
        Ok(w) => w,
        Err(d) => return report_invalid(&d),
    };
    let vars = match VarConfig::from_args(&args.vars) {
        Ok(v) => v,
        Err(d) => return report_invalid(&[d]),
    };
    let templates = Templates::new("00000000");
    let errors = static_check(&workflows, &vars, &[], &templates);
    if !errors.is_empty() {
        return report_invalid(&errors);
    }
    let steps: usize = workflows.iter().map(|w| w.steps.len()).sum();
    say!("ok: {} workflows, {steps} steps", workflows.len());
    exit::OK
}

fn list(args: &ListArgs) -> u8 {
    let workflows = match load_workflows(&args.paths, &args.tags) {
        Ok(w) => w,
        Err(d) => return report_invalid(&d),
    };
    let mut out = std::io::stdout().lock();
    for w in &workflows {
        let description = w
            .description
            .as_deref()
            .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or("");
        let tags = if w.tags.is_empty() {
            String::new()
        } else {
            format!(" [{}]", w.tags.join(", "))
        };
        let _ = writeln!(out, "{}  ({} steps){tags}", w.name, w.steps.len());
        let _ = writeln!(out, "    {}", w.source.path().display());
        if !description.is_empty() {
            let _ = writeln!(out, "    {description}");
        }
    }
    let _ = writeln!(out, "{} workflows", workflows.len());
    exit::OK
}

async fn serve_sandbox(args: &SandboxArgs) -> u8 {
    let sandbox = match sandbox::start(args.listen).await {
        Ok(s) => s,
        Err(e) => {
            say_err!("error: the sandbox cannot listen on {}: {e}", args.listen);
            return exit::TOOL;
        }
    };
    let vars = sandbox.vars();
    if let Some(path) = &args.write_vars
        && let Err(e) = write_atomically(path, &vars.to_toml())
    {
        say_err!("error: cannot write {}: {e}", path.display());
        return exit::TOOL;
    }
    say!("PingOne sandbox listening on http://{}", sandbox.addr());
    for (name, value, _) in vars.entries() {
        say!("  {name} = {value}");
    }
    if let Some(path) = &args.write_vars {
        say!("variables written to {}", path.display());
    }
    say!("press Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    exit::OK
}

/// Writes through a temporary file, so a reader never sees half a file.
fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

async fn run(args: &RunArgs) -> u8 {
    match RunConfig::from_args(args) {
        Ok(config) => {
            let code = run_config(&config, None).await;
            // The process ends next: freeing every loaded step one by one would only delay
            // the exit (about a millisecond per thousand steps).
            std::mem::forget(config);
            code
        }
        Err(d) => report_invalid(&d),
    }
}

/// `steprun teach`: a run of one workflow with the teaching gate and reporter; a quit at the
/// prompt is an interruption (exit 130, cleanups ran), as documented in the README.
async fn teach_command(args: &TeachArgs) -> u8 {
    match RunConfig::from_teach_args(args) {
        Ok(config) => run_config(&config, Some(!args.yes)).await,
        Err(d) => report_invalid(&d),
    }
}

/// Checks, starts the sandbox if asked, runs. `teach` is `Some(pause)` for `steprun teach`.
async fn run_config(config: &RunConfig, teach: Option<bool>) -> u8 {
    let mut matrix_layers = Vec::new();
    for (_, path) in &config.matrix {
        match load_vars_file(path) {
            Ok(decls) => matrix_layers.push(decls),
            Err(d) => return report_invalid(&[d]),
        }
    }
    let templates = Arc::new(Templates::new(&random_run_id()));
    let errors = static_check(&config.workflows, &config.vars, &matrix_layers, &templates);
    if !errors.is_empty() {
        return report_invalid(&errors);
    }
    let sandbox = if config.vars.sandbox {
        match sandbox::start(([127, 0, 0, 1], 0).into()).await {
            Ok(s) => Some(s),
            Err(e) => {
                say_err!("error: the sandbox cannot start: {e}");
                return exit::TOOL;
            }
        }
    } else {
        None
    };
    let entries = run_entries(config, sandbox.as_ref(), matrix_layers);
    for entry in &entries {
        if let Err(e) = vars::resolve(&entry.layers, &VarStore::new(), &templates) {
            return report_invalid(&[Diagnostic::new(e.to_string())]);
        }
    }
    let code = execute(config, entries, templates, teach).await;
    if let Some(s) = sandbox {
        s.shutdown().await;
    }
    code
}

/// One entry per matrix vars file (or one for the command line), each with the sandbox's
/// variables under the vars files.
fn run_entries(
    config: &RunConfig,
    sandbox: Option<&sandbox::Sandbox>,
    matrix: Vec<Vec<VarDecl>>,
) -> Vec<RunEntry> {
    let mut base = config.vars.layers.clone();
    if let Some(s) = sandbox {
        base.files.insert(0, sandbox_decls(s));
    }
    if matrix.is_empty() {
        return vec![RunEntry {
            label: None,
            layers: base,
        }];
    }
    config
        .matrix
        .iter()
        .zip(matrix)
        .map(|((label, _), decls)| {
            let mut layers = base.clone();
            layers.files.push(decls);
            RunEntry {
                label: Some(label.clone()),
                layers,
            }
        })
        .collect()
}

fn sandbox_decls(s: &sandbox::Sandbox) -> Vec<VarDecl> {
    let source = Arc::new(crate::workflow::source::Source::new("(sandbox)", ""));
    s.vars()
        .entries()
        .into_iter()
        .map(|(name, value, secret)| VarDecl {
            name: name.to_owned(),
            value: Some(serde_json::Value::String(value)),
            env: None,
            secret: Some(secret),
            source: Arc::clone(&source),
            span: 0..0,
        })
        .collect()
}

async fn execute(
    config: &RunConfig,
    entries: Vec<RunEntry>,
    templates: Arc<Templates>,
    teach: Option<bool>,
) -> u8 {
    let (sink, gate) = match front(config, teach) {
        Ok((reporter, gate)) => (Arc::new(EventSink::new(reporter)), gate),
        Err(e) => {
            say_err!("error: {e}");
            return exit::TOOL;
        }
    };
    let cancel = Arc::new(Cancel::new());
    let engine = Engine {
        templates,
        clients: crate::http::Clients::new(),
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
    let workflows = &config.workflows;
    let engine_ref = &engine;
    let mut results: Vec<(usize, RunResult)> =
        futures_util::stream::iter(entries.iter().enumerate())
            .map(|(i, entry)| async move { (i, engine_ref.run(i, entry, workflows).await) })
            .buffer_unordered(config.jobs.max(1))
            .collect()
            .await;
    interrupter.abort();
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<RunResult> = results.into_iter().map(|(_, r)| r).collect();
    let summary = engine.summarize(&results, started);
    if let Err(e) = sink.finish() {
        say_err!("error: cannot write a report: {e}");
        return exit::TOOL;
    }
    if let Some(path) = &config.save_vars
        && let Err(e) = save::save_vars(path, &entries, &results, config.save_secrets)
    {
        say_err!("error: {e}");
        return exit::TOOL;
    }
    if summary.interrupted {
        exit::INTERRUPTED
    } else if summary.steps_failed + summary.cleanups_failed + summary.workflows_failed > 0 {
        exit::FAILED
    } else {
        exit::OK
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
    let (out, tty): (Box<dyn Write + Send>, bool) = if stdout_taken {
        (Box::new(std::io::stderr()), std::io::stderr().is_terminal())
    } else {
        (Box::new(std::io::stdout()), std::io::stdout().is_terminal())
    };
    fanout.push(Box::new(ConsoleReporter::new(
        out,
        ConsoleOptions {
            verbosity: config.verbosity,
            color: color_enabled(config.color, tty),
            progress: tty,
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
    if std::io::stdout().is_terminal() && config.reports.is_empty() {
        return true;
    }
    say_err!(
        "warning: --show-secrets ignored: output is not a terminal or a report is being written"
    );
    false
}

fn random_run_id() -> String {
    let n: u32 = rand::random();
    format!("{n:08x}")
}
