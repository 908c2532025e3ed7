//! Workflow files: the model, the loader (TOML with spans), `use` expansion and the static check.

pub mod assertions;
pub mod check;
pub mod convert;
pub mod load;
pub mod model;
pub(crate) mod quick_toml;
pub mod raw;
pub mod request;
pub mod requires;
pub mod schema;
pub mod source;
pub mod split;
pub mod toml_json;
