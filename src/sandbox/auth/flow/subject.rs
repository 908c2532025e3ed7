//! Who the flow is about: naming the user a lookup found, and recording that a user signed on
//! and how. A different user than before loses the session and sign-on methods the flow had.

use serde_json::Value;

use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// Records who signed on and how; keeps a session the flow started from only if it is the
/// same user.
pub fn signed_on(state: &SandboxState, flow: &mut Flow, user_id: &str, method: &str) {
    if flow.user_id.as_deref() != Some(user_id) {
        flow.session_id = None;
        flow.amr.clear();
    }
    flow.user_id = Some(user_id.to_owned());
    flow.username = state
        .store()
        .get(&flow.env_id, "users", user_id)
        .and_then(|u| u.get("username"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    flow.add_amr(method);
}

/// Makes `found` (a user document) the flow's user; a different user than before loses the
/// session and sign-on methods the flow had.
pub fn name_user(flow: &mut Flow, found: &Value) {
    let id = found.get("id").and_then(Value::as_str).unwrap_or_default();
    if flow.user_id.as_deref() != Some(id) {
        flow.amr.clear();
        flow.session_id = None;
    }
    flow.user_id = Some(id.to_owned());
    flow.username = found
        .get("username")
        .and_then(Value::as_str)
        .map(str::to_owned);
}
