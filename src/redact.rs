//! The one place that hides secrets (SPEC §5): every string bound for output passes here.
//!
//! INTERFACE STUB: being implemented; keep the public signatures.

use std::borrow::Cow;

use crate::vars::VarStore;

#[derive(Debug, Clone, Default)]
pub struct Redactor {}

impl Redactor {
    /// A redactor that hides nothing (`--show-secrets`).
    pub fn disabled() -> Redactor {
        Redactor {}
    }
    pub fn from_store(_vars: &VarStore) -> Redactor {
        Redactor {}
    }
    pub fn add(&mut self, _name: &str, _value: &str) {}
    pub fn add_derived(&mut self, _name: &str, _derived: &str) {}
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(text)
    }
}
