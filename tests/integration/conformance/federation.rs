//! The management requests of the SAML and external identity provider tutorials: a group with
//! a `userFilter`, a user with a `type`, a signed SAML application and its attribute mapping,
//! a certificate uploaded as a plain text part, SAML and OpenID Connect providers and their
//! custom mappings, `LOGIN` and `IDENTIFIER_FIRST` actions that offer providers, a policy made the
//! default, and the error for a provider whose verification certificate does not exist.

use reqwest::Method;
use serde_json::{Value, json};

use super::checker::Conformance;

fn id(doc: &Value) -> String {
    doc["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn saml_and_external_identity_provider_configuration() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let group = api
        .create(
            &format!("{e}/groups"),
            &json!({"name": "SAML_Users", "description": "SAML app users group",
                "customData": {"groupOwner": "Tom Jones", "securityGroup": true},
                "userFilter": "type eq \"SAMLuser\""}),
        )
        .await;
    let user = api
        .create(
            &format!("{e}/users"),
            &json!({"username": "saml-user", "email": "saml-user@example.com", "type": "SAMLuser"}),
        )
        .await;
    assert_eq!(user["type"], "SAMLuser");
    let app = api
        .create(
            &format!("{e}/applications"),
            &json!({"name": "SAMLapp", "enabled": true, "type": "WEB_APP", "protocol": "SAML",
                "assertionDuration": 60, "acsUrls": ["https://example.com"],
                "sloEndpoint": "https://example.com", "sloResponseEndpoint": "https://example.com",
                "spEntityId": "saml-conformance", "responseSigned": true,
                "nameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                "accessControl": {"group": {"type": "ANY_GROUP", "groups": [{"id": id(&group)}]}}}),
        )
        .await;
    api.create(
        &format!("{e}/applications/{}/attributes", id(&app)),
        &json!({"name": "email", "value": "${user.email}", "required": false}),
    )
    .await;

    let keys = api.get(&format!("{e}/keys")).await;
    let signing = keys["_embedded"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["usageType"] == "SIGNING" && k["default"] == true)
        .unwrap()
        .clone();
    let pem = api
        .export(
            &format!("{e}/keys/{}", id(&signing)),
            "application/x-x509-ca-cert",
        )
        .await;
    let form = reqwest::multipart::Form::new()
        .text("usageType", "SIGNING")
        .text("file", pem);
    let cert = api.upload(202, &format!("{e}/certificates"), form).await;

    let idps = format!("{e}/identityProviders");
    let missing_cert = json!({"name": "No certificate", "type": "SAML", "enabled": true,
        "idpEntityId": "urn:partner", "spEntityId": "urn:sandbox", "ssoBinding": "HTTP_POST",
        "ssoEndpoint": "https://partner.example.com/sso",
        "idpVerification": {"certificates": [{"id": "00000000-0000-0000-0000-000000000001"}]}});
    let refused = api
        .expect(
            400,
            Method::POST,
            &idps,
            Some("application/json"),
            Some(&missing_cert),
        )
        .await;
    assert_eq!(
        refused["details"][0]["target"],
        "idpVerification.certificates"
    );
    let saml = api
        .create(
            &idps,
            &json!({"name": "SAML test identity provider", "type": "SAML", "enabled": true,
                "idpEntityId": "https://auth.example.com/source", "spEntityId": "saml-conformance",
                "ssoBinding": "HTTP_POST", "ssoEndpoint": "https://auth.example.com/source/saml20/idp/sso",
                "authnRequestSigned": false,
                "idpVerification": {"certificates": [{"id": id(&cert)}]}}),
        )
        .await;
    api.create(
        &format!("{idps}/{}/attributes", id(&saml)),
        &json!({"name": "email", "value": "${samlAssertion.email}", "update": "ALWAYS"}),
    )
    .await;
    let oidc = api
        .create(
            &idps,
            &json!({"name": "OpenIDConnectIdP", "type": "OPENID_CONNECT", "enabled": true,
                "clientId": "c", "clientSecret": "s", "issuer": "https://auth.example.com/source/as",
                "authorizationEndpoint": "https://auth.example.com/source/as/authorize",
                "tokenEndpoint": "https://auth.example.com/source/as/token",
                "userInfoEndpoint": "https://auth.example.com/source/as/userinfo",
                "jwksEndpoint": "https://auth.example.com/source/as/jwks",
                "discoveryEndpoint": "https://auth.example.com/source/as/.well-known/openid-configuration",
                "scopes": ["openid"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}),
        )
        .await;

    let pop = api
        .create(&format!("{e}/populations"), &json!({"name": "Arrivals"}))
        .await;
    let policies = format!("{e}/signOnPolicies");
    let before = api.get(&policies).await;
    let default = before["_embedded"]["signOnPolicies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["default"] == true)
        .unwrap()
        .clone();
    let policy = api
        .create(
            &policies,
            &json!({"name": "Federated", "description": "Providers"}),
        )
        .await;
    let actions = format!("{policies}/{}/actions", id(&policy));
    api.create(
        &actions,
        &json!({"type": "IDENTIFIER_FIRST", "priority": 10,
            "condition": {"greater": 600, "secondsSince": "${session.lastSignOn.withAuthenticator.pwd.at}"},
            "recovery": {"enabled": false},
            "registration": {"enabled": true, "population": {"id": id(&pop)}},
            "socialProviders": [{"id": id(&saml)}, {"id": id(&oidc)}]}),
    )
    .await;
    let login_policy = api
        .create(&policies, &json!({"name": "Social login"}))
        .await;
    api.create(
        &format!("{policies}/{}/actions", id(&login_policy)),
        &json!({"type": "LOGIN", "priority": 1,
            "registration": {"enabled": true, "population": {"id": id(&pop)}},
            "socialProviders": [{"id": id(&oidc)}]}),
    )
    .await;
    let made_default = api
        .put(
            &format!("{policies}/{}", id(&policy)),
            &json!({"name": "Federated", "description": "Providers", "default": true}),
        )
        .await;
    assert_eq!(made_default["default"], true);
    api.put(
        &format!("{policies}/{}", id(&default)),
        &json!({"name": default["name"], "default": true}),
    )
    .await;
    api.delete(&format!("{policies}/{}", id(&policy))).await;
    api.finish(15).await;
}
