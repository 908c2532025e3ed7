//! Renders a step's templated request into bytes on the wire (`Prepared`), building JSON from
//! the value tree so a quote inside a variable never breaks the body.

use std::borrow::Cow;
use std::cell::RefCell;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde_json::Value;

use crate::engine::received::as_text;
use crate::http::{Part, PartData, Prepared, PreparedBody};
use crate::redact::Redactor;
use crate::template::{TemplateError, Templates, value_has_markup};
use crate::vars::VarStore;
use crate::workflow::model::{Auth, Body, Located, MultipartPart, Request};

/// Why a request could not be built: shown as the step's failure message.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{what}: {source}")]
    Template {
        what: String,
        #[source]
        source: TemplateError,
    },
    #[error("{0}")]
    Invalid(String),
}

/// The name a token made by `jwt_sign` is hidden under: `«jwt_sign»`.
pub const SIGNED_JWT: &str = "jwt_sign";

pub struct Renderer<'a> {
    pub templates: &'a Templates,
    pub vars: &'a VarStore,
    pub urls: &'a UrlCache,
}

/// The last URL parsed, by its text: a workflow often calls the same URL again (polling,
/// retries, a page of similar steps), and parsing one costs more than the rest of rendering.
#[derive(Debug, Default)]
pub struct UrlCache(RefCell<Option<(String, Url)>>);

impl UrlCache {
    /// The URL `text` parses to; on failure, the text back with the reason.
    fn parse(&self, text: Cow<'_, str>) -> Result<Url, (String, url::ParseError)> {
        if let Some((last, url)) = &*self.0.borrow()
            && *last == text
        {
            return Ok(url.clone());
        }
        match Url::parse(&text) {
            Ok(url) => {
                *self.0.borrow_mut() = Some((text.into_owned(), url.clone()));
                Ok(url)
            }
            Err(e) => Err((text.into_owned(), e)),
        }
    }
}

