//! The few places where the community OpenAPI documents disagree with PingOne's published
//! API (PingOne's developer documentation). The sandbox follows PingOne;
//! each entry names what the spec says instead and why it is wrong.

use serde_json::{Value, json};

/// How the spec and PingOne differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// For `method template`, PingOne answers `sandbox`; the spec declares `spec` with the
    /// same body.
    Status {
        method: &'static str,
        template: &'static str,
        sandbox: u16,
        spec: u16,
    },
    /// For `method template`, PingOne answers `status` (a redirect, no body) where the spec
    /// declares only the content found at the redirect's target.
    Redirect {
        method: &'static str,
        template: &'static str,
        status: u16,
    },
    /// `property` of `schema` is a secret PingOne accepts but never returns; the spec lists
    /// it as required without marking it `writeOnly`. The test applies OpenAPI's `writeOnly`
    /// rule: not required in a response, and never present in one.
    WriteOnly {
        schema: &'static str,
        property: &'static str,
    },
    /// `method template` is an operation PingOne documents and a tutorial calls, but neither
    /// document describes it (so nothing it sends or answers can be checked).
    Undescribed {
        method: &'static str,
        template: &'static str,
    },
    /// The request body a tutorial sends to `method template` as `media` is PingOne's, and the
    /// spec's request schema for it is wrong (named in the reason).
    RequestBody {
        method: &'static str,
        template: &'static str,
        media: &'static str,
    },
}

/// One allowed difference.
#[derive(Debug)]
pub struct Exception {
    pub kind: Kind,
    pub reason: &'static str,
}

/// Every allowed difference; keep this list short and every reason checkable.
pub const EXCEPTIONS: &[Exception] = &[
    Exception {
        kind: Kind::Status {
            method: "POST",
            template: "/environments/{environmentID}/identityProviders",
            sandbox: 201,
            spec: 200,
        },
        reason: "CREATE Identity Provider answers 201 Created like every PingOne create \
                 (PingOne API reference, Representations: \"Create returns 201 Created\"); the spec's 200 is a slip",
    },
    Exception {
        kind: Kind::Status {
            method: "POST",
            template: "/environments/{environmentID}/users/{userID}/devices",
            sandbox: 201,
            spec: 200,
        },
        reason: "the MFA spec gives this path's one POST to SET Device Order (200, \
                 devices.reorder+json); CREATE MFA User Device, the call the tutorials \
                 make, answers 201 with the device (PingOne API reference, Create MFA User Device: \"201 (EMAIL example)\")",
    },
    Exception {
        kind: Kind::Redirect {
            method: "GET",
            template: "/environments/{environmentID}/integrations/{integrationID}/versions/{integrationVersionID}/asset",
            status: 307,
        },
        reason: "the asset call redirects to a time-limited presigned URL with 307 Temporary \
                 Redirect, and that URL serves the zip (PingOne API reference, Download One \
                 Integration Version Asset; workflow library, Download an Integration Binary, \
                 step 4); the spec describes only the zip's 200",
    },
    Exception {
        kind: Kind::WriteOnly {
            schema: "GatewayTypeLDAP",
            property: "bindPassword",
        },
        reason: "PingOne takes an LDAP gateway's bindPassword on create and update but never \
                 sends it back; the spec's one schema for both directions requires it",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/applicationRoles",
        },
        reason: "PingOne Authorize's application roles (PingOne API reference, Application \
                 Roles; workflow library, Create application roles and permissions) are not in \
                 the management document",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/applicationRoles/{}",
        },
        reason: "PingOne Authorize's application roles (PingOne API reference, Application \
                 Roles) are not in the management document",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/applicationRoles/{}/permissions",
        },
        reason: "an application role's permissions (PingOne API reference, Application Role \
                 Permissions) are not in the management document",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/applicationResources/{}/permissions",
        },
        reason: "an application resource's permissions (PingOne API reference, Application \
                 Resource Permissions) are not in the management document",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/riskPolicySets",
        },
        reason: "risk policy sets belong to PingOne Protect's API (PingOne API reference, \
                 Risk Policies); neither document here describes PingOne Protect",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/riskPolicySets/{}",
        },
        reason: "risk policy sets belong to PingOne Protect's API (PingOne API reference, \
                 Risk Policies); neither document here describes PingOne Protect",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/riskEvaluations",
        },
        reason: "risk evaluations belong to PingOne Protect's API (PingOne API reference, \
                 Risk Evaluations); neither document here describes PingOne Protect",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/riskEvaluations/{}",
        },
        reason: "risk evaluations belong to PingOne Protect's API (PingOne API reference, \
                 Risk Evaluations); neither document here describes PingOne Protect",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "*",
            template: "/environments/{}/riskEvaluations/{}/event",
        },
        reason: "updating a risk evaluation's event belongs to PingOne Protect's API \
                 (PingOne API reference, Update Risk Evaluation); neither document describes it",
    },
    Exception {
        kind: Kind::Undescribed {
            method: "POST",
            template: "/environments/{}/propagation/plans/{}/rules",
        },
        reason: "the Workday tutorial posts its rules to the plan (workflow library, Create a \
                 Workday Propagation Connection, steps 7 and 8); the spec has only \
                 /propagation/rules, which the conformance test drives with the same body",
    },
    Exception {
        kind: Kind::RequestBody {
            method: "PATCH",
            template: "/environments/{environmentID}/users/{userID}",
            media: "application/json",
        },
        reason: "UPDATE User (PATCH) sends only the attributes to change (PingOne API \
                 reference, Update User (PATCH)); the spec gives it the create schema, with \
                 username and email required",
    },
    Exception {
        kind: Kind::RequestBody {
            method: "PUT",
            template: "/environments/{environmentID}/users/{userID}/password",
            media: "application/vnd.pingidentity.password.set+json",
        },
        reason: "Update User Password (Set) is sent as application/vnd.pingidentity.password.set+json \
                 (PingOne API reference, Update Password (Set)); the spec declares only \
                 application/json for the path",
    },
    Exception {
        kind: Kind::RequestBody {
            method: "PUT",
            template: "/environments/{environmentID}/users/{userID}/password",
            media: "application/vnd.pingidentity.password.reset+json",
        },
        reason: "Update User Password (Self) is sent as \
                 application/vnd.pingidentity.password.reset+json (PingOne API reference, \
                 Update Password (Self)); the spec declares only application/json",
    },
    Exception {
        kind: Kind::RequestBody {
            method: "POST",
            template: "/environments/{environmentID}/users/{userID}/password",
            media: "application/vnd.pingidentity.password.check+json",
        },
        reason: "Password Check is sent as application/vnd.pingidentity.password.check+json \
                 (PingOne API reference, Password Check); the spec declares only application/json",
    },
    Exception {
        kind: Kind::RequestBody {
            method: "POST",
            template: "/environments/{environmentID}/propagation/stores",
            media: "application/json",
        },
        reason: "a directory writeback store takes only type and name (workflow library, \
                 Create a Workday Propagation Connection, step 6: type and name required, no \
                 configuration); the spec requires configuration of every store",
    },
];

