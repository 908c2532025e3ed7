//! Resources (`/environments/{envID}/resources`) with their scopes and attribute
//! mappings. The built-in `openid` and `PingOne API` resources are seeded and cannot be
//! deleted; custom resources get an audience, a secret (kept in `resourceSecrets`, for
//! introspection) and a `sub` attribute.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::hal;
use super::secrets::{self, RESOURCE_SECRETS};
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

const RESERVED_CLAIMS: &[&str] = &[
    "acr",
    "amr",
    "aud",
    "auth_time",
    "client_id",
    "env",
    "exp",
    "iat",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "org",
    "scope",
    "sid",
];

struct ResourceHooks;

impl Hooks for ResourceHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let kind = existing.map_or(json!("CUSTOM"), |e| e["type"].clone());
        if let Some(asked) = doc.get("type")
            && *asked != kind
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "type",
                "Only CUSTOM resources can be created, and a resource's type cannot change",
            ));
        }
        doc.insert("type".into(), kind);
        doc.entry("accessTokenValiditySeconds")
            .or_insert(json!(3600));
        if !doc.contains_key("audience") {
            let fallback = existing
                .and_then(|e| e.get("audience").cloned())
                .or_else(|| doc.get("name").cloned());
            if let Some(aud) = fallback {
                doc.insert("audience".into(), aud);
            }
        }
        doc.entry("introspectEndpointAuthMethod")
            .or_insert(json!("CLIENT_SECRET_BASIC"));
        Ok(())
    }
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let validity = doc["accessTokenValiditySeconds"].as_i64().unwrap_or(3600);
        if !(300..=2_592_000).contains(&validity) {
            return Err(ApiError::invalid_value(
                "OUT_OF_RANGE",
                "accessTokenValiditySeconds",
                "accessTokenValiditySeconds must be between 300 and 2592000",
            )
            .with_inner(json!({"rangeMinimumValue": 300, "rangeMaximumValue": 2_592_000})));
        }
        let custom = existing.is_none_or(|e| e["type"] == "CUSTOM");
        let aud = text(doc, "audience").unwrap_or_default().to_lowercase();
        if custom && (aud.contains("pingone") || aud.contains("pingidentity")) {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "audience",
                "audience must not contain 'pingone' or 'pingidentity'",
            ));
        }
        Ok(())
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, created: bool) {
        if !created {
            return;
        }
        let id = doc["id"].as_str().unwrap_or_default().to_owned();
        secrets::put_resource_secret(store, ctx.env(), &id, &secrets::generate());
        let ts = hal::now();
        store.put(
            &id,
            "attributes",
            json!({
                "id": hal::new_id(), "environment": hal::id_ref(ctx.env()),
                "resource": hal::id_ref(&id), "name": "sub", "value": "${user.id}",
                "type": "CORE", "createdAt": ts, "updatedAt": ts,
            }),
        );
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        if doc["type"] != "CUSTOM" {
            return Err(ApiError::request_failed(
                "Built-in resources cannot be deleted",
            ));
        }
        let id = doc["id"].as_str().unwrap_or_default();
        store.remove(ctx.env(), RESOURCE_SECRETS, id);
        super::app_permissions::drop_children(store, ctx.env(), id);
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        let mut links = vec![
            ("scopes", format!("{me}/scopes")),
            ("attributes", format!("{me}/attributes")),
        ];
        if doc["type"] == "CUSTOM" {
            links.push(("secret", format!("{me}/secret")));
        }
        links
    }
}

struct ScopeHooks;

impl Hooks for ScopeHooks {
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        if text(doc, "name").is_some_and(|n| n.chars().any(char::is_whitespace)) {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "name",
                "Scope names must not contain whitespace",
            ));
        }
        Ok(())
    }
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.entry("schemaAttributes").or_insert(json!([]));
        doc.entry("mappedClaims").or_insert(json!([]));
        Ok(())
    }
}

struct AttributeHooks;

impl Hooks for AttributeHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let kind = existing.map_or(json!("CUSTOM"), |e| e["type"].clone());
        doc.insert("type".into(), kind);
        Ok(())
    }
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let name = text(doc, "name").unwrap_or_default();
        let core = existing.is_some_and(|e| e["type"] == "CORE");
        if !core && (RESERVED_CLAIMS.contains(&name) || name == "sub") {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "name",
                format!("'{name}' is a reserved attribute name"),
            ));
        }
        Ok(())
    }
    fn deleting(&self, _ctx: &Ctx, _store: &mut Store, doc: &Value) -> ApiResult<()> {
        if doc["type"] == "CORE" {
            return Err(ApiError::request_failed(
                "Core attributes cannot be deleted",
            ));
        }
        Ok(())
    }
}

pub static RESOURCES: Spec = Spec {
    name: "resources",
    path: "/environments/{envID}/resources",
    id_param: "resourceID",
    scope: Scope::Env,
    required: &["name"],
    enums: &[
        ("type", &["OPENID_CONNECT", "PINGONE_API", "CUSTOM"]),
        (
            "introspectEndpointAuthMethod",
            &["NONE", "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"],
        ),
    ],
    kinds: &[
        ("name", Kind::Str),
        ("audience", Kind::Str),
        ("accessTokenValiditySeconds", Kind::Int),
        ("applicationPermissionsSettings", Kind::Object),
    ],
    unique: &["name"],
    read_only: &["clientSecret"],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &ResourceHooks,
};

pub static SCOPES: Spec = Spec {
    name: "scopes",
    path: "/environments/{envID}/resources/{resourceID}/scopes",
    id_param: "scopeID",
    scope: Scope::Parents(&[("resourceID", "resources")]),
    required: &["name"],
    enums: &[],
    kinds: &[("name", Kind::Str), ("schemaAttributes", Kind::Array)],
    owner: Some("resource"),
    hooks: &ScopeHooks,
    ..RESOURCES
};

pub static RESOURCE_ATTRIBUTES: Spec = Spec {
    name: "attributes",
    path: "/environments/{envID}/resources/{resourceID}/attributes",
    id_param: "attributeID",
    scope: Scope::Parents(&[("resourceID", "resources")]),
    required: &["name", "value"],
    enums: &[],
    kinds: &[
        ("name", Kind::Str),
        ("value", Kind::Str),
        ("idToken", Kind::Bool),
        ("userInfo", Kind::Bool),
    ],
    owner: Some("resource"),
    read_only: &["type"],
    hooks: &AttributeHooks,
    ..RESOURCES
};
