//! `POST /{envID}/as/introspect` (RFC 7662): a resource server, authenticated with the custom
//! resource's id and secret (per its `introspectEndpointAuthMethod`), or the client that got
//! the token (its secret in a Basic header or in the `client_id` and `client_secret` form
//! fields, as PingOne's tutorials send it), asks whether a token is active and what it carries.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::sandbox::auth::client_auth;
use crate::sandbox::auth::directory;
use crate::sandbox::auth::jwt;
use crate::sandbox::auth::oauth_error::{OAuthError, OAuthResult};
use crate::sandbox::auth::request::{Params, basic_credentials, is_form};
use crate::sandbox::state::SandboxState;

/// Who is asking.
enum Caller {
    /// A resource server: only tokens for its audience are active to it.
    Resource { audience: String },
    /// The client application: only its own tokens are active to it.
    Client { id: String },
}

/// `POST /{envID}/as/introspect`.
pub async fn introspect(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &env, &headers, &body) {
        Ok(json) => crate::sandbox::auth::no_store::no_store(axum::Json(json).into_response()),
        Err(e) => e.into_response(),
    }
}

fn handle(state: &SandboxState, env: &str, headers: &HeaderMap, body: &[u8]) -> OAuthResult<Value> {
    if !directory::env_known(state, env) || !is_form(headers) {
        return Err(OAuthError::invalid_request(
            "The request must be a form POST to a known environment",
        ));
    }
    let params = Params::parse(body);
    let caller = authenticate(state, env, headers, &params)?;
    let token = params
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    Ok(describe(state, env, token, &caller).unwrap_or_else(|| json!({"active": false})))
}

fn authenticate(
    state: &SandboxState,
    env: &str,
    headers: &HeaderMap,
    params: &Params,
) -> OAuthResult<Caller> {
    let basic = basic_credentials(headers);
    let presented_id = basic
        .as_ref()
        .map(|(id, _)| id.clone())
        .or_else(|| params.get("client_id").map(str::to_owned))
        .unwrap_or_default();
    let resource = state.store().get(env, "resources", &presented_id).cloned();
    let Some(resource) = resource else {
        let endpoint = format!("{}/{env}/as/introspect", state.base_url);
        let app = client_auth::authenticate_introspection(state, env, headers, params, &endpoint)?;
        return Ok(Caller::Client { id: app.id });
    };
    let method = resource
        .get("introspectEndpointAuthMethod")
        .and_then(Value::as_str)
        .unwrap_or("CLIENT_SECRET_BASIC");
    let given = match (method, &basic) {
        ("CLIENT_SECRET_BASIC", Some((_, secret))) => Some(secret.clone()),
        ("CLIENT_SECRET_POST", None) => params.get("client_secret").map(str::to_owned),
        ("NONE", None) => None,
        _ => {
            return Err(OAuthError::invalid_client(format!(
                "The resource requires the {method} authentication method"
            )));
        }
    };
    let ok = method == "NONE"
        || given.is_some_and(|g| {
            let store = state.store();
            crate::sandbox::mgmt::secrets::resource_secret_matches(&store, env, &presented_id, &g)
        });
    if !ok {
        return Err(OAuthError::invalid_client("Client authentication failed"));
    }
    let audience = resource
        .get("audience")
        .or_else(|| resource.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(Caller::Resource { audience })
}

/// The RFC 7662 answer for an active token the caller may see.
fn describe(state: &SandboxState, env: &str, token: &str, caller: &Caller) -> Option<Value> {
    let now = state.auth.clock.now_secs();
    let issued = state.tokens().get(token).cloned();
    let (mut claims, token_type) = if let Some(issued) = issued {
        if issued.revoked || issued.expires_at <= now || issued.env_id != env {
            return None;
        }
        (state.auth.key.verify(token)?, "Bearer")
    } else {
        let record = state.auth.refresh.get(token, state.auth.clock.now_ms())?;
        if record.used_at.is_some() || record.grant.env_id != env {
            return None;
        }
        let claims = jwt::parse(token).map_or_else(
            || {
                json!({"client_id": record.grant.client_id, "sub": record.grant.user_id,
                       "scope": record.grant.scopes.joined()})
            },
            |p| p.claims,
        );
        (claims, "refresh_token")
    };
    let visible = match caller {
        Caller::Client { id } => claims.get("client_id").and_then(Value::as_str) == Some(id),
        Caller::Resource { audience } => match claims.get("aud") {
            Some(Value::String(a)) => a == audience,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(audience)),
            _ => false,
        },
    };
    if !visible {
        return None;
    }
    claims["active"] = json!(true);
    claims["token_type"] = json!(token_type);
    Some(claims)
}
