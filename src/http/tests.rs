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

/// Two cookies of one name and path that differ by domain (a host-only `sid` and one for the
/// parent domain) go out in one order whatever the jar's hash map does: each new jar has a
/// hash seed of its own, so twenty jars would show another order by chance.
#[test]
fn cookies_of_one_name_and_path_go_out_in_one_order() {
    use reqwest_cookie_store::{CookieStore, CookieStoreMutex};

    let child: Url = "http://sub.example.test/".parse().expect("url");
    let parent: Url = "http://example.test/".parse().expect("url");
    let headers: Vec<String> = (0..20)
        .map(|_| {
            let mut store = CookieStore::new();
            store
                .parse("sid=parent; Domain=example.test; Path=/", &parent)
                .expect("parent cookie");
            store
                .parse("sid=child; Path=/", &child)
                .expect("host-only cookie");
            store
                .parse("b=2; Domain=example.test; Path=/", &parent)
                .expect("cookie");
            let jar = CookieStoreMutex::new(store);
            let header = super::hop::cookie_header(&jar, &child).expect("cookies for the host");
            header.to_str().expect("text").to_owned()
        })
        .collect();
    assert_eq!(headers[0], "b=2; sid=child; sid=parent");
    assert!(headers.iter().all(|h| *h == headers[0]), "{headers:?}");
}
