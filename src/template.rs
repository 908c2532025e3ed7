//! The minijinja environment: `<< >>`, `<% %>`, `<# #>` delimiters, strict undefined, built-ins.
//!
//! INTERFACE STUB: being implemented; keep the public signatures.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::vars::VarStore;

/// A template that failed to parse or render.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
    /// Byte offset of the problem within the template text, when known.
    pub offset: Option<usize>,
    /// The undefined variable, when that is the problem.
    pub undefined: Option<String>,
}

pub struct Templates {}

impl Templates {
    pub fn new(_run_id: &str) -> Templates {
        Templates {}
    }
    pub fn render_string(&self, _src: &str, _vars: &VarStore) -> Result<String, TemplateError> {
        todo!()
    }
    pub fn render_typed(&self, _src: &str, _vars: &VarStore) -> Result<Value, TemplateError> {
        todo!()
    }
    pub fn render_value(&self, _value: &Value, _vars: &VarStore) -> Result<Value, TemplateError> {
        todo!()
    }
    pub fn eval_condition(&self, _expr: &str, _vars: &VarStore) -> Result<bool, TemplateError> {
        todo!()
    }
    pub fn variables_used(&self, _src: &str) -> Result<BTreeSet<String>, TemplateError> {
        todo!()
    }
    pub fn expression_variables(&self, _expr: &str) -> Result<BTreeSet<String>, TemplateError> {
        todo!()
    }
}
