//! Dispatch of flow actions (selected by the `vnd.pingidentity` media type) to their
//! handlers, and small readers for their JSON bodies.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{Flow, agreement, dag, login, mfa, profile, recovery, registration};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::state::SandboxState;

/// Runs `action` (already checked to be offered) on `flow`.
pub fn run(
    state: &Arc<SandboxState>,
    flow: &mut Flow,
    action: &str,
    body: &Map<String, Value>,
) -> ApiResult<()> {
    match action {
        "usernamePassword.check" => login::check(state, flow, body),
        "user.lookup" => login::lookup(state, flow, body),
        "password.reset" => login::reset(state, flow, body),
        "password.forgot" => recovery::forgot(state, flow, body),
        "password.recover" => recovery::recover(state, flow, body),
        "password.sendRecoveryCode" => recovery::resend(state, flow),
        "user.register" => registration::register(state, flow, body),
        "user.verify" => registration::verify(state, flow, body),
        "user.sendVerificationCode" => registration::resend(state, flow),
        "device.select" => mfa::select(state, flow, body),
        "otp.check" => mfa::check(state, flow, body),
        "user.consent" => agreement::consent(state, flow, body),
        "user.update" => profile::update(state, flow, body),
        "deviceAuthGrant.userCode.verify" => dag::verify_code(state, flow, body),
        "deviceAuthGrant.consent" => dag::consent(state, flow, body),
        other => Err(ApiError::bad_request(format!(
            "The request could not be completed. The action '{other}' is not supported."
        ))),
    }
}

/// A required, non-empty string field of an action body.
pub fn text<'a>(body: &'a Map<String, Value>, field: &str) -> ApiResult<&'a str> {
    body.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::required(field))
}

/// A required boolean field (`accept`).
pub fn flag(body: &Map<String, Value>, field: &str) -> ApiResult<bool> {
    body.get(field)
        .and_then(Value::as_bool)
        .ok_or_else(|| ApiError::required(field))
}
