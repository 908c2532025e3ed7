//! The frame of the HTML report: the document head with its inline stylesheet, the run
//! summary, and the end of the page. Everything is inline so the file reads offline and prints as it shows.

use std::fmt::Write;

use crate::event::{RunSummary, WorkflowId};
use crate::report::excerpt::human_duration;
use crate::report::html_markup::{Esc, WorkflowRow, anchor, outcome_name};

/// The stylesheet. The page is a flex column so the summary, written last, shows first;
/// a workflow's result, written when it ends, shows under its title the same way.
const STYLE: &str = r#"
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#ffffff; --soft:#f6f8fa;
  --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#cf222e; --fail-bg:#ffebe9; --skip:#6e7781;
  --skip-bg:#eaeef2; --warn:#9a6700; --warn-bg:#fff8c5; --accent:#0969da; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; color: var(--fg);
  background: var(--bg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; display: flex; flex-direction: column; }
code, pre, .num, .target, .status, .dur { font-family: ui-monospace, SFMono-Regular,
  "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.top { order: -3; display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap;
  border-bottom: 1px solid var(--line); padding-bottom: 12px; margin-bottom: 20px; }
.top h1 { font-size: 22px; margin: 0; } .top .meta { color: var(--muted); flex: 1; }
.top button { font: inherit; font-size: 12px; border: 1px solid var(--line); background: var(--soft);
  border-radius: 6px; padding: 3px 10px; cursor: pointer; }
#summary { order: -2; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px;
  margin-bottom: 28px; background: var(--soft); }
.verdict { display: flex; align-items: center; gap: 12px; margin-bottom: 12px; }
.verdict .badge { font-size: 14px; padding: 3px 12px; }
.counts { list-style: none; display: flex; flex-wrap: wrap; gap: 8px; padding: 0; margin: 0 0 14px; }
.counts li { background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
  padding: 4px 12px; color: var(--muted); }
.counts li b { color: var(--fg); font-size: 16px; margin-right: 6px; }
.counts li.failed b { color: var(--fail); } .counts li.passed b { color: var(--pass); }
table { border-collapse: collapse; width: 100%; }
.index th, .index td { text-align: left; padding: 6px 8px; border-top: 1px solid var(--line);
  vertical-align: baseline; }
.index th { color: var(--muted); font-weight: 600; font-size: 12px; border-top: none; }
.index .path { display: block; color: var(--muted); font-size: 11.5px; }
.index .steps, .index .dur { white-space: nowrap; }
.tenants { margin-bottom: 16px; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px;
  font-weight: 600; text-transform: uppercase; letter-spacing: .03em; white-space: nowrap; }
.badge.passed { color: var(--pass); background: var(--pass-bg); }
.badge.failed { color: var(--fail); background: var(--fail-bg); }
.badge.skipped, .badge.unfinished { color: var(--skip); background: var(--skip-bg); }
.badge.interrupted { color: var(--warn); background: var(--warn-bg); }
main { display: flex; flex-direction: column; gap: 28px; }
.workflow { display: flex; flex-direction: column; gap: 6px; }
.wf-head { order: -3; display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap;
  border-bottom: 2px solid var(--fg); padding-bottom: 4px; }
.wf-head h2 { font-size: 18px; margin: 0; } .wf-head .path { color: var(--muted); }
.wf-result { order: -2; display: flex; align-items: center; gap: 12px; color: var(--muted); }
.wf-result .dur { margin-left: auto; }
.description { order: -1; color: var(--fg); background: var(--soft);
  border-left: 3px solid var(--line); padding: 8px 12px; margin: 4px 0 6px; }
details.step { border: 1px solid var(--line); border-left: 4px solid var(--pass);
  border-radius: 6px; background: var(--bg); }
details.step.failed { border-left-color: var(--fail); }
details.step.skipped { border-left-color: var(--skip); }
details.step.cleanup { border-style: dashed solid dashed solid; border-left-style: solid; }
details.step > summary { display: grid; grid-template-columns: 18px 34px minmax(0, 1fr)
  minmax(0, 1.1fr) 44px 70px; gap: 10px; align-items: baseline; padding: 6px 10px;
  cursor: pointer; list-style: none; }
