//! Environments (`/v1/environments`, scoped by the organization). Creating one checks the
//! license, fills PingOne's defaults (`env_defaults`) and gives the creating worker admin
//! roles on it, as PingOne does for the actor that creates an environment.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::crud::ctx;
use super::hal;

use super::env_defaults;
use super::error::{ApiError, ApiResult};
use super::hal::{id_ref, new_id, now};
use super::role_assignments;
use super::roles::{self, CLIENT_APPLICATION_DEVELOPER, ENVIRONMENT_ADMIN, IDENTITY_DATA_ADMIN};
use super::spec::{Ctx, Hooks, Kind, Ops, Params, Scope, Spec};
use super::validate::text;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

const PRODUCTS: &[(&str, &str)] = &[
    ("PING_ONE_BASE", "PingOne Base"),
    ("PING_ONE_MFA", "PingOne MFA"),
    ("PING_ONE_RISK", "PingOne Protect"),
    ("PING_ONE_PROVISIONING", "PingOne Provisioning"),
    ("PING_ONE_VERIFY", "PingOne Verify"),
    ("PING_ONE_AUTHORIZE", "PingOne Authorize"),
    ("PING_ONE_DAVINCI", "PingOne DaVinci"),
    ("PING_ONE_CREDENTIALS", "PingOne Credentials"),
    ("PING_ONE_FRAUD", "PingOne Fraud"),
    ("PING_FEDERATE", "PingFederate"),
    ("PING_ACCESS", "PingAccess"),
    ("PING_DIRECTORY", "PingDirectory"),
    ("PING_ID", "PingID"),
];

/// Product types a bill of materials may list (the schema's `EnumProductType`).
const PRODUCT_TYPES: &[&str] = &[
    "PING_ONE_MFA",
    "PING_ONE_DAVINCI",
    "PING_ONE_ORCHESTRATE",
    "PING_ONE_RISK",
    "PING_ONE_FRAUD",
    "PING_ONE_PROVISIONING",
    "PING_DATA_SYNC",
    "PING_DATA_GOVERNANCE",
    "PING_ONE_FOR_ENTERPRISE",
    "PING_ID_SDK",
    "PING_ONE_FOR_SAAS",
    "PING_ONE_VERIFY",
    "PING_ONE_CREDENTIALS",
    "PING_ONE_AUTHORIZE",
    "PING_ONE_BASE",
    "PING_FEDERATE",
    "PING_ACCESS",
    "PING_DIRECTORY",
    "PING_AUTHORIZE",
    "PING_ID",
    "PING_ONE_ID",
    "PING_INTELLIGENCE",
    "PING_CENTRAL",
];

const DEFAULT_PRODUCTS: &[&str] = &[
    "PING_ONE_BASE",
    "PING_ONE_MFA",
    "PING_ONE_RISK",
    "PING_ONE_PROVISIONING",
    "PING_ONE_VERIFY",
    "PING_ONE_AUTHORIZE",
    "PING_ONE_DAVINCI",
];

fn bill_of_materials(products: &[Value]) -> Value {
    let ts = now();
    let products: Vec<Value> = products
        .iter()
        .map(|p| {
            let kind = p["type"].as_str().unwrap_or_default();
            let description = PRODUCTS
                .iter()
                .find(|(t, _)| *t == kind)
                .map_or(kind, |(_, d)| d);
            let mut out = p.clone();
            out["id"] = json!(new_id());
            out["description"] = json!(description);
            out
        })
        .collect();
    json!({ "products": products, "createdAt": ts, "updatedAt": ts })
}

fn default_products() -> Vec<Value> {
    DEFAULT_PRODUCTS
        .iter()
        .map(|t| json!({ "type": t }))
        .collect()
}

/// A seeded environment document (the sandbox's own two environments).
pub fn document(org_id: &str, id: &str, license_id: &str, name: &str, description: &str) -> Value {
    let ts = now();
    json!({
        "id": id, "name": name, "description": description,
        "organization": id_ref(org_id), "type": "SANDBOX", "region": "NA",
        "license": id_ref(license_id),
        "billOfMaterials": bill_of_materials(&default_products()),
        "createdAt": ts, "updatedAt": ts,
    })
}

struct EnvironmentHooks;

