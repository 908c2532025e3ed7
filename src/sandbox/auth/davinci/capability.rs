//! `POST /{envID}/davinci/connections/{connectionID}/capabilities/{capabilityName}`: the answer
//! to the simulated flow's sign-on form. The SDK way sends DaVinci's JSON
//! (`{id, eventName, parameters: {eventType: "submit", data: {actionKey, formData}}}`) with the
//! `interactionId`/`interactionToken` headers; the flow's page posts the form's fields, the
//! interaction cookies riding along. Right credentials complete the flow with the authorization
//! response: DaVinci's completion JSON with `authorizeResponse` (`pi.flow`), or the redirect to
//! the application; either way the user now has a PingOne session (the `ST` cookie).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{CAPABILITY, SIGN_ON_KEY};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::authorize::respond::{self, ResponseMode};
use crate::sandbox::auth::flow::login;
use crate::sandbox::auth::request::{Params, cookie, is_form};
use crate::sandbox::auth::resume;
use crate::sandbox::auth::session;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::davinci::DaVinciFlow;
use crate::sandbox::state::flow::Origin;

/// The handler.
pub async fn submit(
    State(state): State<Arc<SandboxState>>,
    Path((env, connection, capability)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, &env, &connection, &capability, &headers, &body)
        .unwrap_or_else(IntoResponse::into_response)
}

/// A header, else the cookie of the same name.
fn interaction(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| cookie(headers, name))
        .filter(|v| !v.is_empty())
}

fn answer(
    state: &SandboxState,
    env: &str,
    connection: &str,
    capability: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Response> {
    let id =
        interaction(headers, "interactionId").ok_or_else(|| ApiError::required("interactionId"))?;
    let mut dv = super::load(state, env, &id).ok_or_else(ApiError::not_found)?;
    if interaction(headers, "interactionToken").as_deref()
        != Some(dv.flow.interaction_token.as_str())
    {
        return Err(ApiError::invalid_token());
    }
    if connection != dv.connection_id || capability != CAPABILITY {
        return Err(ApiError::not_found());
    }
    let (username, password) = credentials(&dv, headers, body)?;
    login::sign_on_with_password(state, &mut dv.flow, &username, &password)?;
    state.auth.davinci.remove(&id);
    let Origin::Authorize(req) = dv.flow.origin.clone() else {
        return Err(ApiError::not_found());
    };
    // A PingOne flow ends in a PingOne session, as a sign-on policy's does.
    let user = dv.flow.user_id.clone().unwrap_or_default();
    let session = session::start(state, env, &user, &dv.flow.amr, dv.flow.app_id.as_deref());
    dv.flow.session_id = Some(session.id.clone());
    let answer = resume::authorize_response(state, &dv.flow, &req);
    let mut response = if req.response_mode == ResponseMode::PiFlow {
        axum::Json(completed(&dv, resume::answer_json(&answer))).into_response()
    } else {
        respond::redirect(&req.redirect_uri, req.response_mode, &answer)
    };
    let now = state.auth.clock.now_ms();
    if let Ok(value) = HeaderValue::from_str(&session::cookie_header(env, &session.id, now)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The username and password the answer carries, checked against the form it answers.
fn credentials(dv: &DaVinciFlow, headers: &HeaderMap, body: &[u8]) -> ApiResult<(String, String)> {
    if is_form(headers) {
        let form = Params::parse(body);
        let field = |name: &str| {
            form.get(name)
                .map(str::to_owned)
                .ok_or_else(|| ApiError::required(name))
        };
        return Ok((field("username")?, field("password")?));
    }
    let doc: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::bad_request("The request body is not valid JSON"))?;
    if doc.get("id").and_then(Value::as_str) != Some(dv.node_id.as_str()) {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "id",
            "id must be the id of the node the flow is waiting at",
        ));
    }
    let data = doc.pointer("/parameters/data").cloned().unwrap_or_default();
    if data.get("actionKey").and_then(Value::as_str) != Some(SIGN_ON_KEY) {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "parameters.data.actionKey",
            &format!("The form's action is {SIGN_ON_KEY}"),
        ));
    }
    let form = data
        .get("formData")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let field = |name: &str| {
        form.get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| ApiError::required(&format!("parameters.data.formData.{name}")))
    };
    Ok((field("username")?, field("password")?))
}

/// DaVinci's last answer of a PingOne flow: the flow is completed and carries PingOne's
/// authorization response.
fn completed(dv: &DaVinciFlow, authorize: Map<String, Value>) -> Value {
    let mut body = json!({
        "interactionId": dv.flow.interaction_id,
        "interactionToken": dv.flow.interaction_token,
        "companyId": dv.flow.env_id,
        "connectionId": dv.connection_id,
        "connectorId": "pingOneAuthenticationConnector",
        "capabilityName": "returnSuccessResponseRedirect",
        "id": super::node_id(),
        "flowId": dv.flow_id,
        "environment": {"id": dv.flow.env_id},
        "session": {"id": dv.flow.session_id},
        "status": "COMPLETED",
        "success": true,
    });
    body["authorizeResponse"] = Value::Object(authorize);
    body
}
