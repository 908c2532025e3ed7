//! PingOne-shaped errors (`{id, code, message, details}`) for the auth host's non-OAuth
//! answers: the flows API, unknown environments, bad authorize requests.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const INVALID_DATA_MESSAGE: &str =
    "The request could not be completed. One or more validation errors were in the request.";

/// A PingOne error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// Adds a `details[]` entry.
    #[must_use]
    pub fn detail(mut self, code: &str, target: &str, message: &str) -> Self {
        self.details
            .push(json!({"code": code, "target": target, "message": message}));
        self
    }

    /// Adds `innerError` to the last detail.
    #[must_use]
    pub fn inner(mut self, inner: Value) -> Self {
        if let Some(last) = self.details.last_mut() {
            last["innerError"] = inner;
        }
        self
    }

    /// 400 `INVALID_DATA` with one detail.
    pub fn invalid(code: &str, target: &str, message: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            INVALID_DATA_MESSAGE,
        )
        .detail(code, target, message)
    }

    /// 400 `INVALID_DATA` / `REQUIRED_VALUE`.
    pub fn required(target: &str) -> Self {
        Self::invalid("REQUIRED_VALUE", target, &format!("{target} is required"))
    }

    /// 400 `INVALID_REQUEST`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
    }

    /// 400 `REQUEST_FAILED`: the request is well formed but the state forbids it.
    pub fn request_failed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "REQUEST_FAILED", message)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The request could not be completed. The requested resource was not found.",
        )
    }

    /// 401 for a flow call without the authorize cookies.
    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "ACCESS_FAILED",
            "The request could not be completed. You do not have access to this resource.",
        )
        .detail(
            "INVALID_TOKEN",
            "Authentication Credentials",
            "The authorization token is either missing or invalid, or it has expired.",
        )
    }

    /// 415 for a media type the resource does not accept.
    pub fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "INVALID_REQUEST",
            format!(
                "The request could not be completed. The content type '{content_type}' is not supported by this resource."
            ),
        )
    }

    pub fn body(&self) -> Value {
        let mut v = json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "code": self.code,
            "message": self.message,
        });
        if !self.details.is_empty() {
            v["details"] = Value::Array(self.details.clone());
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// The management API's errors (password policy violations, ...) keep their shape here.
impl From<crate::sandbox::mgmt::error::ApiError> for ApiError {
    fn from(e: crate::sandbox::mgmt::error::ApiError) -> Self {
        let body = e.body();
        let details = body
            .get("details")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Self {
            status: e.status,
            code: e.code,
            message: e.message,
            details,
        }
    }
}

/// The result type of the flow handlers.
pub type ApiResult<T = Response> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_password_body_has_inner_error() {
        let body = ApiError::invalid("INVALID_VALUE", "password", "wrong")
            .inner(json!({"failuresRemaining": 4}))
            .body();
        assert_eq!(body["code"], "INVALID_DATA");
        assert_eq!(body["details"][0]["innerError"]["failuresRemaining"], 4);
        assert_eq!(body["id"].as_str().map(str::len), Some(36));
    }
}
