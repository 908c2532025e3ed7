//! Plain configuration collections: a `Spec` each, with small hooks where PingOne keeps a
//! single default or hides a credential. Device authentication policies (their hooks are in
//! `device_policies`), environment languages, gateways and their credentials, identity
//! propagation, keys and certificates, risk policy sets, custom roles and DaVinci flow
//! policies.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::hal;
use super::secrets;
use super::single_default::SingleDefault;
use super::spec::{Ctx, Hooks, Kind, Ops, Plain, Scope, Spec};
use super::validate::text;
use crate::sandbox::store::Store;

const BASE: Spec = Spec {
    name: "",
    path: "",
    id_param: "",
    scope: Scope::Env,
    required: &["name"],
    enums: &[],
    kinds: &[("name", Kind::Str)],
    unique: &["name"],
    read_only: &[],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &Plain,
};

pub static DEVICE_AUTHENTICATION_POLICIES: Spec = Spec {
    name: "deviceAuthenticationPolicies",
    path: "/environments/{envID}/deviceAuthenticationPolicies",
    id_param: "deviceAuthenticationPolicyID",
    enums: &[(
        "newDeviceNotification",
        &["NONE", "EMAIL_THEN_SMS", "SMS_THEN_EMAIL"],
    )],
    kinds: &[
        ("name", Kind::Str),
        ("sms", Kind::Object),
        ("voice", Kind::Object),
        ("email", Kind::Object),
        ("mobile", Kind::Object),
        ("totp", Kind::Object),
        ("fido2", Kind::Object),
        ("default", Kind::Bool),
    ],
    read_only: &["forSignOnPolicy"],
    hooks: &super::device_policies::DevicePolicyHooks,
    ..BASE
};

pub static LANGUAGES: Spec = Spec {
    name: "languages",
    path: "/environments/{envID}/languages",
    id_param: "languageID",
    required: &["locale"],
    kinds: &[
        ("locale", Kind::Str),
        ("enabled", Kind::Bool),
        ("default", Kind::Bool),
    ],
    unique: &["locale"],
    read_only: &["customerAdded"],
    hooks: &SingleDefault,
    ..BASE
};

struct GatewayHooks;

impl Hooks for GatewayHooks {
    fn validate(
        &self,
        ctx: &Ctx,
        store: &Store,
        doc: &Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        if text(doc, "type") == Some("LDAP") {
            for field in ["bindDN", "bindPassword", "vendor", "serversHostAndPort"] {
                if doc.get(field).is_none_or(Value::is_null) {
                    return Err(ApiError::required(field));
                }
            }
            user_types(ctx, store, doc)?;
        }
        Ok(())
    }
    fn present(&self, _ctx: &Ctx, _store: &Store, doc: &mut Value) {
        if let Some(map) = doc.as_object_mut() {
            map.remove("bindPassword");
        }
    }
    fn links(&self, ctx: &Ctx, doc: &Value) -> Vec<(&'static str, String)> {
        let me = ctx.item_href(doc["id"].as_str().unwrap_or_default());
        vec![
            ("credentials", format!("{me}/credentials")),
            ("instances", format!("{me}/instances")),
        ]
    }
}

