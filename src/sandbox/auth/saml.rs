//! SAML 2.0 `IdP` endpoints: `saml20/idp/sso` (SP-initiated, HTTP-POST binding) and
//! `saml20/idp/startsso` (IdP-initiated) start a sign-on flow for the SAML application;
//! `saml20/resume` answers a completed flow with a `SAMLResponse` auto-post form to the ACS.
//! The assertion is signed with the environment's signing key (`saml_sign`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::authorize::{respond, start_response};
use crate::sandbox::auth::directory::{self, app, policy};
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::auth::flow::{self, engine};
use crate::sandbox::auth::request::Params;
use crate::sandbox::auth::saml_xml;
use crate::sandbox::auth::session;
use crate::sandbox::mgmt::filter::Filter;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::{Flow, Origin};
use crate::sandbox::state::saml_request::SamlRequest;

/// `POST /{envID}/saml20/idp/sso` (form `SAMLRequest`, `RelayState`), also as GET with an
/// undeflated `SAMLRequest`.
pub async fn sso(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_query_and_form(query.as_deref(), &headers, &body);
    match parse_authn_request(&state, &env, &params) {
        Ok(req) => start(&state, &env, req, &headers),
        Err(e) => e.into_response(),
    }
}

/// `GET /{envID}/saml20/idp/startsso?spEntityId=...`: IdP-initiated sign-on.
pub async fn start_sso(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let Some(entity) = params.get("spEntityId") else {
        return ApiError::required("spEntityId").into_response();
    };
    match request_for(&state, &env, entity, None, None, params.get("RelayState")) {
        Ok(req) => start(&state, &env, req, &headers),
        Err(e) => e.into_response(),
    }
}

fn parse_authn_request(
    state: &SandboxState,
    env: &str,
    params: &Params,
) -> Result<SamlRequest, ApiError> {
    if !directory::env_known(state, env) {
        return Err(ApiError::not_found());
    }
    let encoded = params
        .get("SAMLRequest")
        .ok_or_else(|| ApiError::required("SAMLRequest"))?;
    let bad = || {
        ApiError::invalid(
            "INVALID_VALUE",
            "SAMLRequest",
            "SAMLRequest is not a base64 AuthnRequest",
        )
    };
    let cleaned: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let xml = String::from_utf8(STANDARD.decode(cleaned).map_err(|_| bad())?).map_err(|_| bad())?;
    let parsed = saml_xml::parse_authn_request(&xml).ok_or_else(bad)?;
    request_for(
        state,
        env,
        &parsed.issuer,
        parsed.acs_url.as_deref(),
        parsed.id,
        params.get("RelayState"),
    )
}

fn request_for(
    state: &SandboxState,
    env: &str,
    entity_id: &str,
    acs: Option<&str>,
    request_id: Option<String>,
    relay_state: Option<&str>,
) -> Result<SamlRequest, ApiError> {
    let app = {
        let store = state.store();
        app::find_by_entity_id(&store, env, entity_id)
    }
    .filter(|a| a.enabled)
    .ok_or_else(|| {
        ApiError::invalid(
            "INVALID_VALUE",
            "Issuer",
            "No enabled SAML application has this spEntityId",
        )
    })?;
    let acs_url = match acs {
        Some(url) if app.acs_urls.iter().any(|a| a == url) => url.to_owned(),
        Some(_) => {
            return Err(ApiError::invalid(
                "INVALID_VALUE",
                "AssertionConsumerServiceURL",
                "The ACS URL is not registered for the application",
            ));
        }
        None => app
            .acs_urls
            .first()
            .cloned()
            .ok_or_else(|| ApiError::request_failed("The SAML application has no ACS URL"))?,
    };
    Ok(SamlRequest {
        app_id: app.id.clone(),
        sp_entity_id: entity_id.to_owned(),
        acs_url,
        request_id,
        relay_state: relay_state.map(str::to_owned),
        assertion_duration: app.assertion_duration,
        name_id_format: app
            .doc
            .get("nameIdFormat")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

fn start(state: &SandboxState, env: &str, req: SamlRequest, headers: &HeaderMap) -> Response {
    let (app_id, name) = (req.app_id.clone(), {
        let store = state.store();
        app::find(state, &store, env, &req.app_id).map(|a| a.name)
    });
    let policy = {
        let store = state.store();
        policy::for_app(&store, env, Some(&app_id), None)
    };
    let mut flow = Flow::new(state, env, Origin::Saml(Box::new(req)), policy);
    flow.app_id = Some(app_id);
    flow.app_name = name;
    if let Some(s) = session::from_cookie(state, env, headers) {
        flow.user_id = Some(s.user_id.clone());
        flow.amr = s.amr;
        flow.session_id = Some(s.id);
    }
    engine::advance(state, &mut flow);
    flow::save(state, &flow);
    start_response(state, &flow, false)
}

/// `GET /{envID}/saml20/resume?flowId=`.
pub async fn resume(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let Some(flow_id) = params.get("flowId") else {
        return ApiError::required("flowId").into_response();
    };
    let Some(mut flow) = flow::load(&state, &env, flow_id) else {
        return ApiError::not_found().into_response();
    };
    let Origin::Saml(req) = flow.origin.clone() else {
        return ApiError::bad_request("The flow was not started by a SAML request").into_response();
    };
    if flow.status != Status::Completed || flow.resumed {
        return ApiError::request_failed("The flow is not completed").into_response();
    }
    let Some(user) = flow
        .user_id
        .as_deref()
        .and_then(|u| state.store().get(&env, "users", u).cloned())
    else {
        return ApiError::not_found().into_response();
    };
    if !group_access(&state, &req.app_id, &env, &user) {
        return ApiError::request_failed(
            "The user is not a member of a group allowed to use the application",
        )
        .into_response();
    }
    flow.resumed = true;
    flow::save(&state, &flow);
    let xml = saml_xml::response(&state, &env, &req, &user, &flow);
    let mut fields = vec![("SAMLResponse", STANDARD.encode(xml))];
    if let Some(relay) = &req.relay_state {
        fields.push(("RelayState", relay.clone()));
    }
    respond::form_post(&req.acs_url, &fields)
}

/// The application's group access control (`accessControl.group.groups`): the user must
/// belong to one of them (`type: ANY_GROUP`) or all (`ALL_GROUPS`), directly or through a
/// group's `userFilter`.
fn group_access(state: &SandboxState, app_id: &str, env: &str, user: &Value) -> bool {
    let store = state.store();
    let Some(app) = store.get(env, "applications", app_id) else {
        return true;
    };
    let groups: Vec<&str> = app
        .pointer("/accessControl/group/groups")
        .and_then(Value::as_array)
        .map(|g| g.iter().filter_map(|x| x.get("id")?.as_str()).collect())
        .unwrap_or_default();
    if groups.is_empty() {
        return true;
    }
    let user_id = user.get("id").and_then(Value::as_str).unwrap_or_default();
    // Direct members, and users the group's `userFilter` selects (dynamic membership).
    let member = |g: &&str| {
        store.get(user_id, "memberOfGroups", g).is_some()
            || store
                .get(env, "groups", g)
                .and_then(|group| group.get("userFilter")?.as_str())
                .and_then(|f| Filter::parse(f).ok())
                .is_some_and(|f| f.matches(user))
    };
    match app
        .pointer("/accessControl/group/type")
        .and_then(Value::as_str)
    {
        Some("ALL_GROUPS") => groups.iter().all(member),
        _ => groups.iter().any(member),
    }
}
