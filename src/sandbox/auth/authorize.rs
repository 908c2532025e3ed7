//! `GET|POST /{envID}/as/authorize`: validates the request, starts a sign-on flow under the
//! application's policy (riding on an existing session when the `ST` cookie names one), and
//! answers with a redirect to the sign-on page (or, in `pi.flow` mode, the flow itself) plus
//! the `interactionId`/`interactionToken` cookies the flows API requires. An application with
//! a DaVinci flow policy assigned runs the simulated DaVinci flow instead (`davinci`).

pub mod request;
pub mod request_object;
pub mod respond;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use self::request::Refusal;
use self::respond::ResponseMode;
use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::davinci;
use crate::sandbox::auth::directory::app::App;
use crate::sandbox::auth::directory::{self, policy};
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::auth::flow::{self, engine, render};
use crate::sandbox::auth::login_hint;
use crate::sandbox::auth::mobile;
use crate::sandbox::auth::request::Params;
use crate::sandbox::auth::session;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::authorize_request::AuthorizeRequest;
use crate::sandbox::state::flow::{Flow, Origin};
use crate::sandbox::state::mobile::MobileSignOn;

/// `GET /{envID}/as/authorize`.
pub async fn authorize_get(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    handle(&state, &env, params, &headers)
}

/// `POST /{envID}/as/authorize` (form body; query parameters count too).
pub async fn authorize_post(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_query_and_form(query.as_deref(), &headers, &body);
    handle(&state, &env, params, &headers)
}

