//! The auth host's own runtime state: its signing key, a clock tests can move, its lifetimes,
//! and every short-lived grant it holds, each in a map whose entries expire.

use serde_json::Value;

use super::code::CodeRecord;
use super::davinci::DaVinciFlow;
use super::device::DeviceGrant;
use super::external::ExternalAuth;
use super::flow::Flow;
use super::refresh::RefreshRecord;
use super::session::Session;
use crate::sandbox::auth::clock::Clock;
use crate::sandbox::auth::expiring::Expiring;
use crate::sandbox::auth::keys::SigningKey;

/// Lifetimes the auth host applies, adjustable for tests.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Authorization codes (seconds).
    pub code_seconds: i64,
    /// Sign-on flows: PingOne's 15 minutes.
    pub flow_seconds: i64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            code_seconds: 60,
            flow_seconds: 900,
        }
    }
}

/// The auth host's own runtime state, held inside `SandboxState`: the signing key, a clock
/// tests can move, and every short-lived grant, each in a map whose entries expire.
#[derive(Debug, Default)]
pub struct AuthState {
    pub clock: Clock,
    pub(crate) config: AuthConfig,
    pub key: SigningKey,
    /// Authorization codes.
    pub(crate) codes: Expiring<CodeRecord>,
    /// Refresh tokens by their text.
    pub(crate) refresh: Expiring<RefreshRecord>,
    /// Device grants by device code.
    pub(crate) devices: Expiring<DeviceGrant>,
    /// Device codes by normalized user code.
    pub(crate) user_codes: Expiring<String>,
    /// The latest `client_credentials` token per client and scopes, reused within its second.
    pub(crate) client_tokens: Expiring<String>,
    /// Sign-on flows by id.
    pub(crate) flows: Expiring<Flow>,
    /// Simulated DaVinci flows by interaction id.
    pub(crate) davinci: Expiring<DaVinciFlow>,
    /// SSO sessions by id (the `ST` cookie's value).
    pub(crate) sessions: Expiring<Session>,
    /// External authentications in progress, by their `state` value.
    pub(crate) external: Expiring<ExternalAuth>,
    /// The simulated Facebook's dialog codes and access tokens.
    pub(crate) facebook_codes: Expiring<Value>,
    pub(crate) facebook_tokens: Expiring<Value>,
}
