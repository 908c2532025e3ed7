//! The state of one workflow while it runs (its variables, cookie jar, redactor), made from
//! the run's variables when the workflow starts and holding what its steps extract and hide.

use std::sync::Arc;

use serde_json::Value;

use crate::engine::render::UrlCache;
use crate::engine::{Engine, RunEntry, cancel, received};
use crate::event::WorkflowId;
use crate::http::Http;
use crate::redact::Redactor;
use crate::secret::Hiding;
use crate::vars::layers as vars;
use crate::vars::{Var, VarStore};
use crate::workflow::model::Workflow;

/// The state of one workflow while it runs.
pub(crate) struct WorkflowRun {
    pub id: WorkflowId,
    pub vars: VarStore,
    /// Names of the values extracted (or prompted) during the workflow. Their values are in
    /// `vars`, and go on to the unit's later workflows when it ends: a second copy of each
    /// (a token is a kilobyte) would be held by every workflow in flight.
    pub extracted: Vec<String>,
    pub redactor: Redactor,
    pub http: Http,
    pub urls: UrlCache,
    /// Secrecy the `[vars]` and vars files declare by name (see `vars::layers::declared_secrecy`).
    pub declared: std::collections::BTreeMap<String, bool>,
    /// Variables that a skipped step would have extracted, with that step's number and name,
    /// so a later step failing on one of them can say which step to send (see `teach`'s `s`).
    pub unset_by_skip: std::collections::BTreeMap<String, (usize, String)>,
    /// Ctrl-C, as one wait for the whole workflow: each step's send races it, and a wait made
    /// for every step would register with the run's [`Cancel`] and leave it again each time.
    pub interrupted: cancel::Interrupted,
}

impl WorkflowRun {
    /// Stores an extracted (or prompted) value. `secret` as declared on the extraction; when
    /// not declared, the name decides, and a value replacing a secret stays secret.
    pub fn set_var(&mut self, name: &str, value: Value, secret: Option<bool>) {
        let secret = self.extraction_is_secret(name, secret);
        if secret {
            self.hide(name, &value);
        }
        if !self.extracted.iter().any(|n| n == name) {
            self.extracted.push(name.to_owned());
        }
        self.vars.set_with_policy(name, value, Some(secret));
    }

    /// Whether a value extracted as `name` is secret (`secret::extraction_is_secret`), given
    /// its extraction's `secret` flag, the declarations and the value it replaces.
    pub(crate) fn extraction_is_secret(&self, name: &str, secret: Option<bool>) -> bool {
        let was_secret = self.vars.get(name).is_some_and(Var::is_secret);
        let declared = self.declared.get(name).copied();
        crate::secret::extraction_is_secret(name, secret, declared, was_secret)
    }

    /// Hides a secret value from here on, as much of it as `secret::hiding` says.
    pub(crate) fn hide(&mut self, name: &str, value: &Value) {
        match crate::secret::hiding(value) {
            Hiding::Nothing => {}
            Hiding::TextAndParts => {
                self.redactor.add(name, &received::as_text(value));
                self.redactor.add_value(name, value);
            }
            Hiding::Value => self.redactor.add_value(name, value),
        }
    }
}

impl Engine {
    pub(super) fn prepare(
        &self,
        id: WorkflowId,
        entry: &RunEntry,
        workflow: &Workflow,
        extracted: &VarStore,
    ) -> Result<WorkflowRun, vars::VarError> {
        let mut layers = entry.layers.clone();
        layers.workflow.clone_from(&workflow.vars);
        let vars = vars::resolve(&layers, extracted, &self.templates)?;
        let redactor = if self.options.show_secrets {
            Redactor::disabled()
        } else {
            Redactor::from_store(&vars)
        };
        let http = Http::new(self.clients.clone());
        Ok(WorkflowRun {
            interrupted: cancel::Interrupted::new(Arc::clone(&self.cancel)),
            id,
            declared: vars::declared_secrecy(&layers),
            unset_by_skip: std::collections::BTreeMap::new(),
            vars,
            extracted: Vec::new(),
            redactor,
            http,
            urls: UrlCache::default(),
        })
    }
}
