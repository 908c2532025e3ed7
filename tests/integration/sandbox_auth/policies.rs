//! Flows driven by sign-on policy actions: MFA with OTPs from the outbox, agreements,
//! registration, progressive profiling, passwordless and identifier-first sign-on, and
//! password recovery.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Browser, Kit, PASSWORD, REDIRECT};

fn login_action() -> Value {
    json!({"priority": 1, "type": "LOGIN"})
}

fn mfa_action(priority: i64) -> Value {
    json!({"priority": priority, "type": "MULTI_FACTOR_AUTHENTICATION", "email": {"enabled": true}, "sms": {"enabled": true}})
}

/// An app with `actions` as its policy, and a browser at its first flow status.
async fn start(kit: &Kit, actions: Vec<Value>) -> (String, Browser, String) {
    let (app, _) = kit.app(json!({})).await;
    kit.policy(&app, actions).await;
    let b = kit.browser();
    let (_, flow) = b
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &app),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
        ])
        .await;
    (app, b, flow)
}

async fn enable_mfa(kit: &Kit, user: &str) {
    let r = kit
        .v1(
            Method::PUT,
            &format!("/users/{user}/mfaEnabled"),
            "application/json",
            Some(json!({"mfaEnabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn device(kit: &Kit, user: &str, body: Value) -> String {
    kit.create(&format!("/users/{user}/devices"), body).await["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// The latest OTP the outbox holds for `to`.
async fn otp_for(kit: &Kit, to: &str) -> String {
    let messages = kit.messages(to).await;
    let last = messages
        .last()
        .unwrap_or_else(|| panic!("no message to {to}"));
    last["otp"].as_str().expect("otp").to_owned()
}

#[tokio::test]
async fn login_then_mfa_with_an_otp_from_the_outbox() {
    let kit = Kit::start().await;
    let user = kit.user("mfa-user", PASSWORD).await;
    enable_mfa(&kit, &user).await;
    device(
        &kit,
        &user,
        json!({"type": "EMAIL", "email": "mfa@example.com"}),
    )
    .await;
    let (_, b, flow) = start(&kit, vec![login_action(), mfa_action(10)]).await;
    let f = b.login(&flow, "mfa-user", PASSWORD, "OTP_REQUIRED").await;
    assert!(f.body["_links"]["otp.check"].is_object());
    assert_eq!(f.body["_embedded"]["devices"][0]["type"], "EMAIL");
    let otp = otp_for(&kit, "mfa@example.com").await;
    let wrong = b.act(&flow, "otp.check", json!({"otp": "000000"})).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.body["details"][0]["code"], "INVALID_OTP");
    assert_eq!(
        wrong.body["details"][0]["innerError"]["attemptsRemaining"],
        2
    );
    let done = b.act(&flow, "otp.check", json!({"otp": otp})).await;
    assert_eq!(done.body["status"], "COMPLETED", "{}", done.body);
    assert!(b.resume(&flow).await.location().as_str().contains("code="));
}

#[tokio::test]
async fn several_devices_ask_for_a_selection_and_test_mode_shows_the_otp() {
    let kit = Kit::start().await;
    let user = kit.user("two-devices", PASSWORD).await;
    enable_mfa(&kit, &user).await;
    device(
        &kit,
        &user,
        json!({"type": "EMAIL", "email": "first@example.com"}),
    )
    .await;
    let sms = device(
        &kit,
        &user,
        json!({"type": "SMS", "phone": "+15125551234", "testMode": true}),
    )
    .await;
    let (_, b, flow) = start(&kit, vec![login_action(), mfa_action(2)]).await;
    let f = b
        .login(&flow, "two-devices", PASSWORD, "DEVICE_SELECTION_REQUIRED")
        .await;
    assert_eq!(
        f.body["_embedded"]["devices"].as_array().map(Vec::len),
        Some(2)
    );
    assert!(f.body["_links"]["device.select"].is_object());
    let bad = b
        .act(&flow, "device.select", json!({"device": {"id": "nope"}}))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let f = b
        .act(&flow, "device.select", json!({"device": {"id": sms}}))
        .await;
    assert_eq!(f.body["status"], "OTP_REQUIRED", "{}", f.body);
    let shown = f.body["selectedDevice"]["test"]["otp"]
        .as_str()
        .expect("test.otp")
        .to_owned();
    assert_eq!(otp_for(&kit, "+15125551234").await, shown);
    let done = b.act(&flow, "otp.check", json!({"otp": shown})).await;
    assert_eq!(done.body["status"], "COMPLETED");
}

#[tokio::test]
async fn passwordless_sign_on_with_user_lookup() {
    let kit = Kit::start().await;
    let user = kit.user("nopass", PASSWORD).await;
    enable_mfa(&kit, &user).await;
    device(
        &kit,
        &user,
        json!({"type": "EMAIL", "email": "nopass@example.com"}),
    )
    .await;
    let (_, b, flow) = start(&kit, vec![mfa_action(1)]).await;
    let f = b.flow(&flow).await;
    assert_eq!(f.body["status"], "SIGN_ON_REQUIRED");
    assert!(f.body["_links"]["user.lookup"].is_object());
    let f = b
        .act(&flow, "user.lookup", json!({"username": "nopass"}))
        .await;
    assert_eq!(f.body["status"], "OTP_REQUIRED", "{}", f.body);
    let otp = otp_for(&kit, "nopass@example.com").await;
    assert_eq!(
        b.act(&flow, "otp.check", json!({"otp": otp})).await.body["status"],
        "COMPLETED"
    );
}

#[tokio::test]
async fn identifier_first_then_password() {
    let kit = Kit::start().await;
    kit.user("idfirst", PASSWORD).await;
    let (_, b, flow) = start(
        &kit,
        vec![json!({"priority": 1, "type": "IDENTIFIER_FIRST"})],
    )
    .await;
    assert_eq!(b.flow(&flow).await.body["status"], "IDENTIFIER_REQUIRED");
    let f = b
        .act(&flow, "user.lookup", json!({"username": "idfirst"}))
        .await;
    assert_eq!(f.body["status"], "PASSWORD_REQUIRED", "{}", f.body);
    let done = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(done.body["status"], "COMPLETED", "{}", done.body);
}

#[tokio::test]
async fn agreement_consent_is_asked_once() {
    let kit = Kit::start().await;
    kit.user("reader", PASSWORD).await;
    let agreement = kit
        .create("/agreements", json!({"name": "Terms", "description": "T"}))
        .await;
    let aid = agreement["id"].as_str().expect("id").to_owned();
    let lang = kit
        .create(
            &format!("/agreements/{aid}/languages"),
            json!({"locale": "en"}),
        )
        .await;
    let lid = lang["id"].as_str().expect("id").to_owned();
    kit.create(&format!("/agreements/{aid}/languages/{lid}/revisions"),
        json!({"effectiveAt": "2020-01-01T00:00:00.000Z", "requireReconsent": true, "contentType": "text/html", "text": "<b>Terms</b>"})).await;
    let r = kit
        .v1(
            Method::PUT,
            &format!("/agreements/{aid}/languages/{lid}"),
            "application/json",
            Some(json!({"locale": "en", "enabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = kit
        .v1(
            Method::PUT,
            &format!("/agreements/{aid}"),
            "application/json",
            Some(json!({"name": "Terms", "enabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let actions = vec![
        login_action(),
        json!({"priority": 50, "type": "AGREEMENT", "agreement": {"id": aid}}),
    ];
    let (app, b, flow) = start(&kit, actions).await;
    let f = b
        .login(&flow, "reader", PASSWORD, "AGREEMENT_CONSENT_REQUIRED")
        .await;
    assert_eq!(f.body["_embedded"]["agreement"]["text"], "<b>Terms</b>");
    assert!(f.body["_links"]["user.consent"].is_object());
    let f = b.act(&flow, "user.consent", json!({"accept": true})).await;
    assert_eq!(f.body["status"], "COMPLETED", "{}", f.body);
    let again = kit.browser();
    let (_, flow) = again
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &app),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
        ])
        .await;
    again.login(&flow, "reader", PASSWORD, "COMPLETED").await;
}

#[tokio::test]
async fn registration_with_a_verification_code() {
    let kit = Kit::start().await;
    let pop = kit
        .create("/populations", json!({"name": "Registered"}))
        .await;
    let actions = vec![
        json!({"priority": 1, "type": "LOGIN", "registration": {"enabled": true, "population": {"id": pop["id"]}}}),
    ];
    let (_, b, flow) = start(&kit, actions).await;
    let f = b.flow(&flow).await;
    assert!(f.body["_links"]["user.register"].is_object(), "{}", f.body);
    let weak = b
        .act(
            &flow,
            "user.register",
            json!({"username": "newbie", "email": "newbie@example.com", "password": "short"}),
        )
        .await;
    assert_eq!(
        weak.status,
        StatusCode::BAD_REQUEST,
        "password policy applies"
    );
    let f = b.act(&flow, "user.register", json!({"username": "newbie", "email": "newbie@example.com", "password": PASSWORD, "name": {"given": "New"}})).await;
    assert_eq!(f.body["status"], "VERIFICATION_CODE_REQUIRED", "{}", f.body);
    let code = kit
        .messages("newbie@example.com")
        .await
        .last()
        .expect("message")["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let wrong = b
        .act(&flow, "user.verify", json!({"verificationCode": "000000x"}))
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let f = b
        .act(&flow, "user.verify", json!({"verificationCode": code}))
        .await;
    assert_eq!(f.body["status"], "COMPLETED", "{}", f.body);
    let users = kit
        .v1(
            Method::GET,
            "/users?filter=username%20eq%20%22newbie%22",
            "",
            None,
        )
        .await;
    let user = &users.body["_embedded"]["users"][0];
    assert_eq!(user["population"]["id"], pop["id"]);
    assert_eq!(user["lifecycle"]["status"], "ACCOUNT_OK");
}

#[tokio::test]
async fn progressive_profiling_asks_for_missing_attributes() {
    let kit = Kit::start().await;
    let user = kit.user("profiled", PASSWORD).await;
    let actions = vec![
        login_action(),
        json!({"priority": 50, "type": "PROGRESSIVE_PROFILING",
        "attributes": [{"name": "mobilePhone", "required": true}], "preventMultiplePromptsPerFlow": false,
        "promptIntervalSeconds": 3600, "promptText": "Tell us more"}),
    ];
    let (_, b, flow) = start(&kit, actions).await;
    let f = b
        .login(&flow, "profiled", PASSWORD, "PROFILE_DATA_REQUIRED")
        .await;
    assert_eq!(f.body["_embedded"]["attributes"][0]["name"], "mobilePhone");
    assert!(f.body["_links"]["user.update"].is_object(), "{}", f.body);
    // PingOne documents `user.update` for this answer; another name is not an action.
    let other = b
        .act(
            &flow,
            "user.profile.update",
            json!({"mobilePhone": "+15125550000"}),
        )
        .await;
    assert_eq!(
        other.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        other.body
    );
    let empty = b.act(&flow, "user.update", json!({})).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let f = b
        .act(&flow, "user.update", json!({"mobilePhone": "+15125550000"}))
        .await;
    assert_eq!(f.body["status"], "COMPLETED", "{}", f.body);
    let r = kit
        .v1(Method::GET, &format!("/users/{user}"), "", None)
        .await;
    assert_eq!(r.body["mobilePhone"], "+15125550000");
}

#[tokio::test]
async fn progressive_profiling_prompt_interval_is_at_least_one_second() {
    let kit = Kit::start().await;
    let policy = kit
        .create("/signOnPolicies", json!({"name": "profiling"}))
        .await;
    let actions = format!(
        "/signOnPolicies/{}/actions",
        policy["id"].as_str().expect("id")
    );
    for interval in [json!(0), json!(-5), json!("3600")] {
        let r = kit
            .v1(
                Method::POST,
                &actions,
                "application/json",
                Some(json!({"priority": 50, "type": "PROGRESSIVE_PROFILING",
                    "attributes": [{"name": "mobilePhone", "required": false}],
                    "preventMultiplePromptsPerFlow": false, "promptIntervalSeconds": interval,
                    "promptText": "More"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{interval}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA");
        assert_eq!(r.body["details"][0]["code"], "INVALID_VALUE");
        assert_eq!(r.body["details"][0]["target"], "promptIntervalSeconds");
    }
    let one = kit
        .create(
            &actions,
            json!({"priority": 50, "type": "PROGRESSIVE_PROFILING",
                "attributes": [{"name": "mobilePhone", "required": false}],
                "preventMultiplePromptsPerFlow": false, "promptIntervalSeconds": 1,
                "promptText": "More"}),
        )
        .await;
    assert_eq!(one["promptIntervalSeconds"], 1);
}

#[tokio::test]
async fn password_recovery_inside_a_flow() {
    let kit = Kit::start().await;
    kit.user("forgetful", PASSWORD).await;
    let (_, b, flow) = start(&kit, vec![login_action()]).await;
    let f = b
        .act(&flow, "password.forgot", json!({"username": "forgetful"}))
        .await;
    assert_eq!(f.body["status"], "RECOVERY_CODE_REQUIRED", "{}", f.body);
    let code = kit
        .messages("forgetful@example.com")
        .await
        .last()
        .expect("message")["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let f = b
        .act(
            &flow,
            "password.recover",
            json!({"recoveryCode": code, "newPassword": "Another-Pass2!"}),
        )
        .await;
    assert_eq!(f.body["status"], "COMPLETED", "{}", f.body);
    let (app, _) = kit.app(json!({})).await;
    let fresh = kit.browser();
    let (_, flow) = fresh
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &app),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
        ])
        .await;
    fresh
        .login(&flow, "forgetful", "Another-Pass2!", "COMPLETED")
        .await;
}
