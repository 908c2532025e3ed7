//! `POST /{envID}/as/token`: authenticates the client, then runs the grant it asks for
//! (`client_credentials` here; `authorization_code`, `refresh_token` and `device_code` in
//! their modules).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::sandbox::auth::client_auth;
use crate::sandbox::auth::directory::{self, app::App};
use crate::sandbox::auth::issue;
use crate::sandbox::auth::no_store::no_store;
use crate::sandbox::auth::oauth_error::{OAuthError, OAuthResult};
use crate::sandbox::auth::request::{Params, is_form};
use crate::sandbox::auth::scopes;
use crate::sandbox::auth::{code_grant, device, refresh};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::grant::Grant;

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The token endpoint.
pub async fn token(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &env, &headers, &body) {
        Ok(json) => no_store(axum::Json(json).into_response()),
        Err(e) => e.into_response(),
    }
}

fn handle(state: &SandboxState, env: &str, headers: &HeaderMap, body: &[u8]) -> OAuthResult<Value> {
    if !directory::env_known(state, env) {
        return Err(OAuthError::new(
            axum::http::StatusCode::NOT_FOUND,
            "invalid_request",
            "Unknown environment",
        ));
    }
    if !is_form(headers) {
        return Err(OAuthError::invalid_request(
            "The request must use Content-Type application/x-www-form-urlencoded",
        ));
    }
    let params = Params::parse(body);
    if let Some(name) = params.repeated() {
        return Err(OAuthError::invalid_request(format!(
            "The parameter '{name}' is repeated"
        )));
    }
    let grant_type = params
        .get("grant_type")
        .ok_or_else(|| OAuthError::invalid_request("grant_type is required"))?
        .to_owned();
    let endpoint = format!("{}/{env}/as/token", state.base_url);
    let app = client_auth::authenticate(state, env, headers, &params, &endpoint)?;
    match grant_type.as_str() {
        "client_credentials" => client_credentials(state, env, &app, &params),
        "authorization_code" => code_grant::exchange(state, &app, &params),
        "refresh_token" => refresh::exchange(state, &app, &params),
        DEVICE_CODE_GRANT => device::poll(state, &app, &params),
        other => Err(OAuthError::unsupported_grant_type(other)),
    }
}

/// A token for the client itself: no user, no ID token, no refresh token.
fn client_credentials(
    state: &SandboxState,
    env: &str,
    app: &App,
    params: &Params,
) -> OAuthResult<Value> {
    if !app.has_grant("CLIENT_CREDENTIALS") {
        return Err(OAuthError::unauthorized_client(
            "The application is not allowed to use the client_credentials grant",
        ));
    }
    let requested = params.get("scope").unwrap_or_default();
    let resolved = {
        let store = state.store();
        scopes::resolve(&store, env, &app.doc, requested).map_err(OAuthError::invalid_scope)?
    };
    if resolved.has("openid") {
        return Err(OAuthError::invalid_scope(
            "The openid scope requires a user; it cannot be used with client_credentials",
        ));
    }
    let grant = Grant::client(env, &app.id, resolved);
    let access = recent_client_token(state, &grant).unwrap_or_else(|| {
        let token = issue::access_token(state, &grant);
        remember_client_token(state, &grant, &token);
        token
    });
    Ok(issue::response(&grant, &access, None, None))
}

/// Cache key of a client token: environment, client and scopes.
fn cache_key(grant: &Grant) -> String {
    format!(
        "{}|{}|{}",
        grant.env_id,
        grant.client_id,
        grant.scopes.joined()
    )
}

/// A token issued to the same client for the same scopes within the current second, still
/// valid. Identical requests in one second share one token: an RS256 signature costs about a
/// millisecond, and this keeps a client hammering the endpoint from being bound by it (and
/// `SandboxState::tokens` from growing with every call).
fn recent_client_token(state: &SandboxState, grant: &Grant) -> Option<String> {
    let token = state
        .auth
        .client_tokens
        .get(&cache_key(grant), state.auth.clock.now_ms())?;
    let live = state.tokens().get(&token).is_some_and(|t| !t.revoked);
    live.then_some(token)
}

fn remember_client_token(state: &SandboxState, grant: &Grant, token: &str) {
    let now = state.auth.clock.now_ms();
    let end_of_second = (now.div_euclid(1000) + 1) * 1000;
    state
        .auth
        .client_tokens
        .insert(&cache_key(grant), token.to_owned(), end_of_second, now);
}
