//! `GET /{envID}/as/resume?flowId=`: turns a completed flow into the authorization response
//! (a code in the redirect's query, implicit tokens in its fragment, or, in `pi.flow` mode,
//! the flow JSON with `authorizeResponse`).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::authorize::respond::{self, ResponseMode};
use crate::sandbox::auth::code_grant;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::auth::flow::{self, render};
use crate::sandbox::auth::issue;
use crate::sandbox::auth::request::{Params, cookie};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::authorize_request::AuthorizeRequest;
use crate::sandbox::state::code::CodeRecord;
use crate::sandbox::state::flow::{Flow, Origin};
use crate::sandbox::state::grant::Grant;

/// `GET /{envID}/as/resume`.
pub async fn resume(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let Some(flow_id) = params.get("flowId") else {
        return ApiError::required("flowId").into_response();
    };
    let Some(mut flow) = flow::load(&state, &env, flow_id) else {
        return ApiError::not_found().into_response();
    };
    let Origin::Authorize(req) = flow.origin.clone() else {
        return ApiError::bad_request("The flow was not started by an authorization request")
            .into_response();
    };
    // A flow that signed someone in is resumed with the session it made: the `ST` cookie its
    // completing call set (PingOne's Resume Flow page). Without it the flow id alone would hand out codes.
    if flow.status == Status::Completed
        && let Some(own) = &flow.session_id
    {
        match cookie(&headers, "ST") {
            None => return ApiError::invalid_token().into_response(),
            Some(sent) if &sent != own => {
                return ApiError::bad_request("The session cookie does not belong to this flow")
                    .into_response();
            }
            Some(_) => {}
        }
    }
    match flow.status {
        Status::Completed if flow.resumed => {
            ApiError::request_failed("The flow was already resumed").into_response()
        }
        Status::Completed => {
            let answer = authorize_response(&state, &flow, &req);
            flow.resumed = true;
            flow::save(&state, &flow);
            send(&state, &flow, &req, &answer)
        }
        Status::Failed => send(&state, &flow, &req, &denied(&flow, &req)),
        _ if req.response_mode == ResponseMode::PiFlow => {
            ApiError::request_failed("The flow is not completed").into_response()
        }
        _ => respond::found(&render::sign_on_url(&state, &env, &flow.id)),
    }
}

/// The `access_denied` answer for a failed flow.
fn denied(flow: &Flow, req: &AuthorizeRequest) -> Vec<(&'static str, String)> {
    let reason = flow
        .error
        .as_ref()
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("The sign-on flow failed")
        .to_owned();
    let mut answer = vec![
        ("error", "access_denied".to_owned()),
        ("error_description", reason),
    ];
    if let Some(s) = &req.state {
        answer.push(("state", s.clone()));
    }
    answer
}

/// The grant a completed flow stands for.
pub fn grant_of(state: &SandboxState, flow: &Flow, req: &AuthorizeRequest) -> Grant {
    let now = state.auth.clock.now_ms();
    let auth_time = flow
        .session_id
        .as_deref()
        .and_then(|s| state.auth.sessions.get(s, now))
        .map(|s| s.auth_time);
    Grant {
        env_id: flow.env_id.clone(),
        client_id: req.client_id.clone(),
        user_id: flow.user_id.clone(),
        scopes: req.scopes.clone(),
        session_id: flow.session_id.clone(),
        auth_time,
        acr: Some(flow.policy.name.clone()),
        amr: flow.amr.clone(),
        nonce: req.nonce.clone(),
        id_claims: crate::sandbox::auth::mobile::id_claims(state, flow),
    }
}

/// Code and/or tokens for the response types asked for, plus `state`.
pub fn authorize_response(
    state: &SandboxState,
    flow: &Flow,
    req: &AuthorizeRequest,
) -> Vec<(&'static str, String)> {
    let grant = grant_of(state, flow, req);
    let mut out = Vec::new();
    let mut code = None;
    if req.wants("code") {
        let c = code_grant::mint(
            state,
            CodeRecord {
                grant: grant.clone(),
                redirect_uri: req.redirect_uri_sent.then(|| req.redirect_uri.clone()),
                code_challenge: req.code_challenge.clone(),
                challenge_method: req.challenge_method.clone(),
            },
        );
        out.push(("code", c.clone()));
        code = Some(c);
    }
    let mut access = None;
    if req.wants("token") {
        let at = issue::access_token(state, &grant);
        out.push(("access_token", at.clone()));
        out.push(("token_type", "Bearer".to_owned()));
        out.push(("expires_in", grant.scopes.lifetime.to_string()));
        out.push(("scope", grant.scopes.joined()));
        access = Some(at);
    }
    if req.wants("id_token") {
        let id = issue::id_token(state, &grant, access.as_deref(), code.as_deref());
        out.push(("id_token", id));
    }
    if let Some(s) = &req.state {
        out.push(("state", s.clone()));
    }
    out
}

fn send(
    state: &SandboxState,
    flow: &Flow,
    req: &AuthorizeRequest,
    answer: &[(&'static str, String)],
) -> Response {
    if req.response_mode == ResponseMode::PiFlow {
        let mut body = render::render(state, flow);
        body["authorizeResponse"] = Value::Object(answer_json(answer));
        return axum::Json(body).into_response();
    }
    respond::redirect(&req.redirect_uri, req.response_mode, answer)
}

/// The authorization response as `pi.flow`'s `authorizeResponse` object.
pub fn answer_json(answer: &[(&'static str, String)]) -> Map<String, Value> {
    answer
        .iter()
        .map(|(k, v)| {
            let value = if *k == "expires_in" {
                v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n))
            } else {
                json!(v)
            };
            ((*k).to_owned(), value)
        })
        .collect()
}
