//! The layered variable store (SPEC §4) and which variables are secret.
//!
//! INTERFACE STUB: being implemented; keep the public signatures.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::template::{TemplateError, Templates};
use crate::workflow::model::VarDecl;

/// One variable. `Debug` never shows a secret's value.
#[derive(Clone)]
pub struct Var {
    pub value: Value,
    pub secret: bool,
}

impl std::fmt::Debug for Var {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.secret {
            f.write_str("Var(«secret»)")
        } else {
            write!(f, "Var({})", self.value)
        }
    }
}

/// Variables visible to templates, by name.
#[derive(Debug, Clone, Default)]
pub struct VarStore {
    vars: BTreeMap<String, Var>,
}

impl VarStore {
    pub fn new() -> VarStore {
        VarStore::default()
    }
    pub fn get(&self, name: &str) -> Option<&Var> {
        self.vars.get(name)
    }
    pub fn contains(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }
    /// Sets a variable; it is secret if `secret` or if its name looks secret.
    pub fn set(&mut self, name: impl Into<String>, value: Value, secret: bool) {
        let name = name.into();
        let secret = secret || name_is_secret(&name);
        self.vars.insert(name, Var { value, secret });
    }
    pub fn remove(&mut self, name: &str) -> Option<Var> {
        self.vars.remove(name)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Var)> {
        self.vars.iter()
    }
    pub fn len(&self) -> usize {
        self.vars.len()
    }
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}

/// Names containing `secret`, `password`, `token` or `otp` (any case) are secret by default.
pub fn name_is_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["secret", "password", "token", "otp"]
        .iter()
        .any(|w| lower.contains(w))
}

/// Where a variable came from, lowest precedence first.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    /// `[vars]` of the workflow (already merged with the files it `use`s).
    pub workflow: Vec<VarDecl>,
    /// `--vars FILE` contents, in command-line order (later wins).
    pub files: Vec<Vec<VarDecl>>,
    /// `STEPRUN_VAR_<name>` environment variables.
    pub env: Vec<(String, String)>,
    /// `--var NAME=VALUE`, in command-line order.
    pub cli: Vec<(String, String)>,
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
}

/// Merges the layers under `extracted` and resolves references between values.
pub fn resolve(
    _layers: &Layers,
    _extracted: &VarStore,
    _templates: &Templates,
) -> Result<VarStore, VarError> {
    todo!("vars::resolve")
}
