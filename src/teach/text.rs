//! Pure formatting for `teach`: headings, requests and bodies laid out for a person reading
//! them, one line at a time (Markdown is laid out by `crate::markdown`).

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::event::RequestInfo;
use crate::report::excerpt::{body_excerpt, readable_body};
use crate::report::style::{Paint, Style};

/// Width that explanations are wrapped to when standard output is not a terminal.
pub const WIDTH: usize = 80;
/// Widest an explanation gets on a wide terminal: longer lines are hard to read.
pub const MAX_WIDTH: usize = 100;
/// Narrowest it gets on a narrow one.
pub const MIN_WIDTH: usize = 40;
/// Most lines of a body shown in full before it is trimmed.
pub const BODY_LINES: usize = 40;
/// Most bytes of a body shown before it is trimmed.
pub const BODY_BYTES: usize = 4096;
/// Longest value of a learned variable shown, in characters.
pub const VALUE_CHARS: usize = 120;

/// Names of HAL links listed when `_links` is folded.
const LINK_NAMES: usize = 4;

/// Response headers worth a learner's attention; `-v` shows all of them.
const KEY_HEADERS: &[&str] = &[
    "location",
    "set-cookie",
    "content-type",
    "www-authenticate",
    "retry-after",
];

/// A rule with a title: `── Step 2 of 12 · Create a web application ───…`.
pub fn heading(paint: Paint, title: &str, width: usize) -> String {
    let used = title.width() + 4;
    let rule = "─".repeat(width.saturating_sub(used).max(3));
    format!(
        "{} {} {}",
        paint.paint(Style::Dim, "──"),
        paint.paint(Style::Bold, title),
        paint.paint(Style::Dim, rule)
    )
}

/// `Step 2 of 12 · name`, or `Step 2 · name` when the total is unknown.
pub fn step_title(number: usize, total: usize, name: &str) -> String {
    if total >= number {
        format!("Step {number} of {total} · {name}")
    } else {
        format!("Step {number} · {name}")
    }
}

/// The width explanations are wrapped to: `COLUMNS` or the terminal's, within [`MIN_WIDTH`] and
/// [`MAX_WIDTH`], when standard output is one; [`WIDTH`] otherwise (a pipe, a file, a test).
pub fn output_width() -> usize {
    let term = console::Term::stdout();
    if !term.is_term() {
        return WIDTH;
    }
    // The console reporter's measure (`COLUMNS`, then the terminal's), kept readable.
    crate::report::width::console_width(Some(&term))
        .map_or(WIDTH, |cols| cols.clamp(MIN_WIDTH, MAX_WIDTH))
}

/// The request as it goes on the wire: request line, headers, then the body laid out. A
/// request line wider than `width` with a query shows one parameter per line.
pub fn request_lines(request: &RequestInfo, indent: &str, width: usize) -> Vec<String> {
    let line = format!("{indent}{} {}", request.method, request.url);
    let mut out = match request.url.split_once('?') {
        Some((path, query)) if line.width() > width && !query.is_empty() => {
            let mut out = vec![format!("{indent}{} {path}", request.method)];
            for (i, pair) in query.split('&').enumerate() {
                let sep = if i == 0 { '?' } else { '&' };
                out.push(format!("{indent}    {sep}{pair}"));
            }
            out
        }
        _ => vec![line],
    };
    for (name, value) in &request.headers {
        out.push(format!("{indent}{name}: {value}"));
    }
    if let Some(body) = &request.body {
        out.push(String::new());
        let form = request.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("content-type")
                && v.starts_with("application/x-www-form-urlencoded")
        });
        if form {
            out.extend(form_lines(body).into_iter().map(|l| format!("{indent}{l}")));
        } else {
            out.extend(body_lines(body, indent, false));
        }
    }
    out
}

/// A form body, one decoded `name = value` per line, so it reads like the workflow's `form`.
pub fn form_lines(body: &str) -> Vec<String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            format!("{} = {}", form_decode(name), form_decode(value))
        })
        .collect()
}

fn form_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// A body pretty-printed when it is JSON, trimmed to [`BODY_LINES`] and [`BODY_BYTES`];
/// `fold`: HAL `_links` shrink to their names (see [`fold_links`]).
pub fn body_lines(body: &str, indent: &str, fold: bool) -> Vec<String> {
    if body.trim().is_empty() {
        return vec![format!("{indent}(empty body)")];
    }
    let folded = fold.then(|| fold_links(body)).flatten();
    let readable = readable_body(folded.as_deref().unwrap_or(body));
    let excerpt = body_excerpt(&readable, BODY_LINES, BODY_BYTES);
    let mut out: Vec<String> = excerpt
        .lines
        .iter()
        .map(|l| format!("{indent}{l}"))
        .collect();
    if excerpt.omitted_bytes > 0 {
        out.push(format!(
            "{indent}… ({} more bytes not shown)",
            excerpt.omitted_bytes
        ));
    }
    out
}

/// A JSON body with each HAL `_links` object replaced by the names of its links: the hrefs
/// are long, and rarely what a step teaches. `None` when the body is not JSON or has none.
pub fn fold_links(body: &str) -> Option<String> {
    let mut value: Value = serde_json::from_str(body).ok()?;
    fold(&mut value).then(|| value.to_string())
}

