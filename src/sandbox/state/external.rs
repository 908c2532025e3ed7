//! One external authentication in progress: the flow waiting for an identity provider.

/// One external authentication in progress, by its `state` value.
#[derive(Debug, Clone)]
pub struct ExternalAuth {
    pub env: String,
    pub flow_id: String,
    pub provider_id: String,
    pub nonce: String,
    pub redirect_uri: String,
}
