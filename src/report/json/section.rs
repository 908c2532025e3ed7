//! The text that opens and closes a workflow's section of the JSON report: its head, the end
//! of its `steps` array, and its outcome; each written as its piece of the run comes.

use std::fmt::Write as _;

use serde::Serialize;

use super::Section;
use crate::event::{Outcome, WorkflowInfo};
use crate::report::excerpt::millis;

/// A value as JSON text; strings and the report's own types cannot fail to serialize.
pub(super) fn json_text<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub(super) fn workflow_head(info: &WorkflowInfo) -> String {
    workflow_head_text(
        &info.name,
        &info.path,
        (info.label.as_deref(), info.id.index),
        info.description.as_deref(),
    )
}

/// A workflow's head: `label` is its matrix entry's, `index` its place among the entry's
/// workflows (what `report merge` orders a tenant's workflows by).
pub(super) fn workflow_head_text(
    name: &str,
    path: &str,
    (label, index): (Option<&str>, usize),
    description: Option<&str>,
) -> String {
    format!(
        "    {{\"name\": {}, \"path\": {}, \"label\": {}, \"index\": {index}, \"description\": {}, \"steps\": [",
        json_text(name),
        json_text(path),
        json_text(&label),
        json_text(&description)
    )
}

/// Closes the `steps` array (holding `steps` entries) and opens `cleanups`.
pub(super) fn steps_end(steps: usize) -> &'static str {
    if steps == 0 {
        "], \"cleanups\": ["
    } else {
        "\n    ], \"cleanups\": ["
    }
}

/// The text that closes a workflow's section.
pub(super) fn section_end(
    section: &Section,
    outcome: Option<Outcome>,
    duration: Option<std::time::Duration>,
) -> String {
    let mut text = String::new();
    if !section.in_cleanups {
        text.push_str(steps_end(section.steps));
    }
    if section.cleanups > 0 {
        text.push_str("\n    ");
    }
    let _ = write!(
        text,
        "], \"outcome\": {}, \"duration_ms\": {}}}",
        json_text(&outcome),
        json_text(&duration.map(millis))
    );
    text
}
