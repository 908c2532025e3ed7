//! `GET|POST /{envID}/as/userinfo`: the OIDC claims of the user an access token (with the
//! `openid` scope) was issued for.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::sandbox::auth::claims;
use crate::sandbox::auth::oauth_error::{OAuthError, OAuthResult};
use crate::sandbox::auth::request::{Params, bearer_token, is_form};
use crate::sandbox::state::SandboxState;

/// `GET|POST /{envID}/as/userinfo`.
pub async fn userinfo(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let from_form = is_form(&headers)
        .then(|| Params::parse(&body).get("access_token").map(str::to_owned))
        .flatten();
    let token = bearer_token(&headers).or(from_form);
    match handle(&state, &env, token.as_deref()) {
        Ok(json) => axum::Json(json).into_response(),
        Err(e) => e.into_response(),
    }
}

fn handle(state: &SandboxState, env: &str, token: Option<&str>) -> OAuthResult<Value> {
    let token = token.ok_or_else(|| OAuthError::invalid_token("An access token is required"))?;
    let invalid = || OAuthError::invalid_token("The access token is invalid or expired");
    let issued = state.tokens().get(token).cloned().ok_or_else(invalid)?;
    if issued.revoked || issued.expires_at <= state.auth.clock.now_secs() || issued.env_id != env {
        return Err(invalid());
    }
    state.auth.key.verify(token).ok_or_else(invalid)?;
    let user_id = issued.subject.ok_or_else(|| {
        OAuthError::new(
            axum::http::StatusCode::FORBIDDEN,
            "insufficient_scope",
            "The access token was not issued for a user",
        )
    })?;
    if !issued.scopes.iter().any(|s| s == "openid") {
        return Err(OAuthError::new(
            axum::http::StatusCode::FORBIDDEN,
            "insufficient_scope",
            "The access token does not have the openid scope",
        ));
    }
    let store = state.store();
    let user = store.get(env, "users", &user_id).ok_or_else(invalid)?;
    let mut out = json!({"sub": user_id});
    for (k, v) in claims::standard(user, &issued.scopes) {
        out[k] = v;
    }
    out["env"] = json!(env);
    out["org"] = json!(state.org_id);
    Ok(out)
}
