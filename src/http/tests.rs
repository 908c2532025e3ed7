use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};

use super::redirect::redirect;
use super::throttle::retry_after;
use super::*;

#[test]
fn retry_after_seconds_capped_and_default() {
    let mut h = HeaderMap::new();
    assert_eq!(retry_after(&h), Duration::from_secs(1));
    h.insert(RETRY_AFTER, HeaderValue::from_static("2"));
    assert_eq!(retry_after(&h), Duration::from_secs(2));
    h.insert(RETRY_AFTER, HeaderValue::from_static("120"));
    assert_eq!(retry_after(&h), Duration::from_secs(30));
    h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
    assert_eq!(retry_after(&h), Duration::from_secs(1));
    h.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(retry_after(&h), Duration::ZERO);
}

#[test]
fn see_other_becomes_get_without_body() {
    let req = Prepared {
        method: Method::POST,
        url: Url::parse("http://a.test/x/y").unwrap(),
        headers: HeaderMap::new(),
        body: PreparedBody::Bytes(bytes::Bytes::from_static(b"k=v")),
    };
    let next = redirect(
        &req,
        StatusCode::SEE_OTHER,
        &HeaderValue::from_static("../z?q=1"),
    )
    .unwrap();
    assert_eq!(next.method, Method::GET);
    assert_eq!(next.url.as_str(), "http://a.test/z?q=1");
    assert!(matches!(next.body, PreparedBody::Empty));
    let kept = redirect(
        &req,
        StatusCode::TEMPORARY_REDIRECT,
        &HeaderValue::from_static("/w"),
    )
    .unwrap();
    assert_eq!(kept.method, Method::POST);
}
