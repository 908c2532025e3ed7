//! The sandbox's auth host driven over real HTTP, as a browser and an OAuth client would:
//! every sign-on flow of the tutorials, and the error paths PingOne answers.

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use steprun::sandbox::{self, Sandbox};

/// A running sandbox, an admin token from its own token endpoint, and helpers to set up
/// applications, users and policies through `/v1`.
pub struct Kit {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub token: String,
    pub env: String,
    pub base: String,
}

/// A response: status, headers and JSON body (`Null` when empty, a string when not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub async fn from(resp: reqwest::Response) -> Reply {
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
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

    /// The `Location` header as a URL.
    pub fn location(&self) -> url::Url {
        let loc = self.headers.get("location").expect("Location header");
        url::Url::parse(loc.to_str().expect("ascii")).expect("absolute Location")
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// A query parameter of `url`.
pub fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A parameter of `url`'s fragment.
pub fn fragment(url: &url::Url, name: &str) -> Option<String> {
    url::form_urlencoded::parse(url.fragment().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The payload of a JWT (not verified).
pub fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).expect("three segments");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

impl Kit {
    pub async fn start() -> Kit {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let sandbox = sandbox::start("127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("sandbox");
        let vars = sandbox.vars().clone();
        let http = reqwest::Client::new();
        let resp = http
            .post(format!("{}/{}/as/token", vars.auth_path, vars.admin_env_id))
            .basic_auth(&vars.admin_app_id, Some(vars.admin_app_secret.expose()))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token request");
        let reply = Reply::from(resp).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let token = reply.body["access_token"]
            .as_str()
            .expect("token")
            .to_owned();
        Kit {
            http,
            token,
            env: vars.env_id.clone(),
            base: vars.auth_path.clone(),
            sandbox,
        }
    }

    /// `{authPath}/{envID}{path}`.
    pub fn auth(&self, path: &str) -> String {
        format!("{}/{}{path}", self.base, self.env)
    }

    /// A `/v1` call in the tutorial environment (`path` after `/environments/{envID}`).
    pub async fn v1(
        &self,
        method: reqwest::Method,
        path: &str,
        ct: &str,
        body: Option<Value>,
    ) -> Reply {
        let url = format!("{}/v1/environments/{}{path}", self.base, self.env);
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.header("content-type", ct).body(b.to_string());
        }
        Reply::from(req.send().await.expect("v1 request")).await
    }

    /// POSTs JSON and asserts 201.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let r = self
            .v1(reqwest::Method::POST, path, "application/json", Some(body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
        r.body
    }

    /// Creates an enabled OIDC application from `body` (merged over defaults); returns its id
    /// and secret.
    pub async fn app(&self, body: Value) -> (String, String) {
        let mut doc = json!({
            "name": format!("app-{}", uuid::Uuid::new_v4().simple()),
            "enabled": true, "type": "WEB_APP", "protocol": "OPENID_CONNECT",
            "grantTypes": ["AUTHORIZATION_CODE"], "responseTypes": ["CODE"],
            "redirectUris": ["https://app.example/cb"],
            "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
        });
        for (k, v) in body.as_object().expect("object") {
            doc[k] = v.clone();
        }
        let app = self.create("/applications", doc).await;
        let id = app["id"].as_str().expect("id").to_owned();
        let r = self
            .v1(
                reqwest::Method::GET,
                &format!("/applications/{id}/secret"),
                "",
                None,
            )
            .await;
        let secret = r.body["secret"].as_str().unwrap_or_default().to_owned();
        (id, secret)
    }

    /// Creates a user with a password; returns the id.
    pub async fn user(&self, username: &str, password: &str) -> String {
        let user = self
            .create(
                "/users",
                json!({"username": username, "email": format!("{username}@example.com")}),
            )
            .await;
        let id = user["id"].as_str().expect("id").to_owned();
        let r = self
            .v1(
                reqwest::Method::PUT,
                &format!("/users/{id}/password"),
                "application/vnd.pingidentity.password.set+json",
                Some(json!({"value": password, "forceChange": false})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "password: {}", r.body);
        id
    }

    /// Creates a sign-on policy with `actions` and assigns it to `app`.
    pub async fn policy(&self, app: &str, actions: Vec<Value>) -> String {
        let name = format!("policy-{}", uuid::Uuid::new_v4().simple());
        let policy = self.create("/signOnPolicies", json!({"name": name})).await;
        let id = policy["id"].as_str().expect("id").to_owned();
        for action in actions {
            self.create(&format!("/signOnPolicies/{id}/actions"), action)
                .await;
        }
        self.create(
            &format!("/applications/{app}/signOnPolicyAssignments"),
            json!({"priority": 1, "signOnPolicy": {"id": id}}),
        )
        .await;
        id
    }

    /// A token endpoint call with a form and optional Basic credentials.
    pub async fn token(&self, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> Reply {
        let mut req = self.http.post(self.auth("/as/token")).form(form);
        if let Some((id, secret)) = basic {
            req = req.basic_auth(id, Some(secret));
        }
        Reply::from(req.send().await.expect("token request")).await
    }

    /// A POST of a form to an auth-host path.
    pub async fn form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> Reply {
        let mut req = self.http.post(self.auth(path)).form(form);
        if let Some((id, secret)) = basic {
            req = req.basic_auth(id, Some(secret));
        }
        Reply::from(req.send().await.expect("request")).await
    }

    /// Outbox messages addressed to `to`, oldest first.
    pub async fn messages(&self, to: &str) -> Vec<Value> {
        let url = format!("{}/sandbox/messages", self.base);
        let r = Reply::from(
            self.http
                .get(url)
                .query(&[("to", to)])
                .send()
                .await
                .expect("outbox"),
        )
        .await;
        r.body["messages"].as_array().cloned().unwrap_or_default()
    }

    /// A browser: its own cookie jar, redirects not followed.
    pub fn browser(&self) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        Browser {
            client,
            base: self.auth(""),
        }
    }
}

/// A user agent with a cookie jar, talking to one environment's auth host.
pub struct Browser {
    pub client: reqwest::Client,
    base: String,
}

impl Browser {
    pub async fn get(&self, path: &str, params: &[(&str, &str)]) -> Reply {
        let url = format!("{}{path}", self.base);
        Reply::from(
            self.client
                .get(url)
                .query(params)
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// `as/authorize` in redirect mode; returns the reply (302 expected) and the flow id.
    pub async fn authorize(&self, params: &[(&str, &str)]) -> (Reply, String) {
        let r = self.get("/as/authorize", params).await;
        assert_eq!(r.status, StatusCode::FOUND, "authorize: {}", r.body);
        let flow = query(&r.location(), "flowId").expect("flowId in Location");
        (r, flow)
    }

    pub async fn flow(&self, flow: &str) -> Reply {
        self.get(&format!("/flows/{flow}"), &[]).await
    }

    /// A flow action: `application/vnd.pingidentity.{action}+json`.
    pub async fn act(&self, flow: &str, action: &str, body: Value) -> Reply {
        let url = format!("{}/flows/{flow}", self.base);
        let ct = format!("application/vnd.pingidentity.{action}+json");
        let resp = self
            .client
            .post(url)
            .header("content-type", ct)
            .body(body.to_string())
            .send()
            .await
            .expect("flow POST");
        Reply::from(resp).await
    }

    /// Signs `username` on in `flow` and expects `status`.
    pub async fn login(&self, flow: &str, username: &str, password: &str, status: &str) -> Reply {
        let r = self
            .act(
                flow,
                "usernamePassword.check",
                json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login: {}", r.body);
        assert_eq!(r.body["status"], status, "{}", r.body);
        r
    }

    pub async fn resume(&self, flow: &str) -> Reply {
        self.get("/as/resume", &[("flowId", flow)]).await
    }

    /// Authorizes (signing on unless the session already did), resumes, and returns the code.
    pub async fn sign_in(&self, params: &[(&str, &str)], username: &str) -> String {
        let (_, flow) = self.authorize(params).await;
        if self.flow(&flow).await.body["status"] != "COMPLETED" {
            self.login(&flow, username, PASSWORD, "COMPLETED").await;
        }
        query(&self.resume(&flow).await.location(), "code").expect("code")
    }
}

/// Authorize parameters of a code flow for `app` with scope `openid`.
pub fn code_request(app: &str) -> [(&str, &str); 4] {
    [
        ("response_type", "code"),
        ("client_id", app),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
    ]
}

pub const PASSWORD: &str = "Sandbox-Pass1!";
pub const REDIRECT: &str = "https://app.example/cb";

mod app_permissions;
mod audit;
mod client_auth;
mod code_flow;
mod davinci;
mod device;
mod errors;
mod external;
mod external_saml;
mod identifier_first;
mod mfa_only;
mod mobile_sdk;
mod policies;
mod refresh_grace;
mod saml;
mod saml_signature;
mod sessions;
mod signoff;
mod tokens;
