//! Self-registration (a LOGIN action with `registration.enabled`): `user.register` creates
//! the user in the action's population and emails a verification code to the outbox;
//! `user.verify` checks it and signs the new user on.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::fields::text;
use super::{engine, subject};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::clock::iso_ms;
use crate::sandbox::auth::directory::user;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::mgmt::codes::{self, Purpose};
use crate::sandbox::mgmt::directory::create_user;
use crate::sandbox::mgmt::outbox::{self, Code, Message};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// Fields a registering user may not set.
const RESERVED: &[&str] = &[
    "id",
    "environment",
    "population",
    "enabled",
    "lifecycle",
    "account",
    "mfaEnabled",
    "identityProvider",
    "password",
    "verifyStatus",
    "createdAt",
    "updatedAt",
];

/// `user.register`: `{"username", "email", "password", ...other user attributes}`. The user
/// is created through the management API's own validation (unique username, password
/// policy), which also emails the verification code.
pub fn register(
    state: &Arc<SandboxState>,
    flow: &mut Flow,
    body: &Map<String, Value>,
) -> ApiResult<()> {
    let username = text(body, "username")?.to_owned();
    text(body, "email")?;
    let password = text(body, "password")?.to_owned();
    let mut doc: Map<String, Value> = body
        .iter()
        .filter(|(k, _)| !RESERVED.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(population) = flow
        .current_action()
        .and_then(|a| a.pointer("/registration/population/id"))
    {
        doc.insert("population".into(), json!({"id": population}));
    }
    doc.insert(
        "lifecycle".into(),
        json!({"status": "VERIFICATION_REQUIRED"}),
    );
    doc.insert(
        "password".into(),
        json!({"value": password, "forceChange": false}),
    );
    let created = create_user(state, &flow.env_id, doc)?;
    let user_id = created
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::request_failed("The user could not be created"))?;
    flow.user_id = Some(user_id.to_owned());
    flow.username = Some(username);
    flow.amr.clear();
    flow.session_id = None;
    flow.status = Status::VerificationCodeRequired;
    Ok(())
}

/// Issues a verification code for the flow's user and puts it in the outbox.
pub fn send_code(state: &SandboxState, flow: &Flow) {
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
            codes::issue(&mut store, &flow.env_id, user_id, Purpose::Verification),
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
            purpose: "verification",
            subject: "Verify your account",
            text: &format!("Your verification code is {code}"),
            code: Code::Code(&code),
        },
    );
}

/// `user.verify`: `{"verificationCode"}`.
pub fn verify(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let code = text(body, "verificationCode")?;
    let user_id = flow.user_id.clone().ok_or_else(ApiError::not_found)?;
    {
        let mut store = state.store();
        if !codes::consume(
            &mut store,
            &flow.env_id,
            &user_id,
            Purpose::Verification,
            code,
        ) {
            return Err(ApiError::invalid(
                "INVALID_VALUE",
                "verificationCode",
                "The verification code is invalid or expired",
            ));
        }
        if let Some(doc) = store.get_mut(&flow.env_id, "users", &user_id) {
            // `verifyStatus` is PingOne Verify's (ID verification) and stays as it is.
            doc["lifecycle"] = json!({"status": "ACCOUNT_OK"});
            doc["emailVerified"] = json!(true);
            doc["updatedAt"] = json!(iso_ms(state.auth.clock.now_ms()));
        }
    }
    if !flow.authenticated_with("pwd") {
        subject::signed_on(state, flow, &user_id, "pwd");
    }
    engine::advance(state, flow);
    Ok(())
}

/// `user.sendVerificationCode`: a new code replaces the old one.
pub fn resend(state: &SandboxState, flow: &Flow) {
    send_code(state, flow);
}
