//! The integration catalog (`/integrations`, read-only, seeded per environment) with
//! versions and a downloadable asset. As on PingOne, `.../versions/{versionID}/asset` answers
//! `307 Temporary Redirect` to a short-lived presigned URL (PingOne's is on Amazon S3; the
//! sandbox's is `/sandbox/integration-assets/{token}`), which serves the zip with its
//! `Content-Disposition` and an `x-amz-meta-etag: sha256=…` integrity header.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::access::Caller;
use super::crud::ctx;
use super::error::{ApiError, ApiResult};
use super::hal;
use super::spec::{Ctx, Ops, Params, Plain, Scope, Spec};
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

/// One catalog entry: (name, description, products, tags, version numbers).
type Entry = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const CATALOG: &[Entry] = &[
    (
        "PingOne Integration Kit",
        "Connects PingFederate to PingOne",
        &["PINGFEDERATE", "PINGONE"],
        &["SSO", "DIRECTORY"],
        &["3.0.1", "2.1.0"],
    ),
    (
        "PingOne MFA Integration Kit",
        "Adds PingOne MFA to PingFederate",
        &["PINGFEDERATE"],
        &["MFA", "AUTHENTICATION"],
        &["2.4.0", "2.3.0"],
    ),
    (
        "Salesforce Connector",
        "Provisions users to Salesforce",
        &["PINGONE"],
        &["PROVISIONING"],
        &["1.2.0"],
    ),
    (
        "Workday Connector",
        "Synchronizes workers from Workday",
        &["PINGONE"],
        &["PROVISIONING", "DIRECTORY"],
        &["1.0.0"],
    ),
];

/// Adds the catalog to an environment.
pub fn seed(store: &mut Store, env_id: &str) {
    for (name, description, products, tags, versions) in CATALOG {
        let id = hal::new_id();
        store.put(
            env_id,
            "integrations",
            json!({
                "id": id, "name": name, "description": description, "publisher": "Ping Identity",
                "pingProductNames": products, "tags": tags, "categories": [],
                "createdAt": hal::now(),
            }),
        );
        for number in *versions {
            // PingOne always sends `releasedOn` (yyyy-mm-dd); the sandbox models no release
            // history, so every version carries one fixed date.
            store.put(&id, "versions", json!({
                "id": hal::new_id(), "integration": hal::id_ref(&id), "name": format!("{name} {number}"),
                "number": number, "type": "PRODUCT_INTEGRATION_KIT", "releasedOn": "2025-01-15",
                "description": format!("{name} version {number}"),
            }));
        }
    }
}

pub static INTEGRATIONS: Spec = Spec {
    name: "integrations",
    path: "/environments/{envID}/integrations",
    id_param: "integrationID",
    scope: Scope::Env,
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &[],
    owner: None,
    env_ref: false,
    timestamps: false,
    ops: Ops::READ_ONLY,
    hooks: &Plain,
};

pub static VERSIONS: Spec = Spec {
    name: "versions",
    path: "/environments/{envID}/integrations/{integrationID}/versions",
    id_param: "versionID",
    scope: Scope::Parents(&[("integrationID", "integrations")]),
    owner: Some("integration"),
    ..INTEGRATIONS
};

type St = State<Arc<SandboxState>>;

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        &format!("{}/{{versionID}}/asset", VERSIONS.path),
        get(
            |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                asset(&ctx(s, &VERSIONS, p, &q, c)?)
            },
        ),
    )
}

/// How long a presigned download URL works, in seconds.
const PRESIGNED_LIFETIME: i64 = 300;

fn asset(ctx: &Ctx) -> ApiResult<Response> {
    let id = ctx.param("versionID");
    if ctx.state.store().get(&ctx.scope, "versions", id).is_none() {
        return Err(ApiError::not_found());
    }
    let claims = json!({
        "scope": ctx.scope, "version": id,
        "exp": ctx.state.auth.clock.now_secs() + PRESIGNED_LIFETIME,
    });
    let token = ctx.state.auth.key.sign(&claims);
    let location = format!("{}/sandbox/integration-assets/{token}", ctx.state.base_url);
    Ok((
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, location)],
    )
        .into_response())
}

/// `GET /sandbox/integration-assets/{token}` (outside `/v1`, no token: the URL is the
/// credential, as a presigned URL is).
pub fn public_routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        "/sandbox/integration-assets/{token}",
        get(|State(s): St, Path(token): Path<String>| async move { download(&s, &token) }),
    )
}

fn download(state: &SandboxState, token: &str) -> Response {
    let denied = (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "application/xml")],
        "<Error><Code>AccessDenied</Code><Message>Request has expired or is invalid</Message></Error>",
    );
    let Some(claims) = state.auth.key.verify(token) else {
        return denied.into_response();
    };
    let live = claims["exp"]
        .as_i64()
        .is_some_and(|exp| exp > state.auth.clock.now_secs());
    let text = |k: &str| claims[k].as_str().unwrap_or_default().to_owned();
    let version = state
        .store()
        .get(&text("scope"), "versions", &text("version"))
        .cloned();
    let (true, Some(version)) = (live, version) else {
        return denied.into_response();
    };
    let field = |v: &Value, k: &str| v[k].as_str().unwrap_or("integration").replace(' ', "-");
    let name = field(&version, "name");
    let readme = format!("{name}\nDownloaded from the steprun sandbox.\n");
    let body = zip_with_one_file("README.txt", readme.as_bytes());
    let digest = Sha256::digest(&body)
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        });
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment;filename={name}.zip"),
            ),
            (
                header::HeaderName::from_static("x-amz-meta-etag"),
                format!("sha256={digest}"),
            ),
        ],
        body,
    )
        .into_response()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid zip archive holding one stored (uncompressed) file.
fn zip_with_one_file(name: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data);
    let size = u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes();
    let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX).to_le_bytes();
    let mut out = Vec::new();
    out.extend_from_slice(b"PK\x03\x04\x0a\x00\x00\x00\x00\x00\x00\x00\x21\x00");
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size);
    out.extend_from_slice(&size);
    out.extend_from_slice(&name_len);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(data);
    let central = out.len();
    out.extend_from_slice(b"PK\x01\x02\x14\x00\x0a\x00\x00\x00\x00\x00\x00\x00\x21\x00");
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size);
    out.extend_from_slice(&size);
    out.extend_from_slice(&name_len);
    out.extend_from_slice(&[0; 12]);
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(name.as_bytes());
    let central_len = u32::try_from(out.len() - central)
        .unwrap_or(0)
        .to_le_bytes();
    let central_at = u32::try_from(central).unwrap_or(0).to_le_bytes();
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    out.extend_from_slice(&central_len);
    out.extend_from_slice(&central_at);
    out.extend_from_slice(&[0, 0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_zip_layout() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        let zip = zip_with_one_file("a.txt", b"hi");
        assert!(zip.starts_with(b"PK\x03\x04"));
        assert_eq!(&zip[zip.len() - 22..zip.len() - 18], b"PK\x05\x06");
    }
}
