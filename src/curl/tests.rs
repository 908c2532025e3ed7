//! Unit tests of the `curl` command a request is shown as.

use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue};

use super::*;
use crate::http::Part;

fn opts() -> SendOptions {
    SendOptions {
        timeout: Duration::from_secs(30),
        follow_redirects: false,
        max_redirects: 10,
        insecure: false,
    }
}

fn prepared(method: &str, body: PreparedBody, headers: &[(&'static str, &str)]) -> Prepared {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    Prepared {
        method: method.parse().unwrap(),
        url: "https://auth.pingone.com/env/as/token?x=a b"
            .parse()
            .unwrap(),
        headers: map,
        body,
    }
}

fn plain(text: &str) -> String {
    text.to_owned()
}

#[test]
fn post_with_headers_body_and_cookies() {
    let p = prepared(
        "POST",
        PreparedBody::Bytes(bytes::Bytes::from_static(b"{\"name\":\"it's\"}")),
        &[
            ("content-type", "application/json"),
            ("content-length", "15"),
        ],
    );
    let cmd = command(&p, Some("ST=abc"), &opts(), &plain, None);
    assert_eq!(
        cmd,
        "curl 'https://auth.pingone.com/env/as/token?x=a%20b' \\\n  \
         -H 'content-type: application/json' \\\n  \
         -H 'cookie: ST=abc' \\\n  \
         --data-binary '{\"name\":\"it'\\''s\"}' \\\n  \
         --max-time 30"
    );
}

#[test]
fn method_redirects_tls_and_multipart() {
    let parts = vec![
        Part {
            name: "note".into(),
            data: PartData::Text("hello there".into()),
        },
        Part {
            name: "logo".into(),
            data: PartData::File {
                file_name: "logo.png".into(),
                bytes: vec![1, 2],
                content_type: Some("image/png".into()),
            },
        },
    ];
    let p = prepared("PUT", PreparedBody::Multipart(parts), &[]);
    let o = SendOptions {
        follow_redirects: true,
        insecure: true,
        timeout: Duration::from_millis(2500),
        ..opts()
    };
    let cmd = command(&p, None, &o, &plain, None);
    assert!(cmd.contains("-X PUT"), "{cmd}");
    assert!(cmd.contains("-F 'note=hello there'"), "{cmd}");
    assert!(cmd.contains("-F 'logo=@logo.png;type=image/png'"), "{cmd}");
    assert!(cmd.contains("-L --max-redirs 10"), "{cmd}");
    assert!(cmd.contains("\\\n  -k"), "{cmd}");
    assert!(cmd.ends_with("--max-time 2.500"), "{cmd}");
    // A GET says no method: curl's own.
    let get = command(
        &prepared("GET", PreparedBody::Empty, &[]),
        None,
        &opts(),
        &plain,
        None,
    );
    assert!(!get.contains("-X"), "{get}");
}

#[test]
fn every_secret_becomes_a_shell_variable() {
    let p = prepared(
        "POST",
        PreparedBody::Bytes(bytes::Bytes::from_static(b"{\"secret\":\"s3cr3t-value\"}")),
        &[("x-api-key", "s3cr3t-value")],
    );
    let hide = |t: &str| t.replace("s3cr3t-value", "«adminAppSecret»");
    let cmd = command(&p, Some("ST=s3cr3t-value"), &opts(), &hide, None);
    assert!(!cmd.contains("s3cr3t"), "{cmd}");
    assert!(!cmd.contains('«'), "{cmd}");
    assert!(
        cmd.starts_with("# set these first: adminAppSecret\ncurl "),
        "{cmd}"
    );
    assert!(cmd.contains("-H \"x-api-key: $adminAppSecret\""), "{cmd}");
    assert!(cmd.contains("-H \"cookie: ST=$adminAppSecret\""), "{cmd}");
    assert!(
        cmd.contains(r#"--data-binary '{"secret":"'"$adminAppSecret"'"}'"#),
        "{cmd}"
    );
}

#[test]
fn basic_credentials_are_u_and_a_form_one_field_per_line() {
    let basic = base64::engine::general_purpose::STANDARD.encode("app-1:s3cr3t-value");
    let p = prepared(
        "POST",
        PreparedBody::Bytes(bytes::Bytes::from_static(
            b"grant_type=client_credentials&scope=a+b%26c",
        )),
        &[
            ("authorization", &format!("Basic {basic}")),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
    );
    let hide = |t: &str| {
        t.replace("s3cr3t-value", "«adminAppSecret»")
            .replace(&basic, "«adminAppSecret»")
    };
    let cmd = command(&p, None, &opts(), &hide, Some("adminAppID"));
    assert!(
        cmd.starts_with("# set these first: adminAppID adminAppSecret\n"),
        "{cmd}"
    );
    assert!(
        cmd.contains("\\\n  -u \"$adminAppID:$adminAppSecret\" \\\n"),
        "{cmd}"
    );
    assert!(
        cmd.contains(
            "--data-urlencode grant_type=client_credentials \\\n  --data-urlencode 'scope=a b&c'"
        ),
        "{cmd}"
    );
    assert!(!cmd.contains("Basic"), "{cmd}");
    // No secret, no variables: the user is written out.
    let plain_basic = base64::engine::general_purpose::STANDARD.encode("app-1:open");
    let p = prepared(
        "GET",
        PreparedBody::Empty,
        &[("authorization", &format!("Basic {plain_basic}"))],
    );
    let cmd = command(&p, None, &opts(), &plain, Some("adminAppID"));
    assert!(cmd.contains("-u app-1:open"), "{cmd}");
    assert!(!cmd.contains('#'), "{cmd}");
}

#[test]
fn a_username_of_one_variable_is_named() {
    assert_eq!(single_variable("<<adminAppID>>"), Some("adminAppID"));
    assert_eq!(single_variable(" << app_id >> "), Some("app_id"));
    assert_eq!(single_variable("<<appID>>-x"), None);
    assert_eq!(single_variable("<<a ~ b>>"), None);
    assert_eq!(single_variable("plain"), None);
}
