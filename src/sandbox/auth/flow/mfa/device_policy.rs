//! Which device authentication policy an MFA action applies: the one it names, else the
//! environment's default. Its settings (OTP lifetime and failures, mobile applications) shape
//! the action.

use serde_json::Value;

use crate::sandbox::store::Store;

/// The action's device authentication policy, else the environment's default one.
pub fn for_action<'a>(store: &'a Store, env: &str, action: &Value) -> Option<&'a Value> {
    action
        .pointer("/deviceAuthenticationPolicy/id")
        .and_then(Value::as_str)
        .and_then(|id| store.get(env, "deviceAuthenticationPolicies", id))
        .or_else(|| {
            store
                .list(env, "deviceAuthenticationPolicies")
                .find(|p| p.get("default").and_then(Value::as_bool) == Some(true))
        })
}
