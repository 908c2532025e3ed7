//! The sandbox's management API (`/v1`) driven over real HTTP: tokens, validation errors,
//! HAL shapes, filters, and the resources the tutorials chain together.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use steprun::sandbox::state::IssuedToken;
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

impl Api {
    async fn start() -> Api {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let sandbox = sandbox::start("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let token = "test-admin-token".to_owned();
        let state = sandbox.state();
        state.insert_token(
            &token,
            IssuedToken {
                env_id: state.admin_env_id.clone(),
                client_id: state.admin_app_id.clone(),
                subject: None,
                scopes: vec![],
                expires_at: state.auth.clock.now_secs() + 3600,
                revoked: false,
            },
        );
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
        assert_eq!(location, r.body["_links"]["self"]["href"].as_str(), "{path}: Location");
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

#[tokio::test]
async fn every_v1_request_needs_a_valid_token() {
    let api = Api::start().await;
    let url = api.url(&format!("/environments/{}/users", api.env()));
    let resp = api.http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "ACCESS_FAILED");
    assert_eq!(body["details"][0]["code"], "INVALID_TOKEN");
    assert!(body["id"].as_str().is_some());
    let resp = api.http.get(&url).bearer_auth("nope").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    let state = api.sandbox.state();
    state.insert_token(
        "expired",
        IssuedToken {
            env_id: state.admin_env_id.clone(),
            client_id: state.admin_app_id.clone(),
            subject: None,
            scopes: vec![],
            expires_at: state.auth.clock.now_secs() - 1,
            revoked: false,
        },
    );
    let resp = api
        .http
        .get(&url)
        .bearer_auth("expired")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    state.insert_token(
        "user-token",
        IssuedToken {
            env_id: api.env(),
            client_id: state.admin_app_id.clone(),
            subject: Some("someone".into()),
            scopes: vec![],
            expires_at: state.auth.clock.now_secs() + 60,
            revoked: false,
        },
    );
    let resp = api
        .http
        .get(&url)
        .bearer_auth("user-token")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["details"][0]["code"], "INSUFFICIENT_PERMISSIONS");
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn create_test_environment_tutorial_chain() {
    let api = Api::start().await;
    let org = api.sandbox.vars().org_id.clone();
    let licenses = api
        .get(&format!(
            "/organizations/{org}/licenses?filter=status%20eq%20%22active%22"
        ))
        .await;
    assert_eq!(licenses.status, StatusCode::OK);
    assert_eq!(licenses.body["count"], 1);
    assert_eq!(licenses.body["size"], 1);
    let license = licenses.body["_embedded"]["licenses"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let env = api
        .create(
            "/environments",
            json!({
                "name": "New-Solution-Env", "description": "d", "type": "SANDBOX", "region": "NA",
                "license": {"id": license},
            }),
        )
        .await;
    let env_id = env["id"].as_str().unwrap().to_owned();
    assert_eq!(env["organization"]["id"], org.as_str());
    let products: Vec<&str> = env["billOfMaterials"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert!(products.contains(&"PING_ONE_MFA"), "{products:?}");
    let self_href = env["_links"]["self"]["href"].as_str().unwrap();
    assert!(self_href.ends_with(&format!("/v1/environments/{env_id}")));
    assert!(
        env["_links"]["populations"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/populations")
    );
    assert_eq!(env["createdAt"].as_str().unwrap().len(), 24);

    // The new environment already holds PingOne's defaults.
    let policies = api
        .get(&format!(
            "/environments/{env_id}/signOnPolicies?filter=name%20eq%20%22Single_Factor%22"
        ))
        .await;
    assert_eq!(
        policies.body["_embedded"]["signOnPolicies"][0]["default"],
        true
    );
    let resources = api.get(&format!("/environments/{env_id}/resources")).await;
    let names: Vec<&str> = resources.body["_embedded"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["openid", "PingOne API"]);

    let pop = api
        .create(
            &format!("/environments/{env_id}/populations"),
            json!({"name": "Shared-Test-User-Population", "description": "p"}),
        )
        .await;
    assert_eq!(pop["userCount"], 0);
    let pop_id = pop["id"].as_str().unwrap().to_owned();
    let user = api
        .create(&format!("/environments/{env_id}/users"), json!({
            "email": "someone@example.com", "population": {"id": pop_id}, "username": "sharedTestUser",
        }))
        .await;
    let user_id = user["id"].as_str().unwrap().to_owned();
    assert_eq!(user["enabled"], true);
    assert_eq!(user["mfaEnabled"], false);
    assert_eq!(user["lifecycle"]["status"], "ACCOUNT_OK");
    assert_eq!(user["identityProvider"]["type"], "PING_ONE");
    assert_eq!(user["environment"]["id"], env_id.as_str());
    assert!(
        user["_links"]["password.set"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/password")
    );
    assert!(user.get("password").is_none());

    let password = format!("/environments/{env_id}/users/{user_id}/password");
    let set = api
        .with_type(
            Method::PUT,
            &password,
            "application/vnd.pingidentity.password.set+json",
            json!({"value": "2FederateM0re!", "forceChange": false}),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.body["status"], "OK");
    let check = |pw: &str| json!({"password": pw});
    let ok = api
        .with_type(
            Method::POST,
            &password,
            "application/vnd.pingidentity.password.check+json",
            check("2FederateM0re!"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let bad = api
        .with_type(
            Method::POST,
            &password,
            "application/vnd.pingidentity.password.check+json",
            check("wrong"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["details"][0]["innerError"]["failuresRemaining"], 4);
    {
        let store = api.sandbox.state().store();
        assert!(steprun::sandbox::mgmt::passwords::check_password(
            &store,
            &env_id,
            &user_id,
            "2FederateM0re!"
        ));
    }
    let plain = api.put(&password, json!({"value": "x"})).await;
    assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(plain.body["code"], "INVALID_REQUEST");

    let mfa = api
        .put(
            &format!("/environments/{env_id}/users/{user_id}/mfaEnabled"),
            json!({"mfaEnabled": true}),
        )
        .await;
    assert_eq!(mfa.body["mfaEnabled"], true);
    let read = api
        .get(&format!("/environments/{env_id}/users/{user_id}"))
        .await;
    assert_eq!(read.body["mfaEnabled"], true);
    let pop = api
        .get(&format!("/environments/{env_id}/populations/{pop_id}"))
        .await;
    assert_eq!(pop.body["userCount"], 1);
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn applications_secrets_grants_and_sign_on_policies() {
    let api = Api::start().await;
    let env = api.env();
    let app = api
        .create(&format!("/environments/{env}/applications"), json!({
            "enabled": true, "name": "Shared-Web-App", "type": "WEB_APP", "protocol": "OPENID_CONNECT",
            "grantTypes": ["AUTHORIZATION_CODE"], "redirectUris": ["http://localhost:3000/callback"],
            "responseTypes": ["CODE"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
        }))
        .await;
    let app_id = app["id"].as_str().unwrap().to_owned();
    assert_eq!(app["clientId"], app_id.as_str());
    assert_eq!(app["pkceEnforcement"], "OPTIONAL");
    assert!(app.get("secret").is_none());
    let secret = api
        .get(&format!("/environments/{env}/applications/{app_id}/secret"))
        .await;
    let value = secret.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(value.len(), 64);
    assert!(
        secret.body["_links"]["application"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&app_id)
    );
    let rotated = api
        .post(
            &format!("/environments/{env}/applications/{app_id}/secret"),
            json!({}),
        )
        .await;
    assert_eq!(rotated.body["previous"]["secret"], value.as_str());
    assert_ne!(rotated.body["secret"], value.as_str());

    let resources = api
        .get(&format!(
            "/environments/{env}/resources?filter=name%20eq%20%22openid%22"
        ))
        .await;
    let openid = resources.body["_embedded"]["resources"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let scopes = api
        .get(&format!("/environments/{env}/resources/{openid}/scopes"))
        .await;
    let profile = scopes.body["_embedded"]["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "profile")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let grant = api
        .create(
            &format!("/environments/{env}/applications/{app_id}/grants"),
            json!({"resource": {"id": openid}, "scopes": [{"id": profile}]}),
        )
        .await;
    assert_eq!(grant["application"]["id"], app_id.as_str());
    let again = api
        .post(
            &format!("/environments/{env}/applications/{app_id}/grants"),
            json!({"resource": {"id": openid}, "scopes": [{"id": profile}]}),
        )
        .await;
    assert_eq!(
        detail_codes(&again.body),
        [("UNIQUENESS_VIOLATION".into(), "resource.id".into())]
    );

    let policy = api
        .create(
            &format!("/environments/{env}/signOnPolicies"),
            json!({"name": "SimpleLogin", "default": "false"}),
        )
        .await;
    assert_eq!(policy["default"], false);
    let policy_id = policy["id"].as_str().unwrap().to_owned();
    let actions = format!("/environments/{env}/signOnPolicies/{policy_id}/actions");
    let mfa = api.create(&actions, json!({"priority": 10, "type": "MULTI_FACTOR_AUTHENTICATION", "email": {"enabled": true}})).await;
    assert!(mfa["deviceAuthenticationPolicy"]["id"].as_str().is_some());
    api.create(&actions, json!({"priority": 1, "type": "LOGIN"}))
        .await;
    let clash = api
        .post(&actions, json!({"priority": 1, "type": "LOGIN"}))
        .await;
    assert_eq!(clash.status, StatusCode::BAD_REQUEST);
    let bad_type = api
        .post(&actions, json!({"priority": 2, "type": "DANCE"}))
        .await;
    assert_eq!(
        bad_type.body["details"][0]["innerError"]["allowedValues"][0],
        "LOGIN"
    );
    let assignment = api
        .create(
            &format!("/environments/{env}/applications/{app_id}/signOnPolicyAssignments"),
            json!({"priority": 1, "signOnPolicy": {"id": policy_id}}),
        )
        .await;
    assert_eq!(assignment["signOnPolicy"]["id"], policy_id.as_str());
    let ordered = {
        let store = api.sandbox.state().store();
        steprun::sandbox::mgmt::directory::actions_by_priority(&store, &policy_id)
    };
    let types: Vec<&str> = ordered
        .iter()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["LOGIN", "MULTI_FACTOR_AUTHENTICATION"]);

    let deleted = api
        .delete(&format!("/environments/{env}/applications/{app_id}"))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&format!("/environments/{env}/applications/{app_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&format!("/environments/{env}/applications/{app_id}/secret"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn validation_errors_look_like_pingone() {
    let api = Api::start().await;
    let env = api.env();
    let users = format!("/environments/{env}/users");
    let missing = api.post(&users, json!({"email": "a@example.com"})).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body["code"], "INVALID_DATA");
    assert_eq!(
        detail_codes(&missing.body),
        [("REQUIRED_VALUE".into(), "username".into())]
    );

    api.create(&users, json!({"username": "Dup", "email": "a@example.com"}))
        .await;
    let dup = api
        .post(&users, json!({"username": "dup", "email": "b@example.com"}))
        .await;
    assert_eq!(
        detail_codes(&dup.body),
        [("UNIQUENESS_VIOLATION".into(), "username".into())]
    );

    let malformed = api
        .send(
            Method::POST,
            &users,
            Some("application/json"),
            Some("{\"username\":".into()),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.body["code"], "INVALID_DATA");

    let vnd = api
        .with_type(
            Method::POST,
            &users,
            "application/vnd.pingidentity.bogus+json",
            json!({}),
        )
        .await;
    assert_eq!(vnd.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(vnd.body["code"], "INVALID_REQUEST");

    let nf = api
        .get(&format!("{users}/00000000-0000-0000-0000-000000000000"))
        .await;
    assert_eq!(nf.status, StatusCode::NOT_FOUND);
    assert_eq!(nf.body["code"], "NOT_FOUND");
    let no_env = api
        .get("/environments/00000000-0000-0000-0000-000000000000/users")
        .await;
    assert_eq!(no_env.status, StatusCode::NOT_FOUND);
    let unknown = api.get("/nothing/here").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["code"], "NOT_FOUND");

    let method = api.send(Method::PATCH, &users, None, None).await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);

    let filter = api
        .get(&format!("{users}?filter=username%20zz%20%22x%22"))
        .await;
    assert_eq!(
        detail_codes(&filter.body),
        [("INVALID_FILTER".into(), "filter".into())]
    );

    let env_missing = api
        .post("/environments", json!({"name": "x", "type": "STAGING"}))
        .await;
    let targets: Vec<String> = detail_codes(&env_missing.body)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(targets, ["region", "license.id", "type"]);
    api.sandbox.shutdown().await;
}
