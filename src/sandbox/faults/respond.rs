//! The answers a fault gives instead of (or made from) the handler's: PingOne's throttling
//! errors, bodies cut or corrupted, and answers that never come.

use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, HeaderValue, RETRY_AFTER};
use axum::response::{IntoResponse as _, Response};
use bytes::Bytes;
use futures_util::StreamExt as _;

use super::serve::Conn;
use crate::sandbox::mgmt::error::ApiError;

/// How long a stall lasts at most: far beyond any step's timeout, yet a sandbox serving for
/// hours does not keep every stalled connection forever.
const STALL_MAX: Duration = Duration::from_mins(10);

/// 429 or 503 as PingOne words them, with `Retry-After` in whole seconds (rounded up).
pub(super) fn throttled(status: u16, retry_after: Option<Duration>) -> Response {
    let (status, code, message) = if status == 429 {
        (
            StatusCode::TOO_MANY_REQUESTS,
            "REQUEST_LIMITED",
            "The request could not be completed. Too many requests.",
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "The request could not be completed. The service is unavailable.",
        )
    };
    let mut response = ApiError::new(status, code, message).into_response();
    if let Some(after) = retry_after {
        let secs = after.as_millis().div_ceil(1000);
        if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
    }
    response
}

/// Resets the connection (TCP RST) and never answers. Without a connection to reset (the
/// layer served some other way), the answer's body fails at once, which closes the
/// connection mid-answer: the nearest thing.
pub(super) async fn reset(conn: Option<Conn>) -> Response {
    match conn {
        Some(conn) => {
            conn.reset();
            stall().await
        }
        None => broken(),
    }
}

/// Nothing is sent for [`STALL_MAX`]; then the connection is dropped.
pub(super) async fn stall() -> Response {
    tokio::time::sleep(STALL_MAX).await;
    broken()
}

/// A 200 whose body fails before its first byte: hyper drops the connection.
fn broken() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("sandbox fault: connection dropped"))
    });
    Response::new(Body::from_stream(failing))
}

/// The handler's answer, its body read whole (the sandbox's bodies are small).
async fn read(response: Response) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

/// The first half of the body, sent as a whole answer (its `Content-Length` agrees).
pub(super) async fn truncated(response: Response) -> Response {
    let (mut parts, bytes) = read(response).await;
    parts.headers.remove(CONTENT_LENGTH);
    let half = bytes.slice(..bytes.len() / 2);
    Response::from_parts(parts, Body::from(half))
}

/// The body made invalid JSON where a careless server would: a comma before its last closing
/// bracket (`{"a":1,}`). A body without one gets an XSSI guard line (`)]}'`) in front.
pub(super) async fn invalid_json(response: Response) -> Response {
    let (mut parts, bytes) = read(response).await;
    if bytes.is_empty() {
        return Response::from_parts(parts, Body::empty());
    }
    parts.headers.remove(CONTENT_LENGTH);
    let mut out = Vec::with_capacity(bytes.len() + 5);
    if let Some(at) = bytes.iter().rposition(|&b| b == b'}' || b == b']') {
        out.extend_from_slice(&bytes[..at]);
        out.push(b',');
        out.extend_from_slice(&bytes[at..]);
    } else {
        out.extend_from_slice(b")]}'\n");
        out.extend_from_slice(&bytes);
    }
    Response::from_parts(parts, Body::from(out))
}

/// Status, headers (with the whole body's `Content-Length`) and half the body; then nothing.
pub(super) async fn stalled_body(response: Response) -> Response {
    let (mut parts, bytes) = read(response).await;
    if bytes.is_empty() {
        return stall().await;
    }
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    let rest = futures_util::stream::once(async {
        tokio::time::sleep(STALL_MAX).await;
        Err::<Bytes, std::io::Error>(std::io::Error::other("sandbox fault: body stalled"))
    });
    let body = futures_util::stream::once(async move { Ok(half) }).chain(rest);
    Response::from_parts(parts, Body::from_stream(body))
}
