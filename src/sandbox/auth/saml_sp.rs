//! PingOne as a SAML service provider, for `SAML` identity providers: `GET
//! /{envID}/saml20/sp/sso?idpId=&flowId=` posts an `AuthnRequest` to the provider's single
//! sign-on endpoint (where `rp/authenticate` sends the browser), and `POST
//! /{envID}/saml20/sp/acs` receives the provider's `SAMLResponse`: its signature is verified
//! with the provider's verification certificates, its issuer, audience and `InResponseTo`
//! checked, and the flow continues with the account its `NameID` names (`flow::linking`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::sandbox::auth::api_error::{ApiError, ApiResult};
use crate::sandbox::auth::authorize::respond;
use crate::sandbox::auth::clock::iso_ms;
use crate::sandbox::auth::external::{offered_provider, provider};
use crate::sandbox::auth::flow;
use crate::sandbox::auth::flow::linking;
use crate::sandbox::auth::request::Params;
use crate::sandbox::auth::saml_sign::{self, attr};
use crate::sandbox::auth::saml_xml;
use crate::sandbox::state::SandboxState;
use crate::sandbox::state::external::ExternalAuth;
use crate::sandbox::state::identity::Identity;

/// `GET /{envID}/saml20/sp/sso?idpId=&flowId=`.
pub async fn sso(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    start(&state, &env, query.as_deref()).unwrap_or_else(IntoResponse::into_response)
}

fn start(state: &SandboxState, env: &str, query: Option<&str>) -> ApiResult<Response> {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let (idp_id, flow, provider) = offered_provider(state, env, &params, "idpId")?;
    let flow_id = flow.id.as_str();
    if provider.get("type").and_then(Value::as_str) != Some("SAML") {
        return Err(ApiError::invalid(
            "INVALID_VALUE",
            "idpId",
            "The identity provider is not a SAML identity provider",
        ));
    }
    let text = |k: &str| provider.get(k).and_then(Value::as_str).unwrap_or_default();
    let acs = format!("{}/{env}/saml20/sp/acs", state.base_url);
    let request_id = format!("_{}", uuid::Uuid::new_v4().simple());
    let request = format!(
        concat!(
            r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" "#,
            r#"AssertionConsumerServiceURL="{acs}" Destination="{dest}" ID="{id}" "#,
            r#"IssueInstant="{now}" Version="2.0">"#,
            r#"<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">{issuer}</saml:Issuer>"#,
            r#"</samlp:AuthnRequest>"#
        ),
        acs = attr(&acs),
        dest = attr(text("ssoEndpoint")),
        id = request_id,
        now = iso_ms(state.auth.clock.now_ms()),
        issuer = saml_sign::text(text("spEntityId")),
    );
    let relay = uuid::Uuid::new_v4().simple().to_string();
    let now = state.auth.clock.now_ms();
    state.auth.external.insert(
        &relay,
        ExternalAuth {
            env: env.to_owned(),
            flow_id: flow_id.to_owned(),
            provider_id: idp_id.to_owned(),
            nonce: request_id,
            redirect_uri: acs,
        },
        flow.expires_ms,
        now,
    );
    Ok(respond::form_post(
        text("ssoEndpoint"),
        &[
            ("SAMLRequest", STANDARD.encode(request)),
            ("RelayState", relay),
        ],
    ))
}

/// `POST /{envID}/saml20/sp/acs` (form `SAMLResponse`, `RelayState`).
pub async fn acs(
    State(state): State<Arc<SandboxState>>,
    Path(env): Path<String>,
    body: Bytes,
) -> Response {
    receive(&state, &env, &body).unwrap_or_else(IntoResponse::into_response)
}

