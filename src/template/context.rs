//! The render context: a view of the variable store that converts only the variables a
//! render looks up, and the way back, an expression's value as the JSON a request can carry.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::{Object, Serde, ValueKind};
use serde_json::Value;

use super::{TemplateError, Templates};
use crate::vars::{Var, VarStore};

impl Templates {
    pub(super) fn context(&self, vars: &VarStore) -> minijinja::Value {
        minijinja::Value::from_object(StoreContext {
            vars: vars.shared(),
            run_id: Arc::clone(&self.run_id),
        })
    }
}

/// The template context: a view of the store that converts only the variables looked up,
/// and the entry's `run_id` when the store has no variable of that name.
#[derive(Clone)]
struct StoreContext {
    vars: Arc<BTreeMap<String, Var>>,
    run_id: Arc<str>,
}

impl std::fmt::Debug for StoreContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values may be secret.
        f.debug_list().entries(self.vars.keys()).finish()
    }
}

impl Object for StoreContext {
    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<minijinja::Value> {
        match self.vars.get(key) {
            Some(var) => Some(minijinja::Value::from(Serde(template_value(var)))),
            None if key == "run_id" => Some(minijinja::Value::from(&*self.run_id)),
            None => None,
        }
    }
}

/// A variable's value as templates read it: the one place a render reads a variable, a
/// secret one too, since a request must carry it. What a render makes is redacted wherever
/// it is shown.
pub(super) fn template_value(var: &Var) -> &Value {
    var.expose()
}

pub(super) fn to_json(value: &minijinja::Value) -> Result<Value, TemplateError> {
    if value.kind() == ValueKind::Plain {
        return Err(TemplateError {
            message: "expression does not give a value that can be sent".to_owned(),
            offset: None,
            undefined: None,
        });
    }
    serde_json::to_value(value).map_err(|err| TemplateError {
        message: format!("cannot convert the result to json: {err}"),
        offset: None,
        undefined: None,
    })
}
