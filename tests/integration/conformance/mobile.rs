//! What the native-app and PingFederate tutorials send: a native application's push
//! credentials (created, listed, read, replaced, refused, deleted) and a tagged worker.

use reqwest::Method;
use serde_json::json;

use super::checker::Conformance;

#[tokio::test]
async fn push_credentials_and_tagged_workers() {
    let api = Conformance::start().await;
    let env = api.env();
    let apps = format!("/environments/{env}/applications");
    let native = api
        .create(
            &apps,
            &json!({"enabled": true, "name": "NativeApp", "description": "Mobile App",
            "type": "NATIVE_APP", "protocol": "OPENID_CONNECT",
            "grantTypes": ["AUTHORIZATION_CODE"], "redirectUris": ["http://localhost"],
            "responseTypes": ["CODE"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}),
        )
        .await;
    let creds = format!("{apps}/{}/pushCredentials", native["id"].as_str().unwrap());
    let apns = api
        .create(
            &creds,
            &json!({"type": "APNS", "key": "key.value", "teamId": "team.id",
            "token": "-----BEGIN PRIVATE KEY-----\nMIGTAgEA\n-----END PRIVATE KEY-----"}),
        )
        .await;
    api.create(
        &creds,
        &json!({"type": "FCM_HTTP_V1",
        "googleServiceAccountCredentials": "{\"type\": \"service_account\"}"}),
    )
    .await;
    api.get(&creds).await;
    let one = format!("{creds}/{}", apns["id"].as_str().unwrap());
    api.get(&one).await;
    api.put(
        &one,
        &json!({"type": "APNS", "key": "k2", "teamId": "t2", "token": "p8"}),
    )
    .await;
    let body = json!({"type": "FCM", "key": "legacy-server-key"});
    api.expect(
        400,
        Method::POST,
        &creds,
        Some("application/json"),
        Some(&body),
    )
    .await;
    api.delete(&one).await;

    api.create(
        &apps,
        &json!({"enabled": true, "name": "PingFed WORKER-App2",
        "description": "Test Description - PingFederate Worker App", "type": "WORKER",
        "protocol": "OPENID_CONNECT", "homePageUrl": "https://example.com/homePage",
        "loginPageUrl": "https://example.com/loginPage",
        "tags": ["PING_FED_CONNECTION_INTEGRATION"], "grantTypes": ["CLIENT_CREDENTIALS"],
        "postLogoutRedirectUris": ["https://example.com/logout"],
        "redirectUris": ["https://example.com"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
        "pkceEnforcement": "OPTIONAL", "refreshTokenDuration": 86400,
        "refreshTokenRollingDuration": 86400}),
    )
    .await;
    api.finish(6).await;
}
