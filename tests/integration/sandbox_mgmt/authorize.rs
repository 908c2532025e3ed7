//! PingOne Authorize application permissions: application resources below a custom
//! resource, their permissions, application roles holding permissions, and the roles a
//! user holds.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

fn id(doc: &Value) -> String {
    doc["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn application_roles_hold_permissions_and_are_assigned_to_users() {
    let api = Api::start().await;
    let env = format!("/environments/{}", api.env());
    let resource = api
        .create(
            &format!("{env}/resources"),
            json!({"name": "Invoicing API", "audience": "https://invoicing.example"}),
        )
        .await;
    let nested = format!("{env}/resources/{}/applicationResources", id(&resource));
    let missing = api
        .post(
            &format!("{env}/resources/nope/applicationResources"),
            json!({"name": "X"}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let app_resource = api.create(&nested, json!({"name": "Invoices"})).await;
    assert_eq!(app_resource["parent"]["type"], "PING_ONE_RESOURCE");
    assert_eq!(app_resource["parent"]["id"], resource["id"]);
    let twice = api.post(&nested, json!({"name": "invoices"})).await;
    assert_eq!(detail_codes(&twice.body)[0].0, "UNIQUENESS_VIOLATION");
    let listed = api.get(&format!("{env}/applicationResources")).await;
    assert_eq!(
        listed.body["_embedded"]["applicationResources"][0]["name"],
        "Invoices"
    );

    let permissions = format!(
        "{env}/applicationResources/{}/permissions",
        id(&app_resource)
    );
    let no_action = api.post(&permissions, json!({"description": "x"})).await;
    assert_eq!(
        detail_codes(&no_action.body)[0],
        ("REQUIRED_VALUE".into(), "action".into())
    );
    let read = api
        .create(
            &permissions,
            json!({"action": "read", "description": "Read invoices"}),
        )
        .await;
    assert_eq!(read["key"], "Invoices:read");
    assert_eq!(read["resource"]["name"], "Invoices");

    let role = api
        .create(
            &format!("{env}/applicationRoles"),
            json!({"name": "Accountant"}),
        )
        .await;
    let role_permissions = format!("{env}/applicationRoles/{}/permissions", id(&role));
    let unknown = api.post(&role_permissions, json!({"id": "nope"})).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let held = api
        .create(&role_permissions, json!({"id": read["id"]}))
        .await;
    assert_eq!(held["id"], read["id"]);
    assert_eq!(held["key"], "Invoices:read");
    let again = api.post(&role_permissions, json!({"id": read["id"]})).await;
    assert_eq!(detail_codes(&again.body)[0].0, "UNIQUENESS_VIOLATION");

    let user = api
        .create(
            &format!("{env}/users"),
            json!({"username": "accountant", "email": "accountant@example.com"}),
        )
        .await;
    let user_roles = format!("{env}/users/{}/applicationRoles", id(&user));
    let assigned = api.create(&user_roles, json!({"id": role["id"]})).await;
    assert_eq!(assigned["name"], "Accountant");
    assert_eq!(
        api.get(&user_roles).await.body["_embedded"]["applicationRoleAssignments"][0]["id"],
        role["id"]
    );

    // Deleting the user keeps the role and its permissions; deleting the role unassigns it.
    let other = api
        .create(
            &format!("{env}/users"),
            json!({"username": "clerk", "email": "clerk@example.com"}),
        )
        .await;
    let other_roles = format!("{env}/users/{}/applicationRoles", id(&other));
    api.create(&other_roles, json!({"id": role["id"]})).await;
    let gone = api.delete(&format!("{env}/users/{}", id(&user))).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(api.get(&role_permissions).await.body["count"], 1);
    let r = api
        .delete(&format!("{env}/applicationRoles/{}", id(&role)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(api.get(&other_roles).await.body["count"], 0);

    // Deleting the custom resource takes its application resources along.
    let r = api
        .delete(&format!("{env}/resources/{}", id(&resource)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&format!("{env}/applicationResources")).await.body["count"],
        0
    );
    assert_eq!(api.get(&permissions).await.status, StatusCode::NOT_FOUND);
    api.sandbox.shutdown().await;
}
