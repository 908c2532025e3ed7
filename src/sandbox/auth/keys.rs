//! The sandbox's token-signing key: RS256 signatures for access and ID tokens, and the JWKS a
//! client uses to verify them.
//!
//! ring cannot generate RSA keys, so one 2048-bit PKCS#8 key was generated once with
//! `openssl genpkey` and is embedded here. It is a simulator key, not a secret.

use ring::rand::SystemRandom;
use ring::rsa::PublicKeyComponents;
use ring::signature::{self, RsaKeyPair};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::sandbox::auth::jwt::{self, b64url};

const PKCS8: &[u8] = include_bytes!("signing_key.pk8.der");

/// The key pair, its key id and its public JWK parts.
pub struct SigningKey {
    pair: RsaKeyPair,
    rng: SystemRandom,
    kid: String,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Default for SigningKey {
    fn default() -> Self {
        // The embedded key is a constant checked by a unit test, never request input.
        let pair = RsaKeyPair::from_pkcs8(PKCS8).expect("embedded signing key is valid PKCS#8");
        let public: PublicKeyComponents<Vec<u8>> = pair.public().into();
        let kid = b64url(&Sha256::digest(pair.public().as_ref()))[..22].to_owned();
        Self {
            pair,
            rng: SystemRandom::new(),
            kid,
            n: public.n,
            e: public.e,
        }
    }
}

impl SigningKey {
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Signs `claims` as a compact RS256 JWS with `kid` in the header; `typ` is optional
    /// (`at+jwt` is not sent yet, matching PingOne before 2027).
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let input = jwt::signing_input(&header, claims);
        let mut sig = vec![0; self.pair.public().modulus_len()];
        // Signing with a valid key into a buffer of the modulus length cannot fail.
        if self
            .pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                input.as_bytes(),
                &mut sig,
            )
            .is_err()
        {
            sig.clear();
        }
        format!("{input}.{}", b64url(&sig))
    }

    /// The public key as a DER `RSAPublicKey` (the inside of a certificate's key info).
    pub fn public_der(&self) -> &[u8] {
        self.pair.public().as_ref()
    }

    /// An RSASSA-PKCS1-v1_5 SHA-256 signature of `data` (XML signatures of SAML messages).
    pub fn sign_rsa_sha256(&self, data: &[u8]) -> Vec<u8> {
        let mut sig = vec![0; self.pair.public().modulus_len()];
        // Signing with a valid key into a buffer of the modulus length cannot fail.
        if self
            .pair
            .sign(&signature::RSA_PKCS1_SHA256, &self.rng, data, &mut sig)
            .is_err()
        {
            sig.clear();
        }
        sig
    }

    /// The claims of `token` if it is an RS256 JWS signed by this key.
    pub fn verify(&self, token: &str) -> Option<Value> {
        let parsed = jwt::parse(token)?;
        if parsed.header.get("alg").and_then(Value::as_str) != Some("RS256") {
            return None;
        }
        let public = signature::RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        };
        public
            .verify(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                parsed.signing_input.as_bytes(),
                &parsed.signature,
            )
            .ok()?;
        Some(parsed.claims)
    }

    /// The JSON Web Key Set served at `as/jwks`.
    pub fn jwks(&self) -> Value {
        json!({"keys": [{
            "kty": "RSA",
            "kid": self.kid,
            "use": "sig",
            "alg": "RS256",
            "n": b64url(strip_leading_zeros(&self.n)),
            "e": b64url(strip_leading_zeros(&self.e)),
        }]})
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies() {
        let key = SigningKey::default();
        let token = key.sign(&json!({"sub": "u1", "exp": 9}));
        let claims = key.verify(&token).expect("valid signature");
        assert_eq!(claims["sub"], "u1");
        let parsed = jwt::parse(&token).expect("jwt");
        assert_eq!(parsed.header["kid"], key.kid());
        assert_eq!(parsed.signature.len(), 256, "2048-bit signature");
    }

    #[test]
    fn rejects_tampered_and_foreign_tokens() {
        let key = SigningKey::default();
        let token = key.sign(&json!({"sub": "u1"}));
        let (head, rest) = token.split_once('.').expect("dot");
        let sig = rest.split_once('.').expect("dot").1;
        let forged = format!("{head}.{}.{sig}", b64url(br#"{"sub":"admin"}"#));
        assert!(key.verify(&forged).is_none());
        assert!(key.verify(&jwt::sign_hs256(&json!({}), b"x")).is_none());
    }

    #[test]
    fn jwks_publishes_the_public_key() {
        let key = SigningKey::default();
        let jwks = key.jwks();
        let jwk = &jwks["keys"][0];
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(jwk["e"], "AQAB");
        let n = jwt::b64url_decode(jwk["n"].as_str().expect("n")).expect("b64");
        assert_eq!(n.len(), 256);
        assert_eq!(jwk["kid"], key.kid());
    }
}
