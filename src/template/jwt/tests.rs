//! `jwt_sign`: each algorithm's signature verified with the same crate (and HS256 by hand
//! against RFC 7515's example), `kid`, `key_file`, the collected tokens, and clear errors.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde_json::{Value as Json, json};

use crate::template::{Templates, scope};
use crate::vars::VarStore;

const RSA_PEM: &str = include_str!("../../../tests/keys/rsa.pem");
const RSA_PUB: &str = include_str!("../../../tests/keys/rsa.pub");
const EC_PEM: &str = include_str!("../../../tests/keys/ec.pem");
const EC_PUB: &str = include_str!("../../../tests/keys/ec.pub");

fn vars() -> VarStore {
    let mut vars = VarStore::new();
    vars.set("appID", json!("app-1"), false);
    vars.set("appSecret", json!("a-shared-secret-of-32-bytes-long"), true);
    vars.set("rsaKey", json!(RSA_PEM), true);
    vars.set("ecKey", json!(EC_PEM), true);
    vars
}

fn sign(template: &str) -> Result<String, String> {
    let t = Templates::new("run");
    let (out, signed) = scope(None, || t.render_string(template, &vars()));
    let out = out.map_err(|e| e.message)?;
    assert_eq!(signed, vec![out.clone()], "the token is collected");
    Ok(out)
}

fn claims_of(token: &str, key: &DecodingKey, alg: jsonwebtoken::Algorithm) -> Json {
    let mut validation = Validation::new(alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    decode::<Json>(token, key, &validation)
        .unwrap_or_else(|e| panic!("{token} does not verify: {e}"))
        .claims
}

#[test]
fn hmac_tokens_verify_with_the_shared_secret() {
    let secret = b"a-shared-secret-of-32-bytes-long";
    for alg in ["HS256", "HS384", "HS512"] {
        let token = sign(&format!(
            "<<jwt_sign({{'iss': appID, 'sub': appID, 'n': 3}}, key=appSecret, alg='{alg}')>>"
        ))
        .unwrap();
        let algorithm = crate::template::jwt::algorithm(alg).unwrap();
        let claims = claims_of(&token, &DecodingKey::from_secret(secret), algorithm);
        assert_eq!(claims, json!({"iss": "app-1", "sub": "app-1", "n": 3}));
        assert_eq!(decode_header(&token).unwrap().alg, algorithm);
    }
    // The default is HS256, and a wrong secret does not verify.
    let token = sign("<<jwt_sign({'sub': appID}, key=appSecret)>>").unwrap();
    assert_eq!(
        decode_header(&token).unwrap().alg,
        jsonwebtoken::Algorithm::HS256
    );
    let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.required_spec_claims.clear();
    assert!(decode::<Json>(&token, &DecodingKey::from_secret(b"other"), &validation).is_err());
}

/// RFC 7515 A.1: the HS256 signature is HMAC-SHA256 of `header.payload` under the key. The
/// RFC's own token verifies with the crate used above, and ours match a hand computation.
#[test]
fn hs256_is_the_rfc_7515_computation() {
    let rfc_key = URL_SAFE_NO_PAD
        .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
        .unwrap();
    let rfc_token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let claims = claims_of(
        rfc_token,
        &DecodingKey::from_secret(&rfc_key),
        jsonwebtoken::Algorithm::HS256,
    );
    assert_eq!(claims["iss"], "joe");

    let token = sign(
        "<<jwt_sign({'iss': 'joe', 'exp': 1300819380, 'http://example.com/is_root': true}, key=appSecret)>>",
    )
    .unwrap();
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"a-shared-secret-of-32-bytes-long");
    let expected = ring::hmac::sign(&key, signing_input.as_bytes());
    assert_eq!(signature, URL_SAFE_NO_PAD.encode(expected.as_ref()));
    let (header, payload) = signing_input.split_once('.').unwrap();
    let header: Json = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    assert_eq!(header, json!({"typ": "JWT", "alg": "HS256"}));
    let payload: Json = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(payload["http://example.com/is_root"], true);
}

