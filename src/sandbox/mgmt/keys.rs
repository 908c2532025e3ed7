//! Keys and certificates (`/keys`, `/certificates`). Keys are metadata plus a real X.509
//! certificate of the sandbox's signing key, exported as PEM (`Accept: application/x-pem-file`);
//! certificates are imported from a PEM file (multipart `file` + `usageType`) or JSON.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::{Body, Media};
use super::crud::{self, ctx};
use super::error::{ApiError, ApiResult};
use super::hal;
use super::multipart;
use super::spec::{Ctx, Hooks, Kind, Ops, Params, Scope, Spec};
use super::validate::text;
use crate::sandbox::auth::certificate;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

const USAGE: &[&str] = &[
    "ENCRYPTION",
    "SIGNING",
    "SSL/TLS",
    "ISSUANCE",
    "OUTBOUND_MTLS",
];
const SIG_ALGORITHMS: &[&str] = &[
    "SHA256withRSA",
    "SHA384withRSA",
    "SHA512withRSA",
    "SHA256withECDSA",
    "SHA384withECDSA",
    "SHA512withECDSA",
];

struct KeyHooks;

impl Hooks for KeyHooks {
    fn prepare(
        &self,
        ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        existing: Option<&Value>,
    ) -> ApiResult<()> {
        if existing.is_some() {
            return Ok(());
        }
        let days = doc
            .get("validityPeriod")
            .and_then(Value::as_i64)
            .unwrap_or(365);
        let subject = text(doc, "subjectDN").unwrap_or_default().to_owned();
        doc.entry("issuerDN").or_insert(json!(subject));
        doc.entry("default").or_insert(json!(false));
        doc.insert("status".into(), json!("VALID"));
        doc.insert("startsAt".into(), json!(hal::now()));
        doc.insert("expiresAt".into(), json!(hal::now_plus(days * 86_400)));
        doc.insert("serialNumber".into(), json!(rand::random::<u32>()));
        doc.insert("organization".into(), hal::id_ref(&ctx.state.org_id));
        Ok(())
    }
}

pub static KEYS: Spec = Spec {
    name: "keys",
    path: "/environments/{envID}/keys",
    id_param: "keyID",
    scope: Scope::Env,
    required: &[
        "name",
        "algorithm",
        "keyLength",
        "signatureAlgorithm",
        "subjectDN",
        "usageType",
        "validityPeriod",
    ],
    enums: &[
        ("algorithm", &["RSA", "EC"]),
        ("signatureAlgorithm", SIG_ALGORITHMS),
        ("usageType", USAGE),
    ],
    kinds: &[
        ("name", Kind::Str),
        ("keyLength", Kind::Int),
        ("validityPeriod", Kind::Int),
        ("default", Kind::Bool),
    ],
    unique: &["name"],
    read_only: &[
        "status",
        "startsAt",
        "expiresAt",
        "serialNumber",
        "organization",
    ],
    owner: None,
    env_ref: true,
    timestamps: true,
    ops: Ops::ALL,
    hooks: &KeyHooks,
};

pub static CERTIFICATES: Spec = Spec {
    name: "certificates",
    path: "/environments/{envID}/certificates",
    id_param: "certID",
    required: &["usageType"],
    enums: &[("usageType", USAGE)],
    kinds: &[("name", Kind::Str)],
    unique: &[],
    read_only: &["status", "startsAt", "expiresAt", "organization"],
    ..KEYS
};

/// The key's certificate as PEM: a real X.509 certificate of the sandbox's signing key with
/// the key's subject, serial and validity (`certificate`); an imported certificate's own PEM.
pub fn pem_of(state: &SandboxState, doc: &Value) -> String {
    if let Some(pem) = doc.get("pem").and_then(Value::as_str) {
        return pem.to_owned();
    }
    certificate::pem(state, doc)
}

type St = State<Arc<SandboxState>>;

