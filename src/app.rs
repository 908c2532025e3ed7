//! The commands: each turns its config into work and its outcome into an exit code.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Arc;

use crate::cli::{CheckArgs, Cli, Command, ImportCommand, ListArgs, PostmanArgs, SandboxArgs};
use crate::config::{TagFilter, VarConfig, load_workflows};
use crate::diagnostic::Diagnostic;
use crate::exit;
use crate::sandbox;
use crate::template::Templates;
use crate::vars::decl::VarDecl;
use crate::workflow::check;
use crate::workflow::model::Workflow;
use crate::workflow::requires::Tenant;
use crate::workflow::requires::read::tenant_warnings;

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

mod run;
mod shell;

use run::{run, teach_command};

/// Names every run defines: the built-ins, and the sandbox's variables under `--sandbox`.
const BUILTINS: &[&str] = &["run_id"];
pub const SANDBOX_VARS: &[&str] = &[
    "target",
    "apiPath",
    "authPath",
    "orchestratePath",
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
        // No runtime: printing text sends nothing.
        Command::Completions(args) => return shell::completions(args.shell),
        Command::Man => return shell::man(),
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
        Command::Import(_) | Command::Completions(_) | Command::Man => exit::OK,
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
    let (whole, missing) = crate::diagnostic::grouped(diagnostics);
    // The same error reached twice (a file that fails to load, found in a directory and
    // through `use`) is said once.
    let mut said = std::collections::HashSet::new();
    let texts: Vec<String> = whole
        .iter()
        .map(ToString::to_string)
        .filter(|text| said.insert(text.clone()))
        .collect();
    let mut err = std::io::stderr().lock();
    for text in &texts {
        let _ = writeln!(err, "{text}");
    }
    // Missing variables, one line each, and how to define them.
    for line in &missing {
        let _ = writeln!(err, "{line}");
    }
    if !missing.is_empty() {
        let _ = writeln!(err, "{}\n", crate::diagnostic::MISSING_HINT);
    }
    let _ = writeln!(
        err,
        "{} found; nothing was sent",
        crate::report::excerpt::plural(texts.len() + missing.len(), "error", "errors")
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

/// The static check of a run: vars files' values, then every workflow in order. With a
/// matrix, each entry is checked on its own (its vars file may be the only one defining a
/// name another entry lacks); an error found in only some entries names them.
fn static_check(
    workflows: &[Arc<Workflow>],
    vars: &VarConfig,
    matrix: &[MatrixEntry],
    templates: &Templates,
) -> (Vec<Diagnostic>, Vec<String>) {
    if matrix.is_empty() {
        return check_entry(workflows, vars, &[], vars.tenant.as_ref(), templates);
    }
    // Each distinct error once, with the entries it was found in.
    let mut found: Vec<(String, Diagnostic, Vec<&str>)> = Vec::new();
    let mut warnings = Vec::new();
    for (label, decls, tenant) in matrix {
        let tenant = tenant.as_ref().or(vars.tenant.as_ref());
        let (errors, entry_warnings) = check_entry(
            workflows,
            vars,
            std::slice::from_ref(decls),
            tenant,
            templates,
        );
        // The same workflows in every entry: the same warnings, but for a tenant's.
        for warning in entry_warnings {
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
        for d in errors {
            let text = d.to_string();
            match found.iter_mut().find(|(t, _, _)| *t == text) {
                Some((_, _, labels)) => labels.push(label),
                None => found.push((text, d, vec![label])),
            }
        }
    }
    let errors = found
        .into_iter()
        .map(|(_, mut d, labels)| {
            if labels.len() < matrix.len() {
                d.message = format!("{} (matrix entry {})", d.message, labels.join(", "));
            }
            d
        })
        .collect();
    (errors, warnings)
}

/// A `--matrix` vars file: its label, its entries and its `[tenant]`.
pub(crate) type MatrixEntry = (String, Vec<VarDecl>, Option<Tenant>);

/// The check of one run entry: the vars files (and the entry's matrix file), then the
/// workflows; warnings first of what the workflows need that `tenant` lacks (on the sandbox,
/// which has everything, nothing).
fn check_entry(
    workflows: &[Arc<Workflow>],
    vars: &VarConfig,
    extra: &[Vec<VarDecl>],
    tenant: Option<&Tenant>,
    templates: &Templates,
) -> (Vec<Diagnostic>, Vec<String>) {
    let known = known_names(vars, extra);
    let mut errors = Vec::new();
    for decls in vars.layers.files.iter().chain(extra) {
        errors.extend(check::check_decls(decls, &known, templates));
    }
    // The layers a run entry will have; the sandbox's values are not known yet, its names are.
    let mut layers = vars.layers.clone();
    if vars.sandbox {
        let names = SANDBOX_VARS
            .iter()
            .map(|name| (*name, String::new(), false));
        layers.files.insert(0, sandbox_layer(names));
    }
    layers.files.extend(extra.iter().cloned());
    let (workflow_errors, check_warnings) = check::check(workflows, &known, templates, &layers);
    errors.extend(workflow_errors);
    let mut warnings = match tenant {
        Some(tenant) if !vars.sandbox => tenant_warnings(workflows, tenant),
        _ => Vec::new(),
    };
    warnings.extend(check_warnings);
    (errors, warnings)
}

/// The sandbox's variables as a layer of declarations: (name, value, secret).
fn sandbox_layer<'a>(entries: impl IntoIterator<Item = (&'a str, String, bool)>) -> Vec<VarDecl> {
    let source = Arc::new(crate::workflow::source::Source::new("(sandbox)", ""));
    entries
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

fn check_command(args: &CheckArgs) -> u8 {
    let loaded = load_workflows(&args.paths, &TagFilter::ALL)
        .and_then(|w| crate::config::some_workflows(w, &args.paths, &TagFilter::ALL));
    let workflows = match loaded {
        Ok(w) => w,
        Err(d) => return report_invalid(&d),
    };
    let vars = match VarConfig::from_args(&args.vars) {
        Ok(v) => v,
        Err(d) => return report_invalid(&[d]),
    };
    let templates = Templates::new("00000000");
    let (errors, warnings) = static_check(&workflows, &vars, &[], &templates);
    if !errors.is_empty() {
        return report_invalid(&errors);
    }
    for warning in warnings {
        say_err!("{warning}");
    }
    let steps: usize = workflows.iter().map(|w| w.steps.len()).sum();
    let plural = crate::report::excerpt::plural;
    say!(
        "ok: {}, {}",
        plural(workflows.len(), "workflow", "workflows"),
        plural(steps, "step", "steps")
    );
    exit::OK
}

fn list(args: &ListArgs) -> u8 {
    let workflows = match load_workflows(&args.paths, &TagFilter::new(&args.tags, &args.skip_tags))
    {
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
        // What a real tenant must have for it (its own `[requires]` and its `use`d files').
        for (what, names) in [("roles", &w.needs.roles), ("products", &w.needs.products)] {
            if !names.is_empty() {
                let _ = writeln!(out, "    {what}: {}", names.join(", "));
            }
        }
    }
    let _ = writeln!(
        out,
        "{}",
        crate::report::excerpt::plural(workflows.len(), "workflow", "workflows")
    );
    exit::OK
}

async fn serve_sandbox(args: &SandboxArgs) -> u8 {
    // README, The sandbox: it serves on loopback. Its admin credentials are fixed and printed,
    // so it must not be reachable from other machines.
    if !args.listen.ip().is_loopback() {
        say_err!(
            "error: --listen {}: the sandbox serves on loopback only (127.0.0.1 or [::1])",
            args.listen
        );
        return exit::INVALID;
    }
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
        say_err!(
            "error: cannot write {}: {}",
            path.display(),
            crate::io_reason::Reason(&e)
        );
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

/// Writes through a temporary file, so a reader never sees half a file. A path that is not a
/// regular file (`/dev/stdout`, a pipe, a device) is written to as it is, never replaced.
fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::write(path, text);
    }
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::FileTypeExt as _;
    use std::path::Path;

    use super::write_atomically;

    #[test]
    fn a_device_is_written_to_never_replaced() {
        // Writing through a temporary file and renaming it would replace the device node.
        write_atomically(Path::new("/dev/null"), "x").expect("/dev/null takes anything");
        assert!(write_atomically(Path::new("/dev/full"), "x").is_err());
        for device in ["/dev/null", "/dev/full"] {
            let kind = std::fs::metadata(device).expect(device).file_type();
            assert!(kind.is_char_device(), "{device} is still a device");
        }
    }

    #[test]
    fn a_file_is_replaced_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v.toml");
        std::fs::write(&path, "old old old").expect("write");
        write_atomically(&path, "new").expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert!(!dir.path().join("v.tmp~").exists());
    }
}
