//! Compact JWT text: base64url segments, parsing without trust, and the HMAC algorithms
//! (HS256/384/512: client assertions signed with a client secret). RS256 signing lives with
//! the key in `keys.rs`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde_json::Value;

/// Base64url without padding, as JOSE uses it.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url, tolerating padding a client may have added.
pub(crate) fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// A JWT split into its parts; nothing about it is trusted yet.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub header: Value,
    pub claims: Value,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

/// Splits and decodes a compact JWS; `None` if it is not one.
pub(crate) fn parse(token: &str) -> Option<Parsed> {
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&b64url_decode(h)?).ok()?;
    let claims: Value = serde_json::from_slice(&b64url_decode(p)?).ok()?;
    if !header.is_object() || !claims.is_object() {
        return None;
    }
    Some(Parsed {
        header,
        claims,
        signing_input: format!("{h}.{p}"),
        signature: b64url_decode(s)?,
    })
}

/// `header.payload` for the given JSON values.
pub(crate) fn signing_input(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    )
}

/// Signs `claims` with HS256 under `secret`.
pub fn sign_hs256(claims: &Value, secret: &[u8]) -> String {
    sign_hmac(claims, secret, "HS256").unwrap_or_default()
}

/// Signs `claims` with `alg` (HS256, HS384 or HS512) under `secret`; `None` for another
/// algorithm.
pub fn sign_hmac(claims: &Value, secret: &[u8], alg: &str) -> Option<String> {
    let header = serde_json::json!({"alg": alg, "typ": "JWT"});
    let input = signing_input(&header, claims);
    let key = hmac::Key::new(hmac_algorithm(alg)?, secret);
    let tag = hmac::sign(&key, input.as_bytes());
    Some(format!("{input}.{}", b64url(tag.as_ref())))
}

fn hmac_algorithm(alg: &str) -> Option<hmac::Algorithm> {
    match alg {
        "HS256" => Some(hmac::HMAC_SHA256),
        "HS384" => Some(hmac::HMAC_SHA384),
        "HS512" => Some(hmac::HMAC_SHA512),
        _ => None,
    }
}

/// Whether `parsed` is signed with HS256, HS384 or HS512 (the header's `alg`) and its
/// signature matches `secret`: the algorithms PingOne accepts for `CLIENT_SECRET_JWT`, request
/// objects and login hint tokens.
pub(crate) fn verify_hmac(parsed: &Parsed, secret: &[u8]) -> bool {
    let Some(algorithm) = parsed
        .header
        .get("alg")
        .and_then(Value::as_str)
        .and_then(hmac_algorithm)
    else {
        return false;
    };
    let key = hmac::Key::new(algorithm, secret);
    hmac::verify(&key, parsed.signing_input.as_bytes(), &parsed.signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hs256_round_trip_and_tamper() {
        let token = sign_hs256(&json!({"iss": "app", "exp": 1}), b"secret");
        let parsed = parse(&token).expect("a JWT");
        assert_eq!(parsed.claims["iss"], "app");
        assert_eq!(parsed.header["alg"], "HS256");
        assert!(verify_hmac(&parsed, b"secret"));
        assert!(!verify_hmac(&parsed, b"other"));
        let forged = token.replacen('.', ".e30.", 1);
        assert!(parse(&forged).is_none(), "four segments is not a JWS");
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("abc").is_none());
        assert!(parse("a.b.c").is_none());
        assert!(parse("").is_none());
    }

    #[test]
    fn hs256_signature_matches_openssl() {
        // `printf 'a.b' | openssl dgst -sha256 -hmac k -binary`, base64url.
        let parsed = Parsed {
            header: json!({"alg": "HS256"}),
            claims: json!({}),
            signing_input: "a.b".into(),
            signature: b64url_decode("j-64Xf4O5ZEXP-qQsHKDtNnvAIHe3v1wxoNRgirN2JQ").expect("b64"),
        };
        assert!(verify_hmac(&parsed, b"k"));
    }
}
