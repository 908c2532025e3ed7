//! steprun: run API workflows written as TOML, with a built-in PingOne sandbox.
//!
//! The binary is a thin shell over this library; integration tests and benchmarks use the
//! same entry points.

mod app;
mod atomic;
mod cli;
mod config;
mod curl;
mod diagnostic;
mod engine;
mod error;
mod event;
mod exit;
#[doc(hidden)]
pub mod fuzzing;
mod http;
mod import;
mod io_reason;
mod jsonpath;
mod logging;
mod markdown;
mod prompt;
mod redact;
mod report;
mod saml;
pub mod sandbox;
mod save;
mod secret;
mod teach;
mod telemetry;
mod template;
mod vars;
mod workflow;

// What the binary, the integration tests and the benchmarks use; everything else is private.
pub use app::main;
pub use cli::{Cli, ColorChoice};
pub use error::{AppError, RunOutcome, finish};
pub use logging::init as init_logging;
pub use markdown::display_width;
pub use telemetry::Telemetry;