/// Checks the request (its request object merged, its login hint token and mobile payload
/// verified) and starts the sign-on: a DaVinci flow when a DaVinci policy is assigned.
fn handle(state: &SandboxState, env: &str, mut params: Params, headers: &HeaderMap) -> Response {
    if !directory::env_known(state, env) {
        return ApiError::not_found().into_response();
    }
    if let Err(e) = request_object::merge(state, env, &mut params) {
        return e.into_response();
    }
    let (req, app) = match request::parse(state, env, &params) {
        Ok(ok) => ok,
        Err(refusal) => return refuse(refusal),
    };
    // One set of rules for the hint, whichever policy runs the sign-on: a bad token is
    // refused before any flow (sign-on or DaVinci) starts.
    let hinted = params
        .get("login_hint_token")
        .map(|token| login_hint::resolve(state, env, &app, token))
        .transpose();
    let hinted = match hinted {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let dv_policy = davinci::assigned_policy(&state.store(), env, &app.id);
    if let Some(dv_policy) = dv_policy {
        let hinted = hinted.map(|h| h.username.unwrap_or(h.user_id));
        let app = (app.id.as_str(), app.name.as_str());
        return davinci::start(state, env, req, app, dv_policy, hinted);
    }
    let mobile = params
        .get("mobilePayload")
        .map(|payload| mobile::verify_payload(state, env, &app.id, payload))
        .transpose();
    match mobile {
        Ok(mobile) => sign_on(state, env, &req, &app, hinted, mobile, headers),
        Err(e) => e.into_response(),
    }
}

/// Starts the sign-on flow under the application's policy (on the session, hinted user and
/// mobile sign-on the request brings) and answers with it; `prompt=none` refuses a flow that
/// would need the user.
fn sign_on(
    state: &SandboxState,
    env: &str,
    req: &AuthorizeRequest,
    app: &App,
    hinted: Option<login_hint::Hinted>,
    mobile: Option<MobileSignOn>,
    headers: &HeaderMap,
) -> Response {
    let policy = {
        let store = state.store();
        policy::for_app(&store, env, Some(&app.id), req.acr_values.as_deref())
    };
    let mode = req.response_mode;
    let prompt_none = req.prompt.as_deref().is_some_and(|p| p.contains("none"));
    let (redirect_uri, state_param) = (req.redirect_uri.clone(), req.state.clone());
    let mut flow = Flow::new(state, env, Origin::Authorize(Box::new(req.clone())), policy);
    flow.app_id = Some(app.id.clone());
    flow.app_name = Some(app.name.clone());
    flow.mobile = mobile;
    join_session(state, &mut flow, req, headers);
    if let Some(h) = hinted {
        hint_user(&mut flow, h);
    }
    engine::advance(state, &mut flow);
    if prompt_none && flow.status != Status::Completed {
        return refuse(Refusal::Client {
            redirect_uri,
            mode,
            state: state_param,
            error: "login_required",
            description: "The user is not signed on".into(),
        });
    }
    flow::save(state, &flow);
    start_response(state, &flow, mode == ResponseMode::PiFlow)
}

/// Rides on the session the `ST` cookie names, unless the client asks for a fresh sign-on
/// (`prompt=login`) or the authentication is older than `max_age`.
fn join_session(
    state: &SandboxState,
    flow: &mut Flow,
    req: &AuthorizeRequest,
    headers: &HeaderMap,
) {
    if req.prompt.as_deref().is_some_and(|p| p.contains("login")) {
        return;
    }
    let Some(s) = session::from_cookie(state, &flow.env_id, headers) else {
        return;
    };
    let now = state.auth.clock.now_secs();
    if req.max_age.is_some_and(|max| now - s.auth_time > max) {
        return;
    }
    flow.user_id = Some(s.user_id.clone());
    flow.username = state
        .store()
        .get(&flow.env_id, "users", &s.user_id)
        .and_then(|u| u.get("username"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    flow.amr = s.amr;
    flow.session_id = Some(s.id);
}

/// Puts the user a `login_hint_token` names on the flow; a session of someone else is left
/// out (its authentication is not this user's).
fn hint_user(flow: &mut Flow, hinted: login_hint::Hinted) {
    if flow.user_id.as_deref() != Some(hinted.user_id.as_str()) {
        flow.amr.clear();
        flow.session_id = None;
    }
    flow.user_id = Some(hinted.user_id);
    flow.username = hinted.username;
}

/// The answer that starts a flow: the flow JSON (`pi.flow`) or a 302 to the sign-on page
/// (straight to resume when a session already completed it), with the interaction cookies.
pub fn start_response(state: &SandboxState, flow: &Flow, pi_flow: bool) -> Response {
    let mut response = if pi_flow {
        axum::Json(render::render(state, flow)).into_response()
    } else if flow.status == Status::Completed {
        respond::found(&render::resume_url(state, flow))
    } else {
        respond::found(&render::sign_on_url(state, &flow.env_id, &flow.id))
    };
    // Scoped to the environment like the `ST` cookie: a sign-on that passes through another
    // environment (an external identity provider) keeps each flow's cookies apart.
    for cookie in [
        format!(
            "interactionId={}; Path=/{}; Max-Age=900; HttpOnly",
            flow.interaction_id, flow.env_id
        ),
        format!(
            "interactionToken={}; Path=/{}; Max-Age=900; HttpOnly",
            flow.interaction_token, flow.env_id
        ),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// A refused request: PingOne's error to the caller, or an OAuth error to the client.
fn refuse(refusal: Refusal) -> Response {
    match refusal {
        Refusal::Direct(e) => e.into_response(),
        Refusal::Client {
            redirect_uri,
            mode,
            state,
            error,
            description,
        } => {
            let mut params = vec![
                ("error", error.to_owned()),
                ("error_description", description),
            ];
            if let Some(s) = state {
                params.push(("state", s));
            }
            if mode == ResponseMode::PiFlow || redirect_uri.is_empty() {
                let body: serde_json::Map<String, serde_json::Value> = params
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), json!(v)))
                    .collect();
                return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
            }
            respond::redirect(&redirect_uri, mode, &params)
        }
    }
}

/// `GET /{envID}/signon/`: the sandbox's stand-in for PingOne's hosted sign-on page.
pub async fn sign_on_page(Path(env): Path<String>, RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let flow_id = params.get("flowId").unwrap_or_default();
    Html(format!(
        "<!DOCTYPE html><html><head><title>Sign On</title></head><body>\
         <h1>steprun sandbox sign-on</h1><p>Environment {}, flow {}.</p>\
         <p>Drive this flow through the flows API: <code>/{}/flows/{}</code>.</p></body></html>",
        respond::escape(&env),
        respond::escape(flow_id),
        respond::escape(&env),
        respond::escape(flow_id)
    ))
    .into_response()
}
