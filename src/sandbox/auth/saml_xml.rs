//! The SAML XML the `IdP` reads and writes: the few facts of an `AuthnRequest` (issuer, ID, ACS
//! URL) and a `samlp:Response` carrying one signed assertion for the signed-on user.

use serde_json::Value;

use crate::sandbox::auth::certificate;
use crate::sandbox::auth::clock::iso_ms;
use crate::sandbox::auth::saml_sign::{self, attr};
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::flow::Flow;
use crate::sandbox::state::saml_request::SamlRequest;
use crate::sandbox::store::Store;

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

/// What the service provider side needs from a `samlp:Response`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedResponse {
    pub issuer: String,
    pub in_response_to: Option<String>,
    pub name_id: String,
    pub audience: String,
    pub email: Option<String>,
}

/// Reads a `samlp:Response` (any namespace prefix): the assertion's issuer, subject, audience
/// and `email` attribute, and the response's `InResponseTo`.
pub fn parse_response(xml: &str) -> Option<ParsedResponse> {
    let root = regex::Regex::new(r"<(?:\w+:)?Response\b([^>]*)>").ok()?;
    let attrs = root.captures(xml)?.get(1)?.as_str().to_owned();
    let start = regex::Regex::new(r"<(?:\w+:)?Assertion\b")
        .ok()?
        .find(xml)?
        .start();
    let assertion = &xml[start..];
    let element = |name: &str| -> Option<String> {
        let re = regex::Regex::new(&format!(
            r"<(?:\w+:)?{name}\b[^>]*>\s*([^<]+?)\s*</(?:\w+:)?{name}>"
        ))
        .ok()?;
        Some(unescape(re.captures(assertion)?.get(1)?.as_str()))
    };
    let email = regex::Regex::new(
        r#"<(?:\w+:)?Attribute\b[^>]*Name="email"[^>]*>\s*<(?:\w+:)?AttributeValue\b[^>]*>([^<]*)<"#,
    )
    .ok()
    .and_then(|re| Some(unescape(re.captures(assertion)?.get(1)?.as_str())));
    Some(ParsedResponse {
        issuer: element("Issuer")?,
        in_response_to: attribute(&attrs, "InResponseTo"),
        name_id: element("NameID")?,
        audience: element("Audience")?,
        email,
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

/// A successful `samlp:Response` for `user`, addressed to the request's ACS URL, in the
/// canonical form `saml_sign` relies on; the assertion is signed unless the application says
/// `assertionSigned: false`, the response too when it says `responseSigned: true`.
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
    let in_response = req
        .request_id
        .as_deref()
        .map(|id| format!(" InResponseTo=\"{}\"", attr(id)))
        .unwrap_or_default();
    let stamp = Stamp {
        req,
        now: &now,
        until: &until,
        idp: &idp,
        in_response: &in_response,
    };
    let response_id = format!("_{}", uuid::Uuid::new_v4().simple());
    let assertion_id = format!("_{}", uuid::Uuid::new_v4().simple());
    let assertion = unsigned_assertion(&stamp, &assertion_id, user, flow);
    let signing = signing(state, env, req);
    let assertion = match &signing {
        Some((cert, assertion_signed, _)) if *assertion_signed => {
            saml_sign::sign(state, &assertion, &assertion_id, ISSUER_END, cert)
        }
        _ => assertion,
    };
    let response = envelope(&stamp, &response_id, &assertion);
    match &signing {
        Some((cert, _, true)) => saml_sign::sign(state, &response, &response_id, ISSUER_END, cert),
        _ => response,
    }
}

/// What the assertion and the response around it share: the request answered, the instant
/// of issue and of expiry, the `IdP`'s entity ID and the ` InResponseTo` attribute (or none).
struct Stamp<'a> {
    req: &'a SamlRequest,
    now: &'a str,
    until: &'a str,
    idp: &'a str,
    in_response: &'a str,
}

/// The unsigned `saml:Assertion` about `user`: subject (the e-mail or the username, as the
/// application's name ID format asks), audience, session and the two attributes.
fn unsigned_assertion(stamp: &Stamp, assertion_id: &str, user: &Value, flow: &Flow) -> String {
    let req = stamp.req;
    let text = |k: &str| user.get(k).and_then(Value::as_str).unwrap_or_default();
    let (format, name_id) = name_id(req, user);
    let session = flow.session_id.as_deref().unwrap_or_default();
    format!(
        concat!(
            r#"<saml:Assertion xmlns:saml="{ns}" ID="{aid}" IssueInstant="{now}" Version="2.0">"#,
            r#"<saml:Issuer>{idp}</saml:Issuer>"#,
            r#"<saml:Subject><saml:NameID Format="{fmt}">{nid}</saml:NameID>"#,
            r#"<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">"#,
            r#"<saml:SubjectConfirmationData{irt} NotOnOrAfter="{until}" Recipient="{acs}"></saml:SubjectConfirmationData>"#,
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
            r#"</saml:AttributeStatement></saml:Assertion>"#
        ),
        ns = ASSERTION_NS,
        aid = assertion_id,
        now = stamp.now,
        until = stamp.until,
        acs = attr(&req.acs_url),
        irt = stamp.in_response,
        idp = saml_sign::text(stamp.idp),
        fmt = attr(format),
        nid = saml_sign::text(name_id),
        aud = saml_sign::text(&req.sp_entity_id),
        sid = attr(session),
        uid = saml_sign::text(text("id")),
        email = saml_sign::text(text("email")),
    )
}

/// The name ID format the application asks for (unspecified by default) and the user's name
/// ID in it: the e-mail for `emailAddress`, else the username.
fn name_id<'a>(req: &'a SamlRequest, user: &'a Value) -> (&'a str, &'a str) {
    let text = |k: &str| user.get(k).and_then(Value::as_str).unwrap_or_default();
    let format = req
        .name_id_format
        .as_deref()
        .unwrap_or("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
    let name_id = if format.ends_with("emailAddress") {
        text("email")
    } else {
        text("username")
    };
    (format, name_id)
}

/// The `samlp:Response` carrying `assertion`, with the success status.
fn envelope(stamp: &Stamp, response_id: &str, assertion: &str) -> String {
    format!(
        concat!(
            r#"<samlp:Response xmlns:samlp="{pns}" Destination="{acs}" ID="{rid}"{irt} IssueInstant="{now}" Version="2.0">"#,
            r#"<saml:Issuer xmlns:saml="{ns}">{idp}</saml:Issuer>"#,
            r#"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"></samlp:StatusCode></samlp:Status>"#,
            "{assertion}</samlp:Response>"
        ),
        pns = PROTOCOL_NS,
        ns = ASSERTION_NS,
        rid = response_id,
        now = stamp.now,
        acs = attr(&stamp.req.acs_url),
        irt = stamp.in_response,
        idp = saml_sign::text(stamp.idp),
        assertion = assertion,
    )
}

const ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const PROTOCOL_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const ISSUER_END: &str = "</saml:Issuer>";

/// The signing certificate (Base64 DER) and whether to sign the assertion and the response:
/// the application's `idpSigning.key`, else the environment's default signing key.
fn signing(state: &SandboxState, env: &str, req: &SamlRequest) -> Option<(String, bool, bool)> {
    let store = state.store();
    let app = store.get(env, "applications", &req.app_id)?;
    let flag = |k: &str, d: bool| app.get(k).and_then(Value::as_bool).unwrap_or(d);
    let key = signing_key(
        &store,
        env,
        app.pointer("/idpSigning/key/id").and_then(Value::as_str),
    )?;
    let cert = certificate::base64(state, key);
    Some((
        cert,
        flag("assertionSigned", true),
        flag("responseSigned", false),
    ))
}

/// The key `id` of `env`, or its default `SIGNING` key.
pub fn signing_key<'a>(store: &'a Store, env: &str, id: Option<&str>) -> Option<&'a Value> {
    match id {
        Some(id) => store.get(env, "keys", id),
        None => store.list(env, "keys").find(|k| {
            k.get("usageType").and_then(Value::as_str) == Some("SIGNING")
                && k.get("default").and_then(Value::as_bool) == Some(true)
        }),
    }
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
