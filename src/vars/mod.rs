//! The variable store (README, Variables) and which variables are secret (README, Secrets).
//! Templates read the store; `layers` fills it, rendering values with templates, so the store
//! itself depends on neither.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

pub mod decl;
pub mod layers;

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
        Arc::make_mut(&mut self.vars).insert(name, Var { value, secret });
    }
    /// Sets a variable with a declared secrecy: `Some(flag)` is taken as is (so
    /// `secret = false` keeps a secret-looking name visible), `None` follows the name.
    pub fn set_with_policy(&mut self, name: impl Into<String>, value: Value, secret: Option<bool>) {
        let name = name.into();
        let secret = crate::secret::declared_or_named(&name, secret);
        Arc::make_mut(&mut self.vars).insert(name, Var { value, secret });
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Var)> {
        self.vars.iter()
    }
    /// A shared snapshot of the map, for the template context.
    pub(crate) fn shared(&self) -> Arc<BTreeMap<String, Var>> {
        Arc::clone(&self.vars)
    }
}

#[cfg(test)]
mod tests;
