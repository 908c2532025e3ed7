//! External authentication (`/{envID}/rp/...`): `rp/authenticate?providerId=&flowId=` sends
//! the user to an identity provider the flow's sign-on step offers, and
//! `rp/callback/{providerType}?code=&state=` takes them back, redeems the code with the
//! provider and continues the flow with the account it names (`flow::linking`).
//!
//! An OpenID Connect provider must be another environment of this sandbox (its token endpoint
//! under the sandbox's own address): the code is redeemed there directly, with the client id and
//! secret the provider was configured with. Facebook is the simulated provider under
//! `/sandbox/facebook` (`crate::sandbox::simulated`). A SAML provider goes through
//! `saml20/sp/sso` and `saml20/sp/acs` (`saml_sp`).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use url::Url;

use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::code_grant;
use crate::sandbox::auth::directory;
use crate::sandbox::auth::directory::app::{self, App};
use crate::sandbox::auth::flow::linking;
use crate::sandbox::auth::flow::{self, providers};
use crate::sandbox::auth::request::Params;
use crate::sandbox::simulated::facebook;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::external::ExternalAuth;
use crate::sandbox::state::flow::Flow;
use crate::sandbox::state::identity::Identity;

/// `GET /{envID}/rp/authenticate?providerId=&flowId=`.
pub async fn authenticate(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    start(&state, &env, query.as_deref()).unwrap_or_else(IntoResponse::into_response)
}

fn start(state: &SandboxState, env: &str, query: Option<&str>) -> ApiResult<Response> {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let (provider_id, flow, provider) = offered_provider(state, env, &params, "providerId")?;
    let flow_id = flow.id.as_str();
    let kind = text(&provider, "type");
    let redirect_uri = format!(
        "{}/{env}/rp/callback/{}",
        state.base_url,
        callback_type(kind)
    );
    let auth = ExternalAuth {
        env: env.to_owned(),
        flow_id: flow_id.to_owned(),
        provider_id: provider_id.to_owned(),
        nonce: uuid::Uuid::new_v4().simple().to_string(),
        redirect_uri: redirect_uri.clone(),
    };
    let state_value = uuid::Uuid::new_v4().simple().to_string();
    let target = match kind {
        "OPENID_CONNECT" => {
            oidc_authorize_url(&provider, &redirect_uri, &state_value, &auth.nonce)?
        }
        "FACEBOOK" => facebook_dialog_url(state, &provider, &redirect_uri, &state_value)?,
        // SAML: PingOne's own SP-initiated sign-on, which posts the AuthnRequest.
        "SAML" => with_query(
            &format!("{}/{env}/saml20/sp/sso", state.base_url),
            &[("idpId", provider_id), ("flowId", flow_id)],
        )?,
        other => {
            return Err(ApiError::request_failed(format!(
                "The sandbox does not simulate external authentication with {other} providers"
            )));
        }
    };
    if kind == "SAML" {
        return Ok((StatusCode::FOUND, [(header::LOCATION, target)]).into_response());
    }
    let now = state.auth.clock.now_ms();
    state
        .auth
        .external
        .insert(&state_value, auth, flow.expires_ms, now);
    Ok((StatusCode::FOUND, [(header::LOCATION, target)]).into_response())
}

/// The provider's authorization endpoint with the code request: its client id, our callback,
/// its scopes (`openid` when it names none), the state and the nonce.
fn oidc_authorize_url(
    provider: &Value,
    redirect_uri: &str,
    state_value: &str,
    nonce: &str,
) -> ApiResult<String> {
    let scopes = provider
        .get("scopes")
        .and_then(Value::as_array)
        .map_or_else(
            || "openid".to_owned(),
            |s| {
                s.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            },
        );
    with_query(
        text(provider, "authorizationEndpoint"),
        &[
            ("response_type", "code"),
            ("client_id", text(provider, "clientId")),
            ("redirect_uri", redirect_uri),
            ("scope", &scopes),
            ("state", state_value),
            ("nonce", nonce),
        ],
    )
}

/// The simulated Facebook login dialog, asked for the e-mail and the public profile.
fn facebook_dialog_url(
    state: &SandboxState,
    provider: &Value,
    redirect_uri: &str,
    state_value: &str,
) -> ApiResult<String> {
    with_query(
        &facebook::dialog_url(state),
        &[
            ("client_id", text(provider, "appId")),
            ("redirect_uri", redirect_uri),
            ("state", state_value),
            ("scope", "email,public_profile"),
        ],
    )
}

