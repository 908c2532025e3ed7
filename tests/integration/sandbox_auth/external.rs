//! External authentication round trips over plain HTTP: the sign-on step offers a provider,
//! `rp/authenticate` sends the browser there, the provider (another sandbox environment, or
//! the simulated Facebook) signs the person in and returns to `rp/callback`, and the flow goes
//! on with a linked or newly registered PingOne user. And the error bodies of bad requests.
//! The SAML provider's round trip is in `external_saml`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Browser, Kit, PASSWORD, REDIRECT, Reply, claims, code_request, query};

/// `POST /v1/environments/{env}{path}` with JSON, asserting 201.
pub(super) async fn create_in(kit: &Kit, env: &str, path: &str, body: Value) -> Value {
    let url = format!("{}/v1/environments/{env}{path}", kit.base);
    let r = kit
        .http
        .post(url)
        .bearer_auth(&kit.token)
        .json(&body)
        .send()
        .await
        .expect("v1");
    assert_eq!(r.status(), StatusCode::CREATED, "{path}");
    r.json().await.expect("json")
}

pub(super) async fn absolute(b: &Browser, url: &str) -> Reply {
    let resp = b.client.get(url).send().await.expect("GET");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        headers,
        body,
    }
}

/// A destination app whose LOGIN step offers `provider`, registering first-time visitors
/// into a new population; returns (app id, app secret, population id).
pub(super) async fn destination(kit: &Kit, provider: &str) -> (String, String, String) {
    let pop = kit
        .create("/populations", json!({"name": "Arrivals"}))
        .await;
    let pop = pop["id"].as_str().expect("id").to_owned();
    let (app, secret) = kit.app(json!({})).await;
    kit.policy(
        &app,
        vec![json!({"type": "LOGIN", "priority": 1,
            "registration": {"enabled": true, "population": {"id": pop}},
            "socialProviders": [{"id": provider}]})],
    )
    .await;
    (app, secret, pop)
}

