//! The sandbox's auth host (`/{envID}/as/...`, flows, device, SAML): PingOne's OAuth 2.0 /
//! OpenID Connect server and its sign-on flow state machine, in memory.

// `jwt` is public for tests that sign their own JWTs; the rest is the sandbox's own.
pub(crate) mod api_error;
pub(crate) mod auth_codes;
pub(crate) mod authorize;
pub(crate) mod certificate;
pub(crate) mod claims;
pub(crate) mod client_auth;
pub(crate) mod client_jwks;
pub(crate) mod clock;
pub(crate) mod code_grant;
pub(crate) mod davinci;
pub(crate) mod device;
pub(crate) mod device_flow;
pub(crate) mod directory;
pub(crate) mod discovery;
pub(crate) mod expiring;
pub(crate) mod external;
pub(crate) mod flow;
pub(crate) mod introspect;
pub(crate) mod issue;
pub mod jwt;
pub(crate) mod keys;
pub(crate) mod login_hint;
pub(crate) mod mobile;
pub(crate) mod no_store;
pub(crate) mod oauth_error;
pub(crate) mod pkce;
pub(crate) mod refresh;
pub(crate) mod request;
pub(crate) mod resume;
pub(crate) mod saml;
pub(crate) mod saml_metadata;
pub(crate) mod saml_sign;
pub(crate) mod saml_sp;
pub(crate) mod saml_xml;
pub(crate) mod scopes;
pub(crate) mod session;
pub(crate) mod signoff;
pub(crate) mod token;
pub(crate) mod userinfo;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::sandbox::state::SandboxState;

/// Routes of the auth host, merged into the sandbox's app by the server entry point.
pub(crate) fn router() -> Router<Arc<SandboxState>> {
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
