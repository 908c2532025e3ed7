//! What every new environment already contains in PingOne: a default population, the
//! password policies, the built-in `openid` and `PingOne API` resources with their scopes,
//! the `Single_Factor` and `Multi_Factor` sign-on policies, languages, notification
//! templates, the default MFA device policy and a signing key.

use serde_json::{Value, json};

use super::hal::{id_ref, new_id, now, now_plus};
use crate::sandbox::store::Store;

/// Scopes of the built-in `openid` resource.
pub const OPENID_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

/// Scopes of the built-in `PingOne API` resource.
pub const PINGONE_API_SCOPES: &[&str] = &[
    "p1:read:user",
    "p1:update:user",
    "p1:read:sessions",
    "p1:delete:sessions",
    "p1:create:device",
    "p1:read:device",
    "p1:update:device",
    "p1:delete:device",
    "p1:read:userPassword",
    "p1:reset:userPassword",
    "p1:validate:userPassword",
    "p1:recover:userPassword",
    "p1:read:userLinkedAccounts",
    "p1:delete:userLinkedAccounts",
    "p1:read:userConsent",
    "p1:verify:user",
    "p1:update:userMfaEnabled",
    "p1:create:pairingKey",
    "p1:read:pairingKey",
    "p1:delete:pairingKey",
];

/// Notification templates: (name, display name, delivery methods).
const TEMPLATES: &[(&str, &str, &[&str])] = &[
    ("general", "General", &["Email", "SMS", "Voice"]),
    (
        "transaction",
        "Transaction",
        &["Email", "SMS", "Voice", "Push"],
    ),
    (
        "strong_authentication",
        "Strong Authentication",
        &["Email", "SMS", "Voice", "Push"],
    ),
    (
        "device_pairing",
        "Device Pairing",
        &["Email", "SMS", "Voice"],
    ),
    (
        "email_verification_user",
        "Email Verification (User)",
        &["Email"],
    ),
    (
        "email_verification_admin",
        "Email Verification (Admin)",
        &["Email"],
    ),
    ("recovery_code_template", "Recovery Code", &["Email", "SMS"]),
    (
        "verification_code_template",
        "Verification Code",
        &["Email", "SMS"],
    ),
    ("new_device_paired", "New Device Paired", &["Email", "SMS"]),
];

const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("pt", "Portuguese"),
    ("nl", "Dutch"),
];

/// Fills a freshly created environment with PingOne's defaults.
pub fn seed(store: &mut Store, org_id: &str, env_id: &str, api_audience: &str) {
    let env = id_ref(env_id);
    let standard = seed_password_policies(store, env_id, &env);
    super::themes::seed(store, env_id);
    let ts = now();
    store.put(
        env_id,
        "populations",
        json!({
            "id": new_id(), "environment": env, "name": "Default",
            "description": "Default population", "default": true,
            "passwordPolicy": id_ref(&standard), "preferredLanguage": "en",
            "createdAt": ts, "updatedAt": ts,
        }),
    );
    seed_resources(store, env_id, &env, api_audience);
    seed_policies(store, env_id, &env);
    for (locale, name) in LANGUAGES {
        store.put(
            env_id,
            "languages",
            json!({
                "id": new_id(), "environment": env, "locale": locale, "name": name,
                "default": *locale == "en", "enabled": *locale == "en", "customerAdded": false,
                "createdAt": ts, "updatedAt": ts,
            }),
        );
    }
    for (name, display, methods) in TEMPLATES {
        store.put(
            env_id,
            "templates",
            json!({
                "id": name, "environment": env, "displayName": display,
                "deliveryMethods": methods, "variables": {}, "allowDynamicVariables": false,
                "createdAt": ts, "updatedAt": ts,
            }),
        );
    }
    store.put(
        env_id,
        "deviceAuthenticationPolicies",
        default_device_policy(&env),
    );
    store.put(env_id, "keys", signing_key(org_id, env_id, &env));
    super::catalog::seed_flow_policy(store, env_id);
    super::risk::seed(store, env_id);
    super::integrations::seed(store, env_id);
}

fn seed_password_policies(store: &mut Store, env_id: &str, env: &Value) -> String {
    let ts = now();
    let standard = new_id();
    let chars = json!({
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ": 1, "abcdefghijklmnopqrstuvwxyz": 1,
        "0123456789": 1, "~!@#$%^&*()-_=+[]{}|;:,.<>/?": 1,
    });
    store.put(env_id, "passwordPolicies", json!({
        "id": standard, "environment": env, "name": "Standard",
        "description": "A standard policy that incorporates industry best practices",
        "default": true, "excludesCommonlyUsed": true, "excludesProfileData": true,
        "notSimilarToCurrent": true, "history": {"count": 6, "retentionDays": 365},
        "length": {"min": 8, "max": 255}, "lockout": {"failureCount": 5, "durationSeconds": 900},
        "maxAgeDays": 182, "minAgeDays": 1, "maxRepeatedCharacters": 2,
        "minCharacters": chars, "minUniqueCharacters": 5, "minComplexity": 7,
        "createdAt": ts, "updatedAt": ts,
    }));
    store.put(env_id, "passwordPolicies", json!({
        "id": new_id(), "environment": env, "name": "Passphrase",
        "description": "A policy that encourages the use of passphrases",
        "default": false, "excludesCommonlyUsed": true, "excludesProfileData": true,
        "notSimilarToCurrent": true, "history": {"count": 6, "retentionDays": 365},
        "length": {"min": 8, "max": 255}, "lockout": {"failureCount": 5, "durationSeconds": 900},
        "minComplexity": 7, "minUniqueCharacters": 5, "createdAt": ts, "updatedAt": ts,
    }));
    store.put(env_id, "passwordPolicies", json!({
        "id": new_id(), "environment": env, "name": "Basic",
        "description": "A basic policy that incorporates minimum and maximum length and characters used",
        "default": false, "excludesCommonlyUsed": true, "excludesProfileData": false,
        "notSimilarToCurrent": false, "length": {"min": 8, "max": 255},
        "createdAt": ts, "updatedAt": ts,
    }));
    standard
}

