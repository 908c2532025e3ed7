//! Answering the MFA action: `device.select` picks the device a passcode goes to, `otp.check`
//! checks the passcode (or the device's TOTP code).

use serde_json::{Map, Value, json};

use super::{channel_key, device_id, send_otp, totp_secret};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::flow::engine;
use crate::sandbox::auth::flow::fields::text;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::mgmt::totp;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;
use crate::sandbox::store::Store;

/// `device.select`: `{"device": {"id"}}`.
pub fn select(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let id = body
        .get("device")
        .and_then(|d| d.get("id").or(Some(d)))
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::required("device.id"))?
        .to_owned();
    if !flow.mfa.devices.iter().any(|d| device_id(d) == id) {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "device.id",
            "The device is not one of the user's usable devices",
        ));
    }
    let action = flow.current_action().cloned().unwrap_or(Value::Null);
    send_otp(state, flow, &id, &action);
    flow.mfa.failures = 0;
    flow.status = Status::OtpRequired;
    Ok(())
}

/// `otp.check`: `{"otp"}`.
pub fn check(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let otp = text(body, "otp")?.trim().to_owned();
    let selected = flow.mfa.selected.clone().unwrap_or_default();
    let user_id = flow.user_id.clone().unwrap_or_default();
    let action = flow.current_action().cloned().unwrap_or(Value::Null);
    let (device, limit) = {
        let store = state.store();
        let device = store
            .get(&user_id, "devices", &selected)
            .cloned()
            .unwrap_or(Value::Null);
        let limit = failure_limit(&store, &flow.env_id, &action, &device);
        (device, limit)
    };
    let now = state.auth.clock.now_ms();
    if now >= flow.mfa.otp_expires_ms {
        return Err(ApiError::invalid(
            "INVALID_OTP",
            "otp",
            "The OTP has expired",
        ));
    }
    let by_totp = totp_secret(&device).is_some_and(|s| totp::verify(s, &otp, now / 1000));
    if flow.mfa.otp.as_deref() == Some(otp.as_str()) || by_totp {
        flow.mfa.otp = None;
        flow.add_amr("otp");
        engine::advance(state, flow);
        return Ok(());
    }
    flow.mfa.failures += 1;
    let remaining = limit.saturating_sub(flow.mfa.failures);
    if remaining == 0 {
        flow.fail("INVALID_OTP", "Too many invalid one-time passcodes");
    }
    Err(ApiError::invalid("INVALID_OTP", "otp", "Invalid OTP")
        .inner(json!({"attemptsRemaining": remaining})))
}

/// OTP failures allowed under the device authentication policy (PingOne's default 3).
fn failure_limit(store: &Store, env: &str, action: &Value, device: &Value) -> u32 {
    let channel = channel_key(device);
    super::device_policy::for_action(store, env, action)
        .and_then(|p| p.pointer(&format!("/{channel}/otp/failure/count")))
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(3)
}