pub fn routes() -> Router<Arc<SandboxState>> {
    let item = format!("{}/{{keyID}}", KEYS.path);
    let key_routes = get(
        |State(s): St, c: Caller, p: Params, q: RawQuery, h: HeaderMap| async move {
            let ctx = ctx(s, &KEYS, p, &q, c)?;
            read_key(&ctx, &h)
        },
    )
    .put(
        |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
            crud::update(&ctx(s, &KEYS, p, &q, c)?, b, false)
        },
    )
    .delete(
        |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
            let ctx = ctx(s, &KEYS, p, &q, c)?;
            let id = ctx.param("keyID").to_owned();
            crud::delete(&ctx, &id)
        },
    );
    let cert_item = format!("{}/{{certID}}", CERTIFICATES.path);
    Router::new()
        .route(
            KEYS.path,
            get(
                |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    crud::list(&ctx(s, &KEYS, p, &q, c)?)
                },
            )
            .post(
                |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    let ctx = ctx(s, &KEYS, p, &q, c)?;
                    Ok::<_, ApiError>(hal::created(crud::create(&ctx, b.object()?)?))
                },
            ),
        )
        .route(&item, key_routes)
        .route(
            CERTIFICATES.path,
            get(
                |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    crud::list(&ctx(s, &CERTIFICATES, p, &q, c)?)
                },
            )
            .post(
                |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    let ctx = ctx(s, &CERTIFICATES, p, &q, c)?;
                    let fields = certificate_fields(b)?;
                    Ok::<_, ApiError>(accepted(crud::create(&ctx, fields)?))
                },
            ),
        )
        .route(
            &cert_item,
            get(
                |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    let ctx = ctx(s, &CERTIFICATES, p, &q, c)?;
                    let id = ctx.param("certID").to_owned();
                    crud::read(&ctx, &id).map(hal::ok)
                },
            )
            .delete(
                |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                    let ctx = ctx(s, &CERTIFICATES, p, &q, c)?;
                    let id = ctx.param("certID").to_owned();
                    crud::delete(&ctx, &id)
                },
            ),
        )
}

fn read_key(ctx: &Ctx, headers: &HeaderMap) -> ApiResult<Response> {
    let id = ctx.param("keyID").to_owned();
    let view = crud::read(ctx, &id)?;
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // PEM under the type the caller asked for: PingOne's is `x-x509-ca-cert`.
    for pem_type in ["application/x-x509-ca-cert", "application/x-pem-file"] {
        if accept.contains(pem_type) {
            let body = pem_of(&ctx.state, &view);
            return Ok(([(header::CONTENT_TYPE, pem_type)], body).into_response());
        }
    }
    if accept.contains("application/x-pkcs7-certificates") {
        let body = pem_of(&ctx.state, &view).replace("CERTIFICATE", "PKCS7");
        return Ok((
            [(header::CONTENT_TYPE, "application/x-pkcs7-certificates")],
            body,
        )
            .into_response());
    }
    Ok(hal::ok(view))
}

/// PingOne answers a certificate upload with 202 Accepted and the certificate parsed from
/// the file (unlike other creates, which answer 201).
fn accepted(doc: Value) -> Response {
    let mut resp = hal::created(doc);
    *resp.status_mut() = axum::http::StatusCode::ACCEPTED;
    resp
}

/// The certificate document from a multipart upload (`usageType`, `file`) or JSON.
fn certificate_fields(body: Body) -> ApiResult<Map<String, Value>> {
    let Media::Other(content_type) = &body.media else {
        return body.object();
    };
    let boundary = multipart::boundary(content_type)
        .ok_or_else(|| ApiError::unsupported_media_type(content_type))?;
    let parts = multipart::parse(&body.raw, &boundary).ok_or_else(|| {
        ApiError::invalid_value("INVALID_VALUE", "file", "The multipart body is malformed")
    })?;
    let mut doc = Map::new();
    for part in parts {
        let value = String::from_utf8_lossy(&part.data).into_owned();
        if part.name == "file" {
            if !value.contains("-----BEGIN") {
                return Err(ApiError::invalid_value(
                    "INVALID_VALUE",
                    "file",
                    "The file is not a PEM or PKCS7 file",
                ));
            }
            doc.insert(
                "name".into(),
                json!(part.filename.unwrap_or_else(|| "certificate".into())),
            );
            doc.insert("pem".into(), json!(value));
        } else {
            doc.insert(part.name, json!(value));
        }
    }
    if !doc.contains_key("pem") {
        return Err(ApiError::required("file"));
    }
    doc.entry("algorithm").or_insert(json!("RSA"));
    doc.entry("keyLength").or_insert(json!(2048));
    doc.entry("signatureAlgorithm")
        .or_insert(json!("SHA256withRSA"));
    doc.entry("subjectDN")
        .or_insert(json!("CN=Imported certificate"));
    doc.entry("validityPeriod").or_insert(json!(365));
    Ok(doc)
}
