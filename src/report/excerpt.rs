//! Short, bounded views of long texts (URLs, bodies, values) so reports stay readable and
//! never grow with the size of a response.

use std::borrow::Cow;
use std::time::Duration;

/// Longest request target (path + query) shown on a console step line, in characters.
pub const TARGET_MAX: usize = 60;
/// Most lines of a body shown under a failed step.
pub const BODY_MAX_LINES: usize = 20;
/// Most bytes of a body shown under a failed step.
pub const BODY_MAX_BYTES: usize = 2048;
/// Longest expected or actual value shown in a failure line, in characters.
pub const VALUE_MAX: usize = 200;

/// Fewest columns of a query worth showing when it must be cut.
const QUERY_MIN: usize = 8;

/// A body cut for display: the lines to show and what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyExcerpt {
    pub lines: Vec<String>,
    /// Bytes of the (displayed form of the) body that were not shown.
    pub omitted_bytes: usize,
}

/// The path and query of `url`, without scheme and host, in at most `max` columns.
///
/// What does not fit is given up in this order, so the resource names stay readable: ids in
/// the path are cut to their first two characters (`/environments/4e…/applications/9a…`),
/// then the query is cut at its end (down to `?…`), then the path's first segments become
/// `…/`, and last the end of what is left is cut. A target that fits is shown whole.
pub fn short_target(url: &str, max: usize) -> Cow<'_, str> {
    let target = request_target(url);
    // An empty path shows as `/`.
    let target = if target.is_empty() || target.starts_with('?') {
        Cow::Owned(format!("/{target}"))
    } else {
        Cow::Borrowed(target)
    };
    if width(&target) <= max {
        return target;
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (&*target, None),
    };
    let mut segments: Vec<Cow<'_, str>> = path.split('/').map(Cow::Borrowed).collect();
    let joined = |segments: &[Cow<'_, str>]| segments.join("/");
    // 1. Ids, from the left (the last one often names what the step acts on).
    for i in 0..segments.len() {
        if width(&joined(&segments)) + query.map_or(0, |q| width(q) + 1) <= max {
            break;
        }
        if is_id(&segments[i]) {
            let head: String = segments[i].chars().take(2).collect();
            segments[i] = Cow::Owned(format!("{head}…"));
        }
    }
    let mut path = joined(&segments);
    // 2. The query, down to `?…`.
    if let Some(query) = query {
        // A query cut to a few characters says nothing: then `?…` alone.
        let room = max.saturating_sub(width(&path) + 1);
        if room >= QUERY_MIN {
            return Cow::Owned(format!("{path}?{}", end_ellipsis(query, room)));
        }
    }
    let suffix = if query.is_some() { "?…" } else { "" };
    // 3. Leading segments, keeping at least the last one.
    let budget = max.saturating_sub(width(suffix));
    let mut first = 1;
    while width(&path) > budget && first + 1 < segments.len() {
        first += 1;
        path = format!("…/{}", joined(&segments[first..]));
    }
    // 4. Whatever is still too long is cut at its end.
    Cow::Owned(end_ellipsis(&format!("{path}{suffix}"), max))
}

/// Whether a path segment is an id rather than a resource name: a run of at least eight
/// letters, digits, `-` or `_` that holds a digit (UUIDs, hex and numeric ids), where
/// resource names (`applications`, `signOnPolicies`, `saml20`) are words.
fn is_id(segment: &str) -> bool {
    segment.len() >= 8
        && segment.bytes().any(|b| b.is_ascii_digit())
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Columns `text` takes on a terminal.
fn width(text: &str) -> usize {
    if crate::markdown::is_printable_ascii(text) {
        return text.len();
    }
    console::measure_text_width(text)
}

/// A whole URL in at most `max` columns: its scheme and host as they are, then its target
/// shortened as [`short_target`] does (ids first, never resource names).
pub fn short_url(url: &str, max: usize) -> Cow<'_, str> {
    if width(url) <= max {
        return Cow::Borrowed(url);
    }
    let target = request_target(url);
    let origin =
        &url[..url.len() - target.len() - url.split_once('#').map_or(0, |(_, f)| f.len() + 1)];
    if width(origin) + QUERY_MIN > max {
        return Cow::Owned(end_ellipsis(url, max));
    }
    Cow::Owned(format!(
        "{origin}{}",
        short_target(url, max - width(origin))
    ))
}

