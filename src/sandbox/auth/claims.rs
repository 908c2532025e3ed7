//! User claims: the OIDC standard claims each scope releases (ID token, userinfo), and custom
//! resource attributes (`${user.email}` expressions) that become access-token claims.

use serde_json::{Map, Value, json};

use crate::sandbox::store::Store;

/// Claims released by `scopes` for `user` (a PingOne user document).
pub fn standard(user: &Value, scopes: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    let has = |s: &str| scopes.iter().any(|x| x == s);
    let mut put = |k: &str, v: Option<&Value>| {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            out.insert(k.to_owned(), v.clone());
        }
    };
    if has("profile") {
        put("preferred_username", user.get("username"));
        put("given_name", user.pointer("/name/given"));
        put("family_name", user.pointer("/name/family"));
        put("middle_name", user.pointer("/name/middle"));
        put("name", user.pointer("/name/formatted"));
        put("nickname", user.get("nickname"));
        put("locale", user.get("locale"));
        put("zoneinfo", user.get("timezone"));
        put("picture", user.pointer("/photo/href"));
        put("updated_at", epoch_of(user.get("updatedAt")).as_ref());
    }
    if has("email") {
        put("email", user.get("email"));
        let verified = user.get("emailVerified").cloned().unwrap_or(json!(false));
        put("email_verified", Some(&verified));
    }
    if has("phone") {
        put(
            "phone_number",
            user.get("mobilePhone").or_else(|| user.get("primaryPhone")),
        );
    }
    if has("address")
        && let Some(a) = user.get("address").and_then(Value::as_object)
    {
        let mut addr = Map::new();
        for (ours, theirs) in [
            ("street_address", "streetAddress"),
            ("locality", "locality"),
            ("region", "region"),
            ("postal_code", "postalCode"),
            ("country", "countryCode"),
        ] {
            if let Some(v) = a.get(theirs) {
                addr.insert(ours.to_owned(), v.clone());
            }
        }
        out.insert("address".into(), Value::Object(addr));
    }
    out
}

/// Access-token claims from the custom resource's attributes, evaluated for `user`.
/// `sub` is PingOne's own and is never overridden.
pub fn resource_attributes(
    store: &Store,
    resource_id: &str,
    user: Option<&Value>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for attr in store.list(resource_id, "attributes") {
        let name = attr.get("name").and_then(Value::as_str).unwrap_or_default();
        if name.is_empty() || name == "sub" {
            continue;
        }
        let expr = attr
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(v) = evaluate(expr, user) {
            out.insert(name.to_owned(), v);
        }
    }
    out
}

/// Evaluates PingOne's `${user.a.b}` expressions (others yield nothing) or a literal.
/// PingOne Authorize's `p1.permissions`: when the resource has
/// `applicationPermissionsSettings.claimEnabled`, the `resourceName:action` keys of the
/// permissions the user holds through application roles, limited to the application resources
/// below this resource (sorted, without repeats). `None` when the claim is not enabled or the
/// user holds none of them (the claim is left out rather than empty).
pub fn app_permissions(
    store: &Store,
    env: &str,
    resource: &str,
    user: &str,
) -> Option<Vec<String>> {
    let enabled = store
        .get(env, "resources", resource)
        .and_then(|r| r.pointer("/applicationPermissionsSettings/claimEnabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !enabled {
        return None;
    }
    let below = |app_resource: &str| {
        store
            .get(env, "applicationResources", app_resource)
            .is_some_and(|r| r["parent"]["id"] == resource)
    };
    let mut keys: Vec<String> = store
        .list(
            user,
            crate::sandbox::mgmt::app_permissions::USER_ROLE_ASSIGNMENTS,
        )
        .filter_map(|role| role["id"].as_str())
        .flat_map(|role| store.list(role, "permissions"))
        .filter(|p| p["resource"]["id"].as_str().is_some_and(&below))
        .filter_map(|p| p["key"].as_str().map(str::to_owned))
        .collect();
    keys.sort();
    keys.dedup();
    (!keys.is_empty()).then_some(keys)
}

fn evaluate(expr: &str, user: Option<&Value>) -> Option<Value> {
    let Some(inner) = expr.strip_prefix("${").and_then(|e| e.strip_suffix('}')) else {
        return (!expr.is_empty()).then(|| json!(expr));
    };
    let path = inner.trim().strip_prefix("user.")?;
    let pointer = format!("/{}", path.replace('.', "/"));
    user?.pointer(&pointer).filter(|v| !v.is_null()).cloned()
}

fn epoch_of(value: Option<&Value>) -> Option<Value> {
    let text = value?.as_str()?;
    let ts: jiff::Timestamp = text.parse().ok()?;
    Some(json!(ts.as_second()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> Value {
        json!({"id": "u1", "username": "ada", "email": "ada@example.com",
               "name": {"given": "Ada", "family": "Lovelace"},
               "updatedAt": "2026-01-01T00:00:00.000Z"})
    }

    #[test]
    fn scopes_release_their_claims_only() {
        let claims = standard(&user(), &["openid".into()]);
        assert!(claims.is_empty());
        let claims = standard(&user(), &["profile".into(), "email".into()]);
        assert_eq!(claims["given_name"], "Ada");
        assert_eq!(claims["preferred_username"], "ada");
        assert_eq!(claims["email"], "ada@example.com");
        assert_eq!(claims["updated_at"], 1_767_225_600);
        assert!(!claims.contains_key("phone_number"));
    }

    #[test]
    fn evaluates_user_expressions() {
        let mut store = Store::default();
        store.put(
            "res",
            "attributes",
            json!({"id": "a", "name": "sub", "value": "${user.id}"}),
        );
        store.put(
            "res",
            "attributes",
            json!({"id": "b", "name": "customAttr_Email", "value": "${user.email}"}),
        );
        store.put(
            "res",
            "attributes",
            json!({"id": "c", "name": "given", "value": "${user.name.given}"}),
        );
        store.put(
            "res",
            "attributes",
            json!({"id": "d", "name": "fixed", "value": "blue"}),
        );
        let claims = resource_attributes(&store, "res", Some(&user()));
        assert_eq!(claims["customAttr_Email"], "ada@example.com");
        assert_eq!(claims["given"], "Ada");
        assert_eq!(claims["fixed"], "blue");
        assert!(!claims.contains_key("sub"));
        assert!(!resource_attributes(&store, "res", None).contains_key("customAttr_Email"));
    }
}
