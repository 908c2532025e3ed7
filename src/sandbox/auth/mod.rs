//! The sandbox's auth host (`/{envID}/as/...`, flows, device, SAML): PingOne's OAuth 2.0 /
//! OpenID Connect server and its sign-on flow state machine, in memory.

pub mod clock;
pub mod jwt;
pub mod keys;

use std::sync::Arc;

use axum::Router;

use crate::sandbox::state::SandboxState;

/// The auth host's own runtime state (flows, codes, refresh tokens, device grants, sessions,
/// the signing key), held inside [`SandboxState`].
#[derive(Debug, Default)]
pub struct AuthState {
    pub clock: clock::Clock,
    pub key: keys::SigningKey,
}

/// Routes of the auth host, merged into the sandbox's app by the server entry point.
pub fn router() -> Router<Arc<SandboxState>> {
    Router::new()
}
