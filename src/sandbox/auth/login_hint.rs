//! `login_hint_token` on `as/authorize`, one set of rules whatever the application's policy (a
//! sign-on policy or a DaVinci flow policy), as PingOne's *Create a `login_hint_token` JWT* page
//! gives them: a compact JWS signed with HS256, HS384 or HS512, no `cty` or `enc` header (no
//! nested signing or encryption), keyed with the client secret of the application its `iss`
//! names (the authorizing application, or another application of the environment such as a
//! worker), carrying `iss`, `sub` (the user's id or username), `iat`, `exp` and `aud` (the
//! environment's issuer, `…/{envID}/as`), not expired, naming a user of the environment.
//! Anything else is refused with PingOne's `INVALID_DATA` error, target `login_hint_token`,
//! before any flow starts.

use serde_json::Value;

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::directory::app::{self, App};
use crate::sandbox::auth::directory::user;
use crate::sandbox::auth::issue;
use crate::sandbox::auth::jwt;
use crate::sandbox::state::SandboxState;

/// The user a valid token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hinted {
    pub user_id: String,
    pub username: Option<String>,
}

/// The claims a token that passes `verify` vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The application that issued (and signed) the token.
    pub iss: String,
    /// The user, by id or username, as the token names it.
    pub sub: String,
}

/// Checks `token` against PingOne's rules: `audience` is the environment's issuer, `now` the
/// clock in seconds, and `secret_of` gives the client secret of an application id of the
/// environment. The error is the refusal's message.
pub fn verify(
    token: &str,
    audience: &str,
    now: i64,
    secret_of: impl Fn(&str) -> Option<String>,
) -> Result<Verified, &'static str> {
    let parsed = jwt::parse(token).ok_or("The login_hint_token is not a signed JWT")?;
    if ["cty", "enc"]
        .iter()
        .any(|h| parsed.header.get(*h).is_some())
    {
        return Err("The login_hint_token header must not have cty or enc (no nested JWT)");
    }
    let claims = &parsed.claims;
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let iss = text("iss").ok_or("The login_hint_token must have an iss (the client id)")?;
    let secret = secret_of(iss)
        .filter(|s| !s.is_empty())
        .ok_or("The login_hint_token's iss is not an application of the environment")?;
    if !jwt::verify_hmac(&parsed, secret.as_bytes()) {
        return Err(
            "The login_hint_token must be signed (HS256, HS384 or HS512) with the client secret of its iss",
        );
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == audience,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !aud_ok {
        return Err("The login_hint_token's aud must be the environment's issuer");
    }
    // PingOne's page gives both as integers (seconds since the epoch).
    if !claims.get("iat").is_some_and(Value::is_i64) {
        return Err("The login_hint_token must have an iat");
    }
    match claims.get("exp").and_then(Value::as_i64) {
        None => return Err("The login_hint_token must have an exp"),
        Some(exp) if exp <= now => return Err("The login_hint_token has expired"),
        Some(_) => {}
    }
    let sub = text("sub").ok_or("The login_hint_token must name the user (sub)")?;
    Ok(Verified {
        iss: iss.to_owned(),
        sub: sub.to_owned(),
    })
}

