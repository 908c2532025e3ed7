//! Applications of every type the tutorials create, their secret, grants, attribute
//! mappings, role and sign-on policy assignments, and the resources, scopes and sign-on
//! policy actions they point at.

use reqwest::Method;
use serde_json::{Value, json};

use super::checker::Conformance;

fn id(doc: &Value) -> String {
    doc["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn applications_of_every_type_secrets_grants_and_attributes() {
    let api = Conformance::start().await;
    let env = api.env();
    let apps = format!("/environments/{env}/applications");
    let oidc = |kind: &str, grants: Value, responses: Value, auth: &str| {
        json!({"enabled": true, "name": format!("App {kind}"), "type": kind,
            "protocol": "OPENID_CONNECT", "grantTypes": grants, "responseTypes": responses,
            "redirectUris": ["http://localhost:3000/callback"], "tokenEndpointAuthMethod": auth})
    };
    let code = || json!(["AUTHORIZATION_CODE", "REFRESH_TOKEN"]);
    let web = api
        .create(
            &apps,
            &oidc("WEB_APP", code(), json!(["CODE"]), "CLIENT_SECRET_BASIC"),
        )
        .await;
    let mut native = oidc("NATIVE_APP", code(), json!(["CODE"]), "NONE");
    native["mobile"] = json!({"bundleId": "com.example.app", "packageName": "com.example.app"});
    api.create(&apps, &native).await;
    let code_only = json!(["AUTHORIZATION_CODE"]);
    let mut spa = oidc("SINGLE_PAGE_APP", code_only, json!(["CODE"]), "NONE");
    spa["pkceEnforcement"] = json!("S256_REQUIRED");
    api.create(&apps, &spa).await;
    let implicit = json!(["IMPLICIT"]);
    let mut implicit = oidc(
        "SINGLE_PAGE_APP",
        implicit,
        json!(["TOKEN", "ID_TOKEN"]),
        "NONE",
    );
    implicit["name"] = json!("Implicit SPA");
    api.create(&apps, &implicit).await;
    let device_grants = json!(["DEVICE_CODE", "REFRESH_TOKEN"]);
    let mut device = oidc("NATIVE_APP", device_grants, json!([]), "NONE");
    device["name"] = json!("TV");
    device.as_object_mut().unwrap().remove("redirectUris");
    api.create(&apps, &device).await;
    let worker = json!({"enabled": true, "name": "Worker", "type": "WORKER",
        "protocol": "OPENID_CONNECT", "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"});
    let worker = api.create(&apps, &worker).await;
    let group = api
        .create(
            &format!("/environments/{env}/groups"),
            &json!({"name": "SAML users"}),
        )
        .await;
    let saml = json!({"enabled": true, "name": "SAML", "type": "WEB_APP", "protocol": "SAML",
        "spEntityId": "urn:sp", "acsUrls": ["https://sp.example.com/acs"],
        "assertionDuration": 60,
        "accessControl": {"group": {"type": "ANY_GROUP", "groups": [{"id": group["id"]}]}}});
    let saml = api.create(&apps, &saml).await;
    api.get(&apps).await;
    let w = format!("{apps}/{}", id(&web));
    api.get(&w).await;
    api.get(&format!("{apps}/{}", id(&saml))).await;
    let mut update = oidc("WEB_APP", code(), json!(["CODE"]), "CLIENT_SECRET_POST");
    update["name"] = json!("Renamed");
    api.put(&w, &update).await;

    api.get(&format!("{w}/secret")).await;
    api.post_as(&format!("{w}/secret"), "application/json", &json!({}))
        .await;

    let resources = format!("/environments/{env}/resources");
    let listed = api
        .get(&format!("{resources}?filter=name%20eq%20%22openid%22"))
        .await;
    let openid = id(&listed["_embedded"]["resources"][0]);
    let scopes = api.get(&format!("{resources}/{openid}/scopes")).await;
    let profile = scopes["_embedded"]["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "profile")
        .map(id)
        .unwrap();
    let grants = format!("{w}/grants");
    let grant = api
        .create(
            &grants,
            &json!({"resource": {"id": openid}, "scopes": [{"id": profile}]}),
        )
        .await;
    api.get(&grants).await;
    api.get(&format!("{grants}/{}", id(&grant))).await;

    let attributes = format!("{w}/attributes");
    api.get(&attributes).await;
    let attr = api
        .create(
            &attributes,
            &json!({"name": "email", "value": "${user.email}", "required": false}),
        )
        .await;
    api.get(&format!("{attributes}/{}", id(&attr))).await;
    api.put(
        &format!("{attributes}/{}", id(&attr)),
        &json!({"name": "email", "value": "${user.email}", "required": true}),
    )
    .await;
    api.delete(&format!("{attributes}/{}", id(&attr))).await;

    let roles = api.get("/roles").await;
    let identity_admin = roles["_embedded"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Identity Data Admin")
        .map(id)
        .unwrap();
    let role_assignments = format!("{apps}/{}/roleAssignments", id(&worker));
    api.create(
        &role_assignments,
        &json!({"role": {"id": identity_admin}, "scope": {"id": env, "type": "ENVIRONMENT"}}),
    )
    .await;
    api.get(&role_assignments).await;
    api.delete(&w).await;
    api.finish(16).await;
}

#[tokio::test]
async fn resources_scopes_and_resource_attributes() {
    let api = Conformance::start().await;
    let resources = format!("/environments/{}/resources", api.env());
    api.get(&resources).await;
    let custom = api
        .create(
            &resources,
            &json!({"name": "Orders API", "type": "CUSTOM", "audience": "https://orders",
                "accessTokenValiditySeconds": 3600}),
        )
        .await;
    let r = format!("{resources}/{}", id(&custom));
    api.get(&r).await;
    api.put(
        &r,
        &json!({"name": "Orders API", "audience": "https://orders", "accessTokenValiditySeconds": 600}),
    )
    .await;
    let scopes = format!("{r}/scopes");
    let scope = api
        .create(
            &scopes,
            &json!({"name": "orders:read", "description": "read"}),
        )
        .await;
    api.get(&scopes).await;
    let s = format!("{scopes}/{}", id(&scope));
    api.get(&s).await;
    api.put(&s, &json!({"name": "orders:read", "description": "Read"}))
        .await;
    let attributes = format!("{r}/attributes");
    api.get(&attributes).await;
    let attr = api
        .create(
            &attributes,
            &json!({"name": "tier", "value": "${user.title}"}),
        )
        .await;
    api.get(&format!("{attributes}/{}", id(&attr))).await;
    api.get(&format!("{r}/secret")).await;
    api.delete(&s).await;
    api.delete(&r).await;
    api.finish(10).await;
}

#[tokio::test]
async fn sign_on_policies_actions_and_assignments() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let policies = format!("{e}/signOnPolicies");
    api.get(&policies).await;
    let policy = api
        .create(
            &policies,
            &json!({"name": "Everything", "description": "d"}),
        )
        .await;
    let p = format!("{policies}/{}", id(&policy));
    api.get(&p).await;
    api.put(
        &p,
        &json!({"name": "Everything", "description": "all actions"}),
    )
    .await;
    let pop =
        api.get(&format!("{e}/populations")).await["_embedded"]["populations"][0]["id"].clone();
    let agreement = api
        .create(
            &format!("{e}/agreements"),
            &json!({"name": "Terms", "enabled": false}),
        )
        .await;
    let actions = format!("{p}/actions");
    let first = api
        .create(
            &actions,
            &json!({"priority": 1, "type": "IDENTIFIER_FIRST", "recovery": {"enabled": true}}),
        )
        .await;
    api.create(
        &actions,
        &json!({"priority": 2, "type": "LOGIN", "recovery": {"enabled": true},
            "registration": {"enabled": true, "population": {"id": pop}}}),
    )
    .await;
    api.create(
        &actions,
        &json!({"priority": 3, "type": "MULTI_FACTOR_AUTHENTICATION", "noDevicesMode": "BYPASS"}),
    )
    .await;
    api.create(
        &actions,
        &json!({"priority": 4, "type": "AGREEMENT", "agreement": {"id": agreement["id"]},
            "disableDeclineOption": false}),
    )
    .await;
    api.create(
        &actions,
        &json!({"priority": 5, "type": "PROGRESSIVE_PROFILING", "preventMultiplePromptsPerFlow": true,
            "promptIntervalSeconds": 90, "promptText": "More, please",
            "attributes": [{"name": "name.given", "required": false}]}),
    )
    .await;
    // promptIntervalSeconds has a minimum of 1: 0 is refused with PingOne's error body.
    let refused = api
        .expect(
            400,
            Method::POST,
            &actions,
            Some("application/json"),
            Some(&json!({"priority": 6, "type": "PROGRESSIVE_PROFILING",
                "preventMultiplePromptsPerFlow": false, "promptIntervalSeconds": 0,
                "promptText": "More", "attributes": [{"name": "mobilePhone", "required": false}]})),
        )
        .await;
    assert_eq!(refused["code"], "INVALID_DATA");
    assert_eq!(refused["details"][0]["target"], "promptIntervalSeconds");
    api.get(&actions).await;
    let a = format!("{actions}/{}", id(&first));
    api.get(&a).await;
    let idp = api
        .create(
            &format!("{e}/identityProviders"),
            &json!({"name": "Partner", "type": "OPENID_CONNECT", "enabled": true,
                "clientId": "c", "clientSecret": "s", "issuer": "https://partner.example/as",
                "authorizationEndpoint": "https://partner.example/as/authorize",
                "tokenEndpoint": "https://partner.example/as/token",
                "jwksEndpoint": "https://partner.example/as/jwks", "scopes": ["openid"],
                "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}),
        )
        .await;
    api.put(
        &a,
        &json!({"priority": 1, "type": "IDENTIFIER_FIRST", "recovery": {"enabled": false},
            "discoveryRules": [{"condition": {"value": "${identifier}", "contains": "@partner.example"},
                "identityProvider": {"id": idp["id"]}}]}),
    )
    .await;

    let app = api
        .create(
            &format!("{e}/applications"),
            &json!({"enabled": true, "name": "Web", "type": "WEB_APP", "protocol": "OPENID_CONNECT",
                "grantTypes": ["AUTHORIZATION_CODE"], "responseTypes": ["CODE"],
                "redirectUris": ["http://localhost/cb"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}),
        )
        .await;
    let assignments = format!("{e}/applications/{}/signOnPolicyAssignments", id(&app));
    let assignment = api
        .create(
            &assignments,
            &json!({"priority": 1, "signOnPolicy": {"id": policy["id"]}}),
        )
        .await;
    api.get(&assignments).await;
    let s = format!("{assignments}/{}", id(&assignment));
    api.get(&s).await;
    api.put(
        &s,
        &json!({"priority": 2, "signOnPolicy": {"id": policy["id"]}}),
    )
    .await;
    api.delete(&s).await;
    api.delete(&a).await;
    api.finish(14).await;
}
