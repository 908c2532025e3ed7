//! `PRIVATE_KEY_JWT` client assertions: verifying an RS256 signature against the public keys
//! the application registered (`jwks`, a JWK Set as text or object).

use ring::signature;
use serde_json::Value;

use crate::sandbox::auth::jwt::{self, b64url_decode};

/// Whether `parsed` is RS256-signed by one of the RSA keys in the app's `jwks`.
pub fn verify(app_doc: &Value, parsed: &jwt::Parsed) -> bool {
    if parsed.header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return false;
    }
    let kid = parsed.header.get("kid").and_then(Value::as_str);
    keys(app_doc)
        .iter()
        .filter(|k| k.get("kty").and_then(Value::as_str) == Some("RSA"))
        .filter(|k| kid.is_none() || k.get("kid").and_then(Value::as_str) == kid)
        .any(|k| verify_with(k, parsed))
}

fn keys(app_doc: &Value) -> Vec<Value> {
    let set = match app_doc.get("jwks") {
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    set.get("keys")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn verify_with(jwk: &Value, parsed: &jwt::Parsed) -> bool {
    let part = |k: &str| jwk.get(k).and_then(Value::as_str).and_then(b64url_decode);
    let (Some(n), Some(e)) = (part("n"), part("e")) else {
        return false;
    };
    signature::RsaPublicKeyComponents { n: &n, e: &e }
        .verify(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            parsed.signing_input.as_bytes(),
            &parsed.signature,
        )
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::auth::keys::SigningKey;
    use serde_json::json;

    #[test]
    fn verifies_against_registered_jwks_text() {
        let key = SigningKey::default();
        let token = key.sign(&json!({"iss": "app"}));
        let parsed = jwt::parse(&token).expect("jwt");
        let doc = json!({"jwks": key.jwks().to_string()});
        assert!(verify(&doc, &parsed));
        assert!(!verify(&json!({}), &parsed));
        let other = json!({"jwks": {"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}]}});
        assert!(!verify(&other, &parsed));
    }
}
