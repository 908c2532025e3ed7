//! Applications as the auth host sees them: a typed view of the `applications` documents the
//! management API stores, with the defaults PingOne applies to fields left out.

use serde_json::Value;

use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

/// An OAuth/OIDC (or SAML) client.
#[derive(Debug, Clone, Default)]
pub struct App {
    pub id: String,
    pub env_id: String,
    pub name: String,
    pub enabled: bool,
    pub protocol: String,
    /// `AUTHORIZATION_CODE`, `IMPLICIT`, `REFRESH_TOKEN`, `CLIENT_CREDENTIALS`, `DEVICE_CODE`...
    pub grant_types: Vec<String>,
    /// `CODE`, `TOKEN`, `ID_TOKEN`.
    pub response_types: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// `NONE`, `CLIENT_SECRET_BASIC`, `CLIENT_SECRET_POST`, `CLIENT_SECRET_JWT`, `PRIVATE_KEY_JWT`.
    pub auth_method: String,
    /// `OPTIONAL`, `REQUIRED`, `S256_REQUIRED`.
    pub pkce: String,
    pub device_path_id: Option<String>,
    pub device_timeout: i64,
    pub device_interval: i64,
    pub refresh_duration: i64,
    /// Seconds a spent refresh token may still be exchanged (`refreshTokenRollingGracePeriodDuration`).
    pub refresh_grace: i64,
    pub refresh_type: String,
    pub acs_urls: Vec<String>,
    pub assertion_duration: i64,
    pub secret: Option<String>,
    /// The document itself, for anything not typed above.
    pub doc: Value,
}

impl App {
    pub fn from_doc(env_id: &str, doc: &Value, secret: Option<String>) -> Self {
        let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
        let num = |k: &str, d: i64| doc.get(k).and_then(Value::as_i64).unwrap_or(d);
        Self {
            id: text("id").unwrap_or_default(),
            env_id: env_id.to_owned(),
            name: text("name").unwrap_or_default(),
            enabled: doc.get("enabled").and_then(Value::as_bool).unwrap_or(false),
            protocol: text("protocol").unwrap_or_else(|| "OPENID_CONNECT".into()),
            grant_types: strings(doc.get("grantTypes")),
            response_types: strings(doc.get("responseTypes")),
            redirect_uris: strings(doc.get("redirectUris")),
            post_logout_redirect_uris: strings(doc.get("postLogoutRedirectUris")),
            auth_method: text("tokenEndpointAuthMethod")
                .unwrap_or_else(|| "CLIENT_SECRET_BASIC".into()),
            pkce: text("pkceEnforcement").unwrap_or_else(|| "OPTIONAL".into()),
            device_path_id: text("devicePathId"),
            device_timeout: num("deviceTimeout", 600),
            device_interval: num("devicePollingInterval", 5),
            refresh_duration: num("refreshTokenDuration", 2_592_000),
            refresh_grace: num("refreshTokenRollingGracePeriodDuration", 0),
            refresh_type: text("refreshTokenType").unwrap_or_else(|| "JSON_WEB_TOKEN".into()),
            acs_urls: strings(doc.get("acsUrls")),
            assertion_duration: num("assertionDuration", 300),
            secret,
            doc: doc.clone(),
        }
    }

    pub fn has_grant(&self, grant: &str) -> bool {
        self.grant_types
            .iter()
            .any(|g| g.eq_ignore_ascii_case(grant))
    }

    pub fn has_response_type(&self, response_type: &str) -> bool {
        self.response_types
            .iter()
            .any(|r| r.eq_ignore_ascii_case(response_type))
    }

    /// Whether `uri` is registered (exact match; `*` wildcards when the app allows them).
    pub fn redirect_uri_registered(&self, uri: &str) -> bool {
        let wildcards = self
            .doc
            .get("allowWildcardInRedirectUris")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        self.redirect_uris
            .iter()
            .any(|registered| registered == uri || (wildcards && wildcard_match(registered, uri)))
    }
}

/// Looks up application `id` (the client id) in environment `env`. The seeded admin worker
/// app is known from the sandbox state even before seeding writes its document.
pub fn find(state: &SandboxState, store: &Store, env: &str, id: &str) -> Option<App> {
    let is_admin = env == state.admin_env_id && id == state.admin_app_id;
    if let Some(doc) = store.get(env, "applications", id) {
        let secret = secret_of(store, env, id, doc)
            .or_else(|| is_admin.then(|| state.admin_app_secret.expose().clone()));
        return Some(App::from_doc(env, doc, secret));
    }
    is_admin.then(|| admin_app(state))
}

/// The application whose `devicePathId` or id is `ident`.
pub fn find_by_path_id(state: &SandboxState, store: &Store, env: &str, ident: &str) -> Option<App> {
    find(state, store, env, ident).or_else(|| {
        let doc = store.find_by(env, "applications", "devicePathId", ident)?;
        let id = doc.get("id").and_then(Value::as_str)?;
        Some(App::from_doc(env, doc, secret_of(store, env, id, doc)))
    })
}

/// The SAML application whose `spEntityId` is `entity_id`.
pub fn find_by_entity_id(store: &Store, env: &str, entity_id: &str) -> Option<App> {
    let doc = store
        .list(env, "applications")
        .find(|d| d.get("spEntityId").and_then(Value::as_str) == Some(entity_id))?;
    let id = doc.get("id").and_then(Value::as_str)?;
    Some(App::from_doc(env, doc, secret_of(store, env, id, doc)))
}

/// The client secret, kept by the management API apart from the document (collection
/// `applicationSecrets`, scope = environment, id = application id) so it never leaks in reads.
fn secret_of(store: &Store, env: &str, id: &str, _doc: &Value) -> Option<String> {
    store
        .get(env, "applicationSecrets", id)
        .and_then(|s| s.get("secret"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn admin_app(state: &SandboxState) -> App {
    let doc = serde_json::json!({
        "id": state.admin_app_id,
        "name": "Sandbox Admin Worker",
        "enabled": true,
        "type": "WORKER",
        "protocol": "OPENID_CONNECT",
        "grantTypes": ["CLIENT_CREDENTIALS"],
        "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
    });
    App::from_doc(
        &state.admin_env_id,
        &doc,
        Some(state.admin_app_secret.expose().clone()),
    )
}

/// The strings of a JSON array (anything else is empty).
pub fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn wildcard_match(pattern: &str, text: &str) -> bool {
    let Some((head, tail)) = pattern.split_once('*') else {
        return pattern == text;
    };
    text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_follow_pingone() {
        let app = App::from_doc(
            "env",
            &json!({"id": "a", "redirectUris": ["https://x/cb"]}),
            None,
        );
        assert_eq!(app.auth_method, "CLIENT_SECRET_BASIC");
        assert_eq!(app.pkce, "OPTIONAL");
        assert_eq!(app.device_interval, 5);
        assert!(!app.enabled);
        assert!(app.redirect_uri_registered("https://x/cb"));
        assert!(!app.redirect_uri_registered("https://x/cb2"));
    }

    #[test]
    fn wildcards_only_when_allowed() {
        let doc = json!({"redirectUris": ["https://*.example.com/cb"]});
        assert!(
            !App::from_doc("e", &doc, None).redirect_uri_registered("https://a.example.com/cb")
        );
        let doc = json!({"redirectUris": ["https://*.example.com/cb"], "allowWildcardInRedirectUris": true});
        assert!(App::from_doc("e", &doc, None).redirect_uri_registered("https://a.example.com/cb"));
    }
}
