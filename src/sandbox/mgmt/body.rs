//! Request bodies: the media type PingOne uses to select an action, and the JSON itself,
//! parsed by hand so malformed JSON and unknown media types get PingOne's errors.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult};

const VND_PREFIX: &str = "application/vnd.pingidentity.";

/// What the `Content-Type` header said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Media {
    /// No header.
    Absent,
    /// `application/json`.
    Json,
    /// `application/vnd.pingidentity.<action>+json`: holds `<action>` (e.g. `password.set`).
    Action(String),
    /// Anything else, verbatim.
    Other(String),
}

impl Media {
    pub fn parse(header: Option<&str>) -> Self {
        let Some(raw) = header else {
            return Self::Absent;
        };
        let essence = raw
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if essence == "application/json" {
            return Self::Json;
        }
        if essence.starts_with(VND_PREFIX) {
            let original = raw.split(';').next().unwrap_or_default().trim();
            let action = &original[VND_PREFIX.len()..];
            let action = action.strip_suffix("+json").unwrap_or(action);
            return Self::Action(action.to_owned());
        }
        Self::Other(raw.to_owned())
    }
    /// The header as sent, for error messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Absent => "none".to_owned(),
            Self::Json => "application/json".to_owned(),
            Self::Action(action) => format!("{VND_PREFIX}{action}+json"),
            Self::Other(raw) => raw.clone(),
        }
    }
}

/// A request body: its media type and its JSON (`Null` when the body is empty).
#[derive(Debug, Clone)]
pub struct Body {
    pub media: Media,
    pub json: Value,
    /// The bytes as sent (multipart uploads, PEM files).
    pub raw: Bytes,
}

impl Body {
    /// A plain JSON object body (`application/json`, or no header); anything else is 415.
    pub fn object(self) -> ApiResult<Map<String, Value>> {
        match &self.media {
            Media::Json | Media::Absent => into_object(self.json),
            other => Err(ApiError::unsupported_media_type(&other.describe())),
        }
    }
    /// The action a `vnd.pingidentity` media type selects, among `allowed`, with its object
    /// body. A plain JSON body maps to `default` when given.
    pub fn action(
        self,
        allowed: &[&'static str],
        default: Option<&'static str>,
    ) -> ApiResult<(&'static str, Map<String, Value>)> {
        let action = match &self.media {
            Media::Action(a) => allowed.iter().find(|x| x.eq_ignore_ascii_case(a)).copied(),
            Media::Json | Media::Absent => default,
            Media::Other(_) => None,
        };
        let Some(action) = action else {
            return Err(ApiError::unsupported_media_type(&self.media.describe()));
        };
        let json = if self.json.is_null() {
            Value::Object(Map::new())
        } else {
            self.json
        };
        Ok((action, into_object(json)?))
    }
}

fn into_object(json: Value) -> ApiResult<Map<String, Value>> {
    match json {
        Value::Object(map) => Ok(map),
        Value::Null => Err(ApiError::invalid_value(
            "INVALID_VALUE",
            "body",
            "The request body is missing",
        )),
        _ => Err(ApiError::invalid_value(
            "INVALID_VALUE",
            "body",
            "The request body must be a JSON object",
        )),
    }
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let media = Media::parse(
            req.headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
        );
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::bad_request(format!("The request body could not be read: {e}"))
        })?;
        let json = if bytes.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else if matches!(media, Media::Other(_)) {
            // Not JSON by its own account: keep nothing, the handler decides (usually 415).
            Value::Null
        } else {
            serde_json::from_slice(&bytes).map_err(|e| {
                ApiError::invalid_value(
                    "INVALID_VALUE",
                    "body",
                    format!("The request body is not valid JSON: {e}"),
                )
            })?
        };
        Ok(Self {
            media,
            json,
            raw: bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_media_types() {
        assert_eq!(Media::parse(None), Media::Absent);
        assert_eq!(
            Media::parse(Some("application/json; charset=utf-8")),
            Media::Json
        );
        assert_eq!(
            Media::parse(Some("application/vnd.pingidentity.password.set+json")),
            Media::Action("password.set".into())
        );
        assert_eq!(
            Media::parse(Some("application/vnd.pingidentity.password.forceChange")),
            Media::Action("password.forceChange".into())
        );
        assert_eq!(
            Media::parse(Some("text/plain")),
            Media::Other("text/plain".into())
        );
    }

    #[test]
    fn action_checks_the_allowed_list() {
        let body = Body {
            media: Media::Action("password.bogus".into()),
            json: Value::Null,
            raw: Bytes::new(),
        };
        let err = body.action(&["password.set"], None).unwrap_err();
        assert_eq!(err.status, axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let body = Body {
            media: Media::Json,
            json: serde_json::json!({"a": 1}),
            raw: Bytes::new(),
        };
        let (action, map) = body
            .action(&["password.set"], Some("password.set"))
            .unwrap();
        assert_eq!(action, "password.set");
        assert_eq!(map["a"], 1);
    }
}
