//! Client authentication at the token, introspection and device endpoints, by the method the
//! application's `tokenEndpointAuthMethod` names (RFC 6749 §2.3, RFC 7523 assertions).

use axum::http::HeaderMap;
use serde_json::Value;

use crate::sandbox::auth::directory::app::{self, App};
use crate::sandbox::auth::jwt;
use crate::sandbox::auth::oauth_error::{OAuthError, OAuthResult};
use crate::sandbox::auth::request::{Params, basic_credentials};
use crate::sandbox::state::SandboxState;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client presented itself.
enum Presented {
    Basic(String, String),
    Post(String, String),
    Assertion(String, jwt::Parsed),
    IdOnly(String),
}

/// Authenticates the client of an OAuth request to `endpoint` (the absolute URL called) in
/// environment `env` and returns its application.
pub fn authenticate(
    state: &SandboxState,
    env: &str,
    headers: &HeaderMap,
    params: &Params,
    endpoint: &str,
) -> OAuthResult<App> {
    authenticate_with(state, env, headers, params, endpoint, false)
}

/// Client authentication at the introspection endpoint: as [`authenticate`], except that an
/// application authenticating with its secret (`CLIENT_SECRET_BASIC` or
/// `CLIENT_SECRET_POST`) may send it either way. PingOne's own tutorials introspect with the
/// `client_id` and `client_secret` form fields for applications whose token endpoint method is
/// `CLIENT_SECRET_BASIC` ("Get a Token for Custom Resource Access", step 17).
pub fn authenticate_introspection(
    state: &SandboxState,
    env: &str,
    headers: &HeaderMap,
    params: &Params,
    endpoint: &str,
) -> OAuthResult<App> {
    authenticate_with(state, env, headers, params, endpoint, true)
}

fn authenticate_with(
    state: &SandboxState,
    env: &str,
    headers: &HeaderMap,
    params: &Params,
    endpoint: &str,
    secret_either_way: bool,
) -> OAuthResult<App> {
    let presented = presented(headers, params)?;
    let client_id = match &presented {
        Presented::Basic(id, _)
        | Presented::Post(id, _)
        | Presented::IdOnly(id)
        | Presented::Assertion(id, _) => id.clone(),
    };
    let app = {
        let store = state.store();
        app::find(state, &store, env, &client_id)
    };
    let Some(app) = app.filter(|a| a.enabled) else {
        return Err(OAuthError::invalid_client("Client authentication failed"));
    };
    check_method(state, &app, &presented, env, endpoint, secret_either_way)?;
    Ok(app)
}

