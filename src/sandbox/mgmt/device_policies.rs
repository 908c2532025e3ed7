//! Device authentication (MFA) policies: PingOne refuses a policy that leaves out a method or
//! its passcode settings, so the sandbox does too instead of filling them in silently.

use serde_json::{Map, Value, json};

use super::catalog::SingleDefault;
use super::error::{ApiError, ApiResult, Detail};
use super::spec::{Ctx, Hooks};
use crate::sandbox::store::Store;

/// Methods whose passcodes are sent (and so expire): `otp.lifeTime` and `otp.failure`.
const SENT: [&str; 3] = ["sms", "voice", "email"];
/// Methods whose passcodes the device computes: only `otp.failure`.
const COMPUTED: [&str; 2] = ["mobile", "totp"];

pub struct DevicePolicyHooks;

impl Hooks for DevicePolicyHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        let missing = missing_fields(doc);
        if !missing.is_empty() {
            return Err(ApiError::invalid(
                missing
                    .iter()
                    .map(|f| Detail::new("REQUIRED_VALUE", f, format!("{f} is required")))
                    .collect(),
            ));
        }
        SingleDefault.prepare(ctx, store, doc, existing)?;
        doc.entry("forSignOnPolicy").or_insert(json!(false));
        doc.entry("authentication")
            .or_insert(json!({"deviceSelection": "DEFAULT_TO_FIRST"}));
        Ok(())
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, created: bool) {
        SingleDefault.stored(ctx, store, doc, created);
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        SingleDefault.deleting(ctx, store, doc)
    }
}

/// Passcode settings every method needs, as paths under the method.
const FAILURE: [&str; 6] = [
    "enabled",
    "otp",
    "otp.failure",
    "otp.failure.count",
    "otp.failure.coolDown",
    "otp.failure.coolDown.duration",
];
const FAILURE_UNIT: &str = "otp.failure.coolDown.timeUnit";
/// And, for sent passcodes, how long one lives.
const LIFETIME: [&str; 3] = [
    "otp.lifeTime",
    "otp.lifeTime.duration",
    "otp.lifeTime.timeUnit",
];

/// The fields PingOne's request model marks required that `doc` lacks, as dotted paths;
/// a missing object is named once, not with each field under it.
pub fn missing_fields(doc: &Map<String, Value>) -> Vec<String> {
    let root = Value::Object(doc.clone());
    let mut paths = vec!["default".to_owned()];
    for method in SENT.iter().chain(COMPUTED.iter()) {
        paths.push((*method).to_owned());
        let under = FAILURE.iter().chain(std::iter::once(&FAILURE_UNIT));
        let lifetime = LIFETIME.iter().filter(|_| SENT.contains(method));
        paths.extend(under.chain(lifetime).map(|p| format!("{method}.{p}")));
    }
    let mut missing: Vec<String> = Vec::new();
    for path in paths {
        let parent_missing = missing
            .iter()
            .any(|m| path.starts_with(m.as_str()) && path[m.len()..].starts_with('.'));
        if !parent_missing && lookup(&root, &path).is_none() {
            missing.push(path);
        }
    }
    missing
}

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |v, key| v.get(key))
        .filter(|v| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn otp(sent: bool) -> Value {
        let failure = json!({"count": 3, "coolDown": {"duration": 0, "timeUnit": "MINUTES"}});
        if sent {
            json!({"failure": failure, "lifeTime": {"duration": 30, "timeUnit": "MINUTES"}})
        } else {
            json!({"failure": failure})
        }
    }

    fn complete() -> Map<String, Value> {
        let mut doc = Map::new();
        doc.insert("name".into(), json!("p"));
        doc.insert("default".into(), json!(false));
        for m in SENT {
            doc.insert(m.into(), json!({"enabled": true, "otp": otp(true)}));
        }
        for m in COMPUTED {
            doc.insert(m.into(), json!({"enabled": false, "otp": otp(false)}));
        }
        doc
    }

    #[test]
    fn a_complete_policy_lacks_nothing() {
        assert!(missing_fields(&complete()).is_empty());
    }

    #[test]
    fn a_method_without_passcode_settings_is_named() {
        let mut doc = complete();
        doc.insert("sms".into(), json!({"enabled": false}));
        doc.remove("totp");
        doc["email"]["otp"]
            .as_object_mut()
            .unwrap()
            .remove("lifeTime");
        doc["voice"]["otp"]["failure"]
            .as_object_mut()
            .unwrap()
            .remove("count");
        assert_eq!(
            missing_fields(&doc),
            [
                "sms.otp",
                "voice.otp.failure.count",
                "email.otp.lifeTime",
                "totp"
            ]
        );
    }
}
