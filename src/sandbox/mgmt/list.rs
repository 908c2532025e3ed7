//! List requests and responses: `filter`, `limit`, `cursor`, `include`, `expand`, and the
//! `{_links, _embedded: {<name>: [...]}, count, size}` envelope.

use axum::extract::RawQuery;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::filter::Filter;
use super::hal::{LinkSet, link_map};

/// Query parameters a list or read request may carry.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub filter: Option<Filter>,
    pub limit: Option<usize>,
    pub cursor: usize,
    pub include: Vec<String>,
    pub expand: Vec<String>,
    /// Every parameter as sent, for endpoint-specific ones.
    pub raw: Vec<(String, String)>,
}

impl ListQuery {
    pub fn parse(query: &RawQuery) -> ApiResult<Self> {
        let mut out = Self::default();
        let Some(text) = query.0.as_deref() else {
            return Ok(out);
        };
        for (key, value) in url::form_urlencoded::parse(text.as_bytes()) {
            let (key, value) = (key.into_owned(), value.into_owned());
            match key.as_str() {
                "filter" if !value.trim().is_empty() => out.filter = Some(Filter::parse(&value)?),
                "limit" => out.limit = Some(parse_limit(&value)?),
                "cursor" => out.cursor = value.parse().unwrap_or(0),
                "include" => out.include.extend(split_list(&value)),
                "expand" => out.expand.extend(split_list(&value)),
                _ => {}
            }
            out.raw.push((key, value));
        }
        Ok(out)
    }
    pub fn includes(&self, name: &str) -> bool {
        self.include.iter().any(|x| x.eq_ignore_ascii_case(name))
    }
    pub fn keep(&self, doc: &Value) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(doc))
    }
}

fn split_list(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn parse_limit(value: &str) -> ApiResult<usize> {
    match value.parse::<usize>() {
        Ok(n) if (1..=5000).contains(&n) => Ok(n),
        _ => Err(ApiError::invalid_value(
            "INVALID_PARAMETER",
            "limit",
            "limit must be an integer between 1 and 5000",
        )
        .with_inner(json!({"rangeMinimumValue": 1, "rangeMaximumValue": 5000}))),
    }
}

/// One page of a list: `{_links: {self, next?}, _embedded: {<key>: [...]}, count, size}`.
/// `items` are the already filtered documents; `limit` and `cursor` page them, and `next`
/// points at the following page. It serializes without first becoming a `Value`.
pub struct Page<'a, T> {
    links: Vec<(&'static str, String)>,
    key: &'a str,
    items: Vec<T>,
    count: usize,
}

impl<'a, T> Page<'a, T> {
    pub fn new(self_href: &str, key: &'a str, items: Vec<T>, query: &ListQuery) -> Self {
        let count = items.len();
        let start = query.cursor.min(count);
        let end = query
            .limit
            .map_or(count, |l| start.saturating_add(l).min(count));
        let mut links = vec![("self", self_href.to_owned())];
        if end < count {
            let limit = query.limit.unwrap_or(count);
            let sep = if self_href.contains('?') { '&' } else { '?' };
            links.push((
                "next",
                format!("{self_href}{sep}cursor={end}&limit={limit}"),
            ));
        }
        let items = items.into_iter().skip(start).take(end - start).collect();
        Self {
            links,
            key,
            items,
            count,
        }
    }
}

impl<T: Serialize> Serialize for Page<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("_links", &LinkSet(&self.links))?;
        map.serialize_entry("_embedded", &Embedded(self.key, &self.items))?;
        map.serialize_entry("count", &self.count)?;
        map.serialize_entry("size", &self.items.len())?;
        map.end()
    }
}

/// `{<key>: [...]}`.
struct Embedded<'a, T>(&'a str, &'a [T]);

impl<T: Serialize> Serialize for Embedded<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

/// The list envelope as a `Value`, for handlers that assemble their items themselves.
pub fn envelope(self_href: &str, key: &str, items: Vec<Value>, query: &ListQuery) -> Value {
    let page = Page::new(self_href, key, items, query);
    let size = page.items.len();
    let mut embedded = Map::with_capacity(1);
    embedded.insert(key.to_owned(), Value::Array(page.items));
    let mut out = Map::with_capacity(4);
    out.insert("_links".into(), Value::Object(link_map(page.links)));
    out.insert("_embedded".into(), Value::Object(embedded));
    out.insert("count".into(), json!(page.count));
    out.insert("size".into(), json!(size));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &str) -> ListQuery {
        ListQuery::parse(&RawQuery(Some(q.to_owned()))).unwrap()
    }

    #[test]
    fn pages_with_limit_and_cursor() {
        let items: Vec<Value> = (0..5).map(|i| json!({ "n": i })).collect();
        let out = envelope("http://h/v1/x", "things", items.clone(), &query("limit=2"));
        assert_eq!(out["count"], 5);
        assert_eq!(out["size"], 2);
        assert_eq!(out["_embedded"]["things"][1]["n"], 1);
        let next = out["_links"]["next"]["href"].as_str().unwrap();
        assert!(next.ends_with("?cursor=2&limit=2"), "{next}");
        let out = envelope("http://h/v1/x", "things", items, &query("limit=2&cursor=4"));
        assert_eq!(out["size"], 1);
        assert!(out["_links"].get("next").is_none());
    }

    #[test]
    fn a_page_serializes_like_the_envelope() {
        let items: Vec<Value> = (0..5).map(|i| json!({ "n": i })).collect();
        for q in ["", "limit=2", "limit=2&cursor=4"] {
            let page = Page::new("http://h/v1/x", "things", items.clone(), &query(q));
            let value = envelope("http://h/v1/x", "things", items.clone(), &query(q));
            assert_eq!(serde_json::to_string(&page).unwrap(), value.to_string());
        }
    }

    #[test]
    fn parses_filter_and_rejects_bad_limit() {
        let q = query("filter=name%20sw%20%22a%22&include=memberOfGroupNames");
        assert!(q.keep(&json!({"name": "abc"})));
        assert!(!q.keep(&json!({"name": "xyz"})));
        assert!(q.includes("memberOfGroupNames"));
        let err = ListQuery::parse(&RawQuery(Some("limit=0".into()))).unwrap_err();
        assert_eq!(err.details[0].target.as_deref(), Some("limit"));
    }
}
