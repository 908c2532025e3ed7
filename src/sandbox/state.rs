//! Shared state of one sandbox instance: the resource store, issued tokens and the outbox.
//!
//! The management API (`mgmt`) and the auth host (`auth`) both hold an `Arc<SandboxState>`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::Value;

use crate::sandbox::store::Store;

/// An access token the auth host issued; the management API accepts it as a bearer token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// Environment whose auth host issued it.
    pub env_id: String,
    /// Client (application id) it was issued to.
    pub client_id: String,
    /// User id for user tokens; `None` for `client_credentials`.
    pub subject: Option<String>,
    pub scopes: Vec<String>,
    /// Unix seconds.
    pub expires_at: i64,
    /// Set by `as/signoff` or revocation.
    pub revoked: bool,
}

/// Everything one running sandbox holds. Lock order, where two are needed: `store`, then `tokens`,
/// then `outbox`.
#[derive(Debug)]
pub struct SandboxState {
    /// `http://127.0.0.1:PORT`, no trailing slash: base of every `_links` href.
    pub base_url: String,
    pub org_id: String,
    pub admin_env_id: String,
    pub admin_app_id: String,
    pub admin_app_secret: String,
    /// The environment prepared for tutorials.
    pub env_id: String,
    pub store: Mutex<Store>,
    /// Access tokens by their compact JWT text.
    pub tokens: Mutex<HashMap<String, IssuedToken>>,
    /// Messages a real tenant would email or text (OTPs, verification codes).
    pub outbox: Mutex<Vec<Value>>,
    /// The auth host's flows, codes, refresh tokens, device grants, sessions and signing key.
    pub auth: crate::sandbox::auth::AuthState,
}

impl SandboxState {
    /// The store, locked. A panic elsewhere while holding the lock does not wedge the sandbox.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
    /// The issued tokens, locked.
    pub fn tokens(&self) -> MutexGuard<'_, HashMap<String, IssuedToken>> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }
    /// The outbox, locked.
    pub fn outbox(&self) -> MutexGuard<'_, Vec<Value>> {
        self.outbox.lock().unwrap_or_else(PoisonError::into_inner)
    }
    /// Registers an access token as if the auth host had issued it (tests, tools).
    #[doc(hidden)]
    pub fn insert_token(&self, token: &str, issued: IssuedToken) {
        self.tokens().insert(token.to_owned(), issued);
    }
}

/// Seconds since the Unix epoch, the unit of `IssuedToken::expires_at`.
pub fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}
