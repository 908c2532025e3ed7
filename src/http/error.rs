//! Why a send failed, in its own type: the wording says what happened on the wire (README,
//! Commands), which is what a person needs to decide whether the request may be sent again.

use std::time::Duration;

/// Why a send failed, worded by what happened on the wire: a server never reached is not one
/// that reset the connection after the request went out, nor one that stopped answering.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Sent, and nothing came back in time: the server may have processed it.
    #[error(
        "no response within {0:?} (the step's timeout): the request was sent, and the server may have processed it"
    )]
    Timeout(Duration),
    /// The status and headers came, then the body stopped coming.
    #[error(
        "the response body stalled: status {status} and {received} of {expected} bytes arrived, then nothing until the step's timeout ({after:?})"
    )]
    BodyStalled {
        status: u16,
        received: usize,
        expected: String,
        after: Duration,
    },
    /// The body grew past what steprun reads; it stopped reading there.
    #[error(
        "the response body is larger than {} MiB (status {status}): steprun stops reading there",
        limit / (1024 * 1024)
    )]
    BodyTooLarge { status: u16, limit: usize },
    /// No connection was made (refused, unknown host, TLS refused, --connect-timeout): nothing
    /// was sent.
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    /// The connection was made, the request went out, and the connection ended (reset or
    /// closed) before a whole answer came.
    #[error("{url} {what} ({reason}): the server may have processed the request")]
    Dropped {
        url: String,
        what: String,
        reason: String,
    },
    /// A failed send after answers of 429 or 503 were re-sent: `sends` in all.
    #[error("{last} (send {sends}; the earlier ones were answered 429 or 503)")]
    AfterThrottling { sends: u32, last: Box<HttpError> },
    #[error("more than {0} redirects")]
    TooManyRedirects(u32),
    #[error("redirect to an invalid location `{0}`")]
    BadLocation(String),
    #[error("{0}")]
    Other(String),
}

impl HttpError {
    /// Times the request went out (1, or more after answers of 429 or 503).
    pub fn sends(&self) -> u32 {
        match self {
            HttpError::AfterThrottling { sends, .. } => *sends,
            _ => 1,
        }
    }

    /// The error's kind as OpenTelemetry's `error.type` names it (README, Telemetry).
    pub fn kind(&self) -> &'static str {
        match self {
            HttpError::Timeout(_) => "timeout",
            HttpError::BodyStalled { .. } => "body_stalled",
            HttpError::Connect { .. } => "connect_error",
            HttpError::Dropped { .. } => "connection_dropped",
            HttpError::AfterThrottling { last, .. } => last.kind(),
            HttpError::TooManyRedirects(_) => "too_many_redirects",
            HttpError::BadLocation(_) => "bad_redirect_location",
            HttpError::BodyTooLarge { .. } => "body_too_large",
            HttpError::Other(_) => "_OTHER",
        }
    }
}
