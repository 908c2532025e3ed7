//! The generic create/list/read/update/delete handlers every `Spec` gets, and the building
//! blocks (`insert`, `view`, ...) richer handlers reuse.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::access::Caller;
use super::body::Body;
use super::error::{ApiError, ApiResult};
use super::hal::{self, Linked};
use super::list::{ListQuery, Page};
use super::spec::{Ctx, Params, Spec};
use super::validate;
use crate::sandbox::state::SandboxState;
use crate::sandbox::store::Store;

type St = State<Arc<SandboxState>>;

/// Fields a client may send but the server always owns.
const SERVER_FIELDS: &[&str] = &[
    "id",
    "_links",
    "_embedded",
    "environment",
    "createdAt",
    "updatedAt",
];

/// Routes of one spec: the collection (`GET`, `POST`) and its items (`GET`, `PUT`,
/// `PATCH`, `DELETE`), as the spec's `ops` allow.
pub fn routes(spec: &'static Spec) -> Router<Arc<SandboxState>> {
    let mut collection: MethodRouter<Arc<SandboxState>> = get(
        move |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
            list(&ctx(s, spec, p, &q, c)?)
        },
    );
    if spec.ops.create {
        collection = collection.post(
            move |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                let ctx = ctx(s, spec, p, &q, c)?;
                let view = create(&ctx, create_body(spec, b)?)?;
                Ok::<_, ApiError>(hal::created(view))
            },
        );
    }
    let mut item: MethodRouter<Arc<SandboxState>> = get(
        move |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
            let ctx = ctx(s, spec, p, &q, c)?;
            let id = ctx.param(spec.id_param).to_owned();
            read(&ctx, &id).map(hal::ok)
        },
    );
    if spec.ops.update {
        item = item
            .put(
                move |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    update(&ctx(s, spec, p, &q, c)?, b, false)
                },
            )
            .patch(
                move |State(s): St, c: Caller, p: Params, q: RawQuery, b: Body| async move {
                    update(&ctx(s, spec, p, &q, c)?, b, true)
                },
            );
    }
    if spec.ops.delete {
        item = item.delete(
            move |State(s): St, c: Caller, p: Params, q: RawQuery| async move {
                let ctx = ctx(s, spec, p, &q, c)?;
                let id = ctx.param(spec.id_param).to_owned();
                delete(&ctx, &id)
            },
        );
    }
    Router::new()
        .route(spec.path, collection)
        .route(&format!("{}/{{{}}}", spec.path, spec.id_param), item)
}

/// A create request's object: plain JSON, or one of the collection's create actions.
fn create_body(spec: &Spec, body: Body) -> ApiResult<Map<String, Value>> {
    let actions = spec.hooks.create_actions();
    if actions.is_empty() || !matches!(body.media, super::body::Media::Action(_)) {
        return body.object();
    }
    body.action(actions, None).map(|(_, object)| object)
}

/// Resolves a request's context (404 when the environment or a parent is missing).
pub fn ctx(
    state: Arc<SandboxState>,
    spec: &'static Spec,
    params: Params,
    query: &RawQuery,
    caller: Caller,
) -> ApiResult<Ctx> {
    let query = ListQuery::parse(query)?;
    Ctx::resolve(state, spec, params.0, query, Some(caller))
}

/// The response form of a stored document: computed fields and `_links`.
pub fn view(ctx: &Ctx, store: &Store, doc: &Value) -> Value {
    let mut shown = doc.clone();
    ctx.spec.hooks.present(ctx, store, &mut shown);
    linked(ctx, shown).into_value()
}

