//! MFA authentication codes (`{authPath}/{envID}/authenticationCodes`): a code (often shown as
//! a QR code) that only the named native application can scan, so that a user signs on by
//! scanning it with a paired phone. Created, read and deleted with a worker's bearer token,
//! on the auth host as PingOne serves them. A code starts `UNCLAIMED`; the phone's SDK
//! (`PingOne.authenticate`, the simulator's `authenticate`) makes it `CLAIMED` for the users
//! paired on it, its `approve()` makes it `COMPLETED` for one of them (`DENIED` on `deny()`),
//! and a code past `expiresAt` before completing reads `EXPIRED`. Stored in the environment's
//! scope, collection `authenticationCodes`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::RngExt;
use serde_json::{Map, Value, json};

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::directory;
use crate::sandbox::mgmt::access;
use crate::sandbox::mgmt::hal;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

pub const CODES: &str = "authenticationCodes";
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// An eight-character code of digits and uppercase letters, as PingOne's.
fn new_code() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// The code as PingOne returns it, with its status brought up to date.
pub fn view(state: &SandboxState, doc: &Value) -> Value {
    let env = doc.pointer("/environment/id").and_then(Value::as_str);
    let id = doc["id"].as_str().unwrap_or_default();
    let href = format!(
        "{}/{}/{CODES}/{id}",
        state.base_url,
        env.unwrap_or_default()
    );
    hal::with_links(doc, &[("self", href)])
}

/// Marks an open code past its `expiresAt` as `EXPIRED`; returns the stored document.
pub fn refresh(store: &mut Store, env: &str, id: &str) -> Option<Value> {
    let doc = store.get_mut(env, CODES, id)?;
    let open = matches!(doc["status"].as_str(), Some("UNCLAIMED" | "CLAIMED"));
    let past = doc["expiresAt"]
        .as_str()
        .is_some_and(|e| e <= hal::now().as_str());
    if open && past {
        doc["status"] = json!("EXPIRED");
        doc["updatedAt"] = json!(hal::now());
    }
    Some(doc.clone())
}

/// The bearer token must be a worker's with a role, as for the management API.
fn caller(state: &SandboxState, headers: &HeaderMap, env: &str) -> Result<(), Box<Response>> {
    if !directory::env_known(state, env) {
        return Err(Box::new(ApiError::not_found().into_response()));
    }
    access::check_bearer(state, headers)
        .map(|_| ())
        .map_err(|e| Box::new(e.into_response()))
}

/// `POST /{envID}/authenticationCodes`.
pub async fn create(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = caller(&state, &headers, &env) {
        return *r;
    }
    let body: Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(Value::Object(m)) => m,
        _ => {
            return ApiError::invalid(
                "INVALID_VALUE",
                "body",
                "The request body must be a JSON object",
            )
            .into_response();
        }
    };
    let (seconds, life) = match check(&state, &env, &body) {
        Ok(ok) => ok,
        Err(e) => return e.into_response(),
    };
    let now = hal::now();
    let mut doc = json!({
        "id": hal::new_id(),
        "environment": {"id": env},
        "code": new_code(),
        "application": {"id": body["application"]["id"]},
        "lifeTime": life,
        "userApproval": body.get("userApproval").cloned().unwrap_or(json!("REQUIRED")),
        "status": "UNCLAIMED",
        "expiresAt": hal::now_plus(seconds),
        "updatedAt": now,
        "createdAt": now,
    });
    doc["uri"] = json!(format!(
        "pingonesdk?authentication_code={}",
        doc["code"].as_str().unwrap_or_default()
    ));
    if let Some(context) = body.get("clientContext") {
        doc["clientContext"] = context.clone();
    }
    state.store().put(&env, CODES, doc.clone());
    (StatusCode::CREATED, axum::Json(view(&state, &doc))).into_response()
}

/// The request's problems as PingOne's error, else the code's lifetime in seconds and as
/// `lifeTime` (default one minute; 10 seconds to 30 minutes).
fn check(
    state: &SandboxState,
    env: &str,
    body: &Map<String, Value>,
) -> Result<(i64, Value), ApiError> {
    check_application(state, env, body)?;
    if let Some(a) = body.get("userApproval")
        && !matches!(a.as_str(), Some("REQUIRED" | "NOT_REQUIRED"))
    {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "userApproval",
            "userApproval must be REQUIRED or NOT_REQUIRED",
        ));
    }
    match body.get("lifeTime") {
        Some(life) => lifetime(life),
        None => Ok((60, json!({"duration": 1, "timeUnit": "MINUTES"}))),
    }
}

/// `application.id` must name a native application of the environment: only its app scans.
fn check_application(
    state: &SandboxState,
    env: &str,
    body: &Map<String, Value>,
) -> Result<(), ApiError> {
    let app_id = body
        .get("application")
        .and_then(|a| a.get("id"))
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::required("application.id"))?;
    let native = state
        .store()
        .get(env, "applications", app_id)
        .is_some_and(|a| a["type"] == "NATIVE_APP");
    if !native {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "application.id",
            "application.id must name a native application of the environment",
        ));
    }
    Ok(())
}

/// The `lifeTime` asked for, in seconds and as it is shown; 10 seconds to 30 minutes.
fn lifetime(life: &Value) -> Result<(i64, Value), ApiError> {
    let duration = life.get("duration").and_then(Value::as_i64);
    let unit = life.get("timeUnit").and_then(Value::as_str);
    let seconds = match (duration, unit) {
        (Some(d), Some("SECONDS")) => d,
        (Some(d), Some("MINUTES")) => d.saturating_mul(60),
        (None, _) => return Err(ApiError::required("lifeTime.duration")),
        (_, None) => return Err(ApiError::required("lifeTime.timeUnit")),
        _ => {
            return Err(ApiError::invalid(
                "INVALID_VALUE",
                "lifeTime.timeUnit",
                "lifeTime.timeUnit must be SECONDS or MINUTES",
            ));
        }
    };
    if !(10..=1800).contains(&seconds) {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "lifeTime.duration",
            "lifeTime must be between 10 seconds and 30 minutes",
        ));
    }
    Ok((seconds, json!({"duration": duration, "timeUnit": unit})))
}

/// `GET /{envID}/authenticationCodes/{authCodeID}`.
pub async fn read(
    State(state): State<Arc<SandboxState>>,
    Path((env, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = caller(&state, &headers, &env) {
        return *r;
    }
    let doc = refresh(&mut state.store(), &env, &id);
    match doc {
        Some(doc) => axum::Json(view(&state, &doc)).into_response(),
        None => ApiError::not_found().into_response(),
    }
}

/// `DELETE /{envID}/authenticationCodes/{authCodeID}`.
pub async fn delete(
    State(state): State<Arc<SandboxState>>,
    Path((env, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = caller(&state, &headers, &env) {
        return *r;
    }
    match state.store().remove(&env, CODES, &id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => ApiError::not_found().into_response(),
    }
}
