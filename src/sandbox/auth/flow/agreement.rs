//! The AGREEMENT action, its asking side: whether the flow's user still has to accept the
//! agreement (`AGREEMENT_CONSENT_REQUIRED`), and the agreement shown as `_embedded.agreement`
//! (in English, with its current revision's text). The user's answer, `user.consent`, is
//! `answer`'s: it records the acceptance through the management API and audits it.

pub mod answer;

use serde_json::{Value, json};

use super::need::Need;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::mgmt::directory;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// The agreement language shown (the sandbox's users all read English).
const LOCALE: &str = "en";

fn agreement_id(action: &Value) -> Option<&str> {
    action.pointer("/agreement/id").and_then(Value::as_str)
}

fn action_id(action: &Value) -> String {
    action
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("agreement")
        .to_owned()
}

/// What the AGREEMENT action needs for the flow's user.
pub fn need(state: &SandboxState, flow: &Flow, action: &Value) -> Need {
    let Some(id) = agreement_id(action) else {
        return Need::Done;
    };
    if flow.answered.contains(&action_id(action)) {
        return Need::Done;
    }
    let store = state.store();
    let enabled = store
        .get(&flow.env_id, "agreements", id)
        .is_some_and(|a| a.get("enabled").and_then(Value::as_bool) != Some(false));
    let user = flow.user_id.as_deref().unwrap_or_default();
    if !enabled || directory::has_current_consent(&store, user, id, LOCALE) {
        Need::Done
    } else {
        Need::Wait(Status::AgreementConsentRequired)
    }
}

/// `_embedded.agreement`: the agreement with its language and current revision text.
pub fn embedded(state: &SandboxState, flow: &Flow) -> Option<Value> {
    let action = flow.current_action()?;
    let id = agreement_id(action)?;
    let store = state.store();
    let doc = store.get(&flow.env_id, "agreements", id)?;
    let mut out = json!({"id": id, "name": doc.get("name")});
    if let Some(lang) = directory::language_for(&store, id, LOCALE) {
        let lang_id = lang.get("id").and_then(Value::as_str).unwrap_or_default();
        out["language"] = json!({"id": lang_id, "locale": lang.get("locale")});
        if let Some(ux) = lang.get("userExperience") {
            out["userExperience"] = ux.clone();
        }
        if let Some(rev) = directory::current_revision(&store, lang_id) {
            out["revision"] = json!({"id": rev.get("id")});
            out["text"] = rev.get("text").cloned().unwrap_or(Value::Null);
            out["contentType"] = rev
                .get("contentType")
                .cloned()
                .unwrap_or(json!("text/html"));
        }
    }
    if let Some(v) = action.get("disableDeclineOption") {
        out["disableDeclineOption"] = v.clone();
    }
    Some(out)
}
