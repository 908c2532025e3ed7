//! The `PROGRESSIVE_PROFILING` action: when the user lacks attributes the action lists, the
//! flow asks for them (`PROFILE_DATA_REQUIRED`) and `user.update`
//! (`application/vnd.pingidentity.user.update+json`) stores them on the user.

use serde_json::{Map, Value, json};

use super::engine::Need;
use super::{Flow, Status, engine};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::clock::iso_ms;
use crate::sandbox::state::SandboxState;

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

/// `user.update`: the attributes as top-level fields (or inside `user`), e.g.
/// `{"mobilePhone": "+15125551234"}`.
pub fn update(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let values = body.get("user").and_then(Value::as_object).unwrap_or(body);
    let action = flow.current_action().cloned().unwrap_or(Value::Null);
    let user_id = flow.user_id.clone().ok_or_else(ApiError::not_found)?;
    {
        let mut store = state.store();
        let mut user = store
            .get(&flow.env_id, "users", &user_id)
            .cloned()
            .ok_or_else(ApiError::not_found)?;
        for (name, required) in attributes(&action) {
            let given = lookup(values, &name).filter(|v| !v.is_null() && v.as_str() != Some(""));
            match given {
                Some(v) => set(&mut user, &name, v.clone()),
                None if required && !has_value(&user, &name) => {
                    return Err(ApiError::required(&name));
                }
                None => {}
            }
        }
        user["updatedAt"] = json!(iso_ms(state.auth.clock.now_ms()));
        store.put(&flow.env_id, "users", user);
    }
    flow.answered.push(action_id(&action));
    engine::advance(state, flow);
    Ok(())
}

/// A value by dotted name, either nested (`name: {given}`) or flat (`"name.given"`).
fn lookup<'a>(values: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    values.get(name).or_else(|| {
        let (head, rest) = name.split_once('.')?;
        values.get(head)?.pointer(&pointer(rest))
    })
}

fn set(user: &mut Value, name: &str, value: Value) {
    let mut target = user;
    let parts: Vec<&str> = name.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        if !target.get(*part).is_some_and(Value::is_object) {
            target[*part] = json!({});
        }
        target = &mut target[*part];
    }
    target[parts[parts.len() - 1]] = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_nested_and_flat_values() {
        let mut user = json!({"id": "u"});
        set(&mut user, "name.given", json!("Ada"));
        set(&mut user, "mobilePhone", json!("+1"));
        assert_eq!(user["name"]["given"], "Ada");
        assert!(has_value(&user, "mobilePhone"));
        assert!(!has_value(&user, "name.family"));
        let values = json!({"name": {"family": "L"}, "title": "Dr"});
        let map = values.as_object().expect("object");
        assert_eq!(lookup(map, "name.family"), Some(&json!("L")));
        assert_eq!(lookup(map, "title"), Some(&json!("Dr")));
        assert_eq!(lookup(map, "nickname"), None);
    }
}
