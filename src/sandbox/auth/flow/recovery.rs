//! Password recovery inside a flow: `password.forgot` emails a recovery code to the outbox,
//! `password.recover` checks it, sets the new password and signs the user on.

use serde_json::{Map, Value};

use super::fields::text;
use super::{engine, subject};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::directory::user;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::mgmt::codes::{self, Purpose};
use crate::sandbox::mgmt::outbox::{self, Code, Message};
use crate::sandbox::mgmt::passwords;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// `password.forgot`: `{"username"}`. An unknown user gets the same answer (no code is sent),
/// so the flow does not reveal who has an account.
pub fn forgot(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let username = text(body, "username")?;
    let found = {
        let store = state.store();
        user::find_by_name(&store, &flow.env_id, username)
            .and_then(|u| u.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    flow.user_id = found;
    flow.username = Some(username.to_owned());
    flow.amr.clear();
    flow.session_id = None;
    send_code(state, flow);
    flow.status = Status::RecoveryCodeRequired;
    Ok(())
}

/// `password.sendRecoveryCode`: a new code replaces the old one.
pub fn resend(state: &SandboxState, flow: &Flow) {
    send_code(state, flow);
}

fn send_code(state: &SandboxState, flow: &Flow) {
    let Some(user_id) = flow.user_id.as_deref() else {
        return;
    };
    let (code, email) = {
        let mut store = state.store();
        let email = user::get(&store, &flow.env_id, user_id)
            .and_then(|u| u.get("email"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        (
            codes::issue(&mut store, &flow.env_id, user_id, Purpose::Recovery),
            email,
        )
    };
    outbox::push(
        state,
        &Message {
            env_id: &flow.env_id,
            user_id: Some(user_id),
            device_id: None,
            to: &email,
            channel: "EMAIL",
            purpose: "recovery",
            subject: "Reset your password",
            text: &format!("Your password recovery code is {code}"),
            code: Code::Code(&code),
        },
    );
}

/// `password.recover`: `{"recoveryCode", "newPassword"}`.
pub fn recover(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let code = text(body, "recoveryCode")?;
    let new_password = text(body, "newPassword")?;
    let invalid = || {
        ApiError::invalid(
            "INVALID_VALUE",
            "recoveryCode",
            "The recovery code is invalid or expired",
        )
    };
    let user_id = flow.user_id.clone().ok_or_else(invalid)?;
    {
        let mut store = state.store();
        let user = user::get(&store, &flow.env_id, &user_id)
            .cloned()
            .ok_or_else(invalid)?;
        passwords::check_new_password(&store, &flow.env_id, &user, new_password)?;
        if !codes::consume(&mut store, &flow.env_id, &user_id, Purpose::Recovery, code) {
            return Err(invalid());
        }
        passwords::set_password(&mut store, &flow.env_id, &user_id, new_password, false)?;
    }
    subject::signed_on(state, flow, &user_id, "pwd");
    engine::advance(state, flow);
    Ok(())
}
