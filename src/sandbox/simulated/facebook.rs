//! A simulated Facebook Login (`/sandbox/facebook`): the OAuth dialog where a person signs in
//! and consents (`dialog/oauth`, a page and its form), the token endpoint
//! (`oauth/access_token`) and the Graph API's `me`. It knows the app ids and secrets of every
//! `FACEBOOK` identity provider configured in the sandbox, as Facebook knows its apps.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::sandbox::auth::authorize::respond::escape;
use crate::sandbox::auth::request::Params;
use crate::sandbox::state::SandboxState;

const CODE_SECONDS: i64 = 600;
const TOKEN_SECONDS: i64 = 3600;

/// The dialog's address, where `rp/authenticate` sends the browser.
pub fn dialog_url(state: &SandboxState) -> String {
    format!("{}/sandbox/facebook/dialog/oauth", state.base_url)
}

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route("/sandbox/facebook/dialog/oauth", get(dialog).post(consent))
        .route(
            "/sandbox/facebook/oauth/access_token",
            get(access_token).post(access_token),
        )
        .route("/sandbox/facebook/me", get(me))
}

/// Facebook's error body (`{"error": {"message", "type", "code"}}`), status 400.
fn error(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": {"message": message, "type": "OAuthException", "code": 100}})),
    )
        .into_response()
}

fn app_known(state: &SandboxState, app_id: &str, secret: Option<&str>) -> bool {
    let store = state.store();
    let envs: Vec<String> = store
        .list(&state.org_id, "environments")
        .filter_map(|e| e.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    envs.iter().any(|env| {
        store.list(env, "identityProviders").any(|p| {
            p.get("type").and_then(Value::as_str) == Some("FACEBOOK")
                && p.get("appId").and_then(Value::as_str) == Some(app_id)
                && secret.is_none_or(|s| p.get("appSecret").and_then(Value::as_str) == Some(s))
        })
    })
}

/// `GET dialog/oauth?client_id=&redirect_uri=&state=`: the sign-in and consent page.
async fn dialog(State(state): State<Arc<SandboxState>>, RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let (Some(client_id), Some(redirect_uri)) =
        (params.get("client_id"), params.get("redirect_uri"))
    else {
        return error("client_id and redirect_uri are required");
    };
    if !app_known(&state, client_id, None) {
        return error("Invalid App ID");
    }
    let hidden = |name: &str, value: &str| {
        format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\"/>",
            escape(name),
            escape(value)
        )
    };
    Html(format!(
        "<!DOCTYPE html><html><head><title>Log in to Facebook (sandbox)</title></head><body>\
         <h1>Log in to Facebook</h1><form method=\"post\" action=\"{}\">{}{}{}\
         <label>Email <input name=\"email\" type=\"email\"/></label>\
         <label>Name <input name=\"name\"/></label>\
         <button type=\"submit\">Continue</button></form></body></html>",
        escape(&dialog_url(&state)),
        hidden("client_id", client_id),
        hidden("redirect_uri", redirect_uri),
        hidden("state", params.get("state").unwrap_or_default()),
    ))
    .into_response()
}

/// `POST dialog/oauth` (form `client_id`, `redirect_uri`, `state`, `email`, `name`): the person
/// signs in and consents; back to `redirect_uri` with a code.
async fn consent(State(state): State<Arc<SandboxState>>, body: Bytes) -> Response {
    let params = Params::parse(&body);
    let (Some(client_id), Some(redirect_uri), Some(email)) = (
        params.get("client_id"),
        params.get("redirect_uri"),
        params.get("email").filter(|e| e.contains('@')),
    ) else {
        return error("client_id, redirect_uri and an email address are required");
    };
    if !app_known(&state, client_id, None) {
        return error("Invalid App ID");
    }
    let Ok(mut target) = url::Url::parse(redirect_uri) else {
        return error("redirect_uri is not a URL");
    };
    // One Facebook account per email address: the same person gets the same id every time.
    let id = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(email.to_ascii_lowercase().as_bytes());
        digest[..8]
            .iter()
            .fold(0u64, |acc, b| acc * 256 + u64::from(*b))
            .to_string()
    };
    let profile = json!({"id": id, "email": email,
        "name": params.get("name").filter(|n| !n.is_empty()).unwrap_or(email)});
    let code = uuid::Uuid::new_v4().simple().to_string();
    let now = state.auth.clock.now_ms();
    state.auth.facebook_codes.insert(
        &code,
        json!({"client_id": client_id, "redirect_uri": redirect_uri, "profile": profile}),
        now + CODE_SECONDS * 1000,
        now,
    );
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", params.get("state").unwrap_or_default());
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

/// Exchanges a dialog code for an access token; none if any part does not match.
pub fn redeem(
    state: &SandboxState,
    app_id: &str,
    secret: &str,
    redirect_uri: &str,
    code: &str,
) -> Option<String> {
    if !app_known(state, app_id, Some(secret)) {
        return None;
    }
    let now = state.auth.clock.now_ms();
    let grant = state.auth.facebook_codes.take(code, now)?;
    if grant.get("client_id").and_then(Value::as_str) != Some(app_id)
        || grant.get("redirect_uri").and_then(Value::as_str) != Some(redirect_uri)
    {
        return None;
    }
    let token = format!("EAA{}", uuid::Uuid::new_v4().simple());
    state.auth.facebook_tokens.insert(
        &token,
        grant.get("profile").cloned().unwrap_or(Value::Null),
        now + TOKEN_SECONDS * 1000,
        now,
    );
    Some(token)
}

/// The profile an access token was issued for.
pub fn profile(state: &SandboxState, token: &str) -> Option<Value> {
    let now = state.auth.clock.now_ms();
    state.auth.facebook_tokens.get(token, now)
}

/// `GET|POST oauth/access_token?client_id=&client_secret=&redirect_uri=&code=`.
async fn access_token(
    State(state): State<Arc<SandboxState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_query_and_form(query.as_deref(), &headers, &body);
    let field = |k: &str| params.get(k).unwrap_or_default();
    match redeem(
        &state,
        field("client_id"),
        field("client_secret"),
        field("redirect_uri"),
        field("code"),
    ) {
        Some(token) => Json(json!({"access_token": token, "token_type": "bearer",
            "expires_in": TOKEN_SECONDS}))
        .into_response(),
        None => error("Invalid verification code format or client credentials."),
    }
}

/// `GET me?access_token=`: the Graph API's view of the signed-in person.
async fn me(State(state): State<Arc<SandboxState>>, RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    match params.get("access_token").and_then(|t| profile(&state, t)) {
        Some(p) => Json(p).into_response(),
        None => error("Invalid OAuth access token."),
    }
}