/// A shown document with its relation links, not yet merged.
fn linked(ctx: &Ctx, shown: Value) -> Linked {
    let id = shown["id"].as_str().unwrap_or_default();
    let mut links: Vec<(&'static str, String)> = vec![("self", ctx.item_href(id))];
    if ctx.spec.env_ref && ctx.env_id.is_some() {
        links.push(("environment", ctx.env_href()));
    }
    if let Some(owner) = ctx.spec.owner {
        links.push((owner, ctx.parent_href()));
    }
    links.extend(ctx.spec.hooks.links(ctx, &shown));
    Linked { links, doc: shown }
}

/// The first guess at a page's size: HAL links, plus a typical document (a user is about 2.4 KB).
const PAGE_BASE: usize = 1024;
const PAGE_PER_ITEM: usize = 3 * 1024;

/// `GET` on the collection. The page is written straight from the store, one document at a
/// time (shown, linked, serialized, dropped), so a long list costs its output and one document
/// rather than a copy of the whole collection.
pub fn list(ctx: &Ctx) -> ApiResult<Response> {
    let body = {
        let store = ctx.state.store();
        let items: Vec<Lazy> = matching(ctx, &store)
            .into_iter()
            .map(|doc| Lazy {
                ctx,
                store: &store,
                doc,
            })
            .collect();
        // One buffer of about the page's size rather than a doubling one: the abandoned halves
        // of growing buffers fragmented the allocator's heap and resident memory crept up.
        let mut buf = Vec::with_capacity(PAGE_BASE + items.len() * PAGE_PER_ITEM);
        serde_json::to_writer(
            &mut buf,
            &Page::new(&ctx.href, ctx.spec.name, items, &ctx.query),
        )
        .map(|()| buf)
    };
    body.map(hal::ok_json).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNEXPECTED_ERROR",
            format!("The list could not be written: {e}"),
        )
    })
}

/// The filtered views of every document in the collection.
pub fn list_views(ctx: &Ctx, store: &Store) -> Vec<Value> {
    matching(ctx, store)
        .into_iter()
        .map(|doc| view(ctx, store, doc))
        .collect()
}

/// The stored documents of the collection that pass the request's `filter`.
fn matching<'a>(ctx: &Ctx, store: &'a Store) -> Vec<&'a Value> {
    let hooks = ctx.spec.hooks;
    store
        .list(&ctx.scope, ctx.spec.name)
        .filter(|doc| {
            ctx.query.filter.is_none() || {
                let mut probe = (*doc).clone();
                hooks.present(ctx, store, &mut probe);
                hooks.filter_view(ctx, store, &mut probe);
                ctx.query.keep(&probe)
            }
        })
        .collect()
}

/// A stored document that is shown and linked only while it is serialized.
struct Lazy<'a> {
    ctx: &'a Ctx,
    store: &'a Store,
    doc: &'a Value,
}

impl Serialize for Lazy<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut shown = self.doc.clone();
        self.ctx
            .spec
            .hooks
            .present(self.ctx, self.store, &mut shown);
        linked(self.ctx, shown).serialize(serializer)
    }
}

/// `GET` on one item.
pub fn read(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    let store = ctx.state.store();
    let doc = store
        .get(&ctx.scope, ctx.spec.name, id)
        .ok_or_else(ApiError::not_found)?;
    Ok(view(ctx, &store, doc))
}

/// Validates and stores a new document; returns its view.
pub fn create(ctx: &Ctx, body: Map<String, Value>) -> ApiResult<Value> {
    let mut store = ctx.state.store();
    let doc = insert(ctx, &mut store, body)?;
    Ok(view(ctx, &store, &doc))
}

/// Validates and stores a new document under the store lock the caller holds.
pub fn insert(ctx: &Ctx, store: &mut Store, body: Map<String, Value>) -> ApiResult<Value> {
    let doc = build(ctx, store, body, None)?;
    store.put(&ctx.scope, ctx.spec.name, doc.clone());
    ctx.spec.hooks.stored(ctx, store, &doc, true);
    // `stored` may have completed the document (secrets, hidden fields): return it as kept.
    let id = doc["id"].as_str().unwrap_or_default();
    Ok(store
        .get(&ctx.scope, ctx.spec.name, id)
        .cloned()
        .unwrap_or(doc))
}

/// Builds the stored form of a document from a request body (create or replace).
pub fn build(
    ctx: &Ctx,
    store: &Store,
    mut body: Map<String, Value>,
    existing: Option<&Value>,
) -> ApiResult<Value> {
    let spec = ctx.spec;
    for field in SERVER_FIELDS.iter().chain(spec.read_only) {
        body.remove(*field);
    }
    if let Some(owner) = spec.owner {
        body.remove(owner);
    }
    if let Some(old) = existing.and_then(Value::as_object) {
        for field in spec.read_only {
            if let Some(v) = old.get(*field) {
                body.insert((*field).to_owned(), v.clone());
            }
        }
    }
    spec.hooks.prepare(ctx, store, &mut body, existing)?;
    let own_id = existing.and_then(|e| e["id"].as_str());
    validate::check(spec, store, &ctx.scope, &mut body, own_id)?;
    spec.hooks.validate(ctx, store, &body, existing)?;
    Ok(assemble(ctx, body, existing))
}

