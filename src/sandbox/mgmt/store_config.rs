//! A propagation store's `configuration`, which depends on its `type`: the keys PingOne
//! requires for the store types the tutorials create (`Workday`, `PingOne`, `directory`),
//! and the credentials PingOne accepts but never sends back.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::inactive_by_default::InactiveByDefault;
use super::spec::{Ctx, Hooks};
use super::validate::text;
use crate::sandbox::store::Store;

/// Configuration keys each store type requires (PingOne's Create Store pages).
fn required_keys(store_type: &str) -> &'static [&'static str] {
    match store_type {
        "Workday" => &["username", "password", "tenantId"],
        "PingOne" => &["ENVIRONMENT_ID", "REGION"],
        _ => &[],
    }
}

/// Configuration keys that are credentials of the store types the tutorials create:
/// accepted on create and update, kept, and never returned (a replacement that leaves one
/// out keeps the stored value). Other types echo their configuration as PingOne's examples
/// show it.
fn secret_keys(store_type: &str) -> &'static [&'static str] {
    match store_type {
        "Workday" => &["password"],
        "PingOne" => &["CLIENT_SECRET"],
        _ => &[],
    }
}

/// The `directory` store (PingOne's own directory as a writeback source) takes no
/// configuration; every other type needs its object.
fn needs_configuration(store_type: &str) -> bool {
    store_type != "directory"
}

pub struct StoreHooks;

impl Hooks for StoreHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        InactiveByDefault.prepare(ctx, store, doc, existing)?;
        let Some(Value::Object(config)) = doc.get_mut("configuration") else {
            if text(doc, "type") == Some("directory") {
                doc.insert("configuration".into(), json!({}));
            }
            return Ok(());
        };
        let secrets = secret_keys(
            existing
                .and_then(|e| e["type"].as_str())
                .unwrap_or_default(),
        );
        if let Some(Value::Object(old)) = existing.and_then(|e| e.get("configuration")) {
            for key in secrets {
                if !config.contains_key(*key)
                    && let Some(v) = old.get(*key)
                {
                    config.insert((*key).to_owned(), v.clone());
                }
            }
        }
        Ok(())
    }

    fn validate(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let store_type = text(doc, "type").unwrap_or_default();
        let config = doc.get("configuration").and_then(Value::as_object);
        if config.is_none() && needs_configuration(store_type) {
            return Err(ApiError::required("configuration"));
        }
        for key in required_keys(store_type) {
            let given = config
                .and_then(|c| c.get(*key))
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty());
            if !given {
                return Err(ApiError::required(&format!("configuration.{key}")));
            }
        }
        Ok(())
    }

    fn present(&self, _ctx: &Ctx, _store: &Store, doc: &mut Value) {
        let secrets = secret_keys(doc["type"].as_str().unwrap_or_default());
        if let Some(config) = doc.get_mut("configuration").and_then(Value::as_object_mut) {
            for key in secrets {
                config.remove(*key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workday_and_pingone_name_their_keys_and_directory_needs_none() {
        assert_eq!(
            required_keys("Workday"),
            ["username", "password", "tenantId"]
        );
        assert_eq!(required_keys("PingOne"), ["ENVIRONMENT_ID", "REGION"]);
        assert!(required_keys("directory").is_empty());
        assert!(!needs_configuration("directory"));
        assert!(needs_configuration("Workday"));
        assert_eq!(secret_keys("Workday"), ["password"]);
        assert!(secret_keys("scim").is_empty());
    }
}
