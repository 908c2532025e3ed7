//! Per-environment singletons read with `GET` and replaced with `PUT`: `mfaSettings` and
//! `notificationsSettings` (collection `settings`, scope = environment id, id = the name).

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::crud::{ctx, merge_patch};
use super::error::{ApiError, ApiResult};
use super::hal;
use super::spec::{Ctx, Ops, Params, Plain, Scope, Spec};
use crate::sandbox::state::SandboxState;

const SETTINGS: &str = "settings";

fn defaults(name: &str) -> Value {
    match name {
        "mfaSettings" => json!({
            "pairing": {"maxAllowedDevices": 5, "pairingKeyFormat": "ALPHANUMERIC"},
            "lockout": {"failureCount": 5, "durationSeconds": 600},
            "authentication": {"deviceSelection": "DEFAULT_TO_FIRST"},
            "phoneExtensions": {"enabled": false},
        }),
        _ => json!({
            "deliveryMode": "ALL",
            "from": {"name": "PingOne", "address": "noreply@pingidentity.com"},
            "allowedList": [],
        }),
    }
}

static MFA_SETTINGS: Spec = Spec {
    name: SETTINGS,
    path: "/environments/{envID}/mfaSettings",
    id_param: "",
    scope: Scope::Env,
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
};

static NOTIFICATIONS_SETTINGS: Spec = Spec {
    path: "/environments/{envID}/notificationsSettings",
    ..MFA_SETTINGS
};

type St = State<Arc<SandboxState>>;

pub fn routes() -> Router<Arc<SandboxState>> {
    let mut router = Router::new();
    for (spec, name) in [
        (&MFA_SETTINGS, "mfaSettings"),
        (&NOTIFICATIONS_SETTINGS, "notificationsSettings"),
    ] {
        router = router.route(
            spec.path,
            get(
                move |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    respond(&ctx(s, spec, p, &q, c)?, name, None)
                },
            )
            .put(
                move |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    respond(&ctx(s, spec, p, &q, c)?, name, Some(b.object()?))
                },
            ),
        );
    }
    router
}

fn respond(ctx: &Ctx, name: &str, body: Option<Map<String, Value>>) -> ApiResult<Response> {
    let mut store = ctx.state.store();
    let mut doc = store
        .get(ctx.env(), SETTINGS, name)
        .cloned()
        .unwrap_or_else(|| defaults(name));
    if let Some(body) = body {
        let mut merged = defaults(name).as_object().cloned().unwrap_or_default();
        merge_patch(&mut merged, body);
        for key in ["id", "_links", "environment", "updatedAt"] {
            merged.remove(key);
        }
        if merged.values().any(Value::is_null) {
            return Err(ApiError::bad_request("Settings values must not be null"));
        }
        merged.insert("id".into(), json!(name));
        merged.insert("updatedAt".into(), json!(hal::now()));
        doc = Value::Object(merged);
        store.put(ctx.env(), SETTINGS, doc.clone());
    }
    if let Some(map) = doc.as_object_mut() {
        map.remove("id");
        map.insert("environment".into(), hal::id_ref(ctx.env()));
    }
    let links = [("self", ctx.href.clone()), ("environment", ctx.env_href())];
    Ok(hal::ok(hal::with_links(&doc, &links)))
}
