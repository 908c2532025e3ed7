//! Environments, populations, users, passwords, groups and MFA devices: the directory the
//! tutorials build before signing anyone in.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

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

    let bom = api
        .get(&format!("/environments/{env_id}/billOfMaterials"))
        .await;
    assert_eq!(bom.body["products"][0]["type"], "PING_ONE_BASE");
    let bom = api
        .put(
            &format!("/environments/{env_id}/billOfMaterials"),
            json!({"products": [{"type": "PING_ONE_BASE"}, {"type": "PING_ONE_MFA"}]}),
        )
        .await;
    assert_eq!(bom.body["products"].as_array().unwrap().len(), 2);
    let bad = api
        .put(
            &format!("/environments/{env_id}/billOfMaterials"),
            json!({"products": [{"type": "NOPE"}]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
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
        assert!(steprun::sandbox::check_password(
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
async fn groups_memberships_and_filters() {
    let api = Api::start().await;
    let env = api.env();
    let group = api
        .create(
            &format!("/environments/{env}/groups"),
            json!({"name": "Admins", "description": "g"}),
        )
        .await;
    let group_id = group["id"].as_str().unwrap().to_owned();
    assert_eq!(group["directMemberCounts"]["users"], 0);
    let parent = api
        .create(
            &format!("/environments/{env}/groups"),
            json!({"name": "Everyone"}),
        )
        .await;
    let parent_id = parent["id"].as_str().unwrap().to_owned();
    api.create(
        &format!("/environments/{env}/groups/{group_id}/memberOfGroups"),
        json!({"id": parent_id}),
    )
    .await;

    let users = format!("/environments/{env}/users");
    let alice = api
        .create(
            &users,
            json!({"username": "alice", "email": "alice@example.com"}),
        )
        .await;
    let alice_id = alice["id"].as_str().unwrap().to_owned();
    api.create(
        &users,
        json!({"username": "bob", "email": "bob@example.com"}),
    )
    .await;
    let membership = api
        .create(
            &format!("{users}/{alice_id}/memberOfGroups"),
            json!({"id": group_id}),
        )
        .await;
    assert_eq!(membership["name"], "Admins");
    assert_eq!(membership["type"], "DIRECT");
    let twice = api
        .post(
            &format!("{users}/{alice_id}/memberOfGroups"),
            json!({"id": group_id}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);

    let filter = format!("memberOfGroups[id eq \"{group_id}\"]");
    let in_group = api
        .get(&format!("{users}?filter={}", urlencode(&filter)))
        .await;
    assert_eq!(in_group.body["count"], 1);
    assert_eq!(in_group.body["_embedded"]["users"][0]["username"], "alice");
    let sw = api
        .get(&format!(
            "{users}?filter={}",
            urlencode("username sw \"b\" and email co \"example\"")
        ))
        .await;
    assert_eq!(sw.body["_embedded"]["users"][0]["username"], "bob");
    let limited = api.get(&format!("{users}?limit=1")).await;
    assert_eq!(
        (limited.body["count"].clone(), limited.body["size"].clone()),
        (json!(2), json!(1))
    );
    assert!(limited.body["_links"]["next"]["href"].as_str().is_some());

    let names = api
        .get(&format!("{users}/{alice_id}?include=memberOfGroupNames"))
        .await;
    assert_eq!(names.body["memberOfGroupNames"], json!(["Admins"]));
    let counts = api
        .get(&format!(
            "/environments/{env}/groups/{parent_id}?include=totalMemberCounts"
        ))
        .await;
    assert_eq!(counts.body["totalMemberCounts"]["users"], 1);
    assert_eq!(counts.body["directMemberCounts"]["users"], 0);

    let left = api
        .delete(&format!("{users}/{alice_id}/memberOfGroups/{group_id}"))
        .await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    let none = api
        .get(&format!("{users}?filter={}", urlencode(&filter)))
        .await;
    assert_eq!(none.body["count"], 0);
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn devices_activate_with_the_otp_from_the_outbox_or_test_mode() {
    let api = Api::start().await;
    let env = api.env();
    let user = api
        .create(
            &format!("/environments/{env}/users"),
            json!({"username": "mfa", "email": "mfa@example.com"}),
        )
        .await;
    let devices = format!(
        "/environments/{env}/users/{}/devices",
        user["id"].as_str().unwrap()
    );
    let active = api
        .create(
            &devices,
            json!({"type": "EMAIL", "email": "mfa@example.com"}),
        )
        .await;
    assert_eq!(active["status"], "ACTIVE");
    assert_eq!(active["user"]["id"], user["id"]);

    let sms = api
        .create(&devices, json!({"type": "SMS", "phone": "+1 (512) 555-1234", "status": "ACTIVATION_REQUIRED", "testMode": true}))
        .await;
    assert_eq!(sms["phone"], "+15125551234");
    let otp = sms["test"]["otp"].as_str().unwrap().to_owned();
    let messages: Value = api
        .http
        .get(format!(
            "{}/messages?to=%2B15125551234",
            api.sandbox.vars().sandbox_path
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(messages["messages"][0]["otp"], otp.as_str());
    assert_eq!(messages["messages"][0]["channel"], "SMS");
    let sms_url = sms["_links"]["self"]["href"].as_str().unwrap().to_owned();
    let wrong = api
        .with_type(
            Method::POST,
            &sms_url,
            "application/vnd.pingidentity.device.activate+json",
            json!({"otp": "000000x"}),
        )
        .await;
    assert_eq!(wrong.body["details"][0]["code"], "INVALID_OTP");
    let done = api
        .with_type(
            Method::POST,
            &sms_url,
            "application/vnd.pingidentity.device.activate+json",
            json!({"otp": otp}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["status"], "ACTIVE");
    assert!(done.body.get("test").is_none());

    let totp = api.post(&devices, json!({"type": "TOTP"})).await;
    assert_eq!(
        totp.status,
        StatusCode::BAD_REQUEST,
        "TOTP is off in the default policy"
    );
    let bad_mode = api
        .post(&devices, json!({"type": "TOTP", "testMode": true}))
        .await;
    assert_eq!(bad_mode.status, StatusCode::BAD_REQUEST);
    let listed = api.get(&devices).await;
    assert_eq!(listed.body["count"], 2);

    let cleared = api
        .http
        .delete(format!("{}/messages", api.sandbox.vars().sandbox_path))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn totp_devices_need_the_policy_and_a_valid_code() {
    let api = Api::start().await;
    let env = api.env();
    let policies = api
        .get(&format!("/environments/{env}/deviceAuthenticationPolicies"))
        .await;
    let mut policy = policies.body["_embedded"]["deviceAuthenticationPolicies"][0].clone();
    policy["totp"]["enabled"] = json!(true);
    let url = policy["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(api.put(&url, policy).await.status, StatusCode::OK);
    let user = api
        .create(
            &format!("/environments/{env}/users"),
            json!({"username": "t", "email": "t@example.com"}),
        )
        .await;
    let device = api
        .create(
            &format!(
                "/environments/{env}/users/{}/devices",
                user["id"].as_str().unwrap()
            ),
            json!({"type": "TOTP"}),
        )
        .await;
    assert_eq!(device["status"], "ACTIVATION_REQUIRED");
    assert!(
        device["keyUri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let now = api.sandbox.state().auth.clock.now_secs();
    let code = steprun::sandbox::totp_code_at(device["secret"].as_str().unwrap(), now).unwrap();
    let done = api
        .with_type(
            Method::POST,
            device["_links"]["self"]["href"].as_str().unwrap(),
            "application/vnd.pingidentity.device.activate+json",
            json!({"otp": code}),
        )
        .await;
    assert_eq!(done.body["status"], "ACTIVE", "{}", done.body);
    assert!(done.body.get("secret").is_none());
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn password_policies_populations_and_environment_delete() {
    let api = Api::start().await;
    let org = api.sandbox.vars().org_id.clone();
    let license = api
        .get(&format!("/organizations/{org}/licenses"))
        .await
        .body["_embedded"]["licenses"][0]["id"]
        .clone();
    let env = api.create("/environments", json!({"name": "Scratch", "type": "SANDBOX", "region": "EU", "license": {"id": license}})).await;
    let env_id = env["id"].as_str().unwrap().to_owned();
    let policy = api.create(&format!("/environments/{env_id}/passwordPolicies"), json!({
        "name": "Short", "excludesCommonlyUsed": false, "excludesProfileData": false, "notSimilarToCurrent": false,
        "length": {"min": 8, "max": 10},
    })).await;
    let pop = api
        .create(
            &format!("/environments/{env_id}/populations"),
            json!({"name": "P", "passwordPolicy": {"id": policy["id"]}}),
        )
        .await;
    let user = api
        .create(
            &format!("/environments/{env_id}/users"),
            json!({
                "username": "u", "email": "u@example.com", "population": {"id": pop["id"]},
                "password": {"value": "abcdefgh", "forceChange": true},
            }),
        )
        .await;
    let password = format!(
        "/environments/{env_id}/users/{}/password",
        user["id"].as_str().unwrap()
    );
    assert_eq!(
        api.get(&password).await.body["status"],
        "MUST_CHANGE_PASSWORD"
    );
    let long = api
        .with_type(
            Method::PUT,
            &password,
            "application/vnd.pingidentity.password.reset+json",
            json!({"currentPassword": "abcdefgh", "newPassword": "far-too-long-password"}),
        )
        .await;
    assert_eq!(long.body["details"][0]["target"], "password");
    let changed = api
        .with_type(
            Method::PUT,
            &password,
            "application/vnd.pingidentity.password.reset+json",
            json!({"currentPassword": "abcdefgh", "newPassword": "stuvwxyz"}),
        )
        .await;
    assert_eq!(changed.body["status"], "OK");
    let in_use = api
        .delete(&format!(
            "/environments/{env_id}/passwordPolicies/{}",
            policy["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(in_use.status, StatusCode::BAD_REQUEST);

    assert_eq!(
        api.delete(&format!("/environments/{env_id}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.get(&format!("/environments/{env_id}/users"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let admin_env = api.sandbox.vars().admin_env_id.clone();
    assert_eq!(
        api.delete(&format!("/environments/{admin_env}"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    api.sandbox.shutdown().await;
}

#[tokio::test]
async fn users_needing_verification_get_a_code_in_the_outbox() {
    let api = Api::start().await;
    let env = api.env();
    let mut body = serde_json::Map::new();
    body.insert("username".into(), json!("newbie"));
    body.insert("email".into(), json!("newbie@example.com"));
    body.insert(
        "lifecycle".into(),
        json!({"status": "VERIFICATION_REQUIRED"}),
    );
    let user = steprun::sandbox::create_user(api.sandbox.state(), &env, body).unwrap();
    assert_eq!(user["lifecycle"]["status"], "VERIFICATION_REQUIRED");
    let messages: Value = api
        .http
        .get(format!(
            "{}/messages?to=newbie@example.com",
            api.sandbox.vars().sandbox_path
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = messages["messages"][0]["code"].as_str().unwrap().to_owned();
    assert_eq!(messages["messages"][0]["purpose"], "verification");
    let url = user["_links"]["self"]["href"].as_str().unwrap();
    let wrong = api
        .with_type(
            Method::POST,
            url,
            "application/vnd.pingidentity.user.verify+json",
            json!({"verificationCode": "nope"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let ok = api
        .with_type(
            Method::POST,
            url,
            "application/vnd.pingidentity.user.verify+json",
            json!({"verificationCode": code}),
        )
        .await;
    assert_eq!(ok.body["lifecycle"]["status"], "ACCOUNT_OK", "{}", ok.body);
    let locked = api
        .with_type(
            Method::POST,
            url,
            "application/vnd.pingidentity.account.lock+json",
            json!({}),
        )
        .await;
    assert_eq!(locked.body["account"]["status"], "LOCKED");
    api.sandbox.shutdown().await;
}
