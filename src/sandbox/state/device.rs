//! One device authorization (RFC 8628) and where it stands, while the device polls.

use super::grant::Grant;
use crate::sandbox::auth::scopes::Resolved;

/// Where a device grant stands.
#[derive(Debug, Clone)]
pub enum DeviceStatus {
    Pending,
    Approved(Box<Grant>),
    Denied,
}

/// One device authorization.
#[derive(Debug, Clone)]
pub struct DeviceGrant {
    pub env_id: String,
    pub client_id: String,
    pub scopes: Resolved,
    /// Seconds the device must wait between polls; grows by 5 at each `slow_down`.
    pub interval: i64,
    pub last_poll_ms: Option<i64>,
    pub status: DeviceStatus,
}
