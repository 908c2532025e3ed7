//! The MFA native SDK flows against the sandbox's device simulator: automatic pairing from a
//! `mobilePayload` sign-on, device authorization (silent, and with a silent push to
//! acknowledge), authentication codes claimed and approved on the phone, and the refusals
//! (a bogus payload, an unknown code, approving twice).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Browser, Kit, PASSWORD, Reply, claims, code_request, query};

/// A JSON POST to `{authPath}/sandbox/mobile-sdk/{envID}{path}`.
async fn sdk(kit: &Kit, path: &str, body: Value) -> Reply {
    let url = format!("{}/sandbox/mobile-sdk/{}{path}", kit.base, kit.env);
    Reply::from(
        kit.http
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("simulator"),
    )
    .await
}

fn otp() -> Value {
    json!({"failure": {"count": 3, "coolDown": {"duration": 0, "timeUnit": "MINUTES"}},
        "lifeTime": {"duration": 30, "timeUnit": "MINUTES"}})
}

/// A native app under a LOGIN + MFA (`BYPASS`) policy whose MFA policy lists the app with
/// `entry` settings, and an MFA-enabled user with no device.
async fn setup(kit: &Kit, username: &str, entry: Value) -> (String, String, String) {
    let (app, secret) = kit.app(json!({"type": "NATIVE_APP"})).await;
    let mut app_entry = json!({"id": app});
    for (k, v) in entry.as_object().expect("object") {
        app_entry[k] = v.clone();
    }
    let computed =
        json!({"failure": {"count": 3, "coolDown": {"duration": 2, "timeUnit": "MINUTES"}}});
    let policy = kit
        .create(
            "/deviceAuthenticationPolicies",
            json!({"name": format!("mfa-{username}"), "default": false,
                "sms": {"enabled": true, "otp": otp()}, "voice": {"enabled": true, "otp": otp()},
                "email": {"enabled": true, "otp": otp()}, "totp": {"enabled": true, "otp": computed},
                "mobile": {"enabled": true, "otp": computed, "applications": [app_entry]}}),
        )
        .await;
    let policy = policy["id"].as_str().expect("id").to_owned();
    kit.policy(
        &app,
        vec![
            json!({"priority": 1, "type": "LOGIN"}),
            json!({"priority": 2, "type": "MULTI_FACTOR_AUTHENTICATION",
                "deviceAuthenticationPolicy": {"id": policy}, "noDevicesMode": "BYPASS"}),
        ],
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
    (app, secret, user)
}

/// A payload from the simulator (a new installation, or `installation` again).
async fn payload(kit: &Kit, app: &str, installation: Option<&str>) -> (String, String) {
    let mut body = json!({"applicationId": app});
    if let Some(i) = installation {
        body["installationId"] = json!(i);
    }
    let r = sdk(kit, "/payload", body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (
        r.body["mobilePayload"]
            .as_str()
            .expect("payload")
            .to_owned(),
        r.body["installationId"].as_str().expect("id").to_owned(),
    )
}

/// Authorizes with `mobilePayload` in a fresh browser, signs on and expects `status`.
async fn sign_on(
    kit: &Kit,
    app: &str,
    user: &str,
    mobile: &str,
    status: &str,
) -> (Browser, String) {
    let b = kit.browser();
    let mut params = code_request(app).to_vec();
    params.push(("mobilePayload", mobile));
    let (_, flow) = b.authorize(&params).await;
    b.login(&flow, user, PASSWORD, status).await;
    (b, flow)
}

/// Resumes a completed flow and returns the ID token's claims and the token itself.
async fn id_token(kit: &Kit, b: &Browser, flow: &str, app: &str, secret: &str) -> (Value, String) {
    let code = query(&b.resume(flow).await.location(), "code").expect("code");
    let r = kit
        .token(
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", super::REDIRECT),
            ],
            Some((app, secret)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = r.body["id_token"].as_str().expect("id_token").to_owned();
    (claims(&token), token)
}

async fn devices(kit: &Kit, user: &str) -> Vec<Value> {
    let r = kit
        .v1(Method::GET, &format!("/users/{user}/devices"), "", None)
        .await;
    r.body["_embedded"]["devices"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Pairs a new installation with the user through a first sign-on; returns the installation.
async fn pair(kit: &Kit, app: &str, secret: &str, username: &str) -> String {
    let (mobile, installation) = payload(kit, app, None).await;
    let (b, flow) = sign_on(kit, app, username, &mobile, "COMPLETED").await;
    let (_, token) = id_token(kit, &b, &flow, app, secret).await;
    let r = sdk(kit, "/id-token", json!({"idToken": token})).await;
    let pairing = r.body["pairingObject"]["id"].as_str().expect("pairing");
    let r = sdk(kit, &format!("/pairings/{pairing}/approve"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    installation
}

#[tokio::test]
async fn a_payload_sign_on_pairs_the_phone_and_then_authorizes_it() {
    let kit = Kit::start().await;
    let entry =
        json!({"autoEnrollment": {"enabled": true}, "deviceAuthorization": {"enabled": true}});
    let (app, secret, user) = setup(&kit, "pairing-user", entry).await;
    let (mobile, installation) = payload(&kit, &app, None).await;
    let (b, flow) = sign_on(&kit, &app, "pairing-user", &mobile, "COMPLETED").await;
    let (id, token) = id_token(&kit, &b, &flow, &app, &secret).await;
    assert_eq!(id["sub"], user.as_str());
    assert_eq!(id["amr"], json!(["pwd"]), "no device yet: MFA bypassed");
    assert!(id["p1.pairingKey"].is_string(), "{id}");
    assert!(devices(&kit, &user).await.is_empty());

    let r = sdk(&kit, "/id-token", json!({"idToken": token})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let object = &r.body["pairingObject"];
    assert_eq!(object["status"], "UNCLAIMED");
    assert_eq!(object["user"]["id"], user.as_str());
    let pairing = object["id"].as_str().expect("id").to_owned();
    let r = sdk(&kit, &format!("/pairings/{pairing}/approve"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "CLAIMED");
    let paired = devices(&kit, &user).await;
    assert_eq!(paired.len(), 1, "{paired:?}");
    assert_eq!(paired[0]["type"], "MOBILE");
    assert_eq!(paired[0]["status"], "ACTIVE");
    assert_eq!(paired[0]["application"]["id"], app.as_str());

    let again = sdk(&kit, &format!("/pairings/{pairing}/approve"), json!({})).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert_eq!(again.body["code"], "REQUEST_FAILED");
    assert_eq!(
        devices(&kit, &user).await.len(),
        1,
        "approving twice pairs once"
    );

    // The paired phone signs on again: the MFA step passes without a passcode.
    let (mobile, same) = payload(&kit, &app, Some(&installation)).await;
    assert_eq!(same, installation);
    let (b, flow) = sign_on(&kit, &app, "pairing-user", &mobile, "COMPLETED").await;
    let (id, token) = id_token(&kit, &b, &flow, &app, &secret).await;
    assert_eq!(id["sub"], user.as_str());
    assert_eq!(id["amr"], json!(["pwd", "mca"]));
    assert!(id.get("p1.pairingKey").is_none(), "{id}");
    assert!(kit.messages("pairing-user@example.com").await.is_empty());
    let r = sdk(&kit, "/id-token", json!({"idToken": token})).await;
    assert_eq!(r.body, json!({"pairingObject": null}));
}

#[tokio::test]
async fn bogus_payloads_are_refused_before_a_flow_starts() {
    let kit = Kit::start().await;
    let entry = json!({"autoEnrollment": {"enabled": true}});
    let (app, _, _) = setup(&kit, "bogus-user", entry).await;
    let (other, _) = kit.app(json!({"type": "NATIVE_APP"})).await;
    let (foreign, _) = payload(&kit, &other, None).await;
    for bad in ["not-a-payload", "eyJ2IjoxfQ", foreign.as_str()] {
        let b = kit.browser();
        let mut params = code_request(&app).to_vec();
        params.push(("mobilePayload", bad));
        let r = b.get("/as/authorize", &params).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA");
        assert_eq!(r.body["details"][0]["target"], "mobilePayload");
        assert!(r.headers.get("location").is_none());
    }
    let r = sdk(
        &kit,
        "/payload",
        json!({"applicationId": app, "installationId": "nope"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = sdk(&kit, "/id-token", json!({"idToken": "not.a.jwt"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["details"][0]["target"], "idToken");
}

#[tokio::test]
async fn extra_verification_waits_for_the_silent_push() {
    let kit = Kit::start().await;
    let entry = json!({"autoEnrollment": {"enabled": true},
        "deviceAuthorization": {"enabled": true, "extraVerification": "restrictive"}});
    let (app, secret, user) = setup(&kit, "push-user", entry).await;
    let installation = pair(&kit, &app, &secret, "push-user").await;
    let (mobile, _) = payload(&kit, &app, Some(&installation)).await;
    let (b, flow) = sign_on(
        &kit,
        &app,
        "push-user",
        &mobile,
        "PUSH_CONFIRMATION_REQUIRED",
    )
    .await;
    let resumed = b.resume(&flow).await;
    assert!(
        query(&resumed.location(), "code").is_none(),
        "no code before the push"
    );

    let url = format!(
        "{}/sandbox/mobile-sdk/{}/installations/{installation}/notifications",
        kit.base, kit.env
    );
    let list = Reply::from(kit.http.get(url).send().await.expect("list")).await;
    let push = &list.body["notifications"][0];
    assert_eq!(push["type"], "SILENT");
    assert_eq!(push["flowId"], flow.as_str());
    let ack = format!(
        "/installations/{installation}/notifications/{}/acknowledge",
        push["id"].as_str().expect("id")
    );
    let r = sdk(&kit, &ack, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["flow"]["status"], "COMPLETED");
    let again = sdk(&kit, &ack, json!({})).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);

    let read = b.flow(&flow).await;
    assert_eq!(read.body["status"], "COMPLETED");
    assert!(read.set_cookies().iter().any(|c| c.starts_with("ST=")));
    let (id, _) = id_token(&kit, &b, &flow, &app, &secret).await;
    assert_eq!(id["sub"], user.as_str());
    assert_eq!(id["amr"], json!(["pwd", "mca"]));
}

async fn codes(kit: &Kit, method: Method, path: &str, body: Option<Value>, auth: bool) -> Reply {
    let mut req = kit
        .http
        .request(method, kit.auth(&format!("/authenticationCodes{path}")));
    if auth {
        req = req.bearer_auth(&kit.token);
    }
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    Reply::from(req.send().await.expect("authenticationCodes")).await
}

#[tokio::test]
async fn an_authentication_code_is_claimed_then_completed_on_the_phone() {
    let kit = Kit::start().await;
    let entry = json!({"autoEnrollment": {"enabled": true}});
    let (app, secret, user) = setup(&kit, "code-user", entry).await;
    let body = json!({"application": {"id": app}, "userApproval": "REQUIRED",
        "lifeTime": {"duration": 2, "timeUnit": "MINUTES"},
        "clientContext": {"header": "Sign on", "body": "Approve?"}});
    let unauthorized = codes(&kit, Method::POST, "", Some(body.clone()), false).await;
    assert_eq!(unauthorized.status, StatusCode::UNAUTHORIZED);
    for bad in [
        json!({"application": {"id": "nope"}}),
        json!({"application": {"id": app}, "lifeTime": {"duration": 5, "timeUnit": "SECONDS"}}),
        json!({"application": {"id": app}, "userApproval": "MAYBE"}),
    ] {
        let r = codes(&kit, Method::POST, "", Some(bad.clone()), true).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA");
    }
    let created = codes(&kit, Method::POST, "", Some(body), true).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["status"], "UNCLAIMED");
    let code = created.body["code"].as_str().expect("code").to_owned();
    assert_eq!(code.len(), 8);
    assert_eq!(
        created.body["uri"],
        format!("pingonesdk?authentication_code={code}")
    );
    let id = created.body["id"].as_str().expect("id").to_owned();

    let (_, fresh) = payload(&kit, &app, None).await;
    let r = sdk(
        &kit,
        "/authenticate",
        json!({"installationId": fresh, "authenticationCode": code}),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "an unpaired phone: {}",
        r.body
    );
    assert_eq!(r.body["code"], "REQUEST_FAILED");

    let installation = pair(&kit, &app, &secret, "code-user").await;
    let unknown = sdk(
        &kit,
        "/authenticate",
        json!({"installationId": installation, "authenticationCode": "ZZZZ9999"}),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert_eq!(unknown.body["details"][0]["target"], "authenticationCode");

    let claimed = sdk(
        &kit,
        "/authenticate",
        json!({"installationId": installation, "authenticationCode": code}),
    )
    .await;
    assert_eq!(claimed.status, StatusCode::OK, "{}", claimed.body);
    assert_eq!(claimed.body["status"], "CLAIMED");
    assert_eq!(claimed.body["needsApproval"], "REQUIRED");
    assert_eq!(claimed.body["users"][0]["id"], user.as_str());
    let read = codes(&kit, Method::GET, &format!("/{id}"), None, true).await;
    assert_eq!(read.body["status"], "CLAIMED");

    let approve = format!("/authentications/{id}/approve");
    let wrong = sdk(&kit, &approve, json!({"userId": "someone-else"})).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    let done = sdk(&kit, &approve, json!({"userId": user})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["status"], "COMPLETED");
    let twice = sdk(&kit, &approve, json!({"userId": user})).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "{}", twice.body);
    assert_eq!(twice.body["code"], "REQUEST_FAILED");

    let read = codes(&kit, Method::GET, &format!("/{id}"), None, true).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["status"], "COMPLETED");
    assert_eq!(read.body["user"]["id"], user.as_str());
    let gone = codes(&kit, Method::DELETE, &format!("/{id}"), None, true).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let read = codes(&kit, Method::GET, &format!("/{id}"), None, true).await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
}
