//! Authorization codes: minted at resume, exchanged once at the token endpoint with the same
//! `redirect_uri` and, when a challenge was sent, a matching PKCE `code_verifier`.

use serde_json::Value;

use crate::sandbox::auth::directory::app::App;
use crate::sandbox::auth::issue;
use crate::sandbox::auth::oauth_error::{OAuthError, OAuthResult};
use crate::sandbox::auth::pkce;
use crate::sandbox::auth::request::Params;
use crate::sandbox::auth::scopes;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::code::CodeRecord;
use crate::sandbox::state::grant::Grant;

/// Stores `record` and returns its one-time code.
pub fn mint(state: &SandboxState, record: CodeRecord) -> String {
    let code = uuid::Uuid::new_v4().to_string();
    let now = state.auth.clock.now_ms();
    let expires = now + state.auth.config.code_seconds * 1000;
    state.auth.codes.insert(&code, record, expires, now);
    code
}

/// The `authorization_code` grant.
pub fn exchange(state: &SandboxState, app: &App, params: &Params) -> OAuthResult<Value> {
    if !app.has_grant("AUTHORIZATION_CODE") {
        return Err(OAuthError::unauthorized_client(
            "The application is not allowed to use the authorization_code grant",
        ));
    }
    let code = params
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    let now = state.auth.clock.now_ms();
    let invalid = || OAuthError::invalid_grant("The authorization code is invalid or expired");
    let record = state.auth.codes.take(code, now).ok_or_else(invalid)?;
    if record.grant.client_id != app.id {
        return Err(invalid());
    }
    if let Some(expected) = &record.redirect_uri
        && params.get("redirect_uri") != Some(expected.as_str())
    {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the one sent to the authorization endpoint",
        ));
    }
    if let Some(challenge) = &record.code_challenge {
        let verifier = params
            .get("code_verifier")
            .ok_or_else(|| OAuthError::invalid_grant("code_verifier is required"))?;
        if !pkce::verify(challenge, &record.challenge_method, verifier) {
            return Err(OAuthError::invalid_grant(
                "code_verifier does not match the code_challenge",
            ));
        }
    }
    let grant = record.grant;
    let access = issue::access_token(state, &grant);
    let id = grant
        .scopes
        .has("openid")
        .then(|| issue::id_token(state, &grant, Some(&access), None));
    let refresh = wants_refresh(state, app, &grant).then(|| {
        let jwt = app.refresh_type != "OPAQUE_TOKEN";
        issue::refresh_token(state, &grant, app.refresh_duration, None, jwt)
    });
    Ok(issue::response(&grant, &access, id, refresh))
}

/// A refresh token comes with the `REFRESH_TOKEN` grant type; when the app was also granted
/// `offline_access`, only if that scope was requested.
pub fn wants_refresh(state: &SandboxState, app: &App, grant: &Grant) -> bool {
    if !app.has_grant("REFRESH_TOKEN") {
        return false;
    }
    let offline_granted = {
        let store = state.store();
        scopes::is_granted(&store, &app.env_id, &app.id, "offline_access")
    };
    !offline_granted || grant.scopes.has("offline_access")
}
