//! Reading a response body whole: within a size limit a server cannot push us past, and by
//! the step's deadline, a body that stalls or drops named with what had arrived.

use std::time::Duration;

use reqwest::Url;

use super::{HttpError, deadline, explain};

/// The largest response body read: past it the step fails and the connection is dropped,
/// so a server sending without end cannot exhaust memory.
pub const MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;
/// The most allocated for a body before it arrives, whatever its `Content-Length` says.
const PREALLOCATED_BODY_MAX: u64 = 64 * 1024;

/// The body, whole, by the step's deadline (`timeout` after its hop was sent); a body that
/// stops coming, or a connection that drops while it comes, is named with what had arrived.
pub(super) async fn read_body(
    mut response: reqwest::Response,
    url: &Url,
    (deadline, timeout): (&mut deadline::Deadline<'_>, Duration),
) -> Result<bytes::Bytes, HttpError> {
    let status = response.status().as_u16();
    let content_length = response.content_length();
    let too_large = || HttpError::BodyTooLarge {
        status,
        limit: MAX_RESPONSE_BODY,
    };
    if content_length.is_some_and(|n| n > MAX_RESPONSE_BODY as u64) {
        return Err(too_large());
    }
    // Sized from the announced length (up to a bound a server cannot make us allocate past):
    // one allocation for the usual body rather than growing into it. Each chunk is copied out
    // at once, so none holds the connection's read buffer.
    let announced = content_length.map_or(0, |n| n.min(PREALLOCATED_BODY_MAX));
    let mut body = bytes::BytesMut::with_capacity(usize::try_from(announced).unwrap_or(0));
    loop {
        let next = tokio::select! {
            biased;
            next = response.chunk() => Ok(next),
            () = deadline.passed() => Err(()),
        };
        match next {
            Ok(Ok(Some(chunk))) if body.len() + chunk.len() > MAX_RESPONSE_BODY => {
                return Err(too_large());
            }
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            Ok(Ok(None)) => return Ok(body.freeze()),
            Ok(Err(e)) if !e.is_timeout() => {
                return Err(explain::in_body(&e, url, status, body.len()));
            }
            Ok(Err(_)) | Err(()) => {
                return Err(HttpError::BodyStalled {
                    status,
                    received: body.len(),
                    expected: content_length
                        .map_or_else(|| "an unknown number of".to_owned(), |n| n.to_string()),
                    after: timeout,
                });
            }
        }
    }
}
