//! The `MULTI_FACTOR_AUTHENTICATION` action, its asking side: which of the user's devices can
//! be used (several: `DEVICE_SELECTION_REQUIRED`; none: skip or fail as the action says), and
//! sending a one-time passcode to the outbox (`testMode` devices also show it as `test.otp`; a
//! transaction approval sends it in the request's notification template). The user's answers,
//! `device.select` and `otp.check`, are `answer`'s.

pub mod answer;
pub mod device_policy;

use serde_json::{Value, json};

use super::need::Need;
use super::transaction;
use crate::sandbox::auth::directory::user;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::auth::mobile;
use crate::sandbox::mgmt::codes::random_digits;
use crate::sandbox::mgmt::outbox::{self, Code, Message};
use crate::sandbox::mgmt::totp;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::{Flow, Origin};
use crate::sandbox::store::Store;

/// What the MFA action needs for the flow's user.
pub fn need(state: &SandboxState, flow: &mut Flow, action: &Value) -> Need {
    let Some(user_id) = flow.user_id.clone() else {
        return Need::Wait(Status::SignOnRequired);
    };
    if let Some(need) = mobile::mfa_need(state, flow, action) {
        return need;
    }
    if flow.authenticated_with("otp") {
        return Need::Done;
    }
    let devices = {
        let store = state.store();
        if !user::get(&store, &flow.env_id, &user_id).is_some_and(user::mfa_enabled) {
            return skip_or_fail(flow, "MFA is not enabled for the user");
        }
        usable_devices(&store, &flow.env_id, &user_id, action)
    };
    if devices.is_empty() {
        let block = action.get("noDevicesMode").and_then(Value::as_str) == Some("BLOCK");
        if block {
            return Need::Fail(
                "NO_USABLE_DEVICES",
                "The user has no usable MFA device".into(),
            );
        }
        return skip_or_fail(flow, "The user has no usable MFA device");
    }
    flow.mfa.devices = devices;
    flow.mfa.failures = 0;
    if flow.mfa.devices.len() == 1 {
        let id = device_id(&flow.mfa.devices[0]);
        send_otp(state, flow, &id, action);
        return Need::Wait(Status::OtpRequired);
    }
    Need::Wait(Status::DeviceSelectionRequired)
}

/// Without a device, MFA is bypassed for a user who already authenticated; a passwordless
/// sign-on cannot continue.
fn skip_or_fail(flow: &Flow, why: &str) -> Need {
    if flow.amr.is_empty() {
        Need::Fail("NO_USABLE_DEVICES", why.to_owned())
    } else {
        Need::Done
    }
}

/// The user's ACTIVE devices whose method the action enables, as the flow shows them.
fn usable_devices(store: &Store, _env: &str, user_id: &str, action: &Value) -> Vec<Value> {
    store
        .list(user_id, "devices")
        .filter(|d| d.get("status").and_then(Value::as_str).unwrap_or("ACTIVE") == "ACTIVE")
        .filter(|d| method_enabled(action, d.get("type").and_then(Value::as_str).unwrap_or("")))
        .map(|d| {
            let mut shown = json!({"id": d.get("id"), "type": d.get("type"), "status": "ACTIVE"});
            for key in ["email", "phone", "nickname"] {
                if let Some(v) = d.get(key) {
                    shown[key] = v.clone();
                }
            }
            shown
        })
        .collect()
}

/// Whether the action allows devices of `kind`; an action naming no method allows all.
fn method_enabled(action: &Value, kind: &str) -> bool {
    let key = match kind {
        "EMAIL" => "email",
        "SMS" => "sms",
        "VOICE" => "voice",
        "WHATSAPP" => "whatsApp",
        "TOTP" | "MOBILE" => "authenticator",
        "FIDO2" | "SECURITY_KEY" | "PLATFORM" => "securityKey",
        _ => return true,
    };
    let named = [
        "email",
        "sms",
        "voice",
        "whatsApp",
        "authenticator",
        "securityKey",
    ]
    .iter()
    .any(|k| action.get(*k).is_some());
    if !named {
        return true;
    }
    action
        .pointer(&format!("/{key}/enabled"))
        .and_then(Value::as_bool)
        == Some(true)
}

