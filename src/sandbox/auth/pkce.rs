//! PKCE (RFC 7636): checking a `code_verifier` against the `code_challenge` sent to authorize.

use sha2::{Digest, Sha256};

use crate::sandbox::auth::jwt::b64url;

/// `S256` challenge of `verifier`: BASE64URL(SHA256(verifier)).
pub fn s256(verifier: &str) -> String {
    b64url(&Sha256::digest(verifier.as_bytes()))
}

/// Whether `verifier` is 43–128 unreserved characters (RFC 7636 §4.1).
pub fn well_formed(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Whether `verifier` answers `challenge` under `method` (`S256` or `plain`).
pub fn verify(challenge: &str, method: &str, verifier: &str) -> bool {
    if !well_formed(verifier) {
        return false;
    }
    match method {
        "S256" => s256(verifier) == challenge,
        "plain" => verifier == challenge,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc_7636_appendix_b_vector() {
        assert_eq!(s256(VERIFIER), CHALLENGE);
        assert!(verify(CHALLENGE, "S256", VERIFIER));
    }

    #[test]
    fn rejects_wrong_or_malformed_verifiers() {
        assert!(!verify(
            CHALLENGE,
            "S256",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK"
        ));
        assert!(!verify(CHALLENGE, "plain", VERIFIER));
        assert!(verify(VERIFIER, "plain", VERIFIER));
        assert!(!verify("short", "plain", "short"));
        assert!(!well_formed(&"a".repeat(129)));
        assert!(!well_formed(&format!("{}!", "a".repeat(43))));
        assert!(!verify(CHALLENGE, "S512", VERIFIER));
    }
}
