//! Where a redirect leads: the next hop's request, made from the current one as browsers and
//! curl make it.

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};

use super::HttpError;
use super::message::{Prepared, PreparedBody};

/// The next hop: 303 (and 301/302 after a POST) becomes a body-less GET, as browsers and curl do;
/// 307/308 repeat the request.
pub(super) fn redirect(
    current: &Prepared,
    status: StatusCode,
    location: &HeaderValue,
) -> Result<Prepared, HttpError> {
    let text = location
        .to_str()
        .map_err(|_| HttpError::BadLocation("(not text)".into()))?;
    let url = current
        .url
        .join(text)
        .map_err(|_| HttpError::BadLocation(text.to_owned()))?;
    let keep = matches!(status.as_u16(), 307 | 308)
        || ((status.as_u16() == 301 || status.as_u16() == 302) && current.method == Method::GET);
    let mut next = current.clone();
    next.url = url;
    if !keep {
        next.method = Method::GET;
        next.body = PreparedBody::Empty;
        next.headers.remove(reqwest::header::CONTENT_TYPE);
        next.headers.remove(reqwest::header::CONTENT_LENGTH);
    }
    if next.url.origin() != current.url.origin() {
        next.headers.remove(reqwest::header::AUTHORIZATION);
    }
    Ok(next)
}
