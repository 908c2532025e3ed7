//! The flow's JSON, shaped like PingOne's: `_links` naming only the actions valid now (plus
//! `self` and `signOnPage`), `_embedded` application/user/devices/agreement, timestamps.

use serde_json::{Map, Value, json};

use super::{agreement, profile, providers};
use crate::sandbox::auth::clock::iso_ms;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::{Flow, Origin};

/// `{authPath}/{envID}/flows/{flowID}`.
pub fn flow_url(state: &SandboxState, flow: &Flow) -> String {
    format!("{}/{}/flows/{}", state.base_url, flow.env_id, flow.id)
}

/// The sandbox's stand-in for `apps.pingone.com/{envID}/signon/?flowId=...`.
pub fn sign_on_url(state: &SandboxState, env: &str, flow_id: &str) -> String {
    format!("{}/{env}/signon/?flowId={flow_id}", state.base_url)
}

/// Where the flow resumes once completed.
pub fn resume_url(state: &SandboxState, flow: &Flow) -> String {
    let path = match flow.origin {
        Origin::Saml(_) => "saml20/resume",
        _ => "as/resume",
    };
    format!(
        "{}/{}/{path}?flowId={}",
        state.base_url, flow.env_id, flow.id
    )
}

/// The actions offered now, in the order PingOne lists them.
pub fn offered_actions(flow: &Flow) -> Vec<&'static str> {
    let mut actions: Vec<&'static str> = flow.status.actions().to_vec();
    let action = flow.current_action();
    let flag = |path: &str| {
        action
            .and_then(|a| a.pointer(path))
            .and_then(Value::as_bool)
    };
    match flow.status {
        Status::UsernamePasswordRequired | Status::PasswordRequired => {
            if flag("/recovery/enabled") != Some(false) {
                actions.push("password.forgot");
            }
            if flag("/registration/enabled") == Some(true) {
                actions.push("user.register");
            }
        }
        Status::SignOnRequired | Status::IdentifierRequired
            if flag("/registration/enabled") == Some(true) =>
        {
            actions.push("user.register");
        }
        Status::OtpRequired if flow.mfa.devices.len() > 1 => actions.push("device.select"),
        _ => {}
    }
    actions
}

/// The flow as the flows API returns it.
pub fn render(state: &SandboxState, flow: &Flow) -> Value {
    let url = flow_url(state, flow);
    let mut links = Map::new();
    for action in offered_actions(flow) {
        links.insert(action.to_owned(), json!({"href": url}));
    }
    links.insert("self".into(), json!({"href": url}));
    if !flow.status.is_done() {
        let page = sign_on_url(state, &flow.env_id, &flow.id);
        links.insert("signOnPage".into(), json!({"href": page}));
    }
    let mut body = json!({
        "_links": links,
        "_embedded": embedded(state, flow),
        "id": flow.id,
        "environment": {"id": flow.env_id},
        "resumeUrl": resume_url(state, flow),
        "status": flow.status.as_str(),
        "createdAt": iso_ms(flow.created_ms),
        "expiresAt": iso_ms(flow.expires_ms),
    });
    if let Some(sid) = &flow.session_id {
        body["session"] = json!({"id": sid});
    }
    if let Some(selected) = &flow.mfa.selected
        && matches!(flow.status, Status::OtpRequired)
    {
        body["selectedDevice"] = selected_device(flow, selected);
    }
    if let Some(error) = &flow.error {
        body["error"] = error.clone();
    }
    body
}

fn embedded(state: &SandboxState, flow: &Flow) -> Value {
    let mut e = Map::new();
    if let Some(name) = &flow.app_name {
        e.insert("application".into(), json!({"name": name}));
    }
    if let Some(id) = &flow.user_id {
        let mut user = json!({"id": id});
        if let Some(username) = &flow.username {
            user["username"] = json!(username);
        }
        e.insert("user".into(), user);
    }
    match flow.status {
        Status::DeviceSelectionRequired | Status::OtpRequired => {
            e.insert("devices".into(), Value::Array(flow.mfa.devices.clone()));
        }
        Status::AgreementConsentRequired => {
            if let Some(a) = agreement::embedded(state, flow) {
                e.insert("agreement".into(), a);
            }
        }
        Status::ProfileDataRequired => {
            if let Some(action) = flow.current_action() {
                profile::embed(action, &mut e);
            }
        }
        Status::ExternalAuthenticationRequired => {
            if let Some(id) = &flow.identity_provider {
                e.insert(
                    "identityProvider".into(),
                    identity_provider(state, flow, id),
                );
            }
        }
        Status::PasswordRequired => {
            let url = flow_url(state, flow);
            e.insert(
                "requiredStep".into(),
                json!({"_links": {"usernamePassword.check": {"href": url}}}),
            );
        }
        _ => {}
    }
    let social = providers::offered(state, flow);
    if !social.is_empty() {
        e.insert("socialProviders".into(), Value::Array(social));
    }
    Value::Object(e)
}

/// The provider a discovery rule chose: its id, name and type, as the sign-on page shows it.
fn identity_provider(state: &SandboxState, flow: &Flow, id: &str) -> Value {
    let store = state.store();
    let doc = store.get(&flow.env_id, "identityProviders", id);
    let field = |k: &str| doc.and_then(|d| d.get(k)).cloned().unwrap_or(Value::Null);
    json!({"id": id, "name": field("name"), "type": field("type")})
}

fn selected_device(flow: &Flow, selected: &str) -> Value {
    let device = flow
        .mfa
        .devices
        .iter()
        .find(|d| d.get("id").and_then(Value::as_str) == Some(selected));
    let mut out = json!({"id": selected});
    if let Some(test) = device.and_then(|d| d.get("test")) {
        out["test"] = test.clone();
    }
    out
}
