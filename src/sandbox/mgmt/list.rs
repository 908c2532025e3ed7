//! List requests and responses: `filter`, `limit`, `cursor`, `include`, `expand`, and the
//! `{_links, _embedded: {<name>: [...]}, count, size}` envelope.

use axum::extract::RawQuery;
use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::filter::Filter;

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
    pub fn get(&self, key: &str) -> Option<&str> {
        self.raw
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub fn includes(&self, name: &str) -> bool {
        self.include.iter().any(|x| x.eq_ignore_ascii_case(name))
    }
    pub fn expands(&self, name: &str) -> bool {
        self.expand.iter().any(|x| x.eq_ignore_ascii_case(name))
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

/// The list envelope. `items` are the already filtered documents (with their `_links`);
/// `limit` and `cursor` page them, and `next` points at the following page.
pub fn envelope(self_href: &str, key: &str, items: Vec<Value>, query: &ListQuery) -> Value {
    let count = items.len();
    let start = query.cursor.min(count);
    let end = query
        .limit
        .map_or(count, |l| start.saturating_add(l).min(count));
    let page: Vec<Value> = items.into_iter().skip(start).take(end - start).collect();
    let mut links = Map::new();
    links.insert("self".into(), json!({ "href": self_href }));
    if end < count {
        let limit = query.limit.unwrap_or(count);
        let sep = if self_href.contains('?') { '&' } else { '?' };
        links.insert(
            "next".into(),
            json!({ "href": format!("{self_href}{sep}cursor={end}&limit={limit}") }),
        );
    }
    json!({
        "_links": links,
        "_embedded": { key: page },
        "count": count,
        "size": end - start,
    })
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
    fn parses_filter_and_rejects_bad_limit() {
        let q = query("filter=name%20sw%20%22a%22&include=memberOfGroupNames");
        assert!(q.keep(&json!({"name": "abc"})));
        assert!(!q.keep(&json!({"name": "xyz"})));
        assert!(q.includes("memberOfGroupNames"));
        let err = ListQuery::parse(&RawQuery(Some("limit=0".into()))).unwrap_err();
        assert_eq!(err.details[0].target.as_deref(), Some("limit"));
    }
}
