//! A failed comparison of two JSON objects or arrays as a line diff of their indented text
//! (the `similar` crate), so the one field that differs stands out from the hundred that match.

use std::fmt::Write as _;

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

/// Lines of unchanged text kept around each change.
const CONTEXT: usize = 3;

/// The longest diff kept, in lines; the rest is counted.
const MAX_LINES: usize = 60;

/// `-` lines are the expected value's only, `+` lines the actual value's, `  ` lines both's;
/// `…` stands for unchanged lines left out. `None` unless one side is an object or array.
pub fn diff(expected: &Value, actual: &Value) -> Option<String> {
    let structured = |v: &Value| v.is_object() || v.is_array();
    if !structured(expected) && !structured(actual) {
        return None;
    }
    let old = serde_json::to_string_pretty(expected).ok()?;
    let new = serde_json::to_string_pretty(actual).ok()?;
    let text_diff = TextDiff::from_lines(&old, &new);
    let mut lines: Vec<String> = Vec::new();
    for (i, group) in text_diff.grouped_ops(CONTEXT).iter().enumerate() {
        if i > 0 || group.first().is_some_and(|op| op.old_range().start > 0) {
            lines.push("  …".to_owned());
        }
        for op in group {
            for change in text_diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                lines.push(format!("{sign} {}", change.value().trim_end_matches('\n')));
            }
        }
    }
    let last_old = text_diff
        .grouped_ops(CONTEXT)
        .last()?
        .last()?
        .old_range()
        .end;
    if last_old < old.lines().count() {
        lines.push("  …".to_owned());
    }
    let mut out = String::new();
    let more = lines.len().saturating_sub(MAX_LINES);
    for line in lines.iter().take(MAX_LINES) {
        let _ = writeln!(out, "{line}");
    }
    if more > 0 {
        let _ = writeln!(out, "… ({more} more lines)");
    }
    Some(out.trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::diff;

    #[test]
    fn only_the_changed_field_and_its_neighbours_are_shown() {
        let expected = json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "name": "alice"});
        let mut actual = expected.clone();
        actual["name"] = json!("bob");
        let text = diff(&expected, &actual).expect("objects differ");
        assert!(text.contains("-   \"name\": \"alice\""), "{text}");
        assert!(text.contains("+   \"name\": \"bob\""), "{text}");
        assert!(
            text.starts_with("  …"),
            "leading unchanged lines are left out: {text}"
        );
        assert!(!text.contains("\"a\": 1"), "{text}");
    }

    #[test]
    fn scalars_have_no_diff() {
        assert_eq!(diff(&json!("a"), &json!("b")), None);
        assert!(diff(&json!([1, 2]), &json!("b")).is_some());
    }
}
