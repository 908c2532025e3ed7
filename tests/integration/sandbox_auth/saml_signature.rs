//! Signed SAML responses, checked the way a service provider checks them: the certificate in
//! the signature is the environment's signing certificate (from `/keys` and from the `IdP`
//! metadata), each reference digest matches its element without the signature (enveloped
//! transform), and the `SignedInfo` verifies against the certificate's public key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Browser, Kit, PASSWORD, query};

const DS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// The environment's default signing certificate, as DER, exported through `/v1`.
async fn environment_certificate(kit: &Kit) -> Vec<u8> {
    let keys = kit.v1(reqwest::Method::GET, "/keys", "", None).await;
    let key = keys.body["_embedded"]["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["usageType"] == "SIGNING" && k["default"] == true)
        .expect("default signing key")
        .clone();
    let url = format!(
        "{}/v1/environments/{}/keys/{}",
        kit.base,
        kit.env,
        key["id"].as_str().expect("id")
    );
    let pem = kit
        .http
        .get(url)
        .bearer_auth(&kit.token)
        .header("accept", "application/x-x509-ca-cert")
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("pem");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("PEM base64")
}

/// The `RSAPublicKey` of a certificate: walk Certificate → `TBSCertificate` → the seventh field
/// (sixth without the version) → its BIT STRING.
fn public_key(cert: &[u8]) -> Vec<u8> {
    fn next(data: &[u8]) -> (u8, &[u8], &[u8]) {
        let tag = data[0];
        let (len, head) = if data[1] < 0x80 {
            (usize::from(data[1]), 2)
        } else {
            let n = usize::from(data[1] & 0x7f);
            let len = data[2..2 + n]
                .iter()
                .fold(0usize, |acc, b| acc * 256 + usize::from(*b));
            (len, 2 + n)
        };
        (tag, &data[head..head + len], &data[head + len..])
    }
    let (_, cert_body, _) = next(cert);
    let (_, mut tbs, _) = next(cert_body);
    let mut fields = Vec::new();
    while !tbs.is_empty() {
        let (tag, value, rest) = next(tbs);
        fields.push((tag, value));
        tbs = rest;
    }
    let skip = usize::from(fields[0].0 == 0xa0);
    let (_, spki) = fields[5 + skip];
    let (_, _, after_alg) = next(spki);
    let (tag, bits, _) = next(after_alg);
    assert_eq!(tag, 0x03, "subjectPublicKeyInfo ends with a BIT STRING");
    bits[1..].to_vec()
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).expect(open) + open.len();
    let end = text[start..].find(close).expect(close) + start;
    &text[start..end]
}

/// The element `<{tag} ...>...</{tag}>` (the first), as text.
fn element<'a>(xml: &'a str, tag: &str) -> &'a str {
    let start = xml.find(&format!("<{tag} ")).expect(tag);
    let close = format!("</{tag}>");
    let end = xml.rfind(&close).expect(&close) + close.len();
    &xml[start..end]
}

/// Checks the enveloped signature that is a direct part of `signed` (the first
/// `ds:Signature` in it) against `key`; returns the certificate the signature carries.
fn check_signature(signed: &str, key: &[u8]) -> Result<Vec<u8>, String> {
    let start = signed.find("<ds:Signature").ok_or("no signature")?;
    let end = signed[start..].find("</ds:Signature>").ok_or("unclosed")?
        + start
        + "</ds:Signature>".len();
    let signature = &signed[start..end];
    let without = format!("{}{}", &signed[..start], &signed[end..]);
    let digest = between(signature, "<ds:DigestValue>", "</ds:DigestValue>");
    if STANDARD.encode(Sha256::digest(without.as_bytes())) != digest {
        return Err("digest mismatch".into());
    }
    let signed_info = format!(
        "<ds:SignedInfo xmlns:ds=\"{DS}\">{}</ds:SignedInfo>",
        between(signature, "<ds:SignedInfo>", "</ds:SignedInfo>")
    );
    let value = STANDARD
        .decode(between(
            signature,
            "<ds:SignatureValue>",
            "</ds:SignatureValue>",
        ))
        .map_err(|e| e.to_string())?;
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key)
        .verify(signed_info.as_bytes(), &value)
        .map_err(|_| "bad signature".to_owned())?;
    STANDARD
        .decode(between(
            signature,
            "<ds:X509Certificate>",
            "</ds:X509Certificate>",
        ))
        .map_err(|e| e.to_string())
}

