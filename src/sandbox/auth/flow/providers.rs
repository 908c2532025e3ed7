//! The external identity providers a sign-on step offers (`_embedded.socialProviders`): the
//! action's `socialProviders` and the providers its `discoveryRules` route to, each with the
//! `authenticate` link (`/{envID}/rp/authenticate?providerId=&flowId=`) a sign-on page follows
//! when the user picks it.

use serde_json::{Value, json};

use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// Ids of the enabled providers the current action names.
pub fn offered(state: &SandboxState, flow: &Flow) -> Vec<Value> {
    if !matches!(
        flow.status,
        Status::UsernamePasswordRequired
            | Status::SignOnRequired
            | Status::IdentifierRequired
            | Status::ExternalAuthenticationRequired
    ) {
        return Vec::new();
    }
    let Some(action) = flow.current_action() else {
        return Vec::new();
    };
    let mut ids: Vec<&str> = action
        .get("socialProviders")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(|p| p.get("id")?.as_str()).collect())
        .unwrap_or_default();
    if let Some(rules) = action.get("discoveryRules").and_then(Value::as_array) {
        ids.extend(
            rules
                .iter()
                .filter_map(|r| r.pointer("/identityProvider/id")?.as_str()),
        );
    }
    ids.dedup();
    let store = state.store();
    ids.iter()
        .filter_map(|id| store.get(&flow.env_id, "identityProviders", id))
        .filter(|p| p.get("enabled").and_then(Value::as_bool) == Some(true))
        .map(|p| {
            let id = p.get("id").and_then(Value::as_str).unwrap_or_default();
            json!({
                "id": id,
                "type": p.get("type"),
                "name": p.get("name"),
                "_links": {"authenticate": {"href": format!(
                    "{}/{}/rp/authenticate?providerId={id}&flowId={}",
                    state.base_url, flow.env_id, flow.id
                )}},
            })
        })
        .collect()
}

/// Whether `provider_id` is one the flow's current step offers.
pub fn is_offered(state: &SandboxState, flow: &Flow, provider_id: &str) -> bool {
    offered(state, flow)
        .iter()
        .any(|p| p.get("id").and_then(Value::as_str) == Some(provider_id))
}
