//! `login_hint_token` at `as/authorize`: a JWT naming the user who signs on, signed (HS256, HS384 or HS512)
//! with the secret of the application in its `iss` (the authorizing client when it has none),
//! so that an MFA-only flow starts with the user known and goes straight to the MFA action.
//! The user is the `sub` claim (a user id or a username) or, failing that, `username`.
//! A token that does not verify, has expired or names nobody is refused with PingOne's
//! `INVALID_DATA` error, target `login_hint_token`, before any flow starts.

use serde_json::Value;

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::directory::app::{self, App};
use crate::sandbox::auth::directory::user;
use crate::sandbox::auth::jwt;
use crate::sandbox::state::SandboxState;

/// The user a valid token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hinted {
    pub user_id: String,
    pub username: Option<String>,
}

fn invalid(message: &str) -> ApiError {
    ApiError::invalid("INVALID_VALUE", "login_hint_token", message)
}

/// Checks `token` for a request by `client` in environment `env` and finds its user.
pub fn resolve(
    state: &SandboxState,
    env: &str,
    client: &App,
    token: &str,
) -> Result<Hinted, ApiError> {
    let parsed = jwt::parse(token).ok_or_else(|| invalid("The login_hint_token is not a JWT"))?;
    let claims = &parsed.claims;
    let signer = match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss != client.id => {
            let store = state.store();
            app::find(state, &store, env, iss)
                .ok_or_else(|| invalid("The login_hint_token's issuer is not an application"))?
        }
        _ => client.clone(),
    };
    let verified = signer
        .secret
        .as_deref()
        .is_some_and(|s| jwt::verify_hmac(&parsed, s.as_bytes()));
    if !verified {
        return Err(invalid(
            "The login_hint_token must be signed (HS256, HS384 or HS512) with the application's secret",
        ));
    }
    let now = state.auth.clock.now_secs();
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_some_and(|exp| exp <= now)
    {
        return Err(invalid("The login_hint_token has expired"));
    }
    let subject = ["sub", "username"]
        .iter()
        .find_map(|k| claims.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("The login_hint_token names no user (sub)"))?;
    let store = state.store();
    let found =
        user::get(&store, env, subject).or_else(|| user::find_by_name(&store, env, subject));
    let found = found.ok_or_else(|| invalid("The login_hint_token's subject is not a user"))?;
    Ok(Hinted {
        user_id: found
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or(subject)
            .to_owned(),
        username: found
            .get("username")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}