fn fold(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let mut folded = false;
            if let Some(Value::Object(links)) = map.get("_links") {
                let mut names: Vec<&str> =
                    links.keys().map(String::as_str).take(LINK_NAMES).collect();
                if links.len() > LINK_NAMES {
                    names.push("…");
                }
                let count = links.len();
                let noun = if count == 1 { "link" } else { "links" };
                let text = format!("({count} {noun}: {}; -v shows them)", names.join(", "));
                map.insert("_links".to_owned(), Value::String(text));
                folded = true;
            }
            for child in map.values_mut() {
                folded |= fold(child);
            }
            folded
        }
        Value::Array(items) => {
            let mut folded = false;
            for item in items {
                folded |= fold(item);
            }
            folded
        }
        _ => false,
    }
}

/// The response headers to show: all of them with `-v`, else the ones that matter to a flow.
pub fn shown_headers(headers: &[(String, String)], all: bool) -> (Vec<&(String, String)>, usize) {
    let shown: Vec<_> = headers
        .iter()
        .filter(|(name, _)| all || KEY_HEADERS.iter().any(|k| name.eq_ignore_ascii_case(k)))
        .collect();
    let hidden = headers.len() - shown.len();
    (shown, hidden)
}

/// `201 Created`.
pub fn status_text(status: u16) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{status} {reason}").trim_end().to_owned()
}

/// A value cut to [`VALUE_CHARS`] characters, with `…` marking the cut.
pub fn short_value(value: &str) -> String {
    crate::report::excerpt::end_ellipsis(value, VALUE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_query_shows_one_parameter_per_line() {
        let request = RequestInfo {
            method: "GET".into(),
            url: "https://auth.test/env/as/authorize?response_type=code&client_id=app-1&redirect_uri=https%3A%2F%2Fx.test".into(),
            headers: Vec::new(),
            body: None,
        };
        assert_eq!(
            request_lines(&request, "  ", 60),
            [
                "  GET https://auth.test/env/as/authorize",
                "      ?response_type=code",
                "      &client_id=app-1",
                "      &redirect_uri=https%3A%2F%2Fx.test",
            ]
        );
        assert_eq!(request_lines(&request, "  ", 200).len(), 1);
    }

    #[test]
    fn headings_fill_the_width_in_columns() {
        let line = heading(Paint::new(false), "Step 1 · 日本", 40);
        assert_eq!(line.width(), 40, "{line}");
    }

    #[test]
    fn form_bodies_read_as_pairs() {
        assert_eq!(
            form_lines(
                "grant_type=authorization_code&redirect_uri=https%3A%2F%2Fx.test%2Fcb&code=a+b"
            ),
            [
                "grant_type = authorization_code",
                "redirect_uri = https://x.test/cb",
                "code = a b",
            ]
        );
    }

    #[test]
    fn request_lines_show_headers_and_pretty_json() {
        let request = RequestInfo {
            method: "POST".into(),
            url: "http://h/v1/apps".into(),
            headers: vec![("authorization".into(), "Bearer «accessToken»".into())],
            body: Some(r#"{"name":"x"}"#.into()),
        };
        assert_eq!(
            request_lines(&request, "  ", 80),
            [
                "  POST http://h/v1/apps",
                "  authorization: Bearer «accessToken»",
                "",
                "  {",
                "    \"name\": \"x\"",
                "  }",
            ]
        );
    }

    #[test]
    fn long_bodies_are_trimmed() {
        let body = (0..100)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        let lines = body_lines(&body, "", true);
        assert_eq!(lines.len(), BODY_LINES + 1);
        assert!(lines[BODY_LINES].starts_with("… ("));
    }

    #[test]
    fn hal_links_fold_to_their_names() {
        let body = r#"{"_links":{"self":{"href":"h"},"env":{"href":"e"}},"id":"a","_embedded":{"items":[{"_links":{"self":{}}}]}}"#;
        let folded = fold_links(body).unwrap();
        assert_eq!(
            folded,
            r#"{"_links":"(2 links: self, env; -v shows them)","id":"a","_embedded":{"items":[{"_links":"(1 link: self; -v shows them)"}]}}"#
        );
        assert_eq!(fold_links(r#"{"id":"a"}"#), None);
        assert_eq!(fold_links("not json"), None);
    }

    #[test]
    fn key_headers_only_unless_verbose() {
        let headers = vec![
            ("location".to_owned(), "/x".to_owned()),
            ("date".to_owned(), "today".to_owned()),
        ];
        let (shown, hidden) = shown_headers(&headers, false);
        assert_eq!((shown.len(), hidden), (1, 1));
        assert_eq!(shown_headers(&headers, true).0.len(), 2);
    }

    #[test]
    fn titles_and_statuses() {
        assert_eq!(step_title(2, 12, "Create"), "Step 2 of 12 · Create");
        assert_eq!(step_title(2, 0, "Create"), "Step 2 · Create");
        assert_eq!(status_text(201), "201 Created");
        assert_eq!(status_text(599), "599");
    }
}
