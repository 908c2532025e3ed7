//! The HTML report's markup: each piece of a run (a workflow's head and result, a step) as a
//! fragment of HTML, with every text from the run escaped.

use std::fmt::{self, Write as _};
use std::time::Duration;

use crate::event::{
    ExpectationResult, Outcome, RequestInfo, ResponseInfo, StepCounts, StepKind, StepReport,
    WorkflowId, WorkflowInfo, WorkflowSummary,
};
use crate::report::excerpt::{TARGET_MAX, human_duration, readable_body, short_target};

/// Text made safe to place in HTML content or in a quoted attribute value. Control characters
/// (a NUL from a body that slipped past the binary check) show as `�`: HTML may not hold them.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut start = 0;
        for (at, c) in self.0.char_indices() {
            let escaped = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\n' | '\t' | '\r' => continue,
                c if c.is_control() => "\u{FFFD}",
                _ => continue,
            };
            f.write_str(&self.0[start..at])?;
            f.write_str(escaped)?;
            start = at + c.len_utf8();
        }
        f.write_str(&self.0[start..])
    }
}

/// What the summary table shows of one workflow.
#[derive(Debug, Clone, Default)]
pub struct WorkflowRow {
    pub title: String,
    pub path: String,
    /// The matrix entry's label, with `--matrix`.
    pub label: Option<String>,
    /// `None` while it runs, and for good when the run ended first.
    pub outcome: Option<Outcome>,
    pub duration: Option<Duration>,
    pub steps: StepCounts,
}

/// The anchor of a workflow's section.
pub fn anchor(id: &WorkflowId) -> String {
    format!("w{}-{}", id.run + 1, id.index + 1)
}

/// A workflow's title: its name, and its matrix label in brackets.
pub fn title(info: &WorkflowInfo) -> String {
    match &info.label {
        Some(label) => format!("{} [{label}]", info.name),
        None => info.name.clone(),
    }
}

pub fn outcome_name(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Passed) => "passed",
        Some(Outcome::Failed) => "failed",
        Some(Outcome::Skipped) => "skipped",
        None => "unfinished",
    }
}

/// Opens a workflow's section: title, file and description. Its result comes at the end
/// (the stylesheet shows it under the title).
pub fn workflow_head(out: &mut String, info: &WorkflowInfo) {
    let _ = write!(
        out,
        "<section class=\"workflow\" id=\"{}\">\n<div class=\"wf-head\"><h2>{}</h2><code class=\"path\">{}</code></div>\n",
        anchor(&info.id),
        Esc(&title(info)),
        Esc(&info.path),
    );
    if let Some(description) = info.description.as_deref().map(str::trim)
        && !description.is_empty()
    {
        // Markdown, rendered safely: raw HTML in it is shown as text (see `markdown::to_html`).
        let _ = writeln!(
            out,
            "<div class=\"description md\">{}</div>",
            crate::markdown::to_html(description)
        );
    }
}

/// Closes a workflow's section with its outcome, counts and duration.
pub fn workflow_result(out: &mut String, summary: &WorkflowSummary, cleanups_failed: usize) {
    let outcome = outcome_name(Some(summary.outcome));
    let _ = write!(
        out,
        "<div class=\"wf-result {outcome}\"><span class=\"badge {outcome}\">{outcome}</span><span class=\"wf-counts\">{} passed · {} failed · {} skipped",
        summary.passed, summary.failed, summary.skipped
    );
    if cleanups_failed > 0 {
        let plural = if cleanups_failed == 1 { "" } else { "s" };
        let _ = write!(out, " · {cleanups_failed} cleanup{plural} failed");
    }
    let _ = write!(
        out,
        "</span><span class=\"dur\">{}</span></div>\n</section>\n",
        human_duration(summary.duration)
    );
}

/// Closes the section of a workflow the run ended before.
pub fn workflow_unfinished(out: &mut String) {
    out.push_str("<div class=\"wf-result unfinished\"><span class=\"badge unfinished\">did not finish</span><span class=\"wf-counts\">the run ended before this workflow did</span></div>\n</section>\n");
}

