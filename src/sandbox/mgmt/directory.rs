//! The management API's side of the contract with the auth host: the document shapes it
//! depends on, looked up in one place, and the helpers that write what both halves share
//! (consents, application secrets, users created by registration). Most take the locked
//! `Store` so a caller can combine several operations under one lock.

use serde_json::Value;

use crate::sandbox::store::Store;

pub(crate) use super::agreements::{
    current_revision, has_current_consent, language_for, record_consent,
};
pub(crate) use super::secrets::application_secret_matches;
pub use super::users::create_user;

/// The actions of a sign-on policy, lowest `priority` first.
pub fn actions_by_priority(store: &Store, policy_id: &str) -> Vec<Value> {
    let mut actions: Vec<Value> = store.list(policy_id, "actions").cloned().collect();
    actions.sort_by_key(|a| a["priority"].as_i64().unwrap_or(i64::MAX));
    actions
}
