//! The PingOne MFA Native SDK's part in a sign-on (README, The sandbox): the `mobilePayload`
//! authorize parameter, and what an MFA action does for the phone it names. Under a device
//! authentication policy whose `mobile.applications` lists the signing-on application, a
//! phone not yet paired with the user is offered a pairing key in the ID token
//! (`autoEnrollment`), and a paired one passes the MFA step without a passcode
//! (`deviceAuthorization`), after acknowledging a silent push when `extraVerification` asks
//! for one. The phone itself is the device simulator (`simulated::mobile_sdk`); this module
//! keeps the records both sides read, in the environment's scope:
//! - `mobileInstallations`: `{id, application: {id}, device: {id}?}`, one per app install;
//! - `mobilePairings`: `{id, code, status UNCLAIMED|CLAIMED|DENIED, user, application,
//!   installation, expiresAt}`, the pairing key an ID token carries;
//! - `mobilePushes`: `{id, type: SILENT, installation, flowId, status SENT|ACKNOWLEDGED}`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::flow::mfa::device_policy;
use crate::sandbox::auth::flow::need::Need;
use crate::sandbox::auth::flow::status::Status;
use crate::sandbox::mgmt::codes::random_digits;
use crate::sandbox::mgmt::hal;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;
use crate::sandbox::state::mobile::MobileSignOn;
use crate::sandbox::store::Store;

pub const INSTALLATIONS: &str = "mobileInstallations";
pub const PAIRINGS: &str = "mobilePairings";
pub const PUSHES: &str = "mobilePushes";
/// The ID token claim holding the pairing key the SDK's `processIdToken` turns into a
/// pairing object.
pub const PAIRING_CLAIM: &str = "p1.pairingKey";
/// What `amr` records for a device authorization (RFC 8176's multiple-channel authentication).
pub const AMR: &str = "mca";
/// How long an offered pairing key stays valid (PingOne's pairing keys: 10 minutes).
pub const PAIRING_SECONDS: i64 = 600;

/// The opaque payload the SDK's `generateMobilePayload()` returns for `installation`.
pub fn encode_payload(installation: &str, application: &str) -> String {
    let body = json!({"v": 1, "installationId": installation, "applicationId": application,
        "nonce": random_digits(12)});
    URL_SAFE_NO_PAD.encode(body.to_string())
}

fn invalid(message: &str) -> ApiError {
    ApiError::invalid("INVALID_VALUE", "mobilePayload", message)
}

/// Checks a `mobilePayload` sent with an authorize request of `client` and names its phone.
pub fn verify_payload(
    state: &SandboxState,
    env: &str,
    client: &str,
    payload: &str,
) -> Result<MobileSignOn, ApiError> {
    let decoded: Value = URL_SAFE_NO_PAD
        .decode(payload.trim())
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(Value::is_object)
        .ok_or_else(|| invalid("The mobilePayload is not a PingOne Native SDK payload"))?;
    let id = decoded["installationId"].as_str().unwrap_or_default();
    let store = state.store();
    let installation = store
        .get(env, INSTALLATIONS, id)
        .ok_or_else(|| invalid("The mobilePayload names no installation of the application"))?;
    let app = installation
        .pointer("/application/id")
        .and_then(Value::as_str);
    if app != Some(client) || decoded["applicationId"].as_str() != Some(client) {
        return Err(invalid(
            "The mobilePayload was generated for another application",
        ));
    }
    Ok(MobileSignOn {
        installation_id: id.to_owned(),
        ..MobileSignOn::default()
    })
}

/// The policy's `mobile.applications` entry for `app`, when mobile authentication is on.
fn app_entry(store: &Store, env: &str, action: &Value, app: &str) -> Option<(Value, bool)> {
    let policy = device_policy::for_action(store, env, action)?;
    let mobile = policy.get("mobile")?;
    if mobile.get("enabled") != Some(&json!(true)) {
        return None;
    }
    let entry = mobile
        .get("applications")?
        .as_array()?
        .iter()
        .find(|a| a.get("id").and_then(Value::as_str) == Some(app))?
        .clone();
    let pairing_disabled = mobile.get("pairingDisabled") == Some(&json!(true))
        || entry.get("pairingDisabled") == Some(&json!(true));
    Some((entry, pairing_disabled))
}

/// The ACTIVE `MOBILE` device of `user` that `installation` was paired as.
pub fn paired_device(store: &Store, env: &str, installation: &str, user: &str) -> Option<Value> {
    let device = store
        .get(env, INSTALLATIONS, installation)?
        .pointer("/device/id")?
        .as_str()?;
    store
        .get(user, "devices", device)
        .filter(|d| d["type"] == "MOBILE" && d["status"] == "ACTIVE")
        .cloned()
}

/// What the MFA action needs when the flow carries a phone's payload; `None` leaves the
/// action to its usual devices (having offered a pairing key when auto-enrollment applies).
pub fn mfa_need(state: &SandboxState, flow: &mut Flow, action: &Value) -> Option<Need> {
    let mobile = flow.mobile.clone()?;
    let user = flow.user_id.clone()?;
    let app = flow.app_id.clone()?;
    if flow.authenticated_with(AMR) {
        return Some(Need::Done);
    }
    let mut store = state.store();
    let (entry, pairing_disabled) = app_entry(&store, &flow.env_id, action, &app)?;
    if paired_device(&store, &flow.env_id, &mobile.installation_id, &user).is_some() {
        if entry.pointer("/deviceAuthorization/enabled") != Some(&json!(true)) {
            return None;
        }
        let extra = entry
            .pointer("/deviceAuthorization/extraVerification")
            .and_then(Value::as_str)
            .unwrap_or("disabled");
        if extra == "disabled" || mobile.push_acknowledged {
            flow.add_amr(AMR);
            return Some(Need::Done);
        }
        if mobile.push_id.is_none() {
            let id = hal::new_id();
            store.put(
                &flow.env_id,
                PUSHES,
                json!({"id": id, "type": "SILENT", "installation": {"id": mobile.installation_id},
                    "flowId": flow.id, "status": "SENT", "createdAt": hal::now()}),
            );
            if let Some(m) = flow.mobile.as_mut() {
                m.push_id = Some(id);
            }
        }
        return Some(Need::Wait(Status::PushConfirmationRequired));
    }
    let auto = entry.pointer("/autoEnrollment/enabled") == Some(&json!(true));
    if auto && !pairing_disabled && mobile.pairing_id.is_none() {
        let id = hal::new_id();
        store.put(
            &flow.env_id,
            PAIRINGS,
            json!({"id": id, "code": random_digits(14), "status": "UNCLAIMED",
                "user": {"id": user}, "application": {"id": app},
                "installation": {"id": mobile.installation_id},
                "createdAt": hal::now(), "expiresAt": hal::now_plus(PAIRING_SECONDS)}),
        );
        if let Some(m) = flow.mobile.as_mut() {
            m.pairing_id = Some(id);
        }
    }
    None
}

/// The ID token claims a completed flow adds: the pairing key it offered, if still unclaimed.
pub fn id_claims(state: &SandboxState, flow: &Flow) -> Map<String, Value> {
    let mut claims = Map::new();
    let Some(pairing) = flow.mobile.as_ref().and_then(|m| m.pairing_id.as_deref()) else {
        return claims;
    };
    let store = state.store();
    if let Some(doc) = store
        .get(&flow.env_id, PAIRINGS, pairing)
        .filter(|p| p["status"] == "UNCLAIMED")
    {
        claims.insert(PAIRING_CLAIM.into(), doc["code"].clone());
    }
    claims
}
