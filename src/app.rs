//! The commands: `main` dispatches each to its module and returns its outcome or error,
//! which `crate::error` maps to the exit code.

use std::io::Write;
use std::sync::Arc;

use crate::cli::{Cli, Command, ImportCommand, ListArgs, PostmanArgs, ReportCommand, SandboxArgs};
use crate::config::partition::Partition;
use crate::config::plan::listed_shard;
use crate::config::{TagFilter, load_workflows};
use crate::error::{AppError, RunOutcome};
use crate::sandbox;
use crate::workflow::model::Workflow;

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

mod check;
mod merge;
mod run;
mod shell;
mod signals;

use check::check_command;
use run::{run, teach_command};

pub fn main(cli: Cli) -> Result<RunOutcome, AppError> {
    // A run is latency-bound: its workflows, however many `--jobs` run at once, are polled on
    // one thread, so worker threads would only move hyper's connection tasks elsewhere, at a
    // thread hand-off per request, and a connection would come back to the pool after the
    // next request had opened another (half again as many connections as workflows in
    // flight). A single-threaded runtime keeps one connection per workflow in flight. The
    // sandbox server, which signs tokens, gets worker threads, in its own process or in a
    // run's (`--sandbox`) beside parallel workflows.
    let parallel = match &cli.command {
        Command::Run(args) => args.jobs > 1 && args.vars.sandbox,
        Command::Sandbox(_) => true,
        Command::Check(_) | Command::List(_) | Command::Teach(_) | Command::Schema => false,
        // No runtime: printing text sends nothing.
        Command::Completions(args) => return shell::completions(args.shell),
        Command::Man => return shell::man(),
        // No runtime: converting files sends nothing.
        Command::Import(ImportCommand::Postman(args)) => return import_postman(args),
        // No runtime: merging files sends nothing.
        Command::Report(ReportCommand::Merge(args)) => return merge::merge_reports(args),
    };
    let mut builder = if parallel {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return Err(AppError::tool("cannot start the async runtime", e)),
    };
    let result = match cli.command {
        Command::Run(args) => runtime.block_on(run(&args)),
        Command::Teach(args) => runtime.block_on(teach_command(&args)),
        Command::Check(args) => check_command(&args),
        Command::List(args) => list(&args),
        Command::Sandbox(args) => runtime.block_on(serve_sandbox(&args)),
        Command::Schema => print_schema(),
        Command::Import(_) | Command::Report(_) | Command::Completions(_) | Command::Man => {
            Ok(RunOutcome::Passed)
        }
    };
    // A thread still blocked reading a `prompt` answer must not keep an interrupted run alive.
    runtime.shutdown_background();
    result
}

/// `steprun import postman`: write the workflows, then say what they need.
fn import_postman(args: &PostmanArgs) -> Result<RunOutcome, AppError> {
    let options = crate::import::PostmanOptions {
        file: args.file.clone(),
        out: args.out.clone(),
        force: args.force,
    };
    let report = crate::import::postman(&options)?;
    say!("{report}");
    Ok(RunOutcome::Passed)
}

/// `steprun schema`: the workflow format's JSON Schema, pretty-printed on stdout.
fn print_schema() -> Result<RunOutcome, AppError> {
    let schema = crate::workflow::schema::workflow_schema();
    let written = serde_json::to_string_pretty(&schema)
        .map_err(std::io::Error::other)
        .and_then(|text| writeln!(std::io::stdout().lock(), "{text}"));
    written.map_err(|e| AppError::tool("cannot write the schema", e))?;
    Ok(RunOutcome::Passed)
}

fn list(args: &ListArgs) -> Result<RunOutcome, AppError> {
    let partition = args
        .partition
        .as_deref()
        .map(str::parse::<Partition>)
        .transpose()
        .map_err(AppError::Usage)?;
    let workflows = load_workflows(&args.paths, &TagFilter::new(&args.tags, &args.skip_tags))
        .map_err(AppError::invalid)?;
    let labels: Vec<Option<String>> = match &args.matrix {
        Some(pattern) => crate::config::plan::matrix_labels(pattern)?
            .into_iter()
            .map(Some)
            .collect(),
        None => vec![None],
    };
    let listed = listed(&workflows, &labels, partition.as_ref());
    let mut out = std::io::stdout().lock();
    for (w, label, unit) in &listed {
        write_listed(&mut out, w, *label, unit);
    }
    let _ = writeln!(
        out,
        "{}",
        crate::report::excerpt::plural(listed.len(), "workflow", "workflows")
    );
    Ok(RunOutcome::Passed)
}

/// A workflow as `list` shows it: under a `--matrix` entry's label, with the files it runs in
/// one unit with.
type Listed<'w> = (&'w Workflow, Option<&'w str>, Vec<String>);

