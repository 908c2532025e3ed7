//! Groups (`/environments/{envID}/groups`) and memberships: a user's groups
//! (`/users/{userID}/memberOfGroups`, store scope = user id) and a group's parent groups
//! (`/groups/{groupID}/memberOfGroups`, store scope = group id). A membership document is
//! `{id: <group id>, environment, type: "DIRECT"}`; the group's name is added on read.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::post;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::crud::{self, ctx, view};
use super::error::{ApiError, ApiResult};
use super::hal;
use super::spec::{Ctx, Hooks, Kind, Ops, Params, Scope, Spec};
use super::validate::text;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

const MEMBERSHIPS: &str = "memberOfGroups";

fn direct_members(store: &Store, env: &str, group: &Value) -> usize {
    store
        .list(env, "users")
        .filter(|u| {
            let id = u["id"].as_str().unwrap_or_default();
            store
                .get(id, MEMBERSHIPS, group["id"].as_str().unwrap_or_default())
                .is_some()
        })
        .count()
}

/// Members of the group and of every group nested in it.
fn total_members(store: &Store, env: &str, group_id: &str) -> usize {
    let mut groups = vec![group_id.to_owned()];
    let mut i = 0;
    while i < groups.len() {
        let parent = groups[i].clone();
        for g in store.list(env, "groups") {
            let id = g["id"].as_str().unwrap_or_default();
            if store.get(id, MEMBERSHIPS, &parent).is_some() && !groups.iter().any(|x| x == id) {
                groups.push(id.to_owned());
            }
        }
        i += 1;
    }
    store
        .list(env, "users")
        .filter(|u| {
            let id = u["id"].as_str().unwrap_or_default();
            groups
                .iter()
                .any(|g| store.get(id, MEMBERSHIPS, g).is_some())
        })
        .count()
}

struct GroupHooks;

impl Hooks for GroupHooks {
    /// `population` is a reference: `{id}` and nothing else (an empty object or a non-string
    /// id is PingOne's 400, not a group stored with garbage).
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        match super::populations::reference(doc, "population") {
            Some(detail) => Err(ApiError::invalid(vec![detail])),
            None => Ok(()),
        }
    }
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        if let Some(pop) = text(doc, "population.id")
            && store.get(ctx.env(), "populations", pop).is_none()
        {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "population.id",
                "The population does not exist",
            ));
        }
        Ok(())
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        let id = doc["id"].as_str().unwrap_or_default();
        let holders: Vec<String> = store
            .list(ctx.env(), "users")
            .chain(store.list(ctx.env(), "groups"))
            .filter_map(|d| d["id"].as_str().map(str::to_owned))
            .collect();
        for holder in holders {
            store.remove(&holder, MEMBERSHIPS, id);
        }
        Ok(())
    }
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        let direct = direct_members(store, ctx.env(), doc);
        doc["directMemberCounts"] = json!({ "users": direct });
        if ctx.query.includes("totalMemberCounts") {
            let id = doc["id"].as_str().unwrap_or_default().to_owned();
            doc["totalMemberCounts"] = json!({ "users": total_members(store, ctx.env(), &id) });
        }
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![
            ("memberOfGroups", format!("{me}/memberOfGroups")),
            ("roleAssignments", format!("{me}/roleAssignments")),
        ]
    }
}

struct MembershipHooks;

impl Hooks for MembershipHooks {
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        let id = doc["id"].as_str().unwrap_or_default().to_owned();
        if let Some(group) = store.get(ctx.env(), "groups", &id) {
            doc["name"] = group["name"].clone();
            let href = format!("{}/groups/{id}", ctx.env_href());
            doc["_embedded"] = json!({ "group": hal::with_links(group, &[("self", href)]) });
        }
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let id = doc["id"].as_str().unwrap_or_default();
        let mut links = vec![("group", format!("{}/groups/{id}", ctx.env_href()))];
        // A user's membership links back to the user, as PingOne's Add User to Group shows.
        if ctx.spec.path == USER_MEMBERSHIPS.path {
            links.push(("user", ctx.parent_href()));
        }
        links
    }
}

pub static GROUPS: Spec = Spec {
    name: "groups",
    path: "/environments/{envID}/groups",
    id_param: "groupID",
    scope: Scope::Env,
    required: &["name"],
    enums: &[],
    kinds: &[
        ("name", Kind::Str),
        ("description", Kind::Str),
        ("population", Kind::Object),
        ("customData", Kind::Object),
    ],
    unique: &["name"],
    read_only: &[
        "directMemberCounts",
        "totalMemberCounts",
        "displayName",
        "sourceId",
        "sourceType",
    ],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &GroupHooks,
};

const LIST_READ_DELETE: Ops = Ops {
    create: false,
    update: false,
    delete: true,
};

pub static USER_MEMBERSHIPS: Spec = Spec {
    name: MEMBERSHIPS,
    path: "/environments/{envID}/users/{userID}/memberOfGroups",
    id_param: "groupID",
    scope: Scope::Parents(&[("userID", "users")]),
    required: &["id"],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: None,
    env_ref: true,
    timestamps: false,
    ops: LIST_READ_DELETE,
    hooks: &MembershipHooks,
};

pub static GROUP_MEMBERSHIPS: Spec = Spec {
    path: "/environments/{envID}/groups/{groupID}/memberOfGroups",
    id_param: "parentGroupID",
    scope: Scope::Parents(&[("groupID", "groups")]),
    ..USER_MEMBERSHIPS
};

type St = State<Arc<SandboxState>>;

/// `GET`/`DELETE` from the generic handlers, plus `POST {"id": groupID}` to join a group.
pub fn membership_routes() -> Router<Arc<SandboxState>> {
    let mut router = Router::new();
    for spec in [&USER_MEMBERSHIPS, &GROUP_MEMBERSHIPS] {
        router = router.merge(crud::routes(spec)).route(
            spec.path,
            post(
                move |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    let ctx = ctx(s, spec, p, &q, c)?;
                    join(&ctx, &b.object()?)
                },
            ),
        );
    }
    router
}

fn join(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<axum::response::Response> {
    let group_id = text(body, "id")
        .ok_or_else(|| ApiError::required("id"))?
        .to_owned();
    let member = ctx.parent_id.clone().unwrap_or_default();
    let mut store = ctx.state.store();
    let group = store
        .get(ctx.env(), "groups", &group_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::invalid_value("INVALID_VALUE", "id", "The group does not exist")
        })?;
    if group_id == member {
        return Err(ApiError::invalid_value(
            "INVALID_VALUE",
            "id",
            "A group cannot contain itself",
        ));
    }
    if let Some(pop) = group["population"]["id"].as_str()
        && let Some(user) = store.get(ctx.env(), "users", &member)
        && user["population"]["id"] != pop
    {
        return Err(ApiError::invalid_value(
            "INVALID_VALUE",
            "id",
            "The group belongs to another population than the user",
        ));
    }
    if store.get(&member, MEMBERSHIPS, &group_id).is_some() {
        return Err(ApiError::not_unique("id", "Already a member of this group"));
    }
    let doc = json!({ "id": group_id, "environment": hal::id_ref(ctx.env()), "type": "DIRECT" });
    store.put(&member, MEMBERSHIPS, doc.clone());
    Ok(hal::created(view(ctx, &store, &doc)))
}
