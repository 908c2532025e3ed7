//! Images (`/environments/{envID}/images`): the image file is the request body itself, its
//! `Content-Type` naming the format (`image/jpeg`, `image/png`, `image/gif`) and
//! `Content-Disposition: attachment; filename=…` naming the file, as PingOne's pages send it.
//! It becomes an image resource whose `targets.original.href` serves the bytes back from
//! `/sandbox/images/{imageID}` (no token needed, like PingOne's CDN links).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::crud::{self, ctx};
use super::error::{ApiError, ApiResult};
use super::hal;
use super::image_format::Format;
use super::spec::{Ctx, Ops, Params, Plain, Scope, Spec};
use crate::sandbox::state::SandboxState;

/// Uploaded bytes: collection `imageData`, scope = environment id,
/// `{id, type (the media type served), data (Base64)}`.
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

/// PingOne takes image files of at most 2 MB.
const MAX_BYTES: usize = 2 * 1024 * 1024;

type St = State<Arc<SandboxState>>;

pub fn routes() -> Router<Arc<SandboxState>> {
    Router::new().merge(crud::routes(&IMAGES)).route(
        IMAGES.path,
        axum::routing::post(
            |State(s): St,
             c: Caller,
             p: Params,
             q: RawQuery,
             h: HeaderMap,
             b: Result<Bytes, BytesRejection>| async move {
                // A body past the read limit is an oversized image, not a transport error.
                let b = b.map_err(|_| too_large())?;
                upload(&ctx(s, &IMAGES, p, &q, c)?, &h, &b)
            },
        )
        // Read a little past the limit so an oversized image gets PingOne's 400, not a
        // transport error.
        .layer(DefaultBodyLimit::max(MAX_BYTES * 2)),
    )
}

/// `GET /sandbox/images/{imageID}` (outside `/v1`, no token).
pub fn public_routes() -> Router<Arc<SandboxState>> {
    Router::new().route(
        "/sandbox/images/{imageID}",
        get(|State(s): St, Path(id): Path<String>| async move { serve(&s, &id) }),
    )
}

fn too_large() -> ApiError {
    ApiError::invalid_value(
        "INVALID_VALUE",
        "file",
        "The image file must not be larger than 2 MB",
    )
}

/// The body is read as bytes, never as JSON: only an image file is a valid body, and JSON,
/// forms and multipart are refused by their media type.
fn upload(ctx: &Ctx, headers: &HeaderMap, raw: &Bytes) -> ApiResult<Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let format = Format::from_media_type(content_type).ok_or_else(|| {
        ApiError::unsupported_media_type(if content_type.is_empty() {
            "none"
        } else {
            content_type
        })
    })?;
    if raw.is_empty() {
        return Err(ApiError::required("file"));
    }
    if raw.len() > MAX_BYTES {
        return Err(too_large());
    }
    let (width, height) = format.dimensions(raw).ok_or_else(|| {
        ApiError::invalid_value(
            "INVALID_VALUE",
            "file",
            format!(
                "The file is not a valid {} image",
                format.name().to_uppercase()
            ),
        )
    })?;
    let id = hal::new_id();
    let href = format!("{}/sandbox/images/{id}", ctx.state.base_url);
    let doc = json!({
        "id": id, "environment": hal::id_ref(ctx.env()), "createdAt": hal::now(),
        "targets": {"original": {
            "id": id, "href": href, "type": format.name(), "width": width, "height": height,
        }},
    });
    let mut store = ctx.state.store();
    store.put(ctx.env(), "images", doc.clone());
    let mut data = Map::new();
    data.insert("id".into(), json!(id));
    data.insert("type".into(), json!(format.media_type()));
    data.insert(
        "data".into(),
        json!(base64::engine::general_purpose::STANDARD.encode(raw)),
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
    let content_type = doc["type"].as_str().unwrap_or("image/jpeg").to_owned();
    ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
}
