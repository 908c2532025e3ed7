//! Integration tests: the real binary against real local servers (the sandbox, small axum servers).

#[path = "integration/harness.rs"]
mod harness;
