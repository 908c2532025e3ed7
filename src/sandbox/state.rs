//! Shared state of one sandbox instance: the resource store, issued tokens and the outbox.
//!
//! The management API (`mgmt`) and the auth host (`auth`) both hold an `Arc<SandboxState>`.
//! What the state holds is defined below it (one record per module), so the state depends on
//! no handler: handlers depend on the state.

pub(crate) mod auth;
pub(crate) mod authorize_request;
pub(crate) mod code;
pub(crate) mod davinci;
pub(crate) mod device;
pub(crate) mod external;
pub(crate) mod flow;
pub(crate) mod grant;
pub(crate) mod identity;
pub(crate) mod mobile;
pub(crate) mod refresh;
pub(crate) mod saml_request;
pub(crate) mod session;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
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
    pub(crate) base_url: String,
    pub(crate) org_id: String,
    pub admin_env_id: String,
    pub admin_app_id: String,
    pub(crate) admin_app_secret: crate::secret::Secret<String>,
    /// The environment prepared for tutorials.
    pub(crate) env_id: String,
    pub(crate) store: Mutex<Store>,
    /// Access tokens by their compact JWT text; `insert_token` prunes the dead ones.
    pub(crate) tokens: Mutex<HashMap<String, IssuedToken>>,
    /// Auth clock second from which the next `insert_token` prunes `tokens`.
    pub(crate) tokens_pruned_at: AtomicI64,
    /// Messages a real tenant would email or text (OTPs, verification codes).
    pub(crate) outbox: Mutex<Vec<Value>>,
    /// The auth host's flows, codes, refresh tokens, device grants, sessions and signing key.
    pub auth: auth::AuthState,
}

impl SandboxState {
    /// The store, locked. A panic elsewhere while holding the lock does not wedge the sandbox.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
    /// The issued tokens, locked.
    pub(crate) fn tokens(&self) -> MutexGuard<'_, HashMap<String, IssuedToken>> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }
    /// The outbox, locked.
    pub(crate) fn outbox(&self) -> MutexGuard<'_, Vec<Value>> {
        self.outbox.lock().unwrap_or_else(PoisonError::into_inner)
    }
    /// Registers an access token the auth host issued (tests register their own). At most
    /// once every `PRUNE_EVERY_SECS` it first drops the expired and revoked ones, which every
    /// lookup treats like unknown tokens, so the map holds only live tokens however long the
    /// sandbox serves.
    pub fn insert_token(&self, token: &str, issued: IssuedToken) {
        let now = self.auth.clock.now_secs();
        let mut tokens = self.tokens();
        let due = self.tokens_pruned_at.load(Ordering::Relaxed);
        if now >= due {
            tokens.retain(|_, t| !t.revoked && t.expires_at > now);
            self.tokens_pruned_at
                .store(now + PRUNE_EVERY_SECS, Ordering::Relaxed);
        }
        tokens.insert(token.to_owned(), issued);
    }
}

/// How often (clock seconds) `insert_token` sweeps dead tokens out.
const PRUNE_EVERY_SECS: i64 = 60;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn token(expires_at: i64, revoked: bool) -> IssuedToken {
        IssuedToken {
            env_id: "env".into(),
            client_id: "app".into(),
            subject: None,
            scopes: Vec::new(),
            expires_at,
            revoked,
        }
    }

    #[test]
    fn inserting_prunes_dead_tokens_once_a_minute() {
        let state = crate::sandbox::seed::seed("http://127.0.0.1:1".into());
        let now = state.auth.clock.now_secs();
        state.insert_token("expired", token(now - 1, false));
        state.insert_token("revoked", token(now + 600, true));
        state.insert_token("live", token(now + 600, false));
        assert_eq!(state.tokens().len(), 3, "no sweep within the minute");
        state.auth.clock.advance(Duration::from_secs(61));
        state.insert_token("new", token(now + 600, false));
        let mut left: Vec<_> = state.tokens().keys().cloned().collect();
        left.sort();
        assert_eq!(left, ["live", "new"]);
    }
}
