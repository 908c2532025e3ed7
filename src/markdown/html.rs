//! Markdown as HTML for the report. A doc is text written by whoever wrote the workflow,
//! possibly imported from elsewhere, so nothing in it becomes markup the report did not choose:
//! raw HTML is shown as text (escaped), links keep only `http`, `https`, `mailto` and
//! in-page targets, and images become links (the page fetches nothing).

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// `markdown` as an HTML fragment, safe to put inside a `<div>`.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    // Links whose target was dropped: their end tag is dropped too.
    let mut dropped: Vec<bool> = Vec::new();
    let events = super::parser(markdown).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = safe_url(&dest_url);
            dropped.push(!safe);
            safe.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => {
            let safe = safe_url(&dest_url);
            dropped.push(!safe);
            safe.then_some(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            (!dropped.pop().unwrap_or(true)).then_some(Event::End(TagEnd::Link))
        }
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// Whether a link target is one a report may point at: no `javascript:`, `data:` or other
/// scheme that runs or embeds something.
fn safe_url(url: &CowStr<'_>) -> bool {
    let url = url.trim();
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if url[i..].starts_with(':') => {
            let scheme = url[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        // No scheme: a relative or in-page link.
        _ => true,
    }
}
