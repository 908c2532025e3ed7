//! Audit activities (`/environments/{envID}/activities`): the events the sandbox's own
//! requests cause, recorded as PingOne reports them (`action.type`, `actors`, `resources`,
//! `result`, `recordedAt`, ...) and read back with PingOne's filter (`recordedat gt "…" AND
//! action.type eq "…"`, `resources.id eq "…"`). Recorded today: `USER.CREATED`,
//! `USER.DELETED`, `PASSWORD.CHECK_SUCCEEDED`, `PASSWORD.CHECK_FAILED` and
//! `AGREEMENT_CONSENT.ACCEPTED`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::{Value, json};

use super::access::Caller;
use super::body::Body;
use super::crud::{self, ctx};
use super::error::{ApiError, ApiResult};
use super::filter::{Filter, Op};
use super::hal;
use super::spec::{Ops, Params, Plain, Scope, Spec};
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

/// How many activities one environment keeps; the oldest go first.
const KEPT: usize = 10_000;

pub static ACTIVITIES: Spec = Spec {
    name: "activities",
    path: "/environments/{envID}/activities",
    id_param: "activityID",
    scope: Scope::Env,
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: None,
    env_ref: false,
    timestamps: false,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
};

/// Attributes PingOne's activities filter accepts (compared without case).
const FILTERABLE: &[&str] = &[
    "recordedat",
    "createdat",
    "correlationid",
    "action.type",
    "actors.user.id",
    "actors.user.name",
    "actors.user.population.id",
    "actors.client.id",
    "resources.id",
    "resources.type",
    "resources.population.id",
    "result.status",
    "tags",
];

/// The attributes that hold times, which alone take `gt`, `ge`, `lt` and `le`.
const TIMES: &[&str] = &["recordedat", "createdat"];

/// One event to record.
pub struct Event<'a> {
    pub env_id: &'a str,
    /// `USER.CREATED`, `AGREEMENT_CONSENT.ACCEPTED`, ...
    pub action: &'a str,
    pub description: &'a str,
    /// The user who acted (sign-on, consent), if any.
    pub user: Option<&'a str>,
    /// The application that acted or that the user signed on to: `(its environment, its id)`.
    pub client: Option<(&'a str, &'a str)>,
    pub resources: Vec<Value>,
    pub success: bool,
    pub result: &'a str,
}

/// A `USER` resource (or actor) as activities show one.
pub fn user_ref(store: &Store, base: &str, env: &str, user_id: &str) -> Value {
    let user = store.get(env, "users", user_id);
    json!({
        "type": "USER",
        "id": user_id,
        "name": user.and_then(|u| u["username"].as_str()).unwrap_or_default(),
        "environment": {"id": env},
        "population": {"id": user.and_then(|u| u["population"]["id"].as_str()).unwrap_or_default()},
        "href": format!("{base}/v1/environments/{env}/users/{user_id}"),
    })
}

/// An `AGREEMENT` resource.
pub fn agreement_ref(store: &Store, base: &str, env: &str, agreement_id: &str) -> Value {
    let name = store
        .get(env, "agreements", agreement_id)
        .and_then(|a| a["name"].as_str())
        .unwrap_or_default();
    json!({
        "type": "AGREEMENT",
        "id": agreement_id,
        "name": name,
        "environment": {"id": env},
        "href": format!("{base}/v1/environments/{env}/agreements/{agreement_id}"),
    })
}

fn client_ref(store: &Store, base: &str, env: &str, app_id: &str) -> Value {
    let name = store
        .get(env, "applications", app_id)
        .and_then(|a| a["name"].as_str())
        .unwrap_or_default();
    json!({
        "type": "CLIENT",
        "id": app_id,
        "name": name,
        "environment": {"id": env},
        "href": format!("{base}/v1/environments/{env}/applications/{app_id}"),
    })
}

/// Stores one event under its environment.
pub fn record(store: &mut Store, base: &str, event: Event) {
    let mut actors = serde_json::Map::new();
    if let Some((env, app)) = event.client {
        actors.insert("client".into(), client_ref(store, base, env, app));
    }
    if let Some(user) = event.user {
        actors.insert("user".into(), user_ref(store, base, event.env_id, user));
    }
    let now = hal::now();
    let doc = json!({
        "id": hal::new_id(),
        "recordedAt": now,
        "createdAt": now,
        "correlationId": hal::new_id(),
        "actors": actors,
        "action": {"type": event.action, "description": event.description},
        "resources": Value::Array(event.resources),
        "result": {
            "status": if event.success { "SUCCESS" } else { "FAILED" },
            "description": event.result,
        },
    });
    // The collection's length and its first document cost nothing to read: recording stays
    // as cheap with ten thousand activities kept as with none.
    let oldest = store
        .collection(event.env_id, "activities")
        .filter(|all| all.len() >= KEPT)
        .and_then(|all| all.iter().next())
        .and_then(|d| d["id"].as_str())
        .map(str::to_owned);
    if let Some(id) = oldest {
        store.remove(event.env_id, "activities", &id);
    }
    store.put(event.env_id, "activities", doc);
}

