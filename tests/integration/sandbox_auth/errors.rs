//! Error paths of authorize and the flows API: what the caller sees before the redirect URI
//! is trusted, what the client gets after, and PingOne's flow errors.

use reqwest::StatusCode;
use serde_json::json;

use super::{Kit, PASSWORD, REDIRECT, code_request, query};

#[tokio::test]
async fn bad_client_or_redirect_uri_answer_the_caller() {
    let kit = Kit::start().await;
    let (app, _) = kit
        .app(json!({"redirectUris": [REDIRECT, "https://app.example/two"]}))
        .await;
    let b = kit.browser();
    let r = b.get("/as/authorize", &code_request("nope")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["code"], "INVALID_DATA");
    assert_eq!(r.body["details"][0]["target"], "client_id");
    let evil = [
        ("response_type", "code"),
        ("client_id", app.as_str()),
        ("redirect_uri", "https://evil.example/cb"),
        ("scope", "openid"),
    ];
    let r = b.get("/as/authorize", &evil).await;
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
    let r = kit
        .http
        .get(format!("{}/no-such-env/as/authorize", kit.base))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn other_errors_go_back_to_the_client() {
    let kit = Kit::start().await;
    let (app, _) = kit.app(json!({})).await;
    let b = kit.browser();
    let error_of = |params: Vec<(&'static str, &'static str)>| {
        let (b, app) = (&b, app.clone());
        async move {
            let mut all = vec![
                ("client_id", app.as_str()),
                ("redirect_uri", REDIRECT),
                ("state", "z"),
            ];
            all.extend(params);
            let r = b.get("/as/authorize", &all).await;
            assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
            assert_eq!(query(&r.location(), "state").as_deref(), Some("z"));
            query(&r.location(), "error").expect("error")
        }
    };
    let scope = vec![("response_type", "code"), ("scope", "openid profile")];
    assert_eq!(
        error_of(scope).await,
        "invalid_scope",
        "profile is not granted"
    );
    let bogus = vec![("response_type", "bogus"), ("scope", "openid")];
    assert_eq!(error_of(bogus).await, "unsupported_response_type");
    let none = vec![
        ("response_type", "code"),
        ("scope", "openid"),
        ("prompt", "none"),
    ];
    assert_eq!(error_of(none).await, "login_required");
    let missing = vec![("response_type", "code")];
    assert_eq!(error_of(missing).await, "invalid_scope");
    let mut pi = code_request(&app).to_vec();
    pi[3] = ("scope", "nope");
    pi.push(("response_mode", "pi.flow"));
    let r = b.get("/as/authorize", &pi).await;
    assert_eq!(
        (r.status, r.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
}

#[tokio::test]
async fn flow_errors_follow_pingone() {
    let kit = Kit::start().await;
    let (app, _) = kit.app(json!({})).await;
    kit.user("ada", PASSWORD).await;
    let b = kit.browser();
    let (_, flow) = b.authorize(&code_request(&app)).await;
    let url = kit.auth(&format!("/flows/{flow}"));

    let anonymous = kit.http.get(&url).send().await.expect("get");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = anonymous.json().await.expect("json");
    assert_eq!(body["code"], "ACCESS_FAILED");
    assert_eq!(body["details"][0]["code"], "INVALID_TOKEN");
    let other_jar = kit
        .browser()
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{}");
    assert_eq!(
        other_jar.send().await.expect("post").status(),
        StatusCode::UNAUTHORIZED
    );

    let plain = b
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{}");
    assert_eq!(
        plain.send().await.expect("post").status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let unknown = b.act(&flow, "nonsense.action", json!({})).await;
    assert_eq!(unknown.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = b.act(&flow, "otp.check", json!({"otp": "123456"})).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "an action the status does not offer"
    );
    assert_eq!(r.body["code"], "INVALID_REQUEST");
    let r = b
        .act(&flow, "usernamePassword.check", json!({"username": "ada"}))
        .await;
    assert_eq!(r.body["details"][0]["code"], "REQUIRED_VALUE");
    let unknown_user = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"username": "bob", "password": "x"}),
        )
        .await;
    assert_eq!(unknown_user.body["details"][0]["target"], "username");

    for remaining in [4, 3, 2, 1, 0] {
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
        assert_eq!(wrong.body["details"][0]["target"], "password");
        assert_eq!(
            wrong.body["details"][0]["innerError"]["failuresRemaining"],
            remaining
        );
    }
    let locked = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"username": "ada", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        locked.body["details"][0]["code"], "ACCOUNT_NOT_USABLE",
        "locked after the policy's 5 failures"
    );
    assert_eq!(
        b.get("/flows/not-a-flow", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}
