//! What a completed sign-on leaves behind: the token claims, the session listed under the
//! user, single sign-on, sign-off, rotating refresh tokens, and expiry.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{Kit, PASSWORD, REDIRECT, claims, code_request, query};

#[tokio::test]
async fn user_tokens_carry_pingone_claims_and_open_userinfo() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    let user = kit.user("ada", PASSWORD).await;
    let b = kit.browser();
    let code = b.sign_in(&code_request(&app), "ada").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let r = kit.token(&form, Some((&app, &secret))).await;
    let access = r.body["access_token"].as_str().expect("at").to_owned();
    let at = claims(&access);
    assert_eq!(
        (at["sub"].as_str(), at["client_id"].as_str()),
        (Some(user.as_str()), Some(app.as_str()))
    );
    assert_eq!(at["iss"], kit.auth("/as"));
    assert_eq!(at["scope"], "openid");
    assert!(at["sid"].is_string() && at["auth_time"].is_i64() && at["jti"].is_string());
    assert!(at["acr"].is_string() && at["env"].is_string() && at["org"].is_string());
    let info = kit
        .http
        .get(kit.auth("/as/userinfo"))
        .bearer_auth(&access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(info.status(), StatusCode::OK);
    let info: serde_json::Value = info.json().await.expect("json");
    assert_eq!(info["sub"], user.as_str());
    let post = kit
        .http
        .post(kit.auth("/as/userinfo"))
        .bearer_auth(&access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(post.status(), StatusCode::OK);
    let other_env = kit
        .http
        .get(kit.auth("/as/userinfo"))
        .bearer_auth(&kit.token)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(
        other_env.status(),
        StatusCode::UNAUTHORIZED,
        "a token of another environment"
    );
    let worker =
        json!({"type": "WORKER", "grantTypes": ["CLIENT_CREDENTIALS"], "responseTypes": []});
    let (wid, wsecret) = kit.app(worker).await;
    let cc = kit
        .token(
            &[("grant_type", "client_credentials")],
            Some((&wid, &wsecret)),
        )
        .await;
    let cc = cc.body["access_token"].as_str().expect("token").to_owned();
    let r = kit
        .http
        .get(kit.auth("/as/userinfo"))
        .bearer_auth(&cc)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a client token has no user"
    );
    let none = kit
        .http
        .get(kit.auth("/as/userinfo"))
        .send()
        .await
        .expect("userinfo");
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().contains_key("www-authenticate"));
}

