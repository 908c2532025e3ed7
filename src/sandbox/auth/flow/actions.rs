//! Dispatch of flow actions (selected by the `vnd.pingidentity` media type) to their
//! handlers.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{agreement, dag, login, mfa, profile, recovery, registration};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

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
        "password.sendRecoveryCode" => {
            recovery::resend(state, flow);
            Ok(())
        }
        "user.register" => registration::register(state, flow, body),
        "user.verify" => registration::verify(state, flow, body),
        "user.sendVerificationCode" => {
            registration::resend(state, flow);
            Ok(())
        }
        "device.select" => mfa::answer::select(state, flow, body),
        "otp.check" => mfa::answer::check(state, flow, body),
        "user.consent" => agreement::answer::consent(state, flow, body),
        "user.update" => profile::answer::update(state, flow, body),
        "deviceAuthGrant.userCode.verify" => dag::answer::verify_code(state, flow, body),
        "deviceAuthGrant.consent" => dag::answer::consent(state, flow, body),
        other => Err(ApiError::bad_request(format!(
            "The request could not be completed. The action '{other}' is not supported."
        ))),
    }
}
