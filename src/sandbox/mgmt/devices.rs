//! MFA devices (`/users/{userID}/devices`, store scope = user id). Admin-created devices
//! are `ACTIVE` unless the request says `ACTIVATION_REQUIRED`; then an activation OTP goes
//! to the outbox (and, for `testMode` devices, into the response as `test.otp`), and
//! `POST .../devices/{deviceID}` with `device.activate+json` activates the device. TOTP
//! devices get a Base32 `secret` and `keyUri` while they wait for activation.
//!
//! Pending activation codes live in collection `deviceActivations` (scope = user id,
//! id = device id): `{"id", "otp", "expiresAt", "attempts"}`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::{post, put};
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::codes::random_digits;
use super::crud::{ctx, view};
use super::error::{ApiError, ApiResult, Detail};
use super::hal;
use super::outbox::{self, Code, Message};
use super::spec::{Ctx, Hooks, Kind, Ops, Params, Scope, Spec};
use super::totp;
use super::validate::text;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

pub const ACTIVATIONS: &str = "deviceActivations";
const TYPES: &[&str] = &[
    "EMAIL",
    "SMS",
    "VOICE",
    "WHATSAPP",
    "TOTP",
    "MOBILE",
    "FIDO2",
    "PLATFORM",
    "SECURITY_KEY",
    "OATH_TOKEN",
    "DESKTOP",
];
const MAX_ATTEMPTS: u64 = 3;

/// `+1 (512) 555-1234`, `+1.512.555.1234` ... → `+15125551234`.
pub fn normalize_phone(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

fn device_policy<'a>(store: &'a Store, env: &str, doc: &Map<String, Value>) -> Option<&'a Value> {
    match text(doc, "policy.id") {
        Some(id) => store.get(env, "deviceAuthenticationPolicies", id),
        None => store
            .list(env, "deviceAuthenticationPolicies")
            .find(|p| p["default"] == true),
    }
}

fn check_target(doc: &Map<String, Value>, kind: &str) -> Vec<Detail> {
    let mut details = Vec::new();
    match kind {
        "EMAIL" if !text(doc, "email").is_some_and(|e| e.contains('@')) => {
            details.push(Detail::new(
                "REQUIRED_VALUE",
                "email",
                "A valid email is required",
            ));
        }
        "SMS" | "VOICE" | "WHATSAPP" => {
            let digits = text(doc, "phone").map(normalize_phone).unwrap_or_default();
            if !digits.starts_with('+') || digits.len() < 8 {
                details.push(Detail::new(
                    "INVALID_VALUE",
                    "phone",
                    "phone must be an international number such as +15125551234",
                ));
            }
        }
        _ => {}
    }
    if doc.get("testMode") == Some(&json!(true)) && !matches!(kind, "EMAIL" | "SMS" | "VOICE") {
        details.push(Detail::new(
            "INVALID_VALUE",
            "testMode",
            "testMode is allowed only for EMAIL, SMS and VOICE devices",
        ));
    }
    details
}

struct DeviceHooks;

impl Hooks for DeviceHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        if let Some(old) = existing {
            for key in ["type", "status", "secret", "keyUri"] {
                if let Some(v) = old.get(key) {
                    doc.insert(key.to_owned(), v.clone());
                }
            }
            return Ok(());
        }
        if let Some(phone) = text(doc, "phone").map(normalize_phone) {
            doc.insert("phone".into(), json!(phone));
        }
        let kind = text(doc, "type").unwrap_or_default();
        let default_status = if kind == "TOTP" {
            "ACTIVATION_REQUIRED"
        } else {
            "ACTIVE"
        };
        doc.entry("status").or_insert(json!(default_status));
        Ok(())
    }
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        if existing.is_some() {
            return Ok(());
        }
        let kind = text(doc, "type").unwrap_or_default();
        let mut details = check_target(doc, kind);
        let method = match kind {
            "EMAIL" => "email",
            "SMS" => "sms",
            "VOICE" => "voice",
            "TOTP" => "totp",
            _ => "",
        };
        let policy = device_policy(store, ctx.env(), doc);
        if !method.is_empty() && policy.is_some_and(|p| p[method]["enabled"] != true) {
            details.push(Detail::new(
                "INVALID_VALUE",
                "type",
                format!("The device authentication policy does not allow {kind} devices"),
            ));
        }
        if details.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(details))
        }
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, created: bool) {
        if created && doc["status"] == "ACTIVATION_REQUIRED" {
            start_activation(ctx, store, doc);
        }
    }
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        let pending = doc["status"] == "ACTIVATION_REQUIRED";
        if let Some(map) = doc.as_object_mut()
            && !pending
        {
            map.remove("secret");
            map.remove("keyUri");
        }
        let (user, id) = (
            ctx.parent_id.as_deref().unwrap_or_default(),
            doc["id"].as_str().unwrap_or_default(),
        );
        if pending
            && doc["testMode"] == true
            && let Some(otp) = store
                .get(user, ACTIVATIONS, id)
                .and_then(|a| a["otp"].as_str())
        {
            doc["test"] = json!({ "otp": otp });
        }
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        let mut links = Vec::new();
        if doc["status"] == "ACTIVATION_REQUIRED" {
            links.push(("device.activate", me.clone()));
        }
        links.push(("nickname", format!("{me}/nickname")));
        links
    }
}

