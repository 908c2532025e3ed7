//! A native application's push credentials and a worker's `tags`, as PingOne's pages describe
//! them: credentials written but never returned, the retired `FCM` type refused, one known tag.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

async fn native_app(api: &Api) -> String {
    let env = api.env();
    let app = api
        .create(
            &format!("/environments/{env}/applications"),
            json!({
                "enabled": true, "name": "NativeApp", "description": "Mobile App",
                "type": "NATIVE_APP", "protocol": "OPENID_CONNECT",
                "grantTypes": ["AUTHORIZATION_CODE"], "redirectUris": ["http://localhost"],
                "responseTypes": ["CODE"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
            }),
        )
        .await;
    let id = app["id"].as_str().unwrap().to_owned();
    assert!(
        app["_links"]["pushCredentials"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{id}/pushCredentials"))
    );
    id
}

fn no_secrets(doc: &Value) {
    for field in [
        "key",
        "teamId",
        "token",
        "googleServiceAccountCredentials",
        "clientSecret",
    ] {
        assert!(doc.get(field).is_none(), "{field} returned: {doc}");
    }
}

#[tokio::test]
async fn push_credentials_are_stored_but_never_returned() {
    let api = Api::start().await;
    let env = api.env();
    let app = native_app(&api).await;
    let creds = format!("/environments/{env}/applications/{app}/pushCredentials");
    let apns = api
        .create(
            &creds,
            json!({
                "type": "APNS", "key": "key.value", "teamId": "team.id",
                "token": "-----BEGIN PRIVATE KEY-----\nMIGTAgEA\n-----END PRIVATE KEY-----",
            }),
        )
        .await;
    assert_eq!(apns["type"], "APNS");
    assert_eq!(apns["application"]["id"], app.as_str());
    no_secrets(&apns);
    // The type is immutable.
    let apns_id = apns["id"].as_str().unwrap();
    let retyped = api
        .put(
            &format!("{creds}/{apns_id}"),
            json!({"type": "FCM_HTTP_V1",
            "googleServiceAccountCredentials": "{}"}),
        )
        .await;
    assert_eq!(retyped.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        detail_codes(&retyped.body),
        [("INVALID_VALUE".into(), "type".into())]
    );
    let fcm = api
        .create(
            &creds,
            json!({"type": "FCM_HTTP_V1",
            "googleServiceAccountCredentials": "{\"type\": \"service_account\"}"}),
        )
        .await;
    no_secrets(&fcm);
    let hms = api
        .create(
            &creds,
            json!({"type": "HMS", "clientId": "1024", "clientSecret": "s3cret"}),
        )
        .await;
    assert_eq!(hms["clientId"], "1024");
    no_secrets(&hms);

    let listed = api.get(&creds).await;
    assert_eq!(listed.status, StatusCode::OK);
    let items = listed.body["_embedded"]["pushCredentials"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 3);
    items.iter().for_each(no_secrets);
    let one = api.get(&format!("{creds}/{apns_id}")).await;
    assert_eq!(one.status, StatusCode::OK);
    no_secrets(&one.body);

    // PUT replaces the credentials (they must be sent again) but not the type.
    let missing = api
        .put(&format!("{creds}/{apns_id}"), json!({"type": "APNS"}))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body["code"], "INVALID_DATA");
    let mut targets: Vec<String> = detail_codes(&missing.body)
        .into_iter()
        .map(|(code, target)| {
            assert_eq!(code, "REQUIRED_VALUE");
            target
        })
        .collect();
    targets.sort();
    assert_eq!(targets, ["key", "teamId", "token"]);
    let updated = api
        .put(
            &format!("{creds}/{apns_id}"),
            json!({"type": "APNS", "key": "k2",
            "teamId": "t2", "token": "p8"}),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    no_secrets(&updated.body);

    // One credential per type.
    let twice = api
        .post(
            &creds,
            json!({"type": "HMS", "clientId": "1", "clientSecret": "2"}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        detail_codes(&twice.body),
        [("UNIQUENESS_VIOLATION".into(), "type".into())]
    );
    let gone = api.delete(&format!("{creds}/{apns_id}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&format!("{creds}/{apns_id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn retired_fcm_and_incomplete_credentials_are_refused() {
    let api = Api::start().await;
    let env = api.env();
    let app = native_app(&api).await;
    let creds = format!("/environments/{env}/applications/{app}/pushCredentials");
    let fcm = api
        .post(&creds, json!({"type": "FCM", "key": "legacy-server-key"}))
        .await;
    assert_eq!(fcm.status, StatusCode::BAD_REQUEST);
    assert_eq!(fcm.body["code"], "INVALID_DATA");
    assert_eq!(
        detail_codes(&fcm.body),
        [("INVALID_VALUE".into(), "type".into())]
    );
    assert!(fcm.body["id"].is_string() && fcm.body["message"].is_string());
    let v1 = api.post(&creds, json!({"type": "FCM_HTTP_V1"})).await;
    assert_eq!(v1.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        detail_codes(&v1.body),
        [(
            "REQUIRED_VALUE".into(),
            "googleServiceAccountCredentials".into()
        )]
    );
    let wrong_kind = api
        .post(
            &creds,
            json!({"type": "APNS", "key": 5, "teamId": "t", "token": "p8"}),
        )
        .await;
    assert_eq!(wrong_kind.status, StatusCode::BAD_REQUEST);
    let unknown = api.post(&creds, json!({"type": "WNS"})).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        detail_codes(&unknown.body)[0],
        ("INVALID_VALUE".into(), "type".into())
    );
    let empty = api.get(&creds).await;
    assert_eq!(empty.body["_embedded"]["pushCredentials"], json!([]));
}

#[tokio::test]
async fn worker_tags_are_kept_and_unknown_tags_refused() {
    let api = Api::start().await;
    let env = api.env();
    let apps = format!("/environments/{env}/applications");
    let worker = |tags: Value| {
        json!({"enabled": true, "name": format!("PingFed worker {tags}"), "type": "WORKER",
            "protocol": "OPENID_CONNECT", "grantTypes": ["CLIENT_CREDENTIALS"],
            "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC", "tags": tags})
    };
    let created = api
        .create(&apps, worker(json!(["PING_FED_CONNECTION_INTEGRATION"])))
        .await;
    assert_eq!(created["tags"], json!(["PING_FED_CONNECTION_INTEGRATION"]));
    let id = created["id"].as_str().unwrap();
    let read = api.get(&format!("{apps}/{id}")).await;
    assert_eq!(
        read.body["tags"],
        json!(["PING_FED_CONNECTION_INTEGRATION"])
    );
    assert_eq!(read.body["type"], "WORKER");

    let unknown = api.post(&apps, worker(json!(["NOT_A_TAG"]))).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body["code"], "INVALID_DATA");
    assert_eq!(
        detail_codes(&unknown.body),
        [("INVALID_VALUE".into(), "tags".into())]
    );
    let not_array = api
        .post(&apps, worker(json!("PING_FED_CONNECTION_INTEGRATION")))
        .await;
    assert_eq!(not_array.status, StatusCode::BAD_REQUEST);
    assert_eq!(detail_codes(&not_array.body)[0].1, "tags");
}