async fn saml_app(kit: &Kit, entity: &str, extra: Value) -> String {
    let mut body = json!({"name": format!("SAML {entity}"), "enabled": true, "type": "WEB_APP",
        "protocol": "SAML", "spEntityId": entity, "acsUrls": ["https://sp.example/acs"],
        "assertionDuration": 300});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    kit.create("/applications", body).await["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Signs the user in on `flow` and returns the decoded `SAMLResponse` of the resume page.
async fn sign_in_and_resume(kit: &Kit, b: &Browser, flow: &str) -> String {
    b.login(flow, "saml-signer", PASSWORD, "COMPLETED").await;
    let page = b
        .client
        .get(kit.auth("/saml20/resume"))
        .query(&[("flowId", flow)])
        .send()
        .await
        .expect("resume");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    let encoded = between(&html, "name=\"SAMLResponse\" value=\"", "\"");
    String::from_utf8(STANDARD.decode(encoded).expect("base64")).expect("utf-8")
}

#[tokio::test]
async fn sp_initiated_response_and_assertion_are_signed_by_the_environment_key() {
    let kit = Kit::start().await;
    kit.user("saml-signer", PASSWORD).await;
    let app = saml_app(&kit, "urn:sp:signed", json!({"responseSigned": true})).await;
    let cert = environment_certificate(&kit).await;
    let key = public_key(&cert);

    let request = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_sp1" Version="2.0"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">urn:sp:signed</saml:Issuer></samlp:AuthnRequest>"#;
    let b = kit.browser();
    let r = b
        .client
        .post(kit.auth("/saml20/idp/sso"))
        .form(&[("SAMLRequest", STANDARD.encode(request))])
        .send()
        .await
        .expect("sso");
    assert_eq!(r.status(), StatusCode::FOUND);
    let loc = url::Url::parse(r.headers()["location"].to_str().expect("ascii")).expect("url");
    let xml = sign_in_and_resume(&kit, &b, &query(&loc, "flowId").expect("flowId")).await;

    assert!(xml.contains("InResponseTo=\"_sp1\""), "{xml}");
    let response_cert = check_signature(&xml, &key).expect("response signature");
    assert_eq!(
        response_cert, cert,
        "the signature carries the environment's certificate"
    );
    let assertion = element(&xml, "saml:Assertion");
    assert_eq!(
        check_signature(assertion, &key).expect("assertion signature"),
        cert
    );
    assert!(assertion.contains(">saml-signer</saml:NameID>"));

    // A changed subject no longer matches the digest.
    let forged = assertion.replace(">saml-signer<", ">admin<");
    assert_eq!(
        check_signature(&forged, &key),
        Err("digest mismatch".into())
    );

    // The IdP metadata publishes the same certificate.
    let meta = kit
        .http
        .get(kit.auth(&format!("/saml20/metadata/{app}")))
        .send()
        .await
        .expect("metadata");
    assert_eq!(meta.status(), StatusCode::OK);
    let meta = meta.text().await.expect("xml");
    assert_eq!(
        between(&meta, "<ds:X509Certificate>", "</ds:X509Certificate>"),
        STANDARD.encode(&cert)
    );
    assert!(meta.contains(&format!("entityID=\"{}\"", kit.auth(""))));
    let missing = kit
        .http
        .get(kit.auth("/saml20/metadata/00000000-0000-0000-0000-000000000000"))
        .send()
        .await
        .expect("metadata");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn idp_initiated_assertion_is_signed_and_answers_no_request() {
    let kit = Kit::start().await;
    kit.user("saml-signer", PASSWORD).await;
    saml_app(&kit, "urn:sp:idp-init", json!({})).await;
    let key = public_key(&environment_certificate(&kit).await);
    let b = kit.browser();
    let r = b
        .client
        .get(kit.auth("/saml20/idp/startsso"))
        .query(&[("spEntityId", "urn:sp:idp-init")])
        .send()
        .await
        .expect("startsso");
    assert_eq!(r.status(), StatusCode::FOUND);
    let loc = url::Url::parse(r.headers()["location"].to_str().expect("ascii")).expect("url");
    let xml = sign_in_and_resume(&kit, &b, &query(&loc, "flowId").expect("flowId")).await;
    assert!(!xml.contains("InResponseTo"), "{xml}");
    // By default PingOne signs the assertion, not the response.
    let assertion = element(&xml, "saml:Assertion");
    let outside = xml.replace(assertion, "");
    assert!(!outside.contains("<ds:Signature"), "response not signed");
    check_signature(assertion, &key).expect("assertion signature");
    assert!(assertion.contains("<saml:Audience>urn:sp:idp-init</saml:Audience>"));
}