/// Each workflow listed (once per `--matrix` entry, under its label), with the files it
/// runs in one unit with under `--partition`.
fn listed<'w>(
    workflows: &'w [Arc<Workflow>],
    labels: &'w [Option<String>],
    partition: Option<&Partition>,
) -> Vec<Listed<'w>> {
    let units: Vec<(usize, Vec<usize>)> = match partition {
        None => (0..labels.len())
            .flat_map(|entry| (0..workflows.len()).map(move |w| (entry, vec![w])))
            .collect(),
        Some(partition) => {
            let (units, total) = listed_shard(workflows, labels, partition);
            // As `run` says it, so a shard's list and its run read alike.
            say_err!("{}", partition.share(units.len(), total));
            units
        }
    };
    units
        .into_iter()
        .flat_map(|(entry, group)| {
            let paths: Vec<String> = (group.iter())
                .map(|&i| workflows[i].source.path().display().to_string())
                .collect();
            let (workflows, label) = (&workflows, labels[entry].as_deref());
            let tied = group.len() > 1;
            group.into_iter().enumerate().map(move |(at, i)| {
                let others = (paths.iter().enumerate())
                    .filter(|(j, _)| tied && *j != at)
                    .map(|(_, p)| p.clone())
                    .collect();
                (&*workflows[i], label, others)
            })
        })
        .collect()
}

/// One workflow of `list`: its name, label, steps and tags, its file, the first line of its
/// description, what a real tenant must have for it, and its unit.
fn write_listed(out: &mut impl Write, w: &Workflow, label: Option<&str>, unit: &[String]) {
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
    let label = label.map(|l| format!(" [{l}]")).unwrap_or_default();
    let steps = crate::report::excerpt::plural(w.steps.len(), "step", "steps");
    let _ = writeln!(out, "{}{label}  ({steps}){tags}", w.name);
    let _ = writeln!(out, "    {}", w.source.path().display());
    if !description.is_empty() {
        let _ = writeln!(out, "    {description}");
    }
    // What a real tenant must have for it (its own `[requires]` and its `use`d files').
    for (what, names) in [("roles", &w.needs.roles), ("products", &w.needs.products)] {
        if !names.is_empty() {
            let _ = writeln!(out, "    {what}: {}", names.join(", "));
        }
    }
    if !unit.is_empty() {
        let _ = writeln!(out, "    runs in one unit with: {}", unit.join(", "));
    }
}

async fn serve_sandbox(args: &SandboxArgs) -> Result<RunOutcome, AppError> {
    // README, The sandbox: it serves on loopback. Anyone who reaches it can use its admin
    // credentials, which it prints, so another address takes an explicit --allow-remote.
    if !args.listen.ip().is_loopback() {
        if !args.allow_remote {
            return Err(AppError::Usage(format!(
                "--listen {}: the sandbox serves on loopback only (127.0.0.1 or [::1]); add --allow-remote to serve where other machines can reach it",
                args.listen
            )));
        }
        eprintln!(
            "warning: --listen {} --allow-remote: the sandbox is reachable from other machines, and anyone who reaches it can use its admin credentials",
            args.listen
        );
    }
    let faults = args
        .faults
        .as_deref()
        .map(sandbox::parse_faults)
        .transpose()
        .map_err(|e| AppError::Usage(format!("--faults: {e}")))?;
    // Listening for Ctrl-C and SIGTERM from before the vars file exists: whoever waits for it
    // may stop the sandbox as soon as it appears.
    let stop = signals::stop_requested()
        .map_err(|e| AppError::tool("cannot listen for Ctrl-C and SIGTERM", e))?;
    let sandbox = sandbox::start_with_faults(args.listen, faults)
        .await
        .map_err(|e| AppError::tool(format!("the sandbox cannot listen on {}", args.listen), e))?;
    let vars = sandbox.vars();
    if let Some(path) = &args.write_vars {
        crate::atomic::write(path, vars.to_toml().as_bytes())
            .map_err(|e| AppError::tool(format!("cannot write {}", path.display()), e))?;
    }
    say!("PingOne sandbox listening on http://{}", sandbox.addr());
    // The admin credentials too, on purpose: this is how a person or another process gets
    // them (README, The sandbox).
    for (name, value) in vars.entries() {
        say!("  {name} = {}", value.expose());
    }
    if let Some(path) = &args.write_vars {
        say!("variables written to {}", path.display());
    }
    if let Some(spec) = &args.faults {
        say!("faults injected: {spec}");
    }
    say!("press Ctrl-C to stop");
    stop.await;
    sandbox.shutdown().await;
    Ok(RunOutcome::Passed)
}

#[cfg(test)]
mod tests {
    use super::check::{sandbox_declarations, sandbox_layer};
    use crate::sandbox::{SandboxVars, VARIABLES};

    #[test]
    fn check_and_run_declare_the_sandbox_variables_alike() {
        let vars = SandboxVars {
            target: "sandbox".into(),
            api_path: "a".into(),
            auth_path: "b".into(),
            orchestrate_path: "c".into(),
            sandbox_path: "d".into(),
            org_id: "e".into(),
            admin_env_id: "f".into(),
            admin_app_id: "g".into(),
            admin_app_secret: "h".into(),
            env_id: "i".into(),
        };
        let secrecy = |decls: Vec<crate::vars::decl::VarDecl>| -> Vec<(String, Option<bool>)> {
            decls.into_iter().map(|d| (d.name, d.secret)).collect()
        };
        let checked = secrecy(sandbox_declarations());
        assert_eq!(checked, secrecy(sandbox_layer(vars.entries())));
        let expected: Vec<_> = VARIABLES
            .iter()
            .map(|&(name, secret)| (name.to_owned(), Some(secret)))
            .collect();
        assert_eq!(checked, expected);
        assert!(checked.contains(&("adminAppSecret".to_owned(), Some(true))));
    }
}
