//! PingOne's built-in administrator roles (`GET /v1/roles`), seeded once per sandbox, and
//! the custom roles an environment may add.

use serde_json::{Map, Value, json};

use super::error::ApiResult;
use super::hal;
use super::spec::{Ctx, Hooks, Kind, Ops, Plain, ROOT, Scope, Spec};
use crate::sandbox::store::Store;

pub const ORGANIZATION_ADMIN: &str = "Organization Admin";
pub const ENVIRONMENT_ADMIN: &str = "Environment Admin";
pub const IDENTITY_DATA_ADMIN: &str = "Identity Data Admin";
pub const CLIENT_APPLICATION_DEVELOPER: &str = "Client Application Developer";

const ORG: &str = "ORGANIZATION";
const ENV: &str = "ENVIRONMENT";
const POP: &str = "POPULATION";
const APP: &str = "APPLICATION";

/// (name, description, applicableTo, a few of its permissions).
const BUILTIN: &[(&str, &str, &[&str], &[&str])] = &[
    (
        ORGANIZATION_ADMIN,
        "Manages the organization and its environments.",
        &[ORG],
        &[
            "orgmgt:create:environment",
            "orgmgt:read:license",
            "orgmgt:read:organization",
        ],
    ),
    (
        ENVIRONMENT_ADMIN,
        "Manages environment configuration.",
        &[ORG, ENV],
        &[
            "orgmgt:read:environment",
            "orgmgt:update:environment",
            "templates:create:content",
        ],
    ),
    (
        IDENTITY_DATA_ADMIN,
        "Manages users, groups and populations.",
        &[ENV, POP],
        &[
            "identity:create:user",
            "identity:read:user",
            "identity:update:user",
        ],
    ),
    (
        "Identity Data Read Only",
        "Reads identity data.",
        &[ENV, POP],
        &["identity:read:user"],
    ),
    (
        CLIENT_APPLICATION_DEVELOPER,
        "Manages applications.",
        &[ENV],
        &[
            "apps:create:application",
            "apps:read:application",
            "apps:read:applicationSecret",
        ],
    ),
    (
        "Configuration Read Only",
        "Reads environment configuration.",
        &[ENV],
        &["orgmgt:read:environment"],
    ),
    (
        "Help Desk Admin",
        "Resets passwords and unlocks accounts.",
        &[ENV, POP],
        &["identity:reset:userPassword"],
    ),
    (
        "Application Owner",
        "Manages the applications it owns.",
        &[APP],
        &["apps:update:application"],
    ),
    (
        "Custom Roles Admin",
        "Manages custom administrator roles.",
        &[ORG, ENV],
        &["authz:create:customRole"],
    ),
    (
        "DaVinci Admin",
        "Manages DaVinci configuration.",
        &[ENV],
        &["davinci:create:flow"],
    ),
    (
        "DaVinci Admin Read Only",
        "Reads DaVinci configuration.",
        &[ENV],
        &["davinci:read:flow"],
    ),
];

/// The built-in roles' names (what a workflow's `[requires]` may name); the workflow
/// checker's test holds its own list to this one.
#[cfg(test)]
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(name, ..)| *name).collect()
}

/// Adds the built-in roles to the store (scope `ROOT`, collection `roles`).
pub fn seed(store: &mut Store) {
    for (name, description, applicable, permissions) in BUILTIN {
        let perms: Vec<Value> = permissions
            .iter()
            .map(|p| json!({ "id": p, "classifier": p, "description": p }))
            .collect();
        store.put(
            ROOT,
            "roles",
            json!({
                "id": hal::new_id(),
                "name": name,
                "description": description,
                "applicableTo": applicable,
                "permissions": perms,
            }),
        );
    }
}

/// The id of a built-in role by name.
pub fn id_of(store: &Store, name: &str) -> Option<String> {
    store
        .find_by(ROOT, "roles", "name", name)
        .and_then(|r| r["id"].as_str())
        .map(str::to_owned)
}

/// The role (built-in, or custom in `env_id`) with this id.
pub fn find<'a>(store: &'a Store, env_id: &str, id: &str) -> Option<&'a Value> {
    store
        .get(ROOT, "roles", id)
        .or_else(|| store.get(env_id, "roles", id))
}

pub static BUILTIN_ROLES: Spec = Spec {
    name: "roles",
    path: "/roles",
    id_param: "roleID",
    scope: Scope::Root,
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

struct CustomRoleHooks;

impl Hooks for CustomRoleHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.insert("type".into(), json!("CUSTOM"));
        doc.entry("permissions").or_insert(json!([]));
        // PingOne always returns who may assign the role (the spec requires the field).
        doc.entry("canBeAssignedBy").or_insert(json!([]));
        Ok(())
    }
}

pub static CUSTOM_ROLES: Spec = Spec {
    name: "roles",
    path: "/environments/{envID}/roles",
    id_param: "roleID",
    scope: Scope::Env,
    required: &["name", "applicableTo"],
    enums: &[("applicableTo", &[ORG, ENV, POP, APP])],
    kinds: &[
        ("name", Kind::Str),
        ("permissions", Kind::Array),
        ("applicableTo", Kind::Array),
    ],
    unique: &["name"],
    read_only: &["type"],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &CustomRoleHooks,
};
