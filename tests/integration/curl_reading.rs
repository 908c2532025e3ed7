//! The curl export read as a shell reads it (a small POSIX word splitter for what the export
//! writes) and sent with reqwest: how the export is run where curl is not installed, and a
//! second, independent reading of it where it is.

use std::collections::HashMap;
use std::iter::Peekable;
use std::str::Chars;

/// The words of `script` as a POSIX shell splits them: leading comment lines dropped,
/// backslash-newlines joined, quotes removed, `$name` and `${name}` taken from `vars` (bare or
/// inside double quotes). A variable `vars` lacks is a failure, as `set -u` would make it.
pub fn words(script: &str, vars: &HashMap<&str, &str>) -> Vec<String> {
    let text = script
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\\\n", " ");
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                continue;
            }
            '\'' => word.extend(chars.by_ref().take_while(|&c| c != '\'')),
            '"' => loop {
                match chars.next() {
                    None | Some('"') => break,
                    Some('\\') => {
                        let next = chars.next().unwrap_or('\\');
                        if !matches!(next, '"' | '\\' | '$' | '`') {
                            word.push('\\');
                        }
                        word.push(next);
                    }
                    Some('$') => word.push_str(variable(&mut chars, vars)),
                    Some(c) => word.push(c),
                }
            },
            '$' => word.push_str(variable(&mut chars, vars)),
            '\\' => word.extend(chars.next()),
            c => word.push(c),
        }
        in_word = true;
    }
    if in_word {
        words.push(word);
    }
    words
}

fn variable<'v>(chars: &mut Peekable<Chars<'_>>, vars: &HashMap<&str, &'v str>) -> &'v str {
    let braced = chars.next_if_eq(&'{').is_some();
    let mut name = String::new();
    while let Some(c) = chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_') {
        name.push(c);
    }
    if braced {
        assert_eq!(chars.next(), Some('}'), "unclosed ${{{name}");
    }
    vars.get(name.as_str())
        .copied()
        .unwrap_or_else(|| panic!("the export uses ${name}, which is not set"))
}

/// Sends what curl would send for `words` (the options the export writes); the status and
/// the body.
pub async fn send(words: &[String]) -> (u16, String) {
    assert_eq!(words.first().map(String::as_str), Some("curl"), "{words:?}");
    let url = words.get(1).expect("a URL");
    let (mut method, mut headers, mut basic, mut form, mut data) =
        (None, Vec::new(), None, Vec::new(), None);
    let mut rest = words[2..].iter();
    while let Some(option) = rest.next() {
        let mut value = || rest.next().cloned().expect("an option's value");
        match option.as_str() {
            "-X" => method = Some(value()),
            "-H" => headers.push(value()),
            "-u" => basic = Some(value()),
            "--data-urlencode" => form.push(value()),
            "--data-binary" => data = Some(value()),
            "--max-time" | "--max-redirs" => {
                value();
            }
            "-L" | "-k" => {}
            other => panic!("the export uses {other}, which this reading does not know"),
        }
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let has_body = data.is_some() || !form.is_empty();
    let method = method.unwrap_or_else(|| if has_body { "POST" } else { "GET" }.to_owned());
    let mut request = client.request(method.parse().expect("method"), url);
    for header in headers {
        let (name, value) = header.split_once(": ").expect("a header");
        request = request.header(name, value);
    }
    if let Some(credentials) = basic {
        let (user, password) = credentials.split_once(':').expect("user:password");
        request = request.basic_auth(user, Some(password));
    }
    if !form.is_empty() {
        // As curl does: the name as written, the value URL-encoded.
        let fields: Vec<String> = form
            .iter()
            .map(|field| {
                let (name, value) = field.split_once('=').expect("name=value");
                let value: String =
                    url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
                format!("{name}={value}")
            })
            .collect();
        request = request.body(fields.join("&"));
    }
    if let Some(data) = data {
        request = request.body(data);
    }
    let response = request.send().await.expect("send the export");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[test]
fn words_are_split_as_a_shell_splits_them() {
    let vars = HashMap::from([("a", "A 1"), ("tokenB", "t'b")]);
    let script = "# set these first: a tokenB\ncurl http://h/x \\\n  -u \"$a:${tokenB}x\" \\\n  --data-binary '{\"k\":\"'\"$a\"'\"}' \\\n  -H 'it'\\''s'";
    assert_eq!(
        words(script, &vars),
        [
            "curl",
            "http://h/x",
            "-u",
            "A 1:t'bx",
            "--data-binary",
            "{\"k\":\"A 1\"}",
            "-H",
            "it's"
        ]
    );
}
