//! The user side of the device authorization grant: after signing on, the user confirms the
//! code the device shows (`DAG_USER_CODE_REQUIRED`) and consents (`DAG_CONSENT_REQUIRED`);
//! completing the flow approves the device's grant.

use serde_json::{Map, Value};

use super::actions::{flag, text};
use super::{Flow, Origin, engine};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::device::{self, DeviceStatus};
use crate::sandbox::auth::directory::app;
use crate::sandbox::auth::issue::Grant;
use crate::sandbox::state::SandboxState;

/// `deviceAuthGrant.userCode.verify`: `{"userCode"}`.
pub fn verify_code(
    state: &SandboxState,
    flow: &mut Flow,
    body: &Map<String, Value>,
) -> ApiResult<()> {
    let code = text(body, "userCode")?;
    let invalid = || {
        ApiError::invalid(
            "INVALID_VALUE",
            "userCode",
            "The user code is invalid or expired",
        )
    };
    let device_code = device::device_code_for(state, &flow.env_id, code).ok_or_else(invalid)?;
    let now = state.auth.clock.now_ms();
    let grant = state
        .auth
        .devices
        .get(&device_code, now)
        .ok_or_else(invalid)?;
    attach(state, flow, &device_code, &grant.client_id).ok_or_else(invalid)?;
    engine::advance(state, flow);
    Ok(())
}

/// Ties the flow to a pending device grant of `client_id`, if the flow accepts that client.
pub fn attach(
    state: &SandboxState,
    flow: &mut Flow,
    device_code: &str,
    client_id: &str,
) -> Option<()> {
    let Origin::Device {
        device_code: slot,
        app_id,
        ..
    } = &mut flow.origin
    else {
        return None;
    };
    if app_id.as_deref().is_some_and(|a| a != client_id) {
        return None;
    }
    *slot = Some(device_code.to_owned());
    *app_id = Some(client_id.to_owned());
    let name = {
        let store = state.store();
        app::find(state, &store, &flow.env_id, client_id).map(|a| a.name)
    };
    flow.app_id = Some(client_id.to_owned());
    flow.app_name = name;
    Some(())
}

/// `deviceAuthGrant.consent`: `{"accept": true}` approves the device; declining denies it and
/// fails the flow.
pub fn consent(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let accept = flag(body, "accept")?;
    let Origin::Device {
        device_code,
        consented,
        ..
    } = &mut flow.origin
    else {
        return Err(ApiError::not_found());
    };
    if !accept {
        if let Some(code) = device_code.as_deref() {
            device::decide(state, code, DeviceStatus::Denied);
        }
        flow.fail("ACCESS_DENIED", "The user denied the device authorization");
        return Ok(());
    }
    *consented = true;
    engine::advance(state, flow);
    Ok(())
}

/// Approves the flow's device grant for its user and session.
pub fn approve(state: &SandboxState, flow: &Flow) {
    let Origin::Device {
        device_code: Some(code),
        ..
    } = &flow.origin
    else {
        return;
    };
    let now = state.auth.clock.now_ms();
    let Some(pending) = state.auth.devices.get(code, now) else {
        return;
    };
    let auth_time = flow
        .session_id
        .as_deref()
        .and_then(|s| state.auth.sessions.get(s, now))
        .map(|s| s.auth_time);
    let grant = Grant {
        env_id: flow.env_id.clone(),
        client_id: pending.client_id.clone(),
        user_id: flow.user_id.clone(),
        scopes: pending.scopes.clone(),
        session_id: flow.session_id.clone(),
        auth_time,
        acr: Some(flow.policy.name.clone()),
        amr: flow.amr.clone(),
        nonce: None,
        id_claims: serde_json::Map::new(),
    };
    device::decide(state, code, DeviceStatus::Approved(Box::new(grant)));
}
