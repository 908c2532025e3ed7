//! How a body or an expected value is shown in reports: secrets hidden, long text cut, and a
//! binary body (an image, a file sent with `body = { file = … }`) summarised as
//! `<binary: N bytes, type>` instead of bytes no reader could use.

use std::borrow::Cow;

use reqwest::header::HeaderValue;
use serde_json::Value;

use crate::redact::Redactor;

/// Largest JSON body rewritten without escapes before secrets are looked for in it.
const JSON_REWRITE_MAX: usize = 4 << 20;

/// A body as reports show it: lossy text of about `limit` bytes with its secrets hidden, and
/// whether it was cut. Only the part that can be shown is decoded and searched.
///
/// A JSON body holding `\u` escapes is first written again as `serde_json` writes it, when
/// there is a secret to hide: a server may escape any character (`\u0073ecret`), which the
/// search would not recognise but a reader (and every reporter, which pretty-prints JSON)
/// would decode. Any other body is shown as it came.
pub fn shown_body(
    r: &Redactor,
    bytes: &[u8],
    content_type: Option<&HeaderValue>,
    limit: usize,
) -> (String, bool) {
    if let Some(summary) = binary_summary(bytes, content_type) {
        return (summary, false);
    }
    let escaped_json = r.longest() > 0
        && bytes.len() <= JSON_REWRITE_MAX
        && matches!(bytes.trim_ascii_start().first(), Some(b'{' | b'['))
        && bytes.windows(2).any(|w| w == b"\\u");
    if escaped_json && let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        return r.redact_cut(&value.to_string(), limit);
    }
    if bytes.len() <= limit {
        return (
            r.redact(&String::from_utf8_lossy(bytes)).into_owned(),
            false,
        );
    }
    // Room after the cut for a secret that starts before it (see `Redactor::redact_cut`).
    let room = limit.saturating_add(r.longest()).saturating_add(4);
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(room)]);
    let (shown, cut) = r.redact_cut(&text, limit);
    (shown, cut || bytes.len() > room)
}

/// Longest expected or actual value kept in a step's report, in bytes; reporters may cut
/// further, but never a secret: the cut here is made with the secrets already hidden.
const VALUE_MAX_BYTES: usize = 200;

/// [`shown_value`] of a check's value: kept as it is (owned or borrowed) when there is
/// nothing to hide or cut, which is most checks' values.
pub fn shown_value_cow(r: &Redactor, text: Cow<'static, str>) -> Cow<'static, str> {
    if r.hides_nothing() && text.len() <= VALUE_MAX_BYTES {
        return text;
    }
    Cow::Owned(shown_value(r, &text))
}

/// An expected or actual value as reported: secrets hidden, then cut, `…` marking a cut.
pub fn shown_value(r: &Redactor, text: &str) -> String {
    match r.redact_cut(text, VALUE_MAX_BYTES) {
        (shown, false) => shown,
        (shown, true) => format!("{shown}…"),
    }
}

/// Bytes looked at to decide whether a body is text.
const SNIFF: usize = 8 * 1024;

/// `<binary: N bytes, type>` for a body that is not text: a media type that is never text
/// (image, audio, video, octet-stream, PDF, archives), or bytes that are not UTF-8 or hold
/// a NUL. `None` for text, which is shown (and searched for secrets) as it is.
pub fn binary_summary(bytes: &[u8], content_type: Option<&HeaderValue>) -> Option<String> {
    let ct = content_type
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty());
    let binary_type = ct.as_deref().is_some_and(|ct| {
        ["image/", "audio/", "video/", "font/"]
            .iter()
            .any(|p| ct.starts_with(p))
            && !ct.starts_with("image/svg")
            || matches!(
                ct,
                "application/octet-stream"
                    | "application/pdf"
                    | "application/zip"
                    | "application/gzip"
            )
    });
    let head = &bytes[..bytes.len().min(SNIFF)];
    let not_text = head.contains(&0)
        || match std::str::from_utf8(head) {
            Ok(_) => false,
            // A character cut by the sniffing window is still text.
            Err(e) => e.error_len().is_some() || head.len() == bytes.len(),
        };
    if bytes.is_empty() || !(binary_type || not_text) {
        return None;
    }
    let size = grouped(bytes.len());
    Some(match ct {
        Some(ct) => format!("<binary: {size} bytes, {ct}>"),
        None => format!("<binary: {size} bytes>"),
    })
}

/// `4213` as `4,213`: a size is read at a glance with its thousands grouped.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(v: &'static str) -> HeaderValue {
        HeaderValue::from_static(v)
    }

    #[test]
    fn binary_bodies_are_summarised() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F'];
        assert_eq!(
            binary_summary(&jpeg, Some(&ct("image/jpeg"))).as_deref(),
            Some("<binary: 8 bytes, image/jpeg>")
        );
        assert_eq!(
            binary_summary(&jpeg, None).as_deref(),
            Some("<binary: 8 bytes>")
        );
        // Text in an image type is still an image; SVG is text.
        assert!(binary_summary(b"abc", Some(&ct("image/png"))).is_some());
        assert!(binary_summary(b"<svg/>", Some(&ct("image/svg+xml"))).is_none());
        assert!(binary_summary(b"{\"a\":1}", Some(&ct("application/json"))).is_none());
        assert!(binary_summary("é".as_bytes(), None).is_none());
        assert!(binary_summary(b"", Some(&ct("image/png"))).is_none());
    }

    #[test]
    fn sizes_group_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(4213), "4,213");
        assert_eq!(grouped(1_234_567), "1,234,567");
        let png = vec![0x89; 4213];
        assert_eq!(
            binary_summary(&png, Some(&ct("image/png; charset=binary"))).as_deref(),
            Some("<binary: 4,213 bytes, image/png>")
        );
    }

    #[test]
    fn a_binary_body_shows_no_bytes() {
        let r = Redactor::default();
        let (shown, cut) = shown_body(&r, &[0xFF, 0xFE, 0x00, 0x41], None, 1024);
        assert_eq!(shown, "<binary: 4 bytes>");
        assert!(!cut);
        let (shown, _) = shown_body(&r, b"plain text", None, 1024);
        assert_eq!(shown, "plain text");
    }
}
