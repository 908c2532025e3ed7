//! Token endpoint responses are never cached (RFC 6749 §5.1): the token, device
//! authorization and introspection endpoints mark theirs.

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// Marks a token response uncacheable (RFC 6749 §5.1).
pub fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
