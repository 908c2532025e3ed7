//! What the MFA native-SDK tutorials send and read on the management API: a native app with
//! its mobile identity, an MFA policy whose `mobile.applications` entry enables auto
//! enrollment and device authorization, an MFA sign-on action with `noDevicesMode`, and the
//! user's devices once the device simulator paired a phone (a `MOBILE` device). The sign-on
//! and the simulator are driven with a plain client; only `/v1` answers are checked.

use reqwest::Method;
use serde_json::{Value, json};

use super::checker::Conformance;

fn otp(sent: bool) -> Value {
    let failure = json!({"count": 3, "coolDown": {"duration": 0, "timeUnit": "MINUTES"}});
    if sent {
        json!({"failure": failure, "lifeTime": {"duration": 30, "timeUnit": "MINUTES"}})
    } else {
        json!({"failure": failure})
    }
}

/// Signs `username` on with a simulator payload, then approves the offered pairing.
async fn pair_through_the_simulator(api: &Conformance, app: &str, secret: &str, username: &str) {
    let vars = api.sandbox.vars().clone();
    let env = vars.env_id.clone();
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let sdk = format!("{}/sandbox/mobile-sdk/{env}", vars.auth_path);
    let auth = format!("{}/{env}", vars.auth_path);
    let post = |url: String, body: Value| {
        http.post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let json_of = |r: reqwest::Response| async move { r.json::<Value>().await.expect("json") };
    let payload = json_of(
        post(format!("{sdk}/payload"), json!({"applicationId": app}))
            .await
            .expect("payload"),
    )
    .await;
    let payload = payload["mobilePayload"].as_str().expect("payload");
    let flow = json_of(
        http.get(format!("{auth}/as/authorize"))
            .query(&[
                ("client_id", app),
                ("response_type", "code"),
                ("response_mode", "pi.flow"),
                ("scope", "openid"),
                ("mobilePayload", payload),
            ])
            .send()
            .await
            .expect("authorize"),
    )
    .await;
    let flow_id = flow["id"].as_str().expect("flow id");
    let done = http
        .post(format!("{auth}/flows/{flow_id}"))
        .header(
            "content-type",
            "application/vnd.pingidentity.usernamePassword.check+json",
        )
        .body(json!({"username": username, "password": "Conformance-Pass1!"}).to_string())
        .send()
        .await
        .expect("login");
    assert_eq!(json_of(done).await["status"], "COMPLETED");
    let resumed = json_of(
        http.get(format!("{auth}/as/resume"))
            .query(&[("flowId", flow_id)])
            .send()
            .await
            .expect("resume"),
    )
    .await;
    let code = resumed["authorizeResponse"]["code"].as_str().expect("code");
    let tokens = json_of(
        http.post(format!("{auth}/as/token"))
            .basic_auth(app, Some(secret))
            .form(&[("grant_type", "authorization_code"), ("code", code)])
            .send()
            .await
            .expect("token"),
    )
    .await;
    let id_token = tokens["id_token"].as_str().expect("id_token");
    let object = json_of(
        post(format!("{sdk}/id-token"), json!({"idToken": id_token}))
            .await
            .expect("id-token"),
    )
    .await;
    let pairing = object["pairingObject"]["id"].as_str().expect("pairing");
    let approved = post(format!("{sdk}/pairings/{pairing}/approve"), json!({}))
        .await
        .expect("approve");
    assert!(approved.status().is_success());
}

#[tokio::test]
async fn native_sdk_policies_and_paired_devices() {
    let api = Conformance::start().await;
    let env = api.env();
    let base = format!("/environments/{env}");
    let app = api
        .create(
            &format!("{base}/applications"),
            &json!({"enabled": true, "name": "Native SDK app", "type": "NATIVE_APP",
            "protocol": "OPENID_CONNECT", "grantTypes": ["AUTHORIZATION_CODE"],
            "responseTypes": ["CODE"], "redirectUris": ["com.example.sdk://callback"],
            "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
            "mobile": {"bundleId": "com.example.sdk", "packageName": "com.example.sdk"}}),
        )
        .await;
    let app = app["id"].as_str().expect("id").to_owned();
    let secret = api.get(&format!("{base}/applications/{app}/secret")).await;
    let secret = secret["secret"].as_str().expect("secret").to_owned();
    let mut policy = json!({"name": "Native SDK MFA", "default": false,
        "sms": {"enabled": true, "otp": otp(true)}, "voice": {"enabled": true, "otp": otp(true)},
        "email": {"enabled": true, "otp": otp(true)}, "totp": {"enabled": true, "otp": otp(false)},
        "mobile": {"enabled": true, "otp": otp(false), "applications": [{"id": app,
            "push": {"enabled": true}, "otp": {"enabled": true},
            "autoEnrollment": {"enabled": true},
            "deviceAuthorization": {"enabled": true, "extraVerification": "permissive"}}]}});
    let created = api
        .create(&format!("{base}/deviceAuthenticationPolicies"), &policy)
        .await;
    let one = format!(
        "{base}/deviceAuthenticationPolicies/{}",
        created["id"].as_str().expect("id")
    );
    api.get(&one).await;
    policy["mobile"]["applications"][0]["deviceAuthorization"]["extraVerification"] =
        json!("restrictive");
    api.put(&one, &policy).await;
    let sign_on = api
        .create(
            &format!("{base}/signOnPolicies"),
            &json!({"name": "Native_SDK"}),
        )
        .await;
    let sign_on = sign_on["id"].as_str().expect("id").to_owned();
    let actions = format!("{base}/signOnPolicies/{sign_on}/actions");
    api.create(&actions, &json!({"priority": 1, "type": "LOGIN"}))
        .await;
    api.create(
        &actions,
        &json!({"priority": 2, "type": "MULTI_FACTOR_AUTHENTICATION",
            "deviceAuthenticationPolicy": {"id": created["id"]}, "noDevicesMode": "BYPASS"}),
    )
    .await;
    api.create(
        &format!("{base}/applications/{app}/signOnPolicyAssignments"),
        &json!({"priority": 1, "signOnPolicy": {"id": sign_on}}),
    )
    .await;
    let user = api
        .create(
            &format!("{base}/users"),
            &json!({"username": "sdk-user", "email": "sdk-user@example.com"}),
        )
        .await;
    let user = user["id"].as_str().expect("id").to_owned();
    api.put_as(
        &format!("{base}/users/{user}/password"),
        "application/vnd.pingidentity.password.set+json",
        &json!({"value": "Conformance-Pass1!", "forceChange": false}),
    )
    .await;
    api.put(
        &format!("{base}/users/{user}/mfaEnabled"),
        &json!({"mfaEnabled": true}),
    )
    .await;
    pair_through_the_simulator(&api, &app, &secret, "sdk-user").await;
    let devices = api.get(&format!("{base}/users/{user}/devices")).await;
    let device = &devices["_embedded"]["devices"][0];
    assert_eq!(device["type"], "MOBILE");
    let one_device = format!(
        "{base}/users/{user}/devices/{}",
        device["id"].as_str().expect("id")
    );
    api.get(&one_device).await;
    api.expect(204, Method::DELETE, &one_device, None, None)
        .await;
    api.finish(8).await;
}
