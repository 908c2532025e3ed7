//! MFA device authentication policies (`/deviceAuthenticationPolicies`): which methods a user
//! may authenticate with (SMS, voice, email, `whatsApp`, the authenticator app `mobile` with its
//! push and OTP settings per native application, TOTP, FIDO2) and how their passcodes behave.
//! Bodies are checked against PingOne's MFA OpenAPI: `enabled` on every method given, the
//! `otp` objects' `lifeTime`/`failure`/`coolDown`/`window` with a duration and a `MINUTES` or
//! `SECONDS` unit, `otpLength` 6–10, FIDO2 failures 1–7, mobile applications that exist.
//! PingOne refuses a policy that leaves out a method (`sms`, `voice`, `email`, `mobile`, `totp`)
//! or its passcode settings (the request model and the OpenAPI mark them required), so the
//! sandbox does too, naming each missing field, instead of filling them in silently.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult, Detail};
use super::single_default::SingleDefault;
use super::spec::{Ctx, Hooks};
use crate::sandbox::store::Store;

/// Methods whose passcodes are sent (`DeviceAuthenticationPolicyOfflineDevice`).
const OFFLINE: &[&str] = &["sms", "voice", "email", "whatsApp"];
const UNITS: &[&str] = &["MINUTES", "SECONDS"];

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
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        let details = check(store, ctx.env(), doc);
        if details.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(details))
        }
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, created: bool) {
        SingleDefault.stored(ctx, store, doc, created);
    }
    fn deleting(&self, ctx: &Ctx, store: &mut Store, doc: &Value) -> ApiResult<()> {
        SingleDefault.deleting(ctx, store, doc)
    }
}

/// Every problem of the policy body, as PingOne's error details.
fn check(store: &Store, env: &str, doc: &Map<String, Value>) -> Vec<Detail> {
    let mut out = Vec::new();
    for method in OFFLINE.iter().chain(&["mobile", "totp", "fido2"]) {
        let Some(value) = doc.get(*method) else {
            continue;
        };
        let Some(object) = value.as_object() else {
            out.push(Detail::new(
                "INVALID_VALUE",
                method,
                format!("{method} must be an object"),
            ));
            continue;
        };
        if !object.get("enabled").is_some_and(Value::is_boolean) {
            out.push(Detail::new(
                "REQUIRED_VALUE",
                &format!("{method}.enabled"),
                format!("{method}.enabled is required and must be true or false"),
            ));
        }
        if let Some(otp) = object.get("otp") {
            let lifetime = OFFLINE.contains(method);
            check_otp(&mut out, method, otp, lifetime);
        }
        match *method {
            "fido2" => check_fido2(&mut out, object),
            "mobile" => check_mobile_apps(&mut out, store, env, object),
            _ => {}
        }
    }
    if let Some(selection) = doc
        .get("authentication")
        .and_then(|a| a.get("deviceSelection"))
    {
        let allowed = [
            "DEFAULT_TO_FIRST",
            "PROMPT_TO_SELECT",
            "ALWAYS_DISPLAY_DEVICES",
        ];
        if !selection.as_str().is_some_and(|s| allowed.contains(&s)) {
            out.push(Detail::new(
                "INVALID_VALUE",
                "authentication.deviceSelection",
                format!("deviceSelection must be one of {}", allowed.join(", ")),
            ));
        }
    }
    out
}

/// A `{duration, timeUnit}` pair at `target`.
fn check_period(out: &mut Vec<Detail>, target: &str, value: Option<&Value>) {
    let Some(value) = value else {
        out.push(Detail::new(
            "REQUIRED_VALUE",
            target,
            format!("{target} is required"),
        ));
        return;
    };
    if value
        .get("duration")
        .and_then(Value::as_i64)
        .is_none_or(|d| d < 0)
    {
        out.push(Detail::new(
            "INVALID_VALUE",
            &format!("{target}.duration"),
            "duration is required and must be a whole number of time units",
        ));
    }
    if !value
        .get("timeUnit")
        .and_then(Value::as_str)
        .is_some_and(|u| UNITS.contains(&u))
    {
        out.push(Detail::new(
            "INVALID_VALUE",
            &format!("{target}.timeUnit"),
            "timeUnit is required and must be MINUTES or SECONDS",
        ));
    }
}

