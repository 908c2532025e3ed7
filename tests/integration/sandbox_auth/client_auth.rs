//! Client authentication at the token endpoint as PingOne documents it: Basic credentials
//! form-urlencoded before Base64 (RFC 6749 §2.3.1), and client secret JWTs with the claims
//! and algorithms of PingOne's "Create a client secret JWT".

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};
use steprun::sandbox::put_application_secret;
use steprun::sandbox::sign_hmac;

use super::{Kit, Reply};

/// A secret with characters `application/x-www-form-urlencoded` must escape.
const AWKWARD_SECRET: &str = "s3cret+with space/slash:colon%percent&amp=ü";

fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn basic_token(kit: &Kit, user: &str, password: &str) -> Reply {
    let header = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let resp = kit
        .http
        .post(kit.auth("/as/token"))
        .header("authorization", format!("Basic {header}"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    Reply::from(resp).await
}

#[tokio::test]
async fn basic_credentials_are_form_decoded_before_comparing() {
    let kit = Kit::start().await;
    let worker =
        json!({"type": "WORKER", "grantTypes": ["CLIENT_CREDENTIALS"], "responseTypes": []});
    let (id, _) = kit.app(worker).await;
    // The management API only generates secrets; plant one a real client library would have
    // to encode, as a tenant's rotated or imported secret might need.
    {
        let state = kit.sandbox.state();
        let mut store = state.store();
        put_application_secret(&mut store, &kit.env, &id, AWKWARD_SECRET);
    }
    let encoded_secret = form_encode(AWKWARD_SECRET);
    assert_ne!(encoded_secret, AWKWARD_SECRET, "the secret needs encoding");
    // What openid-client sends: both halves encoded. The id's `-` written as `%2D` is a
    // legal encoding too, and must be decoded like the secret.
    let encoded_id = id.replace('-', "%2D");
    let r = basic_token(&kit, &encoded_id, &encoded_secret).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = r.body["access_token"].as_str().expect("access token");
    assert_eq!(super::claims(token)["client_id"], id.as_str());
    // Sent without encoding, the `+` decodes to a space and `%pe` is no escape: refused.
    let r = basic_token(&kit, &id, AWKWARD_SECRET).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.body["error"], "invalid_client");
}

fn assertion_form(assertion: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "client_credentials".to_owned()),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned(),
        ),
        ("client_assertion", assertion.to_owned()),
    ]
}

async fn assert_with(kit: &Kit, assertion: &str) -> Reply {
    let form = assertion_form(assertion);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    kit.token(&pairs, None).await
}

#[tokio::test]
async fn client_secret_jwt_follows_pingones_claim_rules() {
    let kit = Kit::start().await;
    let body = json!({"type": "WORKER", "grantTypes": ["CLIENT_CREDENTIALS"], "responseTypes": [], "tokenEndpointAuthMethod": "CLIENT_SECRET_JWT"});
    let (id, secret) = kit.app(body).await;
    let now = kit.sandbox.state().auth.clock.now_secs();
    let sign = |claims: &Value, alg: &str| {
        sign_hmac(claims, secret.as_bytes(), alg).expect("an HMAC algorithm")
    };
    let good = json!({"iss": id, "sub": id, "aud": kit.auth("/as"), "exp": now + 300});
    for alg in ["HS256", "HS384", "HS512"] {
        let r = assert_with(&kit, &sign(&good, alg)).await;
        assert_eq!(r.status, StatusCode::OK, "{alg}: {}", r.body);
    }
    // `jti` and `iat` are not validated: the same assertion is accepted again until it expires.
    let once = sign(
        &json!({"iss": id, "sub": id, "aud": kit.auth("/as/token"), "exp": now + 60, "jti": "same"}),
        "HS256",
    );
    for _ in 0..2 {
        let r = assert_with(&kit, &once).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let exactly_an_hour =
        json!({"iss": id, "sub": id, "aud": kit.auth("/as/token"), "exp": now + 3600});
    let r = assert_with(&kit, &sign(&exactly_an_hour, "HS256")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The sandbox's clock runs on while this test runs, so "more than an hour ahead" is read
    // afresh and given room: one second past the hour, read a second late, is the hour itself.
    let later = kit.sandbox.state().auth.clock.now_secs();
    let refused = [
        (
            json!({"iss": id, "sub": id, "aud": kit.auth("/as/token"), "exp": later + 3630}),
            "at most one hour ahead",
        ),
        (
            json!({"iss": id, "sub": id, "aud": kit.auth("/as/token")}),
            "exp is required",
        ),
        (
            json!({"iss": id, "sub": id, "aud": kit.auth("/as/token"), "exp": now + 300, "nbf": now + 30}),
            "not yet valid",
        ),
        (
            json!({"iss": id, "sub": id, "aud": kit.auth("/as/userinfo"), "exp": now + 300}),
            "aud must be",
        ),
        (
            json!({"iss": id, "sub": "other", "aud": kit.auth("/as/token"), "exp": now + 300}),
            "iss and sub",
        ),
    ];
    for (claims, why) in refused {
        let r = assert_with(&kit, &sign(&claims, "HS256")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{claims}: {}", r.body);
        assert_eq!(r.body["error"], "invalid_client");
        let description = r.body["error_description"].as_str().unwrap_or_default();
        assert!(description.contains(why), "{why}: {description}");
    }
    // RS256 is for PRIVATE_KEY_JWT; an assertion claiming it is not accepted here.
    let mut parts: Vec<String> = sign(&good, "HS256").split('.').map(str::to_owned).collect();
    parts[0] = steprun::sandbox::b64url(br#"{"alg":"RS256","typ":"JWT"}"#);
    let r = assert_with(&kit, &parts.join(".")).await;
    assert_eq!(r.body["error"], "invalid_client", "{}", r.body);
}