/// The path and query of an absolute URL as written, without its fragment (the URL was built
/// by `url`, so it is already normalized); anything without `scheme://` is shown whole.
fn request_target(url: &str) -> &str {
    // Plain byte scans, with nothing to set up: every step's console line asks (`:`, `/`, `?`
    // and `#` are ASCII, so each cut is at a character boundary).
    let bytes = url.as_bytes();
    let mut from = 0;
    // The first `://`: each `:` tried in turn, as most URLs have one before the host.
    let colon = loop {
        let Some(at) = bytes[from..].iter().position(|&b| b == b':') else {
            return url;
        };
        if bytes[from + at..].starts_with(b"://") {
            break from + at;
        }
        from += at + 1;
    };
    let rest = &url[colon + 3..];
    let start = (rest.bytes())
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let target = &rest[start..];
    match target.bytes().position(|b| b == b'#') {
        Some(end) => &target[..end],
        None => target,
    }
}

/// `text` cut to `max` columns (display width, never inside a character), `…` marking the cut.
pub fn end_ellipsis(text: &str, max: usize) -> String {
    // What fits is kept as it is; measuring printable ASCII needs no width tables.
    if text.len() <= max && crate::markdown::is_printable_ascii(text) {
        return text.to_owned();
    }
    console::truncate_str(text, max, "…").into_owned()
}

/// `1 workflow`, `2 workflows`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A body in the form a person reads best: JSON objects and arrays pretty-printed, anything
/// else as it came.
pub fn readable_body(body: &str) -> String {
    let trimmed = body.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(body)
        && let Ok(pretty) = serde_json::to_string_pretty(&value)
    {
        return pretty;
    }
    body.to_owned()
}

/// The start of `body`: at most `max_lines` lines and `max_bytes` bytes.
pub fn body_excerpt(body: &str, max_lines: usize, max_bytes: usize) -> BodyExcerpt {
    let mut lines = Vec::new();
    let mut used = 0;
    for line in body.lines() {
        if lines.len() == max_lines || used >= max_bytes {
            break;
        }
        let room = max_bytes - used;
        if line.len() > room {
            let cut = line.floor_char_boundary(room);
            lines.push(line[..cut].to_owned());
            used += cut;
            break;
        }
        lines.push(line.to_owned());
        // Count the line break as shown, so `omitted_bytes` adds up to the body's length.
        used = (used + line.len() + 1).min(body.len());
    }
    BodyExcerpt {
        lines,
        omitted_bytes: body.trim_end().len().saturating_sub(used),
    }
}

/// Milliseconds with three decimals, as the JSON report and the events write them.
pub fn millis(duration: Duration) -> f64 {
    #[allow(clippy::cast_precision_loss)] // durations of a run are far below 2^52 µs
    let micros = duration.as_micros() as f64;
    (micros).round() / 1000.0
}

