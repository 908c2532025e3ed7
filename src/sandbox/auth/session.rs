//! Single sign-on sessions: the `ST` cookie a completed flow sets, the session document the
//! management API lists under the user (`sessions`, scoped by user id), and ending a session.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::sandbox::auth::clock::iso_ms;
use crate::sandbox::auth::request::cookie;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;
use crate::sandbox::state::session::Session;

/// Session lifetime: PingOne's `ST` cookie lives 30 days.
pub const SESSION_SECONDS: i64 = 2_592_000;

/// Starts a session for `user_id`, records it under the user, and stamps the user's
/// `lastSignOn`.
pub fn start(
    state: &SandboxState,
    env: &str,
    user_id: &str,
    amr: &[String],
    app_id: Option<&str>,
) -> Session {
    let now_ms = state.auth.clock.now_ms();
    let session = Session {
        id: uuid::Uuid::new_v4().to_string(),
        env_id: env.to_owned(),
        user_id: user_id.to_owned(),
        auth_time: now_ms.div_euclid(1000),
        amr: amr.to_vec(),
    };
    let expires_ms = now_ms + SESSION_SECONDS * 1000;
    state
        .auth
        .sessions
        .insert(&session.id, session.clone(), expires_ms, now_ms);
    let at = iso_ms(now_ms);
    let authenticators: Vec<Value> = amr.iter().map(|t| json!({"type": t, "at": at})).collect();
    let mut doc = json!({
        "id": session.id,
        "environment": {"id": env},
        "user": {"id": user_id},
        "createdAt": at,
        "activeAt": at,
        "expiresAt": iso_ms(expires_ms),
        "idleTimeoutInMinutes": 480,
        "lastSignOn": {"at": at, "remoteIp": "127.0.0.1", "withAuthenticators": authenticators},
        "browser": {"name": "Other"},
        "operatingSystem": {"name": "Other"},
        "device": {"type": "Other"},
    });
    if let Some(app) = app_id {
        doc["application"] = json!({"id": app});
    }
    let mut store = state.store();
    store.put(user_id, "sessions", doc);
    if let Some(user) = store.get_mut(env, "users", user_id) {
        user["lastSignOn"] = json!({"at": at, "remoteIp": "127.0.0.1"});
    }
    session
}

/// Whether session `sid` is live: not expired, not signed off, not deleted over `/v1`.
pub fn is_active(state: &SandboxState, sid: &str) -> bool {
    let now = state.auth.clock.now_ms();
    let Some(session) = state.auth.sessions.get(sid, now) else {
        return false;
    };
    state
        .store()
        .get(&session.user_id, "sessions", sid)
        .is_some()
}

/// The live session named by the request's `ST` cookie in environment `env`.
pub fn from_cookie(state: &SandboxState, env: &str, headers: &HeaderMap) -> Option<Session> {
    let sid = cookie(headers, "ST")?;
    let session = state.auth.sessions.get(&sid, state.auth.clock.now_ms())?;
    (session.env_id == env && is_active(state, &sid)).then_some(session)
}

/// The `Set-Cookie` value that hands the session to the browser: PingOne's `Path=/{envID}`,
/// `Max-Age` and `Expires` (`now_ms` on the sandbox's clock). Not `Secure`, and so
/// `SameSite=Lax` where PingOne says `None` (browsers refuse `None` without `Secure`): the
/// sandbox serves plain HTTP on loopback.
pub fn cookie_header(env: &str, sid: &str, now_ms: i64) -> String {
    let expires = jiff::Timestamp::from_millisecond(now_ms + SESSION_SECONDS * 1000)
        .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default();
    format!(
        "ST={sid}; Path=/{env}; Max-Age={SESSION_SECONDS}; Expires={expires}; HttpOnly; SameSite=Lax"
    )
}

/// The `Set-Cookie` value that removes the session cookie.
/// The session `flow` just started, if it started one, taken so that it is handed out once.
pub fn take_new(flow: &mut Flow) -> Option<String> {
    let started = flow.new_session.then(|| flow.session_id.clone()).flatten();
    flow.new_session = false;
    started
}

/// Gives the browser the `ST` cookie of `started` (see [`take_new`]), as PingOne does on the
/// answer to the step that completed the flow.
pub fn hand_out(state: &SandboxState, env: &str, response: &mut Response, started: Option<String>) {
    if let Some(sid) = started
        && let Ok(value) =
            HeaderValue::from_str(&cookie_header(env, &sid, state.auth.clock.now_ms()))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

pub fn clear_cookie_header(env: &str) -> String {
    format!("ST=; Path=/{env}; Max-Age=0; HttpOnly; SameSite=Lax")
}

/// Ends session `sid`: forgets it, deletes its document, revokes the refresh tokens issued in
/// it and the user's access tokens.
pub fn end(state: &SandboxState, sid: &str) {
    let Some(session) = state.auth.sessions.remove(sid) else {
        return;
    };
    state.store().remove(&session.user_id, "sessions", sid);
    state
        .auth
        .refresh
        .remove_where(|r| r.grant.session_id.as_deref() == Some(sid));
    for token in state.tokens().values_mut() {
        if token.env_id == session.env_id && token.subject.as_deref() == Some(&session.user_id) {
            token.revoked = true;
        }
    }
}
