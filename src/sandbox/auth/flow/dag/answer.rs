//! Answering the device authorization grant's prompts: `deviceAuthGrant.userCode.verify`
//! confirms the code the device shows, `deviceAuthGrant.consent` approves or denies it.

use serde_json::{Map, Value};

use super::attach;
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::device;
use crate::sandbox::auth::flow::engine;
use crate::sandbox::auth::flow::fields::{flag, text};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::device::DeviceStatus;
use crate::sandbox::state::flow::{Flow, Origin};

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
