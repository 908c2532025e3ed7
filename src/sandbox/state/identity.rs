//! An account at an external identity provider, as the provider's callback described it.

use serde_json::Value;

/// The account at the provider, as the callback learned it.
#[derive(Debug, Clone)]
pub struct Identity {
    pub provider_id: String,
    pub provider_type: String,
    /// The provider's subject (`sub`, a Facebook id, a SAML `NameID`).
    pub external_id: String,
    /// What the provider says about the user (`email`, `name`, ...): `providerAttributes`.
    pub attributes: Value,
}

/// The AMR value PingOne records for sign-on at an external provider.
pub const FEDERATED: &str = "fed";
