//! A simulated phone running an app with the PingOne MFA Native SDK
//! (`/sandbox/mobile-sdk/{envID}/...`, README, The sandbox): what a real tenant's users do
//! with the app on their phone. It generates the `mobilePayload` (`generateMobilePayload()`),
//! turns an ID token into a pairing object (`processIdToken()`) whose `approve()` pairs the
//! phone as a `MOBILE` MFA device, receives and acknowledges silent pushes (`push`), and
//! scans and approves authentication codes (`codes`). Each app install is an installation
//! (`auth::mobile::INSTALLATIONS`), which the SDK names again on every later call.

mod codes;
mod push;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::directory;
use crate::sandbox::auth::mobile::{self, INSTALLATIONS, PAIRING_CLAIM, PAIRINGS};
use crate::sandbox::auth::{issue, jwt};
use crate::sandbox::mgmt::hal;
use crate::sandbox::state::SandboxState;

const BASE: &str = "/sandbox/mobile-sdk/{envID}";

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route(&format!("{BASE}/payload"), post(payload))
        .route(&format!("{BASE}/id-token"), post(process_id_token))
        .route(&format!("{BASE}/pairings/{{pairingID}}/approve"), post(approve))
        .route(&format!("{BASE}/pairings/{{pairingID}}/deny"), post(deny))
        .route(
            &format!("{BASE}/installations/{{installationID}}/notifications"),
            get(push::list),
        )
        .route(
            &format!("{BASE}/installations/{{installationID}}/notifications/{{notificationID}}/acknowledge"),
            post(push::acknowledge),
        )
        .route(&format!("{BASE}/authenticate"), post(codes::authenticate))
        .route(
            &format!("{BASE}/authentications/{{authCodeID}}/approve"),
            post(codes::approve),
        )
        .route(
            &format!("{BASE}/authentications/{{authCodeID}}/deny"),
            post(codes::deny),
        )
}

/// The JSON object body of a simulator call.
pub(super) fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::invalid(
            "INVALID_VALUE",
            "body",
            "The request body must be a JSON object",
        )),
    }
}

pub(super) fn text<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a str, ApiError> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::required(key))
}

