//! The `LOGIN` and `IDENTIFIER_FIRST` actions: `usernamePassword.check` (with PingOne's
//! `failuresRemaining` on a wrong password), `user.lookup` (identifier first, passwordless),
//! and `password.reset` when the password must change.

use serde_json::{Map, Value, json};

use super::engine;
use super::fields::text;
use super::subject::{name_user, signed_on};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::directory::user::{self, PasswordCheck};
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::mgmt::{activities, passwords};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

const BAD_CREDENTIALS: &str = "Invalid username and/or password.";

/// `usernamePassword.check`: `{"username", "password"}` (`username` may be left out once the
/// identifier is known).
pub fn check(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let password = text(body, "password")?;
    let username = match (body.get("username").and_then(Value::as_str), &flow.username) {
        (Some(u), _) if !u.is_empty() => u.to_owned(),
        (_, Some(known)) if flow.status == Status::PasswordRequired => known.clone(),
        _ => return Err(ApiError::required("username")),
    };
    let linking = flow.status == Status::AccountLinkingRequired;
    let (user_id, must_change) = authenticate(state, flow, &username, password)?;
    signed_on(state, flow, &user_id, "pwd");
    if linking {
        super::linking::link_pending(state, flow);
    }
    if must_change {
        flow.status = Status::MustChangePassword;
    } else {
        after_sign_on(state, flow);
    }
    Ok(())
}

/// Checks a username and password for `flow`, and records the check in the audit: the user's
/// id and whether the password must change, or PingOne's error (`failuresRemaining` on a
/// wrong password).
pub fn authenticate(
    state: &SandboxState,
    flow: &Flow,
    username: &str,
    password: &str,
) -> ApiResult<(String, bool)> {
    let (user_id, outcome) = verify(state, &flow.env_id, username, password)?;
    audit_password_check(state, flow, &user_id, &outcome);
    match outcome {
        PasswordCheck::Ok => Ok((user_id, false)),
        PasswordCheck::MustChange => Ok((user_id, true)),
        PasswordCheck::Wrong { failures_remaining } => Err(ApiError::invalid(
            "INVALID_VALUE",
            "password",
            "The provided password did not match provisioned password",
        )
        .inner(json!({"failuresRemaining": failures_remaining}))),
        PasswordCheck::Locked => Err(ApiError::invalid(
            "ACCOUNT_NOT_USABLE",
            "password",
            "The account is locked after too many failed sign-on attempts",
        )),
        PasswordCheck::NoPassword => Err(ApiError::invalid(
            "NO_PASSWORD",
            "password",
            "The user has no password",
        )),
    }
}

/// Signs the flow's user on with a password (a DaVinci flow's sign-on form), with no policy
/// action after it.
pub fn sign_on_with_password(
    state: &SandboxState,
    flow: &mut Flow,
    username: &str,
    password: &str,
) -> ApiResult<()> {
    let (user_id, _) = authenticate(state, flow, username, password)?;
    signed_on(state, flow, &user_id, "pwd");
    Ok(())
}

/// Records the check as PingOne's audit does: `PASSWORD.CHECK_SUCCEEDED` or
/// `PASSWORD.CHECK_FAILED`, the user as actor and resource, the flow's application as client.
fn audit_password_check(state: &SandboxState, flow: &Flow, user_id: &str, outcome: &PasswordCheck) {
    let passed = matches!(outcome, PasswordCheck::Ok | PasswordCheck::MustChange);
    let (action, description, result) = if passed {
        (
            "PASSWORD.CHECK_SUCCEEDED",
            "Password Check Succeeded",
            "Passed password check",
        )
    } else {
        (
            "PASSWORD.CHECK_FAILED",
            "Password Check Failed",
            BAD_CREDENTIALS,
        )
    };
    let mut store = state.store();
    let resource = activities::user_ref(&store, &state.base_url, &flow.env_id, user_id);
    activities::record(
        &mut store,
        &state.base_url,
        activities::Event {
            env_id: &flow.env_id,
            action,
            description,
            user: Some(user_id),
            client: flow
                .app_id
                .as_deref()
                .map(|app| (flow.env_id.as_str(), app)),
            resources: vec![resource],
            success: passed,
            result,
        },
    );
}

/// Finds the user and checks the password (counting failures); the user's id and the outcome.
fn verify(
    state: &SandboxState,
    env: &str,
    username: &str,
    password: &str,
) -> ApiResult<(String, PasswordCheck)> {
    let mut store = state.store();
    let found = user::find_by_name(&store, env, username)
        .cloned()
        .ok_or_else(|| ApiError::invalid("INVALID_VALUE", "username", BAD_CREDENTIALS))?;
    if !user::can_authenticate(&found) {
        return Err(ApiError::invalid(
            "ACCOUNT_NOT_USABLE",
            "username",
            "The user account is disabled",
        ));
    }
    let id = found
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let outcome = user::check_password(&mut store, env, &id, password);
    Ok((id, outcome))
}

/// A user waiting for email verification verifies before anything else.
fn after_sign_on(state: &SandboxState, flow: &mut Flow) {
    let unverified = flow.user_id.as_deref().is_some_and(|u| {
        user::get(&state.store(), &flow.env_id, u).is_some_and(user::needs_verification)
    });
    if unverified {
        super::registration::send_code(state, flow);
        flow.status = Status::VerificationCodeRequired;
    } else {
        engine::advance(state, flow);
    }
}

/// `user.lookup`: `{"username"}` names the user for identifier-first and passwordless
/// policies; the next action decides how they authenticate.
pub fn lookup(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let username = text(body, "username")?;
    if flow.status == Status::IdentifierRequired {
        super::discovery::identify(state, flow, username);
        engine::advance(state, flow);
        return Ok(());
    }
    let found = {
        let store = state.store();
        user::find_by_name(&store, &flow.env_id, username).cloned()
    };
    let Some(found) = found.filter(user::can_authenticate) else {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "username",
            "No usable user with this username was found",
        ));
    };
    name_user(flow, &found);
    engine::advance(state, flow);
    Ok(())
}

/// `password.reset`: `{"currentPassword", "newPassword"}` when the password must change.
pub fn reset(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let current = text(body, "currentPassword")?;
    let new = text(body, "newPassword")?;
    let user_id = flow.user_id.clone().ok_or_else(ApiError::not_found)?;
    {
        let mut store = state.store();
        if !passwords::check_password(&store, &flow.env_id, &user_id, current) {
            return Err(ApiError::invalid(
                "INVALID_VALUE",
                "currentPassword",
                "The current password is not correct",
            ));
        }
        passwords::set_password(&mut store, &flow.env_id, &user_id, new, false)
            .map_err(|e| ApiError::invalid("INVALID_VALUE", "newPassword", &e.message))?;
    }
    after_sign_on(state, flow);
    Ok(())
}
