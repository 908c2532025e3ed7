//! Requests the sandbox stored though PingOne refuses them, found by a schema fuzzer
//! (schemathesis, `.ci/fuzz-sandbox`) or reported against it. Each test drives the sandbox
//! over HTTP and names the PingOne page (developer.pingidentity.com/pingone-api/…) the
//! expected behaviour was read from.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::*;

/// platform/users/users-1/create-user-import.html: "This operation uses the
/// application/vnd.pingidentity.user.import+json custom content type"; 201 and the user.
#[tokio::test]
async fn users_are_imported_with_the_import_media_type() {
    let api = Api::start().await;
    let env = api.env();
    let users = format!("/environments/{env}/users");
    let pop = api
        .get(&format!("/environments/{env}/populations"))
        .await
        .body["_embedded"]["populations"][0]["id"]
        .clone();
    let r = api
        .with_type(
            Method::POST,
            &users,
            "application/vnd.pingidentity.user.import+json",
            json!({"username": "imported", "email": "imported@example.com",
                "population": {"id": pop}, "password": {"value": "2FederateM0re!", "forceChange": false}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["username"], "imported");
    assert!(r.body.get("password").is_none());
    let id = r.body["id"].as_str().unwrap();
    let check = api
        .with_type(
            Method::POST,
            &format!("{users}/{id}/password"),
            "application/vnd.pingidentity.password.check+json",
            json!({"password": "2FederateM0re!"}),
        )
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    // The import follows the same validation: a username is required.
    let r = api
        .with_type(
            Method::POST,
            &users,
            "application/vnd.pingidentity.user.import+json",
            json!({"email": "nobody@example.com"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(detail_codes(&r.body).contains(&("REQUIRED_VALUE".into(), "username".into())));
    // Other actions are still not a way to create a user.
    let r = api
        .with_type(
            Method::POST,
            &users,
            "application/vnd.pingidentity.password.set+json",
            json!({"username": "x", "email": "x@example.com"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
}

/// platform/populations/create-population.html: `passwordPolicy.id` and `theme.id` are the
/// request model's references; PingOne answers 400 `INVALID_DATA` to a reference without an id
/// and keeps nothing but the id.
#[tokio::test]
async fn a_population_references_its_password_policy_by_id_only() {
    let api = Api::start().await;
    let env = api.env();
    let pops = format!("/environments/{env}/populations");
    for bad in [
        json!({"name": "p1", "passwordPolicy": {}}),
        json!({"name": "p2", "passwordPolicy": {"junk": 1}}),
        json!({"name": "p3", "passwordPolicy": {"id": true}}),
        json!({"name": "p4", "passwordPolicy": "standard"}),
        json!({"name": "p5", "theme": {"name": "dark"}}),
    ] {
        let r = api.post(&pops, bad.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA");
    }
    let r = api
        .post(
            &pops,
            json!({"name": "p6", "passwordPolicy": {"id": "no-such-policy"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        detail_codes(&r.body),
        [("INVALID_VALUE".to_owned(), "passwordPolicy.id".to_owned())]
    );
    let all = api.get(&pops).await.body;
    let names: Vec<&str> = all["_embedded"]["populations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["Default"], "nothing refused was stored");
    let policy = api
        .get(&format!("/environments/{env}/passwordPolicies"))
        .await
        .body["_embedded"]["passwordPolicies"][0]["id"]
        .clone();
    let created = api
        .create(
            &pops,
            json!({"name": "kept", "passwordPolicy": {"id": policy, "extra": {"a": 1}}}),
        )
        .await;
    assert_eq!(created["passwordPolicy"], json!({"id": policy}));
    let id = created["id"].as_str().unwrap();
    let read = api.get(&format!("{pops}/{id}")).await.body;
    assert_eq!(read["passwordPolicy"], json!({"id": policy}));
}

/// Found by the fuzzer: a group accepted `population: {}` and `population.id: true` and
/// stored them. platform/groups/create-group.html: `population.id` is the group's population.
#[tokio::test]
async fn a_group_population_is_a_reference() {
    let api = Api::start().await;
    let env = api.env();
    let groups = format!("/environments/{env}/groups");
    for bad in [
        json!({"name": "g1", "population": {}}),
        json!({"name": "g2", "population": {"id": true}}),
        json!({"name": "g3", "population": {"id": "no-such-population"}}),
    ] {
        let r = api.post(&groups, bad.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.body["code"], "INVALID_DATA");
    }
    let group = api.create(&groups, json!({"name": "g4"})).await;
    let id = group["id"].as_str().unwrap();
    let r = api
        .put(
            &format!("{groups}/{id}"),
            json!({"name": "g4", "population": {}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let read = api.get(&format!("{groups}/{id}")).await.body;
    assert!(read.get("population").is_none(), "{read}");
}

/// A user's `verifyStatus` is PingOne Verify's: `NOT_INITIATED`, `ENABLED` or `DISABLED`
/// ("Read User Verification Status", PingOne Verify's verify-status pages).
#[tokio::test]
async fn verify_status_stays_in_pingone_enum() {
    let api = Api::start().await;
    let env = api.env();
    let users = format!("/environments/{env}/users");
    let r = api
        .post(
            &users,
            json!({"username": "v1", "email": "v1@example.com", "verifyStatus": "VERIFIED"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        detail_codes(&r.body),
        [("INVALID_VALUE".to_owned(), "verifyStatus".to_owned())]
    );
    let user = api
        .create(&users, json!({"username": "v2", "email": "v2@example.com"}))
        .await;
    assert_eq!(user["verifyStatus"], "NOT_INITIATED");
}

/// Found by the fuzzer: an action with `priority: 0` was stored. Actions run in `priority`
/// order (platform/sign-on-policies/sign-on-policy-actions.html), and PingOne's OpenAPI
/// (`SignOnPolicyActionCommon.priority`) sets its minimum at 1.
#[tokio::test]
async fn a_sign_on_action_priority_is_at_least_one() {
    let api = Api::start().await;
    let env = api.env();
    let policy = api
        .create(
            &format!("/environments/{env}/signOnPolicies"),
            json!({"name": "prio"}),
        )
        .await;
    let actions = format!(
        "/environments/{env}/signOnPolicies/{}/actions",
        policy["id"].as_str().unwrap()
    );
    let r = api
        .post(&actions, json!({"priority": 0, "type": "LOGIN"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        detail_codes(&r.body),
        [("INVALID_VALUE".to_owned(), "priority".to_owned())]
    );
    assert_eq!(api.get(&actions).await.body["count"], 0);
    let one = api
        .create(&actions, json!({"priority": 1, "type": "LOGIN"}))
        .await;
    assert_eq!(one["priority"], 1);
}

/// Found by the fuzzer: a password policy with `history.count: 0` or `maxAgeDays: 0` was
/// stored (and then broke the list's schema). platform/password-policies.html: `length.min` is
/// 8 to 32; PingOne's OpenAPI `PasswordPolicy` gives the other minimums (history, lockout and
/// ages at least 1, sequence rules 2 or 3 characters).
#[tokio::test]
async fn a_password_policy_keeps_its_settings_in_range() {
    let api = Api::start().await;
    let env = api.env();
    let policies = format!("/environments/{env}/passwordPolicies");
    let base = json!({"name": "ranged", "excludesCommonlyUsed": true, "excludesProfileData": true,
        "notSimilarToCurrent": true});
    for (field, value) in [
        ("history", json!({"count": 0, "retentionDays": 365})),
        ("lockout", json!({"failureCount": 5, "durationSeconds": -1})),
        ("maxAgeDays", json!(0)),
        ("minAgeDays", json!(-3)),
        ("numberSequenceRule", json!({"maxLength": 7})),
        ("length", json!({"min": 4, "max": 255})),
    ] {
        let mut body = base.clone();
        body[field] = value;
        let r = api.post(&policies, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
        assert_eq!(
            r.body["details"][0]["code"], "OUT_OF_RANGE",
            "{field}: {}",
            r.body
        );
        assert!(
            r.body["details"][0]["target"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{}",
            r.body
        );
    }
    let listed = api.get(&policies).await.body;
    assert!(
        listed["_embedded"]["passwordPolicies"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"] != "ranged"),
        "nothing refused was stored"
    );
    let mut huge = base.clone();
    huge["minCharacters"] =
        json!({"ABCDEFGHIJKLMNOPQRSTUVWXYZ": 412_480_033_597_615_866_655_014_912.0_f64});
    let r = api.post(&policies, huge).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        r.body["details"][0]["target"],
        "minCharacters.ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    );
    let mut good = base.clone();
    good["history"] = json!({"count": 6, "retentionDays": 365});
    good["maxAgeDays"] = json!(182);
    good["numberSequenceRule"] = json!({"maxLength": 3, "junk": [1]});
    good["minCharacters"] = json!({"0123456789": 1, "": {"l": -7}});
    good["lï"] = json!({});
    let created = api.create(&policies, good).await;
    assert_eq!(created["history"]["count"], 6);
    // Unknown keys, a fuzzer's favourite, are not kept (only PingOne's properties are).
    assert!(created.get("lï").is_none(), "{created}");
    assert_eq!(created["numberSequenceRule"], json!({"maxLength": 3}));
    assert_eq!(created["minCharacters"], json!({"0123456789": 1}));
}
