//! Where variables come from, in layers (README, Variables).
//!
//! Layers merge lowest to highest (workflow `[vars]` < vars files < `STEPRUN_VAR_*` <
//! `--var` < extracted values), then string values that reference other variables are
//! rendered in dependency order, so `apiPath = "https://api.pingone.<<tld>>/v1"` works
//! whichever layer `tld` comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;

use crate::template::{TemplateError, Templates, value_has_markup};
use crate::vars::decl::VarDecl;
use crate::vars::{Var, VarStore};

/// Where a variable came from, lowest precedence first.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    /// `[vars]` of the workflow (already merged with the files it `use`s).
    pub workflow: Vec<VarDecl>,
    /// `--vars FILE` contents, in command-line order (later wins). Shared: every matrix entry
    /// and every workflow in flight has these layers, and copies only the handles.
    pub files: Vec<Arc<[VarDecl]>>,
    /// `STEPRUN_VAR_<name>` environment variables (a secret name's value held as a secret).
    pub env: Vec<(String, Var)>,
    /// `--var NAME=VALUE`, in command-line order (a secret name's value held as a secret).
    pub cli: Vec<(String, Var)>,
}

#[derive(Debug, thiserror::Error)]
pub enum VarError {
    #[error("environment variable `{env}` for `{name}` is not set")]
    MissingEnv { name: String, env: String },
    #[error("variable `{name}`: {source}")]
    Template {
        name: String,
        #[source]
        source: TemplateError,
    },
    #[error("variables reference each other in a cycle: {0}")]
    Cycle(String),
    #[error("variable `{0}` grows past 1 MiB of text once its references are filled in")]
    TooLarge(String),
}

/// The most text a variable may hold after its references are filled in: a few variables
/// that each repeat the next one twice would otherwise double their way to exhausting memory.
const MAX_VALUE_TEXT: usize = 1024 * 1024;

/// The text a JSON value holds: its strings and object keys.
fn text_size(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len(),
        Value::Array(items) => items.iter().map(text_size).sum(),
        Value::Object(map) => map.iter().map(|(k, v)| k.len() + text_size(v)).sum(),
        _ => 0,
    }
}

/// Merges the layers under `extracted` and resolves references between values.
///
/// `env = "NAME"` entries read the process environment.
pub fn resolve(
    layers: &Layers,
    extracted: &VarStore,
    templates: &Templates,
) -> Result<VarStore, VarError> {
    resolve_with_env(layers, extracted, templates, &|name| {
        std::env::var(name).ok()
    })
}

/// [`resolve`] with the environment lookup supplied (tests, or a captured environment).
pub fn resolve_with_env(
    layers: &Layers,
    extracted: &VarStore,
    templates: &Templates,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<VarStore, VarError> {
    let merged = Merged::from_layers(layers, env);
    let mut store = VarStore::new();
    let mut pending = BTreeMap::new();
    for (name, entry) in merged.values {
        if extracted.contains(&name) {
            continue;
        }
        match entry {
            Entry::MissingEnv(env) => return Err(VarError::MissingEnv { name, env }),
            Entry::Value { value, literal } if literal || !value_has_markup(value.expose()) => {
                let policy = merged.policy.get(&name).copied();
                store.declare(name, value, policy);
            }
            Entry::Value { value, .. } => {
                pending.insert(name, value);
            }
        }
    }
    for (name, var) in extracted.iter() {
        let secret =
            crate::secret::kept_is_secret(var.is_secret(), merged.policy.get(name).copied());
        store.declare(name.clone(), var.clone(), Some(secret));
    }
    let mut resolver = Resolver {
        templates,
        pending,
        policy: &merged.policy,
        visiting: Vec::new(),
    };
    while let Some(name) = resolver.pending.keys().next().cloned() {
        resolver.resolve(&name, &mut store)?;
    }
    Ok(store)
}

/// Secrecy declared by name in `layers`' `[vars]` and vars files (`secret = true` or
/// `false` on an entry), the highest layer winning: what a value extracted under that name
/// is, unless its extraction says otherwise.
pub fn declared_secrecy(layers: &Layers) -> BTreeMap<String, bool> {
    declarations(&layers.workflow, layers)
        .filter_map(|decl| Some((decl.name.clone(), decl.secret?)))
        .collect()
}

/// The entries of `workflow` (a workflow's `[vars]`) and of `layers`' vars files, lowest
/// precedence first.
fn declarations<'a>(
    workflow: &'a [VarDecl],
    layers: &'a Layers,
) -> impl Iterator<Item = &'a VarDecl> {
    workflow
        .iter()
        .chain(layers.files.iter().flat_map(|f| f.iter()))
}

