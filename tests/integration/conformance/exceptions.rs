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
];

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
        Kind::Status { .. } | Kind::Redirect { .. } => None,
    })
}
