//! One single sign-on session (the `ST` cookie's value names it).

/// One signed-on user in one environment.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub env_id: String,
    pub user_id: String,
    /// Unix seconds of the last authentication.
    pub auth_time: i64,
    pub amr: Vec<String>,
}
