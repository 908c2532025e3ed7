//! What a refresh token stands for, and where it is in its rotation.

use super::grant::Grant;

/// What a refresh token stands for.
#[derive(Debug, Clone)]
pub struct RefreshRecord {
    pub grant: Grant,
    /// Shared by all rotations of one original grant.
    pub family: String,
    /// When it was first exchanged, in milliseconds (kept for the grace period and to detect
    /// replays).
    pub used_at: Option<i64>,
}
