//! The state a sandbox starts with (README, The sandbox): an organization and its license, the
//! built-in roles, an admin environment holding a worker application with a secret and
//! admin roles, and a second environment ready for tutorials. Ids are fresh per start.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicI64;

use serde_json::json;

use super::mgmt::hal::{id_ref, new_id, now, now_plus};
use super::mgmt::roles::{
    CLIENT_APPLICATION_DEVELOPER, ENVIRONMENT_ADMIN, IDENTITY_DATA_ADMIN, ORGANIZATION_ADMIN,
};
use super::mgmt::{env_defaults, environments, role_assignments, roles, secrets};
use super::state::SandboxState;
use super::state::auth::AuthState;
use super::store::Store;

/// Builds a seeded state whose links point at `base_url` (`http://ADDR`).
pub fn seed(base_url: String) -> SandboxState {
    let org_id = new_id();
    let admin_env_id = new_id();
    let env_id = new_id();
    let admin_app_id = new_id();
    let admin_app_secret = crate::secret::Secret::new(secrets::generate());
    let mut store = Store::default();
    roles::seed(&mut store);
    seed_organization(&mut store, &org_id);
    let license_id = seed_license(&mut store, &org_id);
    let ids = Ids {
        org: &org_id,
        admin_env: &admin_env_id,
        env: &env_id,
    };
    seed_environments(&mut store, &ids, &license_id, &base_url);
    seed_admin_app(
        &mut store,
        &admin_env_id,
        &admin_app_id,
        admin_app_secret.expose(),
    );
    grant_admin_roles(&mut store, &ids, &admin_app_id);
    SandboxState {
        base_url,
        org_id,
        admin_env_id,
        admin_app_id,
        admin_app_secret,
        env_id,
        store: Mutex::new(store),
        tokens: Mutex::new(HashMap::new()),
        tokens_pruned_at: AtomicI64::new(0),
        outbox: Mutex::new(Vec::new()),
        auth: AuthState::default(),
    }
}

/// The seeded organization's id and its two environments' ids.
struct Ids<'a> {
    org: &'a str,
    admin_env: &'a str,
    env: &'a str,
}

/// The sandbox's one organization.
fn seed_organization(store: &mut Store, org_id: &str) {
    let ts = now();
    store.put(
        super::mgmt::spec::ROOT,
        "organizations",
        json!({
            "id": org_id, "name": "Sandbox Organization", "type": "PAID",
            "description": "The steprun sandbox organization", "billingConnections": [],
            "createdAt": ts, "updatedAt": ts,
        }),
    );
}

/// The admin environment and the tutorials environment, each with its defaults.
fn seed_environments(store: &mut Store, ids: &Ids, license_id: &str, base_url: &str) {
    for (id, name, description) in [
        (
            ids.admin_env,
            "Administrators",
            "The environment holding the admin worker application",
        ),
        (
            ids.env,
            "Tutorials",
            "An environment ready for the workflow-library tutorials",
        ),
    ] {
        let env = environments::document(ids.org, id, license_id, name, description);
        store.put(ids.org, "environments", env);
        env_defaults::seed(store, ids.org, id, base_url);
    }
}

/// The admin application's roles: organization admin, and the environment, identity data and
/// client application roles in both environments.
fn grant_admin_roles(store: &mut Store, ids: &Ids, admin_app_id: &str) {
    let grants = [
        (ORGANIZATION_ADMIN, "ORGANIZATION", ids.org),
        (ENVIRONMENT_ADMIN, "ENVIRONMENT", ids.admin_env),
        (IDENTITY_DATA_ADMIN, "ENVIRONMENT", ids.admin_env),
        (CLIENT_APPLICATION_DEVELOPER, "ENVIRONMENT", ids.admin_env),
        (ENVIRONMENT_ADMIN, "ENVIRONMENT", ids.env),
        (IDENTITY_DATA_ADMIN, "ENVIRONMENT", ids.env),
        (CLIENT_APPLICATION_DEVELOPER, "ENVIRONMENT", ids.env),
    ];
    for (role, scope_type, scope_id) in grants {
        if let Some(role_id) = roles::id_of(store, role) {
            role_assignments::grant(
                store,
                admin_app_id,
                ids.admin_env,
                &role_id,
                scope_type,
                scope_id,
            );
        }
    }
}