impl Renderer<'_> {
    pub fn text(&self, what: &str, t: &Located<String>) -> Result<String, RenderError> {
        self.templates
            .render_string(&t.value, self.vars)
            .map_err(|source| RenderError::Template {
                what: what.to_owned(),
                source,
            })
    }

    /// [`text`](Self::text), borrowed from the step when it holds no template.
    pub fn text_cow<'t>(
        &self,
        what: &str,
        t: &'t Located<String>,
    ) -> Result<Cow<'t, str>, RenderError> {
        if crate::template::has_markup(&t.value) {
            self.text(what, t).map(Cow::Owned)
        } else {
            Ok(Cow::Borrowed(&t.value))
        }
    }

    /// A header name as written: rendered when it holds a template.
    pub fn name<'n>(&self, name: &'n str) -> Result<Cow<'n, str>, RenderError> {
        if !crate::template::has_markup(name) {
            return Ok(Cow::Borrowed(name));
        }
        self.templates
            .render_string(name, self.vars)
            .map(Cow::Owned)
            .map_err(|source| RenderError::Template {
                what: format!("header name `{name}`"),
                source,
            })
    }

    pub fn value(&self, what: &str, v: &Value) -> Result<Value, RenderError> {
        self.templates
            .render_value(v, self.vars)
            .map_err(|source| RenderError::Template {
                what: what.to_owned(),
                source,
            })
    }

    /// Builds the request. Basic-auth credentials made from secrets (by `auth.basic` or by hand
    /// in a header) are registered with `redactor` so their Base64 form is hidden too, and so is
    /// every token `jwt_sign` signed for it, wherever it was rendered.
    pub fn request(&self, req: &Request, redactor: &mut Redactor) -> Result<Prepared, RenderError> {
        let file = req.url.source.path();
        let (prepared, signed) = crate::template::scope_of_file(file, || self.build(req, redactor));
        for token in &signed {
            redactor.add(SIGNED_JWT, token);
        }
        prepared
    }

    fn build(&self, req: &Request, redactor: &mut Redactor) -> Result<Prepared, RenderError> {
        let method_text = self.text_cow("method", &req.method)?;
        // Usually written in capitals already: then used as it is.
        let method_text = if method_text.bytes().any(|b| b.is_ascii_lowercase()) {
            Cow::Owned(method_text.to_ascii_uppercase())
        } else {
            method_text
        };
        let method = Method::from_bytes(method_text.as_bytes())
            .map_err(|_| RenderError::Invalid(format!("invalid HTTP method `{method_text}`")))?;
        let url = self.url(req)?;
        let mut headers = HeaderMap::new();
        for (name, value) in &req.headers {
            let name = self.name(name)?;
            let value = self.text(&format!("header `{name}`"), value)?;
            self.basic_credentials(&value, redactor);
            insert(&mut headers, &name, &value)?;
        }
        self.auth(&req.auth, &mut headers, redactor)?;
        let body = self.body(&req.body, &mut headers)?;
        if let Some(ct) = &req.content_type {
            let ct = self.text("content_type", ct)?;
            insert(&mut headers, "content-type", &ct)?;
        }
        Ok(Prepared {
            method,
            url,
            headers,
            body,
        })
    }

    fn url(&self, req: &Request) -> Result<Url, RenderError> {
        let text = self.text_cow("url", &req.url)?;
        let mut url = self
            .urls
            .parse(text)
            .map_err(|(text, e)| RenderError::Invalid(format!("invalid URL `{text}`: {e}")))?;
        if !req.query.is_empty() {
            let mut pairs = Vec::new();
            for (name, value) in &req.query {
                let rendered = self.value(&format!("query `{name}`"), &value.value)?;
                match rendered {
                    Value::Array(items) => {
                        pairs.extend(items.iter().map(|v| (name.clone(), as_text(v))));
                    }
                    Value::Null => {}
                    other => pairs.push((name.clone(), as_text(&other))),
                }
            }
            url.query_pairs_mut().extend_pairs(pairs);
        }
        Ok(url)
    }

    fn auth(
        &self,
        auth: &Auth,
        headers: &mut HeaderMap,
        redactor: &mut Redactor,
    ) -> Result<(), RenderError> {
        let value = match auth {
            Auth::None => return Ok(()),
            Auth::Bearer(token) => format!("Bearer {}", self.text("auth.bearer", token)?),
            Auth::Basic { username, password } => {
                let user = self.text("auth.basic.username", username)?;
                let pass = self.text("auth.basic.password", password)?;
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                format!("Basic {encoded}")
            }
        };
        self.basic_credentials(&value, redactor);
        if !headers.contains_key(AUTHORIZATION) {
            insert(headers, "authorization", &value)?;
        }
        Ok(())
    }

    /// A `Basic <Base64>` header, from `auth.basic` or written by hand: when the decoded
    /// credentials hold a secret, the Base64 is registered as a derived form of it.
    fn basic_credentials(&self, value: &str, redactor: &mut Redactor) {
        use base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        let Some((scheme, token)) = value.trim().split_once(' ') else {
            return;
        };
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("basic") || token.is_empty() {
            return;
        }
        let decoded = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(token).ok());
        let Some(decoded) = decoded else {
            return;
        };
        let text = String::from_utf8_lossy(&decoded);
        if let Some(name) = secret_in(self.vars, &[&text]) {
            redactor.add_derived(&name, token);
        }
    }

    fn body(&self, body: &Body, headers: &mut HeaderMap) -> Result<PreparedBody, RenderError> {
        let (bytes, content_type) = match body {
            Body::Empty => return Ok(PreparedBody::Empty),
            Body::Json(v) => {
                let bytes = if value_has_markup(&v.value) {
                    serde_json::to_vec(&self.value("json body", &v.value)?)
                } else {
                    // Nothing to render: written out as it is.
                    serde_json::to_vec(&v.value)
                };
                (
                    bytes.map_err(|e| RenderError::Invalid(e.to_string()))?,
                    "application/json",
                )
            }
            Body::Form(fields) => (
                self.form(fields)?.into_bytes(),
                "application/x-www-form-urlencoded",
            ),
            Body::Raw(text) => (
                self.text("body", text)?.into_bytes(),
                "text/plain; charset=utf-8",
            ),
            Body::Multipart(parts) => {
                return Ok(PreparedBody::Multipart(self.multipart(parts)?));
            }
            Body::File(path) => {
                let (path, bytes) = self.file("body file", path)?;
                if !headers.contains_key(CONTENT_TYPE) {
                    insert(headers, "content-type", "application/octet-stream")?;
                }
                return Ok(PreparedBody::File {
                    path: path.display().to_string(),
                    bytes: bytes.into(),
                });
            }
        };
        if !headers.contains_key(CONTENT_TYPE) {
            // One of the types above, valid as it is: nothing to parse.
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        Ok(PreparedBody::Bytes(bytes.into()))
    }

    fn form(&self, fields: &[(String, Located<Value>)]) -> Result<String, RenderError> {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in fields {
            match self.value(&format!("form `{name}`"), &value.value)? {
                Value::Array(items) => {
                    for item in &items {
                        out.append_pair(name, &as_text(item));
                    }
                }
                Value::Null => {}
                other => {
                    out.append_pair(name, &as_text(&other));
                }
            }
        }
        Ok(out.finish())
    }

    /// A file named by a (templated) path relative to the file `path` was written in: where
    /// it is, and its bytes.
    fn file(
        &self,
        what: &str,
        path: &Located<String>,
    ) -> Result<(std::path::PathBuf, Vec<u8>), RenderError> {
        let rel = self.text(what, path)?;
        let full = path.source.sibling(&rel);
        let bytes = std::fs::read(&full).map_err(|e| {
            let reason = crate::io_reason::Reason(&e);
            RenderError::Invalid(format!("cannot read {}: {reason}", full.display()))
        })?;
        Ok((full, bytes))
    }

    fn multipart(&self, parts: &[(String, MultipartPart)]) -> Result<Vec<Part>, RenderError> {
        parts
            .iter()
            .map(|(name, part)| {
                let data = match part {
                    MultipartPart::Field(text) => {
                        PartData::Text(self.text(&format!("multipart `{name}`"), text)?)
                    }
                    MultipartPart::File { path, content_type } => {
                        let (full, bytes) = self.file(&format!("multipart `{name}` file"), path)?;
                        PartData::File {
                            file_name: full.file_name().map_or_else(
                                || full.display().to_string(),
                                |f| f.to_string_lossy().into_owned(),
                            ),
                            bytes,
                            content_type: content_type
                                .as_ref()
                                .map(|c| self.text("multipart content_type", c))
                                .transpose()?,
                        }
                    }
                };
                Ok(Part {
                    name: name.clone(),
                    data,
                })
            })
            .collect()
    }
}