/// What resolving `layers` at run time would fail on, found without rendering anything: an
/// `env` entry whose variable is unset (no fallback, no higher layer), and values whose
/// references go round in a cycle. Names in `later` are set during the run (extracted by an
/// earlier workflow) and count as present. Template syntax errors are the checker's to report.
/// Each problem comes with the variable it is about (a cycle's first name). `workflow` is the
/// workflow's `[vars]`, under `layers`' vars files, environment and `--var`.
pub fn static_problems(
    workflow: &[VarDecl],
    layers: &Layers,
    later: &BTreeSet<String>,
    templates: &Templates,
) -> Vec<(String, VarError)> {
    let merged = Merged::with_workflow(workflow, layers, &|name| std::env::var(name).ok());
    let mut problems = Vec::new();
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, entry) in &merged.values {
        if later.contains(name) {
            continue;
        }
        match entry {
            Entry::MissingEnv(env) => problems.push((
                name.clone(),
                VarError::MissingEnv {
                    name: name.clone(),
                    env: env.clone(),
                },
            )),
            Entry::Value {
                value,
                literal: false,
            } => {
                // An unreadable template is the checker's to report; what was read counts.
                let mut used = Vec::new();
                let _ = used_names(templates, value.expose(), &mut used);
                graph.insert(name.clone(), used);
            }
            Entry::Value { .. } => {}
        }
    }
    if let Some(cycle) = find_cycle(&graph) {
        problems.push((cycle[0].clone(), VarError::Cycle(cycle.join(" -> "))));
    }
    problems
}

/// Names the templates in `value` read, in strings and object keys at any depth.
fn used_names(
    templates: &Templates,
    value: &Value,
    out: &mut Vec<String>,
) -> Result<(), TemplateError> {
    let text = |t: &str, out: &mut Vec<String>| -> Result<(), TemplateError> {
        out.extend(templates.variables_used(t)?);
        Ok(())
    };
    match value {
        Value::String(s) => text(s, out),
        Value::Array(items) => items.iter().try_for_each(|i| used_names(templates, i, out)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            text(k, out)?;
            used_names(templates, v, out)
        }),
        _ => Ok(()),
    }
}

/// The first cycle in `graph` (name → names it reads), as the chain `a, b, a`.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit<'g>(
        name: &'g str,
        graph: &'g BTreeMap<String, Vec<String>>,
        path: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| *p == name) {
            let mut chain: Vec<String> = path[start..].iter().map(|s| (*s).to_owned()).collect();
            chain.push(name.to_owned());
            return Some(chain);
        }
        if done.contains(name) {
            return None;
        }
        let (key, deps) = graph.get_key_value(name)?;
        path.push(key);
        for dep in deps {
            if let Some(cycle) = visit(dep, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(key);
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|name| visit(name, graph, &mut Vec::new(), &mut done))
}

/// One name's value after layering, before references are rendered.
enum Entry {
    /// `literal` values (read from an environment variable) are never rendered.
    Value { value: Var, literal: bool },
    /// `env = "NAME"` without a fallback and `NAME` unset: an error unless a higher layer
    /// sets the variable, so `--var` can stand in for a missing environment variable.
    MissingEnv(String),
}

#[derive(Default)]
struct Merged {
    values: BTreeMap<String, Entry>,
    /// Declared secrecy by name; the highest layer that declares it wins.
    policy: BTreeMap<String, bool>,
}

