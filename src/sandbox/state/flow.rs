//! One sign-on flow: what started it, the policy it walks, and how far the user got.

use serde_json::Value;

use super::SandboxState;
use super::authorize_request::AuthorizeRequest;
use super::identity::Identity;
use super::mobile::MobileSignOn;
use super::saml_request::SamlRequest;
use crate::sandbox::auth::directory::policy::Policy;
use crate::sandbox::auth::flow::status::Status;

/// What started the flow, and so what completing it produces.
#[derive(Debug, Clone)]
pub enum Origin {
    /// `as/authorize`: resume returns a code or tokens.
    Authorize(Box<AuthorizeRequest>),
    /// `/device`: completing approves a device grant.
    Device {
        /// The device code, once the user code was verified.
        device_code: Option<String>,
        /// The app named in `/device/{appIdentifier}`, whose codes alone are accepted.
        app_id: Option<String>,
        consented: bool,
    },
    /// `saml20/idp/sso`: resume posts a SAML response.
    Saml(Box<SamlRequest>),
}

/// A one-time passcode sent to (or shown by) the selected MFA device.
#[derive(Debug, Clone, Default)]
pub struct Mfa {
    /// Usable devices, as the flow shows them.
    pub devices: Vec<Value>,
    pub selected: Option<String>,
    pub otp: Option<String>,
    pub otp_expires_ms: i64,
    pub failures: u32,
}

/// One sign-on flow.
#[derive(Debug, Clone)]
pub struct Flow {
    pub id: String,
    pub env_id: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    /// Values of the `interactionId`/`interactionToken` cookies the flows API requires.
    pub interaction_id: String,
    pub interaction_token: String,
    pub origin: Origin,
    pub app_id: Option<String>,
    pub app_name: Option<String>,
    pub policy: Policy,
    /// Index of the policy action being worked on.
    pub step: usize,
    pub status: Status,
    pub user_id: Option<String>,
    pub username: Option<String>,
    /// The external identity provider an `IDENTIFIER_FIRST` discovery rule chose.
    pub identity_provider: Option<String>,
    /// How the user authenticated so far (`pwd`, `otp`, ...).
    pub amr: Vec<String>,
    pub session_id: Option<String>,
    /// Set when this flow created the session (the response then sets the `ST` cookie).
    pub new_session: bool,
    pub mfa: Mfa,
    /// Agreements and profile prompts already answered in this flow (action ids).
    pub answered: Vec<String>,
    pub error: Option<Value>,
    pub resumed: bool,
    /// An external account waiting to be linked (`ACCOUNT_LINKING_REQUIRED`).
    pub external: Option<Identity>,
    /// The native SDK's `mobilePayload` sent to authorize: the phone signing on.
    pub mobile: Option<MobileSignOn>,
}

impl Flow {
    /// A fresh flow for `origin` under `policy`.
    pub fn new(state: &SandboxState, env: &str, origin: Origin, policy: Policy) -> Self {
        let now = state.auth.clock.now_ms();
        let token: String = (0..4)
            .map(|_| uuid::Uuid::new_v4().simple().to_string())
            .collect();
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            env_id: env.to_owned(),
            created_ms: now,
            expires_ms: now + state.auth.config.flow_seconds * 1000,
            interaction_id: uuid::Uuid::new_v4().to_string(),
            interaction_token: token,
            origin,
            app_id: None,
            app_name: None,
            policy,
            step: 0,
            status: Status::UsernamePasswordRequired,
            user_id: None,
            username: None,
            identity_provider: None,
            amr: Vec::new(),
            session_id: None,
            new_session: false,
            mfa: Mfa::default(),
            answered: Vec::new(),
            error: None,
            resumed: false,
            external: None,
            mobile: None,
        }
    }

    /// The policy action being worked on.
    pub fn current_action(&self) -> Option<&Value> {
        self.policy.actions.get(self.step)
    }

    pub fn authenticated_with(&self, method: &str) -> bool {
        self.amr.iter().any(|m| m == method)
    }

    pub fn add_amr(&mut self, method: &str) {
        if !self.authenticated_with(method) {
            self.amr.push(method.to_owned());
        }
    }

    /// Ends the flow with an error.
    pub fn fail(&mut self, code: &str, message: &str) {
        self.status = Status::Failed;
        self.error = Some(serde_json::json!({"code": code, "message": message}));
    }
}
