//! PingOne Protect: risk evaluations (`POST /environments/{envID}/riskEvaluations`)
//! scored against a risk policy set (the request's, else the environment default). The
//! sandbox scores by `event.ip`: `HIGH` for 192.0.2.0/24 and 198.51.100.0/24, `MEDIUM`
//! for 203.0.113.0/24 (the documentation ranges), `LOW` otherwise. An evaluation's event
//! starts `IN_PROGRESS`; `PUT .../riskEvaluations/{id}/event` reports how the sign-on ended,
//! once (`SUCCESS` or `FAILED`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::put;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::crud::ctx;
use super::error::{ApiError, ApiResult};
use super::hal;
use super::spec::{Ctx, Hooks, Kind, Ops, Params, Scope, Spec};
use super::validate::text;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

/// The completion statuses a client may report; an evaluation starts `IN_PROGRESS`.
const COMPLETION: &[&str] = &["SUCCESS", "FAILED"];

/// Seeds the environment's default risk policy set.
pub fn seed(store: &mut Store, env_id: &str) {
    let ts = hal::now();
    store.put(
        env_id,
        "riskPolicySets",
        json!({
            "id": hal::new_id(), "environment": hal::id_ref(env_id), "name": "Default Risk Policy",
            "description": "The default risk policy set", "default": true,
            "defaultResult": {"level": "LOW", "type": "VALUE"},
            "riskPolicies": [], "createdAt": ts, "updatedAt": ts,
        }),
    );
}

fn level_for(ip: &str) -> &'static str {
    // Documentation ranges (RFC 5737) stand in for a bad reputation.
    if ip.starts_with("192.0.2.") || ip.starts_with("198.51.100.") {
        "HIGH"
    } else if ip.starts_with("203.0.113.") {
        "MEDIUM"
    } else {
        "LOW"
    }
}

struct EvaluationHooks;

impl Hooks for EvaluationHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let policy = match text(doc, "riskPolicySet.id") {
            Some(id) => store
                .get(ctx.env(), "riskPolicySets", id)
                .cloned()
                .ok_or_else(|| {
                    ApiError::invalid_value(
                        "INVALID_VALUE",
                        "riskPolicySet.id",
                        "The risk policy set does not exist",
                    )
                })?,
            None => store
                .list(ctx.env(), "riskPolicySets")
                .find(|p| p["default"] == true)
                .cloned()
                .unwrap_or(Value::Null),
        };
        let level = level_for(text(doc, "event.ip").unwrap_or_default());
        let score = match level {
            "HIGH" => 90,
            "MEDIUM" => 50,
            _ => 10,
        };
        doc.insert(
            "riskPolicySet".into(),
            json!({ "id": policy["id"], "name": policy["name"] }),
        );
        doc.insert(
            "result".into(),
            json!({ "level": level, "score": score, "source": "AGGREGATED_SCORES", "type": "VALUE" }),
        );
        doc.insert(
            "details".into(),
            json!({ "ipRisk": { "level": level, "type": "IP_REPUTATION" } }),
        );
        doc.insert("expiresAt".into(), json!(hal::now_plus(86_400)));
        if let Some(event) = doc.get_mut("event").and_then(Value::as_object_mut) {
            event.insert("completionStatus".into(), json!("IN_PROGRESS"));
        }
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![("event", format!("{me}/event"))]
    }
}

/// `PUT /environments/{envID}/riskEvaluations/{riskEvaluationID}/event`.
pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        &format!("{}/{{riskEvaluationID}}/event", RISK_EVALUATIONS.path),
        put(
            |State(s): State<Arc<SandboxState>>, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                update_event(&ctx(s, &RISK_EVALUATIONS, p, &q, c)?, b)
            },
        ),
    )
}

/// Sets the event's `completionStatus` while it is `IN_PROGRESS` and answers with the event,
/// as PingOne does (its own `self` link, and a link back to the evaluation).
fn update_event(ctx: &Ctx, body: Body) -> ApiResult<Response> {
    let body = body.object()?;
    let status = match body.get("completionStatus") {
        None | Some(Value::Null) => return Err(ApiError::required("completionStatus")),
        Some(Value::String(s)) if COMPLETION.contains(&s.as_str()) => s.clone(),
        Some(_) => {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "completionStatus",
                "completionStatus must be one of SUCCESS, FAILED",
            )
            .with_inner(json!({ "allowedValues": COMPLETION })));
        }
    };
    let id = ctx.param("riskEvaluationID");
    let mut store = ctx.state.store();
    let doc = store
        .get_mut(&ctx.scope, "riskEvaluations", id)
        .ok_or_else(ApiError::not_found)?;
    if doc["event"]["completionStatus"] != "IN_PROGRESS" {
        return Err(ApiError::invalid_value(
            "INVALID_VALUE",
            "completionStatus",
            "The completion status can only be updated while it is IN_PROGRESS",
        ));
    }
    doc["event"]["completionStatus"] = json!(status);
    doc["updatedAt"] = json!(hal::now());
    let event = doc["event"].clone();
    drop(store);
    let evaluation = ctx.item_href(id);
    let links = vec![
        ("self", format!("{evaluation}/event")),
        ("riskEvaluation", evaluation),
        ("environment", ctx.env_href()),
    ];
    Ok(hal::ok(hal::into_links(event, links)))
}

pub static RISK_EVALUATIONS: Spec = Spec {
    name: "riskEvaluations",
    path: "/environments/{envID}/riskEvaluations",
    id_param: "riskEvaluationID",
    scope: Scope::Env,
    required: &["event", "event.ip", "event.user.id"],
    enums: &[],
    kinds: &[("event", Kind::Object), ("riskPolicySet", Kind::Object)],
    unique: &[],
    read_only: &["result", "details", "expiresAt"],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::NO_UPDATE,
    hooks: &EvaluationHooks,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_final_statuses_may_be_reported() {
        assert!(COMPLETION.contains(&"SUCCESS") && COMPLETION.contains(&"FAILED"));
        assert!(!COMPLETION.contains(&"IN_PROGRESS"));
    }

    #[test]
    fn levels_follow_the_documentation_ranges() {
        assert_eq!(level_for("10.0.0.1"), "LOW");
        assert_eq!(level_for("203.0.113.9"), "MEDIUM");
        assert_eq!(level_for("192.0.2.1"), "HIGH");
    }
}