/// A run or workflow duration for people: `245 ms`, `3.42 s`, `2 min 05 s`.
pub fn human_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.2} s", duration.as_secs_f64())
    } else {
        let secs = duration.as_secs();
        format!("{} min {:02} s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_drops_scheme_and_host_and_keeps_query() {
        assert_eq!(
            short_target("https://auth.example.com/env/as/authorize?client_id=a", 60),
            "/env/as/authorize?client_id=a"
        );
        assert_eq!(short_target("http://127.0.0.1:8080", 60), "/");
    }

    #[test]
    fn long_paths_lose_ids_before_resource_names() {
        let url = "https://api.example.com/v1/environments/3f1d2c4e-aaaa-bbbb-cccc-1234567890ab/applications/9a8b7c6d-1111-2222-3333-444455556666/secret";
        assert_eq!(short_target(url, 200), &url[23..], "whole when it fits");
        assert_eq!(
            short_target(url, 80),
            "/v1/environments/3f…/applications/9a8b7c6d-1111-2222-3333-444455556666/secret",
            "only as many ids as needed"
        );
        assert_eq!(
            short_target(url, 45),
            "/v1/environments/3f…/applications/9a…/secret"
        );
        assert_eq!(short_target(url, 30), "…/3f…/applications/9a…/secret");
        assert_eq!(short_target(url, 25), "…/applications/9a…/secret");
        assert_eq!(short_target(url, 12), "…/9a…/secret");
        assert_eq!(short_target(url, 5), "…/se…");
        for max in 1..120 {
            let short = short_target(url, max);
            assert!(width(&short) <= max.max(1), "{max}: {short}");
        }
    }

    #[test]
    fn whole_urls_keep_their_origin() {
        let url = "http://127.0.0.1:41234/v1/environments/3f1d2c4e-aaaa-bbbb-cccc-1234567890ab/applications?limit=10#top";
        assert_eq!(short_url(url, 200), url);
        assert_eq!(
            short_url(url, 60),
            "http://127.0.0.1:41234/v1/environments/3f…/applications?…"
        );
        assert_eq!(short_url(url, 20), "http://127.0.0.1:41…");
    }

    #[test]
    fn resource_names_are_not_ids() {
        for name in [
            "applications",
            "signOnPolicies",
            "saml20",
            "v1",
            "env-1",
            "oauth2",
        ] {
            assert!(!is_id(name), "{name}");
        }
        for id in [
            "3f1d2c4e-aaaa-bbbb-cccc-1234567890ab",
            "12345678",
            "5f8a9c0d1e2f",
        ] {
            assert!(is_id(id), "{id}");
        }
    }

    #[test]
    fn long_query_is_cut_at_the_end_then_dropped() {
        let url = format!("https://h/p?q={}", "a".repeat(100));
        let short = short_target(&url, 20);
        assert_eq!(short, format!("/p?q={}…", "a".repeat(14)));
        let url = "https://h/env/as/authorize?client_id=1&response_type=code";
        assert_eq!(short_target(url, 20), "/env/as/authorize?…");
        assert_eq!(short_target(url, 12), "…/authorize…");
    }

    #[test]
    fn cuts_count_columns_not_bytes() {
        assert_eq!(end_ellipsis("héllo wörld", 6), "héllo…");
        assert_eq!(end_ellipsis("日本語のテキスト", 7), "日本語…");
        assert_eq!(
            short_target("https://h/donn%C3%A9es/é", 60),
            "/donn%C3%A9es/é"
        );
    }

    #[test]
    fn unparsable_url_is_shown_as_is() {
        assert_eq!(short_target("not a url", 60), "not a url");
    }

    #[test]
    fn excerpt_limits_lines_and_counts_the_rest() {
        let body = (1..=30).map(|n| format!("line {n}")).collect::<Vec<_>>();
        let body = body.join("\n");
        let excerpt = body_excerpt(&body, 20, 2048);
        assert_eq!(excerpt.lines.len(), 20);
        assert_eq!(excerpt.lines[19], "line 20");
        let shown: usize = excerpt.lines.iter().map(|l| l.len() + 1).sum();
        assert_eq!(excerpt.omitted_bytes, body.len() - shown);
    }

    #[test]
    fn excerpt_limits_bytes_on_a_char_boundary() {
        let body = "é".repeat(2000);
        let excerpt = body_excerpt(&body, 20, 2047);
        assert_eq!(excerpt.lines, vec!["é".repeat(1023)]);
        assert_eq!(excerpt.omitted_bytes, 4000 - 2046);
    }

    #[test]
    fn short_body_is_whole() {
        let excerpt = body_excerpt("{\"a\": 1}\n", 20, 2048);
        assert_eq!(excerpt.lines, vec!["{\"a\": 1}"]);
        assert_eq!(excerpt.omitted_bytes, 0);
    }

    #[test]
    fn json_bodies_are_pretty_printed() {
        assert_eq!(readable_body("{\"a\":1}"), "{\n  \"a\": 1\n}");
        assert_eq!(readable_body("{not json"), "{not json");
        assert_eq!(readable_body("plain"), "plain");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(Duration::from_millis(245)), "245 ms");
        assert_eq!(human_duration(Duration::from_millis(3421)), "3.42 s");
        assert_eq!(human_duration(Duration::from_secs(125)), "2 min 05 s");
        assert!((millis(Duration::from_micros(12_345)) - 12.345).abs() < 1e-9);
    }
}