fn presented(headers: &HeaderMap, params: &Params) -> OAuthResult<Presented> {
    if let Some((id, secret)) = basic_credentials(headers) {
        if params.get("client_assertion").is_some() {
            return Err(OAuthError::invalid_request(
                "Multiple client authentication methods were used",
            ));
        }
        return Ok(Presented::Basic(id, secret));
    }
    if let Some(assertion) = params.get("client_assertion") {
        if params.get("client_assertion_type") != Some(JWT_BEARER) {
            return Err(OAuthError::invalid_request(
                "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ));
        }
        let parsed = jwt::parse(assertion)
            .ok_or_else(|| OAuthError::invalid_client("client_assertion is not a valid JWT"))?;
        let iss = parsed
            .claims
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let id = params.get("client_id").unwrap_or(iss).to_owned();
        return Ok(Presented::Assertion(id, parsed));
    }
    let id = params
        .get("client_id")
        .ok_or_else(|| OAuthError::invalid_client("Client authentication failed: no client_id"))?
        .to_owned();
    Ok(match params.get("client_secret") {
        Some(secret) => Presented::Post(id, secret.to_owned()),
        None => Presented::IdOnly(id),
    })
}

fn check_method(
    state: &SandboxState,
    app: &App,
    presented: &Presented,
    env: &str,
    endpoint: &str,
    secret_either_way: bool,
) -> OAuthResult<()> {
    let secret = app.secret.as_deref().unwrap_or_default();
    let by_secret = matches!(
        app.auth_method.as_str(),
        "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST"
    );
    let ok = match (app.auth_method.as_str(), presented) {
        ("NONE", Presented::IdOnly(_)) => true,
        ("CLIENT_SECRET_BASIC", Presented::Basic(_, given))
        | ("CLIENT_SECRET_POST", Presented::Post(_, given)) => secret_ok(state, app, given),
        (_, Presented::Basic(_, given) | Presented::Post(_, given))
            if by_secret && secret_either_way =>
        {
            secret_ok(state, app, given)
        }
        ("CLIENT_SECRET_JWT", Presented::Assertion(_, parsed)) => {
            check_assertion_claims(state, app, parsed, env, endpoint)?;
            !secret.is_empty() && jwt::verify_hmac(parsed, secret.as_bytes())
        }
        ("PRIVATE_KEY_JWT", Presented::Assertion(_, parsed)) => {
            check_assertion_claims(state, app, parsed, env, endpoint)?;
            crate::sandbox::auth::client_jwks::verify(&app.doc, parsed)
        }
        (method, _) => {
            return Err(OAuthError::invalid_client(format!(
                "Unsupported authentication method: the application requires {method}"
            )));
        }
    };
    if ok {
        Ok(())
    } else {
        Err(OAuthError::invalid_client("Client authentication failed"))
    }
}

/// Whether `given` is the app's current secret (or its unexpired previous one after a
/// rotation).
fn secret_ok(state: &SandboxState, app: &App, given: &str) -> bool {
    if given.is_empty() {
        return false;
    }
    if app.secret.as_deref() == Some(given) {
        return true;
    }
    let store = state.store();
    crate::sandbox::mgmt::directory::application_secret_matches(&store, &app.env_id, &app.id, given)
}

/// The claims PingOne checks ("Create a client secret JWT"): `iss` = `sub` = client id; `aud`
/// the token endpoint, the issuer or the endpoint called (full URLs); `exp` present, not
/// passed and at most an hour ahead; `nbf`, if present, not in the future. `iat` and `jti`
/// are not validated, so an assertion may be presented again until it expires.
fn check_assertion_claims(
    state: &SandboxState,
    app: &App,
    parsed: &jwt::Parsed,
    env: &str,
    endpoint: &str,
) -> OAuthResult<()> {
    let claims = &parsed.claims;
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    if text("iss") != Some(app.id.as_str()) || text("sub") != Some(app.id.as_str()) {
        return Err(OAuthError::invalid_client(
            "client_assertion iss and sub must be the client id",
        ));
    }
    check_audience(claims, &format!("{}/{env}/as", state.base_url), endpoint)?;
    check_lifetime(claims, state.auth.clock.now_secs())
}

/// `aud` (one or a list) must name the issuer, its token endpoint or the endpoint called.
fn check_audience(claims: &Value, issuer: &str, endpoint: &str) -> OAuthResult<()> {
    let token_url = format!("{issuer}/token");
    let accepted = [issuer, token_url.as_str(), endpoint];
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => accepted.contains(&a.as_str()),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .any(|a| accepted.contains(&a)),
        _ => false,
    };
    if !aud_ok {
        return Err(OAuthError::invalid_client(format!(
            "client_assertion aud must be {token_url}, the issuer or the endpoint called"
        )));
    }
    Ok(())
}

/// `exp` is required, in the future and at most an hour ahead; `nbf`, if any, has passed.
fn check_lifetime(claims: &Value, now: i64) -> OAuthResult<()> {
    let Some(exp) = claims.get("exp").and_then(Value::as_i64) else {
        return Err(OAuthError::invalid_client(
            "client_assertion exp is required",
        ));
    };
    if exp <= now {
        return Err(OAuthError::invalid_client("client_assertion has expired"));
    }
    if exp > now + 3600 {
        return Err(OAuthError::invalid_client(
            "client_assertion exp must be at most one hour ahead",
        ));
    }
    if claims
        .get("nbf")
        .and_then(Value::as_i64)
        .is_some_and(|nbf| nbf > now)
    {
        return Err(OAuthError::invalid_client(
            "client_assertion is not yet valid",
        ));
    }
    Ok(())
}
