//! The phone's silent pushes: device authorization with `extraVerification` sends one to the
//! paired installation, and the SDK confirms it straight to PingOne; the waiting sign-on flow
//! then passes its MFA step and goes on (the app reads the flow again to see it completed).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{answer, known_env};
use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::flow::{self, engine};
use crate::sandbox::auth::mobile::{INSTALLATIONS, PUSHES};
use crate::sandbox::state::SandboxState;

/// `GET installations/{installationID}/notifications`: what reached the phone, newest last.
pub(super) async fn list(
    State(state): State<Arc<SandboxState>>,
    Path((env, installation)): Path<(String, String)>,
) -> Response {
    answer((|| {
        known_env(&state, &env)?;
        let store = state.store();
        if store.get(&env, INSTALLATIONS, &installation).is_none() {
            return Err(ApiError::not_found());
        }
        let notifications: Vec<Value> = store
            .list(&env, PUSHES)
            .filter(|p| p.pointer("/installation/id") == Some(&json!(installation)))
            .cloned()
            .collect();
        Ok(json!({"notifications": notifications}))
    })())
}

/// `POST installations/{installationID}/notifications/{notificationID}/acknowledge`: the SDK
/// confirms the silent push; the flow it was sent for passes its MFA step.
pub(super) async fn acknowledge(
    State(state): State<Arc<SandboxState>>,
    Path((env, installation, id)): Path<(String, String, String)>,
) -> Response {
    answer((|| {
        known_env(&state, &env)?;
        let flow_id = {
            let mut store = state.store();
            let push = store
                .get_mut(&env, PUSHES, &id)
                .filter(|p| p.pointer("/installation/id") == Some(&json!(installation)))
                .ok_or_else(ApiError::not_found)?;
            if push["status"] != "SENT" {
                return Err(ApiError::request_failed(
                    "The notification was already acknowledged",
                ));
            }
            push["status"] = json!("ACKNOWLEDGED");
            push["flowId"].as_str().unwrap_or_default().to_owned()
        };
        let mut flow = flow::load(&state, &env, &flow_id)
            .ok_or_else(|| ApiError::request_failed("The sign-on flow has ended"))?;
        if let Some(m) = flow.mobile.as_mut() {
            m.push_acknowledged = true;
        }
        engine::advance(&state, &mut flow);
        flow::save(&state, &flow);
        Ok(json!({"id": id, "status": "ACKNOWLEDGED",
            "flow": {"id": flow.id, "status": flow.status.as_str()}}))
    })())
}