/// `otp.failure{count, coolDown}`, `otp.lifeTime` for sent passcodes, `otp.window.stepSize`
/// for the authenticator app, `otp.otpLength`.
fn check_otp(out: &mut Vec<Detail>, method: &str, otp: &Value, lifetime: bool) {
    let target = format!("{method}.otp");
    if !otp.is_object() {
        out.push(Detail::new(
            "INVALID_VALUE",
            &target,
            "otp must be an object",
        ));
        return;
    }
    check_failure(out, &target, otp.get("failure"));
    if lifetime {
        check_period(out, &format!("{target}.lifeTime"), otp.get("lifeTime"));
    }
    if let Some(window) = otp.get("window") {
        check_period(
            out,
            &format!("{target}.window.stepSize"),
            window.get("stepSize"),
        );
    }
    if let Some(length) = otp.get("otpLength")
        && !length.as_i64().is_some_and(|l| (6..=10).contains(&l))
    {
        out.push(Detail::new(
            "INVALID_VALUE",
            &format!("{target}.otpLength"),
            "otpLength must be between 6 and 10",
        ));
    }
}

/// The OTP's `failure`: required, with a `count` of at least 1 and a valid `coolDown`.
fn check_failure(out: &mut Vec<Detail>, target: &str, failure: Option<&Value>) {
    match failure {
        Some(failure) => {
            if failure
                .get("count")
                .and_then(Value::as_i64)
                .is_none_or(|c| c < 1)
            {
                out.push(Detail::new(
                    "INVALID_VALUE",
                    &format!("{target}.failure.count"),
                    "count is required and must be at least 1",
                ));
            }
            check_period(
                out,
                &format!("{target}.failure.coolDown"),
                failure.get("coolDown"),
            );
        }
        None => out.push(Detail::new(
            "REQUIRED_VALUE",
            &format!("{target}.failure"),
            "otp.failure is required",
        )),
    }
}

fn check_fido2(out: &mut Vec<Detail>, fido2: &Map<String, Value>) {
    if let Some(count) = fido2.get("failure").and_then(|f| f.get("count"))
        && !count.as_i64().is_some_and(|c| (1..=7).contains(&c))
    {
        out.push(Detail::new(
            "INVALID_VALUE",
            "fido2.failure.count",
            "fido2.failure.count must be between 1 and 7",
        ));
    }
}

/// `mobile.applications[]`: each names an application of the environment, with
/// `push.enabled` a boolean when given.
fn check_mobile_apps(out: &mut Vec<Detail>, store: &Store, env: &str, mobile: &Map<String, Value>) {
    let Some(apps) = mobile.get("applications") else {
        return;
    };
    let Some(apps) = apps.as_array() else {
        out.push(Detail::new(
            "INVALID_VALUE",
            "mobile.applications",
            "mobile.applications must be an array",
        ));
        return;
    };
    for (i, app) in apps.iter().enumerate() {
        let target = format!("mobile.applications[{i}]");
        let id = app.get("id").and_then(Value::as_str);
        if id.is_none_or(|id| store.get(env, "applications", id).is_none()) {
            out.push(Detail::new(
                "INVALID_VALUE",
                &format!("{target}.id"),
                "The application does not exist",
            ));
        }
        if let Some(push) = app.get("push")
            && !push.get("enabled").is_some_and(Value::is_boolean)
        {
            out.push(Detail::new(
                "REQUIRED_VALUE",
                &format!("{target}.push.enabled"),
                "push.enabled is required and must be true or false",
            ));
        }
    }
}

/// Methods whose passcodes are sent (and so expire): `otp.lifeTime` and `otp.failure`.
const SENT: [&str; 3] = ["sms", "voice", "email"];
/// Methods whose passcodes the device computes: only `otp.failure`.
const COMPUTED: [&str; 2] = ["mobile", "totp"];

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
