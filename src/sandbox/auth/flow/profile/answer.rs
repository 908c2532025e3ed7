//! Answering the `PROGRESSIVE_PROFILING` action: `user.update` stores the attributes given on
//! the user.

use serde_json::{Map, Value, json};

use super::{action_id, attributes, has_value, pointer};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::clock::iso_ms;
use crate::sandbox::auth::flow::engine;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

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