/// An LDAP gateway's user types: each is named, says who checks passwords (`LDAP` or
/// `PING_ONE`), and a `newUserLookup` creates users in a population of this environment.
fn user_types(ctx: &Ctx, store: &Store, doc: &Map<String, Value>) -> ApiResult<()> {
    let Some(types) = doc.get("userTypes") else {
        return Ok(());
    };
    let Some(types) = types.as_array() else {
        return Err(ApiError::invalid_value(
            "INVALID_VALUE",
            "userTypes",
            "userTypes must be an array",
        ));
    };
    for user_type in types {
        if user_type.get("name").and_then(Value::as_str).is_none() {
            return Err(ApiError::required("userTypes.name"));
        }
        match user_type.get("passwordAuthority").and_then(Value::as_str) {
            Some("LDAP" | "PING_ONE") => {}
            None => return Err(ApiError::required("userTypes.passwordAuthority")),
            Some(_) => {
                return Err(ApiError::invalid_value(
                    "INVALID_VALUE",
                    "userTypes.passwordAuthority",
                    "passwordAuthority must be LDAP or PING_ONE",
                ));
            }
        }
        let population = user_type.pointer("/newUserLookup/population/id");
        if let Some(id) = population {
            let known = id
                .as_str()
                .is_some_and(|id| store.get(ctx.env(), "populations", id).is_some());
            if !known {
                return Err(ApiError::invalid_value(
                    "INVALID_VALUE",
                    "userTypes.newUserLookup.population.id",
                    "The population does not exist in this environment",
                ));
            }
        }
    }
    Ok(())
}

pub static GATEWAYS: Spec = Spec {
    name: "gateways",
    path: "/environments/{envID}/gateways",
    id_param: "gatewayID",
    required: &["name", "type", "enabled"],
    enums: &[
        (
            "type",
            &[
                "LDAP",
                "PING_FEDERATE",
                "PING_INTELLIGENCE",
                "API_GATEWAY_INTEGRATION",
                "RADIUS",
            ],
        ),
        (
            "vendor",
            &[
                "PingDirectory",
                "Microsoft Active Directory",
                "Oracle Directory Server Enterprise Edition",
                "Oracle Unified Directory",
                "CA Directory",
                "OpenDJ Directory",
                "IBM (Tivoli) Security Directory Server",
                "LDAP v3 compliant Directory Server",
            ],
        ),
        ("connectionSecurity", &["None", "TLS", "StartTLS"]),
    ],
    kinds: &[
        ("name", Kind::Str),
        ("enabled", Kind::Bool),
        ("serversHostAndPort", Kind::Array),
    ],
    hooks: &GatewayHooks,
    ..BASE
};

struct CredentialHooks;

impl Hooks for CredentialHooks {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        // No `lastUsedAt` yet: PingOne sends it as a date-time once the credential is used,
        // never as null, and the sandbox's gateways never connect.
        doc.insert("credential".into(), json!(secrets::generate()));
        Ok(())
    }
}

pub static GATEWAY_CREDENTIALS: Spec = Spec {
    name: "credentials",
    path: "/environments/{envID}/gateways/{gatewayID}/credentials",
    id_param: "credentialID",
    scope: Scope::Parents(&[("gatewayID", "gateways")]),
    required: &[],
    kinds: &[],
    unique: &[],
    owner: Some("gateway"),
    ops: Ops::NO_UPDATE,
    hooks: &CredentialHooks,
    ..BASE
};

pub static RISK_POLICY_SETS: Spec = Spec {
    name: "riskPolicySets",
    path: "/environments/{envID}/riskPolicySets",
    id_param: "riskPolicySetID",
    kinds: &[
        ("name", Kind::Str),
        ("default", Kind::Bool),
        ("riskPolicies", Kind::Array),
    ],
    hooks: &SingleDefault,
    ..BASE
};

pub static FLOW_POLICIES: Spec = Spec {
    name: "flowPolicies",
    path: "/environments/{envID}/flowPolicies",
    id_param: "flowPolicyID",
    required: &[],
    unique: &[],
    ops: Ops::READ_ONLY,
    ..BASE
};

/// A DaVinci flow policy every environment offers for `flowPolicyAssignments`.
pub fn seed_flow_policy(store: &mut Store, env_id: &str) {
    store.put(env_id, "flowPolicies", json!({
        "id": hal::new_id(), "environment": hal::id_ref(env_id), "name": "PingOne Sign On and Registration",
        "enabled": true, "trigger": {"type": "AUTHENTICATION"},
        "application": {"id": hal::new_id(), "name": "PingOne DaVinci Connection"},
    }));
}
