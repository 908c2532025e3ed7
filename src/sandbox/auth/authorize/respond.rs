//! Sending an authorization response (or error) back to the client's `redirect_uri` in the
//! requested response mode: query, fragment, or an auto-posting HTML form.

use std::fmt::Write as _;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// How authorization response parameters travel back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    /// PingOne's redirectless mode: JSON answers instead of redirects.
    PiFlow,
    Query,
    Fragment,
    FormPost,
}

impl ResponseMode {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pi.flow" => Some(Self::PiFlow),
            "query" => Some(Self::Query),
            "fragment" => Some(Self::Fragment),
            "form_post" => Some(Self::FormPost),
            _ => None,
        }
    }
}

/// `application/x-www-form-urlencoded` text of `params`.
pub fn encode(params: &[(&str, String)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        out.append_pair(k, v);
    }
    out.finish()
}

/// A 302 to `uri` carrying `params` in the query or fragment, or a 200 auto-post form.
pub fn redirect(uri: &str, mode: ResponseMode, params: &[(&str, String)]) -> Response {
    match mode {
        ResponseMode::FormPost => form_post(uri, params),
        ResponseMode::Fragment => found(&format!("{uri}#{}", encode(params))),
        ResponseMode::Query | ResponseMode::PiFlow => {
            let sep = if uri.contains('?') { '&' } else { '?' };
            found(&format!("{uri}{sep}{}", encode(params)))
        }
    }
}

/// `302 Found` to `location`.
pub fn found(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// An HTML page that posts `params` to `action` as soon as it loads.
pub fn form_post(action: &str, params: &[(&str, String)]) -> Response {
    let mut inputs = String::new();
    for (k, v) in params {
        let _ = write!(
            inputs,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\"/>",
            escape(k),
            escape(v)
        );
    }
    Html(format!(
        "<!DOCTYPE html><html><head><title>Submit</title></head>\
         <body onload=\"document.forms[0].submit()\">\
         <form method=\"post\" action=\"{}\">{inputs}\
         <noscript><button type=\"submit\">Continue</button></noscript></form></body></html>",
        escape(action)
    ))
    .into_response()
}

/// Escapes text for an HTML attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_fragment_placement() {
        let params = [("code", "a b".to_owned()), ("state", "x&y".to_owned())];
        let r = redirect("https://app/cb?x=1", ResponseMode::Query, &params);
        assert_eq!(r.status(), StatusCode::FOUND);
        assert_eq!(
            r.headers()[header::LOCATION],
            "https://app/cb?x=1&code=a+b&state=x%26y"
        );
        let r = redirect("https://app/cb", ResponseMode::Fragment, &params);
        assert_eq!(
            r.headers()[header::LOCATION],
            "https://app/cb#code=a+b&state=x%26y"
        );
        assert_eq!(escape("<\"&>"), "&lt;&quot;&amp;&gt;");
    }
}
