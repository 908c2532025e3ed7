//! PingOne Authorize application permissions in access tokens: `p1.permissions` in the token
//! and in introspection when the custom resource enables the claim, and only then.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Kit, PASSWORD, REDIRECT, claims};

/// A custom resource (claim enabled or not) with a scope granted to `app`, an application
/// resource with `read` and `write`, a role holding `write`, held by `user`. Returns the scope.
async fn permissions_for(kit: &Kit, app: &str, user: &str, claim: bool, tag: &str) -> String {
    let resource = kit
        .create(
            "/resources",
            json!({"name": format!("api-{tag}"), "audience": format!("https://{tag}.example"),
                   "applicationPermissionsSettings": {"claimEnabled": claim}}),
        )
        .await;
    let rid = resource["id"].as_str().expect("id");
    let scope = format!("docs-{tag}");
    let s = kit
        .create(&format!("/resources/{rid}/scopes"), json!({"name": scope}))
        .await;
    kit.create(
        &format!("/applications/{app}/grants"),
        json!({"resource": {"id": rid}, "scopes": [{"id": s["id"]}]}),
    )
    .await;
    let ar = kit
        .create(
            &format!("/resources/{rid}/applicationResources"),
            json!({"name": format!("documents-{tag}")}),
        )
        .await;
    let arid = ar["id"].as_str().expect("id");
    let mut ids = Vec::new();
    for action in ["read", "write"] {
        let p = kit
            .create(
                &format!("/applicationResources/{arid}/permissions"),
                json!({"action": action}),
            )
            .await;
        ids.push(p["id"].as_str().expect("id").to_owned());
    }
    let role = kit
        .create(
            "/applicationRoles",
            json!({"name": format!("editor-{tag}")}),
        )
        .await;
    let role_id = role["id"].as_str().expect("id");
    kit.create(
        &format!("/applicationRoles/{role_id}/permissions"),
        json!({"id": ids[1]}),
    )
    .await;
    kit.create(
        &format!("/users/{user}/applicationRoles"),
        json!({"id": role_id}),
    )
    .await;
    scope
}

async fn access_token(kit: &Kit, app: &str, secret: &str, scope: &str, username: &str) -> String {
    let params = [
        ("response_type", "code"),
        ("client_id", app),
        ("redirect_uri", REDIRECT),
        ("scope", scope),
    ];
    let code = kit.browser().sign_in(&params, username).await;
    let r = kit
        .token(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
            Some((app, secret)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["access_token"].as_str().expect("token").to_owned()
}

#[tokio::test]
async fn permissions_claim_in_token_and_introspection() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    let user = kit.user("barbara", PASSWORD).await;
    let scope = permissions_for(&kit, &app, &user, true, "on").await;
    let token = access_token(&kit, &app, &secret, &scope, "barbara").await;
    assert_eq!(
        claims(&token)["p1.permissions"],
        json!(["documents-on:write"])
    );

    let r = kit
        .form(
            "/as/introspect",
            &[("token", &token)],
            Some((&app, &secret)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], true);
    assert_eq!(r.body["sub"], user.as_str());
    assert_eq!(r.body["p1.permissions"], json!(["documents-on:write"]));
}

#[tokio::test]
async fn no_permissions_claim_unless_the_resource_enables_it() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    let user = kit.user("frances", PASSWORD).await;
    let scope = permissions_for(&kit, &app, &user, false, "off").await;
    let token = access_token(&kit, &app, &secret, &scope, "frances").await;
    assert_eq!(claims(&token).get("p1.permissions"), None::<&Value>);
}

#[tokio::test]
async fn a_user_without_permissions_gets_no_claim() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    let holder = kit.user("hedy", PASSWORD).await;
    kit.user("radia", PASSWORD).await;
    let scope = permissions_for(&kit, &app, &holder, true, "none").await;
    let token = access_token(&kit, &app, &secret, &scope, "radia").await;
    assert_eq!(claims(&token).get("p1.permissions"), None::<&Value>);
    let token = access_token(&kit, &app, &secret, &scope, "hedy").await;
    assert_eq!(
        claims(&token)["p1.permissions"],
        json!(["documents-none:write"])
    );
}
