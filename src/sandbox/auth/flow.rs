//! Sign-on flows: what one authorize (or `/device`, or SAML) request is waiting for, walked
//! through the application's sign-on policy by the flows API (`/{envID}/flows/{flowID}`).

pub mod actions;
pub mod agreement;
pub mod dag;
pub mod discovery;
pub mod engine;
pub mod fields;
pub mod handler;
pub mod linking;
pub mod login;
pub mod mfa;
pub mod need;
pub mod profile;
pub mod providers;
pub mod recovery;
pub mod registration;
pub mod render;
pub mod status;
pub mod subject;
pub mod transaction;

use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// Stores `flow` (replacing its previous state).
pub fn save(state: &SandboxState, flow: &Flow) {
    let now = state.auth.clock.now_ms();
    state
        .auth
        .flows
        .insert(&flow.id, flow.clone(), flow.expires_ms, now);
}

/// The live flow `id` of environment `env`.
pub fn load(state: &SandboxState, env: &str, id: &str) -> Option<Flow> {
    let now = state.auth.clock.now_ms();
    state.auth.flows.get(id, now).filter(|f| f.env_id == env)
}