/// `GET /{envID}/rp/callback/{providerType}?code=&state=`.
pub async fn callback(
    State(state): State<Arc<SandboxState>>,
    Path((env, kind)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    finish(&state, &env, &kind, query.as_deref()).unwrap_or_else(IntoResponse::into_response)
}

fn finish(
    state: &Arc<SandboxState>,
    env: &str,
    kind: &str,
    query: Option<&str>,
) -> ApiResult<Response> {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let state_value = params
        .get("state")
        .ok_or_else(|| ApiError::required("state"))?;
    let now = state.auth.clock.now_ms();
    let auth = state
        .auth
        .external
        .take(state_value, now)
        .filter(|a| a.env == env && a.redirect_uri.ends_with(&format!("/{kind}")))
        .ok_or_else(|| {
            ApiError::invalid(
                "INVALID_VALUE",
                "state",
                "No external authentication is waiting for this state",
            )
        })?;
    if let Some(error) = params.get("error") {
        return Err(ApiError::request_failed(format!(
            "The identity provider answered {error}"
        )));
    }
    let code = params
        .get("code")
        .ok_or_else(|| ApiError::required("code"))?;
    let mut flow = flow::load(state, env, &auth.flow_id).ok_or_else(ApiError::not_found)?;
    let provider = provider(state, env, &auth.provider_id)?;
    let identity = match text(&provider, "type") {
        "OPENID_CONNECT" => oidc_identity(state, &provider, code, &auth)?,
        "FACEBOOK" => facebook_identity(state, &provider, code, &auth)?,
        other => {
            return Err(ApiError::request_failed(format!(
                "The sandbox does not simulate external authentication with {other} providers"
            )));
        }
    };
    linking::arrive(state, &mut flow, identity)?;
    Ok(linking::back_to_sign_on(state, env, &mut flow))
}

/// Redeems the code at the provider environment's token endpoint and reads the ID token.
fn oidc_identity(
    state: &SandboxState,
    provider: &Value,
    code: &str,
    auth: &ExternalAuth,
) -> ApiResult<Identity> {
    let source_env = source_env(state, text(provider, "tokenEndpoint"))?;
    let client = provider_client(state, provider, source_env)?;
    let mut params = Params::default();
    params.insert("grant_type", "authorization_code");
    params.insert("code", code);
    params.insert("redirect_uri", &auth.redirect_uri);
    let tokens = code_grant::exchange(state, &client, &params).map_err(|e| {
        ApiError::request_failed(format!("The identity provider refused the code: {e:?}"))
    })?;
    let claims = id_token_claims(state, &tokens, &auth.nonce)?;
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(Identity {
        provider_id: text(provider, "id").to_owned(),
        provider_type: "OPENID_CONNECT".to_owned(),
        external_id: subject.to_owned(),
        attributes: subject_attributes(state, source_env, subject),
    })
}

/// The environment whose token endpoint `token_endpoint` is: an OpenID Connect provider must
/// be another environment of this sandbox, where the code is redeemed directly.
fn source_env<'a>(state: &SandboxState, token_endpoint: &'a str) -> ApiResult<&'a str> {
    token_endpoint
        .strip_prefix(&format!("{}/", state.base_url))
        .and_then(|rest| rest.strip_suffix("/as/token"))
        .filter(|env| !env.contains('/'))
        .ok_or_else(|| {
            ApiError::request_failed(format!(
                "The sandbox cannot reach the token endpoint {token_endpoint}: an OpenID Connect \
                 provider must be another environment of this sandbox"
            ))
        })
}

/// The provider environment's application the provider was configured with, when its client
/// id and secret are right.
fn provider_client(state: &SandboxState, provider: &Value, source_env: &str) -> ApiResult<App> {
    let client_id = text(provider, "clientId");
    {
        let store = state.store();
        app::find(state, &store, source_env, client_id)
    }
    .filter(|a| a.secret.as_deref() == Some(text(provider, "clientSecret")))
    .ok_or_else(|| {
        ApiError::request_failed("The identity provider refused the client id and secret")
    })
}

