//! Applications and the configuration they point at: secrets, grants, sign-on policies,
//! agreements, notification contents, identity providers, gateways, keys,
//! risk, the integration catalog and settings.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

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
        steprun::sandbox::actions_by_priority(&store, &policy_id)
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
async fn agreements_need_an_effective_revision_before_enabling() {
    let api = Api::start().await;
    let env = api.env();
    let languages = api
        .get(&format!(
            "/environments/{env}/languages?filter=locale%20eq%20%22en%22"
        ))
        .await;
    assert_eq!(languages.body["_embedded"]["languages"][0]["default"], true);
    let agreement = api
        .create(
            &format!("/environments/{env}/agreements"),
            json!({"name": "Terms", "enabled": false}),
        )
        .await;
    let agreement_url = agreement["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let early = api
        .put(&agreement_url, json!({"name": "Terms", "enabled": true}))
        .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST);
    let language = api
        .create(
            &format!("{agreement_url}/languages"),
            json!({"locale": "en", "displayName": "English", "enabled": false}),
        )
        .await;
    let language_url = language["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let revision = api
        .create(
            &format!("{language_url}/revisions"),
            json!({
                "effectiveAt": "2020-01-01T00:00:00Z", "requireReconsent": true,
                "contentType": "text/html", "text": "<b>These Terms</b>",
            }),
        )
        .await;
    assert_eq!(revision["effectiveAt"], "2020-01-01T00:00:00.000Z");
    assert_eq!(revision["agreement"]["id"], agreement["id"]);
    let enabled = api
        .put(
            &language_url,
            json!({"locale": "en", "displayName": "English", "enabled": true}),
        )
        .await;
    assert_eq!(enabled.status, StatusCode::OK, "{}", enabled.body);
    assert_eq!(enabled.body["currentRevision"]["id"], revision["id"]);
    let on = api
        .put(&agreement_url, json!({"name": "Terms", "enabled": true}))
        .await;
    assert_eq!(on.body["enabled"], true);
    let keep = api
        .delete(revision["_links"]["self"]["href"].as_str().unwrap())
        .await;
    assert_eq!(
        keep.status,
        StatusCode::BAD_REQUEST,
        "the effective revision stays"
    );
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn notification_contents_identity_providers_and_gateways() {
    let api = Api::start().await;
    let env = api.env();
    let contents = format!("/environments/{env}/templates/transaction/contents");
    let sms = api.create(&contents, json!({"locale": "en", "deliveryMethod": "SMS", "content": "OTP ${OTP}", "variant": "variant_C"})).await;
    assert_eq!(sms["template"]["id"], "transaction");
    let again = api.post(&contents, json!({"locale": "en", "deliveryMethod": "SMS", "content": "x", "variant": "variant_C"})).await;
    assert_eq!(detail_codes(&again.body)[0].0, "UNIQUENESS_VIOLATION");
    let push = api
        .post(&contents, json!({"locale": "en", "deliveryMethod": "Push"}))
        .await;
    let targets: Vec<String> = detail_codes(&push.body)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(targets, ["title", "body"]);
    let updated = api.put(sms["_links"]["self"]["href"].as_str().unwrap(),
        json!({"locale": "en", "deliveryMethod": "SMS", "content": "New ${OTP}", "variant": "variant_C"})).await;
    assert_eq!(updated.body["content"], "New ${OTP}");
    assert_eq!(
        api.get(&format!("/environments/{env}/templates/nope/contents"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let idps = format!("/environments/{env}/identityProviders");
    let missing = api
        .post(
            &idps,
            json!({"name": "Upstream", "type": "OPENID_CONNECT", "enabled": true}),
        )
        .await;
    assert_eq!(missing.body["details"].as_array().unwrap().len(), 8);
    let fb = api.create(&idps, json!({"name": "Facebook", "type": "FACEBOOK", "enabled": true, "appId": "1", "appSecret": "s"})).await;
    let attrs = api
        .get(&format!("{idps}/{}/attributes", fb["id"].as_str().unwrap()))
        .await;
    assert_eq!(attrs.body["_embedded"]["attributes"][0]["name"], "username");

    let gateways = format!("/environments/{env}/gateways");
    let ldap = api.create(&gateways, json!({
        "name": "LDAP", "type": "LDAP", "enabled": true, "bindDN": "cn=admin", "bindPassword": "pw",
        "vendor": "PingDirectory", "serversHostAndPort": ["ldap.example.com:636"], "connectionSecurity": "TLS",
    })).await;
    assert!(ldap.get("bindPassword").is_none());
    let gw = ldap["_links"]["self"]["href"].as_str().unwrap().to_owned();
    let cred = api.create(&format!("{gw}/credentials"), json!({})).await;
    assert!(cred["credential"].as_str().is_some());
    let renamed = api
        .put(
            &gw,
            json!({"name": "LDAP 2", "type": "LDAP", "enabled": false, "bindDN": "cn=admin",
        "bindPassword": "pw", "vendor": "PingDirectory", "serversHostAndPort": ["ldap.example.com:636"]}),
        )
        .await;
    assert_eq!(renamed.body["name"], "LDAP 2");

    // A user type links the gateway to a population of the environment.
    let pop = api
        .create(
            &format!("/environments/{env}/populations"),
            json!({"name": "LDAP users"}),
        )
        .await;
    let with_type = |population: &str, authority: &str| {
        json!({"name": format!("LDAP {authority} {population}"), "type": "LDAP", "enabled": true, "bindDN": "cn=admin",
            "bindPassword": "pw", "vendor": "PingDirectory", "serversHostAndPort": ["ldap:389"],
            "searchBaseDN": "o=example", "userCorrelationFilterPattern": "(uid=$username$)",
            "userTypes": [{"id": "0b2e5bd5-5d1a-4bd4-9b8c-9f1e6a2c7d10", "name": "people",
                "passwordAuthority": authority, "newUserLookup": {
                    "ldapFilterPattern": "(uid=${identifier})", "population": {"id": population},
                    "attributeMappings": [{"name": "username", "value": "${ldapAttributes.uid}"}]}}]})
    };
    let linked = api
        .create(&gateways, with_type(pop["id"].as_str().unwrap(), "LDAP"))
        .await;
    assert_eq!(
        linked["userTypes"][0]["newUserLookup"]["population"]["id"],
        pop["id"]
    );
    assert_eq!(linked["searchBaseDN"], "o=example");
    let unknown = api
        .post(
            &gateways,
            with_type("6f1c1d7e-0000-4000-8000-000000000000", "LDAP"),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert_eq!(
        unknown.body["details"][0]["target"],
        "userTypes.newUserLookup.population.id"
    );
    let bad = api
        .post(&gateways, with_type(pop["id"].as_str().unwrap(), "AD"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(
        bad.body["details"][0]["target"],
        "userTypes.passwordAuthority"
    );
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn keys_risk_and_integrations() {
    let api = Api::start().await;
    let env = api.env();
    let keys = api.get(&format!("/environments/{env}/keys")).await;
    let key_url = keys.body["_embedded"]["keys"][0]["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let pem = api
        .http
        .get(&key_url)
        .bearer_auth(&api.token)
        .header("accept", "application/x-pem-file")
        .send()
        .await
        .unwrap();
    let pem = pem.text().await.unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let form = reqwest::multipart::Form::new()
        .text("usageType", "SIGNING")
        .part(
            "file",
            reqwest::multipart::Part::text(pem).file_name("signing.pem"),
        );
    let cert = api
        .http
        .post(api.url(&format!("/environments/{env}/certificates")))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(cert.status(), StatusCode::ACCEPTED);
    let cert: Value = cert.json().await.unwrap();
    assert_eq!(cert["usageType"], "SIGNING");
    assert_eq!(cert["status"], "VALID");

    let eval = api.create(&format!("/environments/{env}/riskEvaluations"), json!({
        "event": {"ip": "203.0.113.7", "user": {"id": "u1", "type": "EXTERNAL"}, "flow": {"type": "AUTHENTICATION"}},
    })).await;
    assert_eq!(eval["result"]["level"], "MEDIUM");
    assert_eq!(eval["riskPolicySet"]["name"], "Default Risk Policy");

    let integrations = api
        .get(&format!(
            "/environments/{env}/integrations?filter=name%20sw%20%22PingOne%20MFA%22"
        ))
        .await;
    let integration = &integrations.body["_embedded"]["integrations"][0];
    let versions = api
        .get(&format!(
            "{}/versions",
            integration["_links"]["self"]["href"].as_str().unwrap()
        ))
        .await;
    let asset = format!(
        "{}/asset",
        versions.body["_embedded"]["versions"][0]["_links"]["self"]["href"]
            .as_str()
            .unwrap()
    );
    let zip = api
        .http
        .get(&asset)
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(zip.headers()["content-type"], "application/zip");
    assert!(zip.bytes().await.unwrap().starts_with(b"PK"));

    let mfa = api
        .put(
            &format!("/environments/{env}/mfaSettings"),
            json!({"lockout": {"failureCount": 3}}),
        )
        .await;
    assert_eq!(mfa.body["lockout"]["failureCount"], 3);
    assert_eq!(
        api.get(&format!("/environments/{env}/mfaSettings"))
            .await
            .body["lockout"]["failureCount"],
        3
    );
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn risk_evaluations_report_their_completion_status_once() {
    let api = Api::start().await;
    let env = api.env();
    let evaluations = format!("/environments/{env}/riskEvaluations");
    let event = json!({"event": {"ip": "10.0.0.8", "user": {"id": "u2", "type": "EXTERNAL"}, "flow": {"type": "AUTHENTICATION"}}});
    let eval = api.create(&evaluations, event.clone()).await;
    assert_eq!(eval["event"]["completionStatus"], "IN_PROGRESS");
    let id = eval["id"].as_str().unwrap();
    let path = format!("{evaluations}/{id}/event");

    let bad = api.put(&path, json!({"completionStatus": "DONE"})).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(detail_codes(&bad.body)[0].1, "completionStatus");
    let missing = api.put(&path, json!({})).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);

    let done = api.put(&path, json!({"completionStatus": "SUCCESS"})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["completionStatus"], "SUCCESS");
    assert_eq!(done.body["ip"], "10.0.0.8");
    assert!(
        done.body["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/riskEvaluations/{id}/event"))
    );
    assert!(
        done.body["_links"]["riskEvaluation"]["href"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/riskEvaluations/{id}"))
    );
    let read = api.get(&format!("{evaluations}/{id}")).await;
    assert_eq!(read.body["event"]["completionStatus"], "SUCCESS");

    let again = api.put(&path, json!({"completionStatus": "FAILED"})).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "the status is final");
    let unknown = api
        .put(
            &format!("{evaluations}/{}/event", uuid::Uuid::new_v4()),
            json!({"completionStatus": "SUCCESS"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    api.sandbox.shutdown().await;
}