/// One step or cleanup: a `<details>` whose summary line names it, open when it failed.
pub fn step(out: &mut String, report: &StepReport) {
    let outcome = outcome_name(Some(report.outcome));
    let (kind, number, mark) = match (report.kind, report.outcome) {
        (StepKind::Step, _) => (
            "step",
            format!("{:02}", report.number),
            mark(report.outcome),
        ),
        (StepKind::Cleanup, Outcome::Passed) => ("cleanup", format!("C{}", report.number), "↺"),
        (StepKind::Cleanup, _) => (
            "cleanup",
            format!("C{}", report.number),
            mark(report.outcome),
        ),
    };
    let open = if report.outcome == Outcome::Failed {
        " open"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<details class=\"step {outcome} {kind}\"{open}><summary><span class=\"mark\">{mark}</span><span class=\"num\">{number}</span><span class=\"name\">{}",
        Esc(&report.name)
    );
    if report.kind == StepKind::Cleanup {
        out.push_str(" <span class=\"tag\">cleanup</span>");
    }
    out.push_str("</span>");
    step_line_tail(out, report);
    out.push_str("</summary>\n<div class=\"detail\">\n");
    step_detail(out, report);
    out.push_str("</div></details>\n");
}

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "✓",
        Outcome::Failed => "✗",
        Outcome::Skipped => "–",
    }
}

/// The method, target, status and duration on a step's summary line.
fn step_line_tail(out: &mut String, report: &StepReport) {
    if let Some(request) = &report.request {
        let _ = write!(
            out,
            "<span class=\"target\" title=\"{}\"><b>{}</b> {}</span>",
            Esc(&request.url),
            Esc(&request.method),
            Esc(&short_target(&request.url, TARGET_MAX))
        );
    } else {
        let why = report
            .reason
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = write!(out, "<span class=\"target why\">{}</span>", Esc(&why));
    }
    match &report.response {
        Some(response) => {
            let _ = write!(
                out,
                "<span class=\"status s{}xx\">{}</span>",
                response.status / 100,
                response.status
            );
        }
        None => out.push_str("<span class=\"status\">—</span>"),
    }
    let duration = if report.outcome == Outcome::Skipped {
        String::new()
    } else {
        human_duration(report.duration)
    };
    let _ = write!(out, "<span class=\"dur\">{duration}</span>");
}

fn step_detail(out: &mut String, report: &StepReport) {
    if let Some(doc) = report.doc.as_deref().map(str::trim)
        && !doc.is_empty()
    {
        let _ = writeln!(
            out,
            "<div class=\"doc md\">{}</div>",
            crate::markdown::to_html(doc)
        );
    }
    if let Some(reason) = &report.reason {
        let class = if report.outcome == Outcome::Failed {
            "message failed"
        } else {
            "message"
        };
        let _ = writeln!(out, "<p class=\"{class}\">{}</p>", Esc(&reason.to_string()));
    }
    if !report.expectations.is_empty() {
        expectations(out, &report.expectations);
    }
    if !report.extracted.is_empty() {
        out.push_str("<p class=\"extracted\">Extracted ");
        for name in &report.extracted {
            let _ = write!(out, "<code>{}</code> ", Esc(name));
        }
        out.push_str("</p>\n");
    }
    if let Some(request) = &report.request {
        request_block(out, request);
    }
    if let Some(response) = &report.response {
        response_block(out, response, report);
    }
}

fn expectations(out: &mut String, results: &[ExpectationResult]) {
    out.push_str("<table class=\"expect\"><thead><tr><th></th><th>Check</th><th>Expected</th><th>Actual</th></tr></thead><tbody>\n");
    for e in results {
        let (class, mark) = if e.passed {
            ("passed", "✓")
        } else {
            ("failed", "✗")
        };
        let _ = writeln!(
            out,
            "<tr class=\"{class}\"><td class=\"mark\">{mark}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
            Esc(&e.subject),
            Esc(&e.expected),
            Esc(&e.actual)
        );
    }
    out.push_str("</tbody></table>\n");
}

fn request_block(out: &mut String, request: &RequestInfo) {
    let _ = writeln!(
        out,
        "<div class=\"exchange request\"><h4>Request</h4><pre class=\"line\"><b>{}</b> {}</pre>",
        Esc(&request.method),
        Esc(&request.url)
    );
    headers(out, &request.headers);
    if let Some(body) = request.body.as_deref().filter(|b| !b.is_empty()) {
        let _ = writeln!(
            out,
            "<pre class=\"body\">{}</pre>",
            Esc(&readable_body(body))
        );
    }
    out.push_str("</div>\n");
}

