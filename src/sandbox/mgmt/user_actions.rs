//! Single-purpose user endpoints: `enabled`, `mfaEnabled`, `population`, and the actions
//! `POST /users/{userID}` selects by media type (`user.verify`, `account.lock`,
//! `account.unlock`, `account.sendVerificationCode`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::codes::{self, Purpose};
use super::crud::{ctx, view};
use super::error::{ApiError, ApiResult};
use super::hal;
use super::spec::{Ctx, Params};
use super::users::{USERS, send_verification_code};
use crate::sandbox::state::SandboxState;

type St = State<Arc<SandboxState>>;

/// A boolean flag of the user exposed as its own resource.
#[derive(Clone, Copy)]
struct Flag {
    field: &'static str,
}

pub fn routes() -> Router<Arc<SandboxState>> {
    let mut router = Router::new();
    for flag in [
        Flag { field: "enabled" },
        Flag {
            field: "mfaEnabled",
        },
    ] {
        router = router.route(
            &format!("{}/{{userID}}/{}", USERS.path, flag.field),
            get(
                move |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    flag_op(&ctx(s, &USERS, p, &q, c)?, flag, None)
                },
            )
            .put(
                move |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    flag_op(&ctx(s, &USERS, p, &q, c)?, flag, Some(b.object()?))
                },
            ),
        );
    }
    router
        .route(
            &format!("{}/{{userID}}/population", USERS.path),
            get(
                |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    population_op(&ctx(s, &USERS, p, &q, c)?, None)
                },
            )
            .put(
                |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    population_op(&ctx(s, &USERS, p, &q, c)?, Some(b.object()?))
                },
            ),
        )
        .route(
            &format!("{}/{{userID}}", USERS.path),
            post(
                |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    user_action(&ctx(s, &USERS, p, &q, c)?, b)
                },
            ),
        )
}

fn user_id(ctx: &Ctx) -> String {
    ctx.param("userID").to_owned()
}

fn flag_op(ctx: &Ctx, flag: Flag, body: Option<Map<String, Value>>) -> ApiResult<Response> {
    let id = user_id(ctx);
    let mut store = ctx.state.store();
    let user = store
        .get_mut(ctx.env(), "users", &id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(body) = body {
        let value = match body.get(flag.field) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
            Some(_) => {
                return Err(ApiError::invalid_value(
                    "INVALID_VALUE",
                    flag.field,
                    format!("{} must be a boolean", flag.field),
                ));
            }
            None => return Err(ApiError::required(flag.field)),
        };
        user[flag.field] = json!(value);
        user["updatedAt"] = json!(hal::now());
    }
    let value = user[flag.field].as_bool().unwrap_or(false);
    let me = ctx.item_href(&id);
    let links = [("self", format!("{me}/{}", flag.field)), ("user", me)];
    Ok(hal::ok(hal::with_links(
        &json!({ flag.field: value }),
        &links,
    )))
}

fn population_op(ctx: &Ctx, body: Option<Map<String, Value>>) -> ApiResult<Response> {
    let id = user_id(ctx);
    let mut store = ctx.state.store();
    if store.get(ctx.env(), "users", &id).is_none() {
        return Err(ApiError::not_found());
    }
    if let Some(body) = body {
        let population = body
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::required("id"))?
            .to_owned();
        if store.get(ctx.env(), "populations", &population).is_none() {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "id",
                "The population does not exist",
            ));
        }
        if let Some(user) = store.get_mut(ctx.env(), "users", &id) {
            user["population"] = json!({ "id": population });
            user["updatedAt"] = json!(hal::now());
        }
    }
    let population = store
        .get(ctx.env(), "users", &id)
        .and_then(|u| u["population"]["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let me = ctx.item_href(&id);
    let links = [
        ("self", format!("{me}/population")),
        ("user", me),
        (
            "population",
            format!("{}/populations/{population}", ctx.env_href()),
        ),
    ];
    Ok(hal::ok(hal::with_links(
        &json!({ "id": population }),
        &links,
    )))
}

/// `POST /users/{userID}`: the action the media type names, then the user as it now is.
fn user_action(ctx: &Ctx, body: Body) -> ApiResult<Response> {
    let allowed = [
        "user.verify",
        "account.lock",
        "account.unlock",
        "account.sendVerificationCode",
        "user.sendVerificationCode",
    ];
    let (action, body) = body.action(&allowed, None)?;
    let id = user_id(ctx);
    let mut store = ctx.state.store();
    let user = store
        .get(ctx.env(), "users", &id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    match action {
        "user.verify" => verify(ctx, &mut store, &id, &body)?,
        "account.lock" => set(
            &mut store,
            ctx.env(),
            &id,
            "account",
            json!({
                "canAuthenticate": false, "status": "LOCKED", "lockedAt": hal::now(),
            }),
        ),
        "account.unlock" => set(
            &mut store,
            ctx.env(),
            &id,
            "account",
            json!({
                "canAuthenticate": true, "status": "OK",
            }),
        ),
        _ => send_verification_code(ctx, &mut store, &user),
    }
    let doc = store
        .get(ctx.env(), "users", &id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    Ok(hal::ok(view(ctx, &store, &doc)))
}

/// `user.verify`: the user's verification code consumed, the account is `ACCOUNT_OK`.
fn verify(
    ctx: &Ctx,
    store: &mut crate::sandbox::store::Store,
    id: &str,
    body: &Map<String, Value>,
) -> ApiResult<()> {
    let code = body
        .get("verificationCode")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::required("verificationCode"))?;
    if !codes::consume(store, ctx.env(), id, Purpose::Verification, code) {
        return Err(ApiError::invalid_value(
            "INVALID_VALUE",
            "verificationCode",
            "The verification code is invalid or has expired",
        ));
    }
    set(
        store,
        ctx.env(),
        id,
        "lifecycle",
        json!({ "status": "ACCOUNT_OK" }),
    );
    Ok(())
}

fn set(store: &mut crate::sandbox::store::Store, env: &str, id: &str, field: &str, value: Value) {
    if let Some(user) = store.get_mut(env, "users", id) {
        user[field] = value;
        user["updatedAt"] = json!(hal::now());
    }
}
