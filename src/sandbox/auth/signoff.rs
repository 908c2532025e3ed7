//! `GET|POST /{envID}/as/signoff` (OIDC RP-initiated logout) ends the SSO session named by
//! the `ST` cookie (or the `id_token_hint`'s `sid`), revoking its tokens; and
//! `POST /{envID}/as/revoke` (RFC 7009) revokes one token.

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
use crate::sandbox::auth::request::{Params, is_form};
use crate::sandbox::auth::{client_auth, refresh, session};
use crate::sandbox::state::SandboxState;

/// PingOne redirects only when `post_logout_redirect_uri` and `state` together stay under
/// this many characters.
const MAX_REDIRECT_CHARS: usize = 8192;

/// `GET|POST /{envID}/as/signoff`, as PingOne's Signoff page describes it: the `ST` cookie
/// names the session; an `id_token_hint` must carry a valid signature, name an existing,
/// enabled application, and name the session's user; `post_logout_redirect_uri` must be
/// registered (for the hint's application, or without a hint for any enabled application of
/// the environment), and `state` comes back on it.
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
    match sign_off(&state, &env, &params, &headers) {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

fn sign_off(
    state: &SandboxState,
    env: &str,
    params: &Params,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let hint = params
        .get("id_token_hint")
        .map(|t| hinted(state, env, t))
        .transpose()?;
    let current = session::from_cookie(state, env, headers);
    if let (Some(hint), Some(session)) = (&hint, &current)
        && hint.get("sub").and_then(Value::as_str) != Some(session.user_id.as_str())
    {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "id_token_hint",
            "The id_token_hint does not name the user of the current session",
        ));
    }
    let target = logout_target(state, env, params, hint.as_ref())?;
    let sid = current.map(|s| s.id).or_else(|| {
        hint.as_ref()
            .and_then(|c| c.get("sid"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    if let Some(sid) = sid {
        session::end(state, &sid);
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
    if let Ok(value) = HeaderValue::from_str(&session::clear_cookie_header(env)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The claims of an `id_token_hint`: signed by this environment's key, for an application
/// that exists and is enabled.
fn hinted(state: &SandboxState, env: &str, token: &str) -> Result<Value, ApiError> {
    let invalid = |message: &str| ApiError::invalid("INVALID_VALUE", "id_token_hint", message);
    let claims = state
        .auth
        .key
        .verify(token)
        .ok_or_else(|| invalid("The id_token_hint is not a valid ID token"))?;
    let issuer = format!("{}/{env}/as", state.base_url);
    if claims.get("iss").and_then(Value::as_str) != Some(issuer.as_str()) {
        return Err(invalid(
            "The id_token_hint was not issued by this environment",
        ));
    }
    let usable = hint_client(&claims).is_some_and(|id| {
        let store = state.store();
        app::find(state, &store, env, id).is_some_and(|a| a.enabled)
    });
    if !usable {
        return Err(invalid(
            "The application of the id_token_hint does not exist or is disabled",
        ));
    }
    Ok(claims)
}

/// The client an ID token was issued to (`aud`, a string or a one-element list).
fn hint_client(claims: &Value) -> Option<&str> {
    match claims.get("aud")? {
        Value::String(a) => Some(a),
        Value::Array(list) => list.first().and_then(Value::as_str),
        _ => None,
    }
}

/// The `post_logout_redirect_uri`, which must be registered for the hint's application or,
/// without a hint, for some enabled application of the environment.
fn logout_target(
    state: &SandboxState,
    env: &str,
    params: &Params,
    hint: Option<&Value>,
) -> Result<Option<String>, ApiError> {
    let Some(uri) = params.get("post_logout_redirect_uri") else {
        return Ok(None);
    };
    let length = uri.len() + params.get("state").map_or(0, str::len);
    if length >= MAX_REDIRECT_CHARS {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "post_logout_redirect_uri",
            "post_logout_redirect_uri and state must be shorter than 8192 characters together",
        ));
    }
    let registered =
        |a: &app::App| a.enabled && a.post_logout_redirect_uris.iter().any(|u| u == uri);
    let ok = if let Some(id) = hint.and_then(hint_client) {
        let store = state.store();
        app::find(state, &store, env, id).is_some_and(|a| registered(&a))
    } else {
        let store = state.store();
        store
            .list(env, "applications")
            .filter_map(|a| a.get("id").and_then(Value::as_str))
            .any(|id| app::find(state, &store, env, id).is_some_and(|a| registered(&a)))
    };
    if ok {
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
