//! `login_hint_token` on an authorize request that runs a DaVinci flow: a JWT the application
//! signs with its secret (HS256) naming the user (`sub`: id or username), issued by the
//! application (`iss`) for the environment's issuer (`aud`), not expired. A valid one fills the
//! flow's username; anything else refuses the request.

use serde_json::Value;

use crate::sandbox::auth::directory::app::App;
use crate::sandbox::auth::issue;
use crate::sandbox::auth::jwt;
use crate::sandbox::state::SandboxState;

/// The hinted user (`sub`), or why the token is refused.
pub fn check(state: &SandboxState, env: &str, app: &App, token: &str) -> Result<String, String> {
    let parsed = jwt::parse(token).ok_or("The login_hint_token is not a signed JWT")?;
    let secret = app.secret.as_deref().unwrap_or_default();
    if secret.is_empty() || !jwt::verify_hs256(&parsed, secret.as_bytes()) {
        return Err("The login_hint_token signature is invalid".into());
    }
    let claims = &parsed.claims;
    if claims.get("iss").and_then(Value::as_str) != Some(app.id.as_str()) {
        return Err("The login_hint_token iss must be the application's id".into());
    }
    let issuer = issue::issuer(state, env);
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => *a == issuer,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(issuer.as_str())),
        _ => false,
    };
    if !aud_ok {
        return Err(format!("The login_hint_token aud must be {issuer}"));
    }
    let now = state.auth.clock.now_secs();
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp <= now)
    {
        return Err("The login_hint_token is expired".into());
    }
    claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| "The login_hint_token sub is required".into())
}
