//! One hop on the wire: the request made from a [`Prepared`] with the jar's cookies for its
//! URL, sent by the step's deadline, and the `Set-Cookie`s of its answer stored in the jar.

use std::time::Duration;

use reqwest::cookie::CookieStore as _;
use reqwest::header::{COOKIE, HeaderMap, HeaderValue, SET_COOKIE};
use reqwest_cookie_store::CookieStoreMutex;

use super::explain::classify;
use super::message::{Part, PartData, Prepared, PreparedBody};
use super::{HttpError, deadline};

/// Headers a request gains after the step's: the client's `User-Agent` and `Accept`, and a
/// `Cookie` from the jar.
const ADDED_HEADERS: usize = 3;

/// One request, with the jar's cookies for its URL unless the step set `Cookie` itself; the
/// response's `Set-Cookie`s go into the jar, whatever its status, and their texts onto
/// `set_cookies`. No answer by `deadline` (the step's `timeout` from this hop's start) is
/// [`HttpError::Timeout`].
pub(super) async fn send_once(
    client: &reqwest::Client,
    req: &Prepared,
    (jar, set_cookies): (&CookieStoreMutex, &mut Vec<String>),
    (deadline, timeout): (&mut deadline::Deadline<'_>, Duration),
    connect_timeout: Option<Duration>,
) -> Result<reqwest::Response, HttpError> {
    // The step's headers, with room for what is added to them on the way (the client's
    // `User-Agent` and `Accept`, a `Cookie`): a clone is sized to what it holds, and each of
    // those would grow it again.
    let mut headers = HeaderMap::with_capacity(req.headers.len() + ADDED_HEADERS);
    for (name, value) in &req.headers {
        headers.append(name, value.clone());
    }
    if !headers.contains_key(COOKIE)
        && let Some(cookies) = cookie_header(jar, &req.url)
    {
        headers.insert(COOKIE, cookies);
    }
    let builder = client.request(req.method.clone(), req.url.clone());
    let request = match &req.body {
        // The form sets its own `Content-Type` (with the boundary) after the step's headers.
        PreparedBody::Multipart(parts) => builder
            .headers(headers)
            .multipart(multipart_form(parts)?)
            .build(),
        body => {
            let builder = match body {
                PreparedBody::Bytes(b) | PreparedBody::File { bytes: b, .. } => {
                    builder.body(b.clone())
                }
                _ => builder,
            };
            // The request has no headers yet: the step's are moved in whole rather than
            // merged one by one.
            builder.build().map(|mut request| {
                *request.headers_mut() = headers;
                request
            })
        }
    };
    let send = match request {
        Ok(request) => client.execute(request),
        Err(e) => return Err(classify(&e, &req.url, timeout, connect_timeout)),
    };
    let response = tokio::select! {
        biased;
        sent = send => sent.map_err(|e| classify(&e, &req.url, timeout, connect_timeout))?,
        () = deadline.passed() => return Err(HttpError::Timeout(timeout)),
    };
    // Looked up once for both.
    let values = response.headers().get_all(SET_COOKIE);
    let mut set = values.iter().peekable();
    if set.peek().is_some() {
        set_cookies.extend(
            values
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned)),
        );
        jar.set_cookies(&mut set, &req.url);
    }
    Ok(response)
}

/// The `Cookie` header for `url`: the jar's unexpired cookies that match it, longer paths
/// first (RFC 6265 §5.4), then by name, domain and value. The jar is a hash map, so without an order the same
/// cookies would be sent in a different order from run to run, and reports of two runs would
/// differ where nothing did. (The RFC's second key is the creation time, which the jar does not
/// keep; the name makes the order stable.)
pub(super) fn cookie_header(jar: &CookieStoreMutex, url: &url::Url) -> Option<HeaderValue> {
    let store = jar
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // An empty jar (most API workflows) matches nothing, and nothing is allocated for it.
    let mut cookies = store.matches(url);
    if cookies.is_empty() {
        return None;
    }
    // Cookies of one name and path can still differ by domain (a host-only `sid` and one
    // for the parent domain): the longer domain first, then the value, so that no two
    // cookies are ever left in the jar's order.
    let len = |domain: Option<std::borrow::Cow<'_, str>>| domain.map_or(0, |d| d.len());
    cookies.sort_unstable_by(|a, b| {
        b.path
            .len()
            .cmp(&a.path.len())
            .then_with(|| a.name().cmp(b.name()))
            .then_with(|| len(b.domain.as_cow()).cmp(&len(a.domain.as_cow())))
            .then_with(|| a.value().cmp(b.value()))
    });
    let mut text = String::new();
    for cookie in cookies {
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(cookie.name());
        text.push('=');
        text.push_str(cookie.value());
    }
    HeaderValue::try_from(text).ok()
}

fn multipart_form(parts: &[Part]) -> Result<reqwest::multipart::Form, HttpError> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        form = match &part.data {
            PartData::Text(t) => form.text(part.name.clone(), t.clone()),
            PartData::File {
                file_name,
                bytes,
                content_type,
            } => {
                let mut p =
                    reqwest::multipart::Part::bytes(bytes.clone()).file_name(file_name.clone());
                if let Some(ct) = content_type {
                    p = p.mime_str(ct).map_err(|e| {
                        HttpError::Other(format!("invalid content type `{ct}`: {e}"))
                    })?;
                }
                form.part(part.name.clone(), p)
            }
        };
    }
    Ok(form)
}
