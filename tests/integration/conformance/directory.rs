//! Organizations, environments, populations, password policies, users (with their password,
//! enabled, MFA and population sub-resources), groups, memberships, roles and role
//! assignments, and the error bodies.

use reqwest::Method;
use serde_json::json;

use super::checker::Conformance;

fn id(doc: &serde_json::Value) -> String {
    doc["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn organizations_environments_populations_and_password_policies() {
    let api = Conformance::start().await;
    let org = api.sandbox.vars().org_id.clone();
    api.get("/organizations").await;
    api.get(&format!("/organizations/{org}")).await;
    let licenses = api
        .get(&format!(
            "/organizations/{org}/licenses?filter=status%20eq%20%22active%22"
        ))
        .await;
    let license = id(&licenses["_embedded"]["licenses"][0]);
    api.get(&format!("/organizations/{org}/licenses/{license}"))
        .await;

    api.get("/environments").await;
    let env = api
        .create(
            "/environments",
            &json!({"name": "Conformance", "description": "d", "type": "SANDBOX", "region": "NA",
                "license": {"id": license}}),
        )
        .await;
    let e = format!("/environments/{}", id(&env));
    api.get(&e).await;
    api.put(
        &e,
        &json!({"name": "Conformance 2", "type": "SANDBOX", "region": "NA", "license": {"id": license}}),
    )
    .await;
    api.get(&format!("{e}/billOfMaterials")).await;

    let policies = api.get(&format!("{e}/passwordPolicies")).await;
    let standard = id(&policies["_embedded"]["passwordPolicies"][0]);
    api.get(&format!("{e}/passwordPolicies/{standard}")).await;
    let policy = api
        .create(
            &format!("{e}/passwordPolicies"),
            &json!({"name": "Short", "excludesCommonlyUsed": false, "excludesProfileData": false,
                "notSimilarToCurrent": false, "length": {"min": 8, "max": 10}}),
        )
        .await;

    api.get(&format!("{e}/populations")).await;
    let pop = api
        .create(
            &format!("{e}/populations"),
            &json!({"name": "P", "description": "p", "passwordPolicy": {"id": policy["id"]}}),
        )
        .await;
    let pop_url = format!("{e}/populations/{}", id(&pop));
    api.get(&pop_url).await;
    api.put(&pop_url, &json!({"name": "P2"})).await;
    api.delete(&pop_url).await;
    api.delete(&e).await;
    api.finish(16).await;
}

#[tokio::test]
async fn users_and_their_sub_resources() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let pops = api.get(&format!("{e}/populations")).await;
    let default_pop = id(&pops["_embedded"]["populations"][0]);
    let other_pop = id(&api
        .create(&format!("{e}/populations"), &json!({"name": "Other"}))
        .await);
    let users = format!("{e}/users");
    let user = api
        .create(
            &users,
            &json!({"email": "someone@example.com", "username": "someone",
                "name": {"given": "Some", "family": "One"}, "population": {"id": default_pop}}),
        )
        .await;
    let u = format!("{users}/{}", id(&user));
    api.get(&u).await;
    api.get(&format!(
        "{users}?filter={}",
        urlencode("username eq \"someone\"")
    ))
    .await;
    api.get(&format!("{users}?limit=1")).await;
    api.put(
        &u,
        &json!({"email": "someone@example.com", "username": "someone", "nickname": "S"}),
    )
    .await;
    api.expect(
        200,
        Method::PATCH,
        &u,
        Some("application/json"),
        Some(&json!({"title": "Dr"})),
    )
    .await;

    let password = format!("{u}/password");
    api.put_as(
        &password,
        "application/vnd.pingidentity.password.set+json",
        &json!({"value": "2FederateM0re!", "forceChange": false}),
    )
    .await;
    api.get(&password).await;
    api.post_as(
        &password,
        "application/vnd.pingidentity.password.check+json",
        &json!({"password": "2FederateM0re!"}),
    )
    .await;
    api.put_as(
        &password,
        "application/vnd.pingidentity.password.reset+json",
        &json!({"currentPassword": "2FederateM0re!", "newPassword": "2FederateM0re!!"}),
    )
    .await;

    api.get(&format!("{u}/enabled")).await;
    api.put(&format!("{u}/enabled"), &json!({"enabled": false}))
        .await;
    api.get(&format!("{u}/mfaEnabled")).await;
    api.put(&format!("{u}/mfaEnabled"), &json!({"mfaEnabled": true}))
        .await;
    api.get(&format!("{u}/population")).await;
    api.put(&format!("{u}/population"), &json!({"id": other_pop}))
        .await;
    api.delete(&u).await;
    api.finish(13).await;
}