/// The exception for an operation neither document describes, if one was allowed: `path` is
/// concrete, each `{}` of an entry's template stands for one segment.
pub fn undescribed(method: &str, path: &str) -> Option<&'static Exception> {
    let segments: Vec<&str> = path.split('/').collect();
    EXCEPTIONS.iter().find(|e| match e.kind {
        Kind::Undescribed {
            method: m,
            template,
        } => {
            let parts: Vec<&str> = template.split('/').collect();
            (m == "*" || m == method)
                && parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| *p == "{}" && !s.is_empty() || p == s)
        }
        _ => false,
    })
}

/// The exception for a request body the spec's schema does not hold, if one was allowed.
pub fn request_body(method: &str, template: &str, media: &str) -> Option<&'static Exception> {
    EXCEPTIONS.iter().find(|e| {
        matches!(e.kind, Kind::RequestBody { method: m, template: t, media: x }
            if m == method && t == template && x == media)
    })
}

/// The exception for a status the spec does not declare, if one was allowed.
pub fn status(method: &str, template: &str, sandbox: u16) -> Option<(u16, &'static Exception)> {
    EXCEPTIONS.iter().find_map(|e| match e.kind {
        Kind::Status {
            method: m,
            template: t,
            sandbox: s,
            spec,
        } if m == method && t == template && s == sandbox => Some((spec, e)),
        _ => None,
    })
}

/// The exception for a bodiless redirect the spec does not declare, if one was allowed.
pub fn redirect(method: &str, template: &str, status: u16) -> Option<&'static Exception> {
    EXCEPTIONS.iter().find(|e| {
        matches!(e.kind, Kind::Redirect { method: m, template: t, status: s }
            if m == method && t == template && s == status)
    })
}

/// Applies every `WriteOnly` exception to a parsed document, in place: the property leaves
/// the schema's `required` lists, and its own schema becomes one nothing satisfies.
pub fn apply_write_only(root: &mut Value) {
    for exception in EXCEPTIONS {
        let Kind::WriteOnly { schema, property } = exception.kind else {
            continue;
        };
        // Each document has its own components; the schema lives in one of them.
        let Some(target) = root.pointer_mut(&format!("/components/schemas/{schema}")) else {
            continue;
        };
        let parts: Vec<&mut Value> = if target.get("allOf").is_some_and(Value::is_array) {
            target["allOf"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .collect()
        } else {
            vec![target]
        };
        for part in parts {
            if let Some(required) = part.get_mut("required").and_then(Value::as_array_mut) {
                required.retain(|r| r != property);
            }
            if let Some(found) = part.pointer_mut(&format!("/properties/{property}")) {
                *found = json!({"not": {}, "description": "write-only: never in a response"});
            }
        }
    }
}

/// The schemas `WriteOnly` exceptions name, to check each exists in some document.
pub fn write_only_schemas() -> impl Iterator<Item = &'static str> {
    EXCEPTIONS.iter().filter_map(|e| match e.kind {
        Kind::WriteOnly { schema, .. } => Some(schema),
        _ => None,
    })
}

/// Whether a violation at `pointer` is a `WriteOnly` property, which a request may carry.
pub fn is_write_only(pointer: &str) -> bool {
    EXCEPTIONS.iter().any(|e| match e.kind {
        Kind::WriteOnly { property, .. } => pointer.rsplit('/').next() == Some(property),
        _ => false,
    })
}
