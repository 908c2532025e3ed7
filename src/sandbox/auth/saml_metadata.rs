//! `GET /{envID}/saml20/metadata/{appID}`: the `IdP` metadata a service provider imports for a
//! SAML application (entity id, signing certificate, single sign-on endpoints), as PingOne
//! publishes it on the application's configuration page.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::sandbox::auth::api_error::ApiError;
use crate::sandbox::auth::certificate;
use crate::sandbox::auth::saml_sign::attr;
use crate::sandbox::auth::saml_xml::signing_key;
use crate::sandbox::state::SandboxState;

pub async fn metadata(
    State(state): State<Arc<SandboxState>>,
    Path((env, app_id)): Path<(String, String)>,
) -> Response {
    let found = {
        let store = state.store();
        store
            .get(&env, "applications", &app_id)
            .filter(|a| a.get("protocol").and_then(Value::as_str) == Some("SAML"))
            .and_then(|app| {
                let key_id = app.pointer("/idpSigning/key/id").and_then(Value::as_str);
                signing_key(&store, &env, key_id).map(|k| certificate::base64(&state, k))
            })
    };
    let Some(cert) = found else {
        return ApiError::not_found().into_response();
    };
    let idp = format!("{}/{env}", state.base_url);
    let sso = format!("{idp}/saml20/idp/sso");
    let slo = format!("{idp}/saml20/idp/slo");
    let xml = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{idp}">"#,
            r#"<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
            r#"<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#,
            r#"<ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
            r#"<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{slo}"/>"#,
            r#"<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{slo}"/>"#,
            r#"<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>"#,
            r#"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{sso}"/>"#,
            r#"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso}"/>"#,
            r#"</md:IDPSSODescriptor></md:EntityDescriptor>"#
        ),
        idp = attr(&idp),
        cert = cert,
        sso = attr(&sso),
        slo = attr(&slo),
    );
    ([(header::CONTENT_TYPE, "application/xml")], xml).into_response()
}
