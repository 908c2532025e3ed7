//! The token endpoint without a browser: client credentials by every authentication method,
//! client assertions, discovery and JWKS, introspection and revocation.

use reqwest::StatusCode;
use serde_json::json;
use steprun::sandbox::sign_hs256;

use super::{Kit, claims};

#[tokio::test]
async fn admin_token_has_pingone_claims_and_opens_v1() {
    let kit = Kit::start().await;
    let c = claims(&kit.token);
    let vars = kit.sandbox.vars();
    assert_eq!(c["client_id"], vars.admin_app_id.as_str());
    assert_eq!(c["iss"], format!("{}/{}/as", kit.base, vars.admin_env_id));
    assert_eq!(c["env"], vars.admin_env_id.as_str());
    assert_eq!(c["org"], vars.org_id.as_str());
    assert!(c["exp"].as_i64().expect("exp") - c["iat"].as_i64().expect("iat") == 3600);
    assert!(c.get("sub").is_none(), "client_credentials has no subject");
    let jwks: serde_json::Value = kit
        .http
        .get(kit.auth("/as/jwks"))
        .send()
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let state = kit.sandbox.state();
    assert_eq!(jwks["keys"][0]["kid"], state.auth.key.kid());
    assert!(
        state.auth.key.verify(&kit.token).is_some(),
        "RS256 signature verifies"
    );
    let r = kit.v1(reqwest::Method::GET, "/users", "", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn discovery_documents_match_the_issuer() {
    let kit = Kit::start().await;
    for path in [
        "/as/.well-known/openid-configuration",
        "/.well-known/openid-configuration",
    ] {
        let doc: serde_json::Value = kit
            .http
            .get(kit.auth(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(doc["issuer"], kit.auth("/as"));
        assert_eq!(doc["token_endpoint"], kit.auth("/as/token"));
    }
    let r = kit
        .http
        .get(format!("{}/not-an-env/as/jwks", kit.base))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn client_credentials_by_basic_and_post_with_errors() {
    let kit = Kit::start().await;
    let basic =
        json!({"type": "WORKER", "grantTypes": ["CLIENT_CREDENTIALS"], "responseTypes": []});
    let (id, secret) = kit.app(basic).await;
    let ok = kit
        .token(
            &[("grant_type", "client_credentials")],
            Some((&id, &secret)),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["token_type"], "Bearer");
    assert_eq!(ok.body["expires_in"], 3600);
    assert!(ok.body.get("refresh_token").is_none() && ok.body.get("id_token").is_none());
    assert_eq!(ok.headers["cache-control"], "no-store");
    let wrong = kit
        .token(&[("grant_type", "client_credentials")], Some((&id, "nope")))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["error"], "invalid_client");
    assert!(wrong.headers.contains_key("www-authenticate"));
    let as_post = [
        ("grant_type", "client_credentials"),
        ("client_id", id.as_str()),
        ("client_secret", secret.as_str()),
    ];
    let r = kit.token(&as_post, None).await;
    assert_eq!(
        r.body["error"], "invalid_client",
        "a BASIC app may not authenticate by post"
    );

    let post = json!({"type": "WORKER", "grantTypes": ["CLIENT_CREDENTIALS"], "responseTypes": [], "tokenEndpointAuthMethod": "CLIENT_SECRET_POST"});
    let (pid, psecret) = kit.app(post).await;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", pid.as_str()),
        ("client_secret", psecret.as_str()),
    ];
    assert_eq!(kit.token(&form, None).await.status, StatusCode::OK);
    let r = kit
        .token(
            &[("grant_type", "client_credentials")],
            Some((&pid, &psecret)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let r = kit
        .token(&[("grant_type", "password")], Some((&id, &secret)))
        .await;
    assert_eq!(
        (r.status, r.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unsupported_grant_type"))
    );
    let r = kit.token(&[], Some((&id, &secret))).await;
    assert_eq!(r.body["error"], "invalid_request");
    let r = kit
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
            Some((&id, &secret)),
        )
        .await;
    assert_eq!(r.body["error"], "unauthorized_client");
    let r = kit
        .token(
            &[("grant_type", "client_credentials"), ("scope", "nope")],
            Some((&id, &secret)),
        )
        .await;
    assert_eq!(r.body["error"], "invalid_scope");
    let json_body = kit
        .http
        .post(kit.auth("/as/token"))
        .basic_auth(&id, Some(&secret))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .expect("post");
    assert_eq!(json_body.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn client_secret_jwt_assertions_are_checked() {
    let kit = Kit::start().await;
    let body = json!({"type": "WORKER", "grantTypes": ["CLIENT_CREDENTIALS"], "responseTypes": [], "tokenEndpointAuthMethod": "CLIENT_SECRET_JWT"});
    let (id, secret) = kit.app(body).await;
    let now = kit.sandbox.state().auth.clock.now_secs();
    let aud = kit.auth("/as/token");
    let assertion = |claims: serde_json::Value, key: &str| sign_hs256(&claims, key.as_bytes());
    let good = json!({"iss": id, "sub": id, "aud": aud, "exp": now + 300, "jti": "1"});
    let call = |a: String| {
        let kit = &kit;
        async move {
            kit.token(
                &[
                    ("grant_type", "client_credentials"),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", a.as_str()),
                ],
                None,
            )
            .await
        }
    };
    let r = call(assertion(good.clone(), &secret)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = call(assertion(good.clone(), "wrong-secret")).await;
    assert_eq!(r.body["error"], "invalid_client");
    let mut bad_aud = good.clone();
    bad_aud["aud"] = json!("https://elsewhere.example/token");
    assert_eq!(
        call(assertion(bad_aud, &secret)).await.body["error"],
        "invalid_client"
    );
    let mut expired = good.clone();
    expired["exp"] = json!(now - 10);
    assert_eq!(
        call(assertion(expired, &secret)).await.body["error"],
        "invalid_client"
    );
    let mut too_long = good.clone();
    too_long["exp"] = json!(now + 7200);
    assert_eq!(
        call(assertion(too_long, &secret)).await.body["error"],
        "invalid_client"
    );
    let mut other_sub = good;
    other_sub["sub"] = json!("someone-else");
    assert_eq!(
        call(assertion(other_sub, &secret)).await.body["error"],
        "invalid_client"
    );
}

#[tokio::test]
async fn introspection_by_resource_and_revocation() {
    let kit = Kit::start().await;
    let resource = kit
        .create("/resources", json!({"name": "Orders", "audience": "https://orders.example", "introspectEndpointAuthMethod": "CLIENT_SECRET_BASIC"}))
        .await;
    let rid = resource["id"].as_str().expect("id").to_owned();
    let scope = kit
        .create(
            &format!("/resources/{rid}/scopes"),
            json!({"name": "orders:read"}),
        )
        .await;
    let body = json!({"type": "WORKER", "grantTypes": ["CLIENT_CREDENTIALS"], "responseTypes": []});
    let (id, secret) = kit.app(body).await;
    kit.create(
        &format!("/applications/{id}/grants"),
        json!({"resource": {"id": rid}, "scopes": [{"id": scope["id"]}]}),
    )
    .await;
    let r = kit
        .token(
            &[
                ("grant_type", "client_credentials"),
                ("scope", "orders:read"),
            ],
            Some((&id, &secret)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = r.body["access_token"].as_str().expect("token").to_owned();
    assert_eq!(claims(&token)["aud"], "https://orders.example");
    assert_eq!(r.body["scope"], "orders:read");

    let rs = kit
        .v1(
            reqwest::Method::GET,
            &format!("/resources/{rid}/secret"),
            "",
            None,
        )
        .await;
    let rsecret = rs.body["secret"]
        .as_str()
        .expect("resource secret")
        .to_owned();
    let r = kit
        .form(
            "/as/introspect",
            &[("token", &token)],
            Some((&rid, &rsecret)),
        )
        .await;
    assert_eq!(r.body["active"], true, "{}", r.body);
    assert_eq!(r.body["aud"], "https://orders.example");
    assert_eq!(r.body["scope"], "orders:read");
    let r = kit
        .form("/as/introspect", &[("token", &token)], Some((&rid, "bad")))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = kit
        .form(
            "/as/introspect",
            &[("token", "garbage")],
            Some((&rid, &rsecret)),
        )
        .await;
    assert_eq!(r.body, json!({"active": false}));
    let r = kit
        .form(
            "/as/introspect",
            &[("token", &kit.token)],
            Some((&rid, &rsecret)),
        )
        .await;
    assert_eq!(
        r.body["active"], false,
        "another audience's token is not active to this resource"
    );
    let r = kit
        .form("/as/introspect", &[("token", &token)], Some((&id, &secret)))
        .await;
    assert_eq!(
        r.body["active"], true,
        "the client may introspect its own token"
    );
    // PingOne's tutorials form-post the app's id and secret to introspect, even for an app
    // whose token endpoint method is CLIENT_SECRET_BASIC.
    let r = kit
        .form(
            "/as/introspect",
            &[
                ("token", &token),
                ("client_id", &id),
                ("client_secret", &secret),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], true, "{}", r.body);
    assert_eq!(r.body["aud"], "https://orders.example");
    assert_eq!(r.body["client_id"], id.as_str());
    let r = kit
        .form(
            "/as/introspect",
            &[
                ("token", &token),
                ("client_id", &id),
                ("client_secret", "wrong"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.body["error"], "invalid_client");
    // Only the token endpoint keeps to the configured method.
    let r = kit
        .form(
            "/as/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);

    let r = kit
        .form("/as/revoke", &[("token", &token)], Some((&id, &secret)))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = kit
        .form(
            "/as/introspect",
            &[("token", &token)],
            Some((&rid, &rsecret)),
        )
        .await;
    assert_eq!(r.body["active"], false);
    let again = kit
        .token(
            &[
                ("grant_type", "client_credentials"),
                ("scope", "orders:read"),
            ],
            Some((&id, &secret)),
        )
        .await;
    assert_ne!(
        again.body["access_token"].as_str(),
        Some(token.as_str()),
        "a revoked token is never handed out again"
    );
}
