//! A response as the engine reads it for expectations and extractions (README, Extraction): the JSON
//! body parsed at most once, headers, cookies, the final URL.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};

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
    /// The body was found to be JSON by reading a member from its bytes, without `json`.
    read_as_json: Cell<bool>,
}

/// What an extraction asks for, with its templates rendered (borrowed from the step when it
/// holds none).
#[derive(Debug, Clone)]
pub enum Source<'a> {
    JsonPath(Cow<'a, str>),
    Header(Cow<'a, str>),
    Cookie(Cow<'a, str>),
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

/// `serde_json`'s recursion limit: a body nested deeper is refused (not read into memory, and
/// never a stack overflow), and the step fails saying so.
pub const MAX_JSON_NESTING: usize = 128;

impl<'a> Received<'a> {
    pub fn new(response: &'a Response, request_url: &'a Url, http: &'a Http) -> Received<'a> {
        Received {
            response,
            request_url,
            http,
            json: OnceCell::new(),
            read_as_json: Cell::new(false),
        }
    }

    /// Whether the body is JSON (parsed for it only when no member read has said so).
    pub fn is_json(&self) -> bool {
        self.read_as_json.get() || self.json().is_some()
    }

    /// The body as JSON, or `None` when it is not JSON.
    pub fn json(&self) -> Option<&Value> {
        self.json
            .get_or_init(|| serde_json::from_slice(&self.response.body).ok())
            .as_ref()
    }

    /// Why the body is not JSON, in words and bytes: empty, cut short (`truncated at byte
    /// N`), or wrong at a place (`invalid JSON at line L column C`), with the bytes there.
    pub fn not_json(&self) -> String {
        let body = &self.response.body;
        let content_type = self
            .header("content-type")
            .map_or_else(String::new, |ct| format!(" (Content-Type {ct})"));
        let Err(e) = serde_json::from_slice::<Value>(body) else {
            return "the response body is JSON".to_owned();
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return format!("the response body is empty{content_type}, not JSON");
        }
        let at = byte_offset(body, e.line(), e.column());
        if e.to_string().starts_with("recursion limit exceeded") {
            return format!(
                "the response body is JSON nested deeper than {MAX_JSON_NESTING} levels (at byte {at}){content_type}, which steprun does not read"
            );
        }
        if e.is_eof() {
            return format!(
                "the response body is JSON truncated at byte {}{content_type}: it ends in the middle of a value: {}",
                body.len(),
                excerpt(body, body.len())
            );
        }
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what);
        format!(
            "the response body is invalid JSON at line {} column {} (byte {at}){content_type}: {what}: {}",
            e.line(),
            e.column(),
            excerpt(body, at)
        )
    }

    /// The string a JSONPath's last key names in a body that is not JSON (cut short, or
    /// broken), read from its text: `"key":"value` up to the closing quote or the body's end.
    /// Only for hiding the secrets such a body carries.
    pub fn salvage(&self, path: &str) -> Option<String> {
        static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"[A-Za-z_][A-Za-z0-9_]*").expect("a valid regex")
        });
        let key = KEY.find_iter(path).last()?.as_str();
        let pattern = format!(r#""{}"\s*:\s*"((?:[^"\\]|\\.)*)"#, regex::escape(key));
        let re = regex::Regex::new(&pattern).ok()?;
        let text = self.text();
        let value = re.captures(&text)?.get(1)?.as_str();
        (!value.is_empty()).then(|| value.to_owned())
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
        source: &Source<'_>,
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

    fn source_value(&self, source: &Source<'_>) -> Result<Option<Value>, ReadError> {
        Ok(match source {
            Source::JsonPath(path) => {
                // The step's first `$.a.b` is read from the bytes, unless the document is
                // parsed already; a second one parses it (each read goes through the body).
                if self.json.get().is_none()
                    && !self.read_as_json.get()
                    && let Some(crate::jsonpath::Selected(found)) =
                        crate::jsonpath::member_in(&self.response.body, path)
                {
                    self.read_as_json.set(true);
                    return Ok(found);
                }
                let Some(doc) = self.json() else {
                    return Err(ReadError::NotJson(self.not_json()));
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

/// The 0-based byte of serde's 1-based line and column (its column counts bytes).
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = body
        .split(|&b| b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    (line_start + column.saturating_sub(1)).min(body.len())
}

/// Up to 40 bytes before `at` and 20 after, as text (`…` where cut, `⟨here⟩` at `at` when it is
/// inside); JWTs in it are hidden, since a token in a body that cannot be read cannot be
/// extracted, and so is not yet known as a secret.
fn excerpt(body: &[u8], at: usize) -> String {
    let start = at.saturating_sub(40);
    let end = (at + 20).min(body.len());
    // Control characters escaped (a line break shows as `\n`); the rest as it is.
    let text = |b: &[u8]| -> String {
        String::from_utf8_lossy(b)
            .chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let mut out = String::from("`");
    if start > 0 {
        out.push('…');
    }
    out.push_str(&text(&body[start..at]));
    if at < body.len() {
        out.push_str("⟨here⟩");
        out.push_str(&text(&body[at..end]));
    }
    if end < body.len() {
        out.push('…');
    }
    out.push('`');
    hide_tokens(&out)
}

/// Runs of 16 or more base64url characters (dots allowed, as in a JWT) mixing capitals, small
/// letters and digits, as tokens and keys are and ids and words are not, become `«hidden»`.
fn hide_tokens(text: &str) -> String {
    static RUN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[A-Za-z0-9_\-.]{16,}").expect("a valid regex")
    });
    RUN.replace_all(text, |c: &regex::Captures<'_>| {
        let run = &c[0];
        let mixed = run.bytes().any(|b| b.is_ascii_uppercase())
            && run.bytes().any(|b| b.is_ascii_lowercase())
            && run.bytes().any(|b| b.is_ascii_digit());
        if mixed {
            "«hidden»".to_owned()
        } else {
            run.to_owned()
        }
    })
    .into_owned()
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
    fn a_spot_in_a_body_is_found_and_shown_with_tokens_hidden() {
        let body = b"{\n  \"a\": 1,\n}";
        assert_eq!(byte_offset(body, 3, 1), 12);
        assert_eq!(&body[12..], b"}");
        assert_eq!(
            excerpt(body, 12),
            "`{\\n  \"a\": 1,\\n\u{27e8}here\u{27e9}}`"
        );
        let token = b"{\"access_token\":\"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let shown = excerpt(token, token.len());
        assert!(
            shown.contains("\u{ab}hidden\u{bb}") && !shown.contains("eyJ"),
            "{shown}"
        );
        // Ids and words stay.
        let id = "`7b49f5f7-1f7b-4578-816e-72a8f033a46e postLogoutRedirectUris`";
        assert_eq!(hide_tokens(id), id);
    }

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
