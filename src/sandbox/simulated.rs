//! Simulated external identity providers and the phone's MFA SDK, under the sandbox's own path (`/sandbox/...`): what
//! a real tenant's users reach on another company's servers (README, The sandbox). Each has its
//! own sign-in page and token endpoint, so an external sign-on runs offline end to end.

pub mod facebook;
pub mod mobile_sdk;

use std::sync::Arc;

use axum::Router;

use crate::sandbox::state::SandboxState;

/// The simulated providers' routes, merged into the sandbox's app.
pub fn routes() -> Router<Arc<SandboxState>> {
    facebook::routes().merge(mobile_sdk::routes())
}
