//! The device authorization grant (RFC 8628): `as/device_authorization` hands out a device
//! code and a user code, the user approves in a flow started at `/device`, and the device
//! polls the token endpoint meanwhile (`authorization_pending`, `slow_down`, `expired_token`,
//! `access_denied`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::sandbox::auth::client_auth;
use crate::sandbox::auth::code_grant;
use crate::sandbox::auth::directory::{self, app::App};
use crate::sandbox::auth::issue;
use crate::sandbox::auth::no_store::no_store;
use crate::sandbox::auth::oauth_error::{OAuthError, OAuthResult};
use crate::sandbox::auth::request::{Params, is_form};
use crate::sandbox::auth::scopes;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::device::{DeviceGrant, DeviceStatus};

/// `POST /{envID}/as/device_authorization`.
pub async fn authorization(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match start(&state, &env, &headers, &body) {
        Ok(json) => no_store(axum::Json(json).into_response()),
        Err(e) => e.into_response(),
    }
}

fn start(state: &SandboxState, env: &str, headers: &HeaderMap, body: &[u8]) -> OAuthResult<Value> {
    if !directory::env_known(state, env) {
        return Err(OAuthError::invalid_request("Unknown environment"));
    }
    if !is_form(headers) {
        return Err(OAuthError::invalid_request(
            "The request must use Content-Type application/x-www-form-urlencoded",
        ));
    }
    let params = Params::parse(body);
    let endpoint = format!("{}/{env}/as/device_authorization", state.base_url);
    let app = client_auth::authenticate(state, env, headers, &params, &endpoint)?;
    if !app.has_grant("DEVICE_CODE") {
        return Err(OAuthError::unauthorized_client(
            "The application is not allowed to use the device_code grant",
        ));
    }
    let requested = params.get("scope").unwrap_or("openid");
    let resolved = {
        let store = state.store();
        scopes::resolve(&store, env, &app.doc, requested).map_err(OAuthError::invalid_scope)?
    };
    let device_code = uuid::Uuid::new_v4().to_string();
    let user_code = new_user_code();
    let now = state.auth.clock.now_ms();
    let expires = now + app.device_timeout * 1000;
    let grant = DeviceGrant {
        env_id: env.to_owned(),
        client_id: app.id.clone(),
        scopes: resolved,
        interval: app.device_interval,
        last_poll_ms: None,
        status: DeviceStatus::Pending,
    };
    state.auth.devices.insert(&device_code, grant, expires, now);
    state
        .auth
        .user_codes
        .insert(&normalize(&user_code), device_code.clone(), expires, now);
    let path = app.device_path_id.as_deref().unwrap_or(&app.id);
    let verification_uri = format!("{}/{env}/device/{path}", state.base_url);
    Ok(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={user_code}"),
        "expires_in": app.device_timeout,
        "interval": app.device_interval,
    }))
}

/// Eight letters without vowels, as `BVKV-2GZ2`-style codes avoid words.
fn new_user_code() -> String {
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ23456789";
    let chars: String = (0..8)
        .map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]))
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// User codes compare without case, spaces or dashes.
pub fn normalize(user_code: &str) -> String {
    user_code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The device code a user code stands for, if still pending.
pub fn device_code_for(state: &SandboxState, env: &str, user_code: &str) -> Option<String> {
    let now = state.auth.clock.now_ms();
    let device_code = state.auth.user_codes.get(&normalize(user_code), now)?;
    let grant = state.auth.devices.get(&device_code, now)?;
    (grant.env_id == env && matches!(grant.status, DeviceStatus::Pending)).then_some(device_code)
}

/// Records the user's decision on a device grant.
pub fn decide(state: &SandboxState, device_code: &str, outcome: DeviceStatus) -> bool {
    let now = state.auth.clock.now_ms();
    state
        .auth
        .devices
        .update(device_code, now, |g| g.status = outcome)
        .is_some()
}

/// The `device_code` grant: one poll of the device.
pub fn poll(state: &SandboxState, app: &App, params: &Params) -> OAuthResult<Value> {
    if !app.has_grant("DEVICE_CODE") {
        return Err(OAuthError::unauthorized_client(
            "The application is not allowed to use the device_code grant",
        ));
    }
    let code = params
        .get("device_code")
        .ok_or_else(|| OAuthError::invalid_request("device_code is required"))?;
    let now = state.auth.clock.now_ms();
    let Some(grant) = state.auth.devices.get(code, now) else {
        return Err(match state.auth.devices.expires_at(code) {
            Some(_) => OAuthError::device("expired_token", "The device code has expired"),
            None => OAuthError::invalid_grant("The device code is invalid"),
        });
    };
    if grant.client_id != app.id {
        return Err(OAuthError::invalid_grant("The device code is invalid"));
    }
    match grant.status {
        DeviceStatus::Pending => Err(pending(state, code, &grant, now)),
        DeviceStatus::Denied => {
            state.auth.devices.remove(code);
            Err(OAuthError::device(
                "access_denied",
                "The user denied the request",
            ))
        }
        DeviceStatus::Approved(user_grant) => {
            state.auth.devices.remove(code);
            let access = issue::access_token(state, &user_grant);
            let id = user_grant
                .scopes
                .has("openid")
                .then(|| issue::id_token(state, &user_grant, Some(&access), None));
            let refresh = code_grant::wants_refresh(state, app, &user_grant).then(|| {
                let jwt = app.refresh_type != "OPAQUE_TOKEN";
                issue::refresh_token(state, &user_grant, app.refresh_duration, None, jwt)
            });
            Ok(issue::response(&user_grant, &access, id, refresh))
        }
    }
}

/// `slow_down` when this poll came sooner than `interval` after the last one (and the
/// interval grows by 5 seconds, RFC 8628 §3.5); `authorization_pending` otherwise.
fn pending(state: &SandboxState, code: &str, grant: &DeviceGrant, now: i64) -> OAuthError {
    let too_soon = grant
        .last_poll_ms
        .is_some_and(|last| now - last < grant.interval * 1000);
    state.auth.devices.update(code, now, |g| {
        g.last_poll_ms = Some(now);
        if too_soon {
            g.interval += 5;
        }
    });
    if too_soon {
        OAuthError::device("slow_down", "The device is polling too frequently")
    } else {
        OAuthError::device(
            "authorization_pending",
            "The user has not yet completed authorization",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_formatted_and_normalized() {
        let code = new_user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert_eq!(normalize("bvkv-2gz2"), "BVKV2GZ2");
        assert_eq!(normalize(" BVKV 2GZ2 "), "BVKV2GZ2");
    }
}
