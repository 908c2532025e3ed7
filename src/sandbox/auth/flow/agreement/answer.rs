//! Answering the AGREEMENT action: `user.consent` accepts (recorded and audited) or declines.

use serde_json::{Map, Value};

use super::{action_id, agreement_id, embedded};
use crate::sandbox::auth::api_error::ApiResult;
use crate::sandbox::auth::flow::engine;
use crate::sandbox::auth::flow::fields::flag;
use crate::sandbox::mgmt::{activities, directory};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;

/// `user.consent`: `{"accept": true}` records the acceptance and moves on; declining fails
/// the flow.
pub fn consent(state: &SandboxState, flow: &mut Flow, body: &Map<String, Value>) -> ApiResult<()> {
    let accept = flag(body, "accept")?;
    let action = flow.current_action().cloned().unwrap_or(Value::Null);
    if !accept {
        flow.fail("AGREEMENT_DECLINED", "The user declined the agreement");
        return Ok(());
    }
    if let (Some(id), Some(user)) = (agreement_id(&action), flow.user_id.clone()) {
        let shown = embedded(state, flow).unwrap_or(Value::Null);
        let revision = shown
            .pointer("/revision/id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let language = shown.get("language").cloned().unwrap_or(Value::Null);
        let mut store = state.store();
        directory::record_consent(&mut store, &flow.env_id, &user, id, &language, revision);
        let resources = vec![
            activities::user_ref(&store, &state.base_url, &flow.env_id, &user),
            activities::agreement_ref(&store, &state.base_url, &flow.env_id, id),
        ];
        activities::record(
            &mut store,
            &state.base_url,
            activities::Event {
                env_id: &flow.env_id,
                action: "AGREEMENT_CONSENT.ACCEPTED",
                description: "Agreement Consent Accepted",
                user: Some(&user),
                client: flow
                    .app_id
                    .as_deref()
                    .map(|app| (flow.env_id.as_str(), app)),
                resources,
                success: true,
                result: "Agreement consent accepted",
            },
        );
    }
    flow.answered.push(action_id(&action));
    engine::advance(state, flow);
    Ok(())
}
