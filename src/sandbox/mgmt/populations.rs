//! Populations (`/environments/{envID}/populations`): user containers with an optional
//! password policy; exactly one is the environment's default.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::text;
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

struct PopulationHooks;

impl Hooks for PopulationHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let was_default = existing.is_some_and(|e| e["default"] == true);
        if !doc.contains_key("default") {
            doc.insert("default".into(), json!(was_default));
        }
        if !doc.contains_key("preferredLanguage") {
            doc.insert("preferredLanguage".into(), json!("en"));
        }
        Ok(())
    }
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        if let Some(policy) = text(doc, "passwordPolicy.id")
            && store.get(ctx.env(), "passwordPolicies", policy).is_none()
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "passwordPolicy.id",
                "The password policy does not exist",
            ));
        }
        if existing.is_some_and(|e| e["default"] == true)
            && doc.get("default") == Some(&json!(false))
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "default",
                "Another population must be made the default first",
            ));
        }
        Ok(())
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, _created: bool) {
        if doc["default"] != true {
            return;
        }
        let others: Vec<String> = store
            .list(ctx.env(), "populations")
            .filter(|p| p["id"] != doc["id"] && p["default"] == true)
            .filter_map(|p| p["id"].as_str().map(str::to_owned))
            .collect();
        for id in others {
            if let Some(p) = store.get_mut(ctx.env(), "populations", &id) {
                p["default"] = json!(false);
            }
        }
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        if doc["default"] == true {
            return Err(ApiError::request_failed(
                "The default population cannot be deleted",
            ));
        }
        let users: Vec<String> = store
            .list(ctx.env(), "users")
            .filter(|u| u["population"]["id"] == doc["id"])
            .filter_map(|u| u["id"].as_str().map(str::to_owned))
            .collect();
        for user in users {
            super::users::remove_user(store, ctx.env(), &user);
        }
        Ok(())
    }
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        let count = store
            .list(ctx.env(), "users")
            .filter(|u| u["population"]["id"] == doc["id"])
            .count();
        doc["userCount"] = json!(count);
    }
}

static HOOKS: PopulationHooks = PopulationHooks;

pub static POPULATIONS: Spec = Spec {
    name: "populations",
    path: "/environments/{envID}/populations",
    id_param: "popID",
    scope: Scope::Env,
    required: &["name"],
    enums: &[],
    kinds: &[
        ("name", Kind::Str),
        ("description", Kind::Str),
        ("default", Kind::Bool),
        ("passwordPolicy", Kind::Object),
        ("alternativeIdentifiers", Kind::Array),
    ],
    unique: &["name"],
    read_only: &["userCount"],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &HOOKS,
};
