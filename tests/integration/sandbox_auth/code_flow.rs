//! Browser flows: authorization code (redirect and `pi.flow`), PKCE, implicit, refresh
//! rotation, single sign-on and sign-off, and the authorize/flow/token error paths.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use super::{Kit, PASSWORD, REDIRECT, claims, fragment, query};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[tokio::test]
async fn authorization_code_in_redirect_mode() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    let user = kit.user("ada", PASSWORD).await;
    let b = kit.browser();
    let params = [
        ("response_type", "code"),
        ("client_id", &app),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "s1"),
        ("nonce", "n1"),
    ];
    let (r, flow) = b.authorize(&params).await;
    assert!(
        r.location().as_str().starts_with(&kit.auth("/signon/")),
        "{}",
        r.location()
    );
    let cookies = r.set_cookies().join("\n");
    assert!(
        cookies.contains("interactionId=") && cookies.contains("interactionToken="),
        "{cookies}"
    );
    assert!(cookies.contains("HttpOnly") && cookies.contains("Max-Age=900"));

    let anonymous = kit
        .http
        .get(kit.auth(&format!("/flows/{flow}")))
        .send()
        .await
        .expect("get");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = anonymous.json().await.expect("json");
    assert_eq!(body["code"], "ACCESS_FAILED");
    assert_eq!(body["details"][0]["code"], "INVALID_TOKEN");

    let f = b.flow(&flow).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(f.body["status"], "USERNAME_PASSWORD_REQUIRED");
    assert_eq!(f.body["id"], flow.as_str());
    assert_eq!(f.body["environment"]["id"], kit.env.as_str());
    assert_eq!(
        f.body["resumeUrl"],
        kit.auth(&format!("/as/resume?flowId={flow}"))
    );
    assert!(f.body["_links"]["usernamePassword.check"]["href"].is_string());
    assert!(f.body["_links"]["signOnPage"]["href"].is_string());
    assert!(
        f.body["_links"].get("otp.check").is_none(),
        "only valid actions are linked"
    );

    let wrong = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"username": "ada", "password": "nope"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.body["code"], "INVALID_DATA");
    assert_eq!(wrong.body["details"][0]["code"], "INVALID_VALUE");
    assert_eq!(
        wrong.body["details"][0]["innerError"]["failuresRemaining"],
        4
    );
    let r = b.act(&flow, "otp.check", json!({"otp": "123456"})).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "an action the status does not offer"
    );
    let r = kit
        .browser()
        .client
        .post(kit.auth(&format!("/flows/{flow}")))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let plain = b
        .client
        .post(kit.auth(&format!("/flows/{flow}")))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("post");
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let done = b.login(&flow, "ada", PASSWORD, "COMPLETED").await;
    let st = done.set_cookies().join("\n");
    assert!(
        st.contains("ST=") && st.contains(&format!("Path=/{}", kit.env)) && st.contains("HttpOnly"),
        "{st}"
    );
    assert_eq!(done.body["_embedded"]["user"]["id"], user.as_str());
    assert!(done.body["session"]["id"].is_string());

    let resumed = b.resume(&flow).await;
    assert_eq!(resumed.status, StatusCode::FOUND);
    let loc = resumed.location();
    assert!(loc.as_str().starts_with(REDIRECT));
    assert_eq!(query(&loc, "state").as_deref(), Some("s1"));
    let code = query(&loc, "code").expect("code");
    assert_eq!(
        b.resume(&flow).await.status,
        StatusCode::BAD_REQUEST,
        "resume is one-time"
    );

    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "https://app.example/other"),
    ];
    let r = kit.token(&form, Some((&app, &secret))).await;
    assert_eq!(r.body["error"], "invalid_grant", "redirect_uri must match");

    let (_, flow) = b.authorize(&params).await;
    let f = b.flow(&flow).await;
    assert_eq!(
        f.body["status"], "COMPLETED",
        "the ST session signs the user on"
    );
    let loc = b.resume(&flow).await.location();
    let code = query(&loc, "code").expect("code");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let r = kit.token(&form, Some((&app, &secret))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["scope"], "openid");
    let at = claims(r.body["access_token"].as_str().expect("at"));
    assert_eq!(at["sub"], user.as_str());
    assert_eq!(at["client_id"], app.as_str());
    assert!(at["sid"].is_string() && at["auth_time"].is_i64());
    assert!(at["acr"].is_string());
    let id = claims(r.body["id_token"].as_str().expect("id token"));
    assert_eq!(id["aud"], app.as_str());
    assert_eq!(id["nonce"], "n1");
    assert!(id["at_hash"].is_string());
    let again = kit.token(&form, Some((&app, &secret))).await;
    assert_eq!(again.body["error"], "invalid_grant", "codes are one-time");

    let sessions = kit
        .v1(
            reqwest::Method::GET,
            &format!("/users/{user}/sessions"),
            "",
            None,
        )
        .await;
    assert_eq!(
        sessions.body["_embedded"]["sessions"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{}",
        sessions.body
    );
    let info = kit
        .http
        .get(kit.auth("/as/userinfo"))
        .bearer_auth(r.body["access_token"].as_str().expect("at"))
        .send()
        .await
        .expect("userinfo");
    assert_eq!(info.status(), StatusCode::OK);
    let info: serde_json::Value = info.json().await.expect("json");
    assert_eq!(info["sub"], user.as_str());

    let off = b.get("/as/signoff", &[]).await;
    assert_eq!(off.status, StatusCode::OK);
    let sessions = kit
        .v1(
            reqwest::Method::GET,
            &format!("/users/{user}/sessions"),
            "",
            None,
        )
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
        .bearer_auth(r.body["access_token"].as_str().expect("at"))
        .send()
        .await
        .expect("userinfo");
    assert_eq!(
        info.status(),
        StatusCode::UNAUTHORIZED,
        "sign-off revokes the user's tokens"
    );
    let (_, flow) = b.authorize(&params).await;
    assert_eq!(
        b.flow(&flow).await.body["status"],
        "USERNAME_PASSWORD_REQUIRED"
    );
}