fn response_block(out: &mut String, response: &ResponseInfo, report: &StepReport) {
    let _ = write!(
        out,
        "<div class=\"exchange response\"><h4>Response <span class=\"status s{}xx\">{}</span> <span class=\"meta\">in {}",
        response.status / 100,
        response.status,
        human_duration(response.duration)
    );
    if report.attempts > 1 {
        let _ = write!(out, " · {} attempts", report.attempts);
    }
    out.push_str("</span></h4>\n");
    if report
        .request
        .as_ref()
        .is_some_and(|r| r.url != response.url)
    {
        let _ = writeln!(
            out,
            "<pre class=\"line\">final URL {}</pre>",
            Esc(&response.url)
        );
    }
    headers(out, &response.headers);
    if !response.body.is_empty() {
        let _ = write!(
            out,
            "<pre class=\"body\">{}</pre>",
            Esc(&readable_body(&response.body))
        );
        if response.body_truncated {
            out.push_str("<p class=\"note\">The body was cut at 64 KiB.</p>");
        }
        out.push('\n');
    }
    out.push_str("</div>\n");
}

fn headers(out: &mut String, headers: &[(String, String)]) {
    if headers.is_empty() {
        return;
    }
    out.push_str("<table class=\"headers\">");
    for (name, value) in headers {
        let _ = write!(
            out,
            "<tr><th>{}</th><td>{}</td></tr>",
            Esc(name),
            Esc(value)
        );
    }
    out.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            Esc("<script>alert('x' & \"y\")</script>").to_string(),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
        assert_eq!(Esc("plain «name» é").to_string(), "plain «name» é");
        assert_eq!(Esc("").to_string(), "");
        assert_eq!(Esc("a&").to_string(), "a&amp;");
        assert_eq!(
            Esc("a\0b\x1b[31m\nc\td").to_string(),
            "a\u{FFFD}b\u{FFFD}[31m\nc\td"
        );
    }

    #[test]
    fn failed_step_is_open_with_its_expectations_and_body() {
        let wf = fixtures::id(0, 0);
        let mut report = fixtures::step(
            &wf,
            3,
            "Authorize <now>",
            ("GET", "https://h/a"),
            (400, "{\"x\":\"<b>\"}"),
        );
        report.outcome = Outcome::Failed;
        report.expectations = vec![fixtures::expectation("status", false, "302", "400")];
        let mut html = String::new();
        step(&mut html, &report);
        assert!(
            html.starts_with("<details class=\"step failed step\" open>"),
            "{html}"
        );
        assert!(html.contains("Authorize &lt;now&gt;"), "{html}");
        assert!(html.contains("<tr class=\"failed\"><td class=\"mark\">✗</td><td>status</td><td><code>302</code></td><td><code>400</code></td></tr>"), "{html}");
        assert!(html.contains("&quot;&lt;b&gt;&quot;"), "{html}");
        assert!(!html.contains("<b>\""), "{html}");
    }

    #[test]
    fn a_shortened_path_shows_the_whole_url_on_hover() {
        let wf = fixtures::id(0, 0);
        let url = "https://h/v1/environments/3f1d2c4e-aaaa-bbbb-cccc-1234567890ab/applications/9a8b7c6d-1111-2222-3333-444455556666/secret?a=1&b=2";
        let report = fixtures::step(&wf, 1, "Read", ("GET", url), (200, ""));
        let mut html = String::new();
        step(&mut html, &report);
        assert!(
            html.contains(&format!(
                "<span class=\"target\" title=\"{}\"><b>GET</b> /v1/environments/3f…/applications/9a…/secret?a=1&amp;b=2</span>",
                url.replace('&', "&amp;")
            )),
            "{html}"
        );
    }

    #[test]
    fn passing_cleanup_is_closed_and_marked() {
        let wf = fixtures::id(0, 0);
        let mut report = fixtures::step(&wf, 1, "Delete", ("DELETE", "https://h/a/1"), (204, ""));
        report.kind = StepKind::Cleanup;
        let mut html = String::new();
        step(&mut html, &report);
        assert!(html.starts_with("<details class=\"step passed cleanup\"><summary><span class=\"mark\">↺</span><span class=\"num\">C1</span>"), "{html}");
        assert!(html.contains("<span class=\"tag\">cleanup</span>"));
        assert!(html.contains("<b>DELETE</b> /a/1"), "{html}");
    }
}