#[tokio::test]
async fn oidc_provider_in_another_environment_registers_then_recognises_the_user() {
    let kit = Kit::start().await;
    let source = kit.sandbox.vars().admin_env_id.clone();
    let callback = kit.auth("/rp/callback/openid_connect");
    // The source environment: a user and the destination's client registration.
    let user = create_in(
        &kit,
        &source,
        "/users",
        json!({"username": "far-away", "email": "far.away@example.com"}),
    )
    .await;
    let url = format!(
        "{}/v1/environments/{source}/users/{}/password",
        kit.base,
        user["id"].as_str().expect("id")
    );
    let r = kit
        .http
        .put(url)
        .bearer_auth(&kit.token)
        .header(
            "content-type",
            "application/vnd.pingidentity.password.set+json",
        )
        .body(json!({"value": PASSWORD, "forceChange": false}).to_string())
        .send()
        .await
        .expect("password");
    assert_eq!(r.status(), StatusCode::OK);
    let client = create_in(
        &kit,
        &source,
        "/applications",
        json!({"name": "Destination client",
        "enabled": true, "type": "WEB_APP", "protocol": "OPENID_CONNECT",
        "grantTypes": ["AUTHORIZATION_CODE"], "responseTypes": ["CODE"],
        "redirectUris": [callback], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}),
    )
    .await;
    let client_id = client["id"].as_str().expect("id").to_owned();
    let secret_url = format!(
        "{}/v1/environments/{source}/applications/{client_id}/secret",
        kit.base
    );
    let secret: Value = kit
        .http
        .get(secret_url)
        .bearer_auth(&kit.token)
        .send()
        .await
        .expect("secret")
        .json()
        .await
        .expect("json");
    let src = format!("{}/{source}/as", kit.base);
    let provider = kit
        .create("/identityProviders", json!({"name": "Source", "enabled": true,
            "type": "OPENID_CONNECT", "clientId": client_id, "clientSecret": secret["secret"],
            "authorizationEndpoint": format!("{src}/authorize"), "tokenEndpoint": format!("{src}/token"),
            "jwksEndpoint": format!("{src}/jwks"), "issuer": src, "scopes": ["openid"],
            "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}))
        .await;
    let provider = provider["id"].as_str().expect("id").to_owned();
    let (app, app_secret, pop) = destination(&kit, &provider).await;

    let mut subjects = Vec::new();
    for _ in 0..2 {
        let b = kit.browser();
        let (_, flow) = b.authorize(&code_request(&app)).await;
        let f = b.flow(&flow).await;
        assert_eq!(f.body["_embedded"]["socialProviders"][0]["id"], provider);
        let href = f.body["_embedded"]["socialProviders"][0]["_links"]["authenticate"]["href"]
            .as_str()
            .expect("authenticate link")
            .to_owned();
        let to_idp = absolute(&b, &href).await;
        assert_eq!(to_idp.status, StatusCode::FOUND, "{}", to_idp.body);
        let at_idp = to_idp.location();
        assert!(at_idp.as_str().starts_with(&format!("{src}/authorize")));
        assert_eq!(
            query(&at_idp, "redirect_uri").as_deref(),
            Some(callback.as_str())
        );
        let nonce = query(&at_idp, "nonce").expect("nonce");
        // At the source: its own flow, the source user's password, resume to the callback.
        let started = absolute(&b, at_idp.as_str()).await;
        assert_eq!(started.status, StatusCode::FOUND, "{}", started.body);
        let source_flow = query(&started.location(), "flowId").expect("source flow");
        let login = b
            .client
            .post(format!("{}/{source}/flows/{source_flow}", kit.base))
            .header(
                "content-type",
                "application/vnd.pingidentity.usernamePassword.check+json",
            )
            .body(json!({"username": "far-away", "password": PASSWORD}).to_string())
            .send()
            .await
            .expect("source login");
        assert_eq!(login.status(), StatusCode::OK);
        let back = absolute(
            &b,
            &format!("{}/{source}/as/resume?flowId={source_flow}", kit.base),
        )
        .await;
        assert_eq!(back.status, StatusCode::FOUND, "{}", back.body);
        let back_url = back.location();
        assert!(back_url.as_str().starts_with(&callback), "{back_url}");
        let done = absolute(&b, back_url.as_str()).await;
        assert_eq!(done.status, StatusCode::FOUND, "{}", done.body);
        assert_eq!(
            query(&done.location(), "flowId").as_deref(),
            Some(flow.as_str())
        );
        assert_eq!(b.flow(&flow).await.body["status"], "COMPLETED");
        let code = query(&b.resume(&flow).await.location(), "code").expect("code");
        let tokens = kit
            .token(
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                ],
                Some((&app, &app_secret)),
            )
            .await;
        assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
        let id = claims(tokens.body["id_token"].as_str().expect("id_token"));
        assert_ne!(id["nonce"], json!(nonce), "the destination's own token");
        subjects.push(id["sub"].as_str().expect("sub").to_owned());
    }
    assert_eq!(
        subjects[0], subjects[1],
        "the second visit signs on the linked user"
    );
    let user = kit
        .v1(
            reqwest::Method::GET,
            &format!("/users/{}", subjects[0]),
            "",
            None,
        )
        .await;
    assert_eq!(user.body["username"], "far.away@example.com");
    assert_eq!(user.body["population"]["id"], json!(pop));
}

#[tokio::test]
async fn simulated_facebook_signs_in_a_new_user() {
    let kit = Kit::start().await;
    let provider = kit
        .create(
            "/identityProviders",
            json!({"name": "Facebook", "enabled": true,
            "type": "FACEBOOK", "appId": "fb-app", "appSecret": "fb-secret"}),
        )
        .await;
    let provider = provider["id"].as_str().expect("id").to_owned();
    let (app, _, _) = destination(&kit, &provider).await;
    let b = kit.browser();
    let (_, flow) = b.authorize(&code_request(&app)).await;
    let r = b
        .get(
            "/rp/authenticate",
            &[("providerId", &provider), ("flowId", &flow)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let dialog = r.location();
    assert!(dialog.path().ends_with("/sandbox/facebook/dialog/oauth"));
    assert_eq!(query(&dialog, "client_id").as_deref(), Some("fb-app"));
    let page = absolute(&b, dialog.as_str()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .as_str()
            .expect("html")
            .contains("Log in to Facebook")
    );
    let redirect_uri = query(&dialog, "redirect_uri").expect("redirect_uri");
    let state = query(&dialog, "state").expect("state");
    let consent = b
        .client
        .post(format!("{}/sandbox/facebook/dialog/oauth", kit.base))
        .form(&[
            ("client_id", "fb-app"),
            ("redirect_uri", redirect_uri.as_str()),
            ("state", state.as_str()),
            ("email", "fan@example.com"),
            ("name", "A Fan"),
        ])
        .send()
        .await
        .expect("consent");
    assert_eq!(consent.status(), StatusCode::FOUND);
    let back =
        url::Url::parse(consent.headers()["location"].to_str().expect("ascii")).expect("url");
    assert!(
        back.as_str()
            .starts_with(&kit.auth("/rp/callback/facebook"))
    );
    let done = absolute(&b, back.as_str()).await;
    assert_eq!(done.status, StatusCode::FOUND, "{}", done.body);
    let f = b.flow(&flow).await;
    assert_eq!(f.body["status"], "COMPLETED", "{}", f.body);
    let users = kit
        .v1(
            reqwest::Method::GET,
            "/users?filter=username%20eq%20%22fan%40example.com%22",
            "",
            None,
        )
        .await;
    assert_eq!(
        users.body["_embedded"]["users"][0]["email"],
        "fan@example.com"
    );

    // The code was spent by the callback; Facebook's token endpoint refuses it again.
    let again = kit
        .http
        .post(format!("{}/sandbox/facebook/oauth/access_token", kit.base))
        .form(&[
            ("client_id", "fb-app"),
            ("client_secret", "fb-secret"),
            ("redirect_uri", redirect_uri.as_str()),
            ("code", query(&back, "code").expect("code").as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let body: Value = again.json().await.expect("json");
    assert_eq!(body["error"]["type"], "OAuthException");
}

#[tokio::test]
async fn bad_external_authentication_requests_get_pingone_errors() {
    let kit = Kit::start().await;
    let b = kit.browser();
    let (app, _) = kit.app(json!({})).await;
    let (_, flow) = b.authorize(&code_request(&app)).await;
    for (path, params, target) in [
        (
            "/rp/authenticate",
            vec![("flowId", flow.as_str())],
            "providerId",
        ),
        (
            "/rp/authenticate",
            vec![("flowId", flow.as_str()), ("providerId", "nope")],
            "providerId",
        ),
        (
            "/rp/callback/openid_connect",
            vec![("code", "c"), ("state", "unknown")],
            "state",
        ),
        ("/rp/callback/facebook", vec![("code", "c")], "state"),
        ("/saml20/sp/sso", vec![("flowId", flow.as_str())], "idpId"),
        (
            "/saml20/sp/sso",
            vec![("flowId", flow.as_str()), ("idpId", "nope")],
            "idpId",
        ),
    ] {
        let r = b.get(path, &params).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA", "{}", r.body);
        assert!(r.body["id"].is_string());
        assert_eq!(r.body["details"][0]["target"], target, "{}", r.body);
    }
    // The ACS: a missing or unknown RelayState, and a response that is not one.
    for (form, target) in [
        (vec![("SAMLResponse", "PHg+")], "RelayState"),
        (
            vec![("SAMLResponse", "PHg+"), ("RelayState", "unknown")],
            "RelayState",
        ),
        (vec![("RelayState", "unknown")], "SAMLResponse"),
    ] {
        let r = b
            .client
            .post(kit.auth("/saml20/sp/acs"))
            .form(&form)
            .send()
            .await
            .expect("acs");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["details"][0]["target"], target, "{body}");
    }
}
