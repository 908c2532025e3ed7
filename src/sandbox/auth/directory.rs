//! What the auth host reads from the management API's store: environments, applications,
//! users, sign-on policies, devices, agreements. One place knows the document shapes.

pub mod app;
pub mod policy;
pub mod user;

use crate::sandbox::state::SandboxState;

/// Whether environment `env` exists (the seeded ones always do).
pub fn env_known(state: &SandboxState, env: &str) -> bool {
    env == state.admin_env_id
        || env == state.env_id
        || state
            .store()
            .get(&state.org_id, "environments", env)
            .is_some()
}
