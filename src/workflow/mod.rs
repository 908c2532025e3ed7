//! Workflow files: the model, the loader (TOML with spans), `use` expansion and the static check.

pub mod model;
pub mod source;