/// Checks `token` on a request by `client` in environment `env` and finds its user.
pub fn resolve(
    state: &SandboxState,
    env: &str,
    client: &App,
    token: &str,
) -> Result<Hinted, ApiError> {
    let invalid = |message: &str| ApiError::invalid("INVALID_VALUE", "login_hint_token", message);
    let audience = issue::issuer(state, env);
    let now = state.auth.clock.now_secs();
    let verified = verify(token, &audience, now, |iss| {
        if iss == client.id {
            return client.secret.clone();
        }
        let store = state.store();
        app::find(state, &store, env, iss).and_then(|a| a.secret)
    })
    .map_err(invalid)?;
    let store = state.store();
    let found = user::get(&store, env, &verified.sub)
        .or_else(|| user::find_by_name(&store, env, &verified.sub))
        .ok_or_else(|| invalid("The login_hint_token's sub is not a user of the environment"))?;
    Ok(Hinted {
        user_id: found
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or(&verified.sub)
            .to_owned(),
        username: found
            .get("username")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const AUD: &str = "https://auth.example/env-1/as";
    const NOW: i64 = 1_700_000_000;

    fn secrets(iss: &str) -> Option<String> {
        match iss {
            "web-app" => Some("web-secret".into()),
            "worker" => Some("worker-secret".into()),
            "no-secret" => Some(String::new()),
            _ => None,
        }
    }

    fn claims() -> Value {
        json!({"iss": "web-app", "sub": "user-1", "aud": AUD, "iat": NOW, "exp": NOW + 300})
    }

    fn with(mut c: Value, key: &str, value: Option<Value>) -> Value {
        match value {
            Some(v) => c[key] = v,
            None => {
                c.as_object_mut().map(|o| o.remove(key));
            }
        }
        c
    }

    fn signed(c: &Value, secret: &str) -> String {
        jwt::sign_hs256(c, secret.as_bytes())
    }

    fn check(token: &str) -> Result<Verified, &'static str> {
        verify(token, AUD, NOW, secrets)
    }

    #[test]
    fn a_token_by_the_rules_names_its_issuer_and_user() {
        let v = check(&signed(&claims(), "web-secret")).expect("valid");
        assert_eq!(
            v,
            Verified {
                iss: "web-app".into(),
                sub: "user-1".into()
            }
        );
    }

    #[test]
    fn hs384_hs512_an_audience_list_and_another_app_of_the_environment_pass() {
        for alg in ["HS384", "HS512"] {
            let t = jwt::sign_hmac(&claims(), b"web-secret", alg).expect("alg");
            assert!(check(&t).is_ok(), "{alg}");
        }
        let listed = with(claims(), "aud", Some(json!(["https://other/as", AUD])));
        assert!(check(&signed(&listed, "web-secret")).is_ok());
        let by_worker = with(claims(), "iss", Some(json!("worker")));
        assert_eq!(
            check(&signed(&by_worker, "worker-secret")).map(|v| v.iss),
            Ok("worker".into())
        );
    }

    #[test]
    fn each_required_claim_is_required() {
        for claim in ["iss", "sub", "aud", "iat", "exp"] {
            let t = signed(&with(claims(), claim, None), "web-secret");
            assert!(check(&t).is_err(), "without {claim}");
        }
        let empty_sub = with(claims(), "sub", Some(json!("")));
        assert!(check(&signed(&empty_sub, "web-secret")).is_err());
    }

    #[test]
    fn a_wrong_key_audience_issuer_or_expiry_is_refused() {
        let cases = [
            ("another key", signed(&claims(), "not-the-secret")),
            (
                "another audience",
                signed(
                    &with(claims(), "aud", Some(json!("https://elsewhere/as"))),
                    "web-secret",
                ),
            ),
            (
                "an unknown issuer",
                signed(
                    &with(claims(), "iss", Some(json!("stranger"))),
                    "web-secret",
                ),
            ),
            (
                "an issuer without a secret",
                signed(&with(claims(), "iss", Some(json!("no-secret"))), ""),
            ),
            (
                "expired",
                signed(&with(claims(), "exp", Some(json!(NOW))), "web-secret"),
            ),
            (
                "a worker's token signed with the web app's secret",
                signed(&with(claims(), "iss", Some(json!("worker"))), "web-secret"),
            ),
            ("not a JWT", "garbage".to_owned()),
        ];
        for (why, token) in cases {
            assert!(check(&token).is_err(), "{why}");
        }
    }

    #[test]
    fn unsigned_nested_or_encrypted_tokens_are_refused() {
        let input = jwt::signing_input(&json!({"alg": "none"}), &claims());
        assert!(check(&format!("{input}.")).is_err(), "alg none");
        for (h, v) in [("cty", "JWT"), ("enc", "A256GCM")] {
            let header = json!({"alg": "HS256", "typ": "JWT", h: v});
            let input = jwt::signing_input(&header, &claims());
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"web-secret");
            let tag = ring::hmac::sign(&key, input.as_bytes());
            let token = format!("{input}.{}", jwt::b64url(tag.as_ref()));
            assert_eq!(
                check(&token),
                Err("The login_hint_token header must not have cty or enc (no nested JWT)"),
                "{h}"
            );
        }
    }
}
