//! Conformance: every management-API response the tutorials rely on, checked against the
//! JSON schemas of the community PingOne OpenAPI documents in `tests/openapi/`.
//!
//! Each test drives a fresh sandbox over HTTP through `checker::Conformance`, which finds
//! the operation by path template and method, picks the schema for the status and media
//! type, and collects every violation; the test ends by asserting there are none. The
//! documents are parsed once per test binary. Where the documents contradict PingOne's
//! published reference, `exceptions` says so, one named entry at a time.

mod checker;
mod discriminators;
mod exceptions;
mod openapi;

mod applications;
mod configuration;
mod directory;
mod federation;
mod services;

use serde_json::json;

/// The checker must be able to fail: a user whose `enabled` is a string and whose
/// `lifecycle.status` is not one of PingOne's values breaks the `User` schema.
#[test]
fn a_body_that_breaks_the_schema_is_reported() {
    let op = openapi::find("GET", "/environments/e/users/u").expect("readUser is in the spec");
    let openapi::Declared::Schema(schema) = op.declared(200, "application/json") else {
        panic!("readUser declares a 200 schema");
    };
    let good = json!({"id": "u", "username": "a", "email": "a@example.com", "enabled": true,
        "lifecycle": {"status": "ACCOUNT_OK"}});
    assert_eq!(openapi::violations(op.doc, schema, &good), vec![]);
    let bad = json!({"id": "u", "username": "a", "email": "a@example.com", "enabled": "yes",
        "lifecycle": {"status": "FINE"}});
    let found = openapi::violations(op.doc, schema, &bad);
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert!(pointers.contains(&"/enabled"), "{found:?}");
    assert!(pointers.contains(&"/lifecycle/status"), "{found:?}");
}

/// With `oneOf` read as `anyOf`, a broken OIDC application must still fail, and the report
/// must name the field of the closest branch rather than only "no branch matched".
#[test]
fn a_broken_branch_of_an_any_of_is_explained() {
    let op = openapi::find("GET", "/environments/e/applications/a").expect("readOneApplication");
    let openapi::Declared::Schema(schema) = op.declared(200, "application/json") else {
        panic!("readOneApplication declares a 200 schema");
    };
    let app = json!({"id": "a", "name": "Web", "enabled": true, "type": "WEB_APP",
        "protocol": "OPENID_CONNECT", "grantTypes": ["AUTHORIZATION_CODE"],
        "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC", "pkceEnforcement": "OPTIONAL"});
    assert_eq!(openapi::violations(op.doc, schema, &app), vec![]);
    let mut bad = app.clone();
    bad["pkceEnforcement"] = json!("MAYBE");
    let found = openapi::violations(op.doc, schema, &bad);
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pointers, ["/pkceEnforcement"], "{found:?}");
}

/// A lax branch must not swallow another kind's body: a progressive-profiling action is
/// held to its own schema, not to `SignOnPolicyActionPingID` (the bare common fields).
#[test]
fn branches_are_selected_by_type() {
    let op = openapi::find("GET", "/environments/e/signOnPolicies/p/actions/a")
        .expect("readOneSignOnPolicyAction");
    let openapi::Declared::Schema(schema) = op.declared(200, "application/json") else {
        panic!("readOneSignOnPolicyAction declares a 200 schema");
    };
    let action = json!({"id": "a", "priority": 1, "type": "PROGRESSIVE_PROFILING",
        "attributes": [{"name": "name.given", "required": false}],
        "preventMultiplePromptsPerFlow": true, "promptIntervalSeconds": 90, "promptText": "More"});
    assert_eq!(openapi::violations(op.doc, schema, &action), vec![]);
    let mut bad = action.clone();
    bad.as_object_mut().unwrap().remove("promptText");
    let found = openapi::violations(op.doc, schema, &bad);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("promptText"), "{found:?}");
}
mod mobile;
mod native_sdk;
mod requests;
