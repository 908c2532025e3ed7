//! Which scopes a client may have: `openid` always, anything else only through the resource
//! grants the application holds; and what audience and lifetime the resulting token gets.

use serde_json::{Value, json};

use crate::sandbox::store::Store;

/// The PingOne API's audience, used for tokens that do not name a custom resource.
pub const PINGONE_API_AUDIENCE: &str = "https://api.pingone.com";

/// One scope the application was granted.
#[derive(Debug, Clone)]
struct Granted {
    name: String,
    resource_id: String,
    resource_type: String,
}

/// The outcome of checking a `scope` parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// Granted scope names, in the order requested.
    pub names: Vec<String>,
    /// The access token's `aud`.
    pub audience: Value,
    /// The access token's lifetime in seconds.
    pub lifetime: i64,
    /// The custom resource the scopes belong to, if any (its attributes become claims).
    pub resource_id: Option<String>,
}

impl Resolved {
    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
    pub fn joined(&self) -> String {
        self.names.join(" ")
    }
}

/// Checks the space-separated `requested` scopes against the grants of `app_id`.
/// Errors carry the `error_description` of an `invalid_scope` answer.
pub fn resolve(store: &Store, env: &str, app: &Value, requested: &str) -> Result<Resolved, String> {
    let app_id = app.get("id").and_then(Value::as_str).unwrap_or_default();
    let granted = granted(store, env, app_id);
    let mut names: Vec<String> = Vec::new();
    let mut resources: Vec<&Granted> = Vec::new();
    for name in requested.split_whitespace() {
        if names.iter().any(|n| n == name) {
            continue;
        }
        if name == "openid" {
            names.push(name.to_owned());
            continue;
        }
        let Some(g) = granted.iter().find(|g| g.name == name) else {
            return Err(format!(
                "The scope '{name}' is not granted to the application"
            ));
        };
        if g.resource_type != "OPENID_CONNECT"
            && !resources.iter().any(|r| r.resource_id == g.resource_id)
        {
            resources.push(g);
        }
        names.push(name.to_owned());
    }
    let multiple_ok = app
        .get("requestScopesForMultipleResourcesEnabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if resources.len() > 1 && !multiple_ok {
        return Err("May not request scopes for multiple resources".into());
    }
    let custom = resources.iter().find(|g| g.resource_type == "CUSTOM");
    let (audience, lifetime) = match custom {
        Some(g) => custom_audience(store, env, &g.resource_id),
        None => (json!([platform_audience(store, env)]), 3600),
    };
    Ok(Resolved {
        names,
        audience,
        lifetime,
        resource_id: custom.map(|g| g.resource_id.clone()),
    })
}

/// The audience of the environment's `PingOne API` resource (what the management API expects).
pub fn platform_audience(store: &Store, env: &str) -> String {
    store
        .list(env, "resources")
        .find(|r| r.get("type").and_then(Value::as_str) == Some("PINGONE_API"))
        .and_then(|r| r.get("audience"))
        .and_then(Value::as_str)
        .unwrap_or(PINGONE_API_AUDIENCE)
        .to_owned()
}

fn custom_audience(store: &Store, env: &str, resource_id: &str) -> (Value, i64) {
    let doc = store.get(env, "resources", resource_id);
    let get = |k: &str| doc.and_then(|d| d.get(k));
    let audience = get("audience")
        .or_else(|| get("name"))
        .and_then(Value::as_str)
        .unwrap_or(resource_id);
    let lifetime = get("accessTokenValiditySeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600);
    (json!(audience), lifetime)
}

/// Whether the application's grants include a scope named `name`.
pub fn is_granted(store: &Store, env: &str, app_id: &str, name: &str) -> bool {
    granted(store, env, app_id).iter().any(|g| g.name == name)
}

/// Every scope the application's grants give it, with its resource.
fn granted(store: &Store, env: &str, app_id: &str) -> Vec<Granted> {
    let mut out = Vec::new();
    for grant in store.list(app_id, "grants") {
        let Some(resource_id) = grant.pointer("/resource/id").and_then(Value::as_str) else {
            continue;
        };
        let resource = store.get(env, "resources", resource_id);
        let resource_type = resource
            .and_then(|r| r.get("type"))
            .and_then(Value::as_str)
            .unwrap_or("CUSTOM");
        let scope_ids = grant.get("scopes").and_then(Value::as_array);
        for scope_id in scope_ids
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("id")?.as_str())
        {
            if let Some(name) = store
                .get(resource_id, "scopes", scope_id)
                .and_then(|s| s.get("name"))
                .and_then(Value::as_str)
            {
                out.push(Granted {
                    name: name.to_owned(),
                    resource_id: resource_id.to_owned(),
                    resource_type: resource_type.to_owned(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        let mut s = Store::default();
        s.put(
            "env",
            "resources",
            json!({"id": "oidc", "name": "openid", "type": "OPENID_CONNECT"}),
        );
        s.put("env", "resources", json!({"id": "api", "name": "Custom", "type": "CUSTOM", "audience": "https://api.example", "accessTokenValiditySeconds": 7200}));
        s.put("oidc", "scopes", json!({"id": "s1", "name": "profile"}));
        s.put("api", "scopes", json!({"id": "s2", "name": "read:things"}));
        s.put(
            "app",
            "grants",
            json!({"id": "g1", "resource": {"id": "oidc"}, "scopes": [{"id": "s1"}]}),
        );
        s.put(
            "app",
            "grants",
            json!({"id": "g2", "resource": {"id": "api"}, "scopes": [{"id": "s2"}]}),
        );
        s
    }

    #[test]
    fn openid_is_always_allowed_others_need_a_grant() {
        let app = json!({"id": "app"});
        let r = resolve(&store(), "env", &app, "openid profile").expect("granted");
        assert_eq!(r.joined(), "openid profile");
        assert_eq!(r.audience, json!([PINGONE_API_AUDIENCE]));
        assert!(resolve(&store(), "env", &app, "openid email").is_err());
        let other = json!({"id": "other"});
        assert!(resolve(&store(), "env", &other, "profile").is_err());
    }

    #[test]
    fn custom_resource_sets_audience_and_lifetime() {
        let r = resolve(&store(), "env", &json!({"id": "app"}), "openid read:things").expect("ok");
        assert_eq!(r.audience, json!("https://api.example"));
        assert_eq!(r.lifetime, 7200);
        assert_eq!(r.resource_id.as_deref(), Some("api"));
    }
}
