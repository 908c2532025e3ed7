//! The outbox (`/sandbox/messages`): what a real tenant would have emailed or texted
//! (one-time passcodes, verification and recovery codes), so a workflow can read it when
//! `target == "sandbox"`. No token is needed.
//!
//! Message shape (both halves of the sandbox push through `message`):
//! `{"id", "to", "channel": "EMAIL"|"SMS"|"VOICE", "subject", "text", "otp", "code",
//! "userId", "deviceId", "environmentId", "purpose", "createdAt"}`; `otp` is set for
//! one-time passcodes, `code` for verification/recovery codes (absent otherwise).
//! `GET` lists them oldest first (`?to=`, `?userId=`, `?channel=` filter exactly,
//! `to` ignoring case); `DELETE` empties the outbox (204).

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::hal;
use crate::sandbox::state::SandboxState;

/// What a message is for, and the code it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code<'a> {
    /// A one-time passcode (device activation, MFA): sets `otp`.
    Otp(&'a str),
    /// A verification or recovery code: sets `code`.
    Code(&'a str),
}

/// One message to put in the outbox.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub env_id: &'a str,
    pub user_id: Option<&'a str>,
    pub device_id: Option<&'a str>,
    /// Email address or phone number.
    pub to: &'a str,
    /// `EMAIL`, `SMS` or `VOICE`.
    pub channel: &'a str,
    /// e.g. `device_activation`, `authentication`, `verification`, `recovery`.
    pub purpose: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub code: Code<'a>,
}

impl Message<'_> {
    /// The stored JSON form.
    pub fn to_json(self) -> Value {
        let mut v = json!({
            "id": hal::new_id(),
            "to": self.to,
            "channel": self.channel,
            "subject": self.subject,
            "text": self.text,
            "userId": self.user_id,
            "deviceId": self.device_id,
            "environmentId": self.env_id,
            "purpose": self.purpose,
            "createdAt": hal::now(),
        });
        match self.code {
            Code::Otp(otp) => v["otp"] = json!(otp),
            Code::Code(code) => v["code"] = json!(code),
        }
        v
    }
}

/// Appends a message to the outbox.
pub fn push(state: &SandboxState, message: &Message<'_>) {
    state.outbox().push(message.to_json());
}

/// `/sandbox/messages` (GET, DELETE).
pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        "/sandbox/messages",
        get(list).delete(|State(state): State<Arc<SandboxState>>| async move {
            state.outbox().clear();
            hal::no_content()
        }),
    )
}

async fn list(State(state): State<Arc<SandboxState>>, RawQuery(query): RawQuery) -> Response {
    let params: Vec<(String, String)> = query
        .as_deref()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let messages: Vec<Value> = state
        .outbox()
        .iter()
        .filter(|m| params.iter().all(|(k, v)| keep(m, k, v)))
        .cloned()
        .collect();
    hal::ok(json!({ "count": messages.len(), "messages": messages }))
}

fn keep(message: &Value, key: &str, wanted: &str) -> bool {
    let field = match key {
        "to" => {
            return message["to"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case(wanted));
        }
        "userId" | "channel" | "deviceId" | "purpose" | "environmentId" => key,
        _ => return true,
    };
    message[field].as_str() == Some(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_otp_or_code() {
        let m = Message {
            env_id: "e",
            user_id: Some("u"),
            device_id: None,
            to: "a@example.com",
            channel: "EMAIL",
            purpose: "authentication",
            subject: "s",
            text: "t",
            code: Code::Otp("123456"),
        };
        let v = m.to_json();
        assert_eq!(v["otp"], "123456");
        assert!(v.get("code").is_none());
        assert!(keep(&v, "to", "A@EXAMPLE.COM"));
        assert!(!keep(&v, "userId", "x"));
        assert!(keep(&v, "unknown", "x"));
    }
}