impl Merged {
    fn from_layers(layers: &Layers, env: &dyn Fn(&str) -> Option<String>) -> Merged {
        Merged::with_workflow(&layers.workflow, layers, env)
    }

    /// [`from_layers`](Self::from_layers) with `workflow` in place of the layers' own `[vars]`.
    fn with_workflow(
        workflow: &[VarDecl],
        layers: &Layers,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Merged {
        let mut merged = Merged::default();
        for decl in declarations(workflow, layers) {
            merged.declare(decl, env);
        }
        for (name, value) in layers.env.iter().chain(&layers.cli) {
            let entry = Entry::Value {
                value: value.clone(),
                literal: false,
            };
            merged.values.insert(name.clone(), entry);
        }
        merged
    }

    fn declare(&mut self, decl: &VarDecl, env: &dyn Fn(&str) -> Option<String>) {
        if let Some(secret) = decl.secret {
            self.policy.insert(decl.name.clone(), secret);
        }
        let entry = match (&decl.env, &decl.value) {
            (Some(var), fallback) => match (env(var), fallback) {
                (Some(text), _) => Entry::Value {
                    value: Var::declared(&decl.name, Value::String(text), decl.secret),
                    literal: true,
                },
                (None, Some(value)) => Entry::Value {
                    value: value.clone(),
                    literal: false,
                },
                (None, None) => Entry::MissingEnv(var.clone()),
            },
            (None, Some(value)) => Entry::Value {
                value: value.clone(),
                literal: false,
            },
            // Only declares secrecy: the value comes from another layer.
            (None, None) => return,
        };
        self.values.insert(decl.name.clone(), entry);
    }
}

/// Renders templated values depth first, so every reference is resolved before its user.
struct Resolver<'a> {
    templates: &'a Templates,
    pending: BTreeMap<String, Var>,
    policy: &'a BTreeMap<String, bool>,
    /// The chain of names being resolved, to name a cycle.
    visiting: Vec<String>,
}

impl Resolver<'_> {
    fn resolve(&mut self, name: &str, store: &mut VarStore) -> Result<(), VarError> {
        let Some(value) = self.pending.remove(name) else {
            return Ok(());
        };
        self.visiting.push(name.to_owned());
        // A template is rendered from its text, a secret one too: the value it makes is
        // stored below with the secrecy the declaration, its name or its sources give it.
        let value = value.expose();
        let mut deps = Vec::new();
        self.dependencies(name, value, &mut deps)?;
        for dep in &deps {
            if let Some(start) = self.visiting.iter().position(|v| v == dep) {
                let mut chain = self.visiting[start..].to_vec();
                chain.push(dep.clone());
                return Err(VarError::Cycle(chain.join(" -> ")));
            }
            self.resolve(dep, store)?;
        }
        // A value made from a secret (`"Basic <<(user ~ ':' ~ password) | base64>>"`) is as
        // secret as it, unless declared `secret = false`.
        let from_secret = deps
            .iter()
            .any(|dep| store.get(dep).is_some_and(Var::is_secret));
        let (rendered, signed) =
            crate::template::scope(None, || self.templates.render_value(value, store));
        let rendered = rendered.map_err(|source| VarError::Template {
            name: name.to_owned(),
            source,
        })?;
        if text_size(&rendered) > MAX_VALUE_TEXT {
            return Err(VarError::TooLarge(name.to_owned()));
        }
        self.visiting.pop();
        let policy = self.policy.get(name).copied();
        let secret = crate::secret::derived_secrecy(policy, from_secret, !signed.is_empty());
        store.set_with_policy(name, rendered, secret);
        Ok(())
    }

    /// Names the value's templates read, in strings and object keys at any depth.
    fn dependencies(
        &self,
        name: &str,
        value: &Value,
        out: &mut Vec<String>,
    ) -> Result<(), VarError> {
        used_names(self.templates, value, out).map_err(|source| VarError::Template {
            name: name.to_owned(),
            source,
        })
    }
}
