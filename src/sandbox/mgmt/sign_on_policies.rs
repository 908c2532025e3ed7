//! Sign-on policies and their actions (`/signOnPolicies/{policyID}/actions`, store scope =
//! policy id). The auth host runs a policy's actions in ascending `priority`.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

pub const ACTION_TYPES: &[&str] = &[
    "LOGIN",
    "MULTI_FACTOR_AUTHENTICATION",
    "IDENTIFIER_FIRST",
    "IDENTITY_PROVIDER",
    "PROGRESSIVE_PROFILING",
    "AGREEMENT",
    "PINGID_WINLOGIN_PASSWORDLESS_AUTHENTICATION",
    "PINGID_AUTHENTICATION",
];

const MAX_ACTIONS: usize = 20;

struct PolicyHooks;

impl Hooks for PolicyHooks {
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
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, _created: bool) {
        if doc["default"] != true {
            return;
        }
        let others: Vec<String> = store
            .list(ctx.env(), "signOnPolicies")
            .filter(|p| p["id"] != doc["id"] && p["default"] == true)
            .filter_map(|p| p["id"].as_str().map(str::to_owned))
            .collect();
        for id in others {
            if let Some(p) = store.get_mut(ctx.env(), "signOnPolicies", &id) {
                p["default"] = json!(false);
            }
        }
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        if doc["default"] == true {
            return Err(ApiError::request_failed(
                "The default sign-on policy cannot be deleted",
            ));
        }
        let apps: Vec<String> = store
            .list(ctx.env(), "applications")
            .filter_map(|a| a["id"].as_str().map(str::to_owned))
            .collect();
        for app in apps {
            let stale: Vec<String> = store
                .list(&app, "signOnPolicyAssignments")
                .filter(|a| a["signOnPolicy"]["id"] == doc["id"])
                .filter_map(|a| a["id"].as_str().map(str::to_owned))
                .collect();
            for id in stale {
                store.remove(&app, "signOnPolicyAssignments", &id);
            }
        }
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![("actions", format!("{me}/actions"))]
    }
}

struct ActionHooks;

fn reference_exists(store: &Store, env: &str, collection: &'static str, id: Option<&str>) -> bool {
    id.is_some_and(|id| store.get(env, collection, id).is_some())
}

fn check_type(ctx: &Ctx, store: &Store, doc: &Map<String, Value>) -> Vec<Detail> {
    let env = ctx.env();
    let bad = |target: &str, message: &str| vec![Detail::new("INVALID_VALUE", target, message)];
    match text(doc, "type").unwrap_or_default() {
        "AGREEMENT" if !reference_exists(store, env, "agreements", text(doc, "agreement.id")) => {
            bad("agreement.id", "The agreement does not exist")
        }
        "IDENTITY_PROVIDER"
            if !reference_exists(
                store,
                env,
                "identityProviders",
                text(doc, "identityProvider.id"),
            ) =>
        {
            bad(
                "identityProvider.id",
                "The identity provider does not exist",
            )
        }
        "PROGRESSIVE_PROFILING" => profiling(doc),
        "LOGIN" | "IDENTIFIER_FIRST"
            if doc
                .get("registration")
                .is_some_and(|r| r["enabled"] == true)
                && !reference_exists(
                    store,
                    env,
                    "populations",
                    text(doc, "registration.population.id"),
                ) =>
        {
            bad(
                "registration.population.id",
                "The registration population does not exist",
            )
        }
        "MULTI_FACTOR_AUTHENTICATION"
            if doc.contains_key("deviceAuthenticationPolicy")
                && !reference_exists(
                    store,
                    env,
                    "deviceAuthenticationPolicies",
                    text(doc, "deviceAuthenticationPolicy.id"),
                ) =>
        {
            bad(
                "deviceAuthenticationPolicy.id",
                "The device authentication policy does not exist",
            )
        }
        _ => Vec::new(),
    }
}

/// A `PROGRESSIVE_PROFILING` action lists at least one attribute and re-prompts at most once
/// a second: `promptIntervalSeconds` is an integer of at least 1 (0 would ask at every
/// sign-on, which PingOne refuses).
fn profiling(doc: &Map<String, Value>) -> Vec<Detail> {
    let mut details = Vec::new();
    if doc
        .get("attributes")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        details.push(Detail::new(
            "REQUIRED_VALUE",
            "attributes",
            "attributes is required",
        ));
    }
    let interval = doc.get("promptIntervalSeconds");
    if interval.is_some_and(|v| v.as_i64().is_none_or(|n| n < 1)) {
        details.push(Detail::new(
            "INVALID_VALUE",
            "promptIntervalSeconds",
            "promptIntervalSeconds must be an integer greater than or equal to 1",
        ));
    }
    details
}

