//! The phone a flow's `mobilePayload` named (the MFA Native SDK), and what the flow did for it.

/// The phone a flow's `mobilePayload` named, and what the MFA action did for it.
#[derive(Debug, Clone, Default)]
pub struct MobileSignOn {
    pub installation_id: String,
    /// The pairing key offered in this flow's ID token.
    pub pairing_id: Option<String>,
    /// The silent push sent for extra verification, and whether the phone acknowledged it.
    pub push_id: Option<String>,
    pub push_acknowledged: bool,
}