#[tokio::test]
async fn groups_memberships_roles_and_role_assignments() {
    let api = Conformance::start().await;
    let env = api.env();
    let e = format!("/environments/{env}");
    let groups = format!("{e}/groups");
    let group = api
        .create(&groups, &json!({"name": "Admins", "description": "g"}))
        .await;
    let parent = api.create(&groups, &json!({"name": "Everyone"})).await;
    let g = format!("{groups}/{}", id(&group));
    api.get(&groups).await;
    api.get(&format!(
        "{groups}/{}?include=totalMemberCounts",
        id(&parent)
    ))
    .await;
    api.put(&g, &json!({"name": "Admins", "description": "changed"}))
        .await;
    let nested = format!("{g}/memberOfGroups");
    api.create(&nested, &json!({"id": parent["id"]})).await;
    api.get(&nested).await;
    api.get(&format!("{nested}/{}", id(&parent))).await;

    let user = api
        .create(
            &format!("{e}/users"),
            &json!({"username": "alice", "email": "alice@example.com"}),
        )
        .await;
    let u = format!("{e}/users/{}", id(&user));
    let memberships = format!("{u}/memberOfGroups");
    api.create(&memberships, &json!({"id": group["id"]})).await;
    api.get(&memberships).await;
    api.get(&format!("{memberships}/{}", id(&group))).await;
    let filter = format!("memberOfGroups[id eq \"{}\"]", id(&group));
    api.get(&format!("{e}/users?filter={}", urlencode(&filter)))
        .await;
    api.get(&format!("{u}?include=memberOfGroupNames")).await;
    api.delete(&format!("{memberships}/{}", id(&group))).await;
    api.delete(&format!("{nested}/{}", id(&parent))).await;

    let roles = api.get("/roles").await;
    let find = |name: &str| {
        roles["_embedded"]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .map(id)
            .unwrap()
    };
    let env_admin = find("Environment Admin");
    api.get(&format!("/roles/{env_admin}")).await;
    let assignments = format!("{u}/roleAssignments");
    let a = api
        .create(
            &assignments,
            &json!({"role": {"id": env_admin}, "scope": {"id": env, "type": "ENVIRONMENT"}}),
        )
        .await;
    let org = api.sandbox.vars().org_id.clone();
    api.create(
        &assignments,
        &json!({"role": {"id": find("Organization Admin")}, "scope": {"id": org, "type": "ORGANIZATION"}}),
    )
    .await;
    api.get(&assignments).await;
    api.get(&format!("{assignments}/{}", id(&a))).await;
    api.delete(&format!("{assignments}/{}", id(&a))).await;
    let group_assignments = format!("{g}/roleAssignments");
    api.create(
        &group_assignments,
        &json!({"role": {"id": env_admin}, "scope": {"id": env, "type": "ENVIRONMENT"}}),
    )
    .await;
    api.get(&group_assignments).await;
    let custom = api
        .create(
            &format!("{e}/roles"),
            &json!({"name": "Auditor", "applicableTo": ["ENVIRONMENT"]}),
        )
        .await;
    api.get(&format!("{e}/roles")).await;
    api.get(&format!("{e}/roles/{}", id(&custom))).await;
    api.delete(&g).await;
    api.finish(22).await;
}

#[tokio::test]
async fn error_bodies() {
    let api = Conformance::start().await;
    let e = format!("/environments/{}", api.env());
    let users = format!("{e}/users");
    let unauthorized = api.send_as(None, Method::GET, &users, None, None).await;
    assert_eq!(unauthorized.status.as_u16(), 401);
    let invalid = api
        .send_as(Some("nope"), Method::GET, &users, None, None)
        .await;
    assert_eq!(invalid.status.as_u16(), 401);
    let body = json!({"email": "a@example.com"});
    let missing = api
        .expect(
            400,
            Method::POST,
            &users,
            Some("application/json"),
            Some(&body),
        )
        .await;
    assert_eq!(missing["code"], "INVALID_DATA");
    api.expect(
        404,
        Method::GET,
        &format!("{users}/00000000-0000-0000-0000-000000000000"),
        None,
        None,
    )
    .await;
    api.expect(
        400,
        Method::GET,
        &format!("{users}?filter={}", urlencode("username zz \"x\"")),
        None,
        None,
    )
    .await;
    let dup = json!({"username": "dup", "email": "d@example.com"});
    let first = api.create(&users, &dup).await;
    let other = api
        .create(
            &users,
            &json!({"username": "other", "email": "o@example.com"}),
        )
        .await;
    let token = api.user_token(first["id"].as_str().unwrap());
    let theirs = format!("{users}/{}", other["id"].as_str().unwrap());
    let forbidden = api
        .send_as(Some(&token), Method::GET, &theirs, None, None)
        .await;
    assert_eq!(forbidden.status.as_u16(), 403);
    api.expect(
        400,
        Method::POST,
        &users,
        Some("application/json"),
        Some(&dup),
    )
    .await;
    let bad_type = json!({"name": "x", "type": "DANCE"});
    api.expect(
        400,
        Method::POST,
        &format!("{e}/applications"),
        Some("application/json"),
        Some(&bad_type),
    )
    .await;
    let short = json!({"name": "Short", "excludesCommonlyUsed": false, "excludesProfileData": false,
        "notSimilarToCurrent": false, "length": {"min": 4}});
    let out_of_range = api
        .expect(
            400,
            Method::POST,
            &format!("{e}/passwordPolicies"),
            Some("application/json"),
            Some(&short),
        )
        .await;
    assert_eq!(out_of_range["details"][0]["target"], "length.min");
    api.finish(6).await;
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