fn seed_resources(store: &mut Store, env_id: &str, env: &Value, api_audience: &str) {
    let ts = now();
    let builtins = [
        (
            "openid",
            "OPENID_CONNECT",
            "OpenID Connect resource",
            None,
            OPENID_SCOPES,
        ),
        (
            "PingOne API",
            "PINGONE_API",
            "PingOne API resource",
            Some(api_audience),
            PINGONE_API_SCOPES,
        ),
    ];
    for (name, kind, description, audience, scopes) in builtins {
        let id = new_id();
        let mut doc = json!({
            "id": id, "environment": env, "name": name, "type": kind,
            "description": description, "accessTokenValiditySeconds": 3600,
            "createdAt": ts, "updatedAt": ts,
        });
        if let Some(aud) = audience {
            doc["audience"] = json!(aud);
        }
        store.put(env_id, "resources", doc);
        for scope in scopes {
            store.put(
                &id,
                "scopes",
                json!({
                    "id": new_id(), "environment": env, "resource": id_ref(&id), "name": scope,
                    "description": format!("The {scope} scope"), "schemaAttributes": [],
                    "mappedClaims": [], "createdAt": ts, "updatedAt": ts,
                }),
            );
        }
    }
}

fn seed_policies(store: &mut Store, env_id: &str, env: &Value) {
    let ts = now();
    let single = new_id();
    store.put(
        env_id,
        "signOnPolicies",
        json!({
            "id": single, "environment": env, "name": "Single_Factor", "default": true,
            "description": "A sign-on policy that requires username and password",
            "createdAt": ts, "updatedAt": ts,
        }),
    );
    store.put(
        &single,
        "actions",
        json!({
            "id": new_id(), "environment": env, "signOnPolicy": id_ref(&single),
            "priority": 1, "type": "LOGIN", "recovery": {"enabled": true},
            "createdAt": ts, "updatedAt": ts,
        }),
    );
    let multi = new_id();
    store.put(env_id, "signOnPolicies", json!({
        "id": multi, "environment": env, "name": "Multi_Factor", "default": false,
        "description": "A sign-on policy that requires primary username and password along with a second factor",
        "createdAt": ts, "updatedAt": ts,
    }));
    store.put(
        &multi,
        "actions",
        json!({
            "id": new_id(), "environment": env, "signOnPolicy": id_ref(&multi),
            "priority": 1, "type": "LOGIN", "recovery": {"enabled": true},
            "createdAt": ts, "updatedAt": ts,
        }),
    );
    store.put(
        &multi,
        "actions",
        json!({
            "id": new_id(), "environment": env, "signOnPolicy": id_ref(&multi),
            "priority": 2, "type": "MULTI_FACTOR_AUTHENTICATION",
            "sms": {"enabled": true}, "email": {"enabled": true}, "voice": {"enabled": false},
            "noDevicesMode": "BLOCK", "createdAt": ts, "updatedAt": ts,
        }),
    );
}

fn otp_settings() -> Value {
    json!({
        "failure": {"count": 3, "coolDown": {"duration": 2, "timeUnit": "MINUTES"}},
        "lifeTime": {"duration": 30, "timeUnit": "MINUTES"},
        "otpLength": 6,
    })
}

fn default_device_policy(env: &Value) -> Value {
    let ts = now();
    json!({
        "id": new_id(), "environment": env, "name": "Default MFA Policy",
        "authentication": {"deviceSelection": "DEFAULT_TO_FIRST"},
        "sms": {"enabled": true, "otp": otp_settings()},
        "voice": {"enabled": true, "otp": otp_settings()},
        "email": {"enabled": true, "otp": otp_settings()},
        "mobile": {"enabled": true, "otp": {"failure": {"count": 3, "coolDown": {"duration": 2, "timeUnit": "MINUTES"}}}, "applications": []},
        "totp": {"enabled": false, "otp": {"failure": {"count": 3, "coolDown": {"duration": 2, "timeUnit": "MINUTES"}}}},
        "fido2": {"enabled": false},
        "newDeviceNotification": "NONE",
        "default": true, "forSignOnPolicy": false,
        "createdAt": ts, "updatedAt": ts,
    })
}

fn signing_key(org_id: &str, env_id: &str, env: &Value) -> Value {
    let dn = format!("CN=PingOne SSO Certificate for {env_id} environment, O=Sandbox, C=US");
    json!({
        "id": new_id(), "environment": env, "organization": id_ref(org_id),
        "name": "PingOne SSO Certificate", "algorithm": "RSA", "keyLength": 2048,
        "signatureAlgorithm": "SHA256withRSA", "usageType": "SIGNING", "default": true,
        "status": "VALID", "subjectDN": dn, "issuerDN": dn, "validityPeriod": 365,
        "serialNumber": 1, "startsAt": now(), "expiresAt": now_plus(365 * 86_400),
        "createdAt": now(),
    })
}
