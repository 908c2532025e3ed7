//! Branding themes (`/environments/{envID}/themes`), read-only: every environment has PingOne's
//! default theme, which populations point at (`theme.id`) unless they name another.

use serde_json::{Value, json};

use super::hal::{id_ref, new_id, now};
use super::spec::{Kind, Ops, Plain, Scope, Spec};
use crate::sandbox::store::Store;

pub static THEMES: Spec = Spec {
    name: "themes",
    path: "/environments/{envID}/themes",
    id_param: "themeID",
    scope: Scope::Env,
    required: &[],
    enums: &[],
    kinds: &[("default", Kind::Bool)],
    unique: &[],
    read_only: &[],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
};

/// Stores the environment's default theme (Ping's own `default` template and colours).
pub fn seed(store: &mut Store, env_id: &str) {
    let ts = now();
    store.put(
        env_id,
        "themes",
        json!({
            "id": new_id(), "environment": id_ref(env_id), "default": true, "template": "default",
            "configuration": {
                "name": "Ping Default", "logoType": "NONE", "backgroundType": "DEFAULT",
                "bodyTextColor": "#263956", "buttonColor": "#2996CC", "buttonTextColor": "#FFFFFF",
                "cardColor": "#FCFCFC", "headingTextColor": "#686F77", "linkTextColor": "#263956",
            },
            "createdAt": ts, "updatedAt": ts,
        }),
    );
}

/// The id of the environment's default theme.
pub fn default_theme(store: &Store, env_id: &str) -> Option<String> {
    store
        .list(env_id, "themes")
        .find(|t| t["default"] == true)
        .and_then(|t| t["id"].as_str())
        .map(str::to_owned)
}

/// Whether `id` is a theme of the environment.
pub fn exists(store: &Store, env_id: &str, id: &Value) -> bool {
    id.as_str()
        .is_some_and(|id| store.get(env_id, "themes", id).is_some())
}
