//! Device authentication (MFA) policies: PingOne requires every method (SMS, voice, email,
//! mobile, TOTP) with its passcode settings, and `default`; the sandbox refuses a policy that
//! leaves one out instead of filling it in.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Api, detail_codes};

fn otp(cool_down: u32, sent: bool) -> Value {
    let failure = json!({"count": 3, "coolDown": {"duration": cool_down, "timeUnit": "MINUTES"}});
    if sent {
        json!({"failure": failure, "lifeTime": {"duration": 30, "timeUnit": "MINUTES"}})
    } else {
        json!({"failure": failure})
    }
}

/// The body of PingOne's "Create the device authentication policy" tutorial step.
fn tutorial_policy(name: &str) -> Value {
    json!({
        "name": name,
        "sms": {"enabled": true, "otp": otp(0, true)},
        "email": {"enabled": true, "otp": otp(0, true)},
        "mobile": {"enabled": true, "otp": {
            "failure": {"count": 3, "coolDown": {"duration": 2, "timeUnit": "MINUTES"}},
            "window": {"stepSize": {"duration": 30, "timeUnit": "SECONDS"}},
        }},
        "totp": {"enabled": true, "otp": otp(2, false)},
        "voice": {"enabled": false, "otp": otp(0, true)},
        "securityKey": {"enabled": true},
        "forSignOnPolicy": false,
        "platform": {"enabled": true},
        "default": false,
    })
}

#[tokio::test]
async fn the_tutorial_policy_is_accepted() {
    let api = Api::start().await;
    let path = format!("/environments/{}/deviceAuthenticationPolicies", api.env());
    let policy = api.create(&path, tutorial_policy("email-mfa")).await;
    assert_eq!(policy["email"]["otp"]["lifeTime"]["duration"], 30);
    assert_eq!(policy["sms"]["otp"]["failure"]["coolDown"]["duration"], 0);
    assert_eq!(policy["default"], false);
    assert_eq!(policy["forSignOnPolicy"], false);
}

#[tokio::test]
async fn a_method_without_its_passcode_settings_is_refused() {
    let api = Api::start().await;
    let path = format!("/environments/{}/deviceAuthenticationPolicies", api.env());
    let mut body = tutorial_policy("incomplete");
    body["sms"] = json!({"enabled": false});
    body["voice"]["otp"]
        .as_object_mut()
        .unwrap()
        .remove("lifeTime");
    body.as_object_mut().unwrap().remove("totp");
    body.as_object_mut().unwrap().remove("default");
    let r = api.post(&path, body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["code"], "INVALID_DATA");
    let targets: Vec<String> = detail_codes(&r.body)
        .into_iter()
        .map(|(code, target)| {
            assert_eq!(code, "REQUIRED_VALUE");
            target
        })
        .collect();
    assert_eq!(
        targets,
        ["default", "sms.otp", "voice.otp.lifeTime", "totp"],
        "{}",
        r.body
    );
    // Nothing was stored.
    let list = api.get(&path).await;
    assert!(
        list.body["_embedded"]["deviceAuthenticationPolicies"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"] != "incomplete")
    );
}
