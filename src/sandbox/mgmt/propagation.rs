//! Identity propagation: plans, stores, rules and attribute mappings. Rules are created
//! and listed under their plan (`/propagation/plans/{planID}/rules`) but stored (and read,
//! updated, deleted) as `/propagation/rules/{ruleID}`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::crud::{self, ctx};
use super::error::{ApiError, ApiResult};
use super::filter::Filter;
use super::hal;
use super::inactive_by_default::InactiveByDefault;
use super::list::envelope;
use super::spec::{Ctx, Hooks, Kind, Ops, Params, Scope, Spec};
use super::store_config;
use super::validate::text;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

const BASE: Spec = Spec {
    name: "",
    path: "",
    id_param: "",
    scope: Scope::Env,
    required: &["name"],
    enums: &[],
    kinds: &[("name", Kind::Str)],
    unique: &["name"],
    read_only: &[],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &InactiveByDefault,
};

pub static PROPAGATION_PLANS: Spec = Spec {
    name: "plans",
    path: "/environments/{envID}/propagation/plans",
    id_param: "planID",
    hooks: &InactiveByDefault,
    ..BASE
};

pub static PROPAGATION_STORES: Spec = Spec {
    name: "stores",
    path: "/environments/{envID}/propagation/stores",
    id_param: "storeID",
    required: &["name", "type"],
    enums: &[(
        "type",
        &[
            "Aquera",
            "AzureActiveDirectorySAML2",
            "directory",
            "LdapGateway",
            "PingOne",
            "Salesforce",
            "SalesforceContacts",
            "scim",
            "Slack",
            "Workday",
            "Zoom",
            "GithubEMU",
            "GoogleApps",
            "ServiceNow",
        ],
    )],
    kinds: &[
        ("name", Kind::Str),
        ("configuration", Kind::Object),
        ("managed", Kind::Bool),
    ],
    hooks: &store_config::StoreHooks,
    ..BASE
};

struct RuleHooks;

impl Hooks for RuleHooks {
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        for field in ["sourceStore.id", "targetStore.id"] {
            let id = text(doc, field).unwrap_or_default();
            if store.get(ctx.env(), "stores", id).is_none() {
                return Err(ApiError::invalid_value(
                    "INVALID_VALUE",
                    field,
                    "The propagation store does not exist",
                ));
            }
        }
        if let Some(parent) = text(doc, "parentRule.id")
            && store.get(ctx.env(), "rules", parent).is_none()
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "parentRule.id",
                "The parent rule does not exist",
            ));
        }
        if let Some(expression) = text(doc, "populationExpression") {
            Filter::parse(expression).map_err(|e| {
                ApiError::invalid_value(
                    "INVALID_VALUE",
                    "populationExpression",
                    format!(
                        "populationExpression is not a valid SCIM filter: {}",
                        e.details.first().map_or("", |d| d.message.as_str())
                    ),
                )
            })?;
        }
        let plan = text(doc, "plan.id").unwrap_or_default();
        if store.get(ctx.env(), "plans", plan).is_none() {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "plan.id",
                "The propagation plan does not exist",
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
        doc.entry("active").or_insert(json!(false));
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![("mappings", format!("{me}/mappings"))]
    }
}

/// Rules are listed at `/propagation/rules` and created under their plan
/// (`/propagation/plans/{planID}/rules`, see `propagation_routes`).
pub static PROPAGATION_RULES: Spec = Spec {
    name: "rules",
    path: "/environments/{envID}/propagation/rules",
    id_param: "ruleID",
    required: &["name", "sourceStore.id", "targetStore.id", "plan.id"],
    kinds: &[
        ("name", Kind::Str),
        ("sourceStore", Kind::Object),
        ("targetStore", Kind::Object),
        ("parentRule", Kind::Object),
        ("populationExpression", Kind::Str),
        ("deprovision", Kind::Bool),
        ("active", Kind::Bool),
    ],
    unique: &[],
    hooks: &RuleHooks,
    ..BASE
};

struct MappingHooks;

impl Hooks for MappingHooks {
    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let source = text(doc, "sourceAttribute").is_some();
        let expression = text(doc, "expression").is_some();
        if source == expression {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "sourceAttribute",
                "Exactly one of sourceAttribute and expression is required",
            ));
        }
        Ok(())
    }
}

pub static PROPAGATION_MAPPINGS: Spec = Spec {
    name: "mappings",
    path: "/environments/{envID}/propagation/rules/{ruleID}/mappings",
    id_param: "mappingID",
    scope: Scope::Parents(&[("ruleID", "rules")]),
    required: &["targetAttribute"],
    kinds: &[
        ("sourceAttribute", Kind::Str),
        ("targetAttribute", Kind::Str),
        ("expression", Kind::Str),
    ],
    unique: &[],
    owner: Some("rule"),
    hooks: &MappingHooks,
    ..BASE
};

type St = State<Arc<SandboxState>>;

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        "/environments/{envID}/propagation/plans/{planID}/rules",
        get(
            |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                let plan = p.0.get("planID").cloned().unwrap_or_default();
                let ctx = ctx(s, &PROPAGATION_RULES, p, &q, c)?;
                let store = ctx.state.store();
                if store.get(ctx.env(), "plans", &plan).is_none() {
                    return Err(ApiError::not_found());
                }
                let items = crud::list_views(&ctx, &store)
                    .into_iter()
                    .filter(|r| r["plan"]["id"] == plan.as_str())
                    .collect();
                let href = format!("{}/propagation/plans/{plan}/rules", ctx.env_href());
                Ok(hal::ok(envelope(&href, "rules", items, &ctx.query)))
            },
        )
        .post(
            |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                let plan = p.0.get("planID").cloned().unwrap_or_default();
                let ctx = ctx(s, &PROPAGATION_RULES, p, &q, c)?;
                let mut body = b.object()?;
                if ctx.state.store().get(ctx.env(), "plans", &plan).is_none() {
                    return Err(ApiError::not_found());
                }
                body.insert("plan".into(), json!({ "id": plan }));
                Ok(hal::created(crud::create(&ctx, body)?))
            },
        ),
    )
}
