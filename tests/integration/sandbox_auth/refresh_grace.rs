//! The grace period of rotating refresh tokens: an application's
//! `refreshTokenRollingGracePeriodDuration` lets a spent refresh token be exchanged again for
//! that many seconds (a client that lost the response can retry); after it, a replay revokes
//! the token's family as before.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use super::{Kit, PASSWORD, REDIRECT, code_request};

#[tokio::test]
async fn a_spent_refresh_token_works_again_within_the_grace_period() {
    let kit = Kit::start().await;
    let (app, secret) = kit
        .app(json!({
            "grantTypes": ["AUTHORIZATION_CODE", "REFRESH_TOKEN"],
            "refreshTokenRollingGracePeriodDuration": 60,
        }))
        .await;
    kit.user("grace", PASSWORD).await;
    let code = kit.browser().sign_in(&code_request(&app), "grace").await;
    let first = kit
        .token(
            &[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT),
            ],
            Some((&app, &secret)),
        )
        .await;
    let r1 = first.body["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    let refresh = |token: String| {
        let (kit, app, secret) = (&kit, app.clone(), secret.clone());
        async move {
            kit.token(
                &[("grant_type", "refresh_token"), ("refresh_token", &token)],
                Some((&app, &secret)),
            )
            .await
        }
    };
    let second = refresh(r1.clone()).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let clock = &kit.sandbox.state().auth.clock;
    clock.advance(Duration::from_secs(59));
    let retry = refresh(r1.clone()).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_ne!(retry.body["refresh_token"], second.body["refresh_token"]);
    // The period runs from the first exchange, not from the retry.
    clock.advance(Duration::from_secs(2));
    let late = refresh(r1).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert_eq!(late.body["error"], "invalid_grant", "{}", late.body);
    let r2 = second.body["refresh_token"]
        .as_str()
        .expect("rotated")
        .to_owned();
    assert_eq!(
        refresh(r2).await.body["error"],
        "invalid_grant",
        "the late replay revoked the family"
    );
}

#[tokio::test]
async fn the_grace_period_is_at_most_a_day() {
    let kit = Kit::start().await;
    let r = kit
        .v1(
            reqwest::Method::POST,
            "/applications",
            "application/json",
            Some(json!({
                "name": "too-long-grace", "enabled": true, "type": "WEB_APP",
                "protocol": "OPENID_CONNECT", "grantTypes": ["AUTHORIZATION_CODE", "REFRESH_TOKEN"],
                "responseTypes": ["CODE"], "redirectUris": [REDIRECT],
                "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
                "refreshTokenRollingGracePeriodDuration": 86_401,
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        r.body["details"][0]["target"],
        "refreshTokenRollingGracePeriodDuration"
    );
}
