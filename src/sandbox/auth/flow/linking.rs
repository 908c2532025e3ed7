//! A user arriving from an external identity provider (the `rp/callback` of an external
//! authentication): signed on as the PingOne user their external account is linked to; else
//! registered (when the action's `registration` is enabled) and linked; else the flow waits in
//! `ACCOUNT_LINKING_REQUIRED` until they sign on with a PingOne password, which links the two.
//! Links are kept per user (`linkedAccounts`, store scope = user id).

use std::sync::Arc;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::subject::signed_on;
use super::{engine, render};
use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::auth::session;
use crate::sandbox::mgmt::hal;
use crate::sandbox::mgmt::users::create_user;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;
use crate::sandbox::state::identity::{FEDERATED, Identity};

/// The browser's way back from the provider: the flow is saved and the browser sent on to the
/// sign-on page; a flow the arrival completed started a session, whose `ST` cookie it gets
/// here, as the flows API gives it when a password completes a flow.
pub fn back_to_sign_on(state: &SandboxState, env: &str, flow: &mut Flow) -> Response {
    let started = session::take_new(flow);
    super::save(state, flow);
    let page = render::sign_on_url(state, env, &flow.id);
    let mut response = (StatusCode::FOUND, [(header::LOCATION, page)]).into_response();
    session::hand_out(state, env, &mut response, started);
    response
}

/// Continues `flow` with the user `identity` stands for.
pub fn arrive(state: &Arc<SandboxState>, flow: &mut Flow, identity: Identity) -> ApiResult<()> {
    if let Some(user_id) = linked_user(state, &flow.env_id, &identity) {
        signed_on(state, flow, &user_id, FEDERATED);
        engine::advance(state, flow);
        return Ok(());
    }
    let registration = flow
        .current_action()
        .and_then(|a| a.get("registration"))
        .filter(|r| r.get("enabled").and_then(Value::as_bool) == Some(true))
        .cloned();
    if let Some(registration) = registration {
        let user_id = register(state, flow, &identity, &registration)?;
        link(state, &flow.env_id, &user_id, &identity);
        signed_on(state, flow, &user_id, FEDERATED);
        engine::advance(state, flow);
        return Ok(());
    }
    flow.external = Some(identity);
    flow.status = Status::AccountLinkingRequired;
    Ok(())
}

/// After a password sign-on in `ACCOUNT_LINKING_REQUIRED`: links the waiting external account
/// to the user who just signed on.
pub fn link_pending(state: &SandboxState, flow: &mut Flow) {
    if let (Some(identity), Some(user_id)) = (flow.external.take(), flow.user_id.clone()) {
        link(state, &flow.env_id, &user_id, &identity);
        flow.add_amr(FEDERATED);
    }
}

fn linked_user(state: &SandboxState, env: &str, identity: &Identity) -> Option<String> {
    let store = state.store();
    store
        .list(env, "users")
        .filter_map(|u| u.get("id").and_then(Value::as_str))
        .find(|user_id| {
            store.list(user_id, "linkedAccounts").any(|l| {
                l.pointer("/identityProvider/id").and_then(Value::as_str)
                    == Some(identity.provider_id.as_str())
                    && l.get("externalId").and_then(Value::as_str)
                        == Some(identity.external_id.as_str())
            })
        })
        .map(str::to_owned)
}

fn link(state: &SandboxState, env: &str, user_id: &str, identity: &Identity) {
    let now = hal::now();
    state.store().put(
        user_id,
        "linkedAccounts",
        json!({
            "id": hal::new_id(), "environment": {"id": env}, "user": {"id": user_id},
            "identityProvider": {"id": identity.provider_id, "type": identity.provider_type},
            "externalId": identity.external_id, "createdAt": now, "updatedAt": now,
        }),
    );
}

/// Creates the PingOne user for a first-time visitor from the provider's attribute mappings
/// (`username` is the core one: the email for social and OpenID Connect providers, the
/// assertion's subject for SAML), in the registration population.
fn register(
    state: &Arc<SandboxState>,
    flow: &Flow,
    identity: &Identity,
    registration: &Value,
) -> ApiResult<String> {
    let mut doc = Map::new();
    let mappings: Vec<(String, String)> = state
        .store()
        .list(&identity.provider_id, "attributes")
        .filter_map(|m| {
            Some((
                m.get("name")?.as_str()?.to_owned(),
                m.get("value")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    for (name, expression) in mappings {
        if let Some(value) = resolve(&expression, &identity.attributes) {
            doc.insert(name, json!(value));
        }
    }
    if !doc.contains_key("username") {
        doc.insert("username".into(), json!(identity.external_id));
    }
    // The sandbox's users need an email: the provider's, when no mapping gave one.
    if !doc.contains_key("email")
        && let Some(email) = identity.attributes.get("email").and_then(Value::as_str)
    {
        doc.insert("email".into(), json!(email));
    }
    if let Some(pop) = registration.pointer("/population/id") {
        doc.insert("population".into(), json!({"id": pop}));
    }
    let created = create_user(state, &flow.env_id, doc)?;
    let id = created
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::request_failed("The user could not be created"))?;
    // The user's `identityProvider` names where the account came from (the management API
    // always writes PING_ONE for the users it creates).
    if let Some(user) = state.store().get_mut(&flow.env_id, "users", &id) {
        user["identityProvider"] =
            json!({"id": identity.provider_id, "type": identity.provider_type});
    }
    Ok(id)
}

/// `${providerAttributes.email}` or `${samlAssertion.subject}`: the named attribute of what
/// the provider sent.
fn resolve(expression: &str, attributes: &Value) -> Option<String> {
    let inner = expression.strip_prefix("${")?.strip_suffix('}')?;
    let (_, field) = inner.split_once('.')?;
    attributes.get(field)?.as_str().map(str::to_owned)
}
