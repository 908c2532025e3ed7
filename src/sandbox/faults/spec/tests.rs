//! The `--faults` grammar: what reads, and the errors of what does not.

use super::*;

#[test]
fn the_readme_example_parses() {
    let spec = parse(
        "latency=200ms@GET:/v1/environments/*/users;429:retry-after=1s,times=2@POST:/*/as/token;random:rate=0.1,seed=42",
    )
    .unwrap();
    assert_eq!(spec.rules.len(), 2);
    assert_eq!(
        spec.rules[0].kind,
        Kind::Latency(Duration::from_millis(200))
    );
    let users = spec.rules[0].route.as_ref().unwrap();
    assert!(users.matches(&Method::GET, "/v1/environments/e1/users"));
    assert!(!users.matches(&Method::POST, "/v1/environments/e1/users"));
    assert!(!users.matches(&Method::GET, "/v1/environments/e1/users/u1"));
    assert_eq!(spec.rules[1].times, Some(2));
    assert_eq!(
        spec.rules[1].kind,
        Kind::Throttle {
            status: 429,
            retry_after: Some(Duration::from_secs(1))
        }
    );
    let random = spec.random.unwrap();
    assert_eq!((random.rate, random.seed, random.kinds.len()), (0.1, 42, 9));
}

#[test]
fn double_star_spans_segments_and_no_route_is_every_request() {
    let spec = parse("stall@/v1/**;reset-after").unwrap();
    let v1 = spec.rules[0].route.as_ref().unwrap();
    assert!(v1.matches(&Method::DELETE, "/v1/environments/e/users/u"));
    assert!(!v1.matches(&Method::GET, "/e/as/token"));
    assert!(spec.rules[1].route.is_none());
}

#[test]
fn mistakes_are_named() {
    for (spec, words) in [
        ("", "empty"),
        ("418", "unknown fault `418`"),
        ("latency", "needs a duration"),
        ("latency=fast", "such as 200ms"),
        ("503=2", "takes no `=` value"),
        ("truncate:retry-after=1s", "applies to 429 and 503"),
        ("429:times=0", "whole number > 0"),
        ("429:every=2", "unknown option `every`"),
        ("stall@get:/x", "in capitals"),
        ("stall@GET:x", "must start with `/`"),
        ("random:rate=2,seed=1", "from 0 to 1"),
        ("random:rate=0.1", "needs a seed"),
        (
            "random:rate=0.1,seed=1,faults=429+boom",
            "unknown fault `boom`",
        ),
        ("503;;429", "empty item"),
    ] {
        let e = parse(spec).unwrap_err();
        assert!(e.contains(words), "{spec}: {e}");
    }
}
