//! SAML sign-on: an `AuthnRequest` posted to `saml20/idp/sso`, the flow, and the `SAMLResponse`
//! form from `saml20/resume`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::json;

use super::{Kit, PASSWORD, query};

#[tokio::test]
async fn saml_sign_on_posts_a_response_to_the_acs() {
    let kit = Kit::start().await;
    kit.user("saml-user", PASSWORD).await;
    let acs = "https://sp.example/acs";
    let app = kit
        .create(
            "/applications",
            json!({"name": "SAML SP", "enabled": true, "type": "WEB_APP", "protocol": "SAML",
            "spEntityId": "urn:sp:example", "acsUrls": [acs], "assertionDuration": 300}),
        )
        .await;
    assert!(app["id"].is_string());
    let request = format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_req1" Version="2.0" AssertionConsumerServiceURL="{acs}"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">urn:sp:example</saml:Issuer></samlp:AuthnRequest>"#
    );
    let b = kit.browser();
    let r = b
        .client
        .post(kit.auth("/saml20/idp/sso"))
        .form(&[
            ("SAMLRequest", STANDARD.encode(&request).as_str()),
            ("RelayState", "rs"),
        ])
        .send()
        .await
        .expect("sso");
    assert_eq!(r.status(), StatusCode::FOUND);
    let loc = url::Url::parse(r.headers()["location"].to_str().expect("ascii")).expect("url");
    let flow = query(&loc, "flowId").expect("flowId");
    let f = b.login(&flow, "saml-user", PASSWORD, "COMPLETED").await;
    assert_eq!(
        f.body["resumeUrl"],
        kit.auth(&format!("/saml20/resume?flowId={flow}"))
    );
    let page = b
        .client
        .get(kit.auth("/saml20/resume"))
        .query(&[("flowId", &flow)])
        .send()
        .await
        .expect("resume");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains(&format!("action=\"{acs}\"")), "{html}");
    assert!(html.contains("name=\"RelayState\" value=\"rs\""));
    let encoded = html
        .split("name=\"SAMLResponse\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("SAMLResponse");
    let xml = String::from_utf8(STANDARD.decode(encoded).expect("base64")).expect("utf-8");
    assert!(xml.contains("InResponseTo=\"_req1\""), "{xml}");
    assert!(xml.contains(">saml-user</saml:NameID>"));
    assert!(xml.contains("<saml:Audience>urn:sp:example</saml:Audience>"));
    assert!(xml.contains("urn:oasis:names:tc:SAML:2.0:status:Success"));

    let unknown =
        "<samlp:AuthnRequest ID=\"x\"><saml:Issuer>urn:other</saml:Issuer></samlp:AuthnRequest>";
    let r = b
        .client
        .post(kit.auth("/saml20/idp/sso"))
        .form(&[("SAMLRequest", STANDARD.encode(unknown))])
        .send()
        .await
        .expect("sso");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}
