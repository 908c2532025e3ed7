//! The simulated DaVinci flow: an authorize request for an application with a
//! `flowPolicyAssignments` entry runs the assigned DaVinci flow policy instead of a PingOne
//! sign-on policy. The sandbox's flow is PingOne's "PingOne Sign On" shape at its smallest:
//! one `customHTMLTemplate` form asking for a username and password, answered at
//! `/{envID}/davinci/connections/{connectionID}/capabilities/customHTMLTemplate`, after which
//! the flow completes with the authorization response. In `pi.flow` mode every answer is
//! DaVinci's JSON; otherwise the browser is sent to the flow's page (under `sandboxPath`, as
//! DaVinci's hosted UI is not part of PingOne's API).

pub mod capability;
pub mod page;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::sandbox::auth::authorize::respond::{self, ResponseMode};
use crate::sandbox::auth::directory::policy::Policy;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::authorize_request::AuthorizeRequest;
use crate::sandbox::state::davinci::DaVinciFlow;
use crate::sandbox::state::flow::{Flow, Origin};
use crate::sandbox::store::Store;

/// The only capability the simulated flow has.
pub const CAPABILITY: &str = "customHTMLTemplate";
/// The form's submit button.
pub const SIGN_ON_KEY: &str = "SIGNON";

/// The DaVinci flow policy assigned to `app_id` with the best (lowest) priority, as
/// `(id, name)`.
pub fn assigned_policy(store: &Store, env: &str, app_id: &str) -> Option<(String, String)> {
    let mut assignments: Vec<&Value> = store.list(app_id, "flowPolicyAssignments").collect();
    assignments.sort_by_key(|a| a["priority"].as_i64().unwrap_or(i64::MAX));
    assignments.into_iter().find_map(|a| {
        let id = a.pointer("/flowPolicy/id")?.as_str()?;
        let policy = store.get(env, "flowPolicies", id)?;
        let name = policy["name"].as_str().unwrap_or_default();
        Some((id.to_owned(), name.to_owned()))
    })
}

/// DaVinci's short node ids (`65u7m8cm28`).
fn node_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..10].to_owned()
}

/// Starts the flow policy `(id, name)` for an authorize request: DaVinci's first form
/// (`pi.flow`) or a redirect to the flow's page, with the interaction cookies.
pub fn start(
    state: &SandboxState,
    env: &str,
    req: AuthorizeRequest,
    app: (&str, &str),
    policy: (String, String),
    hinted: Option<String>,
) -> Response {
    let pi_flow = req.response_mode == ResponseMode::PiFlow;
    let dv = new_flow(state, env, req, app, policy, hinted);
    save(state, &dv);
    let mut response = if pi_flow {
        axum::Json(form_json(state, &dv)).into_response()
    } else {
        respond::found(&page::url(state, &dv.flow.interaction_id))
    };
    set_interaction_cookies(&mut response, env, &dv.flow);
    response
}

/// A new DaVinci flow for the application `(id, name)` under the flow policy `(id, name)`,
/// with fresh flow, connection and node ids.
fn new_flow(
    state: &SandboxState,
    env: &str,
    req: AuthorizeRequest,
    app: (&str, &str),
    policy: (String, String),
    hinted: Option<String>,
) -> DaVinciFlow {
    let (policy_id, policy_name) = policy;
    let mut flow = Flow::new(
        state,
        env,
        Origin::Authorize(Box::new(req)),
        Policy {
            id: policy_id.clone(),
            name: policy_name.clone(),
            actions: Vec::new(),
        },
    );
    flow.app_id = Some(app.0.to_owned());
    flow.app_name = Some(app.1.to_owned());
    DaVinciFlow {
        flow,
        policy_id,
        policy_name,
        flow_id: uuid::Uuid::new_v4().simple().to_string(),
        connection_id: uuid::Uuid::new_v4().simple().to_string(),
        node_id: node_id(),
        hinted,
    }
}

/// The `interactionId` and `interactionToken` cookies of `flow`. Scoped to the environment,
/// as the flows API's own interaction cookies are: a flow the same browser starts later gets
/// cookies of the same name and path, which replace these instead of standing beside them.
fn set_interaction_cookies(response: &mut Response, env: &str, flow: &Flow) {
    for cookie in [
        format!(
            "interactionId={}; Path=/{env}; Max-Age=900; HttpOnly",
            flow.interaction_id
        ),
        format!(
            "interactionToken={}; Path=/{env}; Max-Age=900; HttpOnly",
            flow.interaction_token
        ),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

/// Where the form is answered.
pub fn capability_url(state: &SandboxState, dv: &DaVinciFlow) -> String {
    format!(
        "{}/{}/davinci/connections/{}/capabilities/{CAPABILITY}",
        state.base_url, dv.flow.env_id, dv.connection_id
    )
}

/// DaVinci's JSON for the sign-on form (PingOne's "JSON Responses" page).
pub fn form_json(state: &SandboxState, dv: &DaVinciFlow) -> Value {
    json!({
        "interactionId": dv.flow.interaction_id,
        "connectorId": "api",
        "interactionToken": dv.flow.interaction_token,
        "success": true,
        "startUiSubFlow": true,
        "_links": {"next": {"href": capability_url(state, dv)}},
        "eventName": "continue",
        "isResponseCompatibleWithMobileAndWebSdks": true,
        "id": dv.node_id,
        "companyId": dv.flow.env_id,
        "flowId": dv.flow_id,
        "connectionId": dv.connection_id,
        "capabilityName": CAPABILITY,
        "formData": {"value": {
            "username": dv.hinted.as_deref().unwrap_or_default(),
            "password": ""
        }},
        "form": {
            "name": "Sign On Form",
            "description": "Prompt for username and password",
            "category": "CUSTOM_HTML",
            "components": {"fields": [
                {"type": "TEXT", "key": "username", "label": "Username"},
                {"type": "PASSWORD", "key": "password", "label": "Password"},
                {"type": "SUBMIT_BUTTON", "label": "Sign On", "key": SIGN_ON_KEY}
            ]}
        }
    })
}

/// Stores the flow under its interaction id.
pub fn save(state: &SandboxState, dv: &DaVinciFlow) {
    let now = state.auth.clock.now_ms();
    state
        .auth
        .davinci
        .insert(&dv.flow.interaction_id, dv.clone(), dv.flow.expires_ms, now);
}

/// The live flow with `interaction_id` in environment `env`.
pub fn load(state: &SandboxState, env: &str, interaction_id: &str) -> Option<DaVinciFlow> {
    let now = state.auth.clock.now_ms();
    state
        .auth
        .davinci
        .get(interaction_id, now)
        .filter(|dv| dv.flow.env_id == env)
}