details.step > summary::-webkit-details-marker { display: none; }
details.step[open] > summary { border-bottom: 1px solid var(--line); background: var(--soft); }
.mark { font-weight: 700; text-align: center; }
.passed > summary .mark, tr.passed .mark { color: var(--pass); }
.failed > summary .mark, tr.failed .mark { color: var(--fail); }
.skipped > summary { color: var(--skip); }
.num { color: var(--muted); } .name { font-weight: 600; overflow-wrap: anywhere; }
.target { color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.target b { color: var(--fg); font-weight: 600; }
.target.why { font-family: inherit; font-style: italic; font-size: 13px; }
.status { font-weight: 600; } .dur { color: var(--muted); text-align: right; white-space: nowrap; }
.s2xx { color: var(--pass); } .s3xx { color: var(--accent); } .s4xx, .s5xx { color: var(--fail); }
.tag { font-size: 11px; font-weight: 500; color: var(--muted); border: 1px solid var(--line);
  border-radius: 4px; padding: 0 5px; margin-left: 6px; }
.detail { padding: 10px 14px 12px 44px; display: flex; flex-direction: column; gap: 10px; }
.doc { color: var(--fg); border-left: 3px solid var(--accent); padding: 2px 10px; }
.md > :first-child { margin-top: 0; } .md > :last-child { margin-bottom: 0; }
.md p, .md ul, .md ol, .md pre, .md blockquote { margin: 0 0 6px; }
.md code { background: var(--soft); border: 1px solid var(--line); border-radius: 4px;
  padding: 0 4px; font-size: 0.92em; }
.md pre { padding: 6px 8px; background: var(--soft); border-radius: 4px; }
.md pre code { border: 0; padding: 0; }
.message { margin: 0; padding: 6px 10px; border-radius: 6px; background: var(--skip-bg); }
.message.failed { background: var(--fail-bg); color: var(--fail); }
.extracted { margin: 0; color: var(--muted); }
.extracted code { color: var(--fg); background: var(--soft); border: 1px solid var(--line);
  border-radius: 4px; padding: 0 5px; }
.expect th, .expect td { text-align: left; padding: 4px 8px; border: 1px solid var(--line);
  vertical-align: top; }
.expect th { background: var(--soft); font-size: 12px; color: var(--muted); }
.expect td code { white-space: pre-wrap; overflow-wrap: anywhere; }
.expect tr.failed td { background: var(--fail-bg); }
.expect .mark { width: 24px; }
.exchange h4 { margin: 0 0 4px; font-size: 13px; display: flex; gap: 8px; align-items: baseline; }
.exchange .meta { color: var(--muted); font-weight: 400; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.line { padding: 4px 8px; background: var(--soft); border-radius: 4px; }
pre.body { padding: 8px 10px; background: var(--soft); border: 1px solid var(--line);
  border-radius: 4px; max-height: 480px; overflow: auto; margin-top: 4px; }
.headers { margin-top: 4px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12px; }
.headers th { text-align: left; font-weight: 600; color: var(--muted); padding: 1px 12px 1px 8px;
  width: 1%; white-space: nowrap; vertical-align: top; }
.headers td { padding: 1px 8px; overflow-wrap: anywhere; }
.note { margin: 4px 0 0; color: var(--warn); font-size: 12px; }
.foot { order: 1; margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .top button { display: none; }
  details.step, .workflow { break-inside: avoid-page; }
  pre.body { max-height: none; overflow: visible; }
  a { color: inherit; }
}
"#;

/// Opens the details of every step before printing, and serves the two buttons.
const SCRIPT: &str = "function setAll(o){document.querySelectorAll('details.step').forEach(function(d){d.open=o;});}\
window.addEventListener('beforeprint',function(){setAll(true);});";

/// The document up to the first workflow section.
pub fn head(generated: &str) -> String {
    let mut out = String::with_capacity(STYLE.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"steprun\">\n<title>steprun report</title>\n");
    let _ = write!(
        out,
        "<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n"
    );
    let _ = write!(
        out,
        "<body>\n<header class=\"top\"><h1>steprun report</h1><span class=\"meta\">{generated}</span>\
<button type=\"button\" onclick=\"setAll(true)\">Expand all</button>\
<button type=\"button\" onclick=\"setAll(false)\">Collapse all</button></header>\n<main>\n"
    );
    out
}

/// Ends the workflows; the summary follows.
pub const MAIN_END: &str = "</main>\n";

/// The run summary: verdict, counts, and a table of every workflow linking to its section.
pub fn summary<'a>(
    out: &mut impl Write,
    run: &RunSummary,
    rows: impl Iterator<Item = (&'a WorkflowId, &'a WorkflowRow)>,
) {
    let failed =
        run.counts.workflows_failed + run.counts.steps_failed + run.counts.cleanups_failed > 0;
    let verdict = match (run.interrupted, failed) {
        (true, _) => "interrupted",
        (false, true) => "failed",
        (false, false) => "passed",
    };
    let _ = write!(
        out,
        "<section id=\"summary\" class=\"summary {verdict}\">\n<div class=\"verdict\"><span class=\"badge {verdict}\">{verdict}</span><span class=\"dur\">{}</span></div>\n<ul class=\"counts\">",
        human_duration(run.duration)
    );
    let counts = [
        (run.counts.workflows, "workflows", ""),
        (
            run.counts.workflows - run.counts.workflows_failed,
            "passed",
            "passed",
        ),
        (run.counts.workflows_failed, "failed", "failed"),
        (run.counts.steps_passed, "steps passed", "passed"),
        (run.counts.steps_failed, "steps failed", "failed"),
        (run.counts.steps_skipped, "steps skipped", "skipped"),
        (run.counts.cleanups_failed, "cleanups failed", "failed"),
    ];
    for (n, label, class) in counts {
        let class = if n > 0 { class } else { "" };
        let _ = write!(out, "<li class=\"{class}\"><b>{n}</b>{label}</li>");
    }
    let _ = out.write_str("</ul>\n");
    let rows: Vec<_> = rows.collect();
    tenants(out, &rows);
    let _ = out.write_str("<table class=\"index\"><thead><tr><th></th><th>Workflow</th><th>Steps</th><th>Duration</th></tr></thead><tbody>\n");
    for (id, row) in rows {
        let outcome = outcome_name(row.outcome);
        let _ = writeln!(
            out,
            "<tr class=\"{outcome}\"><td><span class=\"badge {outcome}\">{outcome}</span></td><td><a href=\"#{}\">{}</a><code class=\"path\">{}</code></td><td class=\"steps\">{} passed · {} failed · {} skipped</td><td class=\"dur\">{}</td></tr>",
            anchor(id),
            Esc(&row.title),
            Esc(&row.path),
            row.steps.passed,
            row.steps.failed,
            row.steps.skipped,
            row.duration.map(human_duration).unwrap_or_default(),
        );
    }
    let _ = out.write_str("</tbody></table>\n</section>\n");
}

/// With `--matrix` (and in a merged report), a row per tenant: its workflows' outcomes and
/// step counts, in the run's order.
fn tenants(out: &mut impl Write, rows: &[(&WorkflowId, &WorkflowRow)]) {
    let mut tenants: Vec<(usize, &str, [usize; 5])> = Vec::new();
    for (id, row) in rows {
        let Some(label) = row.label.as_deref() else {
            continue;
        };
        if tenants.last().is_none_or(|(run, _, _)| *run != id.run) {
            tenants.push((id.run, label, [0; 5]));
        }
        if let Some((_, _, n)) = tenants.last_mut() {
            n[0] += 1;
            n[1] += usize::from(row.outcome == Some(crate::event::Outcome::Failed));
            n[2] += row.steps.passed;
            n[3] += row.steps.failed;
            n[4] += row.steps.skipped;
        }
    }
    if tenants.is_empty() {
        return;
    }
    let _ = out.write_str("<table class=\"index tenants\"><thead><tr><th></th><th>Tenant</th><th>Workflows</th><th>Steps</th></tr></thead><tbody>\n");
    for (_, label, [workflows, failed, passed, steps_failed, skipped]) in tenants {
        let outcome = if failed > 0 { "failed" } else { "passed" };
        let _ = writeln!(
            out,
            "<tr class=\"{outcome}\"><td><span class=\"badge {outcome}\">{outcome}</span></td><td>{}</td><td class=\"steps\">{workflows} · {failed} failed</td><td class=\"steps\">{passed} passed · {steps_failed} failed · {skipped} skipped</td></tr>",
            Esc(label)
        );
    }
    let _ = out.write_str("</tbody></table>\n");
}

/// The end of the document, after the summary.
pub fn tail() -> String {
    format!(
        "<footer class=\"foot\">Generated by steprun {}. Secrets are shown as «name».</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    )
}
