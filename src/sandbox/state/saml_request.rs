//! What a SAML service provider asked for, which its flow keeps until resume.

/// What the service provider asked for.
#[derive(Debug, Clone)]
pub struct SamlRequest {
    pub app_id: String,
    pub sp_entity_id: String,
    pub acs_url: String,
    /// The `AuthnRequest`'s `ID` (`InResponseTo`); none for IdP-initiated sign-on.
    pub request_id: Option<String>,
    pub relay_state: Option<String>,
    pub assertion_duration: i64,
    pub name_id_format: Option<String>,
}
