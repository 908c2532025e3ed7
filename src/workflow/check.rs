//! The static check: everything in a run is validated before the first request (templates,
//! undefined variables, JSONPath and regex syntax, `requires`).

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::template::{TemplateError, Templates};
use crate::vars::decl::VarDecl;
use crate::vars::layers::{self as vars, Layers};
use crate::workflow::model::{Located, Workflow};
use crate::workflow::source::{Source, Span};

mod expected_vars;
mod jwt;
mod request;
mod response;

/// Checks workflows in run order. `known` are the names every workflow can use (vars files,
/// environment, `--var`, sandbox, built-ins); names extracted by a workflow count for later ones.
///
/// `layers` are the run's variable layers under the workflows' own `[vars]` (vars files,
/// environment, `--var`): with them, a `[vars]` entry whose environment variable is unset, or
/// values that reference each other in a cycle, are found here instead of at run time.
///
/// Returns the errors, and warnings for what runs but deserves a word (`insecure = true`).
pub fn check(
    workflows: &[Arc<Workflow>],
    known: &BTreeSet<String>,
    templates: &Templates,
    layers: &Layers,
) -> (Vec<Diagnostic>, Vec<String>) {
    let mut checker = Checker::new(templates, known, Some(layers));
    checker.layer_problems(layers);
    for workflow in workflows {
        checker.workflow(workflow);
    }
    // A file `use`d by several workflows is checked with each: say each error once.
    let mut seen = BTreeSet::new();
    let errors = checker
        .errors
        .into_iter()
        .filter(|d| seen.insert(d.to_string()))
        .collect();
    (errors, checker.warnings)
}

/// Checks the values of vars-file entries against the names defined anywhere.
pub fn check_decls(
    decls: &[VarDecl],
    known: &BTreeSet<String>,
    templates: &Templates,
) -> Vec<Diagnostic> {
    let mut checker = Checker::new(templates, known, None);
    checker.decls(decls);
    checker.errors
}

struct Checker<'a> {
    templates: &'a Templates,
    defined: BTreeSet<String>,
    errors: Vec<Diagnostic>,
    /// The run's layers under the workflows' `[vars]`; `None` when checking vars files alone.
    layers: Option<&'a Layers>,
    /// Names extracted (or prompted) by the workflows checked so far.
    extracted: BTreeSet<String>,
    warnings: Vec<String>,
    /// What the run's own layers fail on, reported once, before any workflow.
    layer_problems: BTreeSet<String>,
    /// Names a `requires` asked for that were not defined: taken as defined from there on (one
    /// error each), but never suggested for a misspelling.
    assumed: BTreeSet<String>,
    /// The last literal URL found good: steps often repeat one, and parsing is not free.
    last_url: Option<String>,
    /// The last JSONPath found good, for the same reason (a page of steps extracts `$.id`).
    last_jsonpath: Option<String>,
}

