//! The built-in functions and filters of the README's Templates (`uuid()`, `pkce_verifier()`, `base64`, …).

use base64::Engine as _;
use minijinja::Value;
use minijinja::value::ValueKind;
use sha2::Digest as _;

use super::{
    Environment, Error, ErrorKind, STANDARD, Serde, Sha256, State, StringInput, URL_SAFE_NO_PAD,
    URL_SAFE_NO_PAD_INDIFFERENT, percent_encode,
};

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// RFC 7636 §4.1 `unreserved` characters.
const UNRESERVED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
/// A verifier may be 43 to 128 characters; 64 gives 384 bits of entropy.
const PKCE_VERIFIER_LEN: usize = 64;
/// Keeps a typo like `random_string(1000000000)` from exhausting memory.
const MAX_RANDOM_STRING: usize = 4096;
/// The widest indent `tojson(n)` and `indent(n)` take, for the same reason.
const MAX_INDENT: usize = 64;

pub(super) fn register(env: &mut Environment<'static>) {
    env.add_function("uuid", || uuid::Uuid::new_v4().to_string());
    env.add_function("now", || format!("{:.0}", jiff::Timestamp::now()));
    env.add_function("timestamp", || jiff::Timestamp::now().as_second());
    env.add_function("random_int", random_int);
    env.add_function("random_string", random_string);
    env.add_function("pkce_verifier", || {
        random_from(UNRESERVED, PKCE_VERIFIER_LEN)
    });
    env.add_function("env", read_env);
    env.add_function("jwt_sign", super::jwt::jwt_sign);
    env.add_filter("pkce_s256", |v: StringInput| pkce_s256(v.as_str()));
    env.add_filter("base64", |v: StringInput| STANDARD.encode(v.as_str()));
    env.add_filter("base64url", |v: StringInput| {
        URL_SAFE_NO_PAD.encode(v.as_str())
    });
    env.add_filter("urlencode", urlencode);
    env.add_filter("jwt_payload", |v: StringInput| jwt_payload(v.as_str()));
    env.add_filter("tojson", tojson);
    env.add_filter("indent", indent);
}

/// minijinja's `indent`, with its width bounded.
fn indent(
    value: StringInput<'_>,
    width: Option<usize>,
    indent_first_line: Option<bool>,
    indent_blank_lines: Option<bool>,
    kwargs: minijinja::value::Kwargs,
) -> Result<Value, Error> {
    let named: Option<usize> = kwargs.get("width")?;
    check_indent("indent", width.or(named))?;
    minijinja::filters::indent(value, width, indent_first_line, indent_blank_lines, kwargs)
}

fn check_indent(filter: &str, width: Option<usize>) -> Result<(), Error> {
    match width {
        Some(w) if w > MAX_INDENT => Err(invalid(format!(
            "{filter}: the indent is limited to {MAX_INDENT}"
        ))),
        _ => Ok(()),
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

fn random_from(charset: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(charset[rand::random_range(0..charset.len())]))
        .collect()
}

fn random_int(lo: i64, hi: i64) -> Result<i64, Error> {
    if lo > hi {
        return Err(invalid(format!(
            "random_int({lo}, {hi}): lower bound exceeds upper bound"
        )));
    }
    Ok(rand::random_range(lo..=hi))
}

fn random_string(len: usize) -> Result<String, Error> {
    if len > MAX_RANDOM_STRING {
        return Err(invalid(format!(
            "random_string: length is limited to {MAX_RANDOM_STRING}"
        )));
    }
    Ok(random_from(ALPHANUMERIC, len))
}

fn read_env(name: &str) -> Result<String, Error> {
    std::env::var(name).map_err(|err| match err {
        std::env::VarError::NotPresent => {
            invalid(format!("environment variable `{name}` is not set"))
        }
        std::env::VarError::NotUnicode(_) => invalid(format!(
            "environment variable `{name}` is not valid unicode"
        )),
    })
}

pub(super) fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Strings are percent-encoded; a map becomes `k=v&…` with keys and values encoded.
fn urlencode(state: &State, value: &Value) -> Result<String, Error> {
    if value.kind() == ValueKind::Map {
        let mut out = Vec::new();
        for key in value.try_iter()? {
            let item = value.get_item(&key)?;
            let key = StringInput::new(state, &key)?;
            let item = StringInput::new(state, &item)?;
            out.push(format!(
                "{}={}",
                percent_encode(key.as_str()),
                percent_encode(item.as_str())
            ));
        }
        return Ok(out.join("&"));
    }
    Ok(percent_encode(StringInput::new(state, value)?.as_str()))
}

/// Decodes the payload of a JWT without verifying its signature.
pub(super) fn jwt_payload(token: &str) -> Result<Value, Error> {
    let mut parts = token.trim().split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(
            "jwt_payload: not a JWT (expected three dot-separated parts)",
        ));
    };
    let bytes = URL_SAFE_NO_PAD_INDIFFERENT
        .decode(payload)
        .map_err(|_| invalid("jwt_payload: the payload is not base64url"))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| invalid("jwt_payload: the payload is not json"))?;
    Ok(Value::from(Serde(&json)))
}

/// Compact JSON (minijinja's own `tojson` HTML-escapes `<`, `>`, `&` and `'`).
fn tojson(state: &State, value: &Value, indent: Option<usize>) -> Result<String, Error> {
    if value.is_undefined() {
        // Raises the strict-mode error that names the variable.
        StringInput::new(state, value)?;
    }
    check_indent("tojson", indent)?;
    let text = match indent {
        Some(width) => {
            let indent = " ".repeat(width);
            let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
            let mut out = Vec::new();
            let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
            serde::Serialize::serialize(value, &mut ser)
                .map(|()| String::from_utf8_lossy(&out).into_owned())
        }
        None => serde_json::to_string(value),
    };
    text.map_err(|err| invalid(format!("tojson: {err}")))
}
