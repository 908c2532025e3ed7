//! Resolved settings for a command: workflow files found, variables layered, reports chosen.
//! This is where command-line text becomes typed values; below here nothing sees clap.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::VarArgs;
use crate::diagnostic::Diagnostic;
use crate::report::{ReportSpec, ReportTarget};
use crate::vars::Var;
use crate::vars::layers::Layers;
use crate::workflow::convert::is_identifier;
use crate::workflow::load::{Loader, load_vars_and_tenant};
use crate::workflow::model::Workflow;
use crate::workflow::requires::Tenant;
use crate::workflow::source::normalized;

mod duration_default;
mod net;
pub mod partition;
pub mod plan;
mod ties;
mod walk;
pub use net::network_config;
pub use plan::{PlanEntry, PlanError, RunPlan};

/// Prefix of environment variables that become steprun variables.
pub const ENV_PREFIX: &str = "STEPRUN_VAR_";

/// Variables from the command line and environment, before any workflow's `[vars]`.
#[derive(Debug, Clone)]
pub struct VarConfig {
    pub layers: Layers,
    pub sandbox: bool,
    /// `--sandbox-faults`: what the sandbox does wrong on purpose.
    pub sandbox_faults: Option<crate::sandbox::FaultSpec>,
    /// What the last vars file with a `[tenant]` table says the tenant has.
    pub tenant: Option<Tenant>,
    /// The last `--vars` file's stem (`tenants/acme-prod.toml` → `acme-prod`): the tenant a run
    /// without `--matrix` is about, as the spans name it.
    pub tenant_label: Option<String>,
}

impl VarConfig {
    pub fn from_args(args: &VarArgs) -> Result<VarConfig, Diagnostic> {
        let mut layers = Layers::default();
        let mut tenant = None;
        for file in &args.vars {
            let (decls, stated) = load_vars_and_tenant(file)?;
            layers.files.push(decls.into());
            tenant = stated.or(tenant);
        }
        // A secret name's value is held as a secret from the moment it is read.
        let held = |name: String, text: String| {
            let var = Var::declared(&name, serde_json::Value::String(text), None);
            (name, var)
        };
        layers.env = std::env::vars()
            .filter_map(|(k, v)| k.strip_prefix(ENV_PREFIX).map(|n| (n.to_owned(), v)))
            .filter(|(n, _)| is_identifier(n))
            .map(|(n, v)| held(n, v))
            .collect();
        for assignment in &args.var {
            let (name, text) = parse_assignment(assignment)?;
            layers.cli.push(held(name, text));
        }
        let tenant_label = args
            .vars
            .last()
            .and_then(|f| f.file_stem())
            .map(|s| s.to_string_lossy().into_owned());
        Ok(VarConfig {
            layers,
            sandbox: args.sandbox,
            sandbox_faults: None,
            tenant,
            tenant_label,
        })
    }

    /// Every name these layers define (for the static check).
    pub fn names(&self) -> BTreeSet<String> {
        let l = &self.layers;
        l.files
            .iter()
            .flat_map(|f| f.iter())
            .map(|d| d.name.clone())
            .chain(l.env.iter().map(|(n, _)| n.clone()))
            .chain(l.cli.iter().map(|(n, _)| n.clone()))
            .collect()
    }
}