pub(super) fn known_env(state: &SandboxState, env: &str) -> Result<(), ApiError> {
    if directory::env_known(state, env) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST payload` `{applicationId, installationId?}`: `generateMobilePayload()`. Without an
/// `installationId` the app was just installed (a new installation); with one, the same
/// phone signs on again.
async fn payload(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    body: Bytes,
) -> Response {
    answer((|| {
        known_env(&state, &env)?;
        let body = object(&body)?;
        let app = text(&body, "applicationId")?;
        let mut store = state.store();
        let native = store
            .get(&env, "applications", app)
            .is_some_and(|a| a["type"] == "NATIVE_APP");
        if !native {
            return Err(ApiError::invalid(
                "INVALID_VALUE",
                "applicationId",
                "applicationId must name a native application of the environment",
            ));
        }
        let id = if let Some(id) = body.get("installationId").and_then(Value::as_str) {
            let same = store
                .get(&env, INSTALLATIONS, id)
                .is_some_and(|i| i.pointer("/application/id") == Some(&json!(app)));
            if !same {
                return Err(ApiError::invalid(
                    "INVALID_VALUE",
                    "installationId",
                    "installationId names no installation of this application",
                ));
            }
            id.to_owned()
        } else {
            let id = hal::new_id();
            store.put(
                &env,
                INSTALLATIONS,
                json!({"id": id, "application": {"id": app}, "createdAt": hal::now()}),
            );
            id
        };
        Ok(json!({"installationId": id, "mobilePayload": mobile::encode_payload(&id, app)}))
    })())
}

/// The pairing object the app shows the user: approve or deny.
fn pairing_object(state: &SandboxState, env: &str, doc: &Value) -> Value {
    let href = |action: &str| {
        format!(
            "{}/sandbox/mobile-sdk/{env}/pairings/{}/{action}",
            state.base_url,
            doc["id"].as_str().unwrap_or_default()
        )
    };
    let mut out = json!({
        "_links": {"approve": {"href": href("approve")}, "deny": {"href": href("deny")}},
        "id": doc["id"], "status": doc["status"], "user": doc["user"],
        "application": doc["application"], "installation": doc["installation"],
        "expiresAt": doc["expiresAt"],
    });
    if let Some(device) = doc.get("device") {
        out["device"] = device.clone();
    }
    out
}

/// `POST id-token` `{idToken}`: `processIdToken()`. A pairing object when the token offers
/// this environment's pairing key to its user, else `null` (nothing left to do, as after a
/// device authorization).
async fn process_id_token(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    body: Bytes,
) -> Response {
    answer((|| {
        known_env(&state, &env)?;
        let body = object(&body)?;
        let token = text(&body, "idToken")?;
        let bad = |m: &str| ApiError::invalid("INVALID_VALUE", "idToken", m);
        let parsed = jwt::parse(token).ok_or_else(|| bad("The idToken is not a JWT"))?;
        let claims = &parsed.claims;
        if claims["iss"].as_str() != Some(issue::issuer(&state, &env).as_str()) {
            return Err(bad("The idToken was not issued by this environment"));
        }
        let Some(code) = claims.get(PAIRING_CLAIM).and_then(Value::as_str) else {
            return Ok(json!({"pairingObject": null}));
        };
        let store = state.store();
        let doc = store
            .list(&env, PAIRINGS)
            .find(|p| p["code"] == code)
            .filter(|p| {
                p.pointer("/user/id") == claims.get("sub")
                    && p.pointer("/application/id") == claims.get("aud")
            })
            .cloned()
            .ok_or_else(|| bad("The idToken's pairing key is not one of this environment"))?;
        // A key already answered (an ID token minted again from a refresh) offers nothing.
        if doc["status"] != "UNCLAIMED" {
            return Ok(json!({"pairingObject": null}));
        }
        Ok(json!({"pairingObject": pairing_object(&state, &env, &doc)}))
    })())
}

/// An open pairing (`UNCLAIMED`, not expired), or PingOne's error.
fn open_pairing(state: &SandboxState, env: &str, id: &str) -> Result<Value, ApiError> {
    let store = state.store();
    let doc = store
        .get(env, PAIRINGS, id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    if doc["status"] != "UNCLAIMED" {
        return Err(ApiError::request_failed(format!(
            "The pairing key is {}: it can be approved or denied once",
            doc["status"].as_str().unwrap_or_default()
        )));
    }
    if doc["expiresAt"]
        .as_str()
        .is_some_and(|e| e <= hal::now().as_str())
    {
        return Err(ApiError::request_failed("The pairing key has expired"));
    }
    Ok(doc)
}

/// `POST pairings/{pairingID}/approve`: the user trusts this phone. The SDK pairs it: a
/// `MOBILE` device of the application for the user, and the pairing key `CLAIMED`.
async fn approve(
    State(state): State<Arc<SandboxState>>,
    Path((env, id)): Path<(String, String)>,
) -> Response {
    answer((|| {
        known_env(&state, &env)?;
        let doc = open_pairing(&state, &env, &id)?;
        let user = doc.pointer("/user/id").and_then(Value::as_str);
        let installation = doc.pointer("/installation/id").and_then(Value::as_str);
        let (Some(user), Some(installation)) = (user, installation) else {
            return Err(ApiError::not_found());
        };
        let mut store = state.store();
        if store.get(&env, "users", user).is_none() {
            return Err(ApiError::request_failed("The pairing key's user is gone"));
        }
        let now = hal::now();
        let device = json!({
            "id": hal::new_id(), "environment": {"id": env}, "user": {"id": user},
            "type": "MOBILE", "status": "ACTIVE", "application": doc["application"],
            "nickname": "Sandbox phone", "model": {"marketingName": "steprun simulated phone"},
            "os": {"type": "iOS"}, "createdAt": now, "updatedAt": now,
        });
        let device_id = device["id"].clone();
        store.put(user, "devices", device);
        if let Some(i) = store.get_mut(&env, INSTALLATIONS, installation) {
            i["device"] = json!({"id": device_id});
            i["user"] = json!({"id": user});
        }
        let Some(stored) = store.get_mut(&env, PAIRINGS, &id) else {
            return Err(ApiError::not_found());
        };
        stored["status"] = json!("CLAIMED");
        stored["device"] = json!({"id": device_id, "type": "MOBILE"});
        let stored = stored.clone();
        drop(store);
        Ok(pairing_object(&state, &env, &stored))
    })())
}

/// `POST pairings/{pairingID}/deny`: the user does not trust this phone; nothing is paired.
async fn deny(
    State(state): State<Arc<SandboxState>>,
    Path((env, id)): Path<(String, String)>,
) -> Response {
    answer((|| {
        known_env(&state, &env)?;
        open_pairing(&state, &env, &id)?;
        let mut store = state.store();
        let Some(stored) = store.get_mut(&env, PAIRINGS, &id) else {
            return Err(ApiError::not_found());
        };
        stored["status"] = json!("DENIED");
        let stored = stored.clone();
        drop(store);
        Ok(pairing_object(&state, &env, &stored))
    })())
}
