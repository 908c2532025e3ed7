//! Client secrets of applications and resources. They live apart from the documents
//! (collections `applicationSecrets` and `resourceSecrets`, scope = environment id,
//! document id = the application or resource id) so a list or read of the owner never
//! leaks them; the auth host checks them with `application_secret_matches`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use rand::RngExt;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::crud::ctx;
use super::error::{ApiError, ApiResult};
use super::hal;
use super::spec::{Ops, Params, Plain, Scope, Spec};
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

pub(crate) const APPLICATION_SECRETS: &str = "applicationSecrets";
pub(crate) const RESOURCE_SECRETS: &str = "resourceSecrets";

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

/// A new random secret: 64 characters, as PingOne's.
pub(crate) fn generate() -> String {
    let mut rng = rand::rng();
    (0..64)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Stores (replacing) the current secret of an application.
pub fn put_application_secret(store: &mut Store, env_id: &str, app_id: &str, secret: &str) {
    store.put(
        env_id,
        APPLICATION_SECRETS,
        json!({ "id": app_id, "secret": secret }),
    );
}

/// Stores (replacing) the current secret of a resource.
pub(crate) fn put_resource_secret(
    store: &mut Store,
    env_id: &str,
    resource_id: &str,
    secret: &str,
) {
    store.put(
        env_id,
        RESOURCE_SECRETS,
        json!({ "id": resource_id, "secret": secret }),
    );
}

fn matches(
    store: &Store,
    env_id: &str,
    collection: &'static str,
    id: &str,
    candidate: &str,
) -> bool {
    let Some(doc) = store.get(env_id, collection, id) else {
        return false;
    };
    if doc["secret"].as_str() == Some(candidate) {
        return true;
    }
    let previous_ok = doc["previous"]["expiresAt"]
        .as_str()
        .is_some_and(|exp| exp > hal::now().as_str());
    previous_ok && doc["previous"]["secret"].as_str() == Some(candidate)
}

/// Whether `candidate` is the application's current secret (or its unexpired previous one).
pub(crate) fn application_secret_matches(
    store: &Store,
    env_id: &str,
    app_id: &str,
    candidate: &str,
) -> bool {
    matches(store, env_id, APPLICATION_SECRETS, app_id, candidate)
}

/// Whether `candidate` is the resource's current secret (or its unexpired previous one).
pub(crate) fn resource_secret_matches(
    store: &Store,
    env_id: &str,
    resource_id: &str,
    candidate: &str,
) -> bool {
    matches(store, env_id, RESOURCE_SECRETS, resource_id, candidate)
}

static APP_SECRET: Spec = Spec {
    name: APPLICATION_SECRETS,
    path: "/environments/{envID}/applications/{appID}/secret",
    id_param: "",
    scope: Scope::Parents(&[("appID", "applications")]),
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: Some("application"),
    env_ref: true,
    timestamps: false,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
};

static RESOURCE_SECRET: Spec = Spec {
    name: RESOURCE_SECRETS,
    path: "/environments/{envID}/resources/{resourceID}/secret",
    owner: Some("resource"),
    scope: Scope::Parents(&[("resourceID", "resources")]),
    ..APP_SECRET
};

type St = State<Arc<SandboxState>>;

/// `GET` (read) and `POST` (rotate) on application and resource secrets.
pub(crate) fn routes() -> Router<Arc<SandboxState>> {
    let mut router = Router::new();
    for spec in [&APP_SECRET, &RESOURCE_SECRET] {
        router = router.route(
            spec.path,
            get(
                move |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    respond(spec, s, c, p, &q, None)
                },
            )
            .post(
                move |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    respond(spec, s, c, p, &q, Some(b))
                },
            ),
        );
    }
    router
}

fn respond(
    spec: &'static Spec,
    state: Arc<SandboxState>,
    caller: Caller,
    params: Params,
    query: &RawQuery,
    rotate: Option<Body>,
) -> ApiResult<Response> {
    let ctx = ctx(state, spec, params, query, caller)?;
    let owner_id = ctx.parent_id.clone().unwrap_or_default();
    let mut store = ctx.state.store();
    let current = store
        .get(ctx.env(), spec.name, &owner_id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let doc = match rotate {
        None => current,
        Some(body) => {
            let body = if body.json.is_null() {
                Map::new()
            } else {
                body.object()?
            };
            let expires = body
                .get("previous")
                .and_then(|p| p.get("expiresAt"))
                .and_then(Value::as_str)
                .map_or_else(|| hal::now_plus(30 * 86_400), str::to_owned);
            let rotated = json!({
                "id": owner_id,
                "secret": generate(),
                "previous": { "secret": current["secret"], "expiresAt": expires },
            });
            store.put(ctx.env(), spec.name, rotated.clone());
            rotated
        }
    };
    drop(store);
    let mut shown = json!({ "environment": hal::id_ref(ctx.env()), "secret": doc["secret"] });
    if doc.get("previous").is_some() {
        shown["previous"] = doc["previous"].clone();
    }
    let owner = spec.owner.unwrap_or_default();
    let links = [
        ("self", ctx.href.clone()),
        ("environment", ctx.env_href()),
        (owner, ctx.parent_href()),
    ];
    Ok(hal::ok(hal::with_links(&shown, &links)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_and_distinct() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn previous_secret_works_until_it_expires() {
        let mut store = Store::default();
        store.put(
            "env",
            APPLICATION_SECRETS,
            json!({
                "id": "app", "secret": "new",
                "previous": {"secret": "old", "expiresAt": hal::now_plus(60)},
            }),
        );
        assert!(application_secret_matches(&store, "env", "app", "new"));
        assert!(application_secret_matches(&store, "env", "app", "old"));
        assert!(!application_secret_matches(&store, "env", "app", "other"));
        store.put(
            "env",
            APPLICATION_SECRETS,
            json!({
                "id": "app", "secret": "new",
                "previous": {"secret": "old", "expiresAt": hal::now_plus(-60)},
            }),
        );
        assert!(!application_secret_matches(&store, "env", "app", "old"));
    }
}
