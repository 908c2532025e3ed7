//! `jwt_sign(claims, key=…, alg="HS256", kid=None, key_file=None)`: a signed JWT made in a
//! template, for `client_secret_jwt` and `private_key_jwt` client authentication.
//!
//! The token is a credential, so it is a secret wherever it lands: every token signed during
//! a render is collected (see [`super::scope`]) and the caller hides it like any secret. A
//! `key_file` is read relative to the workflow file being rendered, which the same scope gives.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Error, ErrorKind, Value};

/// The algorithms `jwt_sign` takes, by name.
pub const ALGORITHMS: [&str; 5] = ["HS256", "HS384", "HS512", "RS256", "ES256"];

/// A PEM file larger than this is not a key (a typo naming a large file).
const MAX_KEY_FILE: u64 = 64 * 1024;

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

// minijinja hands keyword arguments over by value.
#[allow(clippy::needless_pass_by_value)]
pub(super) fn jwt_sign(
    claims: &Value,
    key: Option<Value>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let alg_name: Option<String> = kwargs.get("alg")?;
    let kid: Option<String> = kwargs.get("kid")?;
    let key_file: Option<String> = kwargs.get("key_file")?;
    let named_key: Option<Value> = kwargs.get("key")?;
    kwargs.assert_all_used()?;
    let alg_name = alg_name.unwrap_or_else(|| "HS256".to_owned());
    let alg = algorithm(&alg_name)?;
    if claims.kind() != ValueKind::Map {
        return Err(invalid(format!(
            "jwt_sign: the claims must be a map, like {{'sub': appID}}; this is {}",
            claims.kind()
        )));
    }
    let claims = serde_json::to_value(claims).map_err(|e| {
        invalid(format!(
            "jwt_sign: the claims cannot be written as JSON: {e}"
        ))
    })?;
    let key_text = match (key.or(named_key), key_file) {
        (Some(_), Some(_)) => {
            return Err(invalid("jwt_sign: give `key` or `key_file`, not both"));
        }
        (Some(k), None) if k.is_undefined() || k.is_none() => {
            return Err(invalid("jwt_sign: the key is empty"));
        }
        (Some(k), None) => k.as_str().map_or_else(|| k.to_string(), str::to_owned),
        (None, Some(path)) => read_key_file(&path)?,
        (None, None) => {
            return Err(invalid(
                "jwt_sign: no key: pass `key=` (a shared secret or PEM text) or `key_file=`",
            ));
        }
    };
    if key_text.is_empty() {
        return Err(invalid("jwt_sign: the key is empty"));
    }
    let encoding = encoding_key(alg, &alg_name, &key_text)?;
    let mut header = Header::new(alg);
    header.kid = kid;
    let token = jsonwebtoken::encode(&header, &claims, &encoding)
        .map_err(|e| invalid(format!("jwt_sign: cannot sign with {alg_name}: {e}")))?;
    super::scope::signed(&token);
    Ok(token)
}

/// The algorithm named `name` (case as written in JOSE: `HS256`).
pub fn algorithm(name: &str) -> Result<Algorithm, Error> {
    Ok(match name {
        "HS256" => Algorithm::HS256,
        "HS384" => Algorithm::HS384,
        "HS512" => Algorithm::HS512,
        "RS256" => Algorithm::RS256,
        "ES256" => Algorithm::ES256,
        other => {
            return Err(invalid(format!(
                "jwt_sign: unknown algorithm `{other}`: use one of {}",
                ALGORITHMS.join(", ")
            )));
        }
    })
}

fn encoding_key(alg: Algorithm, name: &str, key: &str) -> Result<EncodingKey, Error> {
    let pem = |result: Result<EncodingKey, jsonwebtoken::errors::Error>, kind: &str| {
        result.map_err(|e| {
            invalid(format!(
                "jwt_sign: {name} needs a PEM {kind} private key (PKCS#8, `-----BEGIN PRIVATE KEY-----`): {e}"
            ))
        })
    };
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            Ok(EncodingKey::from_secret(key.as_bytes()))
        }
        Algorithm::RS256 => pem(EncodingKey::from_rsa_pem(key.as_bytes()), "RSA"),
        Algorithm::ES256 => pem(EncodingKey::from_ec_pem(key.as_bytes()), "P-256 EC"),
        _ => Err(invalid(format!("jwt_sign: unknown algorithm `{name}`"))),
    }
}

fn read_key_file(path: &str) -> Result<String, Error> {
    if path.trim().is_empty() {
        return Err(invalid("jwt_sign: `key_file` is empty"));
    }
    let full = super::scope::resolve(path);
    let too_big = std::fs::metadata(&full).is_ok_and(|m| m.len() > MAX_KEY_FILE);
    if too_big {
        return Err(invalid(format!(
            "jwt_sign: {} is too large to be a key",
            full.display()
        )));
    }
    std::fs::read_to_string(&full).map_err(|e| {
        let reason = crate::io_reason::Reason(&e);
        invalid(format!(
            "jwt_sign: cannot read {}: {reason}",
            full.display()
        ))
    })
}

#[cfg(test)]
mod tests;
