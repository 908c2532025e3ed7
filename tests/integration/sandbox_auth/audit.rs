//! What sign-on records in the audit: a failed and a passed password check
//! (`PASSWORD.CHECK_FAILED`, `PASSWORD.CHECK_SUCCEEDED`) and the agreement consent
//! (`AGREEMENT_CONSENT.ACCEPTED`), each with the user as actor, found through
//! `/activities` with the filters of PingOne's agreement-consent audit.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Kit, PASSWORD, REDIRECT};

async fn activities(kit: &Kit, filter: &str) -> Vec<Value> {
    let encoded: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let r = kit
        .v1(
            Method::GET,
            &format!("/activities?filter={encoded}"),
            "application/json",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{filter}: {}", r.body);
    r.body["_embedded"]["activities"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn sign_on_and_consent_are_audited() {
    let kit = Kit::start().await;
    let user = kit.user("auditee", PASSWORD).await;
    let agreement = kit
        .create("/agreements", json!({"name": "Audited terms"}))
        .await;
    let aid = agreement["id"].as_str().expect("id").to_owned();
    let lang = kit
        .create(
            &format!("/agreements/{aid}/languages"),
            json!({"locale": "en"}),
        )
        .await;
    let lid = lang["id"].as_str().expect("id").to_owned();
    kit.create(&format!("/agreements/{aid}/languages/{lid}/revisions"),
        json!({"effectiveAt": "2020-01-01T00:00:00.000Z", "requireReconsent": true, "contentType": "text/plain", "text": "Terms"})).await;
    for (path, body) in [
        (
            format!("/agreements/{aid}/languages/{lid}"),
            json!({"locale": "en", "enabled": true}),
        ),
        (
            format!("/agreements/{aid}"),
            json!({"name": "Audited terms", "enabled": true}),
        ),
    ] {
        let r = kit
            .v1(Method::PUT, &path, "application/json", Some(body))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let (app, _) = kit.app(json!({})).await;
    kit.policy(
        &app,
        vec![
            json!({"priority": 1, "type": "LOGIN"}),
            json!({"priority": 2, "type": "AGREEMENT", "agreement": {"id": aid}}),
        ],
    )
    .await;
    let b = kit.browser();
    let (_, flow) = b
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &app),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
        ])
        .await;
    let wrong = b
        .act(
            &flow,
            "usernamePassword.check",
            json!({"username": "auditee", "password": "Not-It-1!"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    b.login(&flow, "auditee", PASSWORD, "AGREEMENT_CONSENT_REQUIRED")
        .await;
    let done = b.act(&flow, "user.consent", json!({"accept": true})).await;
    assert_eq!(done.body["status"], "COMPLETED", "{}", done.body);

    let failed = activities(
        &kit,
        &format!(r#"actors.user.id eq "{user}" and action.type eq "PASSWORD.CHECK_FAILED""#),
    )
    .await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["result"]["status"], "FAILED");
    assert_eq!(failed[0]["actors"]["client"]["id"], app.as_str());
    let passed = activities(
        &kit,
        &format!(r#"resources.id eq "{user}" and action.type eq "PASSWORD.CHECK_SUCCEEDED""#),
    )
    .await;
    assert_eq!(passed.len(), 1);
    assert_eq!(passed[0]["result"]["status"], "SUCCESS");
    assert_eq!(passed[0]["actors"]["user"]["name"], "auditee");

    // The tutorial's two queries: consents to the agreement, and consents by the user.
    let by_agreement = activities(
        &kit,
        &format!(r#"resources.id eq "{aid}" and (action.type eq "AGREEMENT_CONSENT.ACCEPTED")"#),
    )
    .await;
    assert_eq!(by_agreement.len(), 1);
    let by_user = activities(
        &kit,
        &format!(r#"resources.id eq "{user}" and (action.type eq "AGREEMENT_CONSENT.ACCEPTED")"#),
    )
    .await;
    assert_eq!(by_user.len(), 1);
    assert_eq!(by_user[0]["id"], by_agreement[0]["id"]);
    let consent = &by_user[0];
    assert_eq!(consent["actors"]["user"]["id"], user.as_str());
    let types: Vec<&str> = consent["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(types, ["USER", "AGREEMENT"]);
    assert_eq!(consent["resources"][1]["name"], "Audited terms");
    let other = activities(
        &kit,
        &format!(
            r#"resources.id eq "{}" and (action.type eq "AGREEMENT_CONSENT.ACCEPTED")"#,
            uuid::Uuid::new_v4()
        ),
    )
    .await;
    assert!(other.is_empty());
}
