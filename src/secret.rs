//! Secrecy in one place (README, Secrets): which names and values are secret, how a secret
//! value is carried ([`Secret`], [`MaybeSecret`]) and the forms it takes on the wire
//! ([`forms`]); the redactor (`redact`) hides those forms.
//!
//! Every other module asks this one; it imports nothing of steprun's, so anything may use it.

pub mod forms;
mod value;

pub use value::{MaybeSecret, Secret};

use std::collections::BTreeSet;

use serde_json::Value;

/// The words that make a name secret when it contains one of them, in any case.
pub const SECRET_WORDS: &[&str] = &["secret", "password", "token", "otp"];

/// Names containing `secret`, `password`, `token` or `otp` (any case) are secret by default.
pub fn name_is_secret(name: &str) -> bool {
    // Compared in place (no lowercase copy): asked for every value a step extracts.
    let name = name.as_bytes();
    SECRET_WORDS.iter().any(|w| {
        name.windows(w.len())
            .any(|part| part.eq_ignore_ascii_case(w.as_bytes()))
    })
}

/// Whether a variable set under `name` is secret: as `declared` says when it says (so
/// `secret = false` keeps a secret-looking name visible), else by its name.
pub fn declared_or_named(name: &str, declared: Option<bool>) -> bool {
    declared.unwrap_or_else(|| name_is_secret(name))
}

/// Whether a value extracted (or prompted) as `name` is secret: as its extraction's `secret`
/// flag says, else as the `[vars]`/vars files `declared` the name, else by the name or because
/// it replaces a value that `was_secret`.
pub fn extraction_is_secret(
    name: &str,
    flag: Option<bool>,
    declared: Option<bool>,
    was_secret: bool,
) -> bool {
    flag.or(declared)
        .unwrap_or_else(|| was_secret || name_is_secret(name))
}

/// Whether an extracted value kept across a re-resolve stays secret: it was, or a declaration
/// of its name says `secret = true` (a declaration sticks to the name whatever layer set it).
pub fn kept_is_secret(was_secret: bool, declared: Option<bool>) -> bool {
    was_secret || declared == Some(true)
}

/// The declared secrecy of a value rendered from a template: a token `jwt_sign` made
/// (`signed`) is a credential, secret whatever the declaration says; otherwise the
/// declaration, else secret when made `from_secret` (`"Basic <<password | base64>>"`), else
/// `None` (the name decides, see [`declared_or_named`]).
pub fn derived_secrecy(declared: Option<bool>, from_secret: bool, signed: bool) -> Option<bool> {
    if signed {
        Some(true)
    } else {
        declared.or(from_secret.then_some(true))
    }
}

/// Whether an imported (Postman) variable is secret: by its name, or because it is among
/// `typed`, the names Postman types as `"secret"`.
pub fn named_or_typed(name: &str, typed: &BTreeSet<String>) -> bool {
    name_is_secret(name) || typed.contains(name)
}

/// How much of a secret value must be hidden from output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hiding {
    /// Nothing: `true` or `null` would hide every `true` in every body.
    Nothing,
    /// The value as it is written.
    Value,
    /// The value's text as a whole and each string or number inside it (`<<list[0]>>` of a
    /// secret list is as secret as the list).
    TextAndParts,
}

/// What hiding `value` takes.
pub fn hiding(value: &Value) -> Hiding {
    match value {
        Value::Bool(_) | Value::Null => Hiding::Nothing,
        Value::Array(_) | Value::Object(_) => Hiding::TextAndParts,
        _ => Hiding::Value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_secret_by_their_words_in_any_case() {
        for name in [
            "clientSecret",
            "PASSWORD",
            "accessToken",
            "otpCode",
            "x_secret_y",
            "ToKeN",
            "éPassWord",
            "otp",
        ] {
            assert!(name_is_secret(name), "{name}");
        }
        for name in ["envID", "username", "apiPath", "tok", "", "o", "sécret"] {
            assert!(!name_is_secret(name), "{name}");
        }
    }

    #[test]
    fn a_declaration_overrides_the_name() {
        assert!(!declared_or_named("accessToken", Some(false)));
        assert!(declared_or_named("userId", Some(true)));
        assert!(declared_or_named("accessToken", None));
        assert!(!declared_or_named("userId", None));
    }

    #[test]
    fn an_extraction_follows_its_flag_then_the_declaration_then_the_name_or_the_old_value() {
        assert!(!extraction_is_secret(
            "accessToken",
            Some(false),
            Some(true),
            true
        ));
        assert!(extraction_is_secret("userId", None, Some(true), false));
        assert!(!extraction_is_secret(
            "accessToken",
            None,
            Some(false),
            true
        ));
        assert!(extraction_is_secret("userId", None, None, true));
        assert!(extraction_is_secret("accessToken", None, None, false));
        assert!(!extraction_is_secret("userId", None, None, false));
    }

    #[test]
    fn a_signed_value_is_secret_whatever_is_declared() {
        assert_eq!(derived_secrecy(Some(false), false, true), Some(true));
        assert_eq!(derived_secrecy(Some(false), true, false), Some(false));
        assert_eq!(derived_secrecy(None, true, false), Some(true));
        assert_eq!(derived_secrecy(None, false, false), None);
        assert!(kept_is_secret(false, Some(true)));
        assert!(!kept_is_secret(false, Some(false)));
    }

    #[test]
    fn booleans_and_null_are_never_hidden() {
        assert_eq!(hiding(&Value::Bool(true)), Hiding::Nothing);
        assert_eq!(hiding(&Value::Null), Hiding::Nothing);
        assert_eq!(hiding(&serde_json::json!("s")), Hiding::Value);
        assert_eq!(hiding(&serde_json::json!(12)), Hiding::Value);
        assert_eq!(hiding(&serde_json::json!(["a"])), Hiding::TextAndParts);
    }
}
