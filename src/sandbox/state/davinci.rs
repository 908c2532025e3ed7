//! A running simulated DaVinci flow: the PingOne flow it stands for and DaVinci's own ids.

use super::flow::Flow;

/// A running DaVinci flow: the PingOne flow it stands for and DaVinci's own ids.
#[derive(Debug, Clone)]
pub struct DaVinciFlow {
    pub flow: Flow,
    pub policy_id: String,
    pub policy_name: String,
    /// DaVinci's flow id (the flow the policy runs).
    pub flow_id: String,
    pub connection_id: String,
    /// The id of the node waiting for input, which the answer must repeat.
    pub node_id: String,
    /// The username a `login_hint_token` named, shown in the form's `formData`.
    pub hinted: Option<String>,
}
