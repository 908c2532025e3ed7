//! Reading SAML: each encoding a Response travels in, prefixes other than the sandbox's,
//! signatures, and the messages for what is not a SAML Response.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::*;

/// A Response as `Shibboleth` or `PingFederate` writes it: `saml2p:`/`saml2:` prefixes, both the
/// Response and the Assertion signed, two audiences, a multi-valued attribute.
const SIGNED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="https://sp.example/acs" ID="_r1" InResponseTo="_req1" IssueInstant="2026-01-01T00:00:00Z" Version="2.0">
  <saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.example</saml2:Issuer>
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>
  <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>
  <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" IssueInstant="2026-01-01T00:00:00Z" Version="2.0">
    <saml2:Issuer>https://idp.example</saml2:Issuer>
    <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>
    <saml2:Subject>
      <saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">ann@example.com</saml2:NameID>
      <saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml2:SubjectConfirmationData InResponseTo="_req1" NotOnOrAfter="2026-01-01T00:05:00Z" Recipient="https://sp.example/acs"/>
      </saml2:SubjectConfirmation>
    </saml2:Subject>
    <saml2:Conditions NotBefore="2026-01-01T00:00:00Z" NotOnOrAfter="2026-01-01T00:05:00Z">
      <saml2:AudienceRestriction><saml2:Audience>urn:sp:one</saml2:Audience><saml2:Audience>urn:sp:two</saml2:Audience></saml2:AudienceRestriction>
    </saml2:Conditions>
    <saml2:AuthnStatement AuthnInstant="2026-01-01T00:00:00Z" SessionIndex="s-42">
      <saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext>
    </saml2:AuthnStatement>
    <saml2:AttributeStatement>
      <saml2:Attribute Name="groups"><saml2:AttributeValue>admins</saml2:AttributeValue><saml2:AttributeValue>users</saml2:AttributeValue></saml2:Attribute>
      <saml2:Attribute Name="email"><saml2:AttributeValue>ann@example.com</saml2:AttributeValue></saml2:Attribute>
    </saml2:AttributeStatement>
  </saml2:Assertion>
</saml2p:Response>"#;

/// The sandbox's shape: `samlp:`/`saml:` prefixes declared on the root, nothing signed.
const UNSIGNED: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Version="2.0" Destination="https://sp/acs"><saml:Issuer>https://idp</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Requester"/></samlp:Status><saml:Assertion ID="_a"><saml:Subject><saml:NameID>bob</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>"#;

#[test]
fn a_signed_response_reads_into_the_flat_object() {
    let read = read(SIGNED).unwrap();
    assert_eq!(
        read,
        json!({
            "issuer": "https://idp.example",
            "destination": "https://sp.example/acs",
            "inResponseTo": "_req1",
            "status": "urn:oasis:names:tc:SAML:2.0:status:Success",
            "signed": true,
            "assertionSigned": true,
            "nameId": "ann@example.com",
            "nameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            "audience": "urn:sp:one",
            "audiences": ["urn:sp:one", "urn:sp:two"],
            "recipient": "https://sp.example/acs",
            "notBefore": "2026-01-01T00:00:00Z",
            "notOnOrAfter": "2026-01-01T00:05:00Z",
            "sessionIndex": "s-42",
            "authnContext": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            "attributes": {"groups": ["admins", "users"], "email": ["ann@example.com"]},
        })
    );
}

#[test]
fn missing_parts_are_null_and_nothing_is_signed() {
    let read = read(UNSIGNED).unwrap();
    assert_eq!(read["signed"], false);
    assert_eq!(read["assertionSigned"], false);
    assert_eq!(read["nameId"], "bob");
    assert_eq!(read["nameIdFormat"], Value::Null);
    assert_eq!(read["audience"], Value::Null);
    assert_eq!(read["audiences"], json!([]));
    assert_eq!(read["inResponseTo"], Value::Null);
    assert_eq!(
        read["status"],
        "urn:oasis:names:tc:SAML:2.0:status:Requester"
    );
    assert_eq!(read["attributes"], json!({}));
}

#[test]
fn every_encoding_reads_the_same() {
    let expected = read(SIGNED).unwrap();
    let b64 = STANDARD.encode(SIGNED);
    // Wrapped at 76 columns, as some IdPs post it.
    let wrapped: String = b64
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n");
    let deflated = STANDARD.encode(miniz_oxide::deflate::compress_to_vec(SIGNED.as_bytes(), 6));
    let query =
        percent_encoding::utf8_percent_encode(&deflated, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    // `+` written as a character reference, as HTML allows.
    let page = format!(
        "<!DOCTYPE html><html><body onload=\"document.forms[0].submit()\"><form method=post action='https://sp.example/acs'>\
         <input type=hidden name=RelayState value=\"x\"><INPUT TYPE=\"hidden\" NAME=\"SAMLResponse\" VALUE=\"{}\"/></form></body></html>",
        b64.replace('+', "&#43;")
    );
    for form in [b64.clone(), wrapped, deflated, query, page] {
        assert_eq!(read(&form).unwrap(), expected, "{form}");
    }
}

#[test]
fn what_is_not_a_saml_response_says_why() {
    let cases = [
        ("", "empty"),
        ("not base64 at all!", "not Base64"),
        (
            &*STANDARD.encode("plain text"),
            "neither XML nor deflated XML",
        ),
        (&*STANDARD.encode("<samlp:Response"), "not XML"),
        (
            "<html><form><input name=\"other\" value=\"x\"></form></html>",
            "no `SAMLResponse` form field",
        ),
        (&*STANDARD.encode("<root/>"), "its root element is `root`"),
    ];
    for (input, needle) in cases {
        let message = read(input).expect_err(input);
        assert!(message.contains(needle), "{input}: {message}");
    }
}

#[test]
fn a_document_type_is_refused() {
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>"#;
    assert!(read(&STANDARD.encode(xxe)).is_err());
}
