//! Which sign-on policy runs for an application: its `signOnPolicyAssignments` by priority
//! (or the one `acr_values` names), else the environment's default policy; and that policy's
//! actions in priority order.

use serde_json::{Value, json};

use crate::sandbox::store::Store;

/// A sign-on policy and its actions, sorted by priority.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub actions: Vec<Value>,
}

/// The policy for `app_id` (none for flows without an application), honouring `acr_values`
/// when it names an assigned policy. Without any policy, a lone LOGIN action applies.
pub fn for_app(store: &Store, env: &str, app_id: Option<&str>, acr_values: Option<&str>) -> Policy {
    let assigned = app_id.map(|a| assigned(store, env, a)).unwrap_or_default();
    let wanted: Vec<&str> = acr_values
        .map(|a| a.split_whitespace().collect())
        .unwrap_or_default();
    let chosen = wanted
        .iter()
        .find_map(|name| {
            assigned
                .iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        })
        .or_else(|| assigned.first())
        .cloned()
        .or_else(|| default_policy(store, env));
    match chosen {
        Some(doc) => load(store, &doc),
        None => Policy {
            id: String::new(),
            name: "Single_Factor".to_owned(),
            actions: vec![json!({"type": "LOGIN", "priority": 1})],
        },
    }
}

/// Policies assigned to the application, by ascending priority.
fn assigned(store: &Store, env: &str, app_id: &str) -> Vec<Value> {
    let mut assignments: Vec<&Value> = store.list(app_id, "signOnPolicyAssignments").collect();
    assignments.sort_by_key(|a| priority(a));
    assignments
        .iter()
        .filter_map(|a| a.pointer("/signOnPolicy/id").and_then(Value::as_str))
        .filter_map(|id| store.get(env, "signOnPolicies", id))
        .cloned()
        .collect()
}

fn default_policy(store: &Store, env: &str) -> Option<Value> {
    store
        .list(env, "signOnPolicies")
        .find(|p| p.get("default").and_then(Value::as_bool) == Some(true))
        .cloned()
}

fn load(store: &Store, doc: &Value) -> Policy {
    let id = doc.get("id").and_then(Value::as_str).unwrap_or_default();
    let mut actions: Vec<Value> = store.list(id, "actions").cloned().collect();
    actions.sort_by_key(priority);
    Policy {
        id: id.to_owned(),
        name: doc
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        actions,
    }
}

fn priority(doc: &Value) -> i64 {
    doc.get("priority")
        .and_then(Value::as_i64)
        .unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        let mut s = Store::default();
        s.put(
            "env",
            "signOnPolicies",
            json!({"id": "d", "name": "Single_Factor", "default": true}),
        );
        s.put(
            "env",
            "signOnPolicies",
            json!({"id": "p1", "name": "First"}),
        );
        s.put(
            "env",
            "signOnPolicies",
            json!({"id": "p2", "name": "Second"}),
        );
        s.put(
            "d",
            "actions",
            json!({"id": "a0", "type": "LOGIN", "priority": 1}),
        );
        s.put(
            "p1",
            "actions",
            json!({"id": "a2", "type": "MULTI_FACTOR_AUTHENTICATION", "priority": 10}),
        );
        s.put(
            "p1",
            "actions",
            json!({"id": "a1", "type": "LOGIN", "priority": 1}),
        );
        s.put(
            "app",
            "signOnPolicyAssignments",
            json!({"id": "s2", "priority": 2, "signOnPolicy": {"id": "p2"}}),
        );
        s.put(
            "app",
            "signOnPolicyAssignments",
            json!({"id": "s1", "priority": 1, "signOnPolicy": {"id": "p1"}}),
        );
        s
    }

    #[test]
    fn assignments_by_priority_then_default() {
        let s = store();
        let p = for_app(&s, "env", Some("app"), None);
        assert_eq!(p.name, "First");
        let types: Vec<_> = p.actions.iter().map(|a| a["type"].clone()).collect();
        assert_eq!(
            types,
            vec![json!("LOGIN"), json!("MULTI_FACTOR_AUTHENTICATION")]
        );
        assert_eq!(
            for_app(&s, "env", Some("app"), Some("Second")).name,
            "Second"
        );
        assert_eq!(
            for_app(&s, "env", Some("other"), None).name,
            "Single_Factor"
        );
        assert_eq!(for_app(&s, "env", None, None).name, "Single_Factor");
        assert_eq!(
            for_app(&Store::default(), "env", None, None).actions.len(),
            1
        );
    }
}
