//! Authentication codes on the phone: `PingOne.authenticate(code)` claims a scanned code for
//! the users paired on this installation and returns the `AuthenticationObject`; its
//! `approve()` completes the code for one of them, `deny()` refuses it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{answer, known_env, object, text};
use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::auth_codes::{self, CODES};
use crate::sandbox::auth::mobile::{INSTALLATIONS, paired_device};
use crate::sandbox::mgmt::hal;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

/// The users this installation is paired with (one per install in the sandbox), with
/// their usernames.
fn paired_users(store: &Store, env: &str, installation: &str) -> Vec<Value> {
    let Some(user) = store
        .get(env, INSTALLATIONS, installation)
        .and_then(|i| i.pointer("/user/id"))
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    if paired_device(store, env, installation, user).is_none() {
        return Vec::new();
    }
    let username = store
        .get(env, "users", user)
        .map_or(Value::Null, |u| u["username"].clone());
    vec![json!({"id": user, "username": username})]
}

/// The `AuthenticationObject` the SDK hands the app.
fn authentication_object(state: &SandboxState, env: &str, doc: &Value) -> Value {
    let id = doc["id"].as_str().unwrap_or_default();
    let href = |action: &str| {
        format!(
            "{}/sandbox/mobile-sdk/{env}/authentications/{id}/{action}",
            state.base_url
        )
    };
    let mut out = json!({
        "id": id, "status": doc["status"], "needsApproval": doc["userApproval"],
        "users": doc.get("users").cloned().unwrap_or(json!([])),
        "clientContext": doc.get("clientContext").cloned().unwrap_or(Value::Null),
    });
    if doc["status"] == "CLAIMED" {
        out["_links"] =
            json!({"approve": {"href": href("approve")}, "deny": {"href": href("deny")}});
    }
    if let Some(user) = doc.get("user") {
        out["user"] = user.clone();
    }
    out
}

/// `POST authenticate` `{installationId, authenticationCode}`: the code scanned (its value, or
/// the `uri` the QR code holds).
pub(super) async fn authenticate(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    body: Bytes,
) -> Response {
    answer(claim(&state, &env, &body))
}

/// Claims the scanned code for the users paired on the installation.
fn claim(state: &SandboxState, env: &str, body: &[u8]) -> Result<Value, ApiError> {
    known_env(state, env)?;
    let body = object(body)?;
    let installation = text(&body, "installationId")?;
    let scanned = text(&body, "authenticationCode")?;
    let scanned = scanned
        .rsplit_once("authentication_code=")
        .map_or(scanned, |(_, c)| c);
    let mut store = state.store();
    let app = installation_app(&store, env, installation)?;
    let id = code_id(&store, env, scanned)?;
    let doc = auth_codes::refresh(&mut store, env, &id).ok_or_else(ApiError::not_found)?;
    check_claimable(&doc, &app)?;
    let users = paired_users(&store, env, installation);
    if users.is_empty() {
        return Err(ApiError::request_failed(
            "The phone is not paired with any user of the environment",
        ));
    }
    let Some(stored) = store.get_mut(env, CODES, &id) else {
        return Err(ApiError::not_found());
    };
    stored["status"] = json!("CLAIMED");
    stored["users"] = json!(users);
    stored["updatedAt"] = json!(hal::now());
    let stored = stored.clone();
    drop(store);
    Ok(authentication_object(state, env, &stored))
}

/// The `{id}` reference of the application the installation registered with.
fn installation_app(store: &Store, env: &str, installation: &str) -> Result<Value, ApiError> {
    store
        .get(env, INSTALLATIONS, installation)
        .and_then(|i| i.pointer("/application/id"))
        .cloned()
        .ok_or_else(|| ApiError::invalid("INVALID_VALUE", "installationId", "Unknown installation"))
}

/// The id of the environment's authentication code whose value is `scanned`.
fn code_id(store: &Store, env: &str, scanned: &str) -> Result<String, ApiError> {
    store
        .list(env, CODES)
        .find(|c| c["code"] == scanned)
        .and_then(|c| c["id"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::invalid(
                "INVALID_VALUE",
                "authenticationCode",
                "The authentication code is not valid",
            )
        })
}

/// A code can be claimed through an installation of its own application, and only once.
fn check_claimable(doc: &Value, app: &Value) -> Result<(), ApiError> {
    if doc.pointer("/application/id") != Some(app) {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "authenticationCode",
            "The authentication code is for another application",
        ));
    }
    if doc["status"] != "UNCLAIMED" {
        return Err(ApiError::request_failed(format!(
            "The authentication code is {}",
            doc["status"].as_str().unwrap_or_default()
        )));
    }
    Ok(())
}

/// Moves a `CLAIMED` code to `status` (for `userId` when approving).
fn decide(
    state: &SandboxState,
    env: &str,
    id: &str,
    status: &str,
    user: Option<&str>,
) -> Result<Value, ApiError> {
    known_env(state, env)?;
    let mut store = state.store();
    let doc = auth_codes::refresh(&mut store, env, id).ok_or_else(ApiError::not_found)?;
    if doc["status"] != "CLAIMED" {
        return Err(ApiError::request_failed(format!(
            "The authentication code is {}: only a CLAIMED code can be approved or denied",
            doc["status"].as_str().unwrap_or_default()
        )));
    }
    if let Some(user) = user {
        let listed = doc["users"]
            .as_array()
            .is_some_and(|us| us.iter().any(|u| u["id"] == user));
        if !listed {
            return Err(ApiError::invalid(
                "INVALID_VALUE",
                "userId",
                "userId is not one of the users the code was claimed for",
            ));
        }
    }
    let Some(stored) = store.get_mut(env, CODES, id) else {
        return Err(ApiError::not_found());
    };
    stored["status"] = json!(status);
    stored["updatedAt"] = json!(hal::now());
    if let Some(user) = user {
        stored["user"] = json!({"id": user});
    }
    let stored = stored.clone();
    drop(store);
    Ok(authentication_object(state, env, &stored))
}

/// `POST authentications/{authCodeID}/approve` `{userId}`.
pub(super) async fn approve(
    State(state): State<Arc<SandboxState>>,
    Path((env, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    answer((|| {
        let body = object(&body)?;
        let user = text(&body, "userId")?;
        decide(&state, &env, &id, "COMPLETED", Some(user))
    })())
}

/// `POST authentications/{authCodeID}/deny`.
pub(super) async fn deny(
    State(state): State<Arc<SandboxState>>,
    Path((env, id)): Path<(String, String)>,
) -> Response {
    answer(decide(&state, &env, &id, "DENIED", None))
}
