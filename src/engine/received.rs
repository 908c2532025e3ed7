//! A response as the engine reads it for expectations and extractions (README, Extraction): the JSON
//! body parsed at most once, headers, cookies, the final URL.

use std::cell::OnceCell;

use base64::Engine as _;
use serde_json::Value;
use url::Url;

use crate::engine::expect::{Actual, select};
pub use crate::engine::read_error::ReadError;
use crate::http::{Http, Response};

/// A response with lazily parsed views.
pub struct Received<'a> {
    pub response: &'a Response,
    /// The URL the request was sent to (relative `Location`s resolve against it).
    pub request_url: &'a Url,
    pub http: &'a Http,
    json: OnceCell<Option<Value>>,
}

/// What an extraction asks for, with its templates rendered.
#[derive(Debug, Clone)]
pub enum Source {
    JsonPath(String),
    Header(String),
    Cookie(String),
    Status,
    Body,
    Url,
}

#[derive(Debug, Clone, Default)]
pub struct Modifiers {
    pub query: Option<String>,
    pub fragment: Option<String>,
    pub regex: Option<String>,
    pub saml: Option<String>,
    pub jwt: Option<String>,
}

impl<'a> Received<'a> {
    pub fn new(response: &'a Response, request_url: &'a Url, http: &'a Http) -> Received<'a> {
        Received {
            response,
            request_url,
            http,
            json: OnceCell::new(),
        }
    }

    /// The body as JSON, or `None` when it is not JSON.
    pub fn json(&self) -> Option<&Value> {
        self.json
            .get_or_init(|| serde_json::from_slice(&self.response.body).ok())
            .as_ref()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.response.body).into_owned()
    }

    /// Header values joined with `, ` when repeated (RFC 9110), or `None`.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<std::borrow::Cow<'_, str>> = self
            .response
            .headers
            .get_all(name)
            .iter()
            .map(crate::http::header_text)
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// A cookie set by this response (any hop), else the jar's.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.response
            .set_cookies
            .iter()
            .rev()
            .filter_map(|raw| cookie::Cookie::parse(raw.as_str()).ok())
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned())
            .or_else(|| self.http.cookie(name))
    }

    /// Extracts a value; `Ok(None)` when the source or a modifier found nothing.
    pub fn extract(
        &self,
        source: &Source,
        modifiers: &Modifiers,
    ) -> Result<Option<Value>, ReadError> {
        let Some(mut value) = self.source_value(source)? else {
            return Ok(None);
        };
        if let Some(param) = &modifiers.query {
            let Some(v) = self.url_part(&value, param, false) else {
                return Ok(None);
            };
            value = Value::String(v);
        }
        if let Some(param) = &modifiers.fragment {
            let Some(v) = self.url_part(&value, param, true) else {
                return Ok(None);
            };
            value = Value::String(v);
        }
        if let Some(re) = &modifiers.regex {
            let re = regex::Regex::new(re).map_err(|source| ReadError::Regex {
                pattern: re.clone(),
                source,
            })?;
            let text = as_text(&value);
            let Some(caps) = re.captures(&text) else {
                return Ok(None);
            };
            let m = caps
                .get(1)
                .or_else(|| caps.get(0))
                .map(|m| m.as_str().to_owned());
            value = Value::String(m.unwrap_or_default());
        }
        if let Some(path) = &modifiers.saml {
            let read = crate::saml::read(&as_text(&value)).map_err(ReadError::Saml)?;
            match select(&read, path)? {
                Actual::None => return Ok(None),
                Actual::One(v) => value = v,
            }
        }
        if let Some(path) = &modifiers.jwt {
            let payload = jwt_payload(&as_text(&value))?;
            match select(&payload, path)? {
                Actual::None => return Ok(None),
                Actual::One(v) => value = v,
            }
        }
        Ok(Some(value))
    }

    fn source_value(&self, source: &Source) -> Result<Option<Value>, ReadError> {
        Ok(match source {
            Source::JsonPath(path) => {
                let Some(doc) = self.json() else {
                    return Err(ReadError::NotJson);
                };
                match select(doc, path)? {
                    Actual::None => None,
                    Actual::One(v) => Some(v),
                }
            }
            Source::Header(name) => self.header(name).map(Value::String),
            Source::Cookie(name) => self.cookie(name).map(Value::String),
            Source::Status => Some(Value::from(self.response.status.as_u16())),
            Source::Body => Some(Value::String(self.text())),
            Source::Url => Some(Value::String(self.response.url.to_string())),
        })
    }

    /// The SAML Response this response carries (README, Reading SAML): the `SAMLResponse`
    /// query parameter of its `Location` (HTTP-Redirect binding), else its body (an HTML
    /// form of the HTTP-POST binding, or the value or XML itself), read into the flat object.
    pub fn saml(&self) -> Result<Value, ReadError> {
        let from_location = self
            .header("location")
            .and_then(|location| self.url_part(&Value::String(location), "SAMLResponse", false));
        match from_location {
            Some(value) => crate::saml::read(&value),
            None => crate::saml::read(&self.text()),
        }
        .map_err(ReadError::Saml)
    }

    /// A query or fragment parameter of `value` read as a URL (relative ones resolved against
    /// the request URL). Parameters are percent-decoded, but `+` is kept as written.
    fn url_part(&self, value: &Value, param: &str, fragment: bool) -> Option<String> {
        let text = as_text(value);
        let url = self.request_url.join(&text).ok()?;
        let part = if fragment {
            url.fragment()?
        } else {
            url.query()?
        };
        part.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k) == param).then(|| percent_decode(v))
        })
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A value as text: strings as-is, anything else as JSON.
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The payload of a compact JWT, decoded without verification.
pub fn jwt_payload(token: &str) -> Result<Value, ReadError> {
    let payload = token.split('.').nth(1).ok_or(ReadError::NotJwt)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(ReadError::JwtBase64)?;
    serde_json::from_slice(&bytes).map_err(ReadError::JwtJson)
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn read_errors_keep_their_cause_and_their_words() {
        let e = jwt_payload("a.!!!.c").unwrap_err();
        assert_eq!(e.to_string(), "the JWT payload is not base64url");
        assert!(e.source().is_some(), "the base64 error is kept");
        let e = jwt_payload("nodots").unwrap_err();
        assert_eq!(e.to_string(), "the value is not a JWT (no payload part)");
        let e = crate::engine::expect::select(&Value::Null, "$[").unwrap_err();
        assert!(e.to_string().starts_with("invalid JSONPath `$[`: "), "{e}");
        assert!(e.source().is_some(), "the JSONPath error is kept");
    }
}
