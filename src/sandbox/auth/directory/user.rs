//! Users as sign-on sees them: lookup by username, password checks with lockout, the state
//! of the account. Passwords and codes go through the management API's own functions.

use serde_json::Value;

use crate::sandbox::mgmt::passwords;
use crate::sandbox::store::Store;

/// What a password check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordCheck {
    Ok,
    /// The password must be changed before the flow continues.
    MustChange,
    Wrong {
        failures_remaining: u64,
    },
    /// Too many failures: the account is locked.
    Locked,
    /// The user has no password.
    NoPassword,
}

/// The user of environment `env` whose username (or, failing that, email) is `name`,
/// compared without case.
pub fn find_by_name<'a>(store: &'a Store, env: &str, name: &str) -> Option<&'a Value> {
    store
        .find_by(env, "users", "username", name)
        .or_else(|| store.find_by(env, "users", "email", name))
}

pub fn get<'a>(store: &'a Store, env: &str, user_id: &str) -> Option<&'a Value> {
    store.get(env, "users", user_id)
}

/// Whether the account may sign on (`enabled`, and not a locked account).
pub fn can_authenticate(user: &Value) -> bool {
    user.get("enabled").and_then(Value::as_bool) != Some(false)
        && user
            .pointer("/account/canAuthenticate")
            .and_then(Value::as_bool)
            != Some(false)
}

/// Whether the account still waits for email verification.
pub fn needs_verification(user: &Value) -> bool {
    user.pointer("/lifecycle/status").and_then(Value::as_str) == Some("VERIFICATION_REQUIRED")
}

pub fn mfa_enabled(user: &Value) -> bool {
    user.get("mfaEnabled").and_then(Value::as_bool) == Some(true)
}

/// The lockout threshold of the user's password policy (PingOne's default is 5).
fn lockout_limit(store: &Store, env: &str, user: &Value) -> u64 {
    crate::sandbox::mgmt::password_policy::policy_for(store, env, user)
        .and_then(|p| p.pointer("/lockout/failureCount"))
        .and_then(Value::as_u64)
        .unwrap_or(5)
}

/// Checks `password` for `user_id`, counting failures towards the policy's lockout.
pub fn check_password(
    store: &mut Store,
    env: &str,
    user_id: &str,
    password: &str,
) -> PasswordCheck {
    let Some(user) = store.get(env, "users", user_id).cloned() else {
        return PasswordCheck::NoPassword;
    };
    let Some(status) = passwords::password_status(store, env, user_id).map(str::to_owned) else {
        return PasswordCheck::NoPassword;
    };
    let limit = lockout_limit(store, env, &user);
    let failures = store
        .get(env, passwords::PASSWORDS, user_id)
        .and_then(|p| p.get("failures"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if failures >= limit {
        return PasswordCheck::Locked;
    }
    if !passwords::check_password(store, env, user_id, password) {
        let failures_remaining = passwords::record_failure(store, env, user_id, limit);
        return PasswordCheck::Wrong { failures_remaining };
    }
    passwords::record_success(store, env, user_id);
    if status == "MUST_CHANGE_PASSWORD" {
        PasswordCheck::MustChange
    } else {
        PasswordCheck::Ok
    }
}
