//! A request as a `curl` command line, for a person to run it by hand (`teach`'s `c`).
//!
//! Every piece of text goes through the run's redactor first, so a secret shows as `«name»`
//! unless `--show-secrets` turned it off (README, Secrets: curl exports). The command is quoted for
//! POSIX shells, one option per line.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::http::{PartData, Prepared, PreparedBody, SendOptions};

/// `prepared` as curl would send it: method, URL, its headers and the jar's `cookies`, body
/// or multipart parts, and the step's redirect, TLS and timeout settings.
pub fn command(
    prepared: &Prepared,
    cookies: Option<&str>,
    opts: &SendOptions,
    redact: &dyn Fn(&str) -> String,
) -> String {
    let mut args: Vec<String> = Vec::new();
    let has_body = !matches!(prepared.body, PreparedBody::Empty);
    // curl picks GET, or POST for a body; anything else is said.
    let implied = if has_body { "POST" } else { "GET" };
    if prepared.method.as_str() != implied {
        args.push(format!("-X {}", prepared.method));
    }
    for (name, value) in &prepared.headers {
        // curl computes these for the body it sends (and the boundary of a multipart body).
        if name == reqwest::header::CONTENT_LENGTH
            || (matches!(prepared.body, PreparedBody::Multipart(_))
                && name == reqwest::header::CONTENT_TYPE)
        {
            continue;
        }
        let value = redact(&String::from_utf8_lossy(value.as_bytes()));
        args.push(format!("-H {}", quote(&format!("{name}: {value}"))));
    }
    if let Some(cookies) = cookies {
        let cookies = redact(cookies);
        args.push(format!("-H {}", quote(&format!("cookie: {cookies}"))));
    }
    match &prepared.body {
        PreparedBody::Empty => {}
        PreparedBody::Bytes(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => args.push(format!("--data-binary {}", quote(&redact(text)))),
            Err(_) => args.push(format!(
                "--data-binary @body.bin  # a binary body of {} bytes, not shown",
                bytes.len()
            )),
        },
        PreparedBody::File { path, .. } => {
            args.push(format!("--data-binary {}", quote(&format!("@{path}"))));
        }
        PreparedBody::Multipart(parts) => {
            for part in parts {
                let field = match &part.data {
                    PartData::Text(text) => format!("{}={}", part.name, redact(text)),
                    PartData::File {
                        file_name,
                        content_type,
                        ..
                    } => {
                        let mut field = format!("{}=@{file_name}", part.name);
                        if let Some(ct) = content_type {
                            let _ = write!(field, ";type={ct}");
                        }
                        field
                    }
                };
                args.push(format!("-F {}", quote(&field)));
            }
        }
    }
    if opts.follow_redirects {
        args.push(format!("-L --max-redirs {}", opts.max_redirects));
    }
    if opts.insecure {
        args.push("-k".to_owned());
    }
    args.push(format!("--max-time {}", seconds(opts.timeout)));
    let mut out = format!("curl {}", quote(&redact(prepared.url.as_str())));
    for arg in args {
        out.push_str(" \\\n  ");
        out.push_str(&arg);
    }
    out
}

/// A duration as curl's `--max-time` takes it: whole seconds, or a decimal.
fn seconds(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 {
        d.as_secs().to_string()
    } else {
        format!("{:.3}", d.as_secs_f64())
    }
}

/// `text` as one POSIX shell word: single-quoted unless it is plainly safe.
pub fn quote(text: &str) -> Cow<'_, str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("'{}'", text.replace('\'', r"'\''")))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

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
        let cmd = command(&p, Some("ST=abc"), &opts(), &plain);
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
        let cmd = command(&p, None, &o, &plain);
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
        );
        assert!(!get.contains("-X"), "{get}");
    }

    #[test]
    fn every_piece_goes_through_the_redactor() {
        let p = prepared(
            "POST",
            PreparedBody::Bytes(bytes::Bytes::from_static(b"client_secret=s3cr3t-value")),
            &[("authorization", "Basic s3cr3t-value")],
        );
        let hide = |t: &str| t.replace("s3cr3t-value", "«adminAppSecret»");
        let cmd = command(&p, Some("ST=s3cr3t-value"), &opts(), &hide);
        assert!(!cmd.contains("s3cr3t"), "{cmd}");
        assert_eq!(cmd.matches("«adminAppSecret»").count(), 3, "{cmd}");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("https://h/p/a-1"), "https://h/p/a-1");
        assert_eq!(quote("https://h/p?a=1&b"), "'https://h/p?a=1&b'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }
}
