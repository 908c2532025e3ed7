//! What the native-app and PingFederate tutorials send: a native application's push
//! credentials (created, listed, read, replaced, refused, deleted), a tagged worker (and an
//! unknown tag refused), and the refresh-token tutorial's rolling grace period.

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
    // A tag PingOne does not define is refused with its error body (checked by `expect`).
    let refused = api
        .expect(
            400,
            Method::POST,
            &apps,
            Some("application/json"),
            Some(&json!({"enabled": true, "name": "Unknown tag", "type": "WORKER",
            "protocol": "OPENID_CONNECT", "tags": ["NOT_A_PINGONE_TAG"],
            "grantTypes": ["CLIENT_CREDENTIALS"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})),
        )
        .await;
    assert_eq!(refused["code"], "INVALID_DATA", "{refused}");
    assert_eq!(refused["details"][0]["target"], "tags", "{refused}");
    api.finish(6).await;
}

/// The refresh-token tutorial's web application: a rolling grace period (PingOne: 0 to 86400
/// seconds) is kept, read back and replaced; one outside the range is refused.
#[tokio::test]
async fn a_refresh_token_grace_period() {
    let api = Conformance::start().await;
    let apps = format!("/environments/{}/applications", api.env());
    let body = |grace: i64| {
        json!({"enabled": true, "name": format!("Grace {grace}"), "type": "WEB_APP",
        "protocol": "OPENID_CONNECT", "grantTypes": ["AUTHORIZATION_CODE", "REFRESH_TOKEN"],
        "responseTypes": ["CODE"], "redirectUris": ["https://example.com"],
        "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC", "refreshTokenDuration": 2_592_000,
        "refreshTokenRollingDuration": 15_552_000, "refreshTokenRollingGracePeriodDuration": grace})
    };
    let app = api.create(&apps, &body(60)).await;
    assert_eq!(app["refreshTokenRollingGracePeriodDuration"], 60);
    let one = format!("{apps}/{}", app["id"].as_str().unwrap());
    let read = api.get(&one).await;
    assert_eq!(read["refreshTokenRollingGracePeriodDuration"], 60);
    let replaced = api.put(&one, &body(0)).await;
    assert_eq!(replaced["refreshTokenRollingGracePeriodDuration"], 0);
    for grace in [-1, 86_401] {
        let refused = api
            .expect(
                400,
                Method::POST,
                &apps,
                Some("application/json"),
                Some(&body(grace)),
            )
            .await;
        assert_eq!(
            refused["details"][0]["target"], "refreshTokenRollingGracePeriodDuration",
            "{grace}: {refused}"
        );
    }
    api.delete(&one).await;
    api.finish(3).await;
}
