//! The SAML XML the `IdP` reads and writes: the few facts of an `AuthnRequest` (issuer, ID, ACS
//! URL) and a `samlp:Response` carrying one assertion for the signed-on user.

use serde_json::Value;

use crate::sandbox::auth::authorize::respond::escape;
use crate::sandbox::auth::clock::iso_ms;
use crate::sandbox::auth::flow::Flow;
use crate::sandbox::auth::saml::SamlRequest;
use crate::sandbox::state::SandboxState;

/// What the `IdP` needs from an `AuthnRequest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnRequest {
    pub id: Option<String>,
    pub issuer: String,
    pub acs_url: Option<String>,
}

/// Reads an `AuthnRequest` (any namespace prefix).
pub fn parse_authn_request(xml: &str) -> Option<AuthnRequest> {
    let root = regex::Regex::new(r"<(?:\w+:)?AuthnRequest\b([^>]*)>").ok()?;
    let attrs = root.captures(xml)?.get(1)?.as_str().to_owned();
    let issuer =
        regex::Regex::new(r"<(?:\w+:)?Issuer\b[^>]*>\s*([^<]+?)\s*</(?:\w+:)?Issuer>").ok()?;
    let issuer = unescape(issuer.captures(xml)?.get(1)?.as_str());
    Some(AuthnRequest {
        id: attribute(&attrs, "ID"),
        issuer,
        acs_url: attribute(&attrs, "AssertionConsumerServiceURL"),
    })
}

fn attribute(attrs: &str, name: &str) -> Option<String> {
    let re = regex::Regex::new(&format!(r#"\b{name}\s*=\s*"([^"]*)""#)).ok()?;
    Some(unescape(re.captures(attrs)?.get(1)?.as_str()))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A successful `samlp:Response` for `user`, addressed to the request's ACS URL.
pub fn response(
    state: &SandboxState,
    env: &str,
    req: &SamlRequest,
    user: &Value,
    flow: &Flow,
) -> String {
    let now_ms = state.auth.clock.now_ms();
    let now = iso_ms(now_ms);
    let until = iso_ms(now_ms + req.assertion_duration * 1000);
    let idp = format!("{}/{env}", state.base_url);
    let text = |k: &str| user.get(k).and_then(Value::as_str).unwrap_or_default();
    let format = req
        .name_id_format
        .clone()
        .unwrap_or_else(|| "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified".to_owned());
    let name_id = if format.ends_with("emailAddress") {
        text("email")
    } else {
        text("username")
    };
    let in_response = req
        .request_id
        .as_deref()
        .map(|id| format!(" InResponseTo=\"{}\"", escape(id)))
        .unwrap_or_default();
    let response_id = format!("_{}", uuid::Uuid::new_v4().simple());
    let assertion_id = format!("_{}", uuid::Uuid::new_v4().simple());
    let session = flow.session_id.as_deref().unwrap_or_default();
    format!(
        concat!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#,
            r#" ID="{rid}" Version="2.0" IssueInstant="{now}" Destination="{acs}"{irt}>"#,
            r#"<saml:Issuer>{idp}</saml:Issuer>"#,
            r#"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#,
            r#"<saml:Assertion ID="{aid}" Version="2.0" IssueInstant="{now}">"#,
            r#"<saml:Issuer>{idp}</saml:Issuer>"#,
            r#"<saml:Subject><saml:NameID Format="{fmt}">{nid}</saml:NameID>"#,
            r#"<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">"#,
            r#"<saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{acs}"{irt}/>"#,
            r#"</saml:SubjectConfirmation></saml:Subject>"#,
            r#"<saml:Conditions NotBefore="{now}" NotOnOrAfter="{until}">"#,
            r#"<saml:AudienceRestriction><saml:Audience>{aud}</saml:Audience></saml:AudienceRestriction>"#,
            r#"</saml:Conditions>"#,
            r#"<saml:AuthnStatement AuthnInstant="{now}" SessionIndex="{sid}">"#,
            r#"<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>"#,
            r#"</saml:AuthnStatement>"#,
            r#"<saml:AttributeStatement>"#,
            r#"<saml:Attribute Name="saml_subject"><saml:AttributeValue>{uid}</saml:AttributeValue></saml:Attribute>"#,
            r#"<saml:Attribute Name="email"><saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute>"#,
            r#"</saml:AttributeStatement></saml:Assertion></samlp:Response>"#
        ),
        rid = response_id,
        aid = assertion_id,
        now = now,
        until = until,
        acs = escape(&req.acs_url),
        irt = in_response,
        idp = escape(&idp),
        fmt = escape(&format),
        nid = escape(name_id),
        aud = escape(&req.sp_entity_id),
        sid = escape(session),
        uid = escape(text("id")),
        email = escape(text("email")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_authn_request_with_prefixes() {
        let xml = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_abc" Version="2.0" AssertionConsumerServiceURL="https://sp.example/acs?a=1&amp;b=2"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"> sp-entity </saml:Issuer></samlp:AuthnRequest>"#;
        let parsed = parse_authn_request(xml).expect("parsed");
        assert_eq!(parsed.id.as_deref(), Some("_abc"));
        assert_eq!(parsed.issuer, "sp-entity");
        assert_eq!(
            parsed.acs_url.as_deref(),
            Some("https://sp.example/acs?a=1&b=2")
        );
        assert!(parse_authn_request("<foo/>").is_none());
    }
}
