//! Validating an authorize request: the client and redirect URI first (errors shown to the
//! caller), then response type, scopes, nonce and PKCE (errors sent back to the client).

use super::respond::ResponseMode;
use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::directory::app::{self, App};
use crate::sandbox::auth::request::Params;
use crate::sandbox::auth::scopes::{self, Resolved};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::authorize_request::AuthorizeRequest;

/// Why a request is refused.
#[derive(Debug)]
pub enum Refusal {
    /// Before the redirect URI is trusted: a 400 to the caller.
    Direct(ApiError),
    /// An OAuth error for the client, sent the way its responses go.
    Client {
        redirect_uri: String,
        mode: ResponseMode,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
}

/// Validates `params` for environment `env`.
pub fn parse(
    state: &SandboxState,
    env: &str,
    params: &Params,
) -> Result<(AuthorizeRequest, App), Refusal> {
    let app = client(state, env, params)?;
    let response_types = response_types(params);
    let mode = response_mode(params, &response_types)?;
    let (redirect_uri, redirect_uri_sent) = redirect_uri(&app, params, mode)?;
    let refuse = |error: &'static str, description: &str| Refusal::Client {
        redirect_uri: redirect_uri.clone(),
        mode,
        state: params.get("state").map(str::to_owned),
        error,
        description: description.to_owned(),
    };
    check_response_types(&app, &response_types).map_err(|(e, d)| refuse(e, &d))?;
    let scopes = requested_scopes(state, env, &app, params, &response_types)
        .map_err(|(e, d)| refuse(e, &d))?;
    let (code_challenge, challenge_method) =
        pkce(&app, params).map_err(|d| refuse("invalid_request", &d))?;
    let (prompt, max_age) =
        prompt_and_max_age(params).map_err(|d| refuse("invalid_request", &d))?;
    let request = AuthorizeRequest {
        client_id: app.id.clone(),
        redirect_uri,
        redirect_uri_sent,
        response_types,
        response_mode: mode,
        scopes,
        state: params.get("state").map(str::to_owned),
        nonce: params.get("nonce").map(str::to_owned),
        code_challenge,
        challenge_method,
        prompt,
        max_age,
        acr_values: params.get("acr_values").map(str::to_owned),
        template: params
            .get("pi.template")
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .filter(serde_json::Value::is_object),
    };
    Ok((request, app))
}

/// The enabled OIDC application `client_id` names.
fn client(state: &SandboxState, env: &str, params: &Params) -> Result<App, Refusal> {
    let client_id = params
        .get("client_id")
        .ok_or_else(|| Refusal::Direct(ApiError::required("client_id")))?;
    let app = {
        let store = state.store();
        app::find(state, &store, env, client_id)
    };
    app.filter(|a| a.enabled && a.protocol == "OPENID_CONNECT")
        .ok_or_else(|| {
            Refusal::Direct(ApiError::invalid(
                "INVALID_VALUE",
                "client_id",
                "The client_id does not name an enabled OpenID Connect application",
            ))
        })
}

/// The response mode asked for, or the default: fragment when tokens are returned from the
/// authorization endpoint, query otherwise.
fn response_mode(params: &Params, response_types: &[String]) -> Result<ResponseMode, Refusal> {
    match params.get("response_mode") {
        Some(m) => ResponseMode::parse(m).ok_or_else(|| {
            Refusal::Direct(ApiError::invalid(
                "INVALID_VALUE",
                "response_mode",
                "Unsupported response_mode",
            ))
        }),
        None if response_types
            .iter()
            .any(|r| r == "token" || r == "id_token") =>
        {
            Ok(ResponseMode::Fragment)
        }
        None => Ok(ResponseMode::Query),
    }
}

