//! MFA-only flows as the MFA tutorials drive them: a `login_hint_token` naming the user, a
//! transaction approval whose request object fills the `transaction` template's SMS, and the
//! device authentication policies they run under (with PingOne's errors for bad bodies).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Browser, Kit, PASSWORD, Reply, claims};

const PHONE: &str = "+15125550199";

/// An HS256 JWT of `claims` signed with `secret`, as a client builds it.
fn hs256(claims: &Value, secret: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("seconds")
}

/// An app whose only policy action is an SMS MFA action, and an MFA user with an SMS device.
async fn setup(kit: &Kit, username: &str) -> (String, String, String) {
    let (app, secret) = kit.app(json!({})).await;
    kit.policy(
        &app,
        vec![json!({"priority": 1, "type": "MULTI_FACTOR_AUTHENTICATION",
            "sms": {"enabled": true}, "email": {"enabled": false}})],
    )
    .await;
    let user = kit.user(username, PASSWORD).await;
    let r = kit
        .v1(
            Method::PUT,
            &format!("/users/{user}/mfaEnabled"),
            "application/json",
            Some(json!({"mfaEnabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    kit.create(
        &format!("/users/{user}/devices"),
        json!({"type": "SMS", "phone": PHONE}),
    )
    .await;
    (app, secret, user)
}

fn hint(kit: &Kit, app: &str, sub: &str, secret: &str) -> String {
    hs256(
        &json!({"iss": app, "sub": sub, "aud": kit.auth("/as"), "iat": now(), "exp": now() + 300}),
        secret,
    )
}

/// `as/authorize` in `pi.flow` mode with extra parameters.
async fn authorize(b: &Browser, app: &str, extra: &[(&str, &str)]) -> Reply {
    let mut params = vec![
        ("client_id", app),
        ("response_type", "code"),
        ("response_mode", "pi.flow"),
        ("scope", "openid"),
    ];
    params.extend_from_slice(extra);
    b.get("/as/authorize", &params).await
}

/// Checks the latest passcode texted to `PHONE`, resumes and exchanges the code; returns the
/// ID token's claims.
async fn finish(kit: &Kit, b: &Browser, flow: &str, app: &str, secret: &str) -> Value {
    let otp = kit.messages(PHONE).await.last().expect("a text")["otp"]
        .as_str()
        .expect("otp")
        .to_owned();
    let done = b.act(flow, "otp.check", json!({"otp": otp})).await;
    assert_eq!(done.body["status"], "COMPLETED", "{}", done.body);
    let resumed = b.resume(flow).await;
    assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.body);
    let code = resumed.body["authorizeResponse"]["code"]
        .as_str()
        .expect("code in authorizeResponse")
        .to_owned();
    let tokens = kit
        .token(
            &[("grant_type", "authorization_code"), ("code", &code)],
            Some((app, secret)),
        )
        .await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    claims(tokens.body["id_token"].as_str().expect("id_token"))
}

#[tokio::test]
async fn a_login_hint_token_starts_the_flow_at_the_passcode() {
    let kit = Kit::start().await;
    let (app, secret, user) = setup(&kit, "hinted").await;
    let b = kit.browser();
    let r = authorize(
        &b,
        &app,
        &[("login_hint_token", &hint(&kit, &app, &user, &secret))],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "OTP_REQUIRED", "{}", r.body);
    assert!(r.body["_links"]["otp.check"].is_object());
    let flow = r.body["id"].as_str().expect("flow id").to_owned();
    let id = finish(&kit, &b, &flow, &app, &secret).await;
    assert_eq!(id["sub"], user.as_str());
    assert_eq!(id["amr"], json!(["otp"]));

    // A username in `sub` names the user too.
    let b = kit.browser();
    let r = authorize(
        &b,
        &app,
        &[("login_hint_token", &hint(&kit, &app, "hinted", &secret))],
    )
    .await;
    assert_eq!(r.body["status"], "OTP_REQUIRED", "{}", r.body);
}

#[tokio::test]
async fn bad_login_hint_tokens_are_refused_before_a_flow_starts() {
    let kit = Kit::start().await;
    let (app, secret, user) = setup(&kit, "refused").await;
    let expired = hs256(
        &json!({"iss": app, "sub": user, "aud": kit.auth("/as"), "iat": now() - 600, "exp": now() - 300}),
        &secret,
    );
    let cases = [
        ("not a JWT", "not-a-jwt".to_owned()),
        ("wrong key", hint(&kit, &app, &user, "another secret")),
        ("expired", expired),
        ("nobody", hint(&kit, &app, "no-such-user", &secret)),
        (
            "no sub",
            hs256(&json!({"iss": app, "exp": now() + 60}), &secret),
        ),
        (
            "for another audience",
            hs256(
                &json!({"iss": app, "sub": user, "aud": "https://elsewhere/as", "iat": now(), "exp": now() + 60}),
                &secret,
            ),
        ),
        (
            "no exp",
            hs256(
                &json!({"iss": app, "sub": user, "aud": kit.auth("/as"), "iat": now()}),
                &secret,
            ),
        ),
    ];
    for (why, token) in cases {
        let r = authorize(&kit.browser(), &app, &[("login_hint_token", &token)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{why}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA", "{why}: {}", r.body);
        assert_eq!(r.body["details"][0]["target"], "login_hint_token", "{why}");
        assert!(r.body["id"].is_string() && r.body["message"].is_string());
    }
    assert!(kit.messages(PHONE).await.is_empty(), "no passcode was sent");
}

#[tokio::test]
async fn a_transaction_approval_texts_the_transaction_with_the_passcode() {
    let kit = Kit::start().await;
    let (app, secret, user) = setup(&kit, "approver").await;
    let content =
        "Approve this transfer of ${sum} ${currency} to ${recipient}, by entering this OTP: ${OTP}";
    kit.create(
        "/templates/transaction/contents",
        json!({"locale": "en", "variant": "transfer", "content": content, "deliveryMethod": "SMS"}),
    )
    .await;
    let request = hs256(
        &json!({"iss": app, "sub": user, "aud": kit.auth("/as"), "iat": now(), "exp": now() + 300,
            "pi.template": {"name": "transaction", "variant": "transfer",
                "variables": {"sum": "1,000,000", "currency": "USD", "recipient": "Charlie Parker"}}}),
        &secret,
    );
    let b = kit.browser();
    let r = authorize(
        &b,
        &app,
        &[("request", &request), ("login_hint_token", &request)],
    )
    .await;
    assert_eq!(r.body["status"], "OTP_REQUIRED", "{}", r.body);
    let text = kit.messages(PHONE).await.last().expect("a text").clone();
    assert_eq!(text["purpose"], "transaction");
    assert_eq!(text["channel"], "SMS");
    let otp = text["otp"].as_str().expect("otp");
    assert_eq!(
        text["text"],
        format!(
            "Approve this transfer of 1,000,000 USD to Charlie Parker, by entering this OTP: {otp}"
        )
    );
    let flow = r.body["id"].as_str().expect("flow id").to_owned();
    let id = finish(&kit, &b, &flow, &app, &secret).await;
    assert_eq!(id["sub"], user.as_str());

    // A request object signed with another key is refused.
    let forged = hs256(&json!({"iss": app, "sub": user}), "not the secret");
    let r = authorize(&kit.browser(), &app, &[("request", &forged)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["details"][0]["target"], "request");
}

#[tokio::test]
async fn device_authentication_policies_take_the_tutorial_body_and_refuse_bad_ones() {
    let kit = Kit::start().await;
    let (app, _) = kit.app(json!({})).await;
    let otp = json!({"failure": {"count": 3, "coolDown": {"duration": 0, "timeUnit": "MINUTES"}},
        "lifeTime": {"duration": 30, "timeUnit": "MINUTES"}});
    let body = json!({
        "name": "tutorial policy", "default": false, "forSignOnPolicy": false,
        "sms": {"enabled": true, "otp": otp}, "email": {"enabled": true, "otp": otp},
        "voice": {"enabled": false, "otp": otp},
        "mobile": {"enabled": true,
            "otp": {"failure": {"count": 3, "coolDown": {"duration": 2, "timeUnit": "MINUTES"}},
                "window": {"stepSize": {"duration": 30, "timeUnit": "SECONDS"}}},
            "applications": [{"id": app, "push": {"enabled": false}, "otp": {"enabled": true}}]},
        "totp": {"enabled": true, "otp": {"failure": {"count": 3, "coolDown": {"duration": 2, "timeUnit": "MINUTES"}}}},
        "fido2": {"enabled": true},
    });
    let created = kit
        .create("/deviceAuthenticationPolicies", body.clone())
        .await;
    assert_eq!(created["sms"]["otp"]["lifeTime"]["duration"], 30);
    assert_eq!(created["mobile"]["applications"][0]["id"], app.as_str());

    // A policy that leaves out methods, or a method's passcode settings, is refused with
    // each missing field named: PingOne's request model and OpenAPI require them.
    let short = kit
        .v1(
            Method::POST,
            "/deviceAuthenticationPolicies",
            "application/json",
            Some(json!({"name": "short", "sms": {"enabled": true}})),
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.body);
    let missing: Vec<&str> = short.body["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["target"].as_str())
        .collect();
    assert_eq!(
        missing,
        ["default", "sms.otp", "voice", "email", "mobile", "totp"]
    );

    let bad = |pointer: &str, value: Value| {
        let mut b = body.clone();
        b["name"] = json!(format!("bad {pointer}"));
        *b.pointer_mut(pointer).expect("pointer") = value;
        b
    };
    let cases = [
        (bad("/sms/enabled", json!("yes")), "sms.enabled"),
        (
            bad("/email/otp/lifeTime/timeUnit", json!("HOURS")),
            "email.otp.lifeTime.timeUnit",
        ),
        (
            bad("/voice/otp/failure/count", json!(0)),
            "voice.otp.failure.count",
        ),
        (
            bad("/mobile/applications/0/id", json!("no-such-app")),
            "mobile.applications[0].id",
        ),
        (
            bad("/mobile/otp/window/stepSize", json!({})),
            "mobile.otp.window.stepSize.duration",
        ),
        (
            bad(
                "/totp/otp",
                json!({"otpLength": 11, "failure": {"count": 1, "coolDown": {"duration": 0, "timeUnit": "SECONDS"}}}),
            ),
            "totp.otp.otpLength",
        ),
    ];
    for (doc, target) in cases {
        let r = kit
            .v1(
                Method::POST,
                "/deviceAuthenticationPolicies",
                "application/json",
                Some(doc),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{target}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA");
        let targets: Vec<&str> = r.body["details"]
            .as_array()
            .expect("details")
            .iter()
            .filter_map(|d| d["target"].as_str())
            .collect();
        assert!(targets.contains(&target), "{target} not in {targets:?}");
    }
}
