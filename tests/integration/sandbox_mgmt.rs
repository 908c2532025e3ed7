//! The sandbox's management API (`/v1`) driven over real HTTP: tokens, validation errors,
//! HAL shapes, filters, and the resources the tutorials chain together.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use steprun::sandbox::IssuedToken;
use steprun::sandbox::{self, Sandbox};

struct Api {
    http: reqwest::Client,
    sandbox: Sandbox,
    token: String,
}

struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

/// A sandbox on a free loopback port, with `token` issued to its admin worker app for an hour.
pub async fn start_with_admin_token(token: &str) -> Sandbox {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sandbox = sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let state = sandbox.state();
    state.insert_token(
        token,
        IssuedToken {
            env_id: state.admin_env_id.clone(),
            client_id: state.admin_app_id.clone(),
            subject: None,
            scopes: vec![],
            expires_at: state.auth.clock.now_secs() + 3600,
            revoked: false,
        },
    );
    sandbox
}

impl Api {
    async fn start() -> Api {
        let token = "test-admin-token".to_owned();
        let sandbox = start_with_admin_token(&token).await;
        Api {
            http: reqwest::Client::new(),
            sandbox,
            token,
        }
    }

    fn env(&self) -> String {
        self.sandbox.vars().env_id.clone()
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.sandbox.vars().api_path)
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<String>,
    ) -> Reply {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, None).await
    }
    async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(
            Method::POST,
            path,
            Some("application/json"),
            Some(body.to_string()),
        )
        .await
    }
    async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(
            Method::PUT,
            path,
            Some("application/json"),
            Some(body.to_string()),
        )
        .await
    }
    async fn with_type(&self, method: Method, path: &str, ct: &str, body: Value) -> Reply {
        self.send(method, path, Some(ct), Some(body.to_string()))
            .await
    }
    async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None, None).await
    }
    /// POSTs and asserts 201; returns the created document.
    async fn create(&self, path: &str, body: Value) -> Value {
        let r = self.post(path, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
        let location = r.headers.get("location").and_then(|v| v.to_str().ok());
        assert_eq!(
            location,
            r.body["_links"]["self"]["href"].as_str(),
            "{path}: Location"
        );
        r.body
    }
}

fn detail_codes(body: &Value) -> Vec<(String, String)> {
    body["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|x| {
                    (
                        x["code"].as_str().unwrap_or("").to_owned(),
                        x["target"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

mod access;
mod activities;
mod authorize;
mod config;
mod device_policies;
mod directory;
mod downloads;
mod fuzzed;
mod images;
mod propagation;
mod push_credentials;
mod shapes;