/// The name of a secret variable whose value appears in one of `texts`.
fn secret_in(vars: &VarStore, texts: &[&str]) -> Option<String> {
    vars.secrets()
        .find(|(_, v)| {
            let s = as_text(v.expose());
            !s.is_empty() && texts.iter().any(|t| t.contains(&s))
        })
        .map(|(name, _)| name.clone())
}

fn insert(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), RenderError> {
    let name = crate::http::header_name(name).map_err(RenderError::Invalid)?;
    let value = crate::http::header_value(name.as_str(), value).map_err(RenderError::Invalid)?;
    headers.insert(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_basic_header_written_by_hand_hides_its_base64() {
        let templates = Templates::new("run");
        let mut vars = VarStore::new();
        vars.set("clientId", json!("my-client"), false);
        vars.set("clientSecret", json!("s3cr3t-v@lue"), false);
        let urls = UrlCache::default();
        let renderer = Renderer {
            templates: &templates,
            vars: &vars,
            urls: &urls,
        };
        let mut redactor = Redactor::from_store(&vars);
        let encoded = STANDARD.encode("my-client:s3cr3t-v@lue");
        renderer.basic_credentials(&format!("Basic {encoded}"), &mut redactor);
        assert_eq!(
            redactor.redact(&format!("authorization: Basic {encoded}")),
            "authorization: Basic «clientSecret»"
        );
        // Credentials without a secret, and other schemes, are left alone.
        let plain = STANDARD.encode("my-client:not-secret");
        renderer.basic_credentials(&format!("Basic {plain}"), &mut redactor);
        renderer.basic_credentials("Bearer abc.def", &mut redactor);
        assert_eq!(redactor.redact(&plain), plain);
    }
}
