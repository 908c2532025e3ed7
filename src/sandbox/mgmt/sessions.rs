//! A user's sign-on sessions (`/users/{userID}/sessions`, store scope = user id). The auth
//! host creates them when a flow completes; deleting one over `/v1` ends it (the auth host
//! treats a session whose document is gone as signed off).

use super::spec::{Ops, Plain, Scope, Spec};

pub static SESSIONS: Spec = Spec {
    name: "sessions",
    path: "/environments/{envID}/users/{userID}/sessions",
    id_param: "sessionID",
    scope: Scope::Parents(&[("userID", "users")]),
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: Some("user"),
    env_ref: true,
    timestamps: false,
    ops: Ops {
        create: false,
        update: false,
        delete: true,
    },
    hooks: &Plain,
};
