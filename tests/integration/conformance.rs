//! Conformance: every management-API response the tutorials rely on, checked against the
//! JSON schemas of the community PingOne OpenAPI documents in `shared/reference/openapi/`.
//!
//! Each test drives a fresh sandbox over HTTP through `checker::Conformance`, which finds
//! the operation by path template and method, picks the schema for the status and media
//! type, and collects every violation; the test ends by asserting there are none. The
//! documents are parsed once per test binary. Where the documents contradict PingOne's
//! published reference, `exceptions` says so, one named entry at a time.

#[path = "conformance/checker.rs"]
mod checker;
#[path = "conformance/exceptions.rs"]
mod exceptions;
#[path = "conformance/openapi.rs"]
mod openapi;

#[path = "conformance/applications.rs"]
mod applications;
#[path = "conformance/configuration.rs"]
mod configuration;
#[path = "conformance/directory.rs"]
mod directory;

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