#[test]
fn rs256_and_es256_sign_with_a_pem_key_and_carry_the_kid() {
    let token = sign("<<jwt_sign({'sub': appID}, key=rsaKey, alg='RS256', kid='k-1')>>").unwrap();
    let public = DecodingKey::from_rsa_pem(RSA_PUB.as_bytes()).unwrap();
    assert_eq!(
        claims_of(&token, &public, jsonwebtoken::Algorithm::RS256)["sub"],
        "app-1"
    );
    assert_eq!(decode_header(&token).unwrap().kid.as_deref(), Some("k-1"));

    let token = sign("<<jwt_sign({'sub': appID}, key=ecKey, alg='ES256')>>").unwrap();
    let public = DecodingKey::from_ec_pem(EC_PUB.as_bytes()).unwrap();
    assert_eq!(
        claims_of(&token, &public, jsonwebtoken::Algorithm::ES256)["sub"],
        "app-1"
    );
    assert_eq!(decode_header(&token).unwrap().kid, None);
}

#[test]
fn key_file_is_read_relative_to_the_scope_folder() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let t = Templates::new("run");
    let (out, signed) = scope(Some(&dir), || {
        t.render_string(
            "<<jwt_sign({'sub': appID}, key_file='keys/ec.pem', alg='ES256')>>",
            &vars(),
        )
    });
    let token = out.unwrap();
    assert_eq!(signed, vec![token.clone()]);
    let public = DecodingKey::from_ec_pem(EC_PUB.as_bytes()).unwrap();
    assert_eq!(
        claims_of(&token, &public, jsonwebtoken::Algorithm::ES256)["sub"],
        "app-1"
    );
    // Nested scopes: the outer one sees the inner one's tokens.
    let ((_, inner), outer) = scope(None, || {
        scope(None, || {
            t.render_string("<<jwt_sign({}, key='k-k-k-k')>>", &vars())
        })
    });
    assert_eq!(inner.len(), 1);
    assert_eq!(inner, outer);
}

#[test]
fn mistakes_are_render_errors_not_panics() {
    let cases = [
        (
            "<<jwt_sign({'a': 1}, key=appSecret, alg='HS999')>>",
            "unknown algorithm `HS999`",
        ),
        (
            "<<jwt_sign({'a': 1}, key=appSecret, alg='none')>>",
            "unknown algorithm `none`",
        ),
        (
            "<<jwt_sign('claims', key=appSecret)>>",
            "the claims must be a map",
        ),
        (
            "<<jwt_sign([1, 2], key=appSecret)>>",
            "the claims must be a map",
        ),
        ("<<jwt_sign({'a': 1})>>", "no key"),
        ("<<jwt_sign({'a': 1}, key='')>>", "the key is empty"),
        (
            "<<jwt_sign({'a': 1}, key=appSecret, alg='RS256')>>",
            "RS256 needs a PEM RSA private key",
        ),
        (
            "<<jwt_sign({'a': 1}, key='-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', alg='ES256')>>",
            "ES256 needs a PEM P-256 EC private key",
        ),
        (
            "<<jwt_sign({'a': 1}, key=rsaKey, alg='ES256')>>",
            "ES256 needs a PEM",
        ),
        (
            "<<jwt_sign({'a': 1}, key=appSecret, key_file='x.pem')>>",
            "not both",
        ),
        (
            "<<jwt_sign({'a': 1}, key_file='surely/missing.pem', alg='RS256')>>",
            "cannot read surely/missing.pem",
        ),
        (
            "<<jwt_sign({'a': 1}, key=appSecret, algo='HS256')>>",
            "algo",
        ),
    ];
    for (template, needle) in cases {
        let t = Templates::new("run");
        let (out, signed) = scope(None, || t.render_string(template, &vars()));
        let message = out.expect_err(template).message;
        assert!(message.contains(needle), "{template}: {message}");
        assert!(signed.is_empty(), "{template}");
    }
}
