//! The `PROGRESSIVE_PROFILING` action: when the user lacks attributes the action lists, the
//! flow asks for them (`PROFILE_DATA_REQUIRED`) and `user.update`
//! (`application/vnd.pingidentity.user.update+json`) stores them on the user.

pub mod answer;

use serde_json::{Map, Value, json};

use super::need::Need;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// `(name, required)` of each attribute the action lists.
fn attributes(action: &Value) -> Vec<(String, bool)> {
    action
        .get("attributes")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|a| {
                    let name = a.get("name")?.as_str()?.to_owned();
                    Some((
                        name,
                        a.get("required").and_then(Value::as_bool) == Some(true),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn pointer(name: &str) -> String {
    format!("/{}", name.replace('.', "/"))
}

fn has_value(user: &Value, name: &str) -> bool {
    user.pointer(&pointer(name))
        .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
}

fn action_id(action: &Value) -> String {
    action
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("profile")
        .to_owned()
}

/// What the profiling action needs: nothing once every listed attribute has a value (or the
/// user answered in this flow).
pub fn need(state: &SandboxState, flow: &Flow, action: &Value) -> Need {
    if flow.answered.contains(&action_id(action)) {
        return Need::Done;
    }
    let store = state.store();
    let user = flow
        .user_id
        .as_deref()
        .and_then(|u| store.get(&flow.env_id, "users", u));
    let missing = attributes(action)
        .iter()
        .any(|(name, _)| !user.is_some_and(|u| has_value(u, name)));
    if missing {
        Need::Wait(Status::ProfileDataRequired)
    } else {
        Need::Done
    }
}

/// Adds the attributes to ask for and the prompt to `_embedded`.
pub fn embed(action: &Value, embedded: &mut Map<String, Value>) {
    let attrs: Vec<Value> = attributes(action)
        .into_iter()
        .map(|(name, required)| json!({"name": name, "required": required}))
        .collect();
    embedded.insert("attributes".into(), Value::Array(attrs));
    if let Some(text) = action.get("promptText") {
        embedded.insert("promptText".into(), text.clone());
    }
}