impl<'a> Checker<'a> {
    fn new(
        templates: &'a Templates,
        known: &BTreeSet<String>,
        layers: Option<&'a Layers>,
    ) -> Checker<'a> {
        Checker {
            templates,
            defined: known.clone(),
            errors: Vec::new(),
            layers,
            extracted: BTreeSet::new(),
            warnings: Vec::new(),
            layer_problems: BTreeSet::new(),
            last_url: None,
            last_jsonpath: None,
            assumed: BTreeSet::new(),
        }
    }
    fn workflow(&mut self, workflow: &Workflow) {
        let outer = self.defined.clone();
        for decl in &workflow.vars {
            self.defined.insert(decl.name.clone());
        }
        for req in &workflow.requires {
            self.require(req);
        }
        self.decls(&workflow.vars);
        self.var_problems(workflow);
        // A name each step extracts again (a loop's `itemID`) is noted once.
        let mut extracted = BTreeSet::new();
        for step in crate::workflow::load::read_steps(&workflow.steps) {
            let step = match step {
                Ok(step) => step,
                Err(d) => {
                    self.errors.push(d);
                    continue;
                }
            };
            for req in &step.requires {
                self.require(req);
            }
            for cond in &step.when {
                self.expression(cond);
            }
            for (name, _) in &step.prompt {
                self.define(&mut extracted, name);
            }
            self.request(&step.request);
            self.expect(&step.expect);
            if step.request.insecure {
                self.insecure(&step.source, &step.span, "step", &step.name);
            }
            for ex in &step.extract {
                self.extraction(ex);
            }
            for ex in &step.extract {
                self.define(&mut extracted, &ex.name);
            }
            self.expected_vars(&step.expect);
            if let Some(cleanup) = &step.cleanup {
                for cond in &cleanup.when {
                    self.expression(cond);
                }
                self.request(&cleanup.request);
                self.expect(&cleanup.expect);
                self.expected_vars(&cleanup.expect);
                if cleanup.request.insecure {
                    self.insecure(&step.source, &step.span, "cleanup", &cleanup.name);
                }
            }
        }
        // Extracted names stay visible to later workflows; `[vars]` and `requires` do not.
        self.defined = outer;
        self.extracted.extend(extracted.iter().cloned());
        self.defined.extend(extracted);
    }

    /// `name` is defined from here on, and extracted by this workflow.
    fn define(&mut self, extracted: &mut BTreeSet<String>, name: &str) {
        if !self.defined.contains(name) {
            self.defined.insert(name.to_owned());
        }
        if !extracted.contains(name) {
            extracted.insert(name.to_owned());
        }
    }

    /// README, Step keys: `insecure = true` skips TLS verification "with a warning".
    fn insecure(&mut self, source: &Source, span: &Span, what: &str, name: &str) {
        let (line, _) = source.line_col(span.start);
        self.warnings.push(format!(
            "warning: {}:{line}: {what} `{name}` does not verify TLS certificates (insecure = true)",
            source.path().display()
        ));
    }

    /// A `requires` entry (of the workflow, or of a file it `use`s) must be defined here.
    fn require(&mut self, req: &Located<String>) {
        if !self.defined.contains(&req.value) {
            let d = Diagnostic::at(
                format!(
                    "`{}` is required by this workflow but not defined",
                    req.value
                ),
                &req.source,
                req.span.clone(),
            );
            self.errors.push(self.undefined(
                d,
                &req.value,
                &format!("set it with --var {}=… or in a --vars file", req.value),
            ));
            self.assumed.insert(req.value.clone());
        }
        self.defined.insert(req.value.clone());
    }

    /// An error about the undefined variable `name`: with a did-you-mean when a defined name
    /// is close (a typo, shown whole), else marked missing with `help`, so that many of them
    /// are told one line per variable.
    fn undefined(&self, d: Diagnostic, name: &str, help: &str) -> Diagnostic {
        let known = (self.defined.iter())
            .filter(|n| !self.assumed.contains(*n))
            .map(String::as_str);
        match crate::diagnostic::suggest::did_you_mean(name, known) {
            Some(suggestion) => d.with_help(suggestion).undefined(name),
            None => d.with_help(help).missing(name),
        }
    }

    /// What resolving the run's layers (vars files, environment, `--var`) fails on before
    /// any workflow runs: an unset `env` without fallback, a cycle. Located at the entry that
    /// wins, and kept so a workflow does not report it again.
    fn layer_problems(&mut self, layers: &Layers) {
        let problems = vars::static_problems(&[], layers, &BTreeSet::new(), self.templates);
        for (name, problem) in problems {
            let message = problem.to_string();
            self.errors
                .push(located(message.clone(), &name, &[], layers));
            self.layer_problems.insert(message);
        }
    }

    /// What resolving the workflow's variables would fail on at run time (see `check`).
    fn var_problems(&mut self, workflow: &Workflow) {
        let Some(layers) = self.layers else { return };
        let problems =
            vars::static_problems(&workflow.vars, layers, &self.extracted, self.templates);
        for (name, problem) in problems {
            let message = problem.to_string();
            if self.layer_problems.contains(&message) {
                continue;
            }
            self.errors
                .push(located(message, &name, &workflow.vars, layers));
        }
    }

    fn decls(&mut self, decls: &[VarDecl]) {
        for decl in decls {
            if let Some(value) = &decl.value {
                // The checker reads a secret default's templates too; its diagnostics mask
                // secret values by name (`diagnostic::masked`).
                let located = Located {
                    value: value.expose().clone(),
                    source: Arc::clone(&decl.source),
                    span: decl.span.clone(),
                };
                self.value(&located);
            }
        }
    }

    fn text(&mut self, t: &Located<String>) {
        self.template(&t.value, &t.source, &t.span, false);
    }

    fn expression(&mut self, t: &Located<String>) {
        self.template(&t.value, &t.source, &t.span, true);
    }

    fn value<T>(&mut self, v: &Located<T>)
    where
        T: std::borrow::Borrow<Value>,
    {
        self.strings(v.value.borrow(), &v.source, &v.span);
    }

    /// Every string and key in `value`, in order, as templates written at `span`. Walked in
    /// place: most values hold no template, and a list of them would be made for nothing.
    fn strings(
        &mut self,
        value: &Value,
        source: &Arc<crate::workflow::source::Source>,
        span: &std::ops::Range<usize>,
    ) {
        match value {
            Value::String(s) => self.template(s, source, span, false),
            Value::Array(items) => items.iter().for_each(|v| self.strings(v, source, span)),
            Value::Object(map) => {
                for (k, v) in map {
                    self.template(k, source, span, false);
                    self.strings(v, source, span);
                }
            }
            _ => {}
        }
    }

    fn template(
        &mut self,
        text: &str,
        source: &Arc<crate::workflow::source::Source>,
        span: &std::ops::Range<usize>,
        expr: bool,
    ) {
        if !expr && !crate::template::has_code(text) {
            return;
        }
        let used = if expr {
            self.templates.expression_variables(text)
        } else {
            self.templates.variables_used(text)
        };
        match used {
            Ok(names) => {
                self.errors.extend(jwt::problems(text, source, span));
                for (kind, name) in self.templates.unknown_lookups(text, expr) {
                    self.errors.push(
                        Diagnostic::at(format!("unknown {kind} `{name}`"), source, source.narrow_word(span, &name))
                            .with_help("steprun's own filters are listed in the README (Templates); minijinja's built-in filters and tests work too"),
                    );
                }
                for name in crate::template::env_names(text, expr) {
                    if std::env::var_os(&name).is_none() {
                        self.errors.push(
                            Diagnostic::at(
                                format!("environment variable `{name}` is not set"),
                                source,
                                source.narrow_word(span, &name),
                            )
                            .with_help(format!("set {name}, or read it with a fallback in a vars entry: {{ env = \"{name}\", value = … }}")),
                        );
                    }
                }
                for name in names.iter().filter(|n| !self.defined.contains(*n)) {
                    let d = Diagnostic::at(
                        format!("undefined variable `{name}`"),
                        source,
                        source.narrow_word(span, name),
                    );
                    self.errors.push(self.undefined(d, name, &format!(
                        "define it in [vars], a --vars file, --var {name}=…, or extract it in an earlier step"
                    )));
                }
            }
            Err(e) => self.errors.push(template_error(&e, text, source, span)),
        }
    }
}

fn template_error(
    e: &TemplateError,
    text: &str,
    source: &Arc<crate::workflow::source::Source>,
    span: &std::ops::Range<usize>,
) -> Diagnostic {
    let narrowed = source.narrow(span, text);
    let span = match e.offset {
        Some(off) if narrowed != *span => narrowed.start + off..narrowed.start + off + 1,
        _ => narrowed,
    };
    Diagnostic::at(format!("invalid template: {}", e.message), source, span)
}

/// A variable problem at the declaration of `name` that wins: the workflow's `[vars]` over the
/// vars files, a later file over an earlier one.
fn located(message: String, name: &str, workflow: &[VarDecl], layers: &Layers) -> Diagnostic {
    let decls = layers.files.iter().flat_map(|f| f.iter());
    let decl = workflow.iter().chain(decls).rev().find(|d| d.name == name);
    match decl {
        Some(d) => Diagnostic::at(message, &d.source, d.span.clone()),
        None => Diagnostic::new(message),
    }
}
