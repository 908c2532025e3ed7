//! `as/signoff` against the rules of PingOne's Signoff page: what an `id_token_hint` must be,
//! where `post_logout_redirect_uri` may point, and that `state` comes back.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Browser, Kit, PASSWORD, REDIRECT, code_request};

const BYE: &str = "https://app.example/bye";

/// Signs `username` in through `app` in `browser` and returns the ID token.
async fn id_token(kit: &Kit, b: &Browser, app: &str, secret: &str, username: &str) -> String {
    let code = b.sign_in(&code_request(app), username).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let tokens = kit.token(&form, Some((app, secret))).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    tokens.body["id_token"]
        .as_str()
        .expect("id token")
        .to_owned()
}

async fn session_count(kit: &Kit, user: &str) -> usize {
    let r = kit
        .v1(Method::GET, &format!("/users/{user}/sessions"), "", None)
        .await;
    r.body["_embedded"]["sessions"]
        .as_array()
        .map_or(0, Vec::len)
}

fn detail_target(body: &Value) -> &str {
    body["details"][0]["target"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn without_a_hint_any_enabled_application_may_register_the_target() {
    let kit = Kit::start().await;
    let (app, _) = kit.app(json!({"postLogoutRedirectUris": [BYE]})).await;
    let user = kit.user("grace", PASSWORD).await;
    let b = kit.browser();
    b.sign_in(&code_request(&app), "grace").await;
    assert_eq!(session_count(&kit, &user).await, 1);
    let off = b
        .get(
            "/as/signoff",
            &[("post_logout_redirect_uri", BYE), ("state", "xyz")],
        )
        .await;
    assert_eq!(off.status, StatusCode::FOUND, "{}", off.body);
    assert_eq!(off.location().as_str(), format!("{BYE}?state=xyz"));
    assert!(
        off.set_cookies().iter().any(|c| c.starts_with("ST=;")),
        "the session cookie is cleared"
    );
    assert_eq!(session_count(&kit, &user).await, 0);
    // Disabled, the application no longer vouches for the address.
    let r = kit
        .v1(
            Method::PUT,
            &format!("/applications/{app}"),
            "application/json",
            Some(json!({"name": "disabled", "enabled": false, "type": "WEB_APP", "protocol": "OPENID_CONNECT",
                "grantTypes": ["AUTHORIZATION_CODE"], "responseTypes": ["CODE"], "redirectUris": [REDIRECT],
                "postLogoutRedirectUris": [BYE], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let off = b
        .get("/as/signoff", &[("post_logout_redirect_uri", BYE)])
        .await;
    assert_eq!(off.status, StatusCode::BAD_REQUEST, "{}", off.body);
    assert_eq!(off.body["code"], "INVALID_DATA");
    assert_eq!(detail_target(&off.body), "post_logout_redirect_uri");
}

#[tokio::test]
async fn a_hint_must_name_the_sessions_user_and_a_usable_application() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({"postLogoutRedirectUris": [BYE]})).await;
    // Another application registers the address the next request names.
    let _other = kit
        .app(json!({"postLogoutRedirectUris": ["https://other.example/bye"]}))
        .await;
    let ada = kit.user("ada", PASSWORD).await;
    kit.user("bob", PASSWORD).await;
    let ada_browser = kit.browser();
    let ada_token = id_token(&kit, &ada_browser, &app, &secret, "ada").await;
    let bob_browser = kit.browser();
    let bob_token = id_token(&kit, &bob_browser, &app, &secret, "bob").await;

    // Bob's ID token cannot end Ada's session.
    let r = ada_browser
        .get("/as/signoff", &[("id_token_hint", bob_token.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(detail_target(&r.body), "id_token_hint");
    assert_eq!(session_count(&kit, &ada).await, 1, "Ada is still signed on");

    // A token that is not one of this environment's ID tokens.
    let r = ada_browser
        .get("/as/signoff", &[("id_token_hint", "not.a.jwt")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["code"], "INVALID_DATA");

    // With a hint, only the hint's application may name the target.
    let r = ada_browser
        .get(
            "/as/signoff",
            &[
                ("id_token_hint", ada_token.as_str()),
                ("post_logout_redirect_uri", "https://other.example/bye"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(detail_target(&r.body), "post_logout_redirect_uri");

    // The target and state together must stay under 8,192 characters.
    let long_state = "s".repeat(8192);
    let r = ada_browser
        .get(
            "/as/signoff",
            &[
                ("id_token_hint", ada_token.as_str()),
                ("post_logout_redirect_uri", BYE),
                ("state", long_state.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        session_count(&kit, &ada).await,
        1,
        "refused sign-offs end nothing"
    );

    // Ada's own token signs her off and returns the state.
    let r = ada_browser
        .get(
            "/as/signoff",
            &[
                ("id_token_hint", ada_token.as_str()),
                ("post_logout_redirect_uri", BYE),
                ("state", "after"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.location().as_str(), format!("{BYE}?state=after"));
    assert_eq!(session_count(&kit, &ada).await, 0);
    let (_, flow) = ada_browser.authorize(&code_request(&app)).await;
    assert_eq!(
        ada_browser.flow(&flow).await.body["status"],
        "USERNAME_PASSWORD_REQUIRED",
        "the next sign-on asks for credentials again"
    );
}

#[tokio::test]
async fn a_hint_for_a_disabled_application_is_refused() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    let user = kit.user("cy", PASSWORD).await;
    let b = kit.browser();
    let token = id_token(&kit, &b, &app, &secret, "cy").await;
    let r = kit
        .v1(
            Method::PUT,
            &format!("/applications/{app}"),
            "application/json",
            Some(json!({"name": "off", "enabled": false, "type": "WEB_APP", "protocol": "OPENID_CONNECT",
                "grantTypes": ["AUTHORIZATION_CODE"], "responseTypes": ["CODE"], "redirectUris": [REDIRECT],
                "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = b
        .get("/as/signoff", &[("id_token_hint", token.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(detail_target(&r.body), "id_token_hint");
    assert_eq!(session_count(&kit, &user).await, 1);
}
