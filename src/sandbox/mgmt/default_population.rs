//! Which population a user lands in when the request names none: the environment's default.

use crate::sandbox::store::Store;

/// The id of the environment's default population.
pub fn default_population(store: &Store, env_id: &str) -> Option<String> {
    store
        .list(env_id, "populations")
        .find(|p| p["default"] == true)
        .or_else(|| store.list(env_id, "populations").next())
        .and_then(|p| p["id"].as_str())
        .map(str::to_owned)
}
