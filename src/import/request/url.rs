//! A Postman request's URL in steprun's terms: the URL without its query, the query as pairs,
//! and `:name` path variables filled in from the request's own values.

use std::sync::LazyLock;

use regex::Regex;

use crate::import::postman::{self, KeyValue, Url};

/// `http://` before a URL that starts with a literal host and no scheme, as Postman sends it.
/// A URL that starts with a variable (`{{baseUrl}}/x`) or a `/` is left as it is.
pub fn with_scheme(url: String) -> String {
    static SCHEME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*://").expect("valid regex"));
    let starts_with_host = url.chars().next().is_some_and(char::is_alphanumeric);
    if starts_with_host && !SCHEME.is_match(&url) {
        format!("http://{url}")
    } else {
        url
    }
}

/// The URL without its query, the query as pairs (empty when it must stay in the URL: a key
/// without `=` or a repeated key), and the `:name` path variables left without a value.
pub(super) fn url(url: Option<&Url>) -> (String, Vec<(String, String)>, Vec<String>) {
    let (url, query, unfilled) = url_parts(url);
    let url = if url.trim().is_empty() {
        url
    } else {
        with_scheme(url)
    };
    (url, query, unfilled)
}

fn url_parts(url: Option<&Url>) -> (String, Vec<(String, String)>, Vec<String>) {
    let (raw, parts) = match url {
        None => return (String::new(), Vec::new(), Vec::new()),
        Some(Url::Text(s)) => (s.clone(), None),
        Some(Url::Parts(p)) => (p.raw.clone().unwrap_or_else(|| rebuild(p)), Some(p)),
    };
    let raw = raw.split('#').next().unwrap_or_default().to_owned();
    let (base, query_text) = match raw.split_once('?') {
        Some((b, q)) => (b.to_owned(), Some(q.to_owned())),
        None => (raw.clone(), None),
    };
    let (base, unfilled) = match parts {
        Some(p) => path_variables(&base, &p.variable),
        None => (base, Vec::new()),
    };
    let pairs: Option<Vec<(String, String)>> = match parts {
        Some(p) if !p.query.is_empty() => p
            .query
            .iter()
            .filter(|q| !q.disabled)
            .map(|q| Some((q.key.clone()?, decode(q.value.as_ref()?.as_str()?))))
            .collect(),
        _ => query_text.as_deref().map_or(Some(Vec::new()), |q| {
            q.split('&')
                .filter(|s| !s.is_empty())
                .map(|s| s.split_once('=').map(|(k, v)| (decode(k), decode(v))))
                .collect()
        }),
    };
    match pairs {
        Some(pairs) if !has_duplicates(&pairs) => (base, pairs, unfilled),
        _ => match query_text {
            Some(q) => (format!("{base}?{q}"), Vec::new(), unfilled),
            None => (base, Vec::new(), unfilled),
        },
    }
}

fn has_duplicates(pairs: &[(String, String)]) -> bool {
    pairs
        .iter()
        .enumerate()
        .any(|(i, (k, _))| pairs[..i].iter().any(|(other, _)| other == k))
}

/// A query component as text: `+` is a space and `%XX` escapes are decoded, as a server reads
/// them (steprun encodes query values again when it sends them).
fn decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map_or(spaced.clone(), std::borrow::Cow::into_owned)
}

/// A URL from its parts, when an export has no `raw`.
fn rebuild(p: &postman::UrlParts) -> String {
    let mut url = String::new();
    if let Some(proto) = &p.protocol {
        url.push_str(proto);
        url.push_str("://");
    }
    url.push_str(
        &p.host
            .as_ref()
            .map(|h| h.parts().join("."))
            .unwrap_or_default(),
    );
    if let Some(port) = &p.port {
        url.push(':');
        url.push_str(port);
    }
    for segment in p
        .path
        .as_ref()
        .map(postman::StringOrList::parts)
        .unwrap_or_default()
    {
        url.push('/');
        url.push_str(&segment);
    }
    url
}

/// Replaces `:name` path segments with the request's path variables (named by `key`, or by
/// `id` in v2.0), and lists the names left without a value.
fn path_variables(base: &str, variables: &[KeyValue]) -> (String, Vec<String>) {
    let mut unfilled = Vec::new();
    let url = base
        .split('/')
        .map(|segment| {
            let Some(name) = segment.strip_prefix(':').filter(|n| !n.is_empty()) else {
                return segment.to_owned();
            };
            let value = variables
                .iter()
                .find(|v| v.key.as_deref().or(v.id.as_deref()) == Some(name))
                .map(KeyValue::text)
                .filter(|v| !v.is_empty());
            value.unwrap_or_else(|| {
                unfilled.push(name.to_owned());
                segment.to_owned()
            })
        })
        .collect::<Vec<_>>()
        .join("/");
    (url, unfilled)
}
