//! Tokens, permissions, error bodies and roles on `/v1`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

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
async fn worker_token_from_the_auth_host_is_accepted() {
    let api = Api::start().await;
    let vars = api.sandbox.vars().clone();
    let resp = api
        .http
        .post(format!("{}/{}/as/token", vars.auth_path, vars.admin_env_id))
        .basic_auth(&vars.admin_app_id, Some(vars.admin_app_secret.expose()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let token: Value = resp.json().await.unwrap();
    let access = token["access_token"].as_str().unwrap();
    let envs = api
        .http
        .get(format!("{}/environments", vars.api_path))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(envs.status(), StatusCode::OK);
    let body: Value = envs.json().await.unwrap();
    assert_eq!(body["count"], 2);
    let ids: Vec<&str> = body["_embedded"]["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&vars.env_id.as_str()) && ids.contains(&vars.admin_env_id.as_str()));

    // A worker without roles gets tokens but no management access.
    let worker = api
        .create(&format!("/environments/{}/applications", vars.env_id), json!({
            "name": "No roles", "type": "WORKER", "protocol": "OPENID_CONNECT", "enabled": true,
            "grantTypes": ["CLIENT_CREDENTIALS"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
        }))
        .await;
    let worker_id = worker["id"].as_str().unwrap();
    let secret = api
        .get(&format!(
            "/environments/{}/applications/{worker_id}/secret",
            vars.env_id
        ))
        .await;
    let resp = api
        .http
        .post(format!("{}/{}/as/token", vars.auth_path, vars.env_id))
        .basic_auth(worker_id, secret.body["secret"].as_str())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let token: Value = resp.json().await.unwrap();
    let denied = api
        .http
        .get(format!("{}/environments", vars.api_path))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
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

#[tokio::test]
async fn roles_and_role_assignments() {
    let api = Api::start().await;
    let env = api.env();
    let org = api.sandbox.vars().org_id.clone();
    let roles = api.get("/roles").await;
    let find = |name: &str| {
        roles.body["_embedded"]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (env_admin, org_admin) = (find("Environment Admin"), find("Organization Admin"));
    let user = api
        .create(
            &format!("/environments/{env}/users"),
            json!({"username": "admin", "email": "a@example.com"}),
        )
        .await;
    let assignments = format!(
        "/environments/{env}/users/{}/roleAssignments",
        user["id"].as_str().unwrap()
    );
    let a = api
        .create(
            &assignments,
            json!({"role": {"id": env_admin}, "scope": {"id": env, "type": "ENVIRONMENT"}}),
        )
        .await;
    assert_eq!(a["readOnly"], false);
    assert!(
        a["_links"]["role"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/v1/roles/{env_admin}"))
    );
    api.create(
        &assignments,
        json!({"role": {"id": org_admin}, "scope": {"id": org, "type": "ORGANIZATION"}}),
    )
    .await;
    let dup = api
        .post(
            &assignments,
            json!({"role": {"id": env_admin}, "scope": {"id": env, "type": "ENVIRONMENT"}}),
        )
        .await;
    assert_eq!(
        dup.body["details"][0]["message"],
        "May not assign duplicate Role"
    );
    let wrong_scope = api
        .post(
            &assignments,
            json!({"role": {"id": org_admin}, "scope": {"id": env, "type": "ENVIRONMENT"}}),
        )
        .await;
    assert_eq!(wrong_scope.status, StatusCode::BAD_REQUEST);
    assert_eq!(api.get(&assignments).await.body["count"], 2);
    let custom = api
        .create(
            &format!("/environments/{env}/roles"),
            json!({"name": "Auditor", "applicableTo": ["ENVIRONMENT"]}),
        )
        .await;
    assert_eq!(custom["type"], "CUSTOM");
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn user_tokens_may_only_read_their_own_user() {
    let api = Api::start().await;
    let env = api.env();
    let me = api
        .create(
            &format!("/environments/{env}/users"),
            json!({"username": "me", "email": "me@example.com"}),
        )
        .await;
    let other = api
        .create(
            &format!("/environments/{env}/users"),
            json!({"username": "other", "email": "o@example.com"}),
        )
        .await;
    let state = api.sandbox.state();
    state.insert_token(
        "me-token",
        IssuedToken {
            env_id: env.clone(),
            client_id: "some-app".into(),
            subject: me["id"].as_str().map(str::to_owned),
            scopes: vec!["p1:read:user".into()],
            expires_at: state.auth.clock.now_secs() + 60,
            revoked: false,
        },
    );
    let own = api
        .http
        .get(api.url(&format!(
            "/environments/{env}/users/{}",
            me["id"].as_str().unwrap()
        )))
        .bearer_auth("me-token")
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    let theirs = api
        .http
        .get(api.url(&format!(
            "/environments/{env}/users/{}",
            other["id"].as_str().unwrap()
        )))
        .bearer_auth("me-token")
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::FORBIDDEN);
    api.sandbox.shutdown().await;
}
