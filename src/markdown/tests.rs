use super::*;
use crate::report::style::Paint;

fn plain(text: &str, indent: &str, width: usize) -> Vec<String> {
    to_lines(text, indent, width, Paint::new(false))
}

#[test]
fn paragraphs_rewrap_and_lists_keep_their_items() {
    let text = "\nCreate a web application\nwith a policy.\n\nSteps:\n- one\n- two\n";
    assert_eq!(
        plain(text, "  ", 40),
        [
            "  Create a web application with a",
            "  policy.",
            "",
            "  Steps:",
            "",
            "  - one",
            "  - two",
        ]
    );
}

#[test]
fn list_items_hang_under_their_marker() {
    let text = "1. A worker application authenticates with its own client id and secret.\n2. Then";
    assert_eq!(
        plain(text, "  ", 40),
        [
            "  1. A worker application authenticates",
            "     with its own client id and secret.",
            "  2. Then",
        ]
    );
}

#[test]
fn inline_code_loses_its_backticks_links_show_their_url() {
    let text = "Uses `client_credentials` and **no** _scopes_; see [the docs](https://x.test/d) \
                or <https://x.test/a>.";
    assert_eq!(
        plain(text, "", 200),
        [
            "Uses client_credentials and no scopes; see the docs (https://x.test/d) or \
             https://x.test/a."
        ]
    );
    let coloured = to_lines("a `b` c", "", 80, Paint::new(true));
    assert_eq!(coloured, ["a \u{1b}[1mb\u{1b}[0m c"]);
}

#[test]
fn width_counts_columns_not_bytes_nor_colour_codes() {
    // Each of these takes two columns: eight of them fill sixteen.
    let wide = "日本語日本語日本 語";
    assert_eq!(plain(wide, "", 18), ["日本語日本語日本", "語"]);
    assert_eq!(plain(wide, "", 19), [wide]);
    let coloured = to_lines("`aaaa` `bbbb` `cccc`", "", 20, Paint::new(true));
    assert_eq!(coloured.len(), 1, "{coloured:?}");
}

#[test]
fn code_blocks_headings_and_templates_stay_as_written() {
    let text = "# Title\n\n```\nlet x = 1;\n```\n\nUses <<appID>>.";
    assert_eq!(
        plain(text, "", 80),
        ["Title", "", "  let x = 1;", "", "Uses <<appID>>."]
    );
}

#[test]
fn a_long_word_gets_its_own_line() {
    assert_eq!(wrap("a verylongword b", 5), ["a", "verylongword", "b"]);
    assert_eq!(
        wrap("see https://example.com/a-very-long-path end", 20),
        ["see", "https://example.com/a-very-long-path", "end"]
    );
}

#[test]
fn html_renders_markdown_and_escapes_what_is_not_markdown() {
    let html = to_html("Sends `client_id` <script>alert(1)</script> & **more**.");
    assert!(html.contains("<code>client_id</code>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("&amp;"), "{html}");
    assert!(html.contains("<strong>more</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    let block = to_html("<div onclick=\"x()\">hi</div>\n");
    assert!(!block.contains("<div"), "{block}");
}

#[test]
fn html_links_keep_only_safe_targets_and_images_fetch_nothing() {
    let html = to_html(
        "[ok](https://x.test/?a=1&b=\"2\") [bad](javascript:alert(1)) ![logo](https://x.test/l.png)",
    );
    assert!(
        html.contains("<a href=\"https://x.test/?a=1&amp;b=%222%22\">ok</a>"),
        "{html}"
    );
    assert!(!html.contains("javascript"), "{html}");
    assert!(
        html.contains("</a> bad <a"),
        "the text of a dropped link stays: {html}"
    );
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("<a href=\"https://x.test/l.png\">logo</a>"),
        "{html}"
    );
}