/// The claims of the token response's ID token, signed by the sandbox and carrying `nonce`.
fn id_token_claims(state: &SandboxState, tokens: &Value, nonce: &str) -> ApiResult<Value> {
    let claims = tokens
        .get("id_token")
        .and_then(Value::as_str)
        .and_then(|t| state.auth.key.verify(t))
        .ok_or_else(|| ApiError::request_failed("The identity provider sent no valid ID token"))?;
    if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
        return Err(ApiError::request_failed(
            "The ID token's nonce is not the one sent",
        ));
    }
    Ok(claims)
}

/// The identity's attributes: `sub`, and the provider user's `email` and `username` (as
/// `preferred_username`) when it has them.
fn subject_attributes(state: &SandboxState, source_env: &str, subject: &str) -> Value {
    let user = state
        .store()
        .get(source_env, "users", subject)
        .cloned()
        .unwrap_or(Value::Null);
    let mut attributes = serde_json::json!({"sub": subject});
    for field in ["email", "username"] {
        if let Some(v) = user.get(field) {
            attributes[if field == "username" {
                "preferred_username"
            } else {
                field
            }] = v.clone();
        }
    }
    attributes
}

fn facebook_identity(
    state: &SandboxState,
    provider: &Value,
    code: &str,
    auth: &ExternalAuth,
) -> ApiResult<Identity> {
    let token = facebook::redeem(
        state,
        text(provider, "appId"),
        text(provider, "appSecret"),
        &auth.redirect_uri,
        code,
    )
    .ok_or_else(|| ApiError::request_failed("Facebook refused the code"))?;
    let profile = facebook::profile(state, &token)
        .ok_or_else(|| ApiError::request_failed("Facebook refused the access token"))?;
    Ok(Identity {
        provider_id: text(provider, "id").to_owned(),
        provider_type: "FACEBOOK".to_owned(),
        external_id: text(&profile, "id").to_owned(),
        attributes: profile,
    })
}

/// The enabled identity provider `id` of `env`.
/// Where a way out to a provider starts (`rp/authenticate`, `saml20/sp/sso`): the provider id
/// in the query parameter `param` and the flow in `flowId`, which must exist and whose current
/// sign-on step must offer that provider, enabled; the provider's id, the flow and the provider.
pub fn offered_provider<'q>(
    state: &SandboxState,
    env: &str,
    params: &'q Params,
    param: &str,
) -> ApiResult<(&'q str, Flow, Value)> {
    let provider_id = params.get(param).ok_or_else(|| ApiError::required(param))?;
    let flow_id = params
        .get("flowId")
        .ok_or_else(|| ApiError::required("flowId"))?;
    if !directory::env_known(state, env) {
        return Err(ApiError::not_found());
    }
    let flow = flow::load(state, env, flow_id).ok_or_else(ApiError::not_found)?;
    if !providers::is_offered(state, &flow, provider_id) {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            param,
            "The identity provider is not offered by the flow's current sign-on step",
        ));
    }
    let provider = provider(state, env, provider_id)?;
    Ok((provider_id, flow, provider))
}

pub fn provider(state: &SandboxState, env: &str, id: &str) -> ApiResult<Value> {
    state
        .store()
        .get(env, "identityProviders", id)
        .filter(|p| p.get("enabled").and_then(Value::as_bool) == Some(true))
        .cloned()
        .ok_or_else(|| {
            ApiError::invalid(
                "INVALID_VALUE",
                "providerId",
                "No enabled identity provider has this id",
            )
        })
}

/// The `{providerType}` of the callback path: PingOne's lower-case names.
fn callback_type(kind: &str) -> String {
    match kind {
        "OPENID_CONNECT" => "openid_connect".to_owned(),
        other => other.to_ascii_lowercase(),
    }
}

fn text<'a>(doc: &'a Value, field: &str) -> &'a str {
    doc.get(field).and_then(Value::as_str).unwrap_or_default()
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> ApiResult<String> {
    let mut url = Url::parse(base).map_err(|_| {
        ApiError::request_failed(format!(
            "The identity provider's endpoint {base} is not a URL"
        ))
    })?;
    url.query_pairs_mut().extend_pairs(pairs);
    Ok(url.to_string())
}
