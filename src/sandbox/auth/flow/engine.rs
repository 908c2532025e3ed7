//! The flow state machine: walks the sign-on policy's actions in priority order, stopping at
//! the first that needs the user, then (for device flows) the user code and consent, and
//! completes the flow with a session.

use serde_json::Value;

use super::need::Need;
use super::{agreement, dag, mfa, profile};
use crate::sandbox::auth::directory::user;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::auth::session;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::{Flow, Origin};
use crate::sandbox::state::identity::FEDERATED;

/// Moves the flow forward as far as it can go without the user.
pub fn advance(state: &SandboxState, flow: &mut Flow) {
    while !flow.status.is_done() {
        let Some(action) = flow.current_action().cloned() else {
            finish(state, flow);
            return;
        };
        match evaluate(state, flow, &action) {
            Need::Done => flow.step += 1,
            Need::Wait(status) => {
                flow.status = status;
                return;
            }
            Need::Fail(code, message) => {
                flow.fail(code, &message);
                return;
            }
        }
    }
}

fn evaluate(state: &SandboxState, flow: &mut Flow, action: &Value) -> Need {
    let kind = action
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("LOGIN");
    match kind {
        "LOGIN" => login_need(flow),
        "IDENTIFIER_FIRST" => identifier_first_need(flow),
        "MULTI_FACTOR_AUTHENTICATION" => mfa::need(state, flow, action),
        "AGREEMENT" => with_user(flow, |f| agreement::need(state, f, action)),
        "PROGRESSIVE_PROFILING" => with_user(flow, |f| profile::need(state, f, action)),
        other => Need::Fail(
            "UNSUPPORTED_ACTION",
            format!("The sandbox does not simulate {other} sign-on policy actions"),
        ),
    }
}

/// Signed on with a password or at an external identity provider the action offers.
fn authenticated(flow: &Flow) -> bool {
    flow.authenticated_with("pwd") || flow.authenticated_with(FEDERATED)
}

fn login_need(flow: &Flow) -> Need {
    if flow.user_id.is_some() && authenticated(flow) {
        Need::Done
    } else {
        Need::Wait(Status::UsernamePasswordRequired)
    }
}

/// `IDENTIFIER_FIRST`: ask who the user is (`IDENTIFIER_REQUIRED`), then a password, unless
/// a discovery rule sent the user to an external identity provider. An identifier that names
/// no user and matches no rule still gets the password prompt (which then fails), so the
/// answer does not tell whether the user exists.
fn identifier_first_need(flow: &Flow) -> Need {
    // An identifier a discovery rule routed to an external provider waits for that provider,
    // until the user comes back from it signed on.
    if flow.identity_provider.is_some() && !(flow.user_id.is_some() && authenticated(flow)) {
        return Need::Wait(Status::ExternalAuthenticationRequired);
    }
    match (&flow.user_id, authenticated(flow)) {
        (Some(_), true) => Need::Done,
        (Some(_), false) => Need::Wait(Status::PasswordRequired),
        (None, _) if flow.username.is_some() => Need::Wait(Status::PasswordRequired),
        (None, _) => Need::Wait(Status::IdentifierRequired),
    }
}

/// Actions about a known user (agreement, profile) first need someone to sign on.
fn with_user(flow: &mut Flow, f: impl FnOnce(&mut Flow) -> Need) -> Need {
    if flow.user_id.is_none() || flow.amr.is_empty() {
        return Need::Wait(Status::UsernamePasswordRequired);
    }
    f(flow)
}

/// After the policy: device flows confirm the user code and ask consent; then the flow
/// completes.
fn finish(state: &SandboxState, flow: &mut Flow) {
    if flow.user_id.is_none() || flow.amr.is_empty() {
        flow.status = Status::UsernamePasswordRequired;
        return;
    }
    if let Some(user_id) = flow.user_id.clone() {
        let usable = {
            let store = state.store();
            user::get(&store, &flow.env_id, &user_id).is_some_and(user::can_authenticate)
        };
        if !usable {
            flow.fail("ACCOUNT_NOT_USABLE", "The user account cannot sign on");
            return;
        }
    }
    if let Origin::Device {
        device_code,
        consented,
        ..
    } = &flow.origin
    {
        if device_code.is_none() {
            flow.status = Status::DagUserCodeRequired;
            return;
        }
        if !consented {
            flow.status = Status::DagConsentRequired;
            return;
        }
    }
    complete(state, flow);
}

/// Marks the flow completed, starting a session unless it already rides on one.
fn complete(state: &SandboxState, flow: &mut Flow) {
    let Some(user_id) = flow.user_id.clone() else {
        return;
    };
    if flow.session_id.is_none() {
        let s = session::start(
            state,
            &flow.env_id,
            &user_id,
            &flow.amr,
            flow.app_id.as_deref(),
        );
        flow.session_id = Some(s.id);
        flow.new_session = true;
    }
    flow.status = Status::Completed;
    if matches!(flow.origin, Origin::Device { .. }) {
        dag::approve(state, flow);
    }
}
