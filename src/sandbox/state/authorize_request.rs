//! A validated authorize request, which its flow keeps until resume.

use crate::sandbox::auth::authorize::respond::ResponseMode;
use crate::sandbox::auth::scopes::Resolved;

/// A validated authorize request, kept by its flow until resume.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client_id: String,
    /// Where the response goes (empty in `pi.flow` mode without one).
    pub redirect_uri: String,
    /// Whether the client sent `redirect_uri` (the token request must then repeat it).
    pub redirect_uri_sent: bool,
    /// `code`, `token`, `id_token`.
    pub response_types: Vec<String>,
    pub response_mode: ResponseMode,
    pub scopes: Resolved,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub challenge_method: String,
    pub prompt: Option<String>,
    pub max_age: Option<i64>,
    pub acr_values: Option<String>,
    /// The request object's `pi.template` (`{name, variant, variables}`): the notification
    /// template an MFA action's message uses, for transaction approval.
    pub template: Option<serde_json::Value>,
}

impl AuthorizeRequest {
    pub fn wants(&self, response_type: &str) -> bool {
        self.response_types.iter().any(|r| r == response_type)
    }
}
