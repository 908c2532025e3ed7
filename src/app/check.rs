//! `steprun check`, and the static check every run makes first: the vars files' values and
//! every workflow, against the names the run will define, before anything is sent.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Arc;

use crate::cli::CheckArgs;
use crate::config::{PlanEntry, TagFilter, VarConfig, load_workflows};
use crate::diagnostic::Diagnostic;
use crate::error::{AppError, RunOutcome};
use crate::secret::MaybeSecret;
use crate::template::Templates;
use crate::vars::decl::VarDecl;
use crate::workflow::check;
use crate::workflow::model::Workflow;
use crate::workflow::requires::Tenant;
use crate::workflow::requires::read::tenant_warnings;

/// Names every run defines besides its variables.
const BUILTINS: &[&str] = &["run_id"];

fn known_names(vars: &VarConfig, extra: &[Vec<VarDecl>]) -> BTreeSet<String> {
    let mut names = vars.names();
    names.extend(BUILTINS.iter().map(|s| (*s).to_owned()));
    if vars.sandbox {
        names.extend(
            crate::sandbox::VARIABLES
                .iter()
                .map(|(name, _)| (*name).to_owned()),
        );
    }
    names.extend(extra.iter().flatten().map(|d| d.name.clone()));
    names
}

/// The static check of a run: vars files' values, then every workflow in order. With a
/// matrix, each entry is checked on its own (its vars file may be the only one defining a
/// name another entry lacks); an error found in only some entries names them.
pub(super) fn static_check(
    workflows: &[Arc<Workflow>],
    vars: &VarConfig,
    matrix: &[&PlanEntry],
    templates: &Templates,
) -> (Vec<Diagnostic>, Vec<String>) {
    if matrix.is_empty() {
        return check_entry(workflows, vars, &[], vars.tenant.as_ref(), templates);
    }
    // Each distinct error once, with the entries it was found in.
    let mut found: Vec<(String, Diagnostic, Vec<Cow<str>>)> = Vec::new();
    let mut warnings = Vec::new();
    for entry in matrix {
        let label = entry.label().unwrap_or_default();
        let (errors, entry_warnings) = match entry.vars() {
            Ok((decls, tenant)) => check_entry(
                workflows,
                vars,
                std::slice::from_ref(&decls),
                tenant.as_ref().or(vars.tenant.as_ref()),
                templates,
            ),
            Err(d) => (vec![d], Vec::new()),
        };
        // The same workflows in every entry: the same warnings, but for a tenant's.
        for warning in entry_warnings {
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
        for d in errors {
            let text = d.to_string();
            match found.iter_mut().find(|(t, _, _)| *t == text) {
                Some((_, _, labels)) => labels.push(label.clone()),
                None => found.push((text, d, vec![label.clone()])),
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
    for decls in vars
        .layers
        .files
        .iter()
        .map(|f| &f[..])
        .chain(extra.iter().map(Vec::as_slice))
    {
        errors.extend(check::check_decls(decls, &known, templates));
    }
    // The layers a run entry will have; the sandbox's values are not known yet, its names are.
    let mut layers = vars.layers.clone();
    if vars.sandbox {
        layers.files.insert(0, sandbox_declarations().into());
    }
    layers
        .files
        .extend(extra.iter().map(|decls| decls.as_slice().into()));
    let (workflow_errors, check_warnings) = check::check(workflows, &known, templates, &layers);
    errors.extend(workflow_errors);
    let mut warnings = match tenant {
        Some(tenant) if !vars.sandbox => tenant_warnings(workflows, tenant),
        _ => Vec::new(),
    };
    warnings.extend(check_warnings);
    (errors, warnings)
}

/// The sandbox's variables as `check` knows them before a sandbox runs: their names and
/// secrecy (`sandbox::VARIABLES`), not their values.
pub(super) fn sandbox_declarations() -> Vec<VarDecl> {
    let entries = crate::sandbox::VARIABLES
        .iter()
        .map(|&(name, secret)| (name, MaybeSecret::new(String::new(), secret)));
    sandbox_layer(entries)
}

/// The sandbox's variables as a layer of declarations: each value held as its entry says.
pub(super) fn sandbox_layer<'a>(
    entries: impl IntoIterator<Item = (&'a str, MaybeSecret<String>)>,
) -> Vec<VarDecl> {
    let source = Arc::new(crate::workflow::source::Source::new("(sandbox)", ""));
    entries
        .into_iter()
        .map(|(name, value)| VarDecl {
            name: name.to_owned(),
            secret: Some(value.is_secret()),
            value: Some(value.map(serde_json::Value::String)),
            env: None,
            source: Arc::clone(&source),
            span: 0..0,
        })
        .collect()
}

pub(super) fn check_command(args: &CheckArgs) -> Result<RunOutcome, AppError> {
    let workflows = load_workflows(&args.paths, &TagFilter::ALL)
        .and_then(|w| crate::config::some_workflows(w, &args.paths, &TagFilter::ALL))
        .map_err(AppError::invalid)?;
    let vars = VarConfig::from_args(&args.vars).map_err(|d| AppError::invalid([d]))?;
    let templates = Templates::new("00000000");
    let (errors, warnings) = static_check(&workflows, &vars, &[], &templates);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    for warning in warnings {
        say_err!("{warning}");
    }
    let steps: usize = workflows.iter().map(|w| w.steps.len()).sum();
    let count = workflows.len();
    // The process ends next: freeing every loaded step one by one would only delay the exit
    // (`run` does not free them either).
    std::mem::forget(workflows);
    let plural = crate::report::excerpt::plural;
    say!(
        "ok: {}, {}",
        plural(count, "workflow", "workflows"),
        plural(steps, "step", "steps")
    );
    Ok(RunOutcome::Passed)
}
