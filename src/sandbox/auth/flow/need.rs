//! What one policy action needs of the user, as the flow state machine (`engine`) asks each
//! action in turn.

use crate::sandbox::auth::flow::status::Status;

/// What one policy action needs.
pub enum Need {
    /// Nothing more: go on to the next action.
    Done,
    /// The flow waits in this status.
    Wait(Status),
    /// The flow cannot continue.
    Fail(&'static str, String),
}
