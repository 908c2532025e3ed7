//! Identity propagation, the integration catalog, images, notification settings, flow
//! policies and their assignments, and the user actions and read-only user collections.

use reqwest::Method;
use serde_json::{Value, json};

use super::checker::Conformance;

fn id(doc: &Value) -> String {
    doc["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn propagation_plans_stores_rules_and_mappings() {
    let api = Conformance::start().await;
    let base = format!("/environments/{}/propagation", api.env());
    let plan = api
        .create(&format!("{base}/plans"), &json!({"name": "Workday"}))
        .await;
    let p = format!("{base}/plans/{}", id(&plan));
    api.get(&format!("{base}/plans")).await;
    api.get(&p).await;
    api.put(&p, &json!({"name": "Workday sync"})).await;
    let source = api
        .create(
            &format!("{base}/stores"),
            &json!({"name": "WD", "type": "Workday", "configuration": {"tenant": "t"}}),
        )
        .await;
    let target = api
        .create(
            &format!("{base}/stores"),
            &json!({"name": "P1", "type": "PingOne", "configuration": {}}),
        )
        .await;
    api.get(&format!("{base}/stores")).await;
    api.get(&format!("{base}/stores/{}", id(&source))).await;
    let rule = api
        .create(
            &format!("{base}/rules"),
            &json!({"sourceStore": {"id": source["id"]}, "targetStore": {"id": target["id"]},
                "plan": {"id": plan["id"]}, "populations": []}),
        )
        .await;
    api.get(&format!("{base}/rules")).await;
    let r = format!("{base}/rules/{}", id(&rule));
    api.get(&r).await;
    api.get(&format!("{p}/rules")).await;
    let mappings = format!("{r}/mappings");
    api.create(
        &mappings,
        &json!({"sourceAttribute": "email", "targetAttribute": "email"}),
    )
    .await;
    api.get(&mappings).await;
    api.delete(&r).await;
    api.delete(&format!("{base}/stores/{}", id(&target))).await;
    api.delete(&p).await;
    api.finish(7).await;
}

#[tokio::test]
async fn integrations_images_settings_and_flow_policies() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let integrations = api.get(&format!("{e}/integrations")).await;
    let integration = &integrations["_embedded"]["integrations"][0];
    let i = format!("{e}/integrations/{}", id(integration));
    api.get(&i).await;
    let versions = api.get(&format!("{i}/versions")).await;
    let version = &versions["_embedded"]["versions"][0];
    api.get(&format!("{i}/versions/{}", id(version))).await;

    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png)
            .file_name("a.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let image = api.upload(201, &format!("{e}/images"), form).await;
    let img = format!("{e}/images/{}", id(&image));
    api.get(&img).await;
    api.delete(&img).await;

    let settings = format!("{e}/notificationsSettings");
    let mut current = api.get(&settings).await;
    current["replyTo"] = json!({"name": "Support", "address": "support@example.com"});
    api.put(&settings, &current).await;

    let flows = api.get(&format!("{e}/flowPolicies")).await;
    let flow = id(&flows["_embedded"]["flowPolicies"][0]);
    api.get(&format!("{e}/flowPolicies/{flow}")).await;
    let app = api
        .create(
            &format!("{e}/applications"),
            &json!({"enabled": true, "name": "Web", "type": "WEB_APP", "protocol": "OPENID_CONNECT",
                "grantTypes": ["AUTHORIZATION_CODE"], "responseTypes": ["CODE"],
                "redirectUris": ["http://localhost/cb"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}),
        )
        .await;
    let assignments = format!("{e}/applications/{}/flowPolicyAssignments", id(&app));
    let assignment = api
        .create(
            &assignments,
            &json!({"priority": 1, "flowPolicy": {"id": flow}}),
        )
        .await;
    api.get(&assignments).await;
    let a = format!("{assignments}/{}", id(&assignment));
    api.get(&a).await;
    api.put(&a, &json!({"priority": 2, "flowPolicy": {"id": flow}}))
        .await;
    api.delete(&a).await;
    // A policy DaVinci does not know, and an assignment without one: PingOne's 400s.
    let bad = api
        .expect(
            400,
            Method::POST,
            &assignments,
            Some("application/json"),
            Some(&json!({"priority": 1, "flowPolicy": {"id": "nope"}})),
        )
        .await;
    assert_eq!(bad["details"][0]["target"], "flowPolicy.id");
    api.expect(
        400,
        Method::POST,
        &assignments,
        Some("application/json"),
        Some(&json!({"priority": 1})),
    )
    .await;
    api.finish(15).await;
}

#[tokio::test]
async fn user_actions_consents_sessions_and_resource_secrets() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let user = api
        .create(
            &format!("{e}/users"),
            &json!({"username": "lock", "email": "lock@example.com"}),
        )
        .await;
    let u = format!("{e}/users/{}", id(&user));
    api.post_as(
        &u,
        "application/vnd.pingidentity.account.lock+json",
        &json!({}),
    )
    .await;
    api.post_as(
        &u,
        "application/vnd.pingidentity.account.unlock+json",
        &json!({}),
    )
    .await;
    api.get(&format!("{u}/agreementConsents")).await;
    api.get(&format!("{u}/sessions")).await;
    api.get(&format!("{u}/roleAssignments")).await;
    api.get(&format!("{u}/memberOfGroups")).await;

    let resource = api
        .create(
            &format!("{e}/resources"),
            &json!({"name": "Orders", "audience": "https://orders"}),
        )
        .await;
    let secret = format!("{e}/resources/{}/secret", id(&resource));
    api.get(&secret).await;
    api.post_as(&secret, "application/json", &json!({})).await;
    api.expect(404, Method::GET, &format!("{e}/users/nope"), None, None)
        .await;
    api.finish(8).await;
}

#[tokio::test]
async fn authorize_application_resources_and_user_application_roles() {
    let api = Conformance::start().await;
    let env = format!("/environments/{}", api.env());
    let resource = api
        .create(
            &format!("{env}/resources"),
            &json!({"name": "Invoicing API", "audience": "https://invoicing.example",
                "applicationPermissionsSettings": {"claimEnabled": true}}),
        )
        .await;
    assert_eq!(
        resource["applicationPermissionsSettings"]["claimEnabled"],
        true
    );
    let read = api.get(&format!("{env}/resources/{}", id(&resource))).await;
    assert_eq!(read["applicationPermissionsSettings"]["claimEnabled"], true);
    let nested = format!("{env}/resources/{}/applicationResources", id(&resource));
    api.create(
        &nested,
        &json!({"name": "Invoices", "description": "Customer invoices"}),
    )
    .await;
    // Application roles belong to the Authorize API, which the community spec leaves out:
    // this one goes into the store directly.
    let role = json!({"id": uuid::Uuid::new_v4().to_string(), "environment": {"id": api.env()},
        "name": "Accountant"});
    api.sandbox
        .state()
        .store()
        .put(&api.env(), "applicationRoles", role.clone());
    let user = api
        .create(
            &format!("{env}/users"),
            &json!({"username": "accountant", "email": "accountant@example.com"}),
        )
        .await;
    let roles = format!("{env}/users/{}/applicationRoles", id(&user));
    api.create(&roles, &json!({"id": role["id"]})).await;
    api.get(&roles).await;
    api.finish(4).await;
}
