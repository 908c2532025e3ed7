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
    let env = api.env();
    let base = format!("/environments/{env}/propagation");
    let plan = api
        .create(&format!("{base}/plans"), &json!({"name": "Workday"}))
        .await;
    let p = format!("{base}/plans/{}", id(&plan));
    api.get(&format!("{base}/plans")).await;
    api.get(&p).await;
    api.put(&p, &json!({"name": "Workday sync"})).await;
    // The Workday tutorial's three stores, with its bodies.
    let source = api
        .create(
            &format!("{base}/stores"),
            &json!({"type": "Workday", "name": "Inbound Source Workday", "configuration": {
                "username": "basicUserName", "password": "Wd-pass-1", "tenantId": "tenant_Id",
                "subdomain": "subdomain", "host": "example.workday.com"},
                "image": {"href": "https://example.com/workday.png"}}),
        )
        .await;
    let target = api
        .create(
            &format!("{base}/stores"),
            &json!({"type": "PingOne", "name": "Inbound Target PingOne",
                "configuration": {"ENVIRONMENT_ID": env, "REGION": "North America"}}),
        )
        .await;
    let writeback = api
        .create(
            &format!("{base}/stores"),
            &json!({"type": "directory", "name": "Writeback Source directory"}),
        )
        .await;
    api.expect(
        400,
        Method::POST,
        &format!("{base}/stores"),
        Some("application/json"),
        Some(&json!({"type": "Workday", "name": "No password",
            "configuration": {"username": "u", "tenantId": "t"}})),
    )
    .await;
    api.get(&format!("{base}/stores")).await;
    api.get(&format!("{base}/stores/{}", id(&source))).await;
    // The tutorial posts rules to `/plans/{planID}/rules`, which the spec leaves out; the
    // same body goes to `/propagation/rules`, which it has (the sandbox answers both).
    let rules = format!("{base}/rules");
    let inbound = api
        .create(
            &rules,
            &json!({"plan": {"id": plan["id"]}, "environment": {"id": env},
                "sourceStore": {"id": source["id"]}, "targetStore": {"id": target["id"]},
                "deprovision": true, "name": "Workday Use Case Rule",
                "description": "d", "populationExpression": "population.id eq \"p\""}),
        )
        .await;
    let back = api
        .create(
            &rules,
            &json!({"plan": {"id": plan["id"]}, "environment": {"id": env},
                "sourceStore": {"id": writeback["id"]}, "targetStore": {"id": source["id"]},
                "name": "Workday Use Case Writeback Rule", "parentRule": {"id": inbound["id"]}}),
        )
        .await;
    api.get(&format!("{base}/rules")).await;
    let r = format!("{base}/rules/{}", id(&inbound));
    api.get(&r).await;
    api.get(&format!("{p}/rules")).await;
    for (rule, from, to) in [
        (&inbound, "wid", "externalId"),
        (&back, "externalId", "wid"),
    ] {
        let mappings = format!("{base}/rules/{}/mappings", id(rule));
        api.create(
            &mappings,
            &json!({"sourceAttribute": from, "targetAttribute": to}),
        )
        .await;
        api.get(&mappings).await;
    }
    api.delete(&format!("{base}/rules/{}", id(&back))).await;
    api.delete(&r).await;
    for store in [&source, &target, &writeback] {
        api.delete(&format!("{base}/stores/{}", id(store))).await;
    }
    api.delete(&p).await;
    api.finish(7).await;
}

#[tokio::test]
async fn audit_activities() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let user = api
        .create(
            &format!("{e}/users"),
            &json!({"username": "audited", "email": "audited@example.com"}),
        )
        .await;
    let filter = format!(
        "resources.id eq \"{}\" and (action.type eq \"USER.CREATED\")",
        id(&user)
    );
    let encoded: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let found = api.get(&format!("{e}/activities?filter={encoded}")).await;
    let activity = &found["_embedded"]["activities"][0];
    assert_eq!(activity["action"]["type"], "USER.CREATED");
    api.get(&format!("{e}/activities/{}", id(activity))).await;
    api.get(&format!("{e}/activities?limit=5")).await;
    api.post_as(
        &format!("{e}/activities"),
        "application/json",
        &json!({"filter": "recordedat gt \"2020-01-01T00:00:00Z\" AND recordedat lt \"2999-01-01T00:00:00Z\""}),
    )
    .await;
    let bad: String = url::form_urlencoded::byte_serialize(b"username eq \"audited\"").collect();
    api.expect(
        400,
        Method::GET,
        &format!("{e}/activities?filter={bad}"),
        None,
        None,
    )
    .await;
    api.expect(
        404,
        Method::GET,
        &format!("{e}/activities/{}", uuid::Uuid::new_v4()),
        None,
        None,
    )
    .await;
    api.finish(3).await;
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
    api.expect(
        307,
        Method::GET,
        &format!("{i}/versions/{}/asset", id(version)),
        None,
        None,
    )
    .await;

    // The image is the body itself, as PingOne's Create Image page sends it.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&[0, 0, 0, 2, 0, 0, 0, 3]);
    let image = api
        .upload_file(201, &format!("{e}/images"), "image/png", "a.png", png)
        .await;
    assert_eq!(image["targets"]["original"]["width"], 2);
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