fn assemble(ctx: &Ctx, body: Map<String, Value>, existing: Option<&Value>) -> Value {
    let spec = ctx.spec;
    let now = hal::now();
    let id = existing
        .and_then(|e| e["id"].as_str())
        .map_or_else(hal::new_id, str::to_owned);
    let mut doc = Map::new();
    doc.insert("id".into(), json!(id));
    if spec.env_ref && ctx.env_id.is_some() {
        doc.insert("environment".into(), hal::id_ref(ctx.env()));
    }
    if let (Some(owner), Some(parent)) = (spec.owner, &ctx.parent_id) {
        doc.insert(owner.into(), hal::id_ref(parent));
    }
    doc.extend(body);
    if spec.timestamps {
        let created = existing
            .and_then(|e| e.get("createdAt"))
            .cloned()
            .unwrap_or_else(|| json!(now));
        doc.insert("createdAt".into(), created);
        doc.insert("updatedAt".into(), json!(now));
    }
    Value::Object(doc)
}

/// `PUT` (replace) or `PATCH` (merge) on one item.
pub fn update(ctx: &Ctx, body: Body, merge: bool) -> ApiResult<Response> {
    let id = ctx.param(ctx.spec.id_param).to_owned();
    let patch = body.object()?;
    let mut store = ctx.state.store();
    let existing = store
        .get(&ctx.scope, ctx.spec.name, &id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let body = if merge {
        let mut merged = existing.as_object().cloned().unwrap_or_default();
        merge_patch(&mut merged, patch);
        merged
    } else {
        patch
    };
    let doc = build(ctx, &store, body, Some(&existing))?;
    store.put(&ctx.scope, ctx.spec.name, doc.clone());
    ctx.spec.hooks.stored(ctx, &mut store, &doc, false);
    let doc = store
        .get(&ctx.scope, ctx.spec.name, &id)
        .cloned()
        .unwrap_or(doc);
    Ok(hal::ok(view(ctx, &store, &doc)))
}

/// RFC 7396 JSON merge patch.
pub fn merge_patch(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, v) in patch {
        match v {
            Value::Null => {
                target.remove(&k);
            }
            Value::Object(inner) => {
                if let Some(Value::Object(t)) = target.get_mut(&k) {
                    merge_patch(t, inner);
                } else {
                    let mut fresh = Map::new();
                    merge_patch(&mut fresh, inner);
                    target.insert(k, Value::Object(fresh));
                }
            }
            other => {
                target.insert(k, other);
            }
        }
    }
}

/// `DELETE` on one item: 204, and everything scoped below it goes too.
pub fn delete(ctx: &Ctx, id: &str) -> ApiResult<Response> {
    let mut store = ctx.state.store();
    let doc = store
        .get(&ctx.scope, ctx.spec.name, id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    ctx.spec.hooks.deleting(ctx, &mut store, &doc)?;
    store.remove(&ctx.scope, ctx.spec.name, id);
    if crate::sandbox::store::owns_scope(ctx.spec.name) {
        store.drop_tree(id);
    }
    Ok(hal::no_content())
}

/// After `doc` was stored with `default: true`, clears `default` on its siblings.
pub fn keep_single_default(store: &mut Store, scope: &str, collection: &'static str, doc: &Value) {
    if doc["default"] != true {
        return;
    }
    let others: Vec<String> = store
        .list(scope, collection)
        .filter(|p| p["id"] != doc["id"] && p["default"] == true)
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect();
    for id in others {
        if let Some(p) = store.get_mut(scope, collection, &id) {
            p["default"] = json!(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}})
            .as_object()
            .unwrap()
            .clone();
        let patch = json!({"a": null, "b": {"c": 5}, "e": [1]})
            .as_object()
            .unwrap()
            .clone();
        merge_patch(&mut target, patch);
        assert_eq!(
            Value::Object(target),
            json!({"b": {"c": 5, "d": 3}, "e": [1]})
        );
    }
}
