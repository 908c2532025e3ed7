//! What hangs off an application (store scope = application id): resource grants,
//! sign-on policy assignments, attribute mappings, push credentials and DaVinci flow
//! policy assignments.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

const UNDER_APP: Scope = Scope::Parents(&[("appID", "applications")]);

fn exists(store: &Store, scope: &str, collection: &'static str, id: &str) -> bool {
    store.get(scope, collection, id).is_some()
}

fn missing(target: &str, what: &str) -> ApiError {
    ApiError::invalid_value(
        "INVALID_VALUE",
        target,
        format!("The {what} does not exist"),
    )
}

/// Another document in the scope whose `field.id` equals `id` (one grant per resource...).
fn taken(ctx: &Ctx, store: &Store, field: &str, id: &str, existing: Option<&Value>) -> bool {
    let own = existing.map(|e| e["id"].clone());
    store
        .list(&ctx.scope, ctx.spec.name)
        .any(|d| d[field]["id"] == id && Some(&d["id"]) != own.as_ref())
}

struct GrantHooks;

impl Hooks for GrantHooks {
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let resource = text(doc, "resource.id").unwrap_or_default();
        if !exists(store, ctx.env(), "resources", resource) {
            return Err(missing("resource.id", "resource"));
        }
        let scopes = doc
            .get("scopes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if scopes.is_empty() {
            return Err(ApiError::required("scopes"));
        }
        for scope in &scopes {
            let id = scope["id"].as_str().unwrap_or_default();
            if !exists(store, resource, "scopes", id) {
                return Err(ApiError::invalid_value(
                    "INVALID_VALUE",
                    "scopes.id",
                    format!("The scope '{id}' does not belong to the resource"),
                ));
            }
        }
        if taken(ctx, store, "resource", resource, existing) {
            return Err(ApiError::not_unique(
                "resource.id",
                "The application already has a grant for this resource",
            ));
        }
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let resource = doc["resource"]["id"].as_str().unwrap_or_default();
        vec![(
            "resource",
            format!("{}/resources/{resource}", ctx.env_href()),
        )]
    }
}

struct PolicyAssignmentHooks;

impl Hooks for PolicyAssignmentHooks {
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let policy = text(doc, "signOnPolicy.id").unwrap_or_default();
        if !exists(store, ctx.env(), "signOnPolicies", policy) {
            return Err(missing("signOnPolicy.id", "sign-on policy"));
        }
        if taken(ctx, store, "signOnPolicy", policy, existing) {
            return Err(ApiError::not_unique(
                "signOnPolicy.id",
                "The sign-on policy is already assigned to the application",
            ));
        }
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let policy = doc["signOnPolicy"]["id"].as_str().unwrap_or_default();
        vec![(
            "signOnPolicy",
            format!("{}/signOnPolicies/{policy}", ctx.env_href()),
        )]
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
        doc.entry("required").or_insert(json!(false));
        let kind = existing.map_or(json!("CUSTOM"), |e| e["mappingType"].clone());
        doc.insert("mappingType".into(), kind);
        doc.entry("idToken").or_insert(json!(true));
        doc.entry("userInfo").or_insert(json!(true));
        Ok(())
    }
    fn deleting(&self, _ctx: &Ctx, _store: &mut Store, doc: &Value) -> ApiResult<()> {
        if doc["mappingType"] == "CORE" {
            return Err(ApiError::request_failed(
                "Core attribute mappings cannot be deleted",
            ));
        }
        Ok(())
    }
}

struct FlowAssignmentHooks;

impl Hooks for FlowAssignmentHooks {
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let policy = text(doc, "flowPolicy.id").unwrap_or_default();
        if !exists(store, ctx.env(), "flowPolicies", policy) {
            return Err(missing("flowPolicy.id", "flow policy"));
        }
        Ok(())
    }
}

struct PushCredentialHooks;

/// Fields each push credential type requires; PingOne stores them but never returns them.
fn push_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "APNS" => &["key", "teamId", "token"],
        "FCM_HTTP_V1" => &["googleServiceAccountCredentials"],
        "HMS" => &["clientId", "clientSecret"],
        _ => &[],
    }
}

