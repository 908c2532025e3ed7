//! The sandbox's auth host (`/{envID}/as/...`, flows, device, SAML): PingOne's OAuth 2.0 /
//! OpenID Connect server and its sign-on flow state machine, in memory.

pub mod api_error;
pub mod auth_codes;
pub mod authorize;
pub mod certificate;
pub mod claims;
pub mod client_auth;
pub mod client_jwks;
pub mod clock;
pub mod code_grant;
pub mod davinci;
pub mod device;
pub mod device_flow;
pub mod directory;
pub mod discovery;
pub mod expiring;
pub mod external;
pub mod flow;
pub mod introspect;
pub mod issue;
pub mod jwt;
pub mod keys;
pub mod login_hint;
pub mod mobile;
pub mod no_store;
pub mod oauth_error;
pub mod pkce;
pub mod refresh;
pub mod request;
pub mod resume;
pub mod saml;
pub mod saml_metadata;
pub mod saml_sign;
pub mod saml_sp;
pub mod saml_xml;
pub mod scopes;
pub mod session;
pub mod signoff;
pub mod token;
pub mod userinfo;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::sandbox::state::SandboxState;

pub use crate::sandbox::state::auth::{AuthConfig, AuthState};

/// Routes of the auth host, merged into the sandbox's app by the server entry point.
pub fn router() -> Router<Arc<SandboxState>> {
    Router::new()
        .route(
            "/{envID}/as/authorize",
            get(authorize::authorize_get).post(authorize::authorize_post),
        )
        .route("/{envID}/as/resume", get(resume::resume))
        .route("/{envID}/as/token", post(token::token))
        .route(
            "/{envID}/as/device_authorization",
            post(device::authorization),
        )
        .route("/{envID}/as/introspect", post(introspect::introspect))
        .route(
            "/{envID}/as/userinfo",
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route(
            "/{envID}/as/signoff",
            get(signoff::signoff).post(signoff::signoff),
        )
        .route("/{envID}/as/revoke", post(signoff::revoke))
        .route("/{envID}/as/jwks", get(discovery::jwks))
        .route(
            "/{envID}/as/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route(
            "/{envID}/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route(
            "/{envID}/flows/{flowID}",
            get(flow::handler::get_flow).post(flow::handler::post_flow),
        )
        .route("/{envID}/signon/", get(authorize::sign_on_page))
        .route("/{envID}/authenticationCodes", post(auth_codes::create))
        .route(
            "/{envID}/authenticationCodes/{authCodeID}",
            get(auth_codes::read).delete(auth_codes::delete),
        )
        .route(
            "/{envID}/davinci/connections/{connectionID}/capabilities/{capabilityName}",
            post(davinci::capability::submit),
        )
        .route("/sandbox/davinci/{interactionID}", get(davinci::page::show))
        .route("/{envID}/device", get(device_flow::start))
        .route(
            "/{envID}/device/{appIdentifier}",
            get(device_flow::start_for_app),
        )
        .route("/{envID}/saml20/idp/sso", get(saml::sso).post(saml::sso))
        .route("/{envID}/saml20/idp/startsso", get(saml::start_sso))
        .route("/{envID}/saml20/resume", get(saml::resume))
        .route("/{envID}/rp/authenticate", get(external::authenticate))
        .route("/{envID}/saml20/sp/sso", get(saml_sp::sso))
        .route("/{envID}/saml20/sp/acs", post(saml_sp::acs))
        .route(
            "/{envID}/rp/callback/{providerType}",
            get(external::callback),
        )
        .route(
            "/{envID}/saml20/metadata/{appID}",
            get(saml_metadata::metadata),
        )
}