/// `NAME=VALUE`, with an identifier for a name.
pub fn parse_assignment(text: &str) -> Result<(String, String), Diagnostic> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| Diagnostic::new(format!("--var expects NAME=VALUE, found `{text}`")))?;
    if !is_identifier(name) {
        return Err(Diagnostic::new(format!(
            "--var `{name}`: variable names are identifiers (letters, digits, `_`)"
        )));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// Two reports cannot share a destination: on standard output they would run into each
/// other, in one file the second would overwrite the first. Files are compared by their
/// absolute path with `.` dropped and `..` taken back (`same.out`, `./same.out`,
/// `dir/../same.out` and `/cwd/same.out` are one file); links are not followed.
pub(crate) fn check_report_targets(reports: &[ReportSpec]) -> Result<(), Vec<Diagnostic>> {
    let places: Vec<Option<PathBuf>> = reports
        .iter()
        .map(|r| match &r.target {
            ReportTarget::Stdout => None,
            ReportTarget::File(path) => Some(lexical_absolute(path)),
        })
        .collect();
    for (i, a) in reports.iter().enumerate() {
        let Some(j) = (0..i).find(|&j| places[j] == places[i]) else {
            continue;
        };
        let b = &reports[j];
        let place = match (&b.target, &a.target) {
            (ReportTarget::File(pb), ReportTarget::File(pa)) if pb != pa => {
                format!("one file (`{}` and `{}`)", pb.display(), pa.display())
            }
            (_, ReportTarget::File(path)) => path.display().to_string(),
            (_, ReportTarget::Stdout) => "standard output (`-`)".to_owned(),
        };
        return Err(vec![Diagnostic::new(format!(
            "--report: the {} and {} reports both go to {place}",
            b.format, a.format
        ))]);
    }
    Ok(())
}

/// `path` made absolute against the working directory, with `.` components dropped and each
/// `..` removing the component before it, without asking the file system (the file need not
/// exist yet).
fn lexical_absolute(path: &Path) -> PathBuf {
    normalized(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Which workflows `--tag` and `--skip-tag` select: any of `include` (all when it is empty),
/// and none of `exclude`, which wins, so CI can leave out `interactive` whatever else it picks.
#[derive(Debug, Clone, Copy)]
pub struct TagFilter<'a> {
    include: &'a [String],
    exclude: &'a [String],
}

impl<'a> TagFilter<'a> {
    /// Every workflow.
    pub const ALL: TagFilter<'static> = TagFilter {
        include: &[],
        exclude: &[],
    };

    pub fn new(include: &'a [String], exclude: &'a [String]) -> TagFilter<'a> {
        TagFilter { include, exclude }
    }

    pub fn selects(&self, tags: &[String]) -> bool {
        (self.include.is_empty() || tags.iter().any(|t| self.include.contains(t)))
            && !tags.iter().any(|t| self.exclude.contains(t))
    }

    /// How the filter reads in a message: `the tag a or b, without c`.
    fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.include.is_empty() {
            parts.push(format!("has the tag {}", self.include.join(" or ")));
        }
        if !self.exclude.is_empty() {
            parts.push(format!("lacks the tag {}", self.exclude.join(" and ")));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}

/// Loads the workflows named by `paths` (default `workflows/`): files as given, directories
/// walked in sorted order (see `walk`), skipping fragments found in directories. All load errors are
/// collected, so one run reports every broken file.
pub fn load_workflows(
    paths: &[PathBuf],
    tags: &TagFilter,
) -> Result<Vec<Arc<Workflow>>, Vec<Diagnostic>> {
    load_workflows_noting(paths, tags, &mut Vec::new())
}

/// `load_workflows`, saying in `skipped` what the directories held that was not run (for `-v`):
/// hidden and ignored entries, `.toml` files without steps, fragments.
pub fn load_workflows_noting(
    paths: &[PathBuf],
    tags: &TagFilter,
    skipped: &mut Vec<String>,
) -> Result<Vec<Arc<Workflow>>, Vec<Diagnostic>> {
    let default = [PathBuf::from("workflows")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut errors = Vec::new();
    let files = named_files(paths, skipped, &mut errors);
    let workflows = load_files(files, tags, skipped, &mut errors);
    if errors.is_empty() {
        Ok(workflows)
    } else {
        Err(errors)
    }
}

/// The files `paths` name, each with whether it was named itself (`true`) or found in a
/// directory; a path that is neither is an error.
fn named_files(
    paths: &[PathBuf],
    skipped: &mut Vec<String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, bool)> {
    let mut files = Vec::new();
    if paths.iter().filter(|p| is_stdin(p)).count() > 1 {
        errors.push(Diagnostic::new(
            "standard input (`-`) holds one workflow: name it once",
        ));
    }
    for path in paths {
        if is_stdin(path) {
            files.push((path.clone(), true));
        } else if path.is_dir() {
            let mut found = Vec::new();
            walk::workflow_files(path, &mut found, skipped, errors);
            files.extend(found.into_iter().map(|f| (f, false)));
        } else if path.exists() {
            files.push((path.clone(), true));
        } else {
            errors.push(Diagnostic::new(format!(
                "no such file or directory: {}",
                path.display()
            )));
        }
    }
    files
}

/// Loads `files`: the workflows the tags select, in order. A fragment found in a directory
/// is skipped; a file named itself that is no workflow says why.
fn load_files(
    files: Vec<(PathBuf, bool)>,
    tags: &TagFilter,
    skipped: &mut Vec<String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Arc<Workflow>> {
    let mut loader = Loader::new();
    let mut workflows = Vec::new();
    for (file, explicit) in files {
        let file = one_spelling(&file);
        let loaded = if is_stdin(&file) {
            loader.load_stdin()
        } else {
            loader.load(&file)
        };
        let steps = loaded.as_ref().map(|w| w.steps.len()).ok();
        tracing::debug!(path = %file.display(), ?steps, "loaded");
        match loaded {
            Ok(w) if w.fragment && !explicit => {
                skipped.push(format!(
                    "{} (a fragment: runs through `use`)",
                    file.display()
                ));
            }
            Ok(w) if tags.selects(&w.tags) => {
                workflows.push(w);
            }
            Ok(_) => {}
            Err(d) if explicit && d.help.is_none() && !walk::file_has_steps(&file) => {
                errors.push(d.with_help(
                    "this file has no steps, so it is not a workflow: a workflow has a `name` and `[[steps]]`",
                ));
            }
            Err(d) => errors.push(d),
        }
    }
    workflows
}

/// One spelling per file (`./a.toml` and `a.toml` are one), as `use` paths have, so a file
/// found both in a directory and through `use` is named alike. Only `.` parts go: `link/..`
/// is where the file system says, not where the text does.
fn one_spelling(file: &Path) -> PathBuf {
    file.components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect()
}

/// `-`: the workflow is read from standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// `workflows`, unless there are none: running or checking nothing is a mistake in the paths
/// or the tags (exit 2), not a success.
pub fn some_workflows(
    workflows: Vec<Arc<Workflow>>,
    paths: &[PathBuf],
    tags: &TagFilter,
) -> Result<Vec<Arc<Workflow>>, Vec<Diagnostic>> {
    if !workflows.is_empty() {
        return Ok(workflows);
    }
    let paths = if paths.is_empty() {
        "workflows".to_owned()
    } else {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        names.join(", ")
    };
    let diagnostic = match tags.describe() {
        None => Diagnostic::new(format!("no workflow files in {paths}")).with_help(
            "a workflow is a .toml file with a `name` and `[[steps]]`; a `fragment = true` file runs only through `use`",
        ),
        Some(filter) => Diagnostic::new(format!("no workflow in {paths} {filter}")),
    };
    Err(vec![diagnostic])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(args: &[&str]) -> Vec<ReportSpec> {
        args.iter().map(|a| a.parse().unwrap()).collect()
    }

    fn message(args: &[&str]) -> Option<String> {
        check_report_targets(&specs(args))
            .err()
            .map(|d| d[0].to_string().trim_end().to_owned())
    }

    #[test]
    fn one_file_under_two_spellings_is_one_destination() {
        let cwd = std::env::current_dir().unwrap();
        let absolute = format!("html={}", cwd.join("same.out").display());
        for second in [
            "junit=same.out",
            "junit=./same.out",
            "junit=dir/../same.out",
            "junit=./dir/./../same.out",
            absolute.as_str(),
        ] {
            let text = message(&["json=same.out", second])
                .unwrap_or_else(|| panic!("json=same.out and {second} were let through"));
            assert!(text.contains("the json and "), "{text}");
            assert!(text.contains("reports both go to "), "{text}");
        }
        let text = message(&["json=same.out", "junit=./same.out"]).unwrap();
        assert!(
            text.contains(
                "the json and junit reports both go to one file (`same.out` and `./same.out`)"
            ),
            "{text}"
        );
        let text = message(&["json=same.out", "junit=same.out"]).unwrap();
        assert!(text.ends_with("both go to same.out"), "{text}");
    }

    #[test]
    fn different_files_and_stdout_are_kept_apart() {
        assert_eq!(message(&["json=a.out", "junit=b.out", "html=-"]), None);
        assert_eq!(message(&["json=dir/same.out", "junit=same.out"]), None);
        assert_eq!(message(&["json=../same.out", "junit=same.out"]), None);
        // `-` is standard output, not a file named `-`, and `./-` is that file.
        assert_eq!(message(&["json=-", "junit=./-"]), None);
        let text = message(&["json=-", "junit=-"]).unwrap();
        assert!(text.contains("both go to standard output (`-`)"), "{text}");
    }
}
