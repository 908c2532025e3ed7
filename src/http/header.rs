//! Header names and values checked as HTTP takes them, and values read back as text.

use reqwest::header::HeaderValue;

/// `name` as an HTTP header name, or why it cannot be one. The static check and the renderer
/// both ask here, so a name `check` lets through is one the request can carry.
pub fn header_name(name: &str) -> Result<reqwest::header::HeaderName, String> {
    reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid header name `{name}`"))
}

/// `value` as the value of header `name`, or why it cannot be one (a line break, a control
/// character).
pub fn header_value(name: &str, value: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(value)
        .map_err(|_| format!("header `{name}` has a value that is not valid in HTTP"))
}

/// A header value as text: UTF-8 when it is, else ISO-8859-1, HTTP's historical charset (RFC
/// 9110 §5.5), so no byte is lost (a secret echoed by a server that writes Latin-1 is still
/// recognised and hidden).
pub fn header_text(value: &HeaderValue) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(value.as_bytes()) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => value.as_bytes().iter().map(|&b| char::from(b)).collect(),
    }
}
