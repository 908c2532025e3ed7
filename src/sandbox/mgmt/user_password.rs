//! `/environments/{envID}/users/{userID}/password`: the media type picks the operation,
//! as in PingOne — `password.set` and `password.reset` (PUT), `password.check`,
//! `password.recover`, `password.forceChange` and `password.sendRecoveryCode` (POST).

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::codes::{self, Purpose};
use super::crud::ctx;
use super::error::{ApiError, ApiResult, Detail};
use super::hal;
use super::outbox::{self, Code, Message};
use super::password_policy::policy_for;
use super::passwords::{self, PASSWORDS};
use super::spec::{Ctx, Ops, Params, Plain, Scope, Spec};
use crate::sandbox::state::SandboxState;

static PASSWORD: Spec = Spec {
    name: PASSWORDS,
    path: "/environments/{envID}/users/{userID}/password",
    id_param: "",
    scope: Scope::Parents(&[("userID", "users")]),
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: Some("user"),
    env_ref: true,
    timestamps: false,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
};

type St = State<Arc<SandboxState>>;

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        PASSWORD.path,
        get(
            |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                let ctx = ctx(s, &PASSWORD, p, &q, c)?;
                Ok::<_, ApiError>(hal::ok(state_view(&ctx)))
            },
        )
        .put(
            |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                let ctx = ctx(s, &PASSWORD, p, &q, c)?;
                let (action, body) = b.action(&["password.set", "password.reset"], None)?;
                change(&ctx, action, &body)
            },
        )
        .post(
            |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                let ctx = ctx(s, &PASSWORD, p, &q, c)?;
                let allowed = [
                    "password.check",
                    "password.recover",
                    "password.forceChange",
                    "password.sendRecoveryCode",
                ];
                let (action, body) = b.action(&allowed, None)?;
                post_action(&ctx, action, &body)
            },
        ),
    )
}

fn user_id(ctx: &Ctx) -> String {
    ctx.parent_id.clone().unwrap_or_default()
}

fn field<'a>(body: &'a Map<String, Value>, name: &str) -> ApiResult<&'a str> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::required(name))
}

fn change(ctx: &Ctx, action: &str, body: &Map<String, Value>) -> ApiResult<Response> {
    let user = user_id(ctx);
    let mut store = ctx.state.store();
    if action == "password.set" {
        let value = field(body, "value")?;
        let force = body
            .get("forceChange")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        passwords::set_password(&mut store, ctx.env(), &user, value, force)?;
    } else {
        let new = field(body, "newPassword")?;
        if let Some(current) = body.get("currentPassword").and_then(Value::as_str)
            && !passwords::check_password(&store, ctx.env(), &user, current)
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "currentPassword",
                "The provided password did not match provisioned password",
            ));
        }
        passwords::set_password(&mut store, ctx.env(), &user, new, false)?;
    }
    drop(store);
    Ok(hal::ok(state_view(ctx)))
}

fn post_action(ctx: &Ctx, action: &str, body: &Map<String, Value>) -> ApiResult<Response> {
    let user = user_id(ctx);
    let env = ctx.env().to_owned();
    let mut store = ctx.state.store();
    match action {
        "password.check" => {
            let candidate = field(body, "password")?;
            if store.get(&env, PASSWORDS, &user).is_none() {
                return Err(ApiError::invalid_value(
                    "NO_PASSWORD",
                    "password",
                    "The user has no password",
                ));
            }
            if !passwords::check_password(&store, &env, &user, candidate) {
                let limit = lockout_limit(ctx, &store, &user);
                let remaining = passwords::record_failure(&mut store, &env, &user, limit);
                return Err(ApiError::invalid(vec![
                    Detail::new(
                        "INVALID_VALUE",
                        "password",
                        "The provided password did not match provisioned password",
                    )
                    .with_inner(json!({ "failuresRemaining": remaining })),
                ]));
            }
            passwords::record_success(&mut store, &env, &user);
        }
        "password.recover" => {
            let code = field(body, "recoveryCode")?;
            let new = field(body, "newPassword")?;
            if !codes::consume(&mut store, &env, &user, Purpose::Recovery, code) {
                return Err(ApiError::invalid_value(
                    "INVALID_VALUE",
                    "recoveryCode",
                    "The recovery code is invalid or has expired",
                ));
            }
            passwords::set_password(&mut store, &env, &user, new, false)?;
        }
        "password.forceChange" => {
            if !passwords::set_status(&mut store, &env, &user, "MUST_CHANGE_PASSWORD") {
                return Err(ApiError::invalid_value(
                    "NO_PASSWORD",
                    "password",
                    "The user has no password",
                ));
            }
        }
        _ => send_recovery_code(ctx, &mut store, &user),
    }
    drop(store);
    Ok(hal::ok(state_view(ctx)))
}

fn lockout_limit(ctx: &Ctx, store: &crate::sandbox::store::Store, user: &str) -> u64 {
    store
        .get(ctx.env(), "users", user)
        .and_then(|u| policy_for(store, ctx.env(), u))
        .and_then(|p| p["lockout"]["failureCount"].as_u64())
        .unwrap_or(5)
}

fn send_recovery_code(ctx: &Ctx, store: &mut crate::sandbox::store::Store, user: &str) {
    let code = codes::issue(store, ctx.env(), user, Purpose::Recovery);
    let to = store
        .get(ctx.env(), "users", user)
        .and_then(|u| u["email"].as_str())
        .unwrap_or_default()
        .to_owned();
    let text = format!("Your password recovery code is {code}");
    outbox::push(
        &ctx.state,
        &Message {
            env_id: ctx.env(),
            user_id: Some(user),
            device_id: None,
            to: &to,
            channel: "EMAIL",
            purpose: "recovery",
            subject: "Password recovery",
            text: &text,
            code: Code::Code(&code),
        },
    );
}

/// The password state PingOne returns from every password operation.
fn state_view(ctx: &Ctx) -> Value {
    let user = user_id(ctx);
    let store = ctx.state.store();
    let stored = store.get(ctx.env(), PASSWORDS, &user);
    let policy = store
        .get(ctx.env(), "users", &user)
        .and_then(|u| policy_for(&store, ctx.env(), u))
        .and_then(|p| p["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let mut view = json!({
        "environment": hal::id_ref(ctx.env()),
        "user": hal::id_ref(&user),
        "passwordPolicy": hal::id_ref(&policy),
        "status": stored.and_then(|s| s["status"].as_str()).unwrap_or("NO_PASSWORD"),
    });
    if let Some(at) = stored.and_then(|s| s.get("lastChangedAt")) {
        view["lastChangedAt"] = at.clone();
    }
    drop(store);
    let me = ctx.href.clone();
    let ordered = [
        ("self", me.clone()),
        ("environment", ctx.env_href()),
        ("user", ctx.parent_href()),
        (
            "passwordPolicy",
            format!("{}/passwordPolicies/{policy}", ctx.env_href()),
        ),
        ("password.check", me.clone()),
        ("password.reset", me.clone()),
        ("password.set", me.clone()),
        ("password.recover", me),
    ];
    hal::with_links(&view, &ordered)
}
