//! The simulated DaVinci flow an application with a flow policy assignment runs: `pi.flow`
//! JSON answered at the capability endpoint, the redirect-mode page and its form post, and
//! PingOne's errors for answers that do not fit.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Kit, PASSWORD, REDIRECT, Reply, claims, query};

/// An application with the environment's DaVinci flow policy assigned; its id and secret.
async fn davinci_app(kit: &Kit) -> (String, String) {
    let (app, secret) = kit.app(json!({})).await;
    let policies = kit
        .v1(reqwest::Method::GET, "/flowPolicies", "", None)
        .await;
    assert_eq!(policies.status, StatusCode::OK, "{}", policies.body);
    let policy = policies.body["_embedded"]["flowPolicies"][0]["id"]
        .as_str()
        .expect("a seeded flow policy")
        .to_owned();
    kit.create(
        &format!("/applications/{app}/flowPolicyAssignments"),
        json!({"priority": 1, "flowPolicy": {"id": policy}}),
    )
    .await;
    (app, secret)
}

/// `pi.flow` authorize: DaVinci's first answer.
async fn start(kit: &Kit, app: &str) -> Value {
    let r = kit
        .browser()
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", app),
                ("response_mode", "pi.flow"),
                ("scope", "openid"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// Answers the form the SDK way (JSON, interaction headers).
async fn submit(kit: &Kit, form: &Value, body: Value, token: &str) -> Reply {
    let url = form["_links"]["next"]["href"].as_str().expect("next href");
    let resp = kit
        .http
        .post(url)
        .header("X-Requested-With", "ping-sdk")
        .header(
            "interactionId",
            form["interactionId"].as_str().unwrap_or_default(),
        )
        .header("interactionToken", token)
        .json(&body)
        .send()
        .await
        .expect("capability POST");
    Reply::from(resp).await
}

fn sign_on(form: &Value, username: &str, password: &str) -> Value {
    json!({
        "id": form["id"], "eventName": "continue",
        "parameters": {"eventType": "submit", "data": {
            "actionKey": "SIGNON",
            "formData": {"username": username, "password": password}}}
    })
}

#[tokio::test]
async fn pi_flow_runs_the_flow_to_a_code_for_the_user() {
    let kit = Kit::start().await;
    let (app, secret) = davinci_app(&kit).await;
    let user = kit.user("grace", PASSWORD).await;
    let form = start(&kit, &app).await;
    assert_eq!(form["capabilityName"], "customHTMLTemplate");
    assert_eq!(form["companyId"], kit.env.as_str());
    let next = form["_links"]["next"]["href"].as_str().expect("href");
    assert!(
        next.starts_with(&kit.auth("/davinci/connections/"))
            && next.ends_with("/capabilities/customHTMLTemplate"),
        "{next}"
    );
    let keys: Vec<&str> = form["form"]["components"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect();
    assert_eq!(keys, ["username", "password", "SIGNON"]);
    let token = form["interactionToken"].as_str().expect("token").to_owned();

    let wrong = submit(&kit, &form, sign_on(&form, "grace", "nope"), &token).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    assert_eq!(wrong.body["code"], "INVALID_DATA");
    assert_eq!(wrong.body["details"][0]["target"], "password");

    let done = submit(&kit, &form, sign_on(&form, "grace", PASSWORD), &token).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["status"], "COMPLETED");
    assert!(done.body["session"]["id"].is_string(), "{}", done.body);
    assert!(done.set_cookies().join("\n").contains("ST="));
    let code = done.body["authorizeResponse"]["code"]
        .as_str()
        .expect("code");
    let tokens = kit
        .token(
            &[("grant_type", "authorization_code"), ("code", code)],
            Some((&app, &secret)),
        )
        .await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    let at = claims(tokens.body["access_token"].as_str().expect("access token"));
    assert_eq!(at["sub"], user.as_str());
    let id = claims(tokens.body["id_token"].as_str().expect("id token"));
    assert_eq!(id["sub"], user.as_str());
    assert_eq!(id["aud"], app.as_str());

    // The flow is over: answering it again finds nothing.
    let again = submit(&kit, &form, sign_on(&form, "grace", PASSWORD), &token).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
}

#[tokio::test]
async fn redirect_mode_sends_the_browser_to_the_flow_page_and_back_with_a_code() {
    let kit = Kit::start().await;
    let (app, _) = davinci_app(&kit).await;
    kit.user("alan", PASSWORD).await;
    let b = kit.browser();
    let r = b
        .get(
            "/as/authorize",
            &[
                ("response_type", "code"),
                ("client_id", app.as_str()),
                ("redirect_uri", REDIRECT),
                ("scope", "openid"),
                ("state", "xyz"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let page_url = r.location();
    assert!(
        page_url.path().starts_with("/sandbox/davinci/"),
        "{page_url}"
    );
    assert!(r.set_cookies().join("\n").contains("interactionToken="));
    let page = Reply::from(b.client.get(page_url).send().await.expect("page")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("HTML");
    assert!(html.contains("PingOne Sign On and Registration"), "{html}");
    let action = html
        .split("action=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("form action");
    // The page's form post: the browser's interaction cookies identify the flow.
    let back = Reply::from(
        b.client
            .post(action)
            .form(&[("username", "alan"), ("password", PASSWORD)])
            .send()
            .await
            .expect("form post"),
    )
    .await;
    assert_eq!(back.status, StatusCode::FOUND, "{}", back.body);
    let loc = back.location();
    assert!(loc.as_str().starts_with(REDIRECT), "{loc}");
    assert!(query(&loc, "code").is_some());
    assert_eq!(query(&loc, "state").as_deref(), Some("xyz"));
    // The flow left a PingOne session: a later authorize request for an application without a
    // flow policy completes without asking again.
    let (plain, _) = kit.app(json!({})).await;
    let (again, flow) = b
        .authorize(&[
            ("response_type", "code"),
            ("client_id", plain.as_str()),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
        ])
        .await;
    assert!(
        again.location().as_str().contains("/as/resume"),
        "{}",
        again.location()
    );
    let read = b.flow(&flow).await;
    assert_eq!(
        read.body["status"], "COMPLETED",
        "{} {}",
        read.status, read.body
    );
}

#[tokio::test]
async fn answers_that_do_not_fit_get_pingone_errors() {
    let kit = Kit::start().await;
    let (app, _) = davinci_app(&kit).await;
    kit.user("edsger", PASSWORD).await;
    let form = start(&kit, &app).await;
    let token = form["interactionToken"].as_str().expect("token").to_owned();

    let forged = submit(&kit, &form, sign_on(&form, "edsger", PASSWORD), "forged").await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{}", forged.body);
    assert!(forged.body["id"].is_string() && forged.body["code"].is_string());

    let mut stale = sign_on(&form, "edsger", PASSWORD);
    stale["id"] = json!("0000000000");
    let r = submit(&kit, &form, stale, &token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["details"][0]["target"], "id");

    let mut other = sign_on(&form, "edsger", PASSWORD);
    other["parameters"]["data"]["actionKey"] = json!("REGISTER");
    let r = submit(&kit, &form, other, &token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["details"][0]["target"], "parameters.data.actionKey");

    let mut empty = sign_on(&form, "edsger", PASSWORD);
    empty["parameters"]["data"]["formData"] = json!({"username": "edsger"});
    let r = submit(&kit, &form, empty, &token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["details"][0]["code"], "REQUIRED_VALUE");
    assert_eq!(
        r.body["details"][0]["target"],
        "parameters.data.formData.password"
    );

    let url = form["_links"]["next"]["href"].as_str().expect("href");
    let not_json = Reply::from(
        kit.http
            .post(url)
            .header(
                "interactionId",
                form["interactionId"].as_str().unwrap_or_default(),
            )
            .header("interactionToken", &token)
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert!(not_json.body["code"].is_string());

    let anonymous = Reply::from(
        kit.http
            .post(url)
            .json(&json!({}))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::BAD_REQUEST);
    assert_eq!(anonymous.body["details"][0]["target"], "interactionId");

    let elsewhere = url.replace("/connections/", "/connections/x");
    let r = Reply::from(
        kit.http
            .post(elsewhere)
            .header(
                "interactionId",
                form["interactionId"].as_str().unwrap_or_default(),
            )
            .header("interactionToken", &token)
            .json(&sign_on(&form, "edsger", PASSWORD))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let page = Reply::from(
        kit.http
            .get(format!("{}/sandbox/davinci/unknown", kit.base))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body["code"].is_string());
}

#[tokio::test]
async fn a_login_hint_token_names_the_user_and_a_bad_one_is_refused() {
    let kit = Kit::start().await;
    let (app, secret) = davinci_app(&kit).await;
    let user = kit.user("katherine", PASSWORD).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let claims = |sub: &str, aud: String| json!({"iss": app, "sub": sub, "aud": aud, "iat": now, "exp": now + 600});
    let issuer = kit.auth("/as");
    let authorize = |hint: String| {
        let b = kit.browser();
        let app = app.clone();
        async move {
            b.get(
                "/as/authorize",
                &[
                    ("response_type", "code"),
                    ("client_id", app.as_str()),
                    ("response_mode", "pi.flow"),
                    ("scope", "openid"),
                    ("login_hint_token", hint.as_str()),
                ],
            )
            .await
        }
    };
    // By user id: the form's formData carries the user's username.
    let good = steprun::sandbox::sign_hs256(&claims(&user, issuer.clone()), secret.as_bytes());
    let r = authorize(good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["formData"]["value"]["username"], "katherine");

    for (why, token) in [
        (
            "signed with another key",
            steprun::sandbox::sign_hs256(&claims(&user, issuer.clone()), b"not-the-secret"),
        ),
        (
            "for another audience",
            steprun::sandbox::sign_hs256(
                &claims(&user, "https://elsewhere/as".into()),
                secret.as_bytes(),
            ),
        ),
        (
            "naming nobody",
            steprun::sandbox::sign_hs256(
                &claims("no-such-user", issuer.clone()),
                secret.as_bytes(),
            ),
        ),
        ("not a JWT", "garbage".to_owned()),
    ] {
        // The same refusal as on a sign-on policy's flow: one validator serves both.
        let r = authorize(token).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{why}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA", "{why}: {}", r.body);
        assert_eq!(r.body["details"][0]["target"], "login_hint_token", "{why}");
    }
}