fn invalid(message: String) -> ApiError {
    ApiError::invalid_value("INVALID_FILTER", "filter", message)
}

/// Checks a parsed filter against what PingOne's activities filter accepts, and writes each
/// time in the stored form so that comparing the text compares the instants.
fn normalize(filter: Filter) -> ApiResult<Filter> {
    Ok(match filter {
        Filter::And(a, b) => Filter::And(Box::new(normalize(*a)?), Box::new(normalize(*b)?)),
        Filter::Or(a, b) => Filter::Or(Box::new(normalize(*a)?), Box::new(normalize(*b)?)),
        Filter::Not(_) | Filter::ValuePath(..) | Filter::Present(_) => {
            return Err(invalid(
                "The activities filter takes comparisons joined by and/or".into(),
            ));
        }
        Filter::Compare(path, op, value) => {
            let name = path.join(".").to_ascii_lowercase();
            if !FILTERABLE.contains(&name.as_str()) {
                return Err(invalid(format!(
                    "The attribute '{}' cannot be filtered on",
                    path.join(".")
                )));
            }
            let time = TIMES.contains(&name.as_str());
            if !time && op != Op::Eq {
                return Err(invalid(format!(
                    "'{}' takes only the eq operator",
                    path.join(".")
                )));
            }
            if time && matches!(op, Op::Co | Op::Sw | Op::Ew) {
                return Err(invalid(format!(
                    "'{}' takes eq, gt, ge, lt or le",
                    path.join(".")
                )));
            }
            let value = if time {
                let text = value.as_str().unwrap_or_default();
                let instant: jiff::Timestamp = text.parse().map_err(|_| {
                    invalid(format!(
                        "'{text}' is not a date-time (yyyy-MM-dd'T'HH:mm:ss.SSSZ)"
                    ))
                })?;
                json!(instant.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            } else {
                value
            };
            Filter::Compare(path, op, value)
        }
    })
}

type St = State<Arc<SandboxState>>;

/// Lists with `filter` (and `limit`), taken from the query or from a posted
/// `{"filter", "limit"}`.
fn list(
    s: Arc<SandboxState>,
    c: Caller,
    p: Params,
    q: &RawQuery,
    posted: Option<serde_json::Map<String, Value>>,
) -> ApiResult<axum::response::Response> {
    let mut ctx = ctx(s, &ACTIVITIES, p, q, c)?;
    if let Some(body) = posted {
        if let Some(text) = body.get("filter") {
            let text = text
                .as_str()
                .ok_or_else(|| invalid("filter must be a string".into()))?;
            ctx.query.filter = Some(Filter::parse(text)?);
        }
        if let Some(limit) = body.get("limit") {
            let limit = limit.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                ApiError::invalid_value(
                    "INVALID_VALUE",
                    "limit",
                    "limit must be a positive integer",
                )
            })?;
            ctx.query.limit = Some(usize::try_from(limit).unwrap_or(usize::MAX));
        }
    }
    if let Some(filter) = ctx.query.filter.take() {
        ctx.query.filter = Some(normalize(filter)?);
    }
    crud::list(&ctx)
}

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new()
        .route(
            "/environments/{envID}/activities",
            get(|State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                list(s, c, p, &q, None)
            })
            .post(
                |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    let body = b.object()?;
                    list(s, c, p, &q, Some(body))
                },
            ),
        )
        .route(
            "/environments/{envID}/activities/{activityID}",
            get(|State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                let ctx = ctx(s, &ACTIVITIES, p, &q, c)?;
                let id = ctx.param("activityID").to_owned();
                crud::read(&ctx, &id).map(hal::ok)
            }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> ApiResult<Filter> {
        normalize(Filter::parse(text)?)
    }

    #[test]
    fn accepts_pingone_filters_and_writes_times_as_stored() {
        let f = check(r#"recordedat gt "2018-01-01T00:00:00Z" AND action.type eq "USER.CREATED""#)
            .unwrap();
        let stored =
            json!({"recordedAt": "2018-01-01T00:00:00.500Z", "action": {"type": "USER.CREATED"}});
        assert!(f.matches(&stored));
        let earlier =
            json!({"recordedAt": "2017-12-31T23:59:59.999Z", "action": {"type": "USER.CREATED"}});
        assert!(!f.matches(&earlier));
        assert!(
            check(r#"resources.id eq "a" and (action.type eq "AGREEMENT_CONSENT.ACCEPTED")"#)
                .is_ok()
        );
    }

    #[test]
    fn refuses_what_pingone_refuses() {
        for bad in [
            r#"name eq "x""#,
            r#"action.type co "USER""#,
            r#"recordedat gt "yesterday""#,
            r#"not (action.type eq "USER.CREATED")"#,
        ] {
            let err = check(bad).unwrap_err();
            assert_eq!(err.details[0].code, "INVALID_FILTER", "{bad}");
        }
    }
}
