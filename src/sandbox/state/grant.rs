//! What a set of tokens is minted from, as codes, refresh tokens and device grants keep it.

use serde_json::{Map, Value};

use crate::sandbox::auth::scopes::Resolved;

/// What a set of tokens is minted from: who, for which client, with what authentication.
#[derive(Debug, Clone)]
pub struct Grant {
    pub env_id: String,
    pub client_id: String,
    /// The user, for every grant but `client_credentials`.
    pub user_id: Option<String>,
    pub scopes: Resolved,
    pub session_id: Option<String>,
    /// Unix seconds of the user's authentication.
    pub auth_time: Option<i64>,
    /// Name of the sign-on policy that authenticated the user.
    pub acr: Option<String>,
    /// Authentication methods (`pwd`, `otp`, ...).
    pub amr: Vec<String>,
    pub nonce: Option<String>,
    /// Further ID token claims (the native SDK's pairing key).
    pub id_claims: Map<String, Value>,
}

impl Grant {
    /// A `client_credentials` grant: no user, no session.
    pub fn client(env_id: &str, client_id: &str, scopes: Resolved) -> Self {
        Self {
            env_id: env_id.to_owned(),
            client_id: client_id.to_owned(),
            user_id: None,
            scopes,
            session_id: None,
            auth_time: None,
            acr: None,
            amr: Vec::new(),
            nonce: None,
            id_claims: Map::new(),
        }
    }
}
