//! A simulated Workday tenant (`GET /sandbox/workday`): the integration-system account a
//! Workday administrator would hand over for a propagation store. PingOne stores these
//! credentials without connecting to Workday when the store is created, so the sandbox only
//! needs to hand out plausible values; each call gives a fresh password. No token is needed.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use serde_json::json;

use super::hal;
use crate::sandbox::state::SandboxState;

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        "/sandbox/workday",
        get(|| async {
            let password = format!("Wd!{}", uuid::Uuid::new_v4().simple());
            hal::ok(json!({
                "username": "ISU_steprun_sandbox",
                "password": password,
                "tenantId": "steprun_sandbox",
                "host": "example.workday.com",
            }))
        }),
    )
}
