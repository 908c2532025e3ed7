//! Notification templates (seeded per environment, named `general`, `transaction`, ...)
//! and their contents (`/templates/{templateName}/contents`, store scope =
//! `"{envID}/{templateName}"`), one per locale, delivery method and variant.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::spec::{Ctx, Hooks, Kind, Ops, Plain, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

const METHODS: &[&str] = &["Email", "SMS", "Voice", "Push"];

struct ContentHooks;

impl Hooks for ContentHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.entry("default").or_insert(json!(false));
        Ok(())
    }
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let method = text(doc, "deliveryMethod").unwrap_or_default();
        let mut details = missing_fields(doc, method);
        details.extend(unsupported_method(ctx, store, method));
        details.extend(duplicate(ctx, store, doc, existing));
        if details.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(details))
        }
    }
}

/// The fields the delivery method needs that the content leaves empty.
fn missing_fields(doc: &Map<String, Value>, method: &str) -> Vec<Detail> {
    let needed: &[&str] = match method {
        "Email" => &["body"],
        "SMS" | "Voice" => &["content"],
        "Push" => &["title", "body"],
        _ => &[],
    };
    needed
        .iter()
        .filter(|f| text(doc, f).is_none_or(|v| v.trim().is_empty()))
        .map(|f| {
            Detail::new(
                "REQUIRED_VALUE",
                f,
                format!("{f} is required for {method} content"),
            )
        })
        .collect()
}

/// A delivery method the parent template does not list.
fn unsupported_method(ctx: &Ctx, store: &Store, method: &str) -> Option<Detail> {
    let template = ctx.parent_id.as_deref().unwrap_or_default();
    let allowed = store
        .get(ctx.env(), "templates", template)
        .and_then(|t| t["deliveryMethods"].as_array().cloned())
        .unwrap_or_default();
    (!allowed.iter().any(|m| m == method)).then(|| {
        Detail::new(
            "INVALID_VALUE",
            "deliveryMethod",
            format!("The {template} template does not support {method}"),
        )
    })
}

/// Another content of the template with the same locale, delivery method and variant.
fn duplicate(
    ctx: &Ctx,
    store: &Store,
    doc: &Map<String, Value>,
    existing: Option<&Value>,
) -> Option<Detail> {
    let own = existing.map(|e| e["id"].clone());
    let key = |d: &Value| {
        (
            d["locale"].clone(),
            d["deliveryMethod"].clone(),
            d["variant"].clone(),
        )
    };
    let mine = key(&Value::Object(doc.clone()));
    let clash = store
        .list(&ctx.scope, "contents")
        .any(|d| Some(&d["id"]) != own.as_ref() && key(d) == mine);
    clash.then(|| {
        Detail::new(
            "UNIQUENESS_VIOLATION",
            "locale",
            "Content for this locale, delivery method and variant already exists",
        )
    })
}

pub static TEMPLATES: Spec = Spec {
    name: "templates",
    path: "/environments/{envID}/templates",
    id_param: "templateName",
    scope: Scope::Env,
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: None,
    env_ref: false,
    timestamps: true,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
};

pub static CONTENTS: Spec = Spec {
    name: "contents",
    path: "/environments/{envID}/templates/{templateName}/contents",
    id_param: "contentID",
    scope: Scope::NamedParent("templateName", "templates"),
    required: &["locale", "deliveryMethod"],
    enums: &[
        ("deliveryMethod", METHODS),
        (
            "pushCategory",
            &[
                "BANNER_BUTTONS",
                "WITHOUT_BANNER_BUTTONS",
                "APPROVE_AND_OPEN_APP",
            ],
        ),
    ],
    kinds: &[
        ("locale", Kind::Str),
        ("body", Kind::Str),
        ("content", Kind::Str),
        ("subject", Kind::Str),
        ("title", Kind::Str),
        ("variant", Kind::Str),
        ("default", Kind::Bool),
    ],
    owner: Some("template"),
    env_ref: true,
    ops: Ops::ALL,
    hooks: &ContentHooks,
    ..TEMPLATES
};
