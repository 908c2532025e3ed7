//! Minting tokens: RS256 access and ID tokens with PingOne's claims, refresh tokens, and the
//! token endpoint's JSON answer. Every access token is registered in `SandboxState::tokens`,
//! which is how the management API accepts it.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::sandbox::auth::claims;
use crate::sandbox::auth::jwt::b64url;
use crate::sandbox::state::grant::Grant;
use crate::sandbox::state::refresh::RefreshRecord;
use crate::sandbox::state::{IssuedToken, SandboxState};

/// The issuer of environment `env`: `{authPath}/{envID}/as`.
pub fn issuer(state: &SandboxState, env: &str) -> String {
    format!("{}/{env}/as", state.base_url)
}

/// Signs an access token for `grant` and registers it for the management API.
pub fn access_token(state: &SandboxState, grant: &Grant) -> String {
    let now = state.auth.clock.now_secs();
    let exp = now + grant.scopes.lifetime;
    let mut c = Map::new();
    c.insert("client_id".into(), json!(grant.client_id));
    c.insert("iss".into(), json!(issuer(state, &grant.env_id)));
    c.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(exp));
    c.insert("aud".into(), grant.scopes.audience.clone());
    if !grant.scopes.names.is_empty() {
        c.insert("scope".into(), json!(grant.scopes.joined()));
    }
    user_claims(state, grant, &mut c);
    c.insert("env".into(), json!(grant.env_id));
    c.insert("org".into(), json!(state.org_id));
    add_resource_claims(state, grant, &mut c);
    let token = state.auth.key.sign(&Value::Object(c));
    state.insert_token(
        &token,
        IssuedToken {
            env_id: grant.env_id.clone(),
            client_id: grant.client_id.clone(),
            subject: grant.user_id.clone(),
            scopes: grant.scopes.names.clone(),
            expires_at: exp,
            revoked: false,
        },
    );
    token
}

fn user_claims(state: &SandboxState, grant: &Grant, c: &mut Map<String, Value>) {
    let Some(user) = &grant.user_id else { return };
    c.insert("sub".into(), json!(user));
    if let Some(sid) = &grant.session_id {
        c.insert("sid".into(), json!(sid));
    }
    let auth_time = grant
        .auth_time
        .unwrap_or_else(|| state.auth.clock.now_secs());
    c.insert("auth_time".into(), json!(auth_time));
    if let Some(acr) = &grant.acr {
        c.insert("acr".into(), json!(acr));
    }
}

fn add_resource_claims(state: &SandboxState, grant: &Grant, c: &mut Map<String, Value>) {
    let Some(resource) = &grant.scopes.resource_id else {
        return;
    };
    let store = state.store();
    let user = grant
        .user_id
        .as_deref()
        .and_then(|u| store.get(&grant.env_id, "users", u));
    for (k, v) in claims::resource_attributes(&store, resource, user) {
        c.entry(k).or_insert(v);
    }
    if let Some(user) = &grant.user_id
        && let Some(permissions) = claims::app_permissions(&store, &grant.env_id, resource, user)
    {
        c.insert("p1.permissions".into(), json!(permissions));
    }
}

/// Signs an ID token; `access_token` and `code` add `at_hash` and `c_hash`.
pub fn id_token(
    state: &SandboxState,
    grant: &Grant,
    access_token: Option<&str>,
    code: Option<&str>,
) -> String {
    let now = state.auth.clock.now_secs();
    let mut c = Map::new();
    c.insert("iss".into(), json!(issuer(state, &grant.env_id)));
    c.insert("aud".into(), json!(grant.client_id));
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + 3600));
    user_claims(state, grant, &mut c);
    if !grant.amr.is_empty() {
        c.insert("amr".into(), json!(grant.amr));
    }
    if let Some(nonce) = &grant.nonce {
        c.insert("nonce".into(), json!(nonce));
    }
    if let Some(at) = access_token {
        c.insert("at_hash".into(), json!(half_hash(at)));
    }
    if let Some(code) = code {
        c.insert("c_hash".into(), json!(half_hash(code)));
    }
    if let Some(user_id) = &grant.user_id {
        let store = state.store();
        if let Some(user) = store.get(&grant.env_id, "users", user_id) {
            for (k, v) in claims::standard(user, &grant.scopes.names) {
                c.entry(k).or_insert(v);
            }
        }
    }
    for (k, v) in &grant.id_claims {
        c.insert(k.clone(), v.clone());
    }
    c.insert("env".into(), json!(grant.env_id));
    c.insert("org".into(), json!(state.org_id));
    state.auth.key.sign(&Value::Object(c))
}

/// OIDC's `at_hash`/`c_hash`: base64url of the left half of SHA-256.
pub fn half_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    b64url(&digest[..16])
}

/// A new refresh token for `grant`, remembered for rotation. `family` ties the rotations of
/// one original grant together, so a replayed token can revoke them all.
pub fn refresh_token(
    state: &SandboxState,
    grant: &Grant,
    lifetime: i64,
    family: Option<String>,
    jwt: bool,
) -> String {
    let now_ms = state.auth.clock.now_ms();
    let now = now_ms.div_euclid(1000);
    let token = if jwt {
        let claims = json!({
            "client_id": grant.client_id, "iss": issuer(state, &grant.env_id),
            "jti": uuid::Uuid::new_v4().to_string(), "iat": now, "exp": now + lifetime,
            "sub": grant.user_id, "sid": grant.session_id,
            "env": grant.env_id, "org": state.org_id,
        });
        state.auth.key.sign(&claims)
    } else {
        format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        )
    };
    let record = RefreshRecord {
        grant: grant.clone(),
        family: family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        used_at: None,
    };
    state
        .auth
        .refresh
        .insert(&token, record, now_ms + lifetime * 1000, now_ms);
    token
}

/// The token endpoint's success body.
pub fn response(
    grant: &Grant,
    access_token: &str,
    id_token: Option<String>,
    refresh_token: Option<String>,
) -> Value {
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": grant.scopes.lifetime,
    });
    if !grant.scopes.names.is_empty() {
        body["scope"] = json!(grant.scopes.joined());
    }
    if let Some(r) = refresh_token {
        body["refresh_token"] = json!(r);
    }
    if let Some(id) = id_token {
        body["id_token"] = json!(id);
    }
    body
}