/// The granted scopes, with OIDC's rules for ID tokens (`openid`, and `nonce` when the ID
/// token comes from the authorization endpoint).
fn requested_scopes(
    state: &SandboxState,
    env: &str,
    app: &App,
    params: &Params,
    response_types: &[String],
) -> Result<Resolved, (&'static str, String)> {
    let requested = params
        .get("scope")
        .ok_or(("invalid_scope", "scope is required".to_owned()))?;
    let scopes = {
        let store = state.store();
        scopes::resolve(&store, env, &app.doc, requested).map_err(|d| ("invalid_scope", d))?
    };
    let has = |t: &str| response_types.iter().any(|r| r == t);
    if has("id_token") && !scopes.has("openid") {
        return Err((
            "invalid_scope",
            "The id_token response type requires the openid scope".to_owned(),
        ));
    }
    if has("id_token") && !has("code") && params.get("nonce").is_none() {
        return Err((
            "invalid_request",
            "nonce is required when an ID token is returned from the authorization endpoint"
                .to_owned(),
        ));
    }
    Ok(scopes)
}

fn prompt_and_max_age(params: &Params) -> Result<(Option<String>, Option<i64>), String> {
    let prompt = params.get("prompt").map(str::to_owned);
    if prompt.as_deref().is_some_and(|p| {
        !p.split_whitespace()
            .all(|x| ["none", "login", "consent", "select_account"].contains(&x))
    }) {
        return Err("Unsupported prompt value".into());
    }
    let max_age = match params.get("max_age") {
        Some(m) => Some(m.parse::<i64>().map_err(|_| "max_age must be a number")?),
        None => None,
    };
    Ok((prompt, max_age))
}

fn response_types(params: &Params) -> Vec<String> {
    let mut types: Vec<String> = params
        .get("response_type")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    types.sort();
    types.dedup();
    types
}

/// The redirect URI to answer on: the one sent, if registered; else the only registered one
/// (or none in `pi.flow` mode).
fn redirect_uri(app: &App, params: &Params, mode: ResponseMode) -> Result<(String, bool), Refusal> {
    if let Some(uri) = params.get("redirect_uri") {
        if !app.redirect_uri_registered(uri) {
            return Err(Refusal::Direct(ApiError::invalid(
                "INVALID_VALUE",
                "redirect_uri",
                "Redirect URI mismatch: the redirect_uri is not registered for the application",
            )));
        }
        return Ok((uri.to_owned(), true));
    }
    match (app.redirect_uris.as_slice(), mode) {
        ([only], _) => Ok((only.clone(), false)),
        (_, ResponseMode::PiFlow) => Ok((
            app.redirect_uris.first().cloned().unwrap_or_default(),
            false,
        )),
        _ => Err(Refusal::Direct(ApiError::required("redirect_uri"))),
    }
}

/// Each response type needs its response type and grant type on the application.
fn check_response_types(app: &App, types: &[String]) -> Result<(), (&'static str, String)> {
    if types.is_empty() {
        return Err(("invalid_request", "response_type is required".into()));
    }
    for t in types {
        let (response, grant) = match t.as_str() {
            "code" => ("CODE", "AUTHORIZATION_CODE"),
            "token" => ("TOKEN", "IMPLICIT"),
            "id_token" => ("ID_TOKEN", "IMPLICIT"),
            other => {
                return Err((
                    "unsupported_response_type",
                    format!("Unsupported response_type: {other}"),
                ));
            }
        };
        if !app.has_response_type(response) || !app.has_grant(grant) {
            return Err((
                "unauthorized_client",
                format!("The application is not allowed the {t} response type"),
            ));
        }
    }
    Ok(())
}

/// The PKCE challenge and method, checked against the app's `pkceEnforcement`.
fn pkce(app: &App, params: &Params) -> Result<(Option<String>, String), String> {
    let challenge = params.get("code_challenge").map(str::to_owned);
    let method = params
        .get("code_challenge_method")
        .unwrap_or("plain")
        .to_owned();
    if !["plain", "S256"].contains(&method.as_str()) {
        return Err("code_challenge_method must be S256 or plain".into());
    }
    match (app.pkce.as_str(), &challenge) {
        ("REQUIRED" | "S256_REQUIRED", None) => Err("code_challenge is required".into()),
        ("S256_REQUIRED", Some(_)) if method != "S256" => {
            Err("code_challenge_method must be S256".into())
        }
        _ => Ok((challenge, method)),
    }
}