fn receive(state: &Arc<SandboxState>, env: &str, body: &[u8]) -> ApiResult<Response> {
    let params = Params::parse(body);
    let encoded = params
        .get("SAMLResponse")
        .ok_or_else(|| ApiError::required("SAMLResponse"))?;
    let relay = params
        .get("RelayState")
        .ok_or_else(|| ApiError::required("RelayState"))?;
    let now = state.auth.clock.now_ms();
    // Kept until a response verifies: a forged or broken post does not end the sign-on.
    let auth = state
        .auth
        .external
        .get(relay, now)
        .filter(|a| a.env == env && a.redirect_uri.ends_with("/saml20/sp/acs"))
        .ok_or_else(|| {
            ApiError::invalid(
                "INVALID_VALUE",
                "RelayState",
                "No SAML sign-on is waiting for this RelayState",
            )
        })?;
    let xml = decoded(encoded)?;
    let provider = provider(state, env, &auth.provider_id)?;
    let parsed = checked_response(state, env, &provider, &auth.nonce, &xml)?;
    let mut attributes = json!({"subject": parsed.name_id});
    if let Some(email) = &parsed.email {
        attributes["email"] = json!(email);
    }
    let identity = Identity {
        provider_id: auth.provider_id.clone(),
        provider_type: "SAML".to_owned(),
        external_id: parsed.name_id,
        attributes,
    };
    state.auth.external.remove(relay);
    let mut flow = flow::load(state, env, &auth.flow_id).ok_or_else(ApiError::not_found)?;
    linking::arrive(state, &mut flow, identity)?;
    Ok(linking::back_to_sign_on(state, env, &mut flow))
}

/// The refusal of a `SAMLResponse`, saying why.
fn bad(message: &str) -> ApiError {
    ApiError::invalid("INVALID_VALUE", "SAMLResponse", message)
}

/// The XML of the posted `SAMLResponse` (Base64, possibly wrapped on lines).
fn decoded(encoded: &str) -> ApiResult<String> {
    let cleaned: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(cleaned)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| bad("SAMLResponse is not a Base64 SAML response"))
}

/// The response read, once its signature verifies with the provider's certificates and its
/// issuer, audience and `InResponseTo` (the request's ID, `request_id`) are the expected ones.
fn checked_response(
    state: &SandboxState,
    env: &str,
    provider: &Value,
    request_id: &str,
    xml: &str,
) -> ApiResult<saml_xml::ParsedResponse> {
    if !signed_by_provider(state, env, provider, xml) {
        return Err(bad(
            "The response's signature does not verify with the identity provider's certificates",
        ));
    }
    let parsed = saml_xml::parse_response(xml).ok_or_else(|| bad("No assertion was found"))?;
    let text = |k: &str| provider.get(k).and_then(Value::as_str).unwrap_or_default();
    if parsed.issuer != text("idpEntityId") {
        return Err(bad("The issuer is not the identity provider's idpEntityId"));
    }
    if parsed.audience != text("spEntityId") {
        return Err(bad("The audience is not the provider's spEntityId"));
    }
    if parsed.in_response_to.as_deref() != Some(request_id) {
        return Err(bad("InResponseTo is not the request sent"));
    }
    Ok(parsed)
}

/// Whether the response, or its assertion, carries a signature that verifies with one of the
/// provider's verification certificates (`idpVerification.certificates`, PEM uploads).
fn signed_by_provider(state: &SandboxState, env: &str, provider: &Value, xml: &str) -> bool {
    let certificates: Vec<Vec<u8>> = {
        let store = state.store();
        provider
            .pointer("/idpVerification/certificates")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|c| c.get("id")?.as_str())
                    .filter_map(|id| store.get(env, "certificates", id))
                    .filter_map(|c| c.get("pem")?.as_str().and_then(pem_der))
                    .collect()
            })
            .unwrap_or_default()
    };
    let assertion = xml.find("<saml:Assertion").and_then(|a| {
        xml[a..]
            .rfind("</saml:Assertion>")
            .map(|b| &xml[a..a + b + "</saml:Assertion>".len()])
    });
    certificates.iter().any(|der| {
        saml_sign::verify(xml, der) || assertion.is_some_and(|a| saml_sign::verify(a, der))
    })
}

fn pem_der(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD.decode(body).ok()
}
