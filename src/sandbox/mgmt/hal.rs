//! PingOne's HAL representation: `_links` with absolute hrefs, timestamps with
//! milliseconds, and the 200/201/204 responses every handler returns.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::ser::{Serialize, SerializeMap, Serializer};
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
    into_links(doc.clone(), links.to_vec())
}

/// `doc` with `_links` first, taking the document and hrefs by value: lists build one per
/// item, and moving the fields instead of copying them keeps a large list cheap to serve.
pub fn into_links(doc: Value, links: Vec<(&str, String)>) -> Value {
    let link_map = link_map(links);
    let Value::Object(fields) = doc else {
        let mut out = Map::with_capacity(1);
        out.insert("_links".to_owned(), Value::Object(link_map));
        return Value::Object(out);
    };
    let mut out = Map::with_capacity(fields.len() + 1);
    out.insert("_links".to_owned(), Value::Object(link_map));
    out.extend(fields.into_iter().filter(|(k, _)| k != "_links"));
    Value::Object(out)
}

/// `{relation: {"href": ...}}` as a `Value`.
pub fn link_map(links: Vec<(&str, String)>) -> Map<String, Value> {
    let mut map = Map::with_capacity(links.len());
    for (rel, href) in links {
        let mut link = Map::with_capacity(1);
        link.insert("href".to_owned(), Value::String(href));
        map.insert(rel.to_owned(), Value::Object(link));
    }
    map
}

/// A document and its `(relation, href)` pairs, serialized exactly as `into_links` would build
/// them but without building the merged `Value`: a list response is written straight from
/// these, which spares a few allocations per link and field of every item.
pub struct Linked {
    pub links: Vec<(&'static str, String)>,
    pub doc: Value,
}

impl Linked {
    /// The merged document, for callers that go on working with it.
    pub fn into_value(self) -> Value {
        into_links(self.doc, self.links)
    }
}

impl Serialize for Linked {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("_links", &LinkSet(&self.links))?;
        for (k, v) in self.doc.as_object().into_iter().flatten() {
            if k != "_links" {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

/// `{relation: {"href": ...}}`. A repeated relation keeps its first place and its last href,
/// as inserting into a `Map` does.
pub struct LinkSet<'a>(pub &'a [(&'static str, String)]);

impl Serialize for LinkSet<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (i, (rel, _)) in self.0.iter().enumerate() {
            if self.0[..i].iter().any(|(r, _)| r == rel) {
                continue;
            }
            let href = self
                .0
                .iter()
                .rev()
                .find(|(r, _)| r == rel)
                .map_or("", |(_, h)| h.as_str());
            map.serialize_entry(rel, &Href(href))?;
        }
        map.end()
    }
}

struct Href<'a>(&'a str);

impl Serialize for Href<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("href", self.0)?;
        map.end()
    }
}

/// 200 with a JSON body already serialized (lists write theirs from the store).
pub fn ok_json(body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
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
    fn linked_serializes_like_the_merged_document() {
        let doc = json!({"_links": {"old": {"href": "x"}}, "id": "x", "n": [1, {"a": null}]});
        let links = vec![
            ("self", "http://h/v1/x".to_owned()),
            ("env", "http://h/v1/e".to_owned()),
            ("self", "http://h/v1/y".to_owned()),
        ];
        let linked = Linked {
            links: links.clone(),
            doc: doc.clone(),
        };
        let text = serde_json::to_string(&linked).unwrap();
        assert_eq!(text, into_links(doc, links).to_string());
        assert_eq!(
            serde_json::to_string(&Linked {
                links: Vec::new(),
                doc: json!("not an object")
            })
            .unwrap(),
            r#"{"_links":{}}"#
        );
    }

    #[test]
    fn created_sets_location() {
        let resp = created(with_links(&json!({}), &[("self", "http://h/v1/a".into())]));
        assert_eq!(resp.status(), StatusCode::CREATED);
        assert_eq!(resp.headers()[header::LOCATION], "http://h/v1/a");
    }
}
