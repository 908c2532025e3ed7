//! External sign-on with a SAML identity provider that is another sandbox environment:
//! `rp/authenticate` → `saml20/sp/sso` posts an `AuthnRequest` to the source, the source signs
//! the user in and posts its signed response to the destination's ACS, which verifies it with
//! the uploaded certificate (a forged one is refused) and registers the user.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::external::{absolute, create_in, destination};
use super::{Kit, PASSWORD, code_request, query};

/// The `name="{field}" value="..."` of an auto-post form, and its `action`.
fn form_field(html: &str, field: &str) -> String {
    let marker = format!("name=\"{field}\" value=\"");
    let start = html.find(&marker).expect(field) + marker.len();
    let end = html[start..].find('"').expect("quote") + start;
    html[start..end]
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

#[tokio::test]
async fn saml_provider_in_another_environment_signs_the_user_in() {
    let kit = Kit::start().await;
    let source = kit.sandbox.vars().admin_env_id.clone();
    let acs = kit.auth("/saml20/sp/acs");
    let user = create_in(
        &kit,
        &source,
        "/users",
        json!({"username": "saml-far", "email": "saml.far@example.com"}),
    )
    .await;
    let r = kit
        .http
        .put(format!(
            "{}/v1/environments/{source}/users/{}/password",
            kit.base,
            user["id"].as_str().expect("id")
        ))
        .bearer_auth(&kit.token)
        .header(
            "content-type",
            "application/vnd.pingidentity.password.set+json",
        )
        .body(json!({"value": PASSWORD, "forceChange": false}).to_string())
        .send()
        .await
        .expect("password");
    assert_eq!(r.status(), StatusCode::OK);
    create_in(
        &kit,
        &source,
        "/applications",
        json!({"name": "Destination SP",
        "enabled": true, "type": "WEB_APP", "protocol": "SAML", "spEntityId": "urn:destination",
        "acsUrls": [acs], "assertionDuration": 300}),
    )
    .await;
    // The source's signing certificate, uploaded to the destination.
    let keys: Value = kit
        .http
        .get(format!("{}/v1/environments/{source}/keys", kit.base))
        .bearer_auth(&kit.token)
        .send()
        .await
        .expect("keys")
        .json()
        .await
        .expect("json");
    let key = keys["_embedded"]["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["usageType"] == "SIGNING" && k["default"] == true)
        .expect("signing key")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let pem = kit
        .http
        .get(format!("{}/v1/environments/{source}/keys/{key}", kit.base))
        .bearer_auth(&kit.token)
        .header("accept", "application/x-x509-ca-cert")
        .send()
        .await
        .expect("pem")
        .text()
        .await
        .expect("text");
    let form = reqwest::multipart::Form::new()
        .text("usageType", "SIGNING")
        .text("file", pem);
    let cert: Value = kit
        .http
        .post(format!(
            "{}/v1/environments/{}/certificates",
            kit.base, kit.env
        ))
        .bearer_auth(&kit.token)
        .multipart(form)
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let provider = kit
        .create(
            "/identityProviders",
            json!({"name": "Source SAML", "enabled": true,
            "type": "SAML", "idpEntityId": format!("{}/{source}", kit.base),
            "spEntityId": "urn:destination", "ssoBinding": "HTTP_POST",
            "ssoEndpoint": format!("{}/{source}/saml20/idp/sso", kit.base),
            "idpVerification": {"certificates": [{"id": cert["id"]}]}}),
        )
        .await;
    let provider = provider["id"].as_str().expect("id").to_owned();
    kit.create(
        &format!("/identityProviders/{provider}/attributes"),
        json!({"name": "email", "value": "${samlAssertion.email}", "update": "EMPTY_ONLY"}),
    )
    .await;
    let (app, _, pop) = destination(&kit, &provider).await;

    let b = kit.browser();
    let (_, flow) = b.authorize(&code_request(&app)).await;
    let r = b
        .get(
            "/rp/authenticate",
            &[("providerId", &provider), ("flowId", &flow)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let sp_sso = absolute(&b, r.location().as_str()).await;
    assert_eq!(sp_sso.status, StatusCode::OK, "{}", sp_sso.body);
    let page = sp_sso.body.as_str().expect("html").to_owned();
    assert!(page.contains(&format!("action=\"{}/{source}/saml20/idp/sso\"", kit.base)));
    let request = form_field(&page, "SAMLRequest");
    let relay = form_field(&page, "RelayState");
    let xml = String::from_utf8(STANDARD.decode(&request).expect("b64")).expect("utf-8");
    assert!(xml.contains(">urn:destination</saml:Issuer>"), "{xml}");
    // At the source: its SAML IdP, its sign-on flow, its signed response.
    let started = b
        .client
        .post(format!("{}/{source}/saml20/idp/sso", kit.base))
        .form(&[
            ("SAMLRequest", request.as_str()),
            ("RelayState", relay.as_str()),
        ])
        .send()
        .await
        .expect("idp sso");
    assert_eq!(started.status(), StatusCode::FOUND);
    let loc = url::Url::parse(started.headers()["location"].to_str().expect("ascii")).expect("url");
    let source_flow = query(&loc, "flowId").expect("flowId");
    let login = b
        .client
        .post(format!("{}/{source}/flows/{source_flow}", kit.base))
        .header(
            "content-type",
            "application/vnd.pingidentity.usernamePassword.check+json",
        )
        .body(json!({"username": "saml-far", "password": PASSWORD}).to_string())
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::OK);
    let resumed = absolute(
        &b,
        &format!("{}/{source}/saml20/resume?flowId={source_flow}", kit.base),
    )
    .await;
    let html = resumed.body.as_str().expect("html").to_owned();
    assert!(html.contains(&format!("action=\"{acs}\"")));
    let response = form_field(&html, "SAMLResponse");
    assert_eq!(form_field(&html, "RelayState"), relay);

    // A changed subject fails the signature, and leaves the sign-on waiting.
    let forged_xml = String::from_utf8(STANDARD.decode(&response).expect("b64"))
        .expect("utf-8")
        .replace(">saml-far<", ">admin<");
    let forged = b
        .client
        .post(&acs)
        .form(&[
            ("SAMLResponse", STANDARD.encode(forged_xml).as_str()),
            ("RelayState", relay.as_str()),
        ])
        .send()
        .await
        .expect("acs");
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    let body: Value = forged.json().await.expect("json");
    assert_eq!(body["details"][0]["target"], "SAMLResponse", "{body}");

    let done = b
        .client
        .post(&acs)
        .form(&[
            ("SAMLResponse", response.as_str()),
            ("RelayState", relay.as_str()),
        ])
        .send()
        .await
        .expect("acs");
    assert_eq!(done.status(), StatusCode::FOUND);
    let f = b.flow(&flow).await;
    assert_eq!(f.body["status"], "COMPLETED", "{}", f.body);
    let users = kit
        .v1(
            reqwest::Method::GET,
            "/users?filter=username%20eq%20%22saml-far%22",
            "",
            None,
        )
        .await;
    let registered = &users.body["_embedded"]["users"][0];
    assert_eq!(registered["population"]["id"], json!(pop));
    assert_eq!(registered["identityProvider"]["type"], "SAML");
    assert_eq!(registered["email"], "saml.far@example.com", "{registered}");
}
