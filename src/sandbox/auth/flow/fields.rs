//! Small readers for the JSON bodies of flow actions: a required field or a clear error.

use serde_json::{Map, Value};

use crate::sandbox::auth::api_error::{ApiError, ApiResult};

/// A required, non-empty string field of an action body.
pub fn text<'a>(body: &'a Map<String, Value>, field: &str) -> ApiResult<&'a str> {
    body.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::required(field))
}

/// A required boolean field (`accept`).
pub fn flag(body: &Map<String, Value>, field: &str) -> ApiResult<bool> {
    body.get(field)
        .and_then(Value::as_bool)
        .ok_or_else(|| ApiError::required(field))
}
