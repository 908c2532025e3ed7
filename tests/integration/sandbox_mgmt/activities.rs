//! Audit activities (`/environments/{envID}/activities`) as the management API records
//! them: users created and deleted, found with PingOne's filter, in its HAL envelope, and
//! every filter PingOne refuses refused with its 400 body.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

fn activities(body: &Value) -> Vec<Value> {
    body["_embedded"]["activities"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn users_created_and_deleted_are_recorded_and_found_by_filter() {
    let api = Api::start().await;
    let env = api.env();
    let before = api.get(&format!("/environments/{env}/activities")).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    let start = before.body["count"].as_u64().unwrap();

    let ada = api
        .create(
            &format!("/environments/{env}/users"),
            json!({"username": "ada", "email": "ada@example.com"}),
        )
        .await;
    let ada_id = ada["id"].as_str().unwrap().to_owned();
    let bob = api
        .create(
            &format!("/environments/{env}/users"),
            json!({"username": "bob", "email": "bob@example.com"}),
        )
        .await;
    let bob_id = bob["id"].as_str().unwrap().to_owned();
    let deleted = api
        .delete(&format!("/environments/{env}/users/{bob_id}"))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);

    let all = api.get(&format!("/environments/{env}/activities")).await;
    assert_eq!(all.body["count"].as_u64().unwrap(), start + 3);
    assert_eq!(all.body["size"].as_u64().unwrap(), start + 3);

    // The tutorial's form: a resource id and an action type, parenthesized.
    let filter = format!(r#"resources.id eq "{ada_id}" and (action.type eq "USER.CREATED")"#);
    let found = api
        .get(&format!(
            "/environments/{env}/activities?filter={}",
            urlencode(&filter)
        ))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let list = activities(&found.body);
    assert_eq!(list.len(), 1, "{}", found.body);
    let event = &list[0];
    assert_eq!(found.body["count"], 1);
    assert_eq!(found.body["size"], 1);
    assert_eq!(event["action"]["type"], "USER.CREATED");
    assert_eq!(event["resources"][0]["type"], "USER");
    assert_eq!(event["resources"][0]["id"], ada_id.as_str());
    assert_eq!(event["resources"][0]["name"], "ada");
    assert_eq!(event["result"]["status"], "SUCCESS");
    assert_eq!(
        event["actors"]["client"]["id"],
        api.sandbox.vars().admin_app_id.as_str()
    );
    assert_eq!(event["actors"]["client"]["type"], "CLIENT");
    assert!(event["recordedAt"].as_str().unwrap().ends_with('Z'));
    let self_href = event["_links"]["self"]["href"].as_str().unwrap().to_owned();
    let one = api.get(&self_href).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body["id"], event["id"]);

    // The reference's form: a time window (PingOne's upper-case AND) and an action type.
    let recorded = event["recordedAt"].as_str().unwrap();
    let window = format!(
        r#"recordedat ge "{recorded}" AND recordedat lt "2999-01-01T00:00:00Z" AND action.type eq "USER.DELETED""#
    );
    let deletions = api
        .get(&format!(
            "/environments/{env}/activities?filter={}",
            urlencode(&window)
        ))
        .await;
    let list = activities(&deletions.body);
    assert_eq!(list.len(), 1, "{}", deletions.body);
    assert_eq!(list[0]["resources"][0]["id"], bob_id.as_str());
    let future = r#"recordedAt gt "2999-01-01T00:00:00.000Z""#;
    let none = api
        .get(&format!(
            "/environments/{env}/activities?filter={}",
            urlencode(future)
        ))
        .await;
    assert_eq!(none.body["count"], 0);
    assert_eq!(activities(&none.body).len(), 0);

    // POST carries the filter in the body, out of the URL.
    let posted = api
        .post(
            &format!("/environments/{env}/activities"),
            json!({"filter": format!(r#"resources.type eq "user" and resources.id eq "{ada_id}""#), "limit": 10}),
        )
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    assert_eq!(activities(&posted.body).len(), 1);

    let missing = api
        .get(&format!(
            "/environments/{env}/activities/{}",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn filters_pingone_refuses_get_its_400() {
    let api = Api::start().await;
    let env = api.env();
    for bad in [
        r"action.type eq",
        r#"username eq "ada""#,
        r#"action.type sw "USER""#,
        r#"recordedat gt "last tuesday""#,
        r#"not (action.type eq "USER.CREATED")"#,
        r#"resources.id eq "a" and (action.type eq "USER.CREATED""#,
    ] {
        let r = api
            .get(&format!(
                "/environments/{env}/activities?filter={}",
                urlencode(bad)
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA", "{bad}: {}", r.body);
        assert!(r.body["id"].is_string());
        assert!(r.body["message"].is_string());
        assert_eq!(
            detail_codes(&r.body),
            [("INVALID_FILTER".into(), "filter".into())],
            "{bad}"
        );
    }
    let posted = api
        .post(
            &format!("/environments/{env}/activities"),
            json!({"filter": 3}),
        )
        .await;
    assert_eq!(posted.status, StatusCode::BAD_REQUEST);
    let unknown_env = api
        .get(&format!(
            "/environments/{}/activities",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(unknown_env.status, StatusCode::NOT_FOUND);
}
