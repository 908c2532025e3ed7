//! `/propagation/plans/{planID}/rules`: rules are created and listed under their plan
//! but stored (and read, updated, deleted) as `/propagation/rules/{ruleID}`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::json;

use super::access::Caller;
use super::body::Body;
use super::catalog::PROPAGATION_RULES;
use super::crud::{self, ctx};
use super::error::ApiError;
use super::hal;
use super::list::envelope;
use super::spec::Params;
use crate::sandbox::state::SandboxState;

type St = State<Arc<SandboxState>>;

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        "/environments/{envID}/propagation/plans/{planID}/rules",
        get(
            |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                let plan = p.0.get("planID").cloned().unwrap_or_default();
                let ctx = ctx(s, &PROPAGATION_RULES, p, &q, c)?;
                let store = ctx.state.store();
                if store.get(ctx.env(), "propagationPlans", &plan).is_none() {
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
                if ctx
                    .state
                    .store()
                    .get(ctx.env(), "propagationPlans", &plan)
                    .is_none()
                {
                    return Err(ApiError::not_found());
                }
                body.insert("plan".into(), json!({ "id": plan }));
                Ok(hal::created(crud::create(&ctx, body)?))
            },
        ),
    )
}