/// An `IDENTIFIER_FIRST` action's `discoveryRules`: each needs a `condition` with `value` and
/// `contains`, and an existing `identityProvider`; at most 100 rules.
fn check_discovery_rules(ctx: &Ctx, store: &Store, doc: &Map<String, Value>) -> Vec<Detail> {
    let Some(rules) = doc.get("discoveryRules") else {
        return Vec::new();
    };
    let Some(rules) = rules.as_array() else {
        return vec![Detail::new(
            "INVALID_VALUE",
            "discoveryRules",
            "discoveryRules must be an array",
        )];
    };
    if rules.len() > 100 {
        return vec![Detail::new(
            "SIZE_LIMIT_EXCEEDED",
            "discoveryRules",
            "At most 100 discovery rules are allowed",
        )];
    }
    let mut details = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        for field in ["value", "contains"] {
            if rule
                .pointer(&format!("/condition/{field}"))
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                let target = format!("discoveryRules[{i}].condition.{field}");
                details.push(Detail::new(
                    "REQUIRED_VALUE",
                    &target,
                    format!("{target} is required"),
                ));
            }
        }
        let idp = rule.pointer("/identityProvider/id").and_then(Value::as_str);
        if !reference_exists(store, ctx.env(), "identityProviders", idp) {
            details.push(Detail::new(
                "INVALID_VALUE",
                &format!("discoveryRules[{i}].identityProvider.id"),
                "The identity provider does not exist",
            ));
        }
    }
    details
}

impl Hooks for ActionHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        match text(doc, "type").unwrap_or_default() {
            "PROGRESSIVE_PROFILING" => {
                doc.entry("preventMultiplePromptsPerFlow")
                    .or_insert(json!(true));
                doc.entry("promptIntervalSeconds")
                    .or_insert(json!(7_776_000));
                doc.entry("promptText").or_insert(json!(
                    "For the best experience, we need a couple things from you."
                ));
            }
            "MULTI_FACTOR_AUTHENTICATION" => {
                doc.entry("noDevicesMode").or_insert(json!("BLOCK"));
                if !doc.contains_key("deviceAuthenticationPolicy") {
                    let default = store
                        .list(ctx.env(), "deviceAuthenticationPolicies")
                        .find(|p| p["default"] == true)
                        .map(|p| json!({ "id": p["id"] }));
                    if let Some(policy) = default {
                        doc.insert("deviceAuthenticationPolicy".into(), policy);
                    }
                }
            }
            _ => {}
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
        let mut details = check_type(ctx, store, doc);
        details.extend(check_discovery_rules(ctx, store, doc));
        // PingOne's action model: `priority` is an integer of at least 1 (the fuzzer's 0 was
        // stored, and the auth host would have run it before every real first action).
        if doc
            .get("priority")
            .and_then(Value::as_i64)
            .is_some_and(|p| p < 1)
        {
            details.push(Detail::new(
                "INVALID_VALUE",
                "priority",
                "priority must be an integer greater than or equal to 1",
            ));
        }
        if !details.is_empty() {
            return Err(ApiError::invalid(details));
        }
        if existing.is_none() && store.list(&ctx.scope, "actions").count() >= MAX_ACTIONS {
            return Err(ApiError::invalid_value(
                "SIZE_LIMIT_EXCEEDED",
                "actions",
                format!("A sign-on policy can have at most {MAX_ACTIONS} actions"),
            ));
        }
        let priority = doc.get("priority").cloned().unwrap_or(Value::Null);
        let own = existing.map(|e| e["id"].clone());
        let clash = store
            .list(&ctx.scope, "actions")
            .any(|a| Some(&a["id"]) != own.as_ref() && a["priority"] == priority);
        if clash {
            return Err(ApiError::not_unique(
                "priority",
                "Another action of the policy has this priority",
            ));
        }
        Ok(())
    }
}

pub static SIGN_ON_POLICIES: Spec = Spec {
    name: "signOnPolicies",
    path: "/environments/{envID}/signOnPolicies",
    id_param: "policyID",
    scope: Scope::Env,
    required: &["name"],
    enums: &[],
    kinds: &[
        ("name", Kind::Str),
        ("default", Kind::Bool),
        ("description", Kind::Str),
    ],
    unique: &["name"],
    read_only: &[],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &PolicyHooks,
};

pub static ACTIONS: Spec = Spec {
    name: "actions",
    path: "/environments/{envID}/signOnPolicies/{policyID}/actions",
    id_param: "actionID",
    scope: Scope::Parents(&[("policyID", "signOnPolicies")]),
    required: &["priority", "type"],
    enums: &[
        ("type", ACTION_TYPES),
        ("noDevicesMode", &["BYPASS", "BLOCK"]),
    ],
    kinds: &[
        ("priority", Kind::Int),
        ("type", Kind::Str),
        ("condition", Kind::Object),
        ("registration", Kind::Object),
        ("attributes", Kind::Array),
        ("agreement", Kind::Object),
        ("identityProvider", Kind::Object),
    ],
    unique: &[],
    owner: Some("signOnPolicy"),
    hooks: &ActionHooks,
    ..SIGN_ON_POLICIES
};
