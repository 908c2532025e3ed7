//! The user side of the device authorization grant, what the flow does around the user's
//! answers: tying the flow to the pending grant whose user code was entered (`attach`) and,
//! once the flow completes, approving that grant for the signed-on user (`approve`). The
//! answers to `DAG_USER_CODE_REQUIRED` and `DAG_CONSENT_REQUIRED` are `answer`'s.

pub mod answer;

use crate::sandbox::auth::device;
use crate::sandbox::auth::directory::app;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::device::DeviceStatus;
use crate::sandbox::state::flow::{Flow, Origin};
use crate::sandbox::state::grant::Grant;

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
