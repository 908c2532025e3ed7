//! `GET|POST /{envID}/as/signoff` (OIDC RP-initiated logout) ends the SSO session named by
//! the `ST` cookie or the `id_token_hint`, revoking its tokens; and `POST /{envID}/as/revoke`
//! (RFC 7009) revokes one token.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::authorize::respond;
use crate::sandbox::auth::directory::{self, app};
use crate::sandbox::auth::oauth_error::OAuthError;
use crate::sandbox::auth::request::{Params, cookie, is_form};
use crate::sandbox::auth::{client_auth, refresh, session};
use crate::sandbox::state::SandboxState;

/// `GET|POST /{envID}/as/signoff`.
pub async fn signoff(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !directory::env_known(&state, &env) {
        return ApiError::not_found().into_response();
    }
    let params = Params::from_query_and_form(query.as_deref(), &headers, &body);
    let hint = match params
        .get("id_token_hint")
        .map(|t| state.auth.key.verify(t))
    {
        Some(Some(claims)) => Some(claims),
        Some(None) => {
            return ApiError::invalid(
                "INVALID_VALUE",
                "id_token_hint",
                "The id_token_hint is not a valid ID token",
            )
            .into_response();
        }
        None => None,
    };
    let target = match logout_target(&state, &env, &params, hint.as_ref()) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let sid = cookie(&headers, "ST").or_else(|| {
        hint.as_ref()
            .and_then(|c| c.get("sid"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    if let Some(sid) = sid {
        session::end(&state, &sid);
    }
    let mut response = match target {
        Some(uri) => match params.get("state") {
            Some(st) => respond::redirect(
                &uri,
                respond::ResponseMode::Query,
                &[("state", st.to_owned())],
            ),
            None => respond::found(&uri),
        },
        None => Html("<!DOCTYPE html><html><body><p>You have been signed off.</p></body></html>")
            .into_response(),
    };
    if let Ok(value) = HeaderValue::from_str(&session::clear_cookie_header(&env)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The `post_logout_redirect_uri`, which must be registered for the ID token's client.
fn logout_target(
    state: &SandboxState,
    env: &str,
    params: &Params,
    hint: Option<&Value>,
) -> Result<Option<String>, ApiError> {
    let Some(uri) = params.get("post_logout_redirect_uri") else {
        return Ok(None);
    };
    let client = hint
        .and_then(|c| c.get("aud"))
        .and_then(Value::as_str)
        .or_else(|| params.get("client_id"));
    let registered = client.is_some_and(|id| {
        let store = state.store();
        app::find(state, &store, env, id)
            .is_some_and(|a| a.post_logout_redirect_uris.iter().any(|u| u == uri))
    });
    if registered {
        Ok(Some(uri.to_owned()))
    } else {
        Err(ApiError::invalid(
            "INVALID_VALUE",
            "post_logout_redirect_uri",
            "The post_logout_redirect_uri is not registered for the application",
        ))
    }
}

/// `POST /{envID}/as/revoke`: always 200 once the client is authenticated (RFC 7009 §2.2).
pub async fn revoke(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !directory::env_known(&state, &env) || !is_form(&headers) {
        return OAuthError::invalid_request(
            "The request must be a form POST to a known environment",
        )
        .into_response();
    }
    let params = Params::parse(&body);
    let endpoint = format!("{}/{env}/as/revoke", state.base_url);
    let app = match client_auth::authenticate(&state, &env, &headers, &params, &endpoint) {
        Ok(app) => app,
        Err(e) => return e.into_response(),
    };
    let Some(token) = params.get("token") else {
        return OAuthError::invalid_request("token is required").into_response();
    };
    if let Some(issued) = state.tokens().get_mut(token)
        && issued.client_id == app.id
    {
        issued.revoked = true;
    }
    let now = state.auth.clock.now_ms();
    if let Some(record) = state.auth.refresh.get(token, now)
        && record.grant.client_id == app.id
    {
        refresh::revoke_family(&state, &record.family);
    }
    StatusCode::OK.into_response()
}
