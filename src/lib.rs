//! steprun: run API workflows written as TOML, with a built-in PingOne sandbox.
//!
//! The binary is a thin shell over this library; integration tests and benchmarks use the
//! same entry points.

pub mod app;
pub mod cli;
pub mod config;
pub mod curl;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod event;
pub mod exit;
pub mod http;
pub mod import;
pub mod io_reason;
pub mod jsonpath;
pub mod logging;
pub mod markdown;
pub mod prompt;
pub mod redact;
pub mod report;
pub mod saml;
pub mod sandbox;
pub mod save;
pub mod secret;
pub mod teach;
pub mod template;
pub mod vars;
pub mod workflow;
