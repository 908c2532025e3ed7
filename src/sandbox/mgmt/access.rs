//! Who may call `/v1`: a bearer token the auth host issued (looked up in
//! `SandboxState::tokens`), from a worker application holding at least one role.
//! User tokens may only read their own user.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::{ApiError, ApiResult};
use crate::sandbox::state::{IssuedToken, SandboxState};

/// The authenticated caller of a management request (a request extension).
#[derive(Debug, Clone)]
pub struct Caller {
    pub token: IssuedToken,
}

impl Caller {
    /// Whether the token was issued to a user (not through `client_credentials`).
    pub fn is_user(&self) -> bool {
        self.token.subject.is_some()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or_else(ApiError::invalid_token)
    }
}

/// Middleware on every `/v1` route: 401 without a valid token, 403 without permissions.
pub async fn require_token(
    State(state): State<Arc<SandboxState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let checked = authorize(&state, req.headers(), req.method(), req.uri().path());
    match checked {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Checks a bearer token the way `/v1` does, for the auth host's management-like endpoints
/// (authentication codes): a worker application's token holding a role.
pub fn check_bearer(state: &SandboxState, headers: &HeaderMap) -> ApiResult<Caller> {
    authorize(state, headers, &Method::POST, "")
}

/// Checks the token; `path` is relative to `/v1` (the router is nested there).
fn authorize(
    state: &SandboxState,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
) -> ApiResult<Caller> {
    let text = bearer(headers).ok_or_else(ApiError::invalid_token)?;
    let token = state
        .tokens()
        .get(text)
        .cloned()
        .ok_or_else(ApiError::invalid_token)?;
    if token.revoked || token.expires_at <= state.auth.clock.now_secs() {
        return Err(ApiError::invalid_token());
    }
    if let Some(subject) = &token.subject {
        let own = format!("/environments/{}/users/{subject}", token.env_id);
        let path = path.trim_end_matches('/');
        let own = own.as_str();
        if method == Method::GET && (path == own || path.strip_prefix("/v1") == Some(own)) {
            return Ok(Caller { token });
        }
        return Err(ApiError::forbidden());
    }
    let store = state.store();
    let has_role = store
        .list(&token.client_id, "roleAssignments")
        .next()
        .is_some();
    let is_worker = store
        .get(&token.env_id, "applications", &token.client_id)
        .is_some_and(|app| app["type"] == "WORKER");
    drop(store);
    if is_worker && has_role {
        Ok(Caller { token })
    } else {
        Err(ApiError::forbidden())
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn reads_bearer_tokens() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer   "));
        assert_eq!(bearer(&headers), None);
    }
}