/// What PingOne treats as credentials: written by POST and PUT, left out of every response.
const PUSH_SECRETS: &[&str] = &[
    "key",
    "teamId",
    "token",
    "googleServiceAccountCredentials",
    "clientSecret",
];

impl Hooks for PushCredentialHooks {
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let kind = text(doc, "type").unwrap_or_default();
        if kind == "FCM" {
            // PingOne's push credential pages: "The FCM type, used previously for Google
            // Play-based applications, is no longer supported. Use FCM_HTTP_V1 instead."
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "type",
                "The FCM push credential type is no longer supported; use FCM_HTTP_V1",
            ));
        }
        if let Some(old) = existing.and_then(|e| e["type"].as_str())
            && old != kind
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "type",
                "The push credential type cannot be changed",
            ));
        }
        let details: Vec<Detail> = push_fields(kind)
            .iter()
            .filter(|f| text(doc, f).is_none_or(|v| v.trim().is_empty()))
            .map(|f| Detail::new("REQUIRED_VALUE", f, format!("{f} is required for {kind}")))
            .collect();
        if details.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(details))
        }
    }
    fn present(&self, _ctx: &Ctx, _store: &Store, doc: &mut Value) {
        if let Some(map) = doc.as_object_mut() {
            for field in PUSH_SECRETS {
                map.remove(*field);
            }
        }
    }
}

pub static GRANTS: Spec = Spec {
    name: "grants",
    path: "/environments/{envID}/applications/{appID}/grants",
    id_param: "grantID",
    scope: UNDER_APP,
    required: &["resource.id", "scopes"],
    enums: &[],
    kinds: &[("resource", Kind::Object), ("scopes", Kind::Array)],
    unique: &[],
    read_only: &[],
    owner: Some("application"),
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &GrantHooks,
};

pub static SIGN_ON_POLICY_ASSIGNMENTS: Spec = Spec {
    name: "signOnPolicyAssignments",
    path: "/environments/{envID}/applications/{appID}/signOnPolicyAssignments",
    id_param: "assignmentID",
    required: &["signOnPolicy.id", "priority"],
    kinds: &[("signOnPolicy", Kind::Object), ("priority", Kind::Int)],
    timestamps: false,
    hooks: &PolicyAssignmentHooks,
    ..GRANTS
};

pub static ATTRIBUTES: Spec = Spec {
    name: "attributes",
    path: "/environments/{envID}/applications/{appID}/attributes",
    id_param: "attributeID",
    required: &["name", "value"],
    enums: &[("mappingType", &["CORE", "SCOPE", "CUSTOM"])],
    kinds: &[
        ("name", Kind::Str),
        ("value", Kind::Str),
        ("required", Kind::Bool),
        ("idToken", Kind::Bool),
        ("userInfo", Kind::Bool),
        ("oidcScopes", Kind::Array),
    ],
    unique: &["name"],
    read_only: &["mappingType"],
    hooks: &AttributeHooks,
    ..GRANTS
};

pub static PUSH_CREDENTIALS: Spec = Spec {
    name: "pushCredentials",
    path: "/environments/{envID}/applications/{appID}/pushCredentials",
    id_param: "pushCredentialID",
    required: &["type"],
    enums: &[("type", &["APNS", "FCM", "HMS", "FCM_HTTP_V1"])],
    kinds: &[
        ("type", Kind::Str),
        ("key", Kind::Str),
        ("teamId", Kind::Str),
        ("token", Kind::Str),
        ("googleServiceAccountCredentials", Kind::Str),
        ("clientId", Kind::Str),
        ("clientSecret", Kind::Str),
    ],
    unique: &["type"],
    hooks: &PushCredentialHooks,
    ..GRANTS
};

pub static FLOW_POLICY_ASSIGNMENTS: Spec = Spec {
    name: "flowPolicyAssignments",
    path: "/environments/{envID}/applications/{appID}/flowPolicyAssignments",
    id_param: "flowPolicyAssignmentID",
    required: &["flowPolicy.id", "priority"],
    kinds: &[("flowPolicy", Kind::Object), ("priority", Kind::Int)],
    timestamps: false,
    hooks: &FlowAssignmentHooks,
    ..GRANTS
};
