//! Identity propagation as the Workday tutorial drives it: a plan, the Workday, PingOne and
//! directory stores (each type with the configuration PingOne requires, the Workday password
//! never returned), the inbound and writeback rules, and their mappings.

use reqwest::StatusCode;
use serde_json::json;

use super::*;

#[tokio::test]
async fn workday_stores_rules_and_mappings() {
    let api = Api::start().await;
    let env = api.env();
    let base = format!("/environments/{env}/propagation");
    let plan = api
        .create(&format!("{base}/plans"), json!({"name": "Workday"}))
        .await;
    assert_eq!(plan["status"], "INACTIVE");
    let plan_id = plan["id"].as_str().unwrap().to_owned();

    // Workday needs its account; the password is kept but never sent back.
    let missing = api
        .post(
            &format!("{base}/stores"),
            json!({"name": "WD", "type": "Workday", "configuration": {"username": "isu", "tenantId": "t"}}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert_eq!(
        detail_codes(&missing.body),
        [("REQUIRED_VALUE".into(), "configuration.password".into())]
    );
    let workday = api
        .create(
            &format!("{base}/stores"),
            json!({"name": "WD", "type": "Workday", "configuration": {
                "username": "isu", "password": "Wd-secret-1", "tenantId": "t", "host": "example.workday.com"}}),
        )
        .await;
    assert_eq!(workday["configuration"]["username"], "isu");
    assert!(workday["configuration"].get("password").is_none());
    assert_eq!(workday["status"], "INACTIVE");
    let workday_id = workday["id"].as_str().unwrap().to_owned();
    let read = api.get(&format!("{base}/stores/{workday_id}")).await;
    assert!(read.body["configuration"].get("password").is_none());
    assert!(!read.body.to_string().contains("Wd-secret-1"));
    // A replacement without the password keeps it (it is still required to exist).
    let replaced = api
        .put(
            &format!("{base}/stores/{workday_id}"),
            json!({"name": "WD2", "type": "Workday", "configuration": {"username": "isu2", "tenantId": "t"}}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(replaced.body["configuration"]["username"], "isu2");
    assert!(replaced.body["configuration"].get("password").is_none());

    let no_region = api
        .post(
            &format!("{base}/stores"),
            json!({"name": "P1", "type": "PingOne", "configuration": {"ENVIRONMENT_ID": env}}),
        )
        .await;
    assert_eq!(
        detail_codes(&no_region.body),
        [("REQUIRED_VALUE".into(), "configuration.REGION".into())]
    );
    let target = api
        .create(
            &format!("{base}/stores"),
            json!({"name": "P1", "type": "PingOne",
                "configuration": {"ENVIRONMENT_ID": env, "REGION": "North America"}}),
        )
        .await;
    let directory = api
        .create(
            &format!("{base}/stores"),
            json!({"name": "Writeback", "type": "directory"}),
        )
        .await;
    assert_eq!(directory["configuration"], json!({}));
    let other = api
        .post(
            &format!("{base}/stores"),
            json!({"name": "S", "type": "scim"}),
        )
        .await;
    assert_eq!(
        detail_codes(&other.body),
        [("REQUIRED_VALUE".into(), "configuration".into())]
    );

    let rules = format!("{base}/plans/{plan_id}/rules");
    let bad_expression = api
        .post(
            &rules,
            json!({"name": "In", "sourceStore": {"id": workday_id},
            "targetStore": {"id": target["id"]}, "populationExpression": "population.id eq"}),
        )
        .await;
    assert_eq!(
        detail_codes(&bad_expression.body),
        [("INVALID_VALUE".into(), "populationExpression".into())]
    );
    let unnamed = api
        .post(
            &rules,
            json!({"sourceStore": {"id": workday_id}, "targetStore": {"id": target["id"]}}),
        )
        .await;
    assert_eq!(
        detail_codes(&unnamed.body),
        [("REQUIRED_VALUE".into(), "name".into())]
    );
    let inbound = api
        .create(
            &rules,
            json!({"name": "In", "environment": {"id": env},
            "sourceStore": {"id": workday_id}, "targetStore": {"id": target["id"]},
            "deprovision": true, "populationExpression": "population.id eq \"p\""}),
        )
        .await;
    assert_eq!(inbound["plan"]["id"], plan_id.as_str());
    assert_eq!(inbound["populationExpression"], "population.id eq \"p\"");
    let inbound_id = inbound["id"].as_str().unwrap().to_owned();
    let writeback = api
        .create(
            &rules,
            json!({"name": "Back", "sourceStore": {"id": directory["id"]},
            "targetStore": {"id": workday_id}, "parentRule": {"id": inbound_id}}),
        )
        .await;
    assert_eq!(writeback["parentRule"]["id"], inbound_id.as_str());
    let orphan = api
        .post(
            &rules,
            json!({"name": "Back", "sourceStore": {"id": directory["id"]},
            "targetStore": {"id": workday_id}, "parentRule": {"id": "nope"}}),
        )
        .await;
    assert_eq!(
        detail_codes(&orphan.body),
        [("INVALID_VALUE".into(), "parentRule.id".into())]
    );

    let mappings = format!("{base}/rules/{inbound_id}/mappings");
    let both = api
        .post(
            &mappings,
            json!({"sourceAttribute": "wid", "expression": "x", "targetAttribute": "externalId"}),
        )
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    let mapping = api
        .create(
            &mappings,
            json!({"sourceAttribute": "wid", "targetAttribute": "externalId"}),
        )
        .await;
    assert_eq!(mapping["targetAttribute"], "externalId");
    let listed = api.get(&mappings).await;
    assert_eq!(listed.body["count"], 1);
    assert_eq!(
        listed.body["_embedded"]["mappings"][0]["sourceAttribute"],
        "wid"
    );
    let all_rules = api.get(&format!("{base}/rules")).await;
    assert_eq!(all_rules.body["count"], 2);
    assert_eq!(
        api.get(&rules).await.body["_embedded"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let stores = api.get(&format!("{base}/stores")).await;
    assert_eq!(stores.body["count"], 3);
    assert!(!stores.body.to_string().contains("Wd-secret-1"));
    assert_eq!(
        api.get(&format!("{base}/plans")).await.body["_embedded"]["plans"][0]["id"],
        plan_id.as_str()
    );

    assert_eq!(
        api.delete(&format!("{base}/rules/{inbound_id}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(api.get(&mappings).await.status, StatusCode::NOT_FOUND);
}
