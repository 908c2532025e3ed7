//! Role assignments of users, applications, groups and gateways
//! (`.../{actor}/roleAssignments`, store scope = the actor's id). A worker application's
//! assignments are what lets its tokens call `/v1`.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::hal::{self, id_ref};
use super::roles;
use super::spec::{Ctx, Hooks, Kind, Ops, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

const SCOPE_TYPES: &[&str] = &["ORGANIZATION", "ENVIRONMENT", "POPULATION", "APPLICATION"];

/// Adds an assignment directly (seeding, environment creation).
pub fn grant(
    store: &mut Store,
    actor_id: &str,
    env_id: &str,
    role_id: &str,
    scope_type: &str,
    scope_id: &str,
) {
    let exists = store.list(actor_id, "roleAssignments").any(|a| {
        a["role"]["id"] == role_id
            && a["scope"]["id"] == scope_id
            && a["scope"]["type"] == scope_type
    });
    if exists {
        return;
    }
    store.put(
        actor_id,
        "roleAssignments",
        json!({
            "id": hal::new_id(),
            "environment": id_ref(env_id),
            "role": id_ref(role_id),
            "scope": { "id": scope_id, "type": scope_type },
            "readOnly": false,
            "createdAt": hal::now(),
        }),
    );
}

struct AssignmentHooks;

impl Hooks for AssignmentHooks {
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let role_id = text(doc, "role.id").unwrap_or_default();
        let role = roles::find(store, ctx.env(), role_id).ok_or_else(|| {
            ApiError::invalid_value("INVALID_VALUE", "role.id", "The role does not exist")
        })?;
        let scope_type = text(doc, "scope.type").unwrap_or_default();
        let scope_id = text(doc, "scope.id").unwrap_or_default();
        let applicable = role["applicableTo"]
            .as_array()
            .is_none_or(|a| a.iter().any(|t| t == scope_type));
        if !applicable {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "scope.type",
                format!("The role cannot be assigned at the {scope_type} scope"),
            ));
        }
        if !scope_exists(ctx, store, scope_type, scope_id) {
            return Err(ApiError::invalid_value(
                "INVALID_VALUE",
                "scope.id",
                "The scope of the role assignment does not exist",
            ));
        }
        let duplicate = store.list(&ctx.scope, "roleAssignments").any(|a| {
            a["role"]["id"] == role_id
                && a["scope"]["id"] == scope_id
                && a["scope"]["type"] == scope_type
        });
        if duplicate {
            return Err(ApiError::not_unique(
                "role",
                "May not assign duplicate Role",
            ));
        }
        Ok(())
    }
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.insert("readOnly".into(), json!(false));
        Ok(())
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let role = doc["role"]["id"].as_str().unwrap_or_default();
        vec![("role", format!("{}/roles/{role}", ctx.api()))]
    }
}

fn scope_exists(ctx: &Ctx, store: &Store, scope_type: &str, scope_id: &str) -> bool {
    let org = &ctx.state.org_id;
    match scope_type {
        "ORGANIZATION" => scope_id == org,
        "ENVIRONMENT" => store.get(org, "environments", scope_id).is_some(),
        "POPULATION" => store.get(ctx.env(), "populations", scope_id).is_some(),
        "APPLICATION" => store.get(ctx.env(), "applications", scope_id).is_some(),
        _ => false,
    }
}

static HOOKS: AssignmentHooks = AssignmentHooks;

pub static USER_ROLE_ASSIGNMENTS: Spec = Spec {
    name: "roleAssignments",
    path: "/environments/{envID}/users/{userID}/roleAssignments",
    id_param: "roleAssignmentID",
    scope: Scope::Parents(&[("userID", "users")]),
    required: &["role.id", "scope.id", "scope.type"],
    enums: &[("scope.type", SCOPE_TYPES)],
    kinds: &[("role", Kind::Object), ("scope", Kind::Object)],
    unique: &[],
    read_only: &["readOnly"],
    owner: None,
    env_ref: true,
    timestamps: false,
    ops: Ops::NO_UPDATE,
    hooks: &HOOKS,
};

pub static APP_ROLE_ASSIGNMENTS: Spec = Spec {
    path: "/environments/{envID}/applications/{appID}/roleAssignments",
    scope: Scope::Parents(&[("appID", "applications")]),
    ..USER_ROLE_ASSIGNMENTS
};

pub static GROUP_ROLE_ASSIGNMENTS: Spec = Spec {
    path: "/environments/{envID}/groups/{groupID}/roleAssignments",
    scope: Scope::Parents(&[("groupID", "groups")]),
    ..USER_ROLE_ASSIGNMENTS
};

pub static GATEWAY_ROLE_ASSIGNMENTS: Spec = Spec {
    path: "/environments/{envID}/gateways/{gatewayID}/roleAssignments",
    scope: Scope::Parents(&[("gatewayID", "gateways")]),
    ..USER_ROLE_ASSIGNMENTS
};
