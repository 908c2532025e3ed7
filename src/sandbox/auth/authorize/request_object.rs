//! The `request` parameter (OIDC request object): a JWT whose claims are authorize
//! parameters, used by tutorials to pass `pi.template` and friends. Unsigned objects are
//! accepted, HS256/384/512 ones must be signed with the client secret, RS256 ones with a key of the
//! application's `jwks`.

use serde_json::Value;

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::client_jwks;
use crate::sandbox::auth::directory::app;
use crate::sandbox::auth::jwt;
use crate::sandbox::auth::request::Params;
use crate::sandbox::state::SandboxState;

/// Adds the request object's claims to `params` where the query or form did not set them.
pub fn merge(state: &SandboxState, env: &str, params: &mut Params) -> Result<(), ApiError> {
    let Some(text) = params.get("request").map(str::to_owned) else {
        return Ok(());
    };
    let invalid = |why: &str| ApiError::invalid("INVALID_VALUE", "request", why);
    let parsed = unsigned(&text)
        .or_else(|| jwt::parse(&text))
        .ok_or_else(|| invalid("The request object is not a JWT"))?;
    let client_id = params
        .get("client_id")
        .or_else(|| parsed.claims.get("client_id").and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    if !signature_ok(state, env, &client_id, &parsed) {
        return Err(invalid("The request object's signature does not verify"));
    }
    let Some(claims) = parsed.claims.as_object() else {
        return Ok(());
    };
    for (name, value) in claims {
        if params.get(name).is_some() {
            continue;
        }
        match value {
            Value::String(s) => params.insert(name, s),
            Value::Number(n) => params.insert(name, &n.to_string()),
            // `pi.template`, `pi.clientContext`: kept as JSON text for the request's reader.
            Value::Object(_) => params.insert(name, &value.to_string()),
            _ => {}
        }
    }
    Ok(())
}

/// An `alg: none` object: `header.payload.` with an empty signature.
fn unsigned(text: &str) -> Option<jwt::Parsed> {
    let trimmed = text.strip_suffix('.')?;
    let mut parts = trimmed.split('.');
    let (h, p) = (parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&jwt::b64url_decode(h)?).ok()?;
    let claims: Value = serde_json::from_slice(&jwt::b64url_decode(p)?).ok()?;
    (header.get("alg").and_then(Value::as_str) == Some("none")).then(|| jwt::Parsed {
        header,
        claims,
        signing_input: trimmed.to_owned(),
        signature: Vec::new(),
    })
}

fn signature_ok(state: &SandboxState, env: &str, client_id: &str, parsed: &jwt::Parsed) -> bool {
    let alg = parsed.header.get("alg").and_then(Value::as_str);
    if alg == Some("none") {
        return true;
    }
    let app = {
        let store = state.store();
        app::find(state, &store, env, client_id)
    };
    let Some(app) = app else {
        return false;
    };
    match alg {
        Some("HS256" | "HS384" | "HS512") => app
            .secret
            .as_deref()
            .is_some_and(|s| jwt::verify_hmac(parsed, s.as_bytes())),
        Some("RS256") => client_jwks::verify(&app.doc, parsed),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_unsigned_objects() {
        let header = jwt::b64url(br#"{"alg":"none"}"#);
        let claims = jwt::b64url(
            json!({"scope": "openid", "max_age": 5})
                .to_string()
                .as_bytes(),
        );
        let parsed = unsigned(&format!("{header}.{claims}.")).expect("unsigned JWT");
        assert_eq!(parsed.claims["scope"], "openid");
        assert!(unsigned("a.b.c").is_none());
    }
}
