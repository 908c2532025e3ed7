//! Secrecy as a type: a secret value is carried in a [`Secret`], which cannot be printed,
//! logged or serialized by accident; reading it takes an explicit [`Secret::expose`], so
//! every place that needs the value itself (a request, `--save-secrets`, the redactor's
//! needles) says so and can be found with a grep. [`MaybeSecret`] is a value whose secrecy
//! was decided by the rules in `secret` (by name, by declaration): plain or a [`Secret`].
//!
//! Hand-written rather than the `secrecy` crate: that crate holds only `Zeroize` types, and
//! a variable's value is a `serde_json::Value`; the design is the same (mask in `Debug`, no
//! `Serialize` unless asked, an explicit `expose`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a secret value is shown as wherever the value itself must not appear.
pub const PLACEHOLDER: &str = "«secret»";

/// A secret value: `Debug` shows [`PLACEHOLDER`] and serializing it fails; read it with
/// [`expose`](Secret::expose) where it must be sent or written (serialize what `expose` gives
/// to write it on purpose). There is no `Display` on purpose: an API that takes anything
/// printable (a password argument, a header value) would otherwise compile and send the
/// placeholder, so handing a secret to one must be an explicit `expose()`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }
    /// The value itself, for a place that sends, writes or hides it.
    pub fn expose(&self) -> &T {
        &self.0
    }
    /// The value itself, taken out of the wrapper (it is no longer secret).
    pub fn into_exposed(self) -> T {
        self.0
    }
    /// The secret made from this one's value (as secret as it).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Secret<U> {
        Secret(f(self.0))
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Secret<String> {
        Secret(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Secret<String> {
        Secret(value.to_owned())
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PLACEHOLDER)
    }
}

/// Refuses: a secret inside a report or any other serialized structure is a leak, so it is
/// an error there rather than a silent mask. Write one on purpose by serializing `expose()`.
impl<T> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "a secret value is serialized only on purpose (secret::serialize_exposed)",
        ))
    }
}

/// Reading a secret in is safe: the value goes straight into the wrapper.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

/// A value whose secrecy is decided: plain, or carried as a [`Secret`]. `Debug` shows a
/// plain value and masks a secret one; serializing a secret one fails.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MaybeSecret<T> {
    Plain(T),
    Secret(Secret<T>),
}

impl<T> MaybeSecret<T> {
    /// `value`, carried as a secret when `secret`.
    pub fn new(value: T, secret: bool) -> MaybeSecret<T> {
        if secret {
            MaybeSecret::Secret(Secret(value))
        } else {
            MaybeSecret::Plain(value)
        }
    }
    pub fn is_secret(&self) -> bool {
        matches!(self, MaybeSecret::Secret(_))
    }
    /// The value of a plain one; `None` for a secret.
    pub fn plain(&self) -> Option<&T> {
        match self {
            MaybeSecret::Plain(value) => Some(value),
            MaybeSecret::Secret(_) => None,
        }
    }
    /// The secret, if it is one.
    pub fn secret(&self) -> Option<&Secret<T>> {
        match self {
            MaybeSecret::Plain(_) => None,
            MaybeSecret::Secret(secret) => Some(secret),
        }
    }
    /// The value whatever its secrecy: as explicit as [`Secret::expose`], for a place that
    /// needs the value itself (rendering a template, comparing it).
    pub fn expose(&self) -> &T {
        match self {
            MaybeSecret::Plain(value) => value,
            MaybeSecret::Secret(secret) => secret.expose(),
        }
    }
    /// The same value with its secrecy decided again (a declaration that sticks to the name,
    /// `secret = false` on a secret-looking one), without showing it anywhere.
    pub fn with_secrecy(self, secret: bool) -> MaybeSecret<T> {
        match self {
            MaybeSecret::Plain(value) | MaybeSecret::Secret(Secret(value)) => {
                MaybeSecret::new(value, secret)
            }
        }
    }
    /// The value made from this one's, with the same secrecy.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> MaybeSecret<U> {
        match self {
            MaybeSecret::Plain(value) => MaybeSecret::Plain(f(value)),
            MaybeSecret::Secret(secret) => MaybeSecret::Secret(secret.map(f)),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for MaybeSecret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaybeSecret::Plain(value) => value.fmt(f),
            MaybeSecret::Secret(secret) => secret.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "hunter2";

    #[test]
    fn debug_shows_the_mask_never_the_value() {
        let secret = Secret::from(VALUE);
        assert_eq!(format!("{secret:?}"), PLACEHOLDER);
        assert_eq!(format!("{secret:#?}"), PLACEHOLDER);
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(«secret»)");
        let json = Secret::new(serde_json::json!({"password": VALUE}));
        assert_eq!(format!("{json:?}"), PLACEHOLDER);
        assert_eq!(secret.expose(), VALUE);
    }

    #[derive(Debug, Serialize)]
    struct Report {
        name: &'static str,
        value: Secret<String>,
    }

    #[test]
    fn serializing_a_secret_fails_unless_asked_for() {
        let secret = Secret::from(VALUE);
        let err = serde_json::to_string(&secret).unwrap_err();
        assert!(!err.to_string().contains(VALUE), "{err}");
        let report = Report {
            name: "x",
            value: secret.clone(),
        };
        assert!(toml::to_string(&report).is_err());
        assert!(!format!("{report:?}").contains(VALUE));
        let err = serde_json::to_value(&report).unwrap_err();
        assert!(!err.to_string().contains(VALUE), "{err}");
        // Written on purpose: what `expose` gives.
        let saved = serde_json::to_string(secret.expose()).unwrap();
        assert_eq!(saved, r#""hunter2""#);
    }

    #[test]
    fn a_secret_is_read_in_without_showing() {
        let secret: Secret<String> = serde_json::from_str(r#""hunter2""#).unwrap();
        assert_eq!(secret.expose(), VALUE);
        assert_eq!(format!("{secret:?}"), PLACEHOLDER);
    }

    #[test]
    fn maybe_secret_masks_only_the_secret_one() {
        let plain = MaybeSecret::new("visible".to_owned(), false);
        let secret = MaybeSecret::new(VALUE.to_owned(), true);
        assert_eq!(format!("{plain:?}"), "\"visible\"");
        assert_eq!(format!("{secret:?}"), "«secret»");
        assert_eq!(serde_json::to_string(&plain).unwrap(), "\"visible\"");
        assert!(serde_json::to_string(&secret).is_err());
        assert_eq!(plain.plain().map(String::as_str), Some("visible"));
        assert_eq!(secret.plain(), None);
        assert_eq!(secret.expose(), VALUE);
        let upper = secret.clone().map(|s| s.to_uppercase());
        assert_eq!(upper.secret().map(|s| s.expose().as_str()), Some("HUNTER2"));
        assert!(!secret.clone().with_secrecy(false).is_secret());
        assert!(plain.with_secrecy(true).is_secret());
        let vars = vec![("token", secret)];
        assert!(!format!("{vars:?}").contains(VALUE));
    }
}