#[tokio::test]
async fn single_sign_on_then_sign_off() {
    let kit = Kit::start().await;
    let (app, secret) = kit
        .app(json!({"postLogoutRedirectUris": ["https://app.example/bye"]}))
        .await;
    let user = kit.user("ada", PASSWORD).await;
    let b = kit.browser();
    b.sign_in(&code_request(&app), "ada").await;
    let r = b.get("/as/authorize", &code_request(&app)).await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert!(
        r.location().path().ends_with("/as/resume"),
        "SSO goes straight to resume: {}",
        r.location()
    );
    let code = super::query(
        &b.resume(&super::query(&r.location(), "flowId").expect("flowId"))
            .await
            .location(),
        "code",
    )
    .expect("code");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let tokens = kit.token(&form, Some((&app, &secret))).await;
    let access = tokens.body["access_token"].as_str().expect("at").to_owned();
    let id_token = tokens.body["id_token"].as_str().expect("id").to_owned();

    let sessions = kit
        .v1(Method::GET, &format!("/users/{user}/sessions"), "", None)
        .await;
    assert_eq!(
        sessions.body["_embedded"]["sessions"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{}",
        sessions.body
    );
    let mut forced = code_request(&app).to_vec();
    forced.push(("prompt", "login"));
    let (_, flow) = b.authorize(&forced).await;
    assert_eq!(
        b.flow(&flow).await.body["status"],
        "USERNAME_PASSWORD_REQUIRED",
        "prompt=login"
    );

    let bye = [
        ("id_token_hint", id_token.as_str()),
        ("post_logout_redirect_uri", "https://app.example/bye"),
        ("state", "s"),
    ];
    let off = b.get("/as/signoff", &bye).await;
    assert_eq!(off.status, StatusCode::FOUND);
    assert_eq!(off.location().as_str(), "https://app.example/bye?state=s");
    let sessions = kit
        .v1(Method::GET, &format!("/users/{user}/sessions"), "", None)
        .await;
    assert_eq!(
        sessions.body["_embedded"]["sessions"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let info = kit
        .http
        .get(kit.auth("/as/userinfo"))
        .bearer_auth(&access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(
        info.status(),
        StatusCode::UNAUTHORIZED,
        "sign-off revokes the user's tokens"
    );
    let (_, flow) = b.authorize(&code_request(&app)).await;
    assert_eq!(
        b.flow(&flow).await.body["status"],
        "USERNAME_PASSWORD_REQUIRED"
    );
    let bad = b
        .get(
            "/as/signoff",
            &[("post_logout_redirect_uri", "https://evil.example")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn deleting_a_session_over_v1_ends_sso() {
    let kit = Kit::start().await;
    let (app, _) = kit.app(json!({})).await;
    let user = kit.user("ada", PASSWORD).await;
    let b = kit.browser();
    b.sign_in(&code_request(&app), "ada").await;
    let sessions = kit
        .v1(Method::GET, &format!("/users/{user}/sessions"), "", None)
        .await;
    let sid = sessions.body["_embedded"]["sessions"][0]["id"]
        .as_str()
        .expect("session id")
        .to_owned();
    let r = kit
        .v1(
            Method::DELETE,
            &format!("/users/{user}/sessions/{sid}"),
            "",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let (_, flow) = b.authorize(&code_request(&app)).await;
    assert_eq!(
        b.flow(&flow).await.body["status"],
        "USERNAME_PASSWORD_REQUIRED"
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_replays_revoke_the_family() {
    let kit = Kit::start().await;
    let (app, secret) = kit
        .app(json!({"grantTypes": ["AUTHORIZATION_CODE", "REFRESH_TOKEN"]}))
        .await;
    kit.user("barbara", PASSWORD).await;
    let code = kit.browser().sign_in(&code_request(&app), "barbara").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let first = kit.token(&form, Some((&app, &secret))).await;
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
    // A refused request (a scope beyond the grant) leaves the token usable.
    let widened = kit
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &r1),
                ("scope", "openid profile"),
            ],
            Some((&app, &secret)),
        )
        .await;
    assert_eq!(widened.body["error"], "invalid_scope", "{}", widened.body);
    let second = refresh(r1.clone()).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let r2 = second.body["refresh_token"]
        .as_str()
        .expect("rotated")
        .to_owned();
    assert_ne!(r1, r2);
    assert_ne!(second.body["access_token"], first.body["access_token"]);
    assert!(second.body["id_token"].is_string());
    assert_eq!(
        refresh(r1).await.body["error"],
        "invalid_grant",
        "the old token is retired"
    );
    assert_eq!(
        refresh(r2).await.body["error"],
        "invalid_grant",
        "a replay revokes the family"
    );
}

#[tokio::test]
async fn codes_and_flows_expire() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    kit.user("edsger", PASSWORD).await;
    let code = kit.browser().sign_in(&code_request(&app), "edsger").await;
    let clock = &kit.sandbox.state().auth.clock;
    clock.advance(Duration::from_secs(61));
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    assert_eq!(
        kit.token(&form, Some((&app, &secret))).await.body["error"],
        "invalid_grant"
    );
    let fresh = kit.browser();
    let (_, flow) = fresh.authorize(&code_request(&app)).await;
    clock.advance(Duration::from_mins(15) + Duration::from_secs(1));
    assert_eq!(fresh.flow(&flow).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_completed_flow_is_resumed_only_with_its_session_cookie() {
    let kit = Kit::start().await;
    let (app, _) = kit.app(json!({})).await;
    kit.user("grace", PASSWORD).await;
    let browser = kit.browser();
    let (_, flow) = browser.authorize(&code_request(&app)).await;
    browser.login(&flow, "grace", PASSWORD, "COMPLETED").await;
    // Someone who knows only the flow id (a fresh client, no cookies) gets no code.
    let stranger = kit.browser();
    let r = stranger.resume(&flow).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.body["code"], "ACCESS_FAILED");
    // The browser holding the ST cookie still can.
    let r = browser.resume(&flow).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert!(query(&r.location(), "code").is_some());
}
