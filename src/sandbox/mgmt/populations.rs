//! Populations (`/environments/{envID}/populations`): user containers with an optional
//! password policy and theme (references by `id`, nothing else kept); exactly one is the
//! environment's default.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

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
        let details: Vec<Detail> = ["passwordPolicy", "theme"]
            .into_iter()
            .filter_map(|field| reference(doc, field))
            .collect();
        if details.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(details))
        }
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
        if let Some(theme) = doc.get("theme").and_then(|t| t.get("id"))
            && !super::themes::exists(store, ctx.env(), theme)
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "theme.id",
                "The theme does not exist",
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
        // Without a theme of its own a population shows the environment's default theme, as
        // PingOne's example responses do.
        if doc.get("theme").is_none()
            && let Some(theme) = super::themes::default_theme(store, ctx.env())
        {
            doc["theme"] = json!({ "id": theme });
        }
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        doc["theme"]["id"]
            .as_str()
            .map(|theme| ("theme", format!("{}/themes/{theme}", ctx.env_href())))
            .into_iter()
            .collect()
    }
}

/// A reference field (`passwordPolicy`, `theme`) as PingOne takes it: absent or `null` (the
/// environment's default applies), or an object whose `id` is a string; only the `id` is kept.
/// The problem, if any.
pub fn reference(doc: &mut Map<String, Value>, field: &str) -> Option<Detail> {
    let target = format!("{field}.id");
    match doc.get(field) {
        None => None,
        Some(Value::Null) => {
            doc.remove(field);
            None
        }
        Some(Value::Object(map)) => match map.get("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => {
                let id = id.clone();
                doc.insert(field.to_owned(), json!({ "id": id }));
                None
            }
            None | Some(Value::Null) => Some(Detail::new(
                "REQUIRED_VALUE",
                &target,
                format!("{target} is required"),
            )),
            Some(_) => Some(Detail::new(
                "INVALID_VALUE",
                &target,
                format!("{target} must be a non-empty string"),
            )),
        },
        Some(_) => Some(Detail::new(
            "INVALID_VALUE",
            field,
            format!("{field} must be an object"),
        )),
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
        ("theme", Kind::Object),
        ("preferredLanguage", Kind::Str),
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
