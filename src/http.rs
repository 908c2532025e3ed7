//! Sending requests: one cookie jar per workflow, redirects followed by hand (so cookies from
//! every hop are stored and a 3xx can be the step's answer), timeouts, and the bounded automatic
//! retry of 429 and 503 that honours `Retry-After`.

pub use clients::Clients;
pub(crate) use clients::install_crypto_provider;
pub use error::HttpError;
pub use header::{header_name, header_text, header_value};
pub use message::{Part, PartData, Prepared, PreparedBody, Response, SendOptions};
pub use network::Network;
pub use send::Http;

/// The `User-Agent` of every request (unless a step sets its own).
pub const USER_AGENT: &str = concat!("steprun/", env!("CARGO_PKG_VERSION"));

mod body;
mod clients;
mod deadline;
mod error;
mod explain;
mod header;
mod hop;
mod message;
pub mod network;
mod redirect;
mod send;
#[cfg(test)]
mod tests;
mod throttle;
