//! The organization (`/v1/organizations`) and its licenses, read-only as in PingOne: the
//! sandbox seeds one of each.

use serde_json::{Value, json};

use super::spec::{Ctx, Hooks, Ops, Plain, Scope, Spec};
use crate::sandbox::store::Store;

struct LicenseHooks;

impl Hooks for LicenseHooks {
    fn present(&self, ctx: &Ctx, store: &Store, doc: &mut Value) {
        let id = doc["id"].clone();
        let count = store
            .list(&ctx.state.org_id, "environments")
            .filter(|e| e["license"]["id"] == id)
            .count();
        doc["assignedEnvironmentsCount"] = json!(count);
    }
}

static LICENSE_HOOKS: LicenseHooks = LicenseHooks;

pub static ORGANIZATIONS: Spec = Spec {
    name: "organizations",
    path: "/organizations",
    id_param: "orgID",
    scope: Scope::Root,
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: None,
    env_ref: false,
    timestamps: true,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
};

pub static LICENSES: Spec = Spec {
    name: "licenses",
    path: "/organizations/{orgID}/licenses",
    id_param: "licenseID",
    scope: Scope::Org,
    owner: Some("organization"),
    hooks: &LICENSE_HOOKS,
    ..ORGANIZATIONS
};
