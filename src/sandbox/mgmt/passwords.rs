//! User passwords, kept apart from user documents (collection `passwords`, scope =
//! environment id, document id = user id) so no read ever returns them. The auth host
//! checks and changes them through the functions here.
//!
//! Stored document: `{"id": userId, "salt", "hash" (hex SHA-256 of salt + password),
//! "status": "OK" | "MUST_CHANGE_PASSWORD", "lastChangedAt", "history": [hash...],
//! "failures": n, "recoveryCode"?}`.

use std::fmt::Write as _;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::error::{ApiError, ApiResult};
use super::hal;
use super::password_policy::{policy_error, policy_for, violations};
use crate::sandbox::store::Store;

pub(crate) const PASSWORDS: &str = "passwords";

fn hash(salt: &str, password: &str) -> String {
    let digest = Sha256::digest(format!("{salt}{password}").as_bytes());
    digest.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Whether `password` is the user's current password.
pub fn check_password(store: &Store, env_id: &str, user_id: &str, password: &str) -> bool {
    store.get(env_id, PASSWORDS, user_id).is_some_and(|doc| {
        let salt = doc["salt"].as_str().unwrap_or_default();
        doc["hash"].as_str() == Some(hash(salt, password).as_str())
    })
}

/// `OK`, `MUST_CHANGE_PASSWORD`, or `None` when the user has no password.
pub(crate) fn password_status<'a>(
    store: &'a Store,
    env_id: &str,
    user_id: &str,
) -> Option<&'a str> {
    store.get(env_id, PASSWORDS, user_id)?["status"].as_str()
}

/// Sets a user's password after checking it against their password policy and history.
/// `force_change` leaves the status `MUST_CHANGE_PASSWORD`.
pub(crate) fn set_password(
    store: &mut Store,
    env_id: &str,
    user_id: &str,
    password: &str,
    force_change: bool,
) -> ApiResult<()> {
    let user = store
        .get(env_id, "users", user_id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    check_new_password(store, env_id, &user, password)?;
    let previous = store.get(env_id, PASSWORDS, user_id).cloned();
    let salt = hal::new_id();
    let digest = hash(&salt, password);
    let mut history: Vec<Value> = previous
        .as_ref()
        .and_then(|p| p["history"].as_array().cloned())
        .unwrap_or_default();
    if let Some(prev) = &previous {
        history.insert(0, json!({ "salt": prev["salt"], "hash": prev["hash"] }));
    }
    history.truncate(24);
    store.put(
        env_id,
        PASSWORDS,
        json!({
            "id": user_id,
            "salt": salt,
            "hash": digest,
            "status": if force_change { "MUST_CHANGE_PASSWORD" } else { "OK" },
            "lastChangedAt": hal::now(),
            "history": history,
            "failures": 0,
        }),
    );
    Ok(())
}

/// Checks a candidate password against the user's policy, current password and history.
pub(crate) fn check_new_password(
    store: &Store,
    env_id: &str,
    user: &Value,
    password: &str,
) -> ApiResult<()> {
    if password.is_empty() {
        return Err(ApiError::required("password"));
    }
    let policy = policy_for(store, env_id, user)
        .cloned()
        .unwrap_or(Value::Null);
    let mut errors = violations(&policy, password, user);
    let user_id = user["id"].as_str().unwrap_or_default();
    if let Some(current) = store.get(env_id, PASSWORDS, user_id) {
        let same = |entry: &Value| {
            entry["hash"].as_str()
                == Some(hash(entry["salt"].as_str().unwrap_or_default(), password).as_str())
        };
        if same(current) {
            errors.push("The new password must differ from the current password".to_owned());
        }
        let keep = usize::try_from(policy["history"]["count"].as_u64().unwrap_or(0)).unwrap_or(0);
        let reused = current["history"]
            .as_array()
            .is_some_and(|h| h.iter().take(keep).any(same));
        if reused {
            errors.push("The password was used recently".to_owned());
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(policy_error(&errors))
    }
}

/// Sets the password status (`MUST_CHANGE_PASSWORD` after an admin forces a change).
pub(crate) fn set_status(store: &mut Store, env_id: &str, user_id: &str, status: &str) -> bool {
    match store.get_mut(env_id, PASSWORDS, user_id) {
        Some(doc) => {
            doc["status"] = json!(status);
            true
        }
        None => false,
    }
}

/// Counts a failed check; returns the failures remaining before lockout.
pub(crate) fn record_failure(store: &mut Store, env_id: &str, user_id: &str, limit: u64) -> u64 {
    let Some(doc) = store.get_mut(env_id, PASSWORDS, user_id) else {
        return limit;
    };
    let failures = doc["failures"].as_u64().unwrap_or(0) + 1;
    doc["failures"] = json!(failures);
    limit.saturating_sub(failures)
}

/// Resets the failure counter after a successful check.
pub(crate) fn record_success(store: &mut Store, env_id: &str, user_id: &str) {
    if let Some(doc) = store.get_mut(env_id, PASSWORDS, user_id) {
        doc["failures"] = json!(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_user() -> Store {
        let mut store = Store::default();
        store.put(
            "env",
            "passwordPolicies",
            json!({
                "id": "p", "default": true, "length": {"min": 8, "max": 255},
                "history": {"count": 2},
            }),
        );
        store.put("env", "users", json!({"id": "u", "username": "someone"}));
        store
    }

    #[test]
    fn set_then_check() {
        let mut store = store_with_user();
        assert!(!check_password(&store, "env", "u", "Secret123!"));
        set_password(&mut store, "env", "u", "Secret123!", true).unwrap();
        assert!(check_password(&store, "env", "u", "Secret123!"));
        assert!(!check_password(&store, "env", "u", "secret123!"));
        assert_eq!(
            password_status(&store, "env", "u"),
            Some("MUST_CHANGE_PASSWORD")
        );
        assert!(
            store
                .get("env", PASSWORDS, "u")
                .unwrap()
                .get("value")
                .is_none()
        );
    }

    #[test]
    fn refuses_current_and_recent_passwords() {
        let mut store = store_with_user();
        set_password(&mut store, "env", "u", "First-pass1", false).unwrap();
        assert!(set_password(&mut store, "env", "u", "First-pass1", false).is_err());
        set_password(&mut store, "env", "u", "Second-pass2", false).unwrap();
        assert!(set_password(&mut store, "env", "u", "First-pass1", false).is_err());
        assert!(set_password(&mut store, "env", "u", "short", false).is_err());
    }
}