#[tokio::test]
async fn pi_flow_mode_answers_with_json() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    kit.user("grace", PASSWORD).await;
    let b = kit.browser();
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", &app),
                ("redirect_uri", REDIRECT),
                ("scope", "openid"),
                ("response_mode", "pi.flow"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "USERNAME_PASSWORD_REQUIRED");
    assert!(r.body["_embedded"]["application"]["name"].is_string());
    let flow = r.body["id"].as_str().expect("id").to_owned();
    let pending = b.resume(&flow).await;
    assert_eq!(pending.status, StatusCode::BAD_REQUEST, "not completed yet");
    b.login(&flow, "grace", PASSWORD, "COMPLETED").await;
    let done = b.resume(&flow).await;
    assert_eq!(done.status, StatusCode::OK);
    let code = done.body["authorizeResponse"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    assert_eq!(
        kit.token(&form, Some((&app, &secret))).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn pkce_s256_and_plain() {
    let kit = Kit::start().await;
    let (app, _) = kit.app(json!({"type": "SINGLE_PAGE_APP", "tokenEndpointAuthMethod": "NONE", "pkceEnforcement": "S256_REQUIRED"})).await;
    kit.user("alan", PASSWORD).await;
    let b = kit.browser();
    let base = [
        ("response_type", "code"),
        ("client_id", app.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "x"),
    ];
    let r = b.get("/as/authorize", &base).await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("invalid_request"),
        "challenge required"
    );
    assert_eq!(query(&r.location(), "state").as_deref(), Some("x"));
    let mut plain = base.to_vec();
    plain.extend([
        ("code_challenge", VERIFIER),
        ("code_challenge_method", "plain"),
    ]);
    let r = b.get("/as/authorize", &plain).await;
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("invalid_request"),
        "S256 required"
    );

    let mut s256 = base.to_vec();
    s256.extend([
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    let code = sign_in(&b, &s256, "alan").await;
    let wrong = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK";
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("client_id", app.as_str()),
        ("code_verifier", wrong),
    ];
    assert_eq!(kit.token(&form, None).await.body["error"], "invalid_grant");
    let code = sign_in(&b, &s256, "alan").await;
    let missing = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("client_id", app.as_str()),
    ];
    assert_eq!(
        kit.token(&missing, None).await.body["error"],
        "invalid_grant"
    );
    let code = sign_in(&b, &s256, "alan").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("client_id", app.as_str()),
        ("code_verifier", VERIFIER),
    ];
    let r = kit.token(&form, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let (optional, secret) = kit.app(json!({})).await;
    let mut plain = vec![
        ("response_type", "code"),
        ("client_id", optional.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
    ];
    plain.push(("code_challenge", VERIFIER));
    let code = sign_in(&b, &plain, "alan").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    assert_eq!(
        kit.token(&form, Some((&optional, &secret))).await.status,
        StatusCode::OK
    );
}

/// Authorizes (signing on if the session does not), resumes, and returns the code.
async fn sign_in(b: &super::Browser, params: &[(&str, &str)], username: &str) -> String {
    let (_, flow) = b.authorize(params).await;
    if b.flow(&flow).await.body["status"] != "COMPLETED" {
        b.login(&flow, username, PASSWORD, "COMPLETED").await;
    }
    query(&b.resume(&flow).await.location(), "code").expect("code")
}

#[tokio::test]
async fn implicit_tokens_come_in_the_fragment() {
    let kit = Kit::start().await;
    let (app, _) = kit.app(json!({"type": "SINGLE_PAGE_APP", "grantTypes": ["IMPLICIT"], "responseTypes": ["TOKEN", "ID_TOKEN"], "tokenEndpointAuthMethod": "NONE"})).await;
    let user = kit.user("linus", PASSWORD).await;
    let b = kit.browser();
    let base = [
        ("response_type", "token id_token"),
        ("client_id", app.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("state", "st"),
    ];
    let r = b.get("/as/authorize", &base).await;
    assert_eq!(
        fragment(&r.location(), "error").as_deref(),
        Some("invalid_request"),
        "nonce required"
    );
    let mut params = base.to_vec();
    params.push(("nonce", "nn"));
    let (_, flow) = b.authorize(&params).await;
    b.login(&flow, "linus", PASSWORD, "COMPLETED").await;
    let loc = b.resume(&flow).await.location();
    assert!(loc.query().is_none(), "nothing in the query: {loc}");
    let at = fragment(&loc, "access_token").expect("access_token");
    assert_eq!(fragment(&loc, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(fragment(&loc, "expires_in").as_deref(), Some("3600"));
    assert_eq!(fragment(&loc, "state").as_deref(), Some("st"));
    let id = claims(&fragment(&loc, "id_token").expect("id_token"));
    assert_eq!(id["nonce"], "nn");
    assert_eq!(id["sub"], user.as_str());
    assert!(id["at_hash"].is_string());
    assert_eq!(claims(&at)["sub"], user.as_str());
    let code_only = [
        ("response_type", "code"),
        ("client_id", app.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
    ];
    let r = b.get("/as/authorize", &code_only).await;
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("unauthorized_client")
    );
}

#[tokio::test]
async fn authorize_errors_before_and_after_the_redirect_uri_is_trusted() {
    let kit = Kit::start().await;
    let (app, _) = kit
        .app(json!({"redirectUris": [REDIRECT, "https://app.example/two"]}))
        .await;
    let b = kit.browser();
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", "nope"),
                ("redirect_uri", REDIRECT),
                ("scope", "openid"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["details"][0]["target"], "client_id");
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", &app),
                ("redirect_uri", "https://evil.example/cb"),
                ("scope", "openid"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["details"][0]["target"], "redirect_uri");
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", &app),
                ("scope", "openid"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "two registered URIs: redirect_uri is required"
    );
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", &app),
                ("redirect_uri", REDIRECT),
                ("scope", "openid profile"),
                ("state", "z"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("invalid_scope"),
        "profile is not granted"
    );
    assert_eq!(query(&r.location(), "state").as_deref(), Some("z"));
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "bogus"),
                ("client_id", &app),
                ("redirect_uri", REDIRECT),
                ("scope", "openid"),
            ],
        )
        .await;
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("unsupported_response_type")
    );
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", &app),
                ("redirect_uri", REDIRECT),
                ("scope", "openid"),
                ("prompt", "none"),
            ],
        )
        .await;
    assert_eq!(
        query(&r.location(), "error").as_deref(),
        Some("login_required")
    );
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", &app),
                ("redirect_uri", REDIRECT),
                ("scope", "nope"),
                ("response_mode", "pi.flow"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_replays_revoke_the_family() {
    let kit = Kit::start().await;
    let (app, secret) = kit
        .app(json!({"grantTypes": ["AUTHORIZATION_CODE", "REFRESH_TOKEN"]}))
        .await;
    kit.user("barbara", PASSWORD).await;
    let b = kit.browser();
    let params = [
        ("response_type", "code"),
        ("client_id", app.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
    ];
    let code = sign_in(&b, &params, "barbara").await;
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
    let second = kit
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
            Some((&app, &secret)),
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let r2 = second.body["refresh_token"]
        .as_str()
        .expect("rotated")
        .to_owned();
    assert_ne!(r1, r2);
    assert_ne!(second.body["access_token"], first.body["access_token"]);
    assert!(second.body["id_token"].is_string());
    let replay = kit
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
            Some((&app, &secret)),
        )
        .await;
    assert_eq!(replay.body["error"], "invalid_grant");
    let after = kit
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", &r2)],
            Some((&app, &secret)),
        )
        .await;
    assert_eq!(
        after.body["error"], "invalid_grant",
        "a replay revokes the whole family"
    );
}

#[tokio::test]
async fn codes_and_flows_expire() {
    let kit = Kit::start().await;
    let (app, secret) = kit.app(json!({})).await;
    kit.user("edsger", PASSWORD).await;
    let b = kit.browser();
    let params = [
        ("response_type", "code"),
        ("client_id", app.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
    ];
    let code = sign_in(&b, &params, "edsger").await;
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
    let (_, flow) = fresh.authorize(&params).await;
    clock.advance(Duration::from_secs(901));
    assert_eq!(fresh.flow(&flow).await.status, StatusCode::NOT_FOUND);
}
