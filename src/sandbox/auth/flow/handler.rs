//! `GET|POST /{envID}/flows/{flowID}`: the flows API. Calls need the `interactionId` and
//! `interactionToken` cookies from authorize; a POST's media type names the action.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::status::canonical_action;
use super::{actions, load, render, save};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::request::cookie;
use crate::sandbox::auth::session;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

const VND_PREFIX: &str = "application/vnd.pingidentity.";

/// `GET /{envID}/flows/{flowID}`.
pub async fn get_flow(
    State(state): State<Arc<SandboxState>>,
    Path((env, flow_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    match authorized_flow(&state, &env, &flow_id, &headers) {
        Ok(mut flow) => {
            // A flow completed away from the client (the phone acknowledged a silent push)
            // hands its new session's `ST` cookie to the first read that sees it completed.
            let started = session::take_new(&mut flow);
            if started.is_some() {
                save(&state, &flow);
            }
            let mut response = axum::Json(render::render(&state, &flow)).into_response();
            session::hand_out(&state, &env, &mut response, started);
            response
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /{envID}/flows/{flowID}`.
pub async fn post_flow(
    State(state): State<Arc<SandboxState>>,
    Path((env, flow_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match act(&state, &env, &flow_id, &headers, &body) {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

/// The flow, if it exists and the request carries its interaction cookies.
fn authorized_flow(
    state: &SandboxState,
    env: &str,
    flow_id: &str,
    headers: &HeaderMap,
) -> ApiResult<Flow> {
    let flow = load(state, env, flow_id).ok_or_else(ApiError::not_found)?;
    let token_ok = cookie(headers, "interactionToken").as_deref() == Some(&flow.interaction_token);
    let id_ok = cookie(headers, "interactionId").is_none_or(|id| id == flow.interaction_id);
    if token_ok && id_ok {
        Ok(flow)
    } else {
        Err(ApiError::invalid_token())
    }
}

fn act(
    state: &Arc<SandboxState>,
    env: &str,
    flow_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Response> {
    let mut flow = authorized_flow(state, env, flow_id, headers)?;
    let action = requested_action(headers)?;
    if flow.status.is_done() {
        return Err(ApiError::request_failed(format!(
            "The request could not be completed. The flow is {}.",
            flow.status.as_str()
        )));
    }
    if !render::offered_actions(&flow).contains(&action) {
        return Err(ApiError::bad_request(format!(
            "The request could not be completed. The action '{action}' is not valid for a flow in status {}.",
            flow.status.as_str()
        ))
        .detail(
            "INVALID_VALUE",
            "Content-Type",
            &format!("Expected one of: {}", render::offered_actions(&flow).join(", ")),
        ));
    }
    let json = parse_body(body)?;
    let outcome = actions::run(state, &mut flow, action, &json);
    let started = session::take_new(&mut flow);
    save(state, &flow);
    outcome?;
    let mut response = axum::Json(render::render(state, &flow)).into_response();
    session::hand_out(state, env, &mut response, started);
    Ok(response)
}

/// The action a `application/vnd.pingidentity.<action>+json` media type names; anything
/// else is 415.
fn requested_action(headers: &HeaderMap) -> ApiResult<&'static str> {
    let raw = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = raw.split(';').next().unwrap_or_default().trim();
    let unsupported =
        || ApiError::unsupported_media_type(if raw.is_empty() { "none" } else { raw });
    let name = essence
        .get(..VND_PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(VND_PREFIX))
        .map(|_| &essence[VND_PREFIX.len()..])
        .ok_or_else(unsupported)?;
    let name = name.strip_suffix("+json").unwrap_or(name);
    canonical_action(name).ok_or_else(unsupported)
}

fn parse_body(body: &[u8]) -> ApiResult<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid(
            "INVALID_VALUE",
            "body",
            "The request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::invalid(
            "INVALID_VALUE",
            "body",
            &format!("The request body is not valid JSON: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_type(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(ct).expect("ascii"),
        );
        h
    }

    #[test]
    fn media_types_name_actions() {
        let h = with_type("application/vnd.pingidentity.usernamePassword.check+json");
        assert_eq!(requested_action(&h).ok(), Some("usernamePassword.check"));
        let h = with_type("application/vnd.pingidentity.otp.check+json; charset=utf-8");
        assert_eq!(requested_action(&h).ok(), Some("otp.check"));
        let err = requested_action(&with_type("application/json")).expect_err("415");
        assert_eq!(err.status, axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let err = requested_action(&with_type("application/vnd.pingidentity.nope+json"))
            .expect_err("415");
        assert_eq!(err.status, axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(requested_action(&HeaderMap::new()).is_err());
    }

    #[test]
    fn bodies_must_be_objects() {
        assert!(parse_body(b"").expect("empty is {}").is_empty());
        assert!(parse_body(b"[1]").is_err());
        assert!(parse_body(b"{").is_err());
    }
}
