//! PingOne's HAL representation: `_links` with absolute hrefs, timestamps with
//! milliseconds, and the 200/201/204 responses every handler returns.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Now as ISO-8601 UTC with milliseconds, e.g. `2026-03-23T16:34:44.760Z`.
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// `now() + seconds`, same format.
pub fn now_plus(seconds: i64) -> String {
    let ts = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .unwrap_or_else(|_| jiff::Timestamp::now());
    ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A fresh resource id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `{"id": id}`, PingOne's reference to another resource.
pub fn id_ref(id: &str) -> Value {
    json!({ "id": id })
}

/// A copy of `doc` with `_links` first, built from `(relation, href)` pairs.
pub fn with_links(doc: &Value, links: &[(&str, String)]) -> Value {
    let mut out = Map::new();
    let mut link_map = Map::new();
    for (rel, href) in links {
        link_map.insert((*rel).to_owned(), json!({ "href": href }));
    }
    out.insert("_links".to_owned(), Value::Object(link_map));
    if let Some(fields) = doc.as_object() {
        for (k, v) in fields {
            if k != "_links" {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// 200 with a JSON body.
pub fn ok(body: Value) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// 201 with a JSON body and `Location: <self href>`.
pub fn created(body: Value) -> Response {
    let location = body
        .pointer("/_links/self/href")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut resp = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = location.parse() {
        resp.headers_mut().insert(header::LOCATION, value);
    }
    resp
}

/// 204 without a body.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_millis() {
        let t = now();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[19] == b'.');
    }

    #[test]
    fn links_come_first() {
        let doc = json!({"id": "x", "name": "n"});
        let out = with_links(&doc, &[("self", "http://h/v1/x".into())]);
        let keys: Vec<_> = out.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["_links", "id", "name"]);
        assert_eq!(out["_links"]["self"]["href"], "http://h/v1/x");
    }

    #[test]
    fn created_sets_location() {
        let resp = created(with_links(&json!({}), &[("self", "http://h/v1/a".into())]));
        assert_eq!(resp.status(), StatusCode::CREATED);
        assert_eq!(resp.headers()[header::LOCATION], "http://h/v1/a");
    }
}
