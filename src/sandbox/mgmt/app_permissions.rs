//! PingOne Authorize application permissions: application resources (created below a custom
//! resource, `POST /resources/{resourceID}/applicationResources`, read at
//! `/applicationResources`), their permissions (`action`, shown with `key` =
//! `resourceName:action`), application roles, the permissions a role holds
//! (`POST /applicationRoles/{appRoleID}/permissions {"id"}`) and the roles a user holds
//! (`POST /users/{userID}/applicationRoles {"id"}`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::{delete, post};
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::crud::{self, ctx, view};
use super::error::{ApiError, ApiResult};
use super::hal;
use super::spec::{Ctx, Hooks, Kind, Ops, Params, Plain, Scope, Spec};
use super::validate::text;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

/// Store name (and `_embedded` key) of a user's application role assignments; their ids are
/// the roles' ids, so it is one of the store's reference collections.
pub const USER_ROLE_ASSIGNMENTS: &str = "applicationRoleAssignments";

const READ_DELETE: Ops = Ops {
    create: false,
    update: false,
    delete: true,
};

struct ResourceHooks;

impl Hooks for ResourceHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        if existing.is_none()
            && let Some(resource) = ctx.params.get("resourceID")
        {
            doc.insert(
                "parent".into(),
                json!({ "type": "PING_ONE_RESOURCE", "id": resource }),
            );
        }
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![("permissions", format!("{me}/permissions"))]
    }
}

/// Application resources, stored per environment; created and deleted below their resource.
pub static APPLICATION_RESOURCES: Spec = Spec {
    name: "applicationResources",
    path: "/environments/{envID}/applicationResources",
    id_param: "appResourceID",
    scope: Scope::Env,
    required: &["name"],
    enums: &[],
    kinds: &[("name", Kind::Str), ("description", Kind::Str)],
    unique: &["name"],
    read_only: &["parent"],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::READ_ONLY,
    hooks: &ResourceHooks,
};

struct PermissionHooks;

impl Hooks for PermissionHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let id = ctx.parent_id.as_deref().unwrap_or_default();
        let name = store
            .get(ctx.env(), "applicationResources", id)
            .and_then(|r| r["name"].as_str())
            .unwrap_or_default()
            .to_owned();
        let action = text(doc, "action").unwrap_or_default().to_owned();
        doc.insert("key".into(), json!(format!("{name}:{action}")));
        doc.insert("resource".into(), json!({ "id": id, "name": name }));
        Ok(())
    }
}

/// The actions an application resource protects.
pub static APPLICATION_PERMISSIONS: Spec = Spec {
    name: "permissions",
    path: "/environments/{envID}/applicationResources/{appResourceID}/permissions",
    id_param: "permissionID",
    scope: Scope::Parents(&[("appResourceID", "applicationResources")]),
    required: &["action"],
    kinds: &[("action", Kind::Str), ("description", Kind::Str)],
    unique: &["action"],
    read_only: &["key", "resource"],
    timestamps: false,
    ops: Ops::ALL,
    hooks: &PermissionHooks,
    ..APPLICATION_RESOURCES
};

struct RoleHooks;

impl Hooks for RoleHooks {
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        // Users lose the role; its permission list goes with it (the role owns that scope).
        let role = doc["id"].as_str().unwrap_or_default();
        let users: Vec<String> = store
            .list(ctx.env(), "users")
            .filter_map(|u| u["id"].as_str().map(str::to_owned))
            .collect();
        for user in users {
            store.remove(&user, USER_ROLE_ASSIGNMENTS, role);
        }
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![("permissions", format!("{me}/permissions"))]
    }
}

pub static APPLICATION_ROLES: Spec = Spec {
    name: "applicationRoles",
    path: "/environments/{envID}/applicationRoles",
    id_param: "appRoleID",
    scope: Scope::Env,
    ops: Ops::ALL,
    read_only: &[],
    hooks: &RoleHooks,
    ..APPLICATION_RESOURCES
};

/// The permissions a role holds: copies of the permissions, under their own ids.
pub static ROLE_PERMISSIONS: Spec = Spec {
    name: "permissions",
    path: "/environments/{envID}/applicationRoles/{appRoleID}/permissions",
    id_param: "permissionID",
    scope: Scope::Parents(&[("appRoleID", "applicationRoles")]),
    required: &["id"],
    kinds: &[],
    unique: &[],
    read_only: &[],
    timestamps: false,
    ops: READ_DELETE,
    hooks: &Plain,
    ..APPLICATION_RESOURCES
};