fn seed_license(store: &mut Store, org_id: &str) -> String {
    let id = new_id();
    // Every feature group and flag of PingOne's license example (Read All Licenses), all on.
    store.put(org_id, "licenses", json!({
        "id": id, "name": "Sandbox License", "package": "GLOBAL", "status": "ACTIVE",
        "organization": id_ref(org_id), "beginsAt": now(), "expiresAt": now_plus(365 * 86_400),
        "terminatesAt": now_plus(395 * 86_400),
        "advancedServices": {"pingId": {"included": true, "type": "FULL"}},
        "authorize": {"allowApiAccessManagement": true, "allowDynamicAuthorization": true,
            "allowApplicationPermissions": true},
        "credentials": {"allowCredentials": true, "allowPushNotifications": true},
        "environments": {"allowAddResources": true, "allowConnections": true,
            "allowCustomDomain": true, "allowCustomSchema": true, "allowProduction": true,
            "max": 100, "regions": ["NORTH_AMERICA", "EU", "CA", "AP", "AU", "SG"]},
        "fraud": {"allowBotMaliciousDeviceDetection": true, "allowAccountProtection": true,
            "allowAccountTakeoverDetection": true, "allowNewAccountFraudDetection": true,
            "allowCredentialSharingDetection": true, "allowDataEnrichment": true},
        "gateways": {"allowLdapGateway": true, "allowKerberosGateway": true, "allowRadiusGateway": true},
        "intelligence": {"allowReputation": true, "allowGeoVelocity": true,
            "allowAnonymousNetworkDetection": true, "allowDataConsent": true, "allowRisk": true,
            "allowAdvancedPredictors": true, "allowIntelligenceProtect": true,
            "allowIntelligenceNewDevicePredictor": true, "numberOfProtectTransactions": 0},
        "mfa": {"allowPushNotification": true, "allowNotificationOutsideWhitelist": true,
            "allowFido2Devices": true, "allowVoiceOtp": true, "allowEmailOtp": true,
            "allowSmsOtp": true, "allowTotp": true, "allowPingIDApp": true, "allowOATHToken": true,
            "allowYubikey": true, "allowWinLogin": true, "allowEditNotificationTemplate": true,
            "allowPingSmsAccount": true, "allowWhatsAppOtp": true,
            "allowIntelligenceTrustDevicePredictor": true, "allowPingIdDesktop": true,
            "allowPingIdDesktopGen2": true},
        "orchestrate": {"allowOrchestration": true, "allowAdminAccess": true,
            "flowsPerEnvironmentMax": 100},
        "users": {"max": 1_000_000, "hardLimitMax": 1_100_000, "annualActiveIncluded": 1_000_000,
            "allowPasswordPolicy": true, "allowPasswordManagementNotifications": true,
            "allowVerificationFlow": true, "allowIdentityProviders": true, "allowMyAccount": true,
            "allowProvisioning": true, "allowInboundProvisioning": true,
            "allowRoleAssignment": true, "allowPasswordOnlyAuthentication": true,
            "allowUpdateSelf": true, "allowUniversalDeviceId": true, "entitledToSupport": true},
        "verify": verify_features(),
    }));
    id
}

/// The license's PingOne Verify flags and counters (kept apart: one `json!` cannot hold them all).
fn verify_features() -> serde_json::Value {
    json!({"allowPushNotifications": true, "allowDocumentMatch": true,
            "allowFaceMatch": true, "allowManualIdInspection": true, "allowAamva": true,
            "allowVoice": true, "allowDigitalVerifications": true,
            "allowManualIDStepUpInspection": true, "allowUniversalCapture": true,
            "allowAccountOwnership": true, "allowAadhaar": true,
            "numberOfManualIDStepUpInspection": 0, "numberOfDigitalVerifications": 0,
            "numberOfUniversalCapture": 0, "numberOfAAMVA": 0, "numberOfVoiceBiometrics": 0,
            "numberOfFaceVerifications": 0, "numberOfManualIdInspections": 0,
            "numberOfDocumentMatches": 0, "numberOfAccountOwnership": 0, "numberOfAadhaar": 0,
            "numberOfDataVerifications": 0, "numberOfLiveAgent": 0,
            "numberOfDeviceReputationScoring": 0, "numberOfGlobalWatchlist": 0})
}

fn seed_admin_app(store: &mut Store, env_id: &str, app_id: &str, secret: &str) {
    let ts = now();
    store.put(
        env_id,
        "applications",
        json!({
            "id": app_id, "environment": id_ref(env_id), "name": "Sandbox Admin Worker",
            "description": "The worker application behind adminAppID / adminAppSecret",
            "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
            "clientId": app_id, "hiddenFromAppPortal": false, "assignActorRoles": false,
            "grantTypes": ["CLIENT_CREDENTIALS"], "responseTypes": [],
            "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC", "pkceEnforcement": "OPTIONAL",
            "parRequirement": "OPTIONAL", "parTimeout": 60, "idpSignoff": false,
            "additionalRefreshTokenReplayProtectionEnabled": true,
            "devicePollingInterval": 5, "deviceTimeout": 600,
            "createdAt": ts, "updatedAt": ts,
        }),
    );
    secrets::put_application_secret(store, env_id, app_id, secret);
}
