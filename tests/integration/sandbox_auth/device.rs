//! The device authorization grant: polling answers while the user signs on at `/device`,
//! confirms the user code and consents; expiry and denial.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use super::{Kit, PASSWORD, claims, query};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn device_app(kit: &Kit) -> String {
    let body = json!({"type": "CUSTOM_APP", "grantTypes": ["DEVICE_CODE"], "responseTypes": [],
                      "tokenEndpointAuthMethod": "NONE", "devicePathId": "tv"});
    kit.app(body).await.0
}

#[tokio::test]
async fn device_flow_pending_slow_down_then_tokens() {
    let kit = Kit::start().await;
    let app = device_app(&kit).await;
    let user = kit.user("tv-user", PASSWORD).await;
    let r = kit
        .form(
            "/as/device_authorization",
            &[("client_id", &app), ("scope", "openid")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["interval"], 5);
    assert_eq!(r.body["expires_in"], 600);
    assert_eq!(r.body["verification_uri"], kit.auth("/device/tv"));
    let device_code = r.body["device_code"]
        .as_str()
        .expect("device_code")
        .to_owned();
    let user_code = r.body["user_code"].as_str().expect("user_code").to_owned();
    let poll = [
        ("grant_type", GRANT),
        ("device_code", device_code.as_str()),
        ("client_id", app.as_str()),
    ];
    assert_eq!(
        kit.token(&poll, None).await.body["error"],
        "authorization_pending"
    );
    let fast = kit.token(&poll, None).await;
    assert_eq!(
        (fast.status, fast.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("slow_down"))
    );

    let b = kit.browser();
    let r = b.get("/device", &[]).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let flow = query(&r.location(), "flowId").expect("flowId");
    assert_eq!(
        b.flow(&flow).await.body["status"],
        "USERNAME_PASSWORD_REQUIRED"
    );
    let f = b
        .login(&flow, "tv-user", PASSWORD, "DAG_USER_CODE_REQUIRED")
        .await;
    assert!(
        f.body["_links"]["deviceAuthGrant.userCode.verify"].is_object(),
        "{}",
        f.body
    );
    let bad = b
        .act(
            &flow,
            "deviceAuthGrant.userCode.verify",
            json!({"userCode": "BBBB-CCCC"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let f = b
        .act(
            &flow,
            "deviceAuthGrant.userCode.verify",
            json!({"userCode": user_code.to_lowercase()}),
        )
        .await;
    assert_eq!(f.body["status"], "DAG_CONSENT_REQUIRED", "{}", f.body);
    let f = b
        .act(
            &flow,
            "deviceAuthorization.consent",
            json!({"accept": true}),
        )
        .await;
    assert_eq!(f.body["status"], "COMPLETED", "{}", f.body);

    let r = kit.token(&poll, None).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "approved grants answer at once: {}",
        r.body
    );
    assert_eq!(
        claims(r.body["access_token"].as_str().expect("at"))["sub"],
        user.as_str()
    );
    assert!(r.body["id_token"].is_string());
    assert_eq!(
        kit.token(&poll, None).await.body["error"],
        "invalid_grant",
        "device codes are one-time"
    );
}

/// A device authorization: `(device_code, user_code)`.
async fn begin(kit: &Kit, app: &str) -> (String, String) {
    let r = kit
        .form("/as/device_authorization", &[("client_id", app)], None)
        .await;
    let text = |k: &str| r.body[k].as_str().expect(k).to_owned();
    (text("device_code"), text("user_code"))
}

#[tokio::test]
async fn device_codes_expire_and_can_be_denied() {
    let kit = Kit::start().await;
    let app = device_app(&kit).await;
    kit.user("tv-user", PASSWORD).await;
    let (expiring, _) = begin(&kit, &app).await;
    let (denied, user_code) = begin(&kit, &app).await;

    let b = kit.browser();
    let r = b.get("/device/tv", &[("user_code", &user_code)]).await;
    let flow = query(&r.location(), "flowId").expect("flowId");
    b.login(&flow, "tv-user", PASSWORD, "DAG_CONSENT_REQUIRED")
        .await;
    let f = b
        .act(&flow, "deviceAuthGrant.consent", json!({"accept": false}))
        .await;
    assert_eq!(f.body["status"], "FAILED");
    let poll = [
        ("grant_type", GRANT),
        ("device_code", denied.as_str()),
        ("client_id", app.as_str()),
    ];
    assert_eq!(kit.token(&poll, None).await.body["error"], "access_denied");

    kit.sandbox
        .state()
        .auth
        .clock
        .advance(Duration::from_secs(601));
    let poll = [
        ("grant_type", GRANT),
        ("device_code", expiring.as_str()),
        ("client_id", app.as_str()),
    ];
    assert_eq!(kit.token(&poll, None).await.body["error"], "expired_token");

    let other = b.get("/device/not-an-app", &[]).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let (web, _) = kit.app(json!({})).await;
    let r = kit
        .form("/as/device_authorization", &[("client_id", &web)], None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "a BASIC app without credentials: {}",
        r.body
    );
}
