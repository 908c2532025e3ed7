//! `GET /sandbox/davinci/{interactionId}`: the sandbox's stand-in for the page DaVinci shows a
//! browser in redirect mode (on a tenant, the flow's own HTML). Its form posts the username and
//! password to the capability endpoint; the interaction cookies the authorize response set
//! ride along.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::authorize::respond::escape;
use crate::sandbox::state::SandboxState;

/// The page's address for a flow.
pub fn url(state: &SandboxState, interaction_id: &str) -> String {
    format!("{}/sandbox/davinci/{interaction_id}", state.base_url)
}

/// The handler.
pub async fn show(
    State(state): State<Arc<SandboxState>>,
    Path(interaction_id): Path<String>,
) -> Response {
    let now = state.auth.clock.now_ms();
    let Some(dv) = state.auth.davinci.get(&interaction_id, now) else {
        return ApiError::not_found().into_response();
    };
    Html(format!(
        "<!DOCTYPE html><html><head><title>Sign On Form</title></head><body>\
         <h1>{policy}</h1><p>steprun sandbox: DaVinci flow policy {policy_id}.</p>\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"id\" value=\"{node}\"/>\
         <label>Username <input type=\"text\" name=\"username\"/></label>\
         <label>Password <input type=\"password\" name=\"password\"/></label>\
         <button type=\"submit\" name=\"actionKey\" value=\"{key}\">Sign On</button>\
         </form></body></html>",
        policy = escape(&dv.policy_name),
        policy_id = escape(&dv.policy_id),
        action = escape(&super::capability_url(&state, &dv)),
        node = escape(&dv.node_id),
        key = super::SIGN_ON_KEY,
    ))
    .into_response()
}
