//! PingOne-shaped error responses: `{id, code, message, details[]}` with the matching status,
//! so a bad request never becomes a panic or axum's plain-text rejection.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const INVALID_DATA_MESSAGE: &str =
    "The request could not be completed. One or more validation errors were in the request.";

/// One entry of an error's `details[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub code: &'static str,
    pub target: Option<String>,
    pub message: String,
    pub inner: Option<Value>,
}

impl Detail {
    pub fn new(code: &'static str, target: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            target: Some(target.to_owned()),
            message: message.into(),
            inner: None,
        }
    }
    #[must_use]
    pub fn with_inner(mut self, inner: Value) -> Self {
        self.inner = Some(inner);
        self
    }
    fn to_json(&self) -> Value {
        let mut v = json!({ "code": self.code });
        if let Some(target) = &self.target {
            v["target"] = json!(target);
        }
        v["message"] = json!(self.message);
        if let Some(inner) = &self.inner {
            v["innerError"] = inner.clone();
        }
        v
    }
}

/// An error the management API returns; `IntoResponse` renders PingOne's error body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<Detail>,
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
    /// 400 `INVALID_DATA` with the given details.
    pub fn invalid(details: Vec<Detail>) -> Self {
        Self {
            details,
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "INVALID_DATA",
                INVALID_DATA_MESSAGE,
            )
        }
    }
    /// 400 `INVALID_DATA` with one detail.
    pub fn invalid_value(code: &'static str, target: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![Detail::new(code, target, message)])
    }
    /// 400 `INVALID_DATA` / `REQUIRED_VALUE` for a missing field.
    pub fn required(target: &str) -> Self {
        Self::invalid_value("REQUIRED_VALUE", target, format!("{target} is required"))
    }
    /// 400 `INVALID_DATA` / `UNIQUENESS_VIOLATION`.
    pub fn not_unique(target: &str, message: impl Into<String>) -> Self {
        Self::invalid_value("UNIQUENESS_VIOLATION", target, message)
    }
    /// 400 `INVALID_REQUEST` (a request PingOne refuses for its form, not its data).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
    }
    /// 400 `REQUEST_FAILED` (valid data, but the current state forbids the operation).
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
    pub fn invalid_token() -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            "ACCESS_FAILED",
            "The request could not be completed. You do not have access to this resource.",
        );
        e.details.push(Detail::new(
            "INVALID_TOKEN",
            "Authentication Credentials",
            "The authorization token is either missing or invalid, or it has expired.",
        ));
        e
    }
    pub fn forbidden() -> Self {
        let mut e = Self::new(
            StatusCode::FORBIDDEN,
            "ACCESS_FAILED",
            "The request could not be completed. You do not have access to this resource.",
        );
        e.details.push(Detail {
            code: "INSUFFICIENT_PERMISSIONS",
            target: None,
            message: "The actor attempting to perform the request is not authorized.".into(),
            inner: None,
        });
        e
    }
    pub fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "INVALID_REQUEST",
            format!(
                "The request could not be completed. The content type '{content_type}' is not supported by this resource."
            ),
        )
    }
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "The request could not be completed. The HTTP method is not supported by this resource.",
        )
    }
    /// Sets `innerError` on the first detail.
    #[must_use]
    pub fn with_inner(mut self, inner: Value) -> Self {
        if let Some(d) = self.details.first_mut() {
            d.inner = Some(inner);
        }
        self
    }
    /// The JSON body PingOne sends for this error.
    pub fn body(&self) -> Value {
        let mut v = json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "code": self.code,
            "message": self.message,
        });
        if !self.details.is_empty() {
            v["details"] = Value::Array(self.details.iter().map(Detail::to_json).collect());
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// The result type of every management handler.
pub type ApiResult<T = Response> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_data_body_has_pingone_shape() {
        let body = ApiError::required("name").body();
        assert_eq!(body["code"], "INVALID_DATA");
        assert!(body["id"].as_str().is_some_and(|s| s.len() == 36));
        assert_eq!(body["details"][0]["code"], "REQUIRED_VALUE");
        assert_eq!(body["details"][0]["target"], "name");
    }

    #[test]
    fn not_found_has_no_details() {
        let body = ApiError::not_found().body();
        assert_eq!(body["code"], "NOT_FOUND");
        assert!(body.get("details").is_none());
    }
}
