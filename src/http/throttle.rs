//! Throttling: how many times a 429 or 503 is sent again, and how long its `Retry-After`
//! makes the next send wait.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Re-sends after a 429 or 503, at most.
pub(super) const MAX_THROTTLE_RETRIES: u32 = 3;
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// `Retry-After` in seconds or as an HTTP date, capped; one second when absent or unreadable.
pub fn retry_after(headers: &HeaderMap) -> Duration {
    let Some(value) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) else {
        return DEFAULT_RETRY_AFTER;
    };
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Duration::from_secs(secs).min(MAX_RETRY_AFTER);
    }
    match jiff::fmt::rfc2822::parse(value) {
        Ok(date) => {
            let wait = date.timestamp().duration_since(jiff::Timestamp::now());
            Duration::try_from(wait)
                .unwrap_or(Duration::ZERO)
                .min(MAX_RETRY_AFTER)
        }
        Err(_) => DEFAULT_RETRY_AFTER,
    }
}
