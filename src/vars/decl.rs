//! A declared variable: one entry of a `[vars]` table or a vars file, as the loader read it.
//! Plain data both the workflow model and the variable layers use.

use std::sync::Arc;

use crate::vars::Var;
use crate::workflow::source::{Source, Span};

/// One entry of a `[vars]` table or a vars file.
#[derive(Debug, Clone)]
pub struct VarDecl {
    pub name: String,
    /// Literal value (strings may hold templates referencing other variables), held as a
    /// secret when the entry's `secret` or its name says so.
    pub value: Option<Var>,
    /// Read this environment variable; `value` is the fallback.
    pub env: Option<String>,
    /// `Some(false)` opts a secret-looking name out; `Some(true)` marks any name secret.
    pub secret: Option<bool>,
    pub source: Arc<Source>,
    pub span: Span,
}
