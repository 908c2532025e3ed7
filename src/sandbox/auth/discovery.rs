//! OpenID Connect discovery (`.well-known/openid-configuration`) and the JWKS, so clients can
//! find the endpoints and verify the sandbox's tokens.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::directory;
use crate::sandbox::state::SandboxState;

/// `GET /{envID}/as/jwks`.
pub async fn jwks(State(state): State<Arc<SandboxState>>, Path(env): Path<String>) -> Response {
    if !directory::env_known(&state, &env) {
        return ApiError::not_found().into_response();
    }
    axum::Json(state.auth.key.jwks()).into_response()
}

/// `GET /{envID}/as/.well-known/openid-configuration` (and without `/as`).
pub async fn openid_configuration(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
) -> Response {
    if !directory::env_known(&state, &env) {
        return ApiError::not_found().into_response();
    }
    axum::Json(configuration(&state.base_url, &env)).into_response()
}

/// The discovery document of environment `env`.
pub fn configuration(base: &str, env: &str) -> Value {
    let issuer = format!("{base}/{env}/as");
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "jwks_uri": format!("{issuer}/jwks"),
        "end_session_endpoint": format!("{issuer}/signoff"),
        "introspection_endpoint": format!("{issuer}/introspect"),
        "revocation_endpoint": format!("{issuer}/revoke"),
        "device_authorization_endpoint": format!("{issuer}/device_authorization"),
        "claims_parameter_supported": false,
        "request_parameter_supported": true,
        "request_uri_parameter_supported": false,
        "scopes_supported": ["openid", "profile", "email", "address", "phone", "offline_access"],
        "response_types_supported": [
            "code", "id_token", "token id_token", "code id_token", "code token",
            "code token id_token"
        ],
        "response_modes_supported": ["pi.flow", "query", "fragment", "form_post"],
        "grant_types_supported": [
            "authorization_code", "implicit", "client_credentials", "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code"
        ],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["none"],
        "request_object_signing_alg_values_supported": ["none", "HS256", "RS256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic", "client_secret_post", "client_secret_jwt",
            "private_key_jwt", "none"
        ],
        "token_endpoint_auth_signing_alg_values_supported": ["HS256", "RS256"],
        "claim_types_supported": ["normal"],
        "claims_supported": [
            "sub", "iss", "auth_time", "acr", "name", "given_name", "family_name",
            "middle_name", "preferred_username", "nickname", "picture", "zoneinfo", "locale",
            "updated_at", "email", "email_verified", "address", "phone_number",
            "phone_number_verified", "amr", "sid", "env", "org"
        ],
        "code_challenge_methods_supported": ["plain", "S256"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_hang_off_the_issuer() {
        let doc = configuration("http://127.0.0.1:9", "env1");
        assert_eq!(doc["issuer"], "http://127.0.0.1:9/env1/as");
        assert_eq!(doc["token_endpoint"], "http://127.0.0.1:9/env1/as/token");
        assert_eq!(doc["jwks_uri"], "http://127.0.0.1:9/env1/as/jwks");
    }
}
