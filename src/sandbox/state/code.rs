//! What an authorization code stands for until the token endpoint redeems it.

use super::grant::Grant;

/// What an authorization code stands for.
#[derive(Debug, Clone)]
pub struct CodeRecord {
    pub grant: Grant,
    /// The `redirect_uri` sent to authorize, which the token request must repeat.
    pub redirect_uri: Option<String>,
    pub code_challenge: Option<String>,
    /// `S256` or `plain` (the default when a challenge came without a method).
    pub challenge_method: String,
}
