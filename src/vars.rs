//! The variable store (README, Variables) and which variables are secret (README, Secrets).
//! Templates read the store; `layers` fills it, rendering values with templates, so the store
//! itself depends on neither.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::secret::{MaybeSecret, Secret};

pub mod decl;
pub mod layers;

/// One variable: its value, carried as a [`Secret`] when the variable is secret, so the
/// store never shows a secret's value (`Debug` masks it) and every reader of one calls
/// `expose`.
pub type Var = MaybeSecret<Value>;

impl Var {
    /// `value` set under `name`: secret as `declared` says when it says (so `secret = false`
    /// keeps a secret-looking name visible), else by its name (`secret::declared_or_named`).
    pub fn declared(name: &str, value: Value, declared: Option<bool>) -> Var {
        Var::Plain(value).redeclared(name, declared)
    }
    /// The same value set under `name`, its secrecy decided again as [`declared`](Var::declared)
    /// decides it, without showing it anywhere.
    pub fn redeclared(self, name: &str, declared: Option<bool>) -> Var {
        self.with_secrecy(crate::secret::declared_or_named(name, declared))
    }
}

/// Variables visible to templates, by name.
///
/// The map sits behind an `Arc` so a render can hand minijinja a cheap snapshot of the
/// store instead of serializing it; writes copy only while such a snapshot is alive.
#[derive(Debug, Clone, Default)]
pub struct VarStore {
    vars: Arc<BTreeMap<String, Var>>,
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
    /// Sets a variable; it is secret if `secret` or if its name looks secret (tests build
    /// stores this way; the run sets variables with their declared secrecy).
    #[cfg(test)]
    pub fn set(&mut self, name: impl Into<String>, value: Value, secret: bool) {
        let name = name.into();
        let secret = secret || crate::secret::name_is_secret(&name);
        Arc::make_mut(&mut self.vars).insert(name, Var::new(value, secret));
    }
    /// Sets a variable with a declared secrecy: `Some(flag)` is taken as is (so
    /// `secret = false` keeps a secret-looking name visible), `None` follows the name.
    pub fn set_with_policy(
        &mut self,
        name: impl AsRef<str> + Into<String>,
        value: Value,
        secret: Option<bool>,
    ) {
        self.declare(name, Var::Plain(value), secret);
    }
    /// Sets a variable whose value may already be held as a secret, its secrecy decided
    /// again by `secret` as [`set_with_policy`](Self::set_with_policy) does.
    pub fn declare(
        &mut self,
        name: impl AsRef<str> + Into<String>,
        var: Var,
        secret: Option<bool>,
    ) {
        let var = var.redeclared(name.as_ref(), secret);
        let vars = Arc::make_mut(&mut self.vars);
        // A name set again (a step extracting `itemID` each time) keeps its key: no new one
        // is made only to be dropped.
        match vars.get_mut(name.as_ref()) {
            Some(slot) => *slot = var,
            None => {
                vars.insert(name.into(), var);
            }
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Var)> {
        self.vars.iter()
    }
    /// The secret variables, for the places that hide them (each reads one with `expose`).
    pub fn secrets(&self) -> impl Iterator<Item = (&String, &Secret<Value>)> {
        self.vars
            .iter()
            .filter_map(|(name, var)| Some((name, var.secret()?)))
    }
    /// A shared snapshot of the map, for the template context.
    pub(crate) fn shared(&self) -> Arc<BTreeMap<String, Var>> {
        Arc::clone(&self.vars)
    }
}

#[cfg(test)]
mod tests;
