//! Reading what an OAuth client sends: form or query parameters, Basic credentials, bearer
//! tokens and cookies, without trusting any of it.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// `application/x-www-form-urlencoded` parameters (a form body or a query string).
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn parse(text: &[u8]) -> Self {
        Self {
            pairs: url::form_urlencoded::parse(text).into_owned().collect(),
        }
    }

    /// The query string and, for a form POST, the body, as one parameter set.
    pub fn from_query_and_form(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Self {
        let mut params = Self::parse(query.unwrap_or_default().as_bytes());
        if is_form(headers) {
            params.pairs.extend(Self::parse(body).pairs);
        }
        params
    }

    /// The value of `name`; an empty value counts as absent, as OAuth servers treat it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The first parameter sent more than once (RFC 6749 §3.1 forbids repeats).
    pub fn repeated(&self) -> Option<&str> {
        self.pairs.iter().enumerate().find_map(|(i, (k, _))| {
            self.pairs[..i]
                .iter()
                .any(|(other, _)| other == k)
                .then_some(k.as_str())
        })
    }

    pub fn insert(&mut self, name: &str, value: &str) {
        self.pairs.push((name.to_owned(), value.to_owned()));
    }
}

/// Whether the request body is a form.
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

/// `Authorization: Basic` client credentials, decoded. RFC 6749 §2.3.1 has the client
/// form-urlencode its id and secret before joining them with `:` and Base64-encoding the
/// pair, so both are form-decoded here (`+` is a space, `%XX` an escaped byte). PingOne's
/// ids and secrets use only characters that encoding leaves alone, so a client that skips
/// the encoding still matches.
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((form_decode(user), form_decode(password)))
}

/// `Authorization: Bearer` token.
pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The value of cookie `name` from the `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

/// Undoes `application/x-www-form-urlencoded` encoding of one value.
pub fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn params_merge_query_and_form() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        let params = Params::from_query_and_form(Some("a=1&e="), &headers, b"b=two+words&c=%2B");
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), Some("two words"));
        assert_eq!(params.get("c"), Some("+"));
        assert_eq!(params.get("e"), None);
        assert_eq!(params.repeated(), None);
        assert_eq!(Params::parse(b"x=1&y=2&x=3").repeated(), Some("x"));
    }

    #[test]
    fn reads_basic_bearer_and_cookies() {
        let mut headers = HeaderMap::new();
        let basic = format!("Basic {}", STANDARD.encode("app%3A1:s%2Bcret+x%25"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&basic).expect("ascii"),
        );
        assert_eq!(
            basic_credentials(&headers),
            Some(("app:1".to_owned(), "s+cret x%".to_owned()))
        );
        assert_eq!(form_decode("s%2Bcret+x"), "s+cret x");
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer_token(&headers).as_deref(), Some("abc"));
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; ST=xyz"));
        assert_eq!(cookie(&headers, "ST").as_deref(), Some("xyz"));
        assert_eq!(cookie(&headers, "S"), None);
    }
}
