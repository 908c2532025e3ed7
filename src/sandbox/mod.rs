//! The PingOne sandbox: a local, stateful simulator of the API the tutorials use (SPEC §8).
//!
//! It shares nothing with the engine but HTTP: the engine never imports this module.

pub mod auth;
pub mod state;
pub mod store;
