//! steprun: run API workflows written as TOML, with a built-in PingOne sandbox.
//!
//! The binary is a thin shell over this library; integration tests and benchmarks use the
//! same entry points.

pub mod event;
pub mod redact;
pub mod sandbox;
pub mod template;
pub mod vars;
pub mod workflow;
