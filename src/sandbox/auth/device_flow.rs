//! `GET /{envID}/device` and `/{envID}/device/{appIdentifier}`: where the user goes to approve
//! a device. Starts a sign-on flow (the app's policy, or the environment default without an
//! app) that ends in the user code and consent steps; `?user_code=` pre-fills the code.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::authorize::start_response;
use crate::sandbox::auth::device;
use crate::sandbox::auth::directory::{self, app, policy};
use crate::sandbox::auth::flow::{self, dag, engine};
use crate::sandbox::auth::request::Params;
use crate::sandbox::auth::session;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::{Flow, Origin};

/// `GET /{envID}/device`.
pub async fn start(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    begin(&state, &env, None, query.as_deref(), &headers)
}

/// `GET /{envID}/device/{appIdentifier}` (application id or `devicePathId`).
pub async fn start_for_app(
    State(state): State<Arc<SandboxState>>,
    Path((env, ident)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    begin(&state, &env, Some(&ident), query.as_deref(), &headers)
}

fn begin(
    state: &SandboxState,
    env: &str,
    ident: Option<&str>,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    if !directory::env_known(state, env) {
        return ApiError::not_found().into_response();
    }
    let app = match ident {
        Some(ident) => {
            let store = state.store();
            match app::find_by_path_id(state, &store, env, ident) {
                Some(a) if a.enabled && a.has_grant("DEVICE_CODE") => Some(a),
                _ => return ApiError::not_found().into_response(),
            }
        }
        None => None,
    };
    let policy = {
        let store = state.store();
        policy::for_app(&store, env, app.as_ref().map(|a| a.id.as_str()), None)
    };
    let origin = Origin::Device {
        device_code: None,
        app_id: app.as_ref().map(|a| a.id.clone()),
        consented: false,
    };
    let mut flow = Flow::new(state, env, origin, policy);
    flow.app_id = app.as_ref().map(|a| a.id.clone());
    flow.app_name = app.as_ref().map(|a| a.name.clone());
    prefill(state, &mut flow, query);
    if let Some(s) = session::from_cookie(state, env, headers) {
        flow.user_id = Some(s.user_id.clone());
        flow.amr = s.amr;
        flow.session_id = Some(s.id);
    }
    engine::advance(state, &mut flow);
    flow::save(state, &flow);
    start_response(state, &flow, false)
}

/// A valid `user_code` in the query is taken as already entered.
fn prefill(state: &SandboxState, flow: &mut Flow, query: Option<&str>) {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let Some(code) = params.get("user_code") else {
        return;
    };
    let Some(device_code) = device::device_code_for(state, &flow.env_id, code) else {
        return;
    };
    let now = state.auth.clock.now_ms();
    if let Some(grant) = state.auth.devices.get(&device_code, now) {
        let _ = dag::attach(state, flow, &device_code, &grant.client_id);
    }
}