fn device_id(shown: &Value) -> String {
    shown
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Generates (or, for a device with a fixed test OTP, reuses) a passcode for device `id`,
/// remembers it in the flow and puts it in the outbox.
fn send_otp(state: &SandboxState, flow: &mut Flow, id: &str, action: &Value) {
    let user_id = flow.user_id.clone().unwrap_or_default();
    let (device, minutes) = {
        let store = state.store();
        let device = store
            .get(&user_id, "devices", id)
            .cloned()
            .unwrap_or(Value::Null);
        let minutes = otp_minutes(&store, &flow.env_id, action, &device);
        (device, minutes)
    };
    let kind = device
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("EMAIL");
    let otp = passcode(state, &device);
    if device.get("testMode").and_then(Value::as_bool) == Some(true) {
        show_test_otp(flow, id, &otp);
    }
    flow.mfa.selected = Some(id.to_owned());
    flow.mfa.otp = Some(otp.clone());
    flow.mfa.otp_expires_ms = state.auth.clock.now_ms() + minutes * 60_000;
    let (channel, to) = match kind {
        "SMS" | "VOICE" | "WHATSAPP" => (kind, device.get("phone")),
        "EMAIL" => ("EMAIL", device.get("email")),
        _ => ("TOTP", device.get("nickname")),
    };
    let to = to.and_then(Value::as_str).unwrap_or(id);
    let (purpose, subject, text) = otp_message(state, flow, channel, &otp);
    outbox::push(
        state,
        &Message {
            env_id: &flow.env_id,
            user_id: Some(&user_id),
            device_id: Some(id),
            to,
            channel,
            purpose,
            subject,
            text: &text,
            code: Code::Otp(&otp),
        },
    );
}

/// The device's fixed test passcode, else the current code of its TOTP secret, else six
/// random digits.
fn passcode(state: &SandboxState, device: &Value) -> String {
    device
        .pointer("/test/otp")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| totp_secret(device).and_then(|s| totp::code_at(s, state.auth.clock.now_secs())))
        .unwrap_or_else(|| random_digits(6))
}

/// A `testMode` device shows its passcode in the flow, as `test.otp` of device `id`.
fn show_test_otp(flow: &mut Flow, id: &str, otp: &str) {
    for shown in &mut flow.mfa.devices {
        if shown.get("id").and_then(Value::as_str) == Some(id) {
            shown["test"] = json!({"otp": otp});
        }
    }
}

/// The purpose, subject and text of the passcode's message: the authorize request's
/// transaction approval template when it names one, else the plain one-time passcode.
fn otp_message(
    state: &SandboxState,
    flow: &Flow,
    channel: &str,
    otp: &str,
) -> (&'static str, &'static str, String) {
    let approval = match &flow.origin {
        Origin::Authorize(req) => req.template.as_ref().and_then(|t| {
            let store = state.store();
            transaction::message(&store, &flow.env_id, t, channel, otp)
        }),
        _ => None,
    };
    match approval {
        Some(text) => ("transaction", "Transaction approval", text),
        None => (
            "authentication",
            "Your one-time passcode",
            format!("Your one-time passcode is {otp}"),
        ),
    }
}

fn totp_secret(device: &Value) -> Option<&str> {
    device
        .get("secret")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Minutes an OTP stays valid under the device authentication policy (PingOne's default 30).
fn otp_minutes(store: &Store, env: &str, action: &Value, device: &Value) -> i64 {
    let policy = device_policy::for_action(store, env, action);
    let channel = channel_key(device);
    let lifetime = policy.and_then(|p| p.pointer(&format!("/{channel}/otp/lifeTime")));
    let duration = lifetime
        .and_then(|l| l.get("duration"))
        .and_then(Value::as_i64)
        .unwrap_or(30);
    match lifetime
        .and_then(|l| l.get("timeUnit"))
        .and_then(Value::as_str)
    {
        Some("SECONDS") => (duration / 60).max(1),
        _ => duration,
    }
}

fn channel_key(device: &Value) -> &'static str {
    match device.get("type").and_then(Value::as_str) {
        Some("SMS") => "sms",
        Some("VOICE") => "voice",
        Some("TOTP") => "totp",
        _ => "email",
    }
}