/// Issues the activation OTP (or TOTP secret) of a device waiting for activation.
fn start_activation(ctx: &Ctx, store: &mut Store, doc: &Value) {
    let user = ctx.parent_id.clone().unwrap_or_default();
    let id = doc["id"].as_str().unwrap_or_default().to_owned();
    if doc["type"] == "TOTP" {
        let secret = totp::new_secret();
        let account = store
            .get(ctx.env(), "users", &user)
            .and_then(|u| u["username"].as_str())
            .unwrap_or_default()
            .to_owned();
        if let Some(device) = store.get_mut(&user, "devices", &id) {
            device["keyUri"] = json!(totp::key_uri(&secret, &account));
            device["secret"] = json!(secret);
        }
        return;
    }
    let otp = random_digits(6);
    store.put(
        &user,
        ACTIVATIONS,
        json!({
            "id": id, "otp": otp, "expiresAt": hal::now_plus(30 * 60), "attempts": 0,
        }),
    );
    let kind = doc["type"].as_str().unwrap_or("EMAIL");
    let to = doc["email"]
        .as_str()
        .or_else(|| doc["phone"].as_str())
        .unwrap_or_default();
    let text = format!("Your PingOne device activation passcode is {otp}");
    outbox::push(
        &ctx.state,
        &Message {
            env_id: ctx.env(),
            user_id: Some(&user),
            device_id: Some(&id),
            to,
            channel: if kind == "EMAIL" {
                "EMAIL"
            } else if kind == "VOICE" {
                "VOICE"
            } else {
                "SMS"
            },
            purpose: "device_activation",
            subject: "Activate your device",
            text: &text,
            code: Code::Otp(&otp),
        },
    );
}

pub static DEVICES: Spec = Spec {
    name: "devices",
    path: "/environments/{envID}/users/{userID}/devices",
    id_param: "deviceID",
    scope: Scope::Parents(&[("userID", "users")]),
    required: &["type"],
    enums: &[
        ("type", TYPES),
        ("status", &["ACTIVE", "ACTIVATION_REQUIRED"]),
    ],
    kinds: &[
        ("type", Kind::Str),
        ("email", Kind::Str),
        ("phone", Kind::Str),
        ("nickname", Kind::Str),
        ("testMode", Kind::Bool),
        ("policy", Kind::Object),
    ],
    unique: &[],
    read_only: &["lock", "block"],
    owner: Some("user"),
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &DeviceHooks,
};

type St = State<Arc<SandboxState>>;

/// Activation (`POST .../devices/{deviceID}`) and `PUT .../devices/{deviceID}/nickname`.
pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route(
            &format!("{}/{{deviceID}}", DEVICES.path),
            post(
                |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    let ctx = ctx(s, &DEVICES, p, &q, c)?;
                    let (_, body) = b.action(&["device.activate"], None)?;
                    activate(&ctx, &body)
                },
            ),
        )
        .route(
            &format!("{}/{{deviceID}}/nickname", DEVICES.path),
            put(
                |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    let ctx = ctx(s, &DEVICES, p, &q, c)?;
                    nickname(&ctx, &b.object()?)
                },
            ),
        )
}

fn activate(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Response> {
    let user = ctx.parent_id.clone().unwrap_or_default();
    let id = ctx.param("deviceID").to_owned();
    let otp = text(body, "otp").ok_or_else(|| ApiError::required("otp"))?;
    let mut store = ctx.state.store();
    let device = store
        .get(&user, "devices", &id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    if device["status"] != "ACTIVATION_REQUIRED" {
        return Err(ApiError::request_failed(
            "The device does not require activation",
        ));
    }
    let ok = if device["type"] == "TOTP" {
        let secret = device["secret"].as_str().unwrap_or_default();
        totp::verify(secret, otp, ctx.state.auth.clock.now_secs())
    } else {
        check_activation_otp(&mut store, &user, &id, otp)
    };
    if !ok {
        let remaining = store.get(&user, ACTIVATIONS, &id).map_or(0, |a| {
            MAX_ATTEMPTS.saturating_sub(a["attempts"].as_u64().unwrap_or(0))
        });
        return Err(ApiError::invalid(vec![
            Detail::new("INVALID_OTP", "otp", "Invalid OTP")
                .with_inner(json!({ "remainingAttempts": remaining })),
        ]));
    }
    store.remove(&user, ACTIVATIONS, &id);
    let Some(stored) = store.get_mut(&user, "devices", &id) else {
        return Err(ApiError::not_found());
    };
    stored["status"] = json!("ACTIVE");
    stored["updatedAt"] = json!(hal::now());
    if let Some(map) = stored.as_object_mut() {
        map.remove("secret");
        map.remove("keyUri");
    }
    let doc = stored.clone();
    Ok(hal::ok(view(ctx, &store, &doc)))
}

fn check_activation_otp(store: &mut Store, user: &str, id: &str, otp: &str) -> bool {
    let Some(pending) = store.get_mut(user, ACTIVATIONS, id) else {
        return false;
    };
    let attempts = pending["attempts"].as_u64().unwrap_or(0) + 1;
    pending["attempts"] = json!(attempts);
    let live = pending["expiresAt"]
        .as_str()
        .is_some_and(|e| e > hal::now().as_str());
    live && attempts <= MAX_ATTEMPTS && pending["otp"].as_str() == Some(otp.trim())
}

fn nickname(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Response> {
    let user = ctx.parent_id.clone().unwrap_or_default();
    let id = ctx.param("deviceID").to_owned();
    let name = text(body, "nickname")
        .ok_or_else(|| ApiError::required("nickname"))?
        .to_owned();
    let mut store = ctx.state.store();
    let stored = store
        .get_mut(&user, "devices", &id)
        .ok_or_else(ApiError::not_found)?;
    stored["nickname"] = json!(name);
    stored["updatedAt"] = json!(hal::now());
    let doc = stored.clone();
    Ok(hal::ok(view(ctx, &store, &doc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalized() {
        for p in [
            "+1.5125551234",
            "+15125551234",
            "+1.512.555.1234",
            "+1 (512) 555-1234",
        ] {
            assert_eq!(normalize_phone(p), "+15125551234");
        }
    }
}
