//! Identifier first (`IDENTIFIER_FIRST` sign-on policy action) as PingOne documents it: the
//! flow asks for an identifier (`IDENTIFIER_REQUIRED`, `user.lookup`); a known user goes on
//! to the password, an unknown identifier is routed by the action's discovery rules to an
//! external identity provider, and one no rule matches still gets the password prompt.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Kit, PASSWORD, REDIRECT};

async fn oidc_provider(kit: &Kit, name: &str) -> String {
    let idp = kit
        .create(
            "/identityProviders",
            json!({
                "name": name, "type": "OPENID_CONNECT", "enabled": true,
                "clientId": "partner-client", "clientSecret": "partner-secret",
                "issuer": "https://partner.example/as",
                "authorizationEndpoint": "https://partner.example/as/authorize",
                "tokenEndpoint": "https://partner.example/as/token",
                "jwksEndpoint": "https://partner.example/as/jwks",
                "scopes": ["openid"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
            }),
        )
        .await;
    idp["id"].as_str().expect("id").to_owned()
}

async fn policy_with_rules(kit: &Kit, rules: Value) -> String {
    let (app, _) = kit.app(json!({})).await;
    kit.policy(
        &app,
        vec![
            json!({"priority": 1, "type": "IDENTIFIER_FIRST", "recovery": {"enabled": false},
            "discoveryRules": rules}),
        ],
    )
    .await;
    app
}

fn code_request(app: &str) -> [(&str, &str); 4] {
    [
        ("response_type", "code"),
        ("client_id", app),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
    ]
}

#[tokio::test]
async fn identifiers_go_to_a_password_or_to_the_discovered_provider() {
    let kit = Kit::start().await;
    kit.user("ada@home.example", PASSWORD).await;
    let partner = oidc_provider(&kit, "Partner").await;
    let other = oidc_provider(&kit, "Other").await;
    let rules = json!([
        {"condition": {"value": "${identifier}", "contains": "@partner.example"}, "identityProvider": {"id": partner}},
        {"condition": {"value": "${identifier}", "contains": "partner"}, "identityProvider": {"id": other}},
    ]);
    let app = policy_with_rules(&kit, rules).await;

    // A known user: the password, even though the second rule would match her name.
    kit.user("partner-fan", PASSWORD).await;
    let b = kit.browser();
    let (_, flow) = b.authorize(&code_request(&app)).await;
    let f = b.flow(&flow).await;
    assert_eq!(f.body["status"], "IDENTIFIER_REQUIRED", "{}", f.body);
    assert!(
        f.body["_links"]["user.lookup"]["href"].is_string(),
        "{}",
        f.body
    );
    assert!(
        f.body["_links"].get("password.forgot").is_none(),
        "recovery is off"
    );
    let f = b
        .act(&flow, "user.lookup", json!({"username": "partner-fan"}))
        .await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    assert_eq!(f.body["status"], "PASSWORD_REQUIRED", "{}", f.body);
    assert_eq!(f.body["_embedded"]["user"]["username"], "partner-fan");
    let done = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(done.body["status"], "COMPLETED", "{}", done.body);

    // An unknown identifier the first rule matches: the first rule's provider, in order.
    let b = kit.browser();
    let (_, flow) = b.authorize(&code_request(&app)).await;
    let f = b
        .act(
            &flow,
            "user.lookup",
            json!({"username": "bo@partner.example"}),
        )
        .await;
    assert_eq!(
        f.body["status"], "EXTERNAL_AUTHENTICATION_REQUIRED",
        "{}",
        f.body
    );
    assert_eq!(
        f.body["_embedded"]["identityProvider"]["id"],
        partner.as_str()
    );
    assert_eq!(
        f.body["_embedded"]["identityProvider"]["type"],
        "OPENID_CONNECT"
    );
    let r = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "no password once routed: {}",
        r.body
    );

    // Unknown and matching no rule: the password prompt, which cannot succeed.
    let b = kit.browser();
    let (_, flow) = b.authorize(&code_request(&app)).await;
    let f = b
        .act(
            &flow,
            "user.lookup",
            json!({"username": "nobody@home.example"}),
        )
        .await;
    assert_eq!(f.body["status"], "PASSWORD_REQUIRED", "{}", f.body);
    assert!(f.body["_embedded"].get("user").is_none(), "{}", f.body);
    let r = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["code"], "INVALID_DATA");
}

#[tokio::test]
async fn lookup_needs_a_username_and_the_right_media_type() {
    let kit = Kit::start().await;
    let app = policy_with_rules(&kit, json!([])).await;
    let b = kit.browser();
    let (_, flow) = b.authorize(&code_request(&app)).await;
    let r = b.act(&flow, "user.lookup", json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["details"][0]["code"], "REQUIRED_VALUE");
    assert_eq!(r.body["details"][0]["target"], "username");
    let r = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"username": "x", "password": "y"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "not offered yet: {}",
        r.body
    );
    assert_eq!(b.flow(&flow).await.body["status"], "IDENTIFIER_REQUIRED");
}

#[tokio::test]
async fn discovery_rules_must_name_a_provider_and_a_condition() {
    let kit = Kit::start().await;
    let policy = kit
        .create("/signOnPolicies", json!({"name": "idfirst-rules"}))
        .await;
    let id = policy["id"].as_str().expect("id");
    let r = kit
        .v1(
            Method::POST,
            &format!("/signOnPolicies/{id}/actions"),
            "application/json",
            Some(json!({"priority": 1, "type": "IDENTIFIER_FIRST", "discoveryRules": [
                {"condition": {"value": "${identifier}"}, "identityProvider": {"id": "no-such-provider"}}
            ]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["code"], "INVALID_DATA");
    let targets: Vec<&str> = r.body["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["target"].as_str())
        .collect();
    assert_eq!(
        targets,
        vec![
            "discoveryRules[0].condition.contains",
            "discoveryRules[0].identityProvider.id"
        ]
    );
}