impl Hooks for EnvironmentHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        // No `status`: PingOne's environment responses have none (Create Environment).
        doc.insert("organization".into(), id_ref(&ctx.state.org_id));
        let requested = doc
            .get("billOfMaterials")
            .and_then(|b| b.get("products"))
            .and_then(Value::as_array)
            .cloned();
        let bom = match (requested, existing) {
            (Some(products), _) => {
                check_products(&products)?;
                bill_of_materials(&products)
            }
            (None, Some(old)) => old["billOfMaterials"].clone(),
            (None, None) => bill_of_materials(&default_products()),
        };
        doc.insert("billOfMaterials".into(), bom);
        Ok(())
    }
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let license_id = text(doc, "license.id").unwrap_or_default();
        let license = store
            .get(&ctx.state.org_id, "licenses", license_id)
            .ok_or_else(|| {
                ApiError::invalid_value("INVALID_VALUE", "license.id", "The license does not exist")
            })?;
        if license["status"] != "ACTIVE" {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "license.id",
                "The license is not active",
            ));
        }
        Ok(())
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, created: bool) {
        if !created {
            return;
        }
        let env_id = doc["id"].as_str().unwrap_or_default().to_owned();
        let org_id = ctx.state.org_id.clone();
        env_defaults::seed(store, &org_id, &env_id, &ctx.state.base_url);
        let Some(caller) = &ctx.caller else { return };
        if caller.is_user() {
            return;
        }
        let actor = caller.token.client_id.clone();
        let actor_env = caller.token.env_id.clone();
        for role in [
            ENVIRONMENT_ADMIN,
            IDENTITY_DATA_ADMIN,
            CLIENT_APPLICATION_DEVELOPER,
        ] {
            if let Some(role_id) = roles::id_of(store, role) {
                role_assignments::grant(
                    store,
                    &actor,
                    &actor_env,
                    &role_id,
                    "ENVIRONMENT",
                    &env_id,
                );
            }
        }
    }
    fn deleting(&self, ctx: &Ctx, _store: &mut Store, doc: &Value) -> ApiResult<()> {
        let id = doc["id"].as_str().unwrap_or_default();
        if id == ctx.state.admin_env_id {
            return Err(ApiError::request_failed(
                "The environment holding the sandbox's admin worker cannot be deleted",
            ));
        }
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let base = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        let api = ctx.api();
        let mut links = vec![
            (
                "organization",
                format!("{api}/organizations/{}", ctx.state.org_id),
            ),
            (
                "license",
                format!(
                    "{api}/organizations/{}/licenses/{}",
                    ctx.state.org_id,
                    doc["license"]["id"].as_str().unwrap_or_default()
                ),
            ),
        ];
        for rel in [
            "populations",
            "users",
            "applications",
            "activities",
            "branding",
            "resources",
            "passwordPolicies",
            "userActivities",
            "signOnPolicies",
            "keys",
            "templates",
            "notificationsSettings",
            "schemas",
            "gateways",
            "capabilities",
            "activeIdentityCounts",
            "propagation/plans",
            "propagation/stores",
            "propagation/revisions/id:latest",
            "billOfMaterials",
        ] {
            links.push((rel, format!("{base}/{rel}")));
        }
        links
    }
}

fn check_products(products: &[Value]) -> ApiResult<()> {
    for p in products {
        let kind = p["type"].as_str().unwrap_or_default();
        if !PRODUCT_TYPES.contains(&kind) {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "billOfMaterials.products.type",
                format!("'{kind}' is not a valid product type"),
            )
            .with_inner(json!({ "allowedValues": PRODUCT_TYPES })));
        }
    }
    Ok(())
}

static HOOKS: EnvironmentHooks = EnvironmentHooks;

pub static ENVIRONMENTS: Spec = Spec {
    name: "environments",
    path: "/environments",
    id_param: "envID",
    scope: Scope::Org,
    required: &["name", "region", "type", "license.id"],
    enums: &[
        ("region", &["AP", "AU", "CA", "EU", "NA", "SG"]),
        ("type", &["PRODUCTION", "SANDBOX"]),
        ("subtype", &["DEV", "QA", "STAGING", "TESTING", "UAT"]),
    ],
    kinds: &[
        ("name", Kind::Str),
        ("license", Kind::Object),
        ("billOfMaterials", Kind::Object),
    ],
    unique: &["name"],
    read_only: &["organization", "status", "hardDeletedAllowedAt"],
    owner: None,
    env_ref: false,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &HOOKS,
};

type St = State<Arc<SandboxState>>;

/// `GET`/`PUT /environments/{envID}/billOfMaterials`: the products of an environment.
pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        "/environments/{envID}/billOfMaterials",
        get(
            |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                bill_of_materials_op(&ctx(s, &ENVIRONMENTS, p, &q, c)?, None)
            },
        )
        .put(
            |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                bill_of_materials_op(&ctx(s, &ENVIRONMENTS, p, &q, c)?, Some(b.object()?))
            },
        ),
    )
}

fn bill_of_materials_op(ctx: &Ctx, body: Option<Map<String, Value>>) -> ApiResult<Response> {
    let env = ctx.param("envID").to_owned();
    let mut store = ctx.state.store();
    let doc = store
        .get_mut(&ctx.state.org_id, "environments", &env)
        .ok_or_else(ApiError::not_found)?;
    if let Some(body) = body {
        let products = body
            .get("products")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| ApiError::required("products"))?;
        check_products(&products)?;
        let mut bom = bill_of_materials(&products);
        if let Some(solution) = body.get("solutionType") {
            bom["solutionType"] = solution.clone();
        }
        doc["billOfMaterials"] = bom;
        doc["updatedAt"] = json!(now());
    }
    let bom = doc["billOfMaterials"].clone();
    let href = format!("{}/billOfMaterials", ctx.item_href(&env));
    Ok(hal::ok(hal::with_links(&bom, &[("self", href)])))
}
