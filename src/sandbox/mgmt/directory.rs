//! The management API's side of the contract with the auth host: the document shapes it
//! depends on, looked up in one place, and the helpers that write what both halves share
//! (passwords, codes, consents, outbox messages, users created by registration). Most take
//! the locked `Store` so a caller can combine several operations under one lock.

use serde_json::Value;

use super::default_population::default_population;
use crate::sandbox::store::Store;

pub use super::agreements::{current_revision, has_current_consent, language_for, record_consent};
pub use super::codes::{Purpose, consume as consume_code, issue as issue_code};
pub use super::outbox::{Code, Message, push as push_message};
pub use super::passwords::{
    check_new_password, check_password, password_status, record_failure, record_success,
    set_password, set_status,
};
pub use super::secrets::{
    application_secret, application_secret_matches, resource_secret, resource_secret_matches,
};
pub use super::users::create_user;

/// A user by id.
pub fn user<'a>(store: &'a Store, env_id: &str, user_id: &str) -> Option<&'a Value> {
    store.get(env_id, "users", user_id)
}

/// A user by username (ignoring case, as PingOne matches sign-on names).
pub fn user_by_username<'a>(store: &'a Store, env_id: &str, username: &str) -> Option<&'a Value> {
    store.find_by(env_id, "users", "username", username)
}

/// The actions of a sign-on policy, lowest `priority` first.
pub fn actions_by_priority(store: &Store, policy_id: &str) -> Vec<Value> {
    let mut actions: Vec<Value> = store.list(policy_id, "actions").cloned().collect();
    actions.sort_by_key(|a| a["priority"].as_i64().unwrap_or(i64::MAX));
    actions
}

/// The sign-on policies an application runs, in assignment priority order; the
/// environment's default policy when none is assigned.
pub fn policies_for_app(store: &Store, env_id: &str, app_id: &str) -> Vec<Value> {
    let mut assignments: Vec<&Value> = store.list(app_id, "signOnPolicyAssignments").collect();
    assignments.sort_by_key(|a| a["priority"].as_i64().unwrap_or(i64::MAX));
    let assigned: Vec<Value> = assignments
        .iter()
        .filter_map(|a| a["signOnPolicy"]["id"].as_str())
        .filter_map(|id| store.get(env_id, "signOnPolicies", id))
        .cloned()
        .collect();
    if !assigned.is_empty() {
        return assigned;
    }
    store
        .list(env_id, "signOnPolicies")
        .find(|p| p["default"] == true)
        .cloned()
        .into_iter()
        .collect()
}

/// The MFA devices of a user in their stored order.
pub fn devices(store: &Store, user_id: &str) -> Vec<Value> {
    store.list(user_id, "devices").cloned().collect()
}

/// The environment's default population id.
pub fn default_population_id(store: &Store, env_id: &str) -> Option<String> {
    default_population(store, env_id)
}

/// Grants of an application (`{resource: {id}, scopes: [{id}]}`).
pub fn grants(store: &Store, app_id: &str) -> Vec<Value> {
    store.list(app_id, "grants").cloned().collect()
}
