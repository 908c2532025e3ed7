//! Images (`/environments/{envID}/images`): a multipart upload (`file` part) becomes an
//! image resource whose `targets.original.href` serves the bytes back from
//! `/sandbox/images/{imageID}` (no token needed, like PingOne's CDN links).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::{Body, Media};
use super::crud::{self, ctx};
use super::error::{ApiError, ApiResult};
use super::hal;
use super::multipart;
use super::spec::{Ctx, Ops, Params, Plain, Scope, Spec};
use crate::sandbox::state::SandboxState;

/// Uploaded bytes: collection `imageData`, scope = environment id, `{id, type, data (Base64)}`.
const DATA: &str = "imageData";

pub static IMAGES: Spec = Spec {
    name: "images",
    path: "/environments/{envID}/images",
    id_param: "imageID",
    scope: Scope::Env,
    required: &[],
    enums: &[],
    kinds: &[],
    unique: &[],
    read_only: &["targets"],
    owner: None,
    env_ref: true,
    timestamps: false,
    ops: Ops {
        create: false,
        update: false,
        delete: true,
    },
    hooks: &Plain,
};

type St = State<Arc<SandboxState>>;

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().merge(crud::routes(&IMAGES)).route(
        IMAGES.path,
        axum::routing::post(
            |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                upload(&ctx(s, &IMAGES, p, &q, c)?, &b)
            },
        ),
    )
}

/// `GET /sandbox/images/{imageID}` (outside `/v1`, no token).
pub fn public_routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        "/sandbox/images/{imageID}",
        get(|State(s): St, Path(id): Path<String>| async move { serve(&s, &id) }),
    )
}

/// The image's `type` as PingOne writes it: `png`, `jpg` or `gif` (lowercase).
fn image_type(content_type: Option<&str>, data: &[u8]) -> Option<&'static str> {
    match content_type.unwrap_or_default() {
        "image/png" => Some("png"),
        "image/jpeg" | "image/jpg" => Some("jpg"),
        "image/gif" => Some("gif"),
        _ if data.starts_with(b"\x89PNG") => Some("png"),
        _ if data.starts_with(b"\xff\xd8") => Some("jpg"),
        _ if data.starts_with(b"GIF8") => Some("gif"),
        _ => None,
    }
}

fn upload(ctx: &Ctx, body: &Body) -> ApiResult<Response> {
    let Media::Other(content_type) = &body.media else {
        return Err(ApiError::unsupported_media_type(&body.media.describe()));
    };
    let boundary = multipart::boundary(content_type)
        .ok_or_else(|| ApiError::unsupported_media_type(content_type))?;
    let parts = multipart::parse(&body.raw, &boundary).ok_or_else(|| {
        ApiError::invalid_value("INVALID_VALUE", "file", "The multipart body is malformed")
    })?;
    let file = parts
        .into_iter()
        .find(|p| p.name == "file" || p.filename.is_some())
        .ok_or_else(|| ApiError::required("file"))?;
    let kind = image_type(file.content_type.as_deref(), &file.data).ok_or_else(|| {
        ApiError::invalid_value(
            "INVALID_VALUE",
            "file",
            "Only PNG, JPG and GIF images are supported",
        )
    })?;
    let id = hal::new_id();
    let href = format!("{}/sandbox/images/{id}", ctx.state.base_url);
    let doc = json!({
        "id": id, "environment": hal::id_ref(ctx.env()), "createdAt": hal::now(),
        "targets": {"original": {"id": id, "href": href, "type": kind}},
    });
    let mut store = ctx.state.store();
    store.put(ctx.env(), "images", doc.clone());
    let mut data = Map::new();
    data.insert("id".into(), json!(id));
    data.insert("type".into(), json!(kind));
    data.insert(
        "data".into(),
        json!(base64::engine::general_purpose::STANDARD.encode(&file.data)),
    );
    store.put(ctx.env(), DATA, Value::Object(data));
    Ok(hal::created(crud::view(ctx, &store, &doc)))
}

fn serve(state: &SandboxState, id: &str) -> Response {
    let store = state.store();
    let found = store
        .list(&state.org_id, "environments")
        .find_map(|e| store.get(e["id"].as_str().unwrap_or_default(), DATA, id));
    let Some(doc) = found else {
        return ApiError::not_found().into_response();
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(doc["data"].as_str().unwrap_or_default())
        .unwrap_or_default();
    let content_type = match doc["type"].as_str() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        _ => "image/jpeg",
    };
    ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
}
