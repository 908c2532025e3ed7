//! The `refresh_token` grant with rotation: each use returns a new refresh token and retires
//! the old one. A retired token still works for the application's
//! `refreshTokenRollingGracePeriodDuration` (seconds, 0 by default), so a client that lost a
//! response can retry; replaying it after that revokes every token of its family (PingOne's
//! `additionalRefreshTokenReplayProtectionEnabled`, on by default).

use serde_json::Value;

use crate::sandbox::auth::directory::app::App;
use crate::sandbox::auth::issue;
use crate::sandbox::auth::oauth_error::{OAuthError, OAuthResult};
use crate::sandbox::auth::request::Params;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::grant::Grant;
use crate::sandbox::state::refresh::RefreshRecord;

/// Exchanges a refresh token for new tokens.
pub fn exchange(state: &SandboxState, app: &App, params: &Params) -> OAuthResult<Value> {
    if !app.has_grant("REFRESH_TOKEN") {
        return Err(OAuthError::unauthorized_client(
            "The application is not allowed to use the refresh_token grant",
        ));
    }
    let token = params
        .get("refresh_token")
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
    let now = state.auth.clock.now_ms();
    let invalid = || OAuthError::invalid_grant("The refresh token is invalid or expired");
    let record = state.auth.refresh.get(token, now).ok_or_else(invalid)?;
    if record.grant.client_id != app.id {
        return Err(invalid());
    }
    let in_grace = in_grace(state, app, &record, now)?;
    if !session_alive(state, &record.grant) {
        state.auth.refresh.remove(token);
        return Err(invalid());
    }
    // A request refused here leaves the token as it was: only an exchange rotates it.
    let scopes = narrowed(&record.grant.scopes.names, params.get("scope"))?;
    // A token exchanged again within its grace period stays as it was: the period runs from
    // its first exchange.
    if !in_grace {
        retire(state, app, token, now);
    }
    let mut grant = record.grant;
    grant.scopes.names = scopes;
    grant.nonce = None;
    Ok(reissue(state, app, &grant, record.family))
}

/// Whether a used token is within its grace period; `false` for an unused one. A used token
/// past it is a replay: its whole family is revoked.
fn in_grace(
    state: &SandboxState,
    app: &App,
    record: &RefreshRecord,
    now: i64,
) -> OAuthResult<bool> {
    match record.used_at {
        Some(used_at) if now - used_at < app.refresh_grace * 1000 => Ok(true),
        Some(_) => {
            revoke_family(state, &record.family);
            Err(OAuthError::invalid_grant(
                "The refresh token was already used; its tokens are revoked",
            ))
        }
        None => Ok(false),
    }
}

/// Retires an exchanged token: marked used (so a replay is seen, and a grace period can run)
/// under replay protection or a grace period, else simply removed.
fn retire(state: &SandboxState, app: &App, token: &str, now: i64) {
    let replay_protection = app
        .doc
        .get("additionalRefreshTokenReplayProtectionEnabled")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    if replay_protection || app.refresh_grace > 0 {
        state
            .auth
            .refresh
            .update(token, now, |r| r.used_at = Some(now));
    } else {
        state.auth.refresh.remove(token);
    }
}

/// The new tokens for `grant`: an access token, an ID token under `openid`, and a refresh
/// token of the same family.
fn reissue(state: &SandboxState, app: &App, grant: &Grant, family: String) -> Value {
    let access = issue::access_token(state, grant);
    let id = grant
        .scopes
        .has("openid")
        .then(|| issue::id_token(state, grant, Some(&access), None));
    let jwt = app.refresh_type != "OPAQUE_TOKEN";
    let refresh = issue::refresh_token(state, grant, app.refresh_duration, Some(family), jwt);
    issue::response(grant, &access, id, Some(refresh))
}

/// A `scope` parameter may only narrow the original grant (RFC 6749 §6).
fn narrowed(original: &[String], requested: Option<&str>) -> OAuthResult<Vec<String>> {
    let Some(requested) = requested else {
        return Ok(original.to_vec());
    };
    let mut out = Vec::new();
    for s in requested.split_whitespace() {
        if !original.iter().any(|o| o == s) {
            return Err(OAuthError::invalid_scope(format!(
                "The scope '{s}' was not part of the original grant"
            )));
        }
        out.push(s.to_owned());
    }
    Ok(out)
}

/// A grant tied to a session dies with it (sign-off, session deletion); the user must still be
/// enabled.
fn session_alive(state: &SandboxState, grant: &Grant) -> bool {
    let user_ok = grant.user_id.as_deref().is_none_or(|u| {
        state
            .store()
            .get(&grant.env_id, "users", u)
            .is_some_and(|doc| doc.get("enabled").and_then(Value::as_bool) != Some(false))
    });
    let session_ok = grant
        .session_id
        .as_deref()
        .is_none_or(|sid| crate::sandbox::auth::session::is_active(state, sid));
    user_ok && session_ok
}

/// Revokes every refresh token of `family`.
pub fn revoke_family(state: &SandboxState, family: &str) {
    state.auth.refresh.remove_where(|r| r.family == family);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_may_only_narrow() {
        let original = vec!["openid".to_owned(), "profile".to_owned()];
        assert_eq!(narrowed(&original, None).expect("same"), original);
        assert_eq!(
            narrowed(&original, Some("openid")).expect("narrow"),
            vec!["openid"]
        );
        assert!(narrowed(&original, Some("openid email")).is_err());
    }
}