/// The application roles a user holds, under the roles' ids.
pub static USER_APPLICATION_ROLES: Spec = Spec {
    name: USER_ROLE_ASSIGNMENTS,
    path: "/environments/{envID}/users/{userID}/applicationRoles",
    id_param: "applicationRoleID",
    scope: Scope::Parents(&[("userID", "users")]),
    ..ROLE_PERMISSIONS
};

type St = State<Arc<SandboxState>>;

/// The generic handlers of every collection here, the creates below a resource and the two
/// `{"id"}` links.
pub fn routes() -> Router<Arc<SandboxState>> {
    let nested = "/environments/{envID}/resources/{resourceID}/applicationResources";
    let mut router = Router::new()
        .route(
            nested,
            post(
                |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    create_resource(&ctx(s, &APPLICATION_RESOURCES, p, &q, c)?, b)
                },
            ),
        )
        .route(
            &format!("{nested}/{{appResourceID}}"),
            delete(
                |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    delete_resource(&ctx(s, &APPLICATION_RESOURCES, p, &q, c)?)
                },
            ),
        );
    for spec in [
        &APPLICATION_RESOURCES,
        &APPLICATION_PERMISSIONS,
        &APPLICATION_ROLES,
    ] {
        router = router.merge(crud::routes(spec));
    }
    for spec in [&ROLE_PERMISSIONS, &USER_APPLICATION_ROLES] {
        router = router.merge(crud::routes(spec)).route(
            spec.path,
            post(
                move |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    link(&ctx(s, spec, p, &q, c)?, &b.object()?)
                },
            ),
        );
    }
    router
}

/// The custom resource named in the path, or 404.
fn parent_resource(ctx: &Ctx, store: &Store) -> ApiResult<String> {
    let id = ctx.param("resourceID");
    store
        .get(ctx.env(), "resources", id)
        .map(|_| id.to_owned())
        .ok_or_else(ApiError::not_found)
}

fn create_resource(ctx: &Ctx, body: Body) -> ApiResult<Response> {
    let body = body.object()?;
    let mut store = ctx.state.store();
    parent_resource(ctx, &store)?;
    let doc = crud::insert(ctx, &mut store, body)?;
    Ok(hal::created(view(ctx, &store, &doc)))
}

fn delete_resource(ctx: &Ctx) -> ApiResult<Response> {
    let resource = {
        let store = ctx.state.store();
        parent_resource(ctx, &store)?
    };
    let id = ctx.param("appResourceID");
    let belongs = ctx
        .state
        .store()
        .get(ctx.env(), "applicationResources", id)
        .is_some_and(|d| d["parent"]["id"] == resource.as_str());
    if !belongs {
        return Err(ApiError::not_found());
    }
    crud::delete(ctx, id)
}

/// `POST {"id"}`: a role takes a permission, or a user takes a role.
fn link(ctx: &Ctx, body: &Map<String, Value>) -> ApiResult<Response> {
    let id = text(body, "id").ok_or_else(|| ApiError::required("id"))?;
    let owner = ctx.parent_id.clone().unwrap_or_default();
    let mut store = ctx.state.store();
    let doc = if ctx.spec.name == USER_ROLE_ASSIGNMENTS {
        let role = store
            .get(ctx.env(), "applicationRoles", id)
            .ok_or_else(|| missing("application role"))?;
        let mut doc = json!({ "id": id, "environment": hal::id_ref(ctx.env()) });
        for field in ["name", "description"] {
            if let Some(v) = role.get(field) {
                doc[field] = v.clone();
            }
        }
        doc
    } else {
        find_permission(&store, ctx.env(), id).ok_or_else(|| missing("permission"))?
    };
    if store.get(&owner, ctx.spec.name, id).is_some() {
        return Err(ApiError::not_unique("id", "It is already assigned"));
    }
    store.put(&owner, ctx.spec.name, doc.clone());
    Ok(hal::created(view(ctx, &store, &doc)))
}

fn missing(what: &str) -> ApiError {
    ApiError::invalid_value("INVALID_VALUE", "id", format!("The {what} does not exist"))
}

/// Drops the application resources of a deleted custom resource, with their permissions.
pub fn drop_children(store: &mut Store, env: &str, resource: &str) {
    let children: Vec<String> = store
        .list(env, "applicationResources")
        .filter(|r| r["parent"]["id"] == resource)
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    for child in children {
        store.remove(env, "applicationResources", &child);
        store.drop_tree(&child);
    }
}

/// A permission of any application resource of the environment.
fn find_permission(store: &Store, env: &str, id: &str) -> Option<Value> {
    store
        .list(env, "applicationResources")
        .filter_map(|r| r["id"].as_str())
        .find_map(|r| store.get(r, "permissions", id).cloned())
}
