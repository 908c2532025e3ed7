//! Short-lived numeric codes a real tenant would email or text: account verification and
//! password recovery codes (collection `codes`, scope = environment id, id =
//! `"{purpose}:{userId}"`). The auth host uses the same functions for its flows.

use rand::RngExt;
use serde_json::json;

use super::hal;
use crate::sandbox::store::Store;

pub const CODES: &str = "codes";

/// What a code proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Account (email) verification: `user.verify` in flows, `user.verify+json` on `/v1`.
    Verification,
    /// Password recovery: `password.recover`.
    Recovery,
}

impl Purpose {
    fn key(self, user_id: &str) -> String {
        match self {
            Self::Verification => format!("verification:{user_id}"),
            Self::Recovery => format!("recovery:{user_id}"),
        }
    }
}

/// A random numeric code of `len` digits (OTPs use 6).
pub fn random_digits(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// Issues (replacing any previous) a code valid for 15 minutes and returns it.
pub fn issue(store: &mut Store, env_id: &str, user_id: &str, purpose: Purpose) -> String {
    let code = random_digits(6);
    store.put(
        env_id,
        CODES,
        json!({
            "id": purpose.key(user_id),
            "code": code,
            "expiresAt": hal::now_plus(15 * 60),
        }),
    );
    code
}

/// Checks and consumes a code; `false` when wrong, expired or never issued.
pub fn consume(
    store: &mut Store,
    env_id: &str,
    user_id: &str,
    purpose: Purpose,
    code: &str,
) -> bool {
    let key = purpose.key(user_id);
    let valid = store.get(env_id, CODES, &key).is_some_and(|doc| {
        doc["code"].as_str() == Some(code.trim())
            && doc["expiresAt"]
                .as_str()
                .is_some_and(|e| e > hal::now().as_str())
    });
    if valid {
        store.remove(env_id, CODES, &key);
    }
    valid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_single_use_and_per_purpose() {
        let mut store = Store::default();
        let code = issue(&mut store, "env", "u", Purpose::Verification);
        assert_eq!(code.len(), 6);
        assert!(!consume(&mut store, "env", "u", Purpose::Recovery, &code));
        assert!(!consume(&mut store, "env", "u", Purpose::Verification, "x"));
        assert!(consume(
            &mut store,
            "env",
            "u",
            Purpose::Verification,
            &code
        ));
        assert!(!consume(
            &mut store,
            "env",
            "u",
            Purpose::Verification,
            &code
        ));
    }
}
